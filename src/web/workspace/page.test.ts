import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { addInboxMembers, caller, createApiInbox, startConversation, type Admin } from "../../api/v1/accounts/conversation-test-kit.ts";
import { createAdmin, createAgent, startTestServer, type TestServer } from "../../testing/server.ts";
import { WebClient } from "../test-client.ts";

// Each test makes accounts, agents and conversations through the API: slow on a busy machine, not stuck.
setDefaultTimeout(30_000);

let server: TestServer;
let call: ReturnType<typeof caller>;
let admin: Admin & { email: string; password: string };
let inboxA: { id: number; name: string };
let inboxB: { id: number; name: string };
let mia: Awaited<ReturnType<typeof createAgent>>;
const conv: Record<string, { id: number }> = {};

const api = (path: string) => `/api/v1/accounts/${admin.account.id}${path}`;
const web = (path: string) => `/app/accounts/${admin.account.id}/${path}`;

async function login(email: string, password: string): Promise<WebClient> {
  const client = new WebClient(server);
  await client.page("/app/login");
  const res = await client.post("/app/login", { email, password });
  expect(res.status).toBe(302);
  return client;
}

/** The display ids of the rows of a list page or fragment, in order. */
function rowIds(html: string): number[] {
  return [...html.matchAll(/<li class="ws-row[^"]*" id="conversation-row-(\d+)"/g)].map((m) => Number(m[1]));
}

function count(html: string, tab: "me" | "unassigned" | "all"): number {
  const m = new RegExp(`data-count="${tab}">(\\d+)<`).exec(html);
  if (!m) throw new Error(`no ${tab} count in the page`);
  return Number(m[1]);
}

async function incoming(id: number, content: string) {
  const res = await call(admin.token, "POST", api(`/conversations/${id}/messages`), { content, message_type: "incoming" });
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  server = startTestServer();
  call = caller(server);
  admin = await createAdmin(server, { name: "Ada Admin" });
  inboxA = await createApiInbox(server, admin, { name: "Support A", enable_auto_assignment: false });
  inboxB = await createApiInbox(server, admin, { name: "Billing B", enable_auto_assignment: false });
  mia = await createAgent(server, admin, { name: "Mia Member" });
  await addInboxMembers(server, admin, inboxA.id, [mia.user.id]);

  conv.plain = await startConversation(server, admin, inboxA.id);
  await incoming(conv.plain.id, "Hello <b>there</b> & welcome");
  conv.mias = await startConversation(server, admin, inboxA.id, { assignee_id: mia.user.id });
  await incoming(conv.mias.id, "Assigned to Mia");
  conv.urgent = await startConversation(server, admin, inboxA.id);
  expect((await call(admin.token, "PATCH", api(`/conversations/${conv.urgent.id}`), { priority: "urgent" })).status).toBe(200);
  expect((await call(admin.token, "POST", api(`/conversations/${conv.urgent.id}/labels`), { labels: ["vip"] })).status).toBe(200);
  conv.pending = await startConversation(server, admin, inboxA.id, { status: "pending" });
  conv.billing = await startConversation(server, admin, inboxB.id);
  await incoming(conv.billing.id, "Secret billing question");
});
afterAll(() => server.close());

describe("workspace list", () => {
  test("tabs with counts, rows with contact, inbox, escaped excerpt, unread badge, labels and priority", async () => {
    const client = await login(admin.email, admin.password);
    const { res, html } = await client.page(web("dashboard"));
    expect(res.status).toBe(200);
    // Mine is the default tab; nothing is assigned to the admin, so it explains where the work is.
    expect(count(html, "me")).toBe(0);
    expect(count(html, "unassigned")).toBe(3);
    expect(count(html, "all")).toBe(4);
    expect(rowIds(html)).toEqual([]);
    expect(html).toContain('data-empty="mine"');
    expect(html).toContain("3 unassigned conversations are waiting");
    for (const pane of ['id="conversation-list"', 'id="conversation-pane"', 'id="sidebar-pane"', 'id="shortcuts-dialog"']) expect(html).toContain(pane);

    const all = (await client.page(web("dashboard?assignee_type=all"))).html;
    // Last activity first; the pending conversation is not open.
    expect(rowIds(all)).toEqual([conv.billing.id, conv.urgent.id, conv.mias.id, conv.plain.id]);
    expect(all).toContain("Hello &lt;b&gt;there&lt;/b&gt; &amp; welcome");
    expect(all).not.toContain("<b>there</b>");
    const plainRow = all.slice(all.indexOf(`id="conversation-row-${conv.plain.id}"`));
    expect(plainRow.slice(0, plainRow.indexOf("</li>"))).toMatch(/Support A[\s\S]*data-unread="1"/);
    const urgentRow = all.slice(all.indexOf(`id="conversation-row-${conv.urgent.id}"`));
    expect(urgentRow.slice(0, urgentRow.indexOf("</li>"))).toMatch(/ws-priority-urgent[\s\S]*<span class="ws-label" data-label="vip">vip<\/span>/);
    const miasRow = all.slice(all.indexOf(`id="conversation-row-${conv.mias.id}"`));
    expect(miasRow.slice(0, miasRow.indexOf("</li>"))).toContain("Assigned to Mia Member");

    // Reading the conversation clears its unread badge.
    expect((await call(admin.token, "POST", api(`/conversations/${conv.plain.id}/update_last_seen`))).status).toBe(200);
    const after = (await client.page(web("dashboard?assignee_type=all"))).html;
    const row = after.slice(after.indexOf(`id="conversation-row-${conv.plain.id}"`));
    expect(row.slice(0, row.indexOf("</li>"))).not.toContain("data-unread");
  });

  test("filters by status, inbox, label, priority and sort, kept in the URL of every link", async () => {
    const client = await login(admin.email, admin.password);
    const ids = async (query: string) => rowIds((await client.page(web(`dashboard?assignee_type=all&${query}`))).html);
    expect(await ids("status=pending")).toEqual([conv.pending.id]);
    expect(await ids("status=all")).toHaveLength(5);
    expect(await ids(`inbox_id=${inboxB.id}`)).toEqual([conv.billing.id]);
    expect(await ids("label=vip")).toEqual([conv.urgent.id]);
    expect(await ids("priority=urgent")).toEqual([conv.urgent.id]);
    expect(await ids("priority=none")).toEqual([conv.billing.id, conv.mias.id, conv.plain.id]);
    expect(await ids("sort_by=created_at_asc")).toEqual([conv.plain.id, conv.mias.id, conv.urgent.id, conv.billing.id]);
    expect(await ids("status=resolved")).toEqual([]);

    const { html } = await client.page(web(`dashboard?assignee_type=all&status=all&inbox_id=${inboxA.id}`));
    // Row links and tabs carry the filters, so reload and Back keep the view; the selects show them.
    expect(html).toContain(`href="/app/accounts/${admin.account.id}/conversations/${conv.plain.id}?assignee_type=all&amp;status=all&amp;inbox_id=${inboxA.id}"`);
    expect(html).toContain(`href="/app/accounts/${admin.account.id}/dashboard?assignee_type=unassigned&amp;status=all&amp;inbox_id=${inboxA.id}"`);
    expect(html).toMatch(new RegExp(`<option value="${inboxA.id}" selected="">Support A</option>`));
    expect(html).not.toContain("data-empty");

    // The htmx fragment for a filter change: list body only, and the address bar follows.
    const frag = await client.get(web(`conversation-list?assignee_type=all&status=pending`), { "hx-request": "true" });
    const body = await frag.text();
    expect(body.startsWith('<div id="conversation-list-body"')).toBe(true);
    expect(rowIds(body)).toEqual([conv.pending.id]);
    expect(frag.headers.get("hx-push-url")).toBe(web("dashboard?assignee_type=all&status=pending"));

    // With a conversation open, a filter change keeps it open (highlighted, and in the pushed address).
    const withOpen = await client.get(web("conversation-list?assignee_type=all&status=pending"), { "hx-request": "true", "x-parley-open": String(conv.pending.id) });
    expect(await withOpen.text()).toMatch(new RegExp(`<li class="ws-row is-open[^"]*" id="conversation-row-${conv.pending.id}"`));
    expect(withOpen.headers.get("hx-push-url")).toBe(web(`conversations/${conv.pending.id}?assignee_type=all&status=pending`));

    // Bad filter values are a 422 naming the parameter.
    const bad = await client.get(web("dashboard?status=bogus"));
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain("status");
    expect((await client.get(web("conversation-list?inbox_id=abc"))).status).toBe(422);
  });

  test("an agent sees neither the conversations nor the counts of an inbox they are not a member of", async () => {
    const client = await login(mia.email, mia.password);
    const { html } = await client.page(web("dashboard?assignee_type=all&status=all"));
    expect(rowIds(html).sort()).toEqual([conv.plain.id, conv.mias.id, conv.urgent.id, conv.pending.id].sort());
    expect(html).not.toContain("Billing B");
    expect(html).not.toContain("Secret billing question");
    const open = (await client.page(web("dashboard?assignee_type=all"))).html;
    expect(count(open, "all")).toBe(3);
    expect(count(open, "me")).toBe(1);
    expect(count(open, "unassigned")).toBe(2);
    // Asking for the foreign inbox directly gives nothing, counts included.
    const foreign = (await client.page(web(`dashboard?assignee_type=all&inbox_id=${inboxB.id}`))).html;
    expect(rowIds(foreign)).toEqual([]);
    expect(count(foreign, "all")).toBe(0);
    expect((await client.get(web(`conversations/${conv.billing.id}`))).status).toBe(404);
    // Mine holds her conversation.
    expect(rowIds((await client.page(web("dashboard"))).html)).toEqual([conv.mias.id]);
  });

  test("an agent in no inbox is told to ask for one; an administrator without inboxes gets a link to create one", async () => {
    const loner = await createAgent(server, admin, { name: "Lou Loner" });
    const client = await login(loner.email, loner.password);
    const html = (await client.page(web("dashboard"))).html;
    expect(html).toContain('data-empty="no-inboxes"');
    expect(html).toContain("Ask an administrator to add you to an inbox");

    const other = await createAdmin(server, { accountName: "Empty Co" });
    const otherClient = await login(other.email, other.password);
    const empty = (await otherClient.page(`/app/accounts/${other.account.id}/dashboard`)).html;
    expect(empty).toContain('data-empty="no-inboxes"');
    expect(empty).toContain(`href="/app/accounts/${other.account.id}/settings/inboxes"`);
    expect(empty).toContain("this account has none yet");
  });

  test("pages by 25 with a revealed sentinel; a refresh re-reads the loaded pages in one request", async () => {
    const other = await createAdmin(server, { accountName: "Busy Co" });
    const inbox = await createApiInbox(server, other, { name: "Busy", enable_auto_assignment: false });
    const made: number[] = [];
    for (let i = 0; i < 27; i++) made.push((await startConversation(server, other, inbox.id)).id);
    const client = await login(other.email, other.password);
    const base = `/app/accounts/${other.account.id}`;
    const first = (await client.page(`${base}/dashboard?assignee_type=all`)).html;
    const newestFirst = [...made].reverse();
    expect(rowIds(first)).toEqual(newestFirst.slice(0, 25));
    expect(count(first, "all")).toBe(27);
    const sentinel = /<li class="ws-more" data-next-page="2">[\s\S]*?hx-get="([^"]+)"[\s\S]*?hx-trigger="revealed, click"/.exec(first);
    expect(sentinel).not.toBeNull();
    const next = await client.get(sentinel![1].replaceAll("&amp;", "&"), { "hx-request": "true" });
    const nextHtml = await next.text();
    expect(rowIds(nextHtml)).toEqual(newestFirst.slice(25));
    expect(nextHtml).not.toContain("ws-more");
    expect(nextHtml).not.toContain("conversation-list-body");

    // The live refresh asks for the two loaded pages at once and gets no history entry.
    const refresh = await client.get(`${base}/conversation-list?assignee_type=all&pages=2`);
    expect(rowIds(await refresh.text())).toEqual(newestFirst);
    expect(refresh.headers.get("hx-push-url")).toBeNull();
  });

  test("Mentions view lists the conversations where the viewer was @-mentioned", async () => {
    const note = `Can you check, [@Mia Member](mention://user/${mia.user.id}/Mia%20Member)?`;
    expect((await call(admin.token, "POST", api(`/conversations/${conv.urgent.id}/messages`), { content: note, private: true })).status).toBe(200);
    const client = await login(mia.email, mia.password);
    const { res, html } = await client.page(web("mentions"));
    expect(res.status).toBe(200);
    expect(html).toContain('<h1 class="page-title ws-list-title">Mentions</h1>');
    // Mentions shows the All tab by default (she was mentioned in a conversation not assigned to her); the row shows
    // the note without the mention markup, and its link keeps the view.
    expect(html).toMatch(/class="ws-tab is-current"[^>]*data-tab="all"/);
    expect(rowIds(html)).toEqual([conv.urgent.id]);
    expect(html).toContain("Can you check, @Mia Member?");
    expect(html).not.toContain("mention://");
    expect(html).toContain(`href="/app/accounts/${admin.account.id}/conversations/${conv.urgent.id}?view=mentions"`);
    expect(html).toContain(`href="/app/accounts/${admin.account.id}/mentions?assignee_type=me"`);
    expect(rowIds((await client.page(web("mentions?assignee_type=me"))).html)).toEqual([]);
    // Someone else was not mentioned.
    const adminClient = await login(admin.email, admin.password);
    const adminMentions = (await adminClient.page(web("mentions"))).html;
    expect(rowIds(adminMentions)).toEqual([]);
    expect(adminMentions).toContain('data-empty="mentions"');
  });

  test("a conversation URL is the full page when loaded, and the conversation pane plus the sidebar out of band for htmx", async () => {
    const client = await login(admin.email, admin.password);
    const full = await client.page(web(`conversations/${conv.plain.id}?assignee_type=all`));
    expect(full.res.status).toBe(200);
    expect(full.html).toContain("<!doctype html>");
    expect(full.html).toContain('class="workspace has-conversation"');
    expect(full.html).toMatch(new RegExp(`<li class="ws-row is-open[^"]*" id="conversation-row-${conv.plain.id}"`));
    expect(full.html).toContain(`data-conversation-id="${conv.plain.id}"`);

    const pane = await client.get(web(`conversations/${conv.plain.id}?assignee_type=all`), { "hx-request": "true", "hx-target": "section#conversation-pane" });
    const text = await pane.text();
    expect(pane.status).toBe(200);
    expect(text).not.toContain("<html");
    expect(text.startsWith('<section id="conversation-pane"')).toBe(true);
    expect(text).toMatch(/<template hx(?:="true")? type="partial" hx-target="#sidebar-pane" hx-swap="outerHTML settle:0">\s*<aside id="sidebar-pane"/);
    expect(pane.headers.get("hx-push-url")).toBe(web(`conversations/${conv.plain.id}?assignee_type=all`));

    // A history restore (htmx asks for the whole page) gets the whole page.
    const restore = await client.get(web(`conversations/${conv.plain.id}`), { "hx-request": "true", "hx-history-restore-request": "true" });
    expect(await restore.text()).toContain("<!doctype html>");
    expect((await client.get(web("conversations/999999"))).status).toBe(404);
  });
});
