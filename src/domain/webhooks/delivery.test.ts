import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { ManualClock, unixSeconds } from "../../lib/clock.ts";
import { startReceiver, type Receiver } from "../../testing/receiver.ts";
import { startTestServer, type TestServer } from "../../testing/server.ts";
import { verifyWithArticleNode, verifyWithArticlePython } from "../../testing/webhook-verifiers.ts";
import {
  createHttpDeliveryHandler,
  DELIVERY_MAX_ATTEMPTS,
  enqueueHttpDelivery,
  HTTP_DELIVER_JOB,
  MAX_RETRY_AFTER_MS,
  RETRY_DELAYS_MS,
  retryDelay,
  type DeliveryAttempt,
  type EnqueueDeliveryInput,
} from "./delivery.ts";
import { WEBHOOK_USER_AGENT } from "./signing.ts";

const SECRET = "callback-secret-123";
const clock = new ManualClock(Date.UTC(2030, 0, 1, 9, 0, 0));
let server: TestServer;
let receiver: Receiver;

beforeAll(() => {
  server = startTestServer({ PARLEY_WEBHOOK_TIMEOUT_MS: "400" }, { clock, startJobs: false });
  receiver = startReceiver();
});
afterAll(async () => {
  await server.close();
  await receiver.close();
});
afterEach(() => {
  receiver.reset();
  server.deps.db.$client.exec("DELETE FROM jobs");
});

type JobView = { id: number; status: string; attempts: number; run_at: number; last_error: string | null; payload: string; max_attempts: number; ordering_key: string | null };
const job = (id: number) => server.deps.db.$client.query("SELECT * FROM jobs WHERE id = ?").get(id) as JobView;

function deliver(over: Partial<EnqueueDeliveryInput> = {}): number {
  const id = server.deps.tx((tx) =>
    enqueueHttpDelivery(tx, {
      url: `${receiver.url}/callback`,
      payload: { event: "message_created", id: 1, content: "Hello <b>there</b> ✓" },
      secret: SECRET,
      event: "message_created",
      orderingKey: "callback:1:1",
      ...over,
    }),
  );
  if (id === null) throw new Error("not enqueued");
  return id;
}

const run = () => server.runner.runUntilEmpty();

describe("http.deliver", () => {
  test("POSTs the exact body with Chatwoot's signature headers, verifiable with the article's Python and Node code", async () => {
    const id = deliver({ payload: { event: "message_created", content: "Grüße <script>x</script>", nested: { a: [1, 2] } } });
    const payload = JSON.parse(job(id).payload);
    expect(job(id)).toMatchObject({ max_attempts: DELIVERY_MAX_ATTEMPTS, ordering_key: "callback:1:1" });
    expect(payload.delivery_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(payload.body).toBe(JSON.stringify({ event: "message_created", content: "Grüße <script>x</script>", nested: { a: [1, 2] } }));

    await run();
    expect(job(id).status).toBe("done");
    const [got] = receiver.requests;
    expect(got.method).toBe("POST");
    expect(got.path).toBe("/callback");
    expect(got.body).toBe(payload.body);
    expect(got.headers["content-type"]).toBe("application/json");
    expect(got.headers["user-agent"]).toBe(WEBHOOK_USER_AGENT);
    expect(got.headers["x-chatwoot-delivery"]).toBe(payload.delivery_id);
    expect(got.headers["x-chatwoot-timestamp"]).toBe(String(unixSeconds(clock.now())));
    const sig = got.headers["x-chatwoot-signature"];
    expect(sig).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(await verifyWithArticlePython(got.rawBody, got.headers["x-chatwoot-timestamp"], sig, SECRET)).toBe(true);
    expect(await verifyWithArticleNode(got.rawBody, got.headers["x-chatwoot-timestamp"], sig, SECRET)).toBe(true);
    expect(await verifyWithArticlePython(got.rawBody, got.headers["x-chatwoot-timestamp"], sig, "other")).toBe(false);
  });

  test("a 500 is retried later with the same X-Chatwoot-Delivery and a fresh, valid signature", async () => {
    receiver.failNext(1, 500);
    const id = deliver();
    await run();
    let row = job(id);
    expect(row).toMatchObject({ status: "pending", attempts: 1 });
    expect(row.last_error).toContain("HTTP 500");
    const wait = row.run_at - clock.now();
    expect(wait).toBeGreaterThanOrEqual(RETRY_DELAYS_MS[0] * 0.9);
    expect(wait).toBeLessThanOrEqual(RETRY_DELAYS_MS[0] * 1.1);

    // Not due yet: nothing happens.
    expect(await run()).toBe(0);
    clock.advance(wait);
    await run();
    row = job(id);
    expect(row).toMatchObject({ status: "done", attempts: 2 });
    const [first, second] = receiver.requests;
    expect(receiver.requests.length).toBe(2);
    expect(second.headers["x-chatwoot-delivery"]).toBe(first.headers["x-chatwoot-delivery"]);
    expect(second.body).toBe(first.body);
    expect(Number(second.headers["x-chatwoot-timestamp"])).toBeGreaterThan(Number(first.headers["x-chatwoot-timestamp"]));
    for (const r of [first, second]) {
      expect(await verifyWithArticlePython(r.rawBody, r.headers["x-chatwoot-timestamp"], r.headers["x-chatwoot-signature"], SECRET)).toBe(true);
    }
  });

  test("a 400 is final: no retry, the job is dead with the answer in its error", async () => {
    receiver.failNext(1, 400, { body: "bad payload" });
    const id = deliver();
    await run();
    expect(job(id)).toMatchObject({ status: "dead", attempts: 1 });
    expect(job(id).last_error).toContain("HTTP 400 bad payload");
    clock.advance(RETRY_DELAYS_MS.at(-1)! * 2);
    expect(await run()).toBe(0);
    expect(receiver.requests.length).toBe(1);
  });

  test("429 and 503 honour Retry-After (seconds and HTTP date)", async () => {
    receiver.failNext(1, 429, { retryAfter: 120 });
    const id = deliver();
    await run();
    expect(job(id).run_at - clock.now()).toBe(120_000);
    clock.advance(120_000);

    receiver.failNext(1, 503, { retryAfter: new Date(clock.now() + 45_000).toUTCString() });
    await run();
    expect(job(id)).toMatchObject({ status: "pending", attempts: 2 });
    // An HTTP date has whole seconds.
    expect(job(id).run_at - clock.now()).toBeGreaterThan(44_000);
    expect(job(id).run_at - clock.now()).toBeLessThanOrEqual(45_000);
    clock.advance(45_000);
    await run();
    expect(job(id)).toMatchObject({ status: "done", attempts: 3 });
    expect(receiver.requests.length).toBe(3);
  });

  test("an absurd Retry-After is capped", async () => {
    receiver.failNext(1, 429, { retryAfter: 10 * 24 * 3600 });
    const id = deliver();
    await run();
    expect(job(id).run_at - clock.now()).toBe(MAX_RETRY_AFTER_MS);
  });

  test("a receiver that does not answer times out and is retried", async () => {
    receiver.hangNext();
    const id = deliver();
    const started = Date.now();
    await run();
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(job(id)).toMatchObject({ status: "pending", attempts: 1 });
    expect(job(id).last_error).toContain("no complete answer within 400 ms");
    clock.advance(job(id).run_at - clock.now());
    await run();
    expect(job(id).status).toBe("done");
    expect(receiver.requests.length).toBe(2);
    expect(receiver.requests[1].headers["x-chatwoot-delivery"]).toBe(receiver.requests[0].headers["x-chatwoot-delivery"]);
  });

  test("deliveries with one ordering key arrive in order: a failed first one holds back the second", async () => {
    receiver.failNext(1, 502);
    const first = deliver({ payload: { n: 1 } });
    const second = deliver({ payload: { n: 2 } });
    const other = deliver({ payload: { n: 3 }, orderingKey: "callback:1:2" });
    await run();
    // The other conversation is not held back; the second message of this one is.
    expect(receiver.requests.map((r) => r.json().n)).toEqual([1, 3]);
    expect(job(second)).toMatchObject({ status: "blocked", attempts: 0 });
    clock.advance(job(first).run_at - clock.now());
    await run();
    expect(receiver.requests.map((r) => r.json().n)).toEqual([1, 3, 1, 2]);
    expect([job(first).status, job(second).status, job(other).status]).toEqual(["done", "done", "done"]);
  });

  test("a delivery enqueued in a transaction that rolls back never exists and never sends", async () => {
    expect(() =>
      server.deps.tx((tx) => {
        enqueueHttpDelivery(tx, { url: `${receiver.url}/x`, payload: { n: 1 }, secret: SECRET, event: "message_created", orderingKey: "k" });
        throw new Error("the change failed");
      }),
    ).toThrow("the change failed");
    expect(server.deps.db.$client.query("SELECT count(*) AS n FROM jobs").get()).toEqual({ n: 0 });
    await run();
    await Bun.sleep(50);
    expect(receiver.requests.length).toBe(0);
  });

  test("a callback to the cloud metadata address goes dead at once with a clear error, even with private targets allowed", async () => {
    expect(server.deps.config.webhookBlockPrivate).toBe(false);
    const id = deliver({ url: "http://169.254.169.254/latest/meta-data/" });
    await run();
    expect(job(id)).toMatchObject({ status: "dead", attempts: 1 });
    expect(job(id).last_error).toContain("destination blocked: 169.254.169.254 is a link-local / cloud metadata address");
  });

  test("with private targets not allowed (the production default), a loopback receiver is never called", async () => {
    const strictServer = startTestServer({ PARLEY_WEBHOOK_BLOCK_PRIVATE: "1" }, { startJobs: false });
    try {
      expect(strictServer.deps.config.webhookBlockPrivate).toBe(true);
      const id = strictServer.deps.tx((tx) =>
        enqueueHttpDelivery(tx, { url: `${receiver.url}/callback`, payload: { n: 1 }, secret: SECRET, event: "message_created", orderingKey: "k" }),
      )!;
      await strictServer.runner.runUntilEmpty();
      const row = strictServer.deps.db.$client.query("SELECT status, attempts, last_error FROM jobs WHERE id = ?").get(id) as JobView;
      expect(row).toMatchObject({ status: "dead", attempts: 1 });
      expect(row.last_error).toContain("destination blocked: 127.0.0.1 is a loopback address");
      expect(receiver.requests.length).toBe(0);
    } finally {
      await strictServer.close();
    }
  });

  test("after 8 failed attempts the delivery is dead", async () => {
    receiver.route("/down", () => new Response("down", { status: 500 }));
    const id = deliver({ url: `${receiver.url}/down` });
    for (let i = 1; i <= DELIVERY_MAX_ATTEMPTS; i++) {
      await run();
      const row = job(id);
      expect(row.attempts).toBe(i);
      if (i < DELIVERY_MAX_ATTEMPTS) clock.advance(row.run_at - clock.now());
    }
    expect(job(id).status).toBe("dead");
    expect(receiver.requests.length).toBe(DELIVERY_MAX_ATTEMPTS);
    expect(new Set(receiver.requests.map((r) => r.headers["x-chatwoot-delivery"])).size).toBe(1);
  });

  test("the observer seam sees every attempt and its outcome", async () => {
    const seen: DeliveryAttempt[] = [];
    const handler = createHttpDeliveryHandler(server.deps, { onAttempt: (a) => void seen.push(a) });
    const payload = {
      url: `${receiver.url}/obs`,
      body: "{}",
      secret: SECRET,
      delivery_id: "d-obs",
      event: "message_created",
      target: { type: "api_inbox" as const, id: 9 },
    };
    const ctx = (attempt: number) => ({
      attempt,
      job: { id: 1, kind: HTTP_DELIVER_JOB, payload: "", attempts: attempt, max_attempts: 8, lock_token: "t", ordering_key: null },
    });
    receiver.failNext(1, 500);
    await expect(handler(payload, ctx(1))).rejects.toMatchObject({ name: "RetryLater" });
    receiver.failNext(1, 404);
    await expect(handler(payload, ctx(2))).rejects.toMatchObject({ name: "PermanentFailure" });
    await handler(payload, ctx(3));
    expect(seen.map((a) => [a.attempt, a.status, a.outcome])).toEqual([
      [1, 500, "retry"],
      [2, 404, "failed"],
      [3, 200, "delivered"],
    ]);
    expect(seen[2]).toMatchObject({ delivery_id: "d-obs", target: { type: "api_inbox", id: 9 }, response_body: '{"ok":true}', error: null });
    await expect(handler({ url: "x" }, ctx(1))).rejects.toMatchObject({ name: "PermanentFailure" });
  });
});

test("retry delays: about a day over 8 attempts, with jitter", () => {
  expect(RETRY_DELAYS_MS.length).toBe(DELIVERY_MAX_ATTEMPTS - 1);
  const total = RETRY_DELAYS_MS.reduce((a, b) => a + b, 0);
  expect(total).toBeGreaterThan(20 * 3600_000);
  expect(total).toBeLessThan(26 * 3600_000);
  expect(retryDelay(1, () => 0.5)).toBe(30_000);
  expect(retryDelay(1, () => 0)).toBe(27_000);
  expect(retryDelay(1, () => 1)).toBe(33_000);
  expect(retryDelay(7, () => 0.5)).toBe(RETRY_DELAYS_MS[6]);
  expect(retryDelay(99, () => 0.5)).toBe(RETRY_DELAYS_MS[6]);
});
