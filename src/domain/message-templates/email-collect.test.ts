// Email collect goes out only when no agent who may see the website inbox is online: presence comes from a real
// dashboard socket on /cable (@rails/actioncable), availability from the agent's membership.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { accountPath, addInboxMembers, caller, setAvailability, type Admin } from "../../api/v1/accounts/conversation-test-kit.ts";
import { ManualClock } from "../../lib/clock.ts";
import { PRESENCE_DURATION_MS } from "../../realtime/presence.ts";
import { CableClient } from "../../realtime/test-client.ts";
import { createAdmin, createAgent, startTestServer, type TestServer } from "../../testing/server.ts";
import { TEMPLATE_TEXT } from "./hooks.ts";

type User = { id: number; pubsub_token: string };

let server: TestServer;
let clock: ManualClock;
let admin: Admin;
let member: { user: User; token: string };
let outsider: { user: User; token: string };
let site: { id: number; website_token: string };
let call: ReturnType<typeof caller>;
const sockets: CableClient[] = [];

async function profile(token: string): Promise<User> {
  const res = await call(token, "GET", "/api/v1/profile");
  expect(res.status).toBe(200);
  return res.body;
}

/** An agent's dashboard: subscribed to /cable, which marks them present (as update_presence every 20 s does). */
async function dashboard(u: User): Promise<CableClient> {
  const c = await CableClient.open(server.url.replace(/^http/, "ws") + "/cable", { pubsub_token: u.pubsub_token, account_id: admin.account.id, user_id: u.id });
  expect(c.state).toBe("connected");
  c.sub.perform("update_presence");
  await c.waitFor((e) => e.event === "presence.update" && e.data.users[String(u.id)] !== undefined, "own presence");
  sockets.push(c);
  return c;
}

/** A new visitor without an email writes in through the widget API; returns the conversation's messages. */
async function visitorWritesIn(): Promise<{ content: string; content_type: string; message_type: number }[]> {
  const widget = async (path: string, json: unknown, auth?: string) => {
    const r = await server.api(`/api/v1/widget/${path}?website_token=${site.website_token}`, { method: "POST", json, headers: auth ? { "X-Auth-Token": auth } : {} });
    expect(r.status).toBe(200);
    return r.json();
  };
  const config = await widget("config", {});
  const conversation = await widget("conversations", { message: { content: "Is anyone there?" } }, config.website_channel_config.auth_token);
  const res = await call(admin.token, "GET", accountPath(admin.account.id, `/conversations/${conversation.id}/messages`));
  expect(res.status).toBe(200);
  return res.body.payload;
}
const asked = (msgs: { content_type: string }[]) => msgs.some((m) => m.content_type === "input_email");

beforeAll(async () => {
  clock = new ManualClock(Date.now());
  server = startTestServer({ PARLEY_PUBLIC_API_RATE_LIMITS: "false" }, { clock });
  call = caller(server);
  admin = await createAdmin(server);
  const adminUser = await profile(admin.token);
  const m = await createAgent(server, admin);
  member = { token: m.token, user: await profile(m.token) };
  const o = await createAgent(server, admin);
  outsider = { token: o.token, user: await profile(o.token) };
  const res = await call(admin.token, "POST", accountPath(admin.account.id, "/inboxes"), {
    name: "Shop",
    channel: { type: "web_widget", website_url: "https://shop.example" },
    enable_email_collect: true,
  });
  expect(res.status).toBe(200);
  site = res.body;
  await addInboxMembers(server, admin, site.id, [member.user.id]);
  // Presence decides: everyone's status is offline unless their dashboard is open (auto-offline on).
  for (const u of [adminUser.id, member.user.id, outsider.user.id]) {
    const r = await call(admin.token, "PATCH", accountPath(admin.account.id, `/agents/${u}`), { auto_offline: true, availability: "offline" });
    expect(r.status).toBe(200);
  }
});

afterAll(async () => {
  for (const s of sockets) s.close();
  await server.close();
});

describe("email collect and agent presence", () => {
  test("with nobody online the visitor is asked for an email", async () => {
    const msgs = await visitorWritesIn();
    expect(msgs.filter((m) => m.message_type === 3).map((m) => [m.content, m.content_type])).toEqual([
      [TEMPLATE_TEXT.waysToReachYou, "text"],
      [TEMPLATE_TEXT.emailInputBox, "input_email"],
    ]);
  });

  test("an inbox member online on the dashboard holds the prompt back; once their presence lapses it goes out again", async () => {
    await setAvailability(server, admin, member.user.id, "online");
    const socket = await dashboard(member.user);
    expect(asked(await visitorWritesIn())).toBe(false);
    // No update_presence for longer than the presence window: the agent counts as gone.
    socket.close();
    clock.advance(PRESENCE_DURATION_MS + 1_000);
    expect(asked(await visitorWritesIn())).toBe(true);
  });

  test("a busy member, or an online agent who is not in the inbox, does not count", async () => {
    await setAvailability(server, admin, member.user.id, "busy");
    await dashboard(member.user);
    await setAvailability(server, admin, outsider.user.id, "online");
    await dashboard(outsider.user);
    expect(asked(await visitorWritesIn())).toBe(true);
  });

  test("an administrator online counts (they see every inbox); so does a member with auto-offline turned off", async () => {
    const adminUser = await profile(admin.token);
    await setAvailability(server, admin, adminUser.id, "online");
    const boss = await dashboard(adminUser);
    expect(asked(await visitorWritesIn())).toBe(false);
    boss.close();
    clock.advance(PRESENCE_DURATION_MS + 1_000);
    expect(asked(await visitorWritesIn())).toBe(true);

    const r = await call(admin.token, "PATCH", accountPath(admin.account.id, `/agents/${member.user.id}`), { auto_offline: false, availability: "online" });
    expect(r.status).toBe(200);
    expect(asked(await visitorWritesIn())).toBe(false);
  });
});
