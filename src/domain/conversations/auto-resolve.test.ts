// Auto-resolve through the real app: the account setting set over the API, the periodic task run on a
// controllable clock, the outcome read back over the API as a client would.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { accountPath, caller, createApiInbox, startConversation, type Admin } from "../../api/v1/accounts/conversation-test-kit.ts";
import { periodic } from "../../jobs/schedule.ts";
import { ManualClock } from "../../lib/clock.ts";
import { createAdmin, startTestServer, type TestServer } from "../../testing/server.ts";
import { autoResolveActivity, autoResolveConversations, inactivityText } from "./auto-resolve.ts";

setDefaultTimeout(30_000);

let server: TestServer;
let call: ReturnType<typeof caller>;
const clock = new ManualClock(Date.parse("2026-03-01T10:00:00Z"));
const minute = 60_000;

beforeAll(() => {
  server = startTestServer({}, { clock, startJobs: false });
  call = caller(server);
});
afterAll(() => server.close());

async function setup(settings: Record<string, unknown> = {}, duration: number | null = 60) {
  const admin = (await createAdmin(server)) as Admin;
  const inbox = await createApiInbox(server, admin, { enable_auto_assignment: false });
  const res = await call(admin.token, "PATCH", accountPath(admin.account.id), { auto_resolve_duration: duration, settings });
  expect(res.status).toBe(200);
  return { admin, inbox };
}
const statusOf = async (admin: Admin, id: number) => (await call(admin.token, "GET", accountPath(admin.account.id, `/conversations/${id}`))).body.status;
const messagesOf = async (admin: Admin, id: number) =>
  (await call(admin.token, "GET", accountPath(admin.account.id, `/conversations/${id}/messages`))).body.payload as { content: string; message_type: number }[];

test("idle open conversations are resolved after the account's duration, with an activity line; active ones stay open", async () => {
  const { admin, inbox } = await setup();
  const idle = await startConversation(server, admin, inbox.id);
  clock.advance(40 * minute);
  const recent = await startConversation(server, admin, inbox.id);
  clock.advance(21 * minute);

  expect(autoResolveConversations(server.deps)).toBeGreaterThanOrEqual(1);
  expect(await statusOf(admin, idle.id)).toBe("resolved");
  expect(await statusOf(admin, recent.id)).toBe("open");
  const lines = await messagesOf(admin, idle.id);
  expect(lines.at(-1)).toMatchObject({ message_type: 2, content: "Conversation was resolved automatically after 1 hour of inactivity" });

  clock.advance(40 * minute);
  autoResolveConversations(server.deps);
  expect(await statusOf(admin, recent.id)).toBe("resolved");
  // Running again changes nothing (already resolved: no second activity line).
  autoResolveConversations(server.deps);
  expect((await messagesOf(admin, idle.id)).filter((m) => m.message_type === 2)).toHaveLength(lines.filter((m) => m.message_type === 2).length);
});

test("without a duration nothing is resolved; other accounts are not touched", async () => {
  const off = await setup({}, null);
  const on = await setup({}, 10);
  const a = await startConversation(server, off.admin, off.inbox.id);
  const b = await startConversation(server, on.admin, on.inbox.id);
  clock.advance(3 * 24 * 60 * minute);
  autoResolveConversations(server.deps);
  expect(await statusOf(off.admin, a.id)).toBe("open");
  expect(await statusOf(on.admin, b.id)).toBe("resolved");
});

test("the auto-resolve message is sent first; ignore-waiting keeps conversations whose customer waits", async () => {
  const { admin, inbox } = await setup({ auto_resolve_message: "We closed this for now — reply to reopen.", auto_resolve_ignore_waiting: true }, 1440);
  const quiet = await startConversation(server, admin, inbox.id);
  const waiting = await startConversation(server, admin, inbox.id);
  const incoming = await call(admin.token, "POST", accountPath(admin.account.id, `/conversations/${waiting.id}/messages`), { content: "Hello?", message_type: "incoming" });
  expect(incoming.status).toBe(200);
  // The agent answered this one: nobody is waiting on it any more.
  const answered = await call(admin.token, "POST", accountPath(admin.account.id, `/conversations/${quiet.id}/messages`), { content: "Done, anything else?" });
  expect(answered.status).toBe(200);
  clock.advance(1441 * minute);
  autoResolveConversations(server.deps);
  expect(await statusOf(admin, waiting.id)).toBe("open");
  expect(await statusOf(admin, quiet.id)).toBe("resolved");
  const lines = await messagesOf(admin, quiet.id);
  expect(lines.slice(-2)).toMatchObject([
    { message_type: 3, content: "We closed this for now — reply to reopen." },
    { message_type: 2, content: autoResolveActivity(1440) },
  ]);
});

test("the schedule runs it periodically", async () => {
  const task = periodic.find((t) => t.name === "auto-resolve-conversations");
  expect(task).toBeDefined();
  const { admin, inbox } = await setup({}, 30);
  const c = await startConversation(server, admin, inbox.id);
  clock.advance(31 * minute);
  await task!.run(server.deps);
  expect(await statusOf(admin, c.id)).toBe("resolved");
});

test("durations read in the largest whole unit", () => {
  expect(inactivityText(1440)).toBe("1 day");
  expect(inactivityText(2880)).toBe("2 days");
  expect(inactivityText(120)).toBe("2 hours");
  expect(inactivityText(90)).toBe("90 minutes");
});
