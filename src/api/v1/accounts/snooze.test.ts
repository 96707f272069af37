import { afterAll, beforeAll, expect, test } from "bun:test";
import { ManualClock } from "../../../lib/clock.ts";
import { createAdmin, startTestServer, type TestServer } from "../../../testing/server.ts";
import { accountPath, caller, createApiInbox, startConversation, type Admin } from "./conversation-test-kit.ts";

let server: TestServer;
let admin: Admin;
let call: ReturnType<typeof caller>;
let inbox: { id: number };
const clock = new ManualClock(Date.parse("2026-03-01T10:00:00Z"));

beforeAll(async () => {
  server = startTestServer({}, { clock, startJobs: false });
  call = caller(server);
  admin = await createAdmin(server);
  inbox = await createApiInbox(server, admin, { enable_auto_assignment: false });
  await server.runner.runUntilEmpty();
});
afterAll(() => server.close());

const conv = (rest = "") => accountPath(admin.account.id, `/conversations${rest}`);
const statusOf = async (id: number) => (await call(admin.token, "GET", conv(`/${id}`))).body.status;
const hour = 3600_000;

test("a snoozed conversation reopens when snoozed_until passes, through the job queue", async () => {
  const c = await startConversation(server, admin, inbox.id);
  const until = Math.floor((clock.now() + 2 * hour) / 1000);
  const res = await call(admin.token, "POST", conv(`/${c.id}/toggle_status`), { status: "snoozed", snoozed_until: until });
  expect(res.body.payload).toMatchObject({ current_status: "snoozed", snoozed_until: new Date(until * 1000).toISOString() });
  expect(await statusOf(c.id)).toBe("snoozed");

  clock.advance(hour);
  await server.runner.runUntilEmpty();
  expect(await statusOf(c.id)).toBe("snoozed");

  clock.advance(hour + 1000);
  await server.runner.runUntilEmpty();
  expect(await statusOf(c.id)).toBe("open");
  const shown = await call(admin.token, "GET", conv(`/${c.id}`));
  expect(shown.body.snoozed_until).toBeNull();
});

test("a job for an earlier snooze does nothing after a re-snooze or a manual reopen", async () => {
  const c = await startConversation(server, admin, inbox.id);
  const first = Math.floor((clock.now() + hour) / 1000);
  await call(admin.token, "POST", conv(`/${c.id}/toggle_status`), { status: "snoozed", snoozed_until: first });
  const later = new Date(clock.now() + 5 * hour).toISOString();
  await call(admin.token, "POST", conv(`/${c.id}/toggle_status`), { status: "snoozed", snoozed_until: later });

  clock.advance(2 * hour);
  await server.runner.runUntilEmpty();
  expect(await statusOf(c.id)).toBe("snoozed");

  clock.advance(4 * hour);
  await server.runner.runUntilEmpty();
  expect(await statusOf(c.id)).toBe("open");

  // Snoozed again, resolved by hand before the time: the job must not reopen it.
  await call(admin.token, "POST", conv(`/${c.id}/toggle_status`), { status: "snoozed", snoozed_until: Math.floor((clock.now() + hour) / 1000) });
  await call(admin.token, "POST", conv(`/${c.id}/toggle_status`), { status: "resolved" });
  clock.advance(2 * hour);
  await server.runner.runUntilEmpty();
  expect(await statusOf(c.id)).toBe("resolved");
});

test("snoozed without a time stays snoozed until the contact writes; a past time is refused", async () => {
  const c = await startConversation(server, admin, inbox.id);
  await call(admin.token, "POST", conv(`/${c.id}/toggle_status`), { status: "snoozed" });
  clock.advance(48 * hour);
  await server.runner.runUntilEmpty();
  expect(await statusOf(c.id)).toBe("snoozed");
  await call(admin.token, "POST", conv(`/${c.id}/messages`), { content: "hello?", message_type: "incoming" });
  expect(await statusOf(c.id)).toBe("open");
  const past = await call(admin.token, "POST", conv(`/${c.id}/toggle_status`), { status: "snoozed", snoozed_until: Math.floor(clock.now() / 1000) - 60 });
  expect(past.status).toBe(422);
  expect(past.body.errors[0].field).toBe("snoozed_until");
  const bad = await call(admin.token, "POST", conv(`/${c.id}/toggle_status`), { status: "snoozed", snoozed_until: "tomorrow" });
  expect(bad.status).toBe(422);
});

test("a conversation created snoozed is reopened too", async () => {
  const until = Math.floor((clock.now() + hour) / 1000);
  const c = await startConversation(server, admin, inbox.id, { status: "snoozed", snoozed_until: until });
  expect(c.status).toBe("snoozed");
  clock.advance(hour + 1000);
  await server.runner.runUntilEmpty();
  expect(await statusOf(c.id)).toBe("open");
});
