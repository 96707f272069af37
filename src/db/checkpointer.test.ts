// WAL checkpoints in a worker thread: the serving connection stops checkpointing once the worker runs, and
// committed pages still reach the database file without anyone on the serving side doing it.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { statSync } from "node:fs";
import { join } from "node:path";
import { accountPath, caller, createApiInbox, startConversation } from "../api/v1/accounts/conversation-test-kit.ts";
import { createAdmin, startTestServer, type TestServer } from "../testing/server.ts";

let server: TestServer;

beforeAll(() => {
  server = startTestServer({}, { checkpointer: true });
});
afterAll(() => server.close());

const autocheckpoint = () => (server.deps.db.$client.query("PRAGMA wal_autocheckpoint").get() as { wal_autocheckpoint: number }).wal_autocheckpoint;

test("the worker takes over checkpoints; written pages reach the database file", async () => {
  const deadline = Date.now() + 5000;
  while (autocheckpoint() !== 0 && Date.now() < deadline) await Bun.sleep(20);
  expect(autocheckpoint()).toBe(0);

  const created = await createAdmin(server);
  const admin = { ...created, user: { id: created.user.id as number } };
  const inbox = await createApiInbox(server, admin);
  const conv = await startConversation(server, admin, inbox.id);
  await Bun.sleep(1200); // one pass: what the set-up wrote is in the file now
  const dbFile = join(server.dataDir, "parley.db");
  const before = statSync(dbFile).size;
  const call = caller(server);
  for (let i = 0; i < 150; i++) {
    const res = await call(admin.token, "POST", accountPath(admin.account.id, `/conversations/${conv.id}/messages`), { content: `${i} ${"x".repeat(2000)}` });
    expect(res.status).toBe(200);
  }
  // Nothing on the serving connection checkpoints now: the pages reach the file through the worker's passes.
  const grown = Date.now() + 5000;
  while (statSync(dbFile).size <= before + 100_000 && Date.now() < grown) await Bun.sleep(100);
  expect(statSync(dbFile).size).toBeGreaterThan(before + 100_000);
});
