// Background upkeep of the message index: inserts do no index work (migration 0009), a periodic task indexes new
// messages in batches and another merges segments (automerge off, migration 0008); search finds the same before and after.
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

test("message inserts do no index work; the periodic task indexes them in batches and merges the segments; results stay the same", async () => {
  const sqlite = server.deps.db.$client;
  expect(sqlite.query("SELECT v FROM message_search_config WHERE k = 'automerge'").get()).toEqual({ v: 0 });
  const index = periodic.find((t) => t.name === "index-message-search")!;
  const merge = periodic.find((t) => t.name === "merge-message-search")!;

  const admin = await createAdmin(server);
  const call = caller(server);
  const inbox = await createApiInbox(server, admin, { enable_auto_assignment: false });
  const { contact } = await createContact(server, admin, inbox.id);
  const conv = await call(admin.token, "POST", accountPath(admin.account.id, "/conversations"), { inbox_id: inbox.id, contact_id: contact.id });
  const start = messageSearchSegments(server.deps.db);
  // Five rounds of three messages, each indexed by one pass of the task: one segment per pass, not per message.
  for (let round = 0; round < 5; round++) {
    for (let i = 0; i < 3; i++) {
      const res = await call(admin.token, "POST", accountPath(admin.account.id, `/conversations/${conv.body.id}/messages`), { content: `capybara note ${round}.${i}`, message_type: "outgoing" });
      expect(res.status).toBe(200);
    }
    expect(messageSearchSegments(server.deps.db)).toBe(start + round);
    await index.run(server.deps);
    expect(messageSearchSegments(server.deps.db)).toBe(start + round + 1);
  }

  const user = server.deps.db.select().from(users).where(eq(users.id, admin.user.id)).get()!;
  const scope = resolveAccountScope(server.deps.db, { type: "user", user, sessionId: null }, admin.account.id);
  const found = () => search(server.deps.db, scope, "capybara", { type: "messages" }).messages!.rows.map((m) => m.id);
  const ids = found();
  expect(ids).toHaveLength(15);

  const before = messageSearchSegments(server.deps.db);
  await merge.run(server.deps);
  expect(messageSearchSegments(server.deps.db)).toBeLessThan(before);
  expect(found()).toEqual(ids);
  // An idle index: another pass of either task changes nothing and does not fail.
  const after = messageSearchSegments(server.deps.db);
  await index.run(server.deps);
  await merge.run(server.deps);
  expect(messageSearchSegments(server.deps.db)).toBe(after);
}, 30_000);
