// Account webhooks end to end, as an integrator following "How to use webhooks?" sees them: the real app over
// HTTP, a real local receiver that verifies every request with the article's formula, and a manual clock and job
// runner so retries, auto-disable and pruning are deterministic.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { createHmac, timingSafeEqual } from "node:crypto";
import { oldestWebhookWorkSince } from "../../../domain/webhooks/fanout.ts";
import { ManualClock } from "../../../lib/clock.ts";
import { periodic } from "../../../jobs/schedule.ts";
import { forEvent, startReceiver, type ReceivedRequest, type Receiver } from "../../../testing/receiver.ts";
import { createAdmin, createAgent, startTestServer, type TestServer } from "../../../testing/server.ts";
import { verifyWithArticlePython } from "../../../testing/webhook-verifiers.ts";
import { RETRY_DELAYS_MS } from "../../../domain/webhooks/delivery.ts";
import { WEBHOOK_EVENTS } from "../../../domain/webhooks/payloads.ts";

type Admin = Awaited<ReturnType<typeof createAdmin>>;

/** The article's verification steps 1-4, written from its text: sha256=HMAC-SHA256(secret, "{timestamp}.{raw_body}"). */
function articleVerify(r: ReceivedRequest, secret: string): boolean {
  const received = r.headers["x-chatwoot-signature"] ?? "";
  const timestamp = r.headers["x-chatwoot-timestamp"] ?? "";
  const message = Buffer.concat([Buffer.from(`${timestamp}.`), Buffer.from(r.rawBody)]);
  const expected = "sha256=" + createHmac("sha256", secret).update(message).digest("hex");
  return expected.length === received.length && timingSafeEqual(Buffer.from(expected), Buffer.from(received));
}

function client(server: TestServer, who: { account: { id: number }; token: string }) {
  return async (method: string, path: string, json?: unknown) => {
    const res = await server.api(`/api/v1/accounts/${who.account.id}${path}`, { token: who.token, method, json });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
}

const clock = new ManualClock(Date.UTC(2030, 0, 6, 9, 0, 0));
let server: TestServer;
let receiver: Receiver;
let admin: Admin;
let call: ReturnType<typeof client>;
const run = () => server.runner.runUntilEmpty();

beforeAll(async () => {
  server = startTestServer({}, { clock, startJobs: false });
  receiver = startReceiver();
  admin = await createAdmin(server, { accountName: "Hooks Inc" });
  call = client(server, admin);
});
afterAll(async () => {
  await server.close();
  await receiver.close();
});
beforeEach(() => receiver.reset());

let seq = 0;
async function newWebhook(subscriptions: string[] = [...WEBHOOK_EVENTS], who = call) {
  const res = await who("POST", "/webhooks", { webhook: { url: `${receiver.url}/hook/${++seq}`, name: `Hook ${seq}`, subscriptions } });
  expect(res.status).toBe(200);
  return res.body.payload.webhook as { id: number; url: string; secret: string; subscriptions: string[] };
}

/** An API inbox without a callback URL (so only account webhooks fire), a contact and a conversation. */
async function conversationIn(c = call) {
  const inbox = await c("POST", "/inboxes", { name: `Inbox ${++seq}`, channel: { type: "api" } });
  expect(inbox.status).toBe(200);
  const contact = await c("POST", "/contacts", { name: "Rita Receiver", email: `rita-${seq}@customer.example`, inbox_id: inbox.body.id });
  expect(contact.status).toBe(200);
  const conversation = await c("POST", "/conversations", { source_id: contact.body.payload.contact_inbox.source_id, inbox_id: inbox.body.id });
  expect(conversation.status).toBe(200);
  return { inbox: inbox.body, contact: contact.body.payload.contact, conversation: conversation.body };
}

const toHook = (hook: { url: string }) => (r: ReceivedRequest) => r.path === new URL(hook.url).pathname;

async function deliveriesOf(hookId: number, page = 1) {
  const res = await call("GET", `/webhooks/${hookId}/deliveries?page=${page}`);
  expect(res.status).toBe(200);
  return res.body as { meta: { count: number; current_page: number }; payload: { deliveries: any[] } };
}

describe("webhooks API", () => {
  test("create (wrapped and flat), list, update, rotate the secret, delete", async () => {
    const created = await call("POST", "/webhooks", { webhook: { url: "https://example.com/hooks/a", name: "CRM", subscriptions: ["message_created", "contact_created"] } });
    expect(created.status).toBe(200);
    const hook = created.body.payload.webhook;
    expect(hook).toMatchObject({ name: "CRM", url: "https://example.com/hooks/a", account_id: admin.account.id, subscriptions: ["message_created", "contact_created"], enabled: true });
    expect(hook.secret).toMatch(/^[A-Za-z0-9]{32}$/);

    const flat = await call("POST", "/webhooks", { url: "http://example.com/hooks/b" });
    expect(flat.status).toBe(200);
    // Chatwoot's column default when no subscriptions are given.
    expect(flat.body.payload.webhook.subscriptions).toEqual(["conversation_status_changed", "conversation_updated", "conversation_created", "message_created", "message_updated", "webwidget_triggered"]);
    expect(flat.body.payload.webhook.secret).not.toBe(hook.secret);

    const list = await call("GET", "/webhooks");
    expect(list.status).toBe(200);
    const mine = list.body.payload.webhooks.filter((w: any) => [hook.id, flat.body.payload.webhook.id].includes(w.id));
    expect(mine.map((w: any) => w.url)).toEqual(["https://example.com/hooks/a", "http://example.com/hooks/b"]);
    expect(mine[0].secret).toBe(hook.secret);

    const updated = await call("PATCH", `/webhooks/${hook.id}`, { webhook: { name: "CRM 2", subscriptions: ["conversation_created"] } });
    expect(updated.status).toBe(200);
    expect(updated.body.payload.webhook).toMatchObject({ name: "CRM 2", url: "https://example.com/hooks/a", subscriptions: ["conversation_created"], secret: hook.secret });

    const rotated = await call("POST", `/webhooks/${hook.id}/rotate_secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.payload.webhook.secret).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(rotated.body.payload.webhook.secret).not.toBe(hook.secret);

    expect((await call("DELETE", `/webhooks/${hook.id}`)).status).toBe(200);
    expect((await call("DELETE", `/webhooks/${flat.body.payload.webhook.id}`)).status).toBe(200);
    expect((await call("PATCH", `/webhooks/${hook.id}`, { name: "gone" })).status).toBe(404);
    expect((await call("GET", "/webhooks")).body.payload.webhooks.some((w: any) => w.id === hook.id)).toBe(false);
  });

  test("validation: http(s) url, known events, unique url per account; 422 names the field", async () => {
    for (const url of ["ftp://example.com/x", "javascript:alert(1)", "not a url", ""]) {
      const res = await call("POST", "/webhooks", { webhook: { url, subscriptions: ["message_created"] } });
      expect(res.status).toBe(422);
      expect(res.body.errors[0].field).toBe("url");
    }
    const unknown = await call("POST", "/webhooks", { webhook: { url: "https://example.com/v1", subscriptions: ["message_created", "message_exploded"] } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors[0]).toMatchObject({ field: "subscriptions" });
    expect(unknown.body.errors[0].message).toContain("message_exploded");
    const empty = await call("POST", "/webhooks", { webhook: { url: "https://example.com/v2", subscriptions: [] } });
    expect(empty.status).toBe(422);
    expect(empty.body.errors[0].field).toBe("subscriptions");
    const notList = await call("POST", "/webhooks", { webhook: { url: "https://example.com/v3", subscriptions: "message_created" } });
    expect(notList.status).toBe(422);
    expect(notList.body.errors[0].field).toBe("subscriptions");

    const first = await call("POST", "/webhooks", { webhook: { url: "https://example.com/dup", subscriptions: ["message_created"] } });
    expect(first.status).toBe(200);
    const dup = await call("POST", "/webhooks", { webhook: { url: "https://example.com/dup", subscriptions: ["message_created"] } });
    expect(dup.status).toBe(422);
    expect(dup.body.errors[0].field).toBe("url");
    const badPatch = await call("PATCH", `/webhooks/${first.body.payload.webhook.id}`, { url: "file:///etc/passwd" });
    expect(badPatch.status).toBe(422);
    expect(badPatch.body.errors[0].field).toBe("url");
    await call("DELETE", `/webhooks/${first.body.payload.webhook.id}`);
  });

  test("administrators only: an agent gets 403 everywhere; another account's webhook is 404", async () => {
    const hook = await newWebhook(["message_created"]);
    const agent = await createAgent(server, admin, { role: "agent" });
    const asAgent = client(server, { account: admin.account, token: agent.token });
    expect((await asAgent("GET", "/webhooks")).status).toBe(403);
    expect((await asAgent("POST", "/webhooks", { url: "https://example.com/agent" })).status).toBe(403);
    expect((await asAgent("PATCH", `/webhooks/${hook.id}`, { name: "x" })).status).toBe(403);
    expect((await asAgent("DELETE", `/webhooks/${hook.id}`)).status).toBe(403);
    expect((await asAgent("POST", `/webhooks/${hook.id}/rotate_secret`)).status).toBe(403);
    expect((await asAgent("GET", `/webhooks/${hook.id}/deliveries`)).status).toBe(403);

    const other = await createAdmin(server, { accountName: "Other" });
    const asOther = client(server, other);
    expect((await asOther("PATCH", `/webhooks/${hook.id}`, { name: "stolen" })).status).toBe(404);
    expect((await asOther("GET", `/webhooks/${hook.id}/deliveries`)).status).toBe(404);
    expect((await asOther("DELETE", `/webhooks/${hook.id}`)).status).toBe(404);
    expect((await asOther("GET", "/webhooks")).body.payload.webhooks).toEqual([]);
    await call("DELETE", `/webhooks/${hook.id}`);
  });
});

describe("deliveries", () => {
  test("every event type arrives signed (the article's formula) with Chatwoot's payload; the log records it", async () => {
    const hook = await newWebhook();
    const { inbox, contact, conversation } = await conversationIn();
    const sent = await call("POST", `/conversations/${conversation.id}/messages`, { content: "Hi from the agent", message_type: "outgoing" });
    expect(sent.status).toBe(200);
    expect((await call("PATCH", `/contacts/${contact.id}`, { name: "Rita Renamed" })).status).toBe(200);
    expect((await call("PATCH", `/conversations/${conversation.id}/messages/${sent.body.id}`, { status: "read" })).status).toBe(200);
    expect((await call("POST", `/conversations/${conversation.id}/toggle_status`, { status: "resolved" })).status).toBe(200);
    expect((await call("POST", `/conversations/${conversation.id}/toggle_typing_status`, { typing_status: "on", is_private: true })).status).toBe(200);
    expect((await call("POST", `/conversations/${conversation.id}/toggle_typing_status`, { typing_status: "off" })).status).toBe(200);
    expect((await call("PATCH", `/inboxes/${inbox.id}`, { name: "Renamed inbox" })).status).toBe(200);
    await run();

    const got = receiver.requests.filter(toHook(hook));
    const events = got.map((r) => r.json().event);
    for (const e of [
      "inbox_created",
      "contact_created",
      "conversation_created",
      "message_created",
      "contact_updated",
      "message_updated",
      "conversation_updated",
      "conversation_status_changed",
      "conversation_typing_on",
      "conversation_typing_off",
      "inbox_updated",
    ]) {
      expect(events).toContain(e);
    }
    for (const r of got) {
      expect(articleVerify(r, hook.secret)).toBe(true);
      expect(articleVerify(r, hook.secret + "x")).toBe(false);
      expect(r.headers["x-chatwoot-delivery"]).toMatch(/^[0-9a-f-]{36}$/);
    }
    const message = got.find((r) => r.json().event === "message_created")!;
    expect(await verifyWithArticlePython(message.rawBody, message.headers["x-chatwoot-timestamp"], message.headers["x-chatwoot-signature"], hook.secret)).toBe(true);
    expect(message.json()).toMatchObject({
      event: "message_created",
      id: sent.body.id,
      content: "Hi from the agent",
      message_type: "outgoing",
      sender: { id: admin.user.id, type: "user" },
      conversation: { id: conversation.id, inbox_id: inbox.id },
      account: { id: admin.account.id, name: "Hooks Inc" },
    });
    // Bodies are built when the fan-out runs (here, after the rename), as Chatwoot's webhook listener builds them in
    // its background job; what changed is in contact_updated's changed_attributes.
    expect(got.find((r) => r.json().event === "contact_created")!.json()).toMatchObject({ id: contact.id, name: "Rita Renamed", account: { id: admin.account.id } });
    expect(got.find((r) => r.json().event === "contact_updated")!.json()).toMatchObject({
      id: contact.id,
      name: "Rita Renamed",
      changed_attributes: expect.arrayContaining([{ name: { previous_value: "Rita Receiver", current_value: "Rita Renamed" } }]),
    });
    expect(got.find((r) => r.json().event === "conversation_status_changed")!.json()).toMatchObject({ id: conversation.id, status: "resolved" });
    expect(got.find((r) => r.json().event === "message_updated")!.json()).toMatchObject({ id: sent.body.id, content: "Hi from the agent" });
    const updated = got.find((r) => r.json().event === "conversation_updated")!.json();
    expect(Array.isArray(updated.changed_attributes)).toBe(true);
    for (const change of updated.changed_attributes) {
      expect(Object.keys(change).length).toBe(1);
      expect(Object.keys(Object.values(change)[0] as object).sort()).toEqual(["current_value", "previous_value"]);
    }
    expect(got.find((r) => r.json().event === "conversation_typing_on")!.json()).toMatchObject({ is_private: true, user: { id: admin.user.id, type: "user" }, conversation: { id: conversation.id } });
    expect(got.find((r) => r.json().event === "inbox_updated")!.json()).toMatchObject({ id: inbox.id, name: "Renamed inbox" });
    // The conversation's events in order: created before the message, the message before the status change.
    expect(events.indexOf("conversation_created")).toBeLessThan(events.indexOf("message_created"));
    expect(events.indexOf("message_created")).toBeLessThan(events.indexOf("conversation_status_changed"));

    const log = await deliveriesOf(hook.id);
    expect(log.meta.count).toBe(got.length);
    // Newest first; each delivery's id is the X-Chatwoot-Delivery it was sent with, and its body the exact bytes.
    expect(log.payload.deliveries[0].id).toBeGreaterThan(log.payload.deliveries.at(-1).id);
    const byUuid = new Map(log.payload.deliveries.map((d: any) => [d.delivery_id, d]));
    for (const r of got) {
      const d: any = byUuid.get(r.headers["x-chatwoot-delivery"]);
      expect(d).toMatchObject({ status: "succeeded", attempts: 1, last_status_code: 200, event: r.json().event, body: r.body });
      expect(d.attempt_log).toEqual([{ attempt: 1, status_code: 200, duration_ms: expect.any(Number), response_snippet: '{"ok":true}', error: null, created_at: Math.floor(clock.now() / 1000) }]);
    }
    await call("DELETE", `/webhooks/${hook.id}`);
  });

  test("subscriptions filter events; another account's events never reach this account's webhooks; disabled hooks get nothing", async () => {
    const onlyMessages = await newWebhook(["message_created"]);
    const onlyContacts = await newWebhook(["contact_created"]);
    const disabled = await newWebhook(["message_created", "contact_created"]);
    expect((await call("PATCH", `/webhooks/${disabled.id}`, { enabled: false })).body.payload.webhook).toMatchObject({ enabled: false });
    const { conversation } = await conversationIn();
    await call("POST", `/conversations/${conversation.id}/messages`, { content: "counted", message_type: "outgoing" });

    const other = await createAdmin(server, { accountName: "Elsewhere" });
    const otherCall = client(server, other);
    const otherConv = await conversationIn(otherCall);
    await otherCall("POST", `/conversations/${otherConv.conversation.id}/messages`, { content: "not yours", message_type: "outgoing" });
    await run();

    expect(receiver.requests.filter(toHook(onlyMessages)).map((r) => [r.json().event, r.json().content])).toEqual([["message_created", "counted"]]);
    expect(receiver.requests.filter(toHook(onlyContacts)).map((r) => r.json().event)).toEqual(["contact_created"]);
    expect(receiver.requests.filter(toHook(disabled))).toEqual([]);
    expect(receiver.requests.some((r) => r.body.includes("not yours"))).toBe(false);
    expect((await deliveriesOf(disabled.id)).meta.count).toBe(0);
    for (const h of [onlyMessages, onlyContacts, disabled]) await call("DELETE", `/webhooks/${h.id}`);
  });

  test("retries, Retry-After and a final 4xx are recorded attempt by attempt; responses are cut to 1 KB", async () => {
    const hook = await newWebhook(["message_created"]);
    const { conversation } = await conversationIn();
    receiver.failNext(1, 503, { retryAfter: 120, body: "x".repeat(5000), when: toHook(hook) });
    await call("POST", `/conversations/${conversation.id}/messages`, { content: "retry me", message_type: "outgoing" });
    await run();
    let [d] = (await deliveriesOf(hook.id)).payload.deliveries;
    expect(d).toMatchObject({ status: "pending", attempts: 1, last_status_code: 503 });
    expect(d.attempt_log[0].response_snippet.length).toBe(1024);
    expect(d.attempt_log[0].error).toContain("HTTP 503");

    clock.advance(119_000);
    await run();
    expect((await deliveriesOf(hook.id)).payload.deliveries[0].attempts).toBe(1); // Retry-After honoured
    clock.advance(2_000);
    await run();
    [d] = (await deliveriesOf(hook.id)).payload.deliveries;
    expect(d).toMatchObject({ status: "succeeded", attempts: 2, last_status_code: 200, last_error: null });
    expect(d.attempt_log.map((a: any) => a.status_code)).toEqual([503, 200]);
    const sent = receiver.requests.filter(toHook(hook));
    expect(new Set(sent.map((r) => r.headers["x-chatwoot-delivery"]))).toEqual(new Set([d.delivery_id]));

    receiver.failNext(1, 410, { when: toHook(hook) });
    await call("POST", `/conversations/${conversation.id}/messages`, { content: "gone", message_type: "outgoing" });
    await run();
    [d] = (await deliveriesOf(hook.id)).payload.deliveries;
    expect(d).toMatchObject({ status: "failed", attempts: 1, last_status_code: 410 });
    clock.advance(RETRY_DELAYS_MS[0] * 2);
    await run();
    expect((await deliveriesOf(hook.id)).payload.deliveries[0].attempts).toBe(1);

    // Manual redelivery: the same body under the same X-Chatwoot-Delivery; the attempt count continues.
    const before = receiver.requests.length;
    const re = await call("POST", `/webhooks/${hook.id}/deliveries/${d.id}/redeliver`);
    expect(re.status).toBe(200);
    expect(re.body.payload.delivery).toMatchObject({ id: d.id, status: "pending" });
    await run();
    const again = receiver.requests.slice(before).filter(toHook(hook));
    expect(again.length).toBe(1);
    expect(again[0].headers["x-chatwoot-delivery"]).toBe(d.delivery_id);
    expect(again[0].body).toBe(d.body);
    expect(articleVerify(again[0], hook.secret)).toBe(true);
    const after = (await deliveriesOf(hook.id)).payload.deliveries[0];
    expect(after).toMatchObject({ status: "succeeded", attempts: 2 });
    expect(after.attempt_log.map((a: any) => [a.attempt, a.status_code])).toEqual([[1, 410], [2, 200]]);
    expect((await call("POST", `/webhooks/${hook.id}/deliveries/999999/redeliver`)).status).toBe(404);
    await call("DELETE", `/webhooks/${hook.id}`);
  });

  test("a failing webhook holds back only its own later deliveries of that conversation, then catches up in order", async () => {
    const slow = await newWebhook(["message_created"]);
    const fast = await newWebhook(["message_created"]);
    const first = await conversationIn();
    const second = await conversationIn();
    const say = (c: { id: number }, content: string) => call("POST", `/conversations/${c.id}/messages`, { content, message_type: "outgoing" });
    const contents = (hook: { url: string }) => receiver.requests.filter(toHook(hook)).map((r) => r.json().content);
    receiver.failNext(1, 503, { when: toHook(slow) });
    await say(first.conversation, "one");
    await run();
    await say(first.conversation, "two");
    await say(second.conversation, "elsewhere");
    await run();
    expect(contents(fast)).toEqual(["one", "two", "elsewhere"]);
    // The slow webhook: "one" failed and waits for its retry; "two" (same conversation) waits behind it unsent;
    // the other conversation's message is not held up.
    expect(contents(slow)).toEqual(["one", "elsewhere"]);
    const held = (await deliveriesOf(slow.id)).payload.deliveries;
    expect(held.map((d: any) => [JSON.parse(d.body).content, d.status, d.attempts])).toEqual([
      ["elsewhere", "succeeded", 1],
      ["two", "pending", 0],
      ["one", "pending", 1],
    ]);
    clock.advance(RETRY_DELAYS_MS[0] * 1.2);
    await run();
    expect(contents(slow)).toEqual(["one", "elsewhere", "one", "two"]);
    const ids = receiver.requests.filter(toHook(slow)).map((r) => r.headers["x-chatwoot-delivery"]);
    expect(ids[0]).toBe(ids[2]);
    expect(new Set(ids).size).toBe(3);
    expect((await deliveriesOf(slow.id)).payload.deliveries.every((d: any) => d.status === "succeeded")).toBe(true);

    // Disabled after the event but before its delivery: nothing is sent, the log says why.
    await say(first.conversation, "three");
    expect((await call("PATCH", `/webhooks/${fast.id}`, { enabled: false })).status).toBe(200);
    await run();
    expect(contents(fast)).toEqual(["one", "two", "elsewhere"]);
    expect((await deliveriesOf(fast.id)).payload.deliveries[0]).toMatchObject({ status: "failed", attempts: 0, last_error: "webhook disabled" });
    expect(contents(slow).at(-1)).toBe("three");
    for (const h of [slow, fast]) await call("DELETE", `/webhooks/${h.id}`);
  });

  test("the request stores only its COMMIT's batch of events; the queue turns batches into events and fan-out jobs, oldest first", async () => {
    const hook = await newWebhook(["message_created"]);
    const { conversation } = await conversationIn();
    await run();
    receiver.reset();
    const db = server.deps.db.$client;
    const n = (sql: string) => (db.query(sql).get() as { n: number }).n;
    const fanouts = () => n("SELECT count(*) AS n FROM jobs WHERE kind = 'webhook.fanout'");
    const [jobsBefore, eventsBefore] = [fanouts(), n("SELECT count(*) AS n FROM webhook_events")];
    const post = (content: string) => call("POST", `/conversations/${conversation.id}/messages`, { content, message_type: "outgoing" });
    expect((await post("legacy")).status).toBe(200);
    // An event an earlier version stored as its own row, not yet taken: it goes first.
    const batch = db.query("SELECT id, events, created_at FROM webhook_event_batches").get() as { id: number; events: string; created_at: number };
    const [legacy] = JSON.parse(batch.events);
    db.query("DELETE FROM webhook_event_batches WHERE id = ?1").run(batch.id);
    db.query("INSERT INTO webhook_events (account_id, uuid, event, subject, source, webhook_ids, queued, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7)").run(
      legacy.account_id, crypto.randomUUID(), legacy.event, legacy.subject, JSON.stringify(legacy.source), JSON.stringify(legacy.webhook_ids), batch.created_at,
    );
    for (const content of ["first", "second", "third"]) expect((await post(content)).status).toBe(200);
    // Requests one after another commit one after another: a batch each, nothing else written for the webhooks yet.
    const batches = db.query("SELECT events FROM webhook_event_batches ORDER BY id").all() as { events: string }[];
    expect(batches.map((b) => JSON.parse(b.events).map((e: { event: string; webhook_ids: number[] }) => [e.event, e.webhook_ids]))).toEqual([
      [["message_created", [hook.id]]],
      [["message_created", [hook.id]]],
      [["message_created", [hook.id]]],
    ]);
    expect(n("SELECT count(*) AS n FROM webhook_events")).toBe(eventsBefore + 1);
    expect(fanouts()).toBe(jobsBefore);
    await run();
    expect(n("SELECT count(*) AS n FROM webhook_event_batches") + n("SELECT count(*) AS n FROM webhook_events WHERE queued = 0")).toBe(0);
    expect(n("SELECT count(*) AS n FROM webhook_events")).toBe(eventsBefore + 4);
    expect(fanouts()).toBe(jobsBefore + 4);
    expect(receiver.requests.filter(toHook(hook)).map((r) => r.json().content)).toEqual(["legacy", "first", "second", "third"]);
    await call("DELETE", `/webhooks/${hook.id}`);
  });

  test("an event of an account deleted before the intake took it is dropped without holding up the others", async () => {
    const other = await createAdmin(server, { accountName: "Short-lived" });
    const otherCall = client(server, other);
    const gone = await newWebhook(["message_created"], otherCall);
    const { conversation: goneConversation } = await conversationIn(otherCall);
    const hook = await newWebhook(["message_created"]);
    const { conversation } = await conversationIn();
    await run();
    receiver.reset();
    await otherCall("POST", `/conversations/${goneConversation.id}/messages`, { content: "into the void", message_type: "outgoing" });
    await call("POST", `/conversations/${conversation.id}/messages`, { content: "still here", message_type: "outgoing" });
    server.deps.db.$client.query("DELETE FROM accounts WHERE id = ?1").run(other.account.id);
    await run();
    expect(receiver.requests.filter(toHook(gone))).toEqual([]);
    expect(receiver.requests.filter(toHook(hook)).map((r) => r.json().content)).toEqual(["still here"]);
    expect(server.deps.db.$client.query("SELECT count(*) AS n FROM webhook_event_batches").get()).toEqual({ n: 0 });
    await call("DELETE", `/webhooks/${hook.id}`);
  });

  test("oldestWebhookWorkSince: since when the oldest waiting event or due delivery job has waited (what the thread's give-way bounds)", async () => {
    const { conversation } = await conversationIn();
    const hook = await newWebhook(["message_created"]);
    await run();
    const age = () => {
      const since = oldestWebhookWorkSince(server.deps.db, clock.now());
      return since === null ? null : clock.now() - since;
    };
    expect(age()).toBeNull();
    await call("POST", `/conversations/${conversation.id}/messages`, { content: "waiting", message_type: "outgoing" });
    clock.advance(300);
    expect(age()).toBe(300);
    receiver.failNext(1, 503);
    await run();
    // The failed first attempt's retry is not due yet: nothing waits.
    expect(age()).toBeNull();
    clock.advance(RETRY_DELAYS_MS[0] * 1.1 + 250);
    expect(age()).toBeGreaterThanOrEqual(250);
    await run();
    expect(age()).toBeNull();
    await call("DELETE", `/webhooks/${hook.id}`);
  });

  test("an event whose record is gone before its fan-out runs sends nothing and leaves nothing queued", async () => {
    const hook = await newWebhook(["message_created"]);
    const { conversation } = await conversationIn();
    await call("POST", `/conversations/${conversation.id}/messages`, { content: "soon gone", message_type: "outgoing" });
    expect((await call("DELETE", `/conversations/${conversation.id}`)).status).toBe(200);
    await run();
    expect(receiver.requests.filter(toHook(hook)).some((r) => r.json().content === "soon gone")).toBe(false);
    const left = server.deps.db.$client.query("SELECT count(*) AS n FROM webhook_events WHERE body IS NULL").get() as { n: number };
    expect(left.n).toBe(0);
    expect(server.deps.db.$client.query("SELECT count(*) AS n FROM jobs WHERE queue = 'webhooks' AND status NOT IN ('done')").get()).toEqual({ n: 0 });
    await call("DELETE", `/webhooks/${hook.id}`);
  });

  test("a webhook failing for 3 days is disabled, administrators are mailed, PATCH enabled: true turns it back on", async () => {
    const hook = await newWebhook(["message_created"]);
    const { conversation } = await conversationIn();
    receiver.route(new URL(hook.url).pathname, () => new Response("down", { status: 500 }));
    const mails = () =>
      server.deps.db.$client.query("SELECT to_address, subject, text_body FROM mail_outbox WHERE subject LIKE 'Webhook disabled%'").all() as { to_address: string; subject: string; text_body: string }[];
    const state = async () => (await call("GET", "/webhooks")).body.payload.webhooks.find((w: any) => w.id === hook.id);

    for (let day = 0; day < 4; day++) {
      await call("POST", `/conversations/${conversation.id}/messages`, { content: `day ${day}`, message_type: "outgoing" });
      await run();
      if (day < 3) expect((await state()).enabled).toBe(true);
      clock.advance(24 * 3600_000 + 60_000);
      await run();
    }
    const disabled = await state();
    expect(disabled.enabled).toBe(false);
    expect(disabled.disabled_reason).toContain("failed for 3 days");
    expect(mails()[0].subject).toBe(`Webhook disabled: Hook ${hook.url.split("/").at(-1)}`);
    expect(mails().length).toBe(1);
    expect(mails()[0].to_address.toLowerCase()).toBe(admin.email.toLowerCase());
    expect(mails()[0].text_body).toContain(hook.url);

    // Disabled: new events are not delivered.
    const before = receiver.requests.filter(toHook(hook)).length;
    const count = (await deliveriesOf(hook.id)).meta.count;
    await call("POST", `/conversations/${conversation.id}/messages`, { content: "while disabled", message_type: "outgoing" });
    clock.advance(RETRY_DELAYS_MS.reduce((a, b) => a + b, 0) * 2);
    await run();
    expect((await deliveriesOf(hook.id)).meta.count).toBe(count);
    expect(receiver.requests.filter(toHook(hook)).length).toBe(before);

    receiver.route(new URL(hook.url).pathname, () => Response.json({ ok: true }));
    const enabled = await call("PATCH", `/webhooks/${hook.id}`, { enabled: true });
    expect(enabled.body.payload.webhook).toMatchObject({ enabled: true, disabled_at: null, disabled_reason: null, failing_since: null });
    await call("POST", `/conversations/${conversation.id}/messages`, { content: "back", message_type: "outgoing" });
    await run();
    expect(receiver.requests.filter(toHook(hook)).some((r) => r.json().content === "back")).toBe(true);
    await call("DELETE", `/webhooks/${hook.id}`);
  });

  test("the delivery log is pruned after PARLEY_WEBHOOK_LOG_RETENTION_DAYS (14) by the periodic task", async () => {
    const hook = await newWebhook(["message_created"]);
    const { conversation } = await conversationIn();
    await call("POST", `/conversations/${conversation.id}/messages`, { content: "old", message_type: "outgoing" });
    await run();
    expect((await deliveriesOf(hook.id)).meta.count).toBe(1);
    const task = periodic.find((p) => p.name === "prune-webhook-log")!;
    clock.advance(13 * 24 * 3600_000);
    await call("POST", `/conversations/${conversation.id}/messages`, { content: "recent", message_type: "outgoing" });
    await run();
    await task.run(server.deps);
    expect((await deliveriesOf(hook.id)).payload.deliveries.map((d: any) => JSON.parse(d.body).content)).toEqual(["recent", "old"]);
    clock.advance(2 * 24 * 3600_000);
    await task.run(server.deps);
    expect((await deliveriesOf(hook.id)).payload.deliveries.map((d: any) => JSON.parse(d.body).content)).toEqual(["recent"]);
    const attempts = server.deps.db.$client.query("SELECT COUNT(*) AS n FROM webhook_delivery_attempts a LEFT JOIN webhook_deliveries d ON d.id = a.delivery_id WHERE d.id IS NULL").get() as { n: number };
    expect(attempts.n).toBe(0);
    await call("DELETE", `/webhooks/${hook.id}`);
  });
});

test("with PARLEY_WEBHOOK_BLOCK_PRIVATE=1 a loopback webhook is never called; the log says why", async () => {
  const strict = startTestServer({ PARLEY_WEBHOOK_BLOCK_PRIVATE: "1" }, { startJobs: false });
  const local = startReceiver();
  try {
    const a = await createAdmin(strict);
    const c = client(strict, a);
    const hook = (await c("POST", "/webhooks", { url: `${local.url}/blocked`, subscriptions: ["contact_created"] })).body.payload.webhook;
    await c("POST", "/contacts", { name: "Blocked" });
    await strict.runner.runUntilEmpty();
    expect(local.requests.length).toBe(0);
    const [d] = (await c("GET", `/webhooks/${hook.id}/deliveries`)).body.payload.deliveries;
    expect(d).toMatchObject({ status: "failed", attempts: 1, last_status_code: null });
    expect(d.attempt_log[0].error).toContain("destination blocked");
  } finally {
    await strict.close();
    await local.close();
  }
});
