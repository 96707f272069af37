// The API-channel callback end to end, as an integrator following "How to create an API channel inbox?" sees it:
// plain HTTP against the real app, a real local receiver as the callback URL.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { conversations } from "../../db/schema/conversations.ts";
import { ManualClock } from "../../lib/clock.ts";
import { forEvent, startReceiver, type ReceivedRequest, type Receiver } from "../../testing/receiver.ts";
import { createAdmin, startTestServer, type TestServer } from "../../testing/server.ts";
import { verifyWithArticleNode, verifyWithArticlePython } from "../../testing/webhook-verifiers.ts";
import { addMessage } from "../messages/commands.ts";
import { RETRY_DELAYS_MS } from "./delivery.ts";
import { verifyWebhookSignature, WEBHOOK_USER_AGENT } from "./signing.ts";

type Admin = Awaited<ReturnType<typeof createAdmin>>;

/** curl-like calls: JSON in, status and JSON out. */
function client(server: TestServer, admin: Admin) {
  return async (method: string, path: string, json?: unknown) => {
    const res = await server.api(`/api/v1/accounts/${admin.account.id}${path}`, { token: admin.token, method, json });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
}

/** Steps 1–3 of the article: an API inbox with a callback URL, a contact with a session, a conversation. */
async function setUp(server: TestServer, admin: Admin, webhookUrl: string) {
  const call = client(server, admin);
  const inbox = await call("POST", "/inboxes", { name: "API Channel", channel: { type: "api", webhook_url: webhookUrl } });
  expect(inbox.status).toBe(200);
  expect(inbox.body.secret).toBeString();
  const contact = await call("POST", "/contacts", { name: "Pranav", email: `${crypto.randomUUID().slice(0, 8)}@customer.example`, inbox_id: inbox.body.id });
  expect(contact.status).toBe(200);
  const sourceId = contact.body.payload.contact_inboxes?.[0]?.source_id ?? contact.body.payload.contact_inbox?.source_id;
  expect(sourceId).toBeString();
  const conversation = await call("POST", "/conversations", { source_id: sourceId, inbox_id: inbox.body.id });
  expect(conversation.status).toBe(200);
  expect(conversation.body.id).toBeNumber();
  return { call, inbox: inbox.body, contact: contact.body.payload.contact, conversation: conversation.body, secret: inbox.body.secret as string };
}

const byEvent = (requests: ReceivedRequest[], event: string) => requests.filter((r) => r.json().event === event);

/** Checks the headers and the signature; with viaArticle, by running the article's Python and Node.js code. */
async function expectSigned(r: ReceivedRequest, secret: string, viaArticle = false) {
  expect(r.method).toBe("POST");
  expect(r.headers["content-type"]).toBe("application/json");
  expect(r.headers["user-agent"]).toBe(WEBHOOK_USER_AGENT);
  expect(r.headers["x-chatwoot-delivery"]).toMatch(/^[0-9a-f-]{36}$/);
  expect(r.headers["x-chatwoot-timestamp"]).toMatch(/^\d{10}$/);
  expect(verifyWebhookSignature(secret, r.headers["x-chatwoot-timestamp"], r.body, r.headers["x-chatwoot-signature"])).toBe(true);
  if (!viaArticle) return;
  expect(await verifyWithArticlePython(r.rawBody, r.headers["x-chatwoot-timestamp"], r.headers["x-chatwoot-signature"], secret)).toBe(true);
  expect(await verifyWithArticleNode(r.rawBody, r.headers["x-chatwoot-timestamp"], r.headers["x-chatwoot-signature"], secret)).toBe(true);
}

describe("API-channel callback with the job runner running", () => {
  let server: TestServer;
  let receiver: Receiver;
  let admin: Admin;

  beforeAll(async () => {
    server = startTestServer();
    receiver = startReceiver();
    admin = await createAdmin(server, { accountName: "API testing" });
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });
  beforeEach(() => receiver.reset());

  test("the article's flow: an agent's outgoing message reaches the callback URL as a signed message_created", async () => {
    const { call, inbox, conversation, secret } = await setUp(server, admin, `${receiver.url}/chatwoot/callback`);
    const sent = await call("POST", `/conversations/${conversation.id}/messages`, { content: "Hi from the agent", message_type: "outgoing" });
    expect(sent.status).toBe(200);

    const [message] = await receiver.waitFor(1, 5_000, forEvent("message_created"));
    const created = receiver.requests[0];
    // The conversation's own event comes first (same ordering key), then the message.
    expect(created.json().event).toBe("conversation_created");
    expect(receiver.requests.indexOf(message)).toBeGreaterThan(0);
    expect(message.path).toBe("/chatwoot/callback");
    await expectSigned(message, secret, true);
    expect(message.headers["x-chatwoot-delivery"]).not.toBe(created.headers["x-chatwoot-delivery"]);

    const body = message.json();
    // The fields of the article's sample payload.
    expect(body).toMatchObject({
      event: "message_created",
      id: sent.body.id,
      content: "Hi from the agent",
      message_type: "outgoing",
      content_type: "text",
      content_attributes: {},
      source_id: null,
      private: false,
      sender: { id: admin.user.id, name: admin.user.name, type: "user" },
      inbox: { id: inbox.id, name: "API Channel" },
      conversation: {
        channel: "Channel::Api",
        id: conversation.id,
        inbox_id: inbox.id,
        status: "open",
        agent_last_seen_at: expect.any(Number),
        contact_last_seen_at: expect.any(Number),
        timestamp: expect.any(Number),
      },
      account: { id: admin.account.id, name: "API testing" },
    });
    expect(body.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    expect("additional_attributes" in body.conversation).toBe(true);
    // event is the last key, as Chatwoot merges it into webhook_data.
    expect(Object.keys(body).at(-1)).toBe("event");
  });

  test("incoming messages, templates and private notes are sent; activity messages are not", async () => {
    const { call, contact, conversation, secret } = await setUp(server, admin, `${receiver.url}/cb`);
    await receiver.waitFor(1, 5_000, forEvent("conversation_created"));
    expect((await call("POST", `/conversations/${conversation.id}/messages`, { content: "From the customer", message_type: "incoming" })).status).toBe(200);
    expect((await call("POST", `/conversations/${conversation.id}/messages`, { content: "Internal note", message_type: "outgoing", private: true })).status).toBe(200);
    // Resolving writes an activity message ("… marked resolved …") and changes the status.
    expect((await call("POST", `/conversations/${conversation.id}/toggle_status`, { status: "resolved" })).status).toBe(200);
    await receiver.waitFor(2, 5_000, forEvent("message_created"));
    await receiver.waitFor(1, 5_000, forEvent("conversation_status_changed"));
    // Give a wrongly sent activity message time to arrive.
    await Bun.sleep(150);
    const all = receiver.requests;

    const messages = byEvent(receiver.requests, "message_created").map((r) => r.json());
    expect(messages.map((m) => [m.message_type, m.private, m.content])).toEqual([
      ["incoming", false, "From the customer"],
      ["outgoing", true, "Internal note"],
    ]);
    expect(messages[0].sender).toMatchObject({ id: contact.id, name: "Pranav" });
    const status = byEvent(all, "conversation_status_changed").map((r) => r.json());
    expect(status.length).toBe(1);
    expect(status[0]).toMatchObject({ id: conversation.id, status: "resolved", changed_attributes: [{ status: { previous_value: "open", current_value: "resolved" } }] });
    const updated = byEvent(receiver.requests, "conversation_updated").map((r) => r.json());
    expect(updated.length).toBeGreaterThanOrEqual(1);
    expect(Array.isArray(updated[0].changed_attributes)).toBe(true);
    for (const r of receiver.requests) await expectSigned(r, secret);
    // Nothing about the activity message.
    expect(receiver.requests.every((r) => r.json().message_type !== "activity")).toBe(true);
  });

  test("HTML and script content is delivered verbatim", async () => {
    const { call, conversation } = await setUp(server, admin, `${receiver.url}/cb`);
    const content = `<script>alert("x")</script> & <b>bold</b> \u00e9\u{1F600}`;
    expect((await call("POST", `/conversations/${conversation.id}/messages`, { content, message_type: "outgoing" })).status).toBe(200);
    const [m] = await receiver.waitFor(1, 5_000, forEvent("message_created"));
    expect(m.json().content).toBe(content);
  });

  test("message_updated is sent when an integration reports a delivery status", async () => {
    const { call, conversation } = await setUp(server, admin, `${receiver.url}/cb`);
    const sent = await call("POST", `/conversations/${conversation.id}/messages`, { content: "Will fail", message_type: "outgoing" });
    await receiver.waitFor(1, 5_000, forEvent("message_created"));
    const res = await call("PATCH", `/conversations/${conversation.id}/messages/${sent.body.id}`, { status: "failed", external_error: "phone unreachable" });
    expect(res.status).toBe(200);
    const [updated] = (await receiver.waitFor(1, 5_000, forEvent("message_updated"))).map((r) => r.json());
    expect(updated).toMatchObject({ id: sent.body.id, content_attributes: { external_error: "phone unreachable" } });
  });

  test("an API inbox without a callback URL sends nothing", async () => {
    const { call, conversation } = await setUp(server, admin, "");
    expect((await call("POST", `/conversations/${conversation.id}/messages`, { content: "Quiet", message_type: "outgoing" })).status).toBe(200);
    await Bun.sleep(150);
    expect(receiver.requests.length).toBe(0);
    const n = server.deps.db.$client
      .query("SELECT count(*) AS n FROM jobs WHERE kind = 'http.deliver' AND json_extract(payload, '$.body') LIKE ?")
      .get(`%"Quiet"%`) as { n: number };
    expect(n.n).toBe(0);
  });

  test("the callback URL can be changed and later events go to the new one", async () => {
    const other = startReceiver();
    try {
      const { call, inbox, conversation } = await setUp(server, admin, `${receiver.url}/old`);
      await receiver.waitFor(1, 5_000, forEvent("conversation_created"));
      expect((await call("PATCH", `/inboxes/${inbox.id}`, { channel: { webhook_url: `${other.url}/new` } })).status).toBe(200);
      expect((await call("POST", `/conversations/${conversation.id}/messages`, { content: "Moved", message_type: "outgoing" })).status).toBe(200);
      const [m] = await other.waitFor(1, 5_000, forEvent("message_created"));
      expect(m.path).toBe("/new");
      expect(m.json().content).toBe("Moved");
      expect(receiver.requests.map((r) => r.json().event)).toEqual(["conversation_created"]);
    } finally {
      await other.close();
    }
  });
});

describe("API-channel callback with a manual clock and runner", () => {
  const clock = new ManualClock(Date.UTC(2030, 5, 1, 8, 0, 0));
  let server: TestServer;
  let receiver: Receiver;
  let admin: Admin;

  beforeAll(async () => {
    server = startTestServer({}, { clock, startJobs: false });
    receiver = startReceiver();
    admin = await createAdmin(server);
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });
  beforeEach(() => receiver.reset());

  const run = () => server.runner.runUntilEmpty();
  const deliveries = () =>
    server.deps.db.$client
      .query("SELECT id, status, attempts, run_at, last_error, json_extract(payload, '$.event') AS event FROM jobs WHERE kind = 'http.deliver' ORDER BY id")
      .all() as { id: number; status: string; attempts: number; run_at: number; last_error: string | null; event: string }[];

  test("a 500 is retried with the same X-Chatwoot-Delivery; the next message waits for it", async () => {
    const { call, conversation, secret } = await setUp(server, admin, `${receiver.url}/cb`);
    await run(); // conversation_created
    receiver.reset();

    receiver.failNext(1, 500, { when: forEvent("message_created") });
    expect((await call("POST", `/conversations/${conversation.id}/messages`, { content: "first", message_type: "outgoing" })).status).toBe(200);
    expect((await call("POST", `/conversations/${conversation.id}/messages`, { content: "second", message_type: "outgoing" })).status).toBe(200);
    await run();
    const contents = () => byEvent(receiver.requests, "message_created").map((r) => r.json().content);
    // The first failed; the second is held back so it cannot overtake it.
    expect(contents()).toEqual(["first"]);
    const first = deliveries().find((d) => d.status === "pending")!;
    expect(first).toMatchObject({ event: "message_created", attempts: 1 });
    expect(first.last_error).toContain("HTTP 500");

    clock.advance(RETRY_DELAYS_MS[0] * 1.2);
    await run();
    expect(contents()).toEqual(["first", "first", "second"]);
    const [a, b, c] = byEvent(receiver.requests, "message_created");
    expect(b.headers["x-chatwoot-delivery"]).toBe(a.headers["x-chatwoot-delivery"]);
    expect(c.headers["x-chatwoot-delivery"]).not.toBe(a.headers["x-chatwoot-delivery"]);
    for (const r of receiver.requests) await expectSigned(r, secret);
    expect(deliveries().every((d) => d.status === "done")).toBe(true);
  });

  test("a 400 is not retried", async () => {
    const { call, conversation } = await setUp(server, admin, `${receiver.url}/cb`);
    await run();
    receiver.reset();
    receiver.failNext(1, 400, { when: forEvent("message_created") });
    await call("POST", `/conversations/${conversation.id}/messages`, { content: "rejected", message_type: "outgoing" });
    await run();
    clock.advance(RETRY_DELAYS_MS.reduce((a, b) => a + b, 0));
    await run();
    expect(byEvent(receiver.requests, "message_created").length).toBe(1);
    expect(deliveries().at(-1)).toMatchObject({ status: "dead", attempts: 1, event: "message_created" });
  });

  test("Retry-After is honoured", async () => {
    const { call, conversation } = await setUp(server, admin, `${receiver.url}/cb`);
    await run();
    receiver.reset();
    receiver.failNext(1, 429, { retryAfter: 7, when: forEvent("message_created") });
    await call("POST", `/conversations/${conversation.id}/messages`, { content: "slow down", message_type: "outgoing" });
    await run();
    expect(deliveries().at(-1)).toMatchObject({ event: "message_created", status: "pending" });
    expect(deliveries().at(-1)!.run_at - clock.now()).toBe(7_000);
    clock.advance(6_999);
    expect(await run()).toBe(0);
    clock.advance(1);
    await run();
    expect(byEvent(receiver.requests, "message_created").length).toBe(2);
    expect(deliveries().at(-1)!.status).toBe("done");
  });

  test("a message created in a transaction that rolls back sends nothing", async () => {
    const { conversation } = await setUp(server, admin, `${receiver.url}/cb`);
    await run();
    receiver.reset();
    const before = deliveries().length;
    const row = server.deps.db
      .select()
      .from(conversations)
      .where(and(eq(conversations.account_id, admin.account.id), eq(conversations.display_id, conversation.id)))
      .get()!;
    expect(() =>
      server.deps.tx((tx) => {
        addMessage(tx, { type: "User", id: admin.user.id, name: admin.user.name }, row, {
          message_type: 1,
          content: "never committed",
          sender: { type: "User", id: admin.user.id },
        });
        throw new Error("something later in the request failed");
      }),
    ).toThrow("something later in the request failed");
    expect(deliveries().length).toBe(before);
    await run();
    expect(receiver.requests.length).toBe(0);

    // The same write, committed, does send: the rollback is what stopped it.
    server.deps.tx((tx) => {
      addMessage(tx, { type: "User", id: admin.user.id, name: admin.user.name }, row, { message_type: 1, content: "committed", sender: { type: "User", id: admin.user.id } });
    });
    await run();
    expect(byEvent(receiver.requests, "message_created").map((r) => r.json().content)).toEqual(["committed"]);
  });

  test("a callback URL pointing at the cloud metadata address is refused: the delivery goes dead with a clear error", async () => {
    expect(server.deps.config.webhookBlockPrivate).toBe(false);
    const { call, conversation } = await setUp(server, admin, "http://169.254.169.254/latest/meta-data/iam/security-credentials/");
    await call("POST", `/conversations/${conversation.id}/messages`, { content: "steal credentials", message_type: "outgoing" });
    await run();
    const mine = deliveries().filter((d) => d.last_error?.includes("169.254.169.254"));
    expect(mine.map((d) => d.event)).toContain("conversation_created");
    expect(mine.every((d) => d.status === "dead" && d.attempts === 1)).toBe(true);
    const message = mine.find((d) => d.event === "message_created")!;
    expect(message.last_error).toContain("destination blocked: 169.254.169.254 is a link-local / cloud metadata address");
  });

  test("typing events of an API inbox are sent with the agent and is_private", async () => {
    const { call, conversation } = await setUp(server, admin, `${receiver.url}/cb`);
    await run();
    receiver.reset();
    expect((await call("POST", `/conversations/${conversation.id}/toggle_typing_status`, { typing_status: "on", is_private: true })).status).toBe(200);
    expect((await call("POST", `/conversations/${conversation.id}/toggle_typing_status`, { typing_status: "off" })).status).toBe(200);
    await run();
    const [on, off] = receiver.requests.map((r) => r.json());
    expect(on).toMatchObject({
      event: "conversation_typing_on",
      user: { id: admin.user.id, name: admin.user.name, email: admin.email, type: "user" },
      conversation: { id: conversation.id, channel: "Channel::Api" },
      is_private: true,
    });
    expect(off).toMatchObject({ event: "conversation_typing_off", user: { id: admin.user.id }, is_private: false });
  });

});
