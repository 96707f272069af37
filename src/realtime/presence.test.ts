import { afterAll, beforeAll, expect, test } from "bun:test";
import { createConsumer, type Subscription } from "@rails/actioncable";
import { ManualClock } from "../lib/clock.ts";
import { createAdmin, createAgent, startTestServer, type TestServer } from "../testing/server.ts";
import { realtimeFor } from "./index.ts";
import { PRESENCE_DURATION_MS, PresenceTracker, isContactOnline, onlineUserIds } from "./presence.ts";

test("someone is online for 20 s after their last heartbeat, per account", () => {
  const clock = new ManualClock(1_000_000);
  const t = new PresenceTracker(clock);
  expect(t.touchUser(1, 7)).toBe(true);
  expect(t.touchUser(1, 7)).toBe(false); // already online: not a transition
  t.touchContact(1, 40);
  expect(t.onlineUserIds(1)).toEqual([7]);
  expect(t.onlineUserIds(2)).toEqual([]);
  expect(t.isContactOnline(40)).toBe(true);
  clock.advance(PRESENCE_DURATION_MS - 1);
  expect(t.isUserOnline(1, 7)).toBe(true);
  t.touchUser(1, 8);
  clock.advance(1);
  expect(t.onlineUserIds(1)).toEqual([8]);
  expect(t.isContactOnline(40)).toBe(false);
  expect([...t.expire()]).toEqual([[1, true]]);
  expect(t.touchUser(1, 7)).toBe(true); // back after expiry: a transition again
});

let server: TestServer;
const clock = new ManualClock(Date.now());
beforeAll(() => {
  server = startTestServer({}, { clock });
});
afterAll(async () => {
  await server.close();
});

test("the account's users hear presence.update when an agent comes online and when they drop out after 20 s", async () => {
  const admin = await createAdmin(server);
  const agent = await createAgent(server, admin);
  const profile = async (token: string) => (await server.api("/api/v1/profile", { token })).json();
  const [a, m] = [await profile(admin.token), await profile(agent.token)];
  // Auto-offline on: the agent counts as online only while their dashboard reports presence.
  const auto = await server.api("/api/v1/profile/auto_offline", { token: agent.token, method: "POST", json: { account_id: admin.account.id, auto_offline: true } });
  expect(auto.status).toBe(200);
  const url = server.url.replace(/^http/, "ws") + "/cable";
  const received: any[] = [];
  const watcher = createConsumer(url);
  let sub!: Subscription;
  await new Promise<void>((resolve) =>
    (sub = watcher.subscriptions.create(
      { channel: "RoomChannel", pubsub_token: a.pubsub_token, account_id: admin.account.id, user_id: a.id },
      { connected: resolve, received: (msg: any) => msg.event === "presence.update" && received.push(msg.data) },
    )),
  );
  const other = createConsumer(url);
  await new Promise<void>((resolve) =>
    other.subscriptions.create({ channel: "RoomChannel", pubsub_token: m.pubsub_token, account_id: admin.account.id, user_id: m.id }, { connected: resolve }),
  );
  const until = async (pred: () => boolean) => {
    for (let i = 0; i < 300 && !pred(); i++) await Bun.sleep(10);
    expect(pred()).toBe(true);
  };
  await until(() => received.some((p) => String(m.id) in p.users));
  expect(onlineUserIds(server.deps.db, admin.account.id).sort()).toEqual([a.id, m.id].sort());

  // The agent's tab stops reporting; the administrator's keeps going.
  clock.advance(15_000);
  let before = received.length;
  sub.perform("update_presence");
  await until(() => received.length > before);
  clock.advance(6_000);
  before = received.length;
  realtimeFor(server.deps).cable.tick();
  await until(() => received.length > before && !(String(m.id) in received.at(-1).users));
  expect(received.at(-1).users[String(a.id)]).toBeDefined();
  // With auto-offline off, an agent stays listed with their availability (Chatwoot's OnlineStatusTracker).
  const off = await server.api("/api/v1/profile/auto_offline", { token: agent.token, method: "POST", json: { account_id: admin.account.id, auto_offline: false } });
  expect(off.status).toBe(200);
  before = received.length;
  sub.perform("update_presence");
  await until(() => received.length > before);
  expect(received.at(-1).users[String(m.id)]).toBe("offline");
  expect(onlineUserIds(server.deps.db, admin.account.id)).toEqual([a.id]);
  expect(isContactOnline(server.deps.db, 12345)).toBe(false);
  watcher.disconnect();
  other.disconnect();
});
