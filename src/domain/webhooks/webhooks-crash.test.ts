// Durability of account webhooks: a real `parley serve` process is SIGKILLed while deliveries are in flight and
// more are queued; after a restart a counting receiver has seen every (event, webhook) at least once, each
// delivery id stands for one event, and the delivery log says succeeded for all of them.
import { Database } from "bun:sqlite";
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startParleyServer, type ParleyServer } from "../../testing/fixtures/parley-process.ts";
import { forEvent, startReceiver } from "../../testing/receiver.ts";
import { apiClient, createAdmin, TEST_PLATFORM_TOKEN } from "../../testing/server.ts";
import { verifyWebhookSignature } from "./signing.ts";

const dataDir = mkdtempSync(join(tmpdir(), "parley-webhook-crash-"));
const receiver = startReceiver();
const servers: ParleyServer[] = [];
const env = { PARLEY_DATA_DIR: dataDir, PARLEY_PLATFORM_TOKEN: TEST_PLATFORM_TOKEN, PARLEY_WEBHOOK_TIMEOUT_MS: "60000" };

afterAll(async () => {
  for (const s of servers) await s.stop("SIGKILL");
  await receiver.close();
  rmSync(dataDir, { recursive: true, force: true });
});


function query<T>(sql: string): T[] {
  const db = new Database(join(dataDir, "parley.db"), { readonly: true });
  try {
    db.exec("PRAGMA busy_timeout = 5000");
    return db.query(sql).all() as T[];
  } finally {
    db.close();
  }
}
/** The message_created events recorded: taken by the webhooks queue (webhook_events) or still in their COMMIT's batch. */
const recordedEvents = () =>
  query<{ n: number }>(
    `SELECT (SELECT count(*) FROM webhook_events WHERE event = 'message_created')
          + (SELECT count(*) FROM webhook_event_batches, json_each(events) WHERE json_each.value ->> 'event' = 'message_created') AS n`,
  )[0]!.n;
const log = () => query<{ delivery_uuid: string; webhook_id: number; status: string }>("SELECT delivery_uuid, webhook_id, status FROM webhook_deliveries WHERE event = 'message_created' ORDER BY id");

test("SIGKILL mid-delivery: after a restart every (message, webhook) is delivered, nothing lost", async () => {
  const first = await startParleyServer(env);
  servers.push(first);
  const client = apiClient(first.url);
  const admin = await createAdmin(client);
  const call = async (method: string, path: string, json?: unknown) => {
    const res = await client.api(`/api/v1/accounts/${admin.account.id}${path}`, { token: admin.token, method, json });
    expect(res.status).toBe(200);
    return res.json() as Promise<any>;
  };
  const hooks = [];
  for (const n of [1, 2]) hooks.push((await call("POST", "/webhooks", { url: `${receiver.url}/count/${n}`, subscriptions: ["message_created"] })).payload.webhook);
  const inbox = await call("POST", "/inboxes", { name: "Crash", channel: { type: "api" } });
  const contact = await call("POST", "/contacts", { name: "Crash Customer", inbox_id: inbox.id });
  const conversation = await call("POST", "/conversations", { source_id: contact.payload.contact_inbox.source_id, inbox_id: inbox.id });

  // The first delivery to hook 1 hangs; everything else is committed while it is in flight.
  receiver.hangNext(1, (r) => r.path === "/count/1");
  const contents = Array.from({ length: 10 }, (_, i) => `m${i}`);
  await call("POST", `/conversations/${conversation.id}/messages`, { content: contents[0], message_type: "outgoing" });
  await receiver.waitFor(1, 10_000, (r) => r.path === "/count/1");
  for (const c of contents.slice(1)) await call("POST", `/conversations/${conversation.id}/messages`, { content: c, message_type: "outgoing" });

  first.proc.kill("SIGKILL");
  await first.proc.exited;
  // Every event was stored with the message that caused it; not every delivery had happened.
  expect(recordedEvents()).toBe(contents.length);
  expect(log().filter((d) => d.status === "succeeded").length).toBeLessThan(20);

  const second = await startParleyServer(env);
  servers.push(second);
  const until = Date.now() + 20_000;
  while (log().length < 20 || log().some((d) => d.status !== "succeeded")) {
    if (Date.now() > until) throw new Error(`not delivered: ${JSON.stringify(log())}`);
    await Bun.sleep(50);
  }
  for (const [i, hook] of hooks.entries()) {
    const got = receiver.requests.filter((r) => r.path === `/count/${i + 1}` && forEvent("message_created")(r));
    // Every message at least once; per webhook, in order (the last copy of each before the next message).
    const seen = got.map((r) => r.json().content);
    expect([...new Set(seen)]).toEqual(contents);
    // One delivery id per message: a repeat after the crash carries the same id, so receivers can dedupe.
    const ids = new Map<string, string>();
    for (const r of got) {
      const prev = ids.get(r.json().content);
      if (prev) expect(r.headers["x-chatwoot-delivery"]).toBe(prev);
      ids.set(r.json().content, r.headers["x-chatwoot-delivery"]);
      expect(verifyWebhookSignature(hook.secret, r.headers["x-chatwoot-timestamp"], r.body, r.headers["x-chatwoot-signature"])).toBe(true);
    }
    expect(new Set(ids.values()).size).toBe(contents.length);
  }
  expect(await second.stop("SIGTERM")).toBe(0);
}, 60_000);
