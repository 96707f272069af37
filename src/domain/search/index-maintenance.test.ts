// Background merging of the message index: inserts leave small segments (automerge off, migration 0008), the
// periodic task merges them, and search finds the same messages before and after.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { accountPath, caller, createApiInbox, createContact } from "../../api/v1/accounts/conversation-test-kit.ts";
import { users } from "../../db/schema/accounts.ts";
import { periodic } from "../../jobs/schedule.ts";
import { createAdmin, startTestServer, type TestServer } from "../../testing/server.ts";
import { resolveAccountScope } from "../accounts/access.ts";
import { messageSearchSegments } from "./index-maintenance.ts";
import { search } from "./queries.ts";

let server: TestServer;

beforeAll(() => {
  server = startTestServer({}, { startJobs: false });
});
afterAll(() => server.close());

test("message inserts do not merge the index; the periodic task does, and results stay the same", async () => {
  const sqlite = server.deps.db.$client;
  expect(sqlite.query("SELECT v FROM message_search_config WHERE k = 'automerge'").get()).toEqual({ v: 0 });

  const admin = await createAdmin(server);
  const call = caller(server);
  const inbox = await createApiInbox(server, admin, { enable_auto_assignment: false });
  const { contact } = await createContact(server, admin, inbox.id);
  const conv = await call(admin.token, "POST", accountPath(admin.account.id, "/conversations"), { inbox_id: inbox.id, contact_id: contact.id });
  for (let i = 0; i < 12; i++) {
    const res = await call(admin.token, "POST", accountPath(admin.account.id, `/conversations/${conv.body.id}/messages`), { content: `capybara note ${i}`, message_type: "outgoing" });
    expect(res.status).toBe(200);
  }
  // One small segment per committed message (crisismerge only folds them at 16 a level).
  const before = messageSearchSegments(server.deps.db);
  expect(before).toBeGreaterThanOrEqual(12);

  const user = server.deps.db.select().from(users).where(eq(users.id, admin.user.id)).get()!;
  const scope = resolveAccountScope(server.deps.db, { type: "user", user, sessionId: null }, admin.account.id);
  const found = () => search(server.deps.db, scope, "capybara", { type: "messages" }).messages!.rows.map((m) => m.id);
  const ids = found();
  expect(ids).toHaveLength(12);

  const task = periodic.find((t) => t.name === "merge-message-search")!;
  await task.run(server.deps);
  expect(messageSearchSegments(server.deps.db)).toBeLessThan(before);
  expect(messageSearchSegments(server.deps.db)).toBeLessThanOrEqual(3);
  expect(found()).toEqual(ids);
  // An idle index: another pass changes nothing and does not fail.
  const after = messageSearchSegments(server.deps.db);
  await task.run(server.deps);
  expect(messageSearchSegments(server.deps.db)).toBe(after);
}, 30_000);
