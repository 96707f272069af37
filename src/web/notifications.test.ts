// The dashboard's notifications: the rail badge, the page (all / unread), opening one (read + to its conversation),
// mark all as read; only the viewer's own, content escaped.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { accountPath as apiPath, addInboxMembers, caller, createApiInbox, startConversation } from "../api/v1/accounts/conversation-test-kit.ts";
import { createAdmin, createAgent, startTestServer, type TestServer } from "../testing/server.ts";
import { WebClient } from "./test-client.ts";

let server: TestServer;
let admin: Awaited<ReturnType<typeof createAdmin>>;
let agent: Awaited<ReturnType<typeof createAgent>>;
let web: WebClient;
let base: string;
let displayId: number;

async function login(email: string, password: string): Promise<WebClient> {
  const client = new WebClient(server);
  await client.page("/app/login");
  const res = await client.post("/app/login", { email, password });
  if (res.status !== 302) throw new Error(`login: ${res.status}`);
  return client;
}

beforeAll(async () => {
  server = startTestServer();
  admin = await createAdmin(server);
  agent = await createAgent(server, admin, { name: "Alex Agent" });
  const inbox = await createApiInbox(server, admin);
  await addInboxMembers(server, admin, inbox.id, [agent.user.id]);
  const conv = await startConversation(server, { ...admin, user: { id: admin.user.id } }, inbox.id);
  displayId = conv.id;
  const call = caller(server);
  const mention = `[@Alex Agent](mention://user/${agent.user.id}/Alex%20Agent) please look <script>alert(1)</script>`;
  expect((await call(admin.token, "POST", apiPath(admin.account.id, `/conversations/${displayId}/messages`), { content: mention, private: true })).status).toBe(200);
  web = await login(agent.email, agent.password);
  base = `/app/accounts/${admin.account.id}`;
});
afterAll(() => server.close());

describe("notifications in the dashboard", () => {
  test("the rail shows the unread count; the page lists the mention, escaped, newest first", async () => {
    const { html } = await web.page(`${base}/notifications`);
    expect(html).toMatch(/data-notification-badge[^>]*>\s*1\s*</);
    expect(html).toContain(`You have been mentioned in conversation (#${displayId})`);
    expect(html).toContain("please look &lt;script&gt;");
    expect(html).not.toContain("<script>alert(1)");
    const unread = await web.page(`${base}/notifications?filter=unread`);
    expect(unread.html).toContain("notification is-unread");
    // A bad filter or page falls back instead of failing.
    expect((await web.get(`${base}/notifications?filter=nope&page=-3`)).status).toBe(200);
  });

  test("opening a notification marks it read and goes to its conversation; the badge is gone", async () => {
    const { html } = await web.page(`${base}/notifications`);
    const id = /data-notification-id="(\d+)"/.exec(html)![1];
    const res = await web.post(`${base}/notifications/${id}/open`);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`${base}/conversations/${displayId}`);
    const after = await web.page(`${base}/notifications?filter=unread`);
    expect(after.html).toContain("You are all caught up");
    expect(after.html).toMatch(/data-notification-badge[^>]*hidden/);
  });

  test("mark all as read; nobody else's notifications can be opened", async () => {
    const call = caller(server);
    await call(admin.token, "POST", apiPath(admin.account.id, `/conversations/${displayId}/messages`), {
      content: `[@Alex Agent](mention://user/${agent.user.id}/Alex%20Agent) again`,
      private: true,
    });
    expect((await web.page(`${base}/notifications?filter=unread`)).html).toContain("notification is-unread");
    expect((await web.post(`${base}/notifications/read_all`)).status).toBe(303);
    expect((await web.page(`${base}/notifications?filter=unread`)).html).toContain("You are all caught up");

    // The administrator has no notification with that id: 404, and the agent's stays as it was.
    const theirs = /data-notification-id="(\d+)"/.exec((await web.page(`${base}/notifications`)).html)![1];
    const adminWeb = await login(admin.email, admin.password);
    await adminWeb.page(`${base}/notifications`);
    expect((await adminWeb.post(`${base}/notifications/${theirs}/open`)).status).toBe(404);
    expect((await adminWeb.page(`${base}/notifications`)).html).toContain("No notifications yet");
  });
});

describe("notification centre row actions", () => {
  const mentionAgain = async (text: string) => {
    const call = caller(server);
    const res = await call(admin.token, "POST", apiPath(admin.account.id, `/conversations/${displayId}/messages`), {
      content: `[@Alex Agent](mention://user/${agent.user.id}/Alex%20Agent) ${text}`,
      private: true,
    });
    expect(res.status).toBe(200);
  };
  const rowOf = (html: string, id: string) => {
    const at = html.indexOf(`data-notification-id="${id}"`);
    if (at < 0) return null;
    const start = html.lastIndexOf("<li", at);
    return html.slice(start, html.indexOf("</li>", at));
  };
  const badge = (html: string) => /data-notification-badge([^>]*)>\s*([^<]*?)\s*</.exec(html)!;

  test("mark read and unread come back to the same filter and page; the badge follows", async () => {
    await web.post(`${base}/notifications/read_all`);
    await mentionAgain("row actions");
    const { html } = await web.page(`${base}/notifications?filter=unread`);
    const id = /data-notification-id="(\d+)"/.exec(html)![1];
    expect(rowOf(html, id)).toContain(`${base}/notifications/${id}/read`);
    expect(badge(html)[2]).toBe("1");

    const read = await web.post(`${base}/notifications/${id}/read`, { back: `${base}/notifications?filter=unread` });
    expect(read.status).toBe(303);
    expect(read.headers.get("location")).toBe(`${base}/notifications?filter=unread`);
    const after = (await web.page(`${base}/notifications?filter=unread`)).html;
    expect(rowOf(after, id)).toBeNull();
    expect(badge(after)[1]).toContain("hidden");

    const all = (await web.page(`${base}/notifications`)).html;
    expect(rowOf(all, id)).toContain(`${base}/notifications/${id}/unread`);
    const unread = await web.post(`${base}/notifications/${id}/unread`, { back: "https://evil.example/" });
    // Anywhere but this account's notifications page: back to the page itself.
    expect(unread.headers.get("location")).toBe(`${base}/notifications`);
    expect(rowOf((await web.page(`${base}/notifications?filter=unread`)).html, id)).toContain("notification is-unread");
  });

  test("snooze hides it until the time the preset names; delete removes it; bad input is 422, others' ids 404", async () => {
    await web.post(`${base}/notifications/read_all`);
    await mentionAgain("snooze this");
    const { html } = await web.page(`${base}/notifications`);
    const id = /data-notification-id="(\d+)"/.exec(html)![1];
    expect(rowOf(html, id)).toContain('name="snooze" value="tomorrow"');

    const before = Date.now();
    const snoozed = await web.post(`${base}/notifications/${id}/snooze`, { snooze: "tomorrow", tz_offset: "-120", back: `${base}/notifications` });
    expect(snoozed.status).toBe(303);
    const listed = (await web.page(`${base}/notifications`)).html;
    expect(rowOf(listed, id)).toBeNull();
    expect(badge(listed)[1]).toContain("hidden");
    const api = await caller(server)(agent.token, "GET", apiPath(admin.account.id, "/notifications?includes[]=snoozed&includes[]=read"));
    const n = api.body.data.payload.find((x: { id: number }) => x.id === Number(id));
    // Tomorrow 9:00 in UTC+2 is 7:00 UTC.
    const until = Date.parse(n.snoozed_until);
    expect(new Date(until).getUTCHours()).toBe(7);
    expect(until - before).toBeGreaterThan(0);
    expect(until - before).toBeLessThanOrEqual(48 * 3600_000);

    expect((await web.post(`${base}/notifications/${id}/snooze`, { snooze: "never" })).status).toBe(422);
    expect((await web.post(`${base}/notifications/${id}/delete`, {})).status).toBe(303);
    const gone = await caller(server)(agent.token, "GET", apiPath(admin.account.id, "/notifications?includes[]=snoozed&includes[]=read"));
    expect(gone.body.data.payload.some((x: { id: number }) => x.id === Number(id))).toBe(false);
    expect((await web.post(`${base}/notifications/${id}/read`, {})).status).toBe(404);
    expect((await web.post(`${base}/notifications/abc/delete`, {})).status).toBe(404);
  });
});
