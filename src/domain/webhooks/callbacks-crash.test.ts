// Durability of API-channel callbacks: a real `parley serve` process is killed with SIGKILL while a callback is
// in flight; after a restart every message still reaches the callback URL, in order.
import { Database } from "bun:sqlite";
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startParleyServer, type ParleyServer } from "../../testing/fixtures/parley-process.ts";
import { forEvent, startReceiver } from "../../testing/receiver.ts";
import { apiClient, createAdmin, TEST_PLATFORM_TOKEN } from "../../testing/server.ts";
import { verifyWebhookSignature } from "./signing.ts";

const dataDir = mkdtempSync(join(tmpdir(), "parley-callback-crash-"));
const receiver = startReceiver();
const servers: ParleyServer[] = [];
const env = {
  PARLEY_DATA_DIR: dataDir,
  PARLEY_PLATFORM_TOKEN: TEST_PLATFORM_TOKEN,
  // Long enough that the hanging delivery is still in flight when the process dies.
  PARLEY_WEBHOOK_TIMEOUT_MS: "60000",
};

afterAll(async () => {
  for (const s of servers) await s.stop("SIGKILL");
  await receiver.close();
  rmSync(dataDir, { recursive: true, force: true });
});


type Delivery = { status: string; attempts: number; event: string; content: string | null };
function deliveries(): Delivery[] {
  const db = new Database(join(dataDir, "parley.db"), { readonly: true });
  try {
    db.exec("PRAGMA busy_timeout = 5000");
    return db
      .query(
        `SELECT status, attempts, json_extract(payload, '$.event') AS event, json_extract(json_extract(payload, '$.body'), '$.content') AS content
         FROM jobs WHERE kind = 'http.deliver' ORDER BY id`,
      )
      .all() as Delivery[];
  } finally {
    db.close();
  }
}

async function waitUntil(what: string, cond: () => boolean, ms = 15_000) {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(deliveries())}`);
    await Bun.sleep(25);
  }
}

test("SIGKILL while a callback hangs: after a restart every message is delivered, in order, nothing lost", async () => {
  const first = await startParleyServer(env);
  servers.push(first);
  const client = apiClient(first.url);
  const admin = await createAdmin(client);
  const call = async (method: string, path: string, json?: unknown) => {
    const res = await client.api(`/api/v1/accounts/${admin.account.id}${path}`, { token: admin.token, method, json });
    expect(res.status).toBe(200);
    return res.json() as Promise<any>;
  };

  const inbox = await call("POST", "/inboxes", { name: "API Channel", channel: { type: "api", webhook_url: `${receiver.url}/callback` } });
  const contact = await call("POST", "/contacts", { name: "Crash Customer", inbox_id: inbox.id });
  const conversation = await call("POST", "/conversations", { source_id: contact.payload.contact_inbox.source_id, inbox_id: inbox.id });
  await receiver.waitFor(1, 10_000, forEvent("conversation_created"));

  // The first message's callback hangs: the receiver took the request and never answers.
  receiver.hangNext(1, forEvent("message_created"));
  await call("POST", `/conversations/${conversation.id}/messages`, { content: "one", message_type: "outgoing" });
  const [hung] = await receiver.waitFor(1, 10_000, forEvent("message_created"));
  expect(hung.json().content).toBe("one");
  // The second is committed while the first is in flight.
  await call("POST", `/conversations/${conversation.id}/messages`, { content: "two", message_type: "outgoing" });

  first.proc.kill("SIGKILL");
  await first.proc.exited;
  expect(first.proc.signalCode).toBe("SIGKILL");
  const atKill = deliveries().filter((d) => d.event === "message_created");
  expect(atKill).toEqual([
    { status: "running", attempts: 1, event: "message_created", content: "one" },
    { status: "blocked", attempts: 0, event: "message_created", content: "two" },
  ]);

  const second = await startParleyServer(env);
  servers.push(second);
  await receiver.waitFor(1, 15_000, (r) => forEvent("message_created")(r) && r.json().content === "two");
  await waitUntil("every delivery to be done", () => deliveries().every((d) => d.status === "done"));

  const messages = receiver.requests.filter(forEvent("message_created"));
  const contents = messages.map((r) => r.json().content);
  expect(contents.filter((c) => c === "one").length).toBeGreaterThanOrEqual(1);
  expect(contents.filter((c) => c === "two").length).toBeGreaterThanOrEqual(1);
  // The redelivery of "one" comes before "two", and carries the same delivery id as the attempt that hung.
  expect(contents.lastIndexOf("one")).toBeLessThan(contents.indexOf("two"));
  const ones = messages.filter((r) => r.json().content === "one");
  expect(new Set(ones.map((r) => r.headers["x-chatwoot-delivery"])).size).toBe(1);
  expect(deliveries().find((d) => d.content === "one")).toMatchObject({ status: "done", attempts: 2 });
  for (const r of receiver.requests) {
    expect(verifyWebhookSignature(inbox.secret, r.headers["x-chatwoot-timestamp"], r.body, r.headers["x-chatwoot-signature"])).toBe(true);
  }
  expect(await second.stop("SIGTERM")).toBe(0);
}, 60_000);
