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
