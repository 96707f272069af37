// Dashboard → Search as a browser requests it: highlighting, escaping, tabs, paging, htmx fragments, and
// an agent who must not see inboxes they are not a member of.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { accountPath as apiPath, addInboxMembers, caller, createApiInbox, createContact } from "../api/v1/accounts/conversation-test-kit.ts";
import { createAdmin, createAgent, startTestServer, type TestServer } from "../testing/server.ts";
import { WebClient } from "./test-client.ts";

let server: TestServer;
let admin: Awaited<ReturnType<typeof createAdmin>>;
let adminWeb: WebClient;
let agentWeb: WebClient;
let base: string;
let sharedConv: number;
let secretConv: number;

async function login(email: string, password: string): Promise<WebClient> {
  const client = new WebClient(server);
  await client.page("/app/login");
  const res = await client.post("/app/login", { email, password });
  expect(res.status).toBe(302);
  return client;
}

async function conversationWith(inboxId: number, contactName: string, texts: { content: string; private?: boolean }[]) {
  const call = caller(server);
  const { contact } = await createContact(server, admin, inboxId, contactName);
  const conv = await call(admin.token, "POST", apiPath(admin.account.id, "/conversations"), { inbox_id: inboxId, contact_id: contact.id });
  for (const t of texts) {
    const res = await call(admin.token, "POST", apiPath(admin.account.id, `/conversations/${conv.body.id}/messages`), { message_type: "outgoing", ...t });
    expect(res.status).toBe(200);
  }
  return conv.body.id as number;
}

beforeAll(async () => {
  server = startTestServer({}, { startJobs: false });
  admin = await createAdmin(server, { name: "Ada Admin" });
  const agent = await createAgent(server, admin, { name: "Sam Searcher" });
  const shared = await createApiInbox(server, admin, { name: "Shared desk", enable_auto_assignment: false });
  const secret = await createApiInbox(server, admin, { name: "Secret desk", enable_auto_assignment: false });
  await addInboxMembers(server, admin, shared.id, [agent.user.id]);
  sharedConv = await conversationWith(shared.id, "Mona <b>Mango</b>", [
    { content: 'Mango <script>alert("x")</script> and <img src=x onerror=alert(1)> delivered' },
    { content: "Internal: the MANGO crate was late", private: true },
  ]);
  secretConv = await conversationWith(secret.id, "Victor Vault", [{ content: "Mango vault code is 1234 classified" }]);
  adminWeb = await login(admin.email, admin.password);
  agentWeb = await login(agent.email, agent.password);
  base = `/app/accounts/${admin.account.id}/search`;
}, 30_000);
afterAll(() => server.close());

describe("Dashboard → Search", () => {
  test("the rail has a Search link the / shortcut finds; an empty query explains what to search", async () => {
    const { res, html } = await adminWeb.page(base);
    expect(res.status).toBe(200);
    expect(html).toMatch(/<a[^>]*href="\/app\/accounts\/\d+\/search"[^>]*data-shortcut="search"/);
    expect(html).toContain('id="search-input"');
    expect(html).toContain("Search conversations, messages and contacts");
  });

  test("matches are highlighted inside escaped content; markup from messages and names never becomes HTML", async () => {
    const { res, html } = await adminWeb.page(`${base}?q=mango`);
    expect(res.status).toBe(200);
    expect(html).toContain('<mark class="search-mark">Mango</mark> &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; and &lt;img src=x onerror=alert(1)&gt; delivered');
    expect(html).toContain('the <mark class="search-mark">MANGO</mark> crate');
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain("<img src=x");
    // The contact's name matched as a substring, escaped the same way.
    expect(html).toContain('Mona &lt;b&gt;<mark class="search-mark">Mango</mark>&lt;/b&gt;');
    expect(html).not.toContain("<b>Mango</b>");
    // Links to the conversation and the message; private notes are marked as such.
    expect(html).toContain(`/conversations/${sharedConv}#message-`);
    expect(html).toContain(`href="/app/accounts/${admin.account.id}/conversations/${secretConv}"`);
    expect(html).toContain("Private note");
    for (const tab of ["All", "Conversations", "Messages", "Contacts"]) expect(html).toContain(`>${tab}</a>`);
  });

  test("an agent sees nothing of an inbox they are not a member of", async () => {
    const { html } = await agentWeb.page(`${base}?q=mango`);
    expect(html).toContain(`/conversations/${sharedConv}`);
    expect(html).not.toContain(`/conversations/${secretConv}`);
    expect(html).not.toContain("classified");
    expect(html).not.toContain("Secret desk");
    const byNumber = await agentWeb.page(`${base}?q=%23${secretConv}&type=conversations`);
    expect(byNumber.html).not.toContain(`/conversations/${secretConv}"`);
    expect(byNumber.html).toContain("No conversations match.");
    const byContact = await agentWeb.page(`${base}?q=victor`);
    expect(byContact.html).not.toContain(`/conversations/${secretConv}`);
  });

  test("tabs narrow the results; htmx gets the results fragment only", async () => {
    const messages = await adminWeb.page(`${base}?q=mango&type=messages`);
    expect(messages.html).toContain('data-testid="search-messages"');
    expect(messages.html).not.toContain('data-testid="search-contacts"');
    expect(messages.html).toMatch(/class="search-tab is-active"[^>]*aria-current="page"[^>]*data-tab="messages"/);
    const res = await adminWeb.get(`${base}?q=mango&type=contacts`, { "hx-request": "true" });
    const fragment = await res.text();
    expect(res.status).toBe(200);
    expect(fragment.startsWith('<div id="search-results"')).toBe(true);
    expect(fragment).not.toContain("<!doctype");
    expect(fragment).toContain('data-testid="search-contacts"');
    expect(fragment).not.toContain('data-testid="search-messages"');
  });

  test("messages page in 15s with Next and Previous; unknown tabs and pages fall back; a long query is cut, not an error", async () => {
    await conversationWith((await createApiInbox(server, admin, { name: "Bulk" })).id, "Bulk Buyer", Array.from({ length: 18 }, (_, i) => ({ content: `papaya batch ${i}` })));
    const p1 = await adminWeb.page(`${base}?q=papaya&type=messages`);
    expect(p1.html.match(/data-message-id=/g)).toHaveLength(15);
    expect(p1.html).toContain('rel="next"');
    expect(p1.html).toContain("papaya</mark> batch 17");
    const p2 = await adminWeb.page(`${base}?q=papaya&type=messages&page=2`);
    expect(p2.html.match(/data-message-id=/g)).toHaveLength(3);
    expect(p2.html).toContain('rel="prev"');
    expect(p2.html).not.toContain('rel="next"');
    expect((await adminWeb.page(`${base}?q=papaya&type=bogus&page=-4`)).res.status).toBe(200);
    const long = await adminWeb.page(`${base}?q=${"x".repeat(5000)}`);
    expect(long.res.status).toBe(200);
    const none = await adminWeb.page(`${base}?q=${encodeURIComponent('"zz NEAR(')}`);
    expect(none.res.status).toBe(200);
    expect(none.html).toContain("Nothing found for");
  });

  test("another account's search page is 404", async () => {
    const other = await createAdmin(server, { accountName: "Elsewhere" });
    expect((await adminWeb.get(`/app/accounts/${other.account.id}/search?q=mango`)).status).toBe(404);
  });
});
