// The public client API (/public/api/v1/inboxes/{inbox_identifier}/…) as the help-center API-channel article
// uses it: a customer-facing app creates a contact, a conversation and messages, and hears agents on /cable.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createConsumer, type Consumer } from "@rails/actioncable";
import { createHmac } from "node:crypto";
import { accountPath, caller, createApiInbox, type Admin } from "../v1/accounts/conversation-test-kit.ts";
import { ManualClock } from "../../lib/clock.ts";
import { createAdmin, startTestServer, type TestServer } from "../../testing/server.ts";

type Reply = { status: number; body: any; headers: Headers };

let server: TestServer;
let admin: Admin;
let call: ReturnType<typeof caller>;
let inbox: { id: number; inbox_identifier: string; hmac_token: string };
const consumers: Consumer[] = [];

async function pub(method: string, path: string, json?: unknown, init: RequestInit = {}): Promise<Reply> {
  const res = await fetch(`${server.url}/public/api/v1/inboxes${path}`, {
    method,
    ...(json !== undefined ? { body: JSON.stringify(json), headers: { "content-type": "application/json" } } : {}),
    ...init,
  });
  const text = await res.text();
  let body: any = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {}
  return { status: res.status, body, headers: res.headers };
}

const hash = (token: string, identifier: string) => createHmac("sha256", token).update(identifier).digest("hex");

async function newInbox(extra: Record<string, unknown> = {}) {
  const created = await createApiInbox(server, admin, { name: `Client API ${crypto.randomUUID().slice(0, 6)}`, ...extra });
  const res = await call(admin.token, "GET", accountPath(admin.account.id, `/inboxes/${created.id}`));
  expect(res.status).toBe(200);
  return res.body as { id: number; inbox_identifier: string; hmac_token: string };
}

async function newContact(identifier = inbox.inbox_identifier, body: Record<string, unknown> = { name: "Casey" }) {
  const res = await pub("POST", `/${identifier}/contacts`, body);
  expect(res.status).toBe(200);
  return res.body as { id: number; source_id: string; pubsub_token: string; name: string };
}

beforeAll(async () => {
  // Rate limits are exercised in their own server below; this one runs without them.
  server = startTestServer({ PARLEY_PUBLIC_API_RATE_LIMITS: "false" });
  call = caller(server);
  admin = (await createAdmin(server)) as Admin;
  inbox = await newInbox();
});

afterAll(async () => {
  for (const c of consumers) c.disconnect();
  await server.close();
});

describe("the API-channel article's client-API flow", () => {
  test("inbox → contact → conversation → message; the agent's reply arrives on /cable for the contact's pubsub_token", async () => {
    const shown = await pub("GET", `/${inbox.inbox_identifier}`);
    expect(shown.status).toBe(200);
    expect({ ...shown.body }).toMatchObject({ identifier: inbox.inbox_identifier, identity_validation_enabled: false, name: expect.any(String) });
    expect(shown.body.hmac_token).toBeUndefined();
    expect(shown.body.working_hours).toHaveLength(7);
    expect(shown.body.working_hours[1]).toMatchObject({ day_of_week: 1, open_hour: 9, close_hour: 17 });

    const contact = await newContact(inbox.inbox_identifier, { name: "Pranav", email: "pranav@client.example", custom_attributes: { plan: "pro" } });
    expect({ ...contact }).toMatchObject({ name: "Pranav", email: "pranav@client.example", source_id: expect.any(String), pubsub_token: expect.any(String) });

    const again = await pub("GET", `/${inbox.inbox_identifier}/contacts/${contact.source_id}`);
    expect(again.status).toBe(200);
    expect({ ...again.body }).toMatchObject({ id: contact.id, source_id: contact.source_id, pubsub_token: contact.pubsub_token });

    const conv = await pub("POST", `/${inbox.inbox_identifier}/contacts/${contact.source_id}/conversations`, { custom_attributes: { order: "A-1" } });
    expect(conv.status).toBe(200);
    expect({ ...conv.body }).toMatchObject({ id: expect.any(Number), inbox_id: inbox.id, status: "open", messages: [], contact: { id: contact.id, name: "Pranav" } });
    const displayId = conv.body.id as number;

    // The contact subscribes with the real ActionCable client, as the article's example does with a raw socket.
    const received: { event: string; data: any }[] = [];
    const consumer = createConsumer(server.url.replace(/^http/, "ws") + "/cable");
    consumers.push(consumer);
    await new Promise<void>((resolve, reject) => {
      consumer.subscriptions.create(
        { channel: "RoomChannel", pubsub_token: contact.pubsub_token },
        { connected: () => resolve(), rejected: () => reject(new Error("rejected")), received: (m: any) => received.push(m) },
      );
    });

    const base = `/${inbox.inbox_identifier}/contacts/${contact.source_id}/conversations/${displayId}`;
    const msg = await pub("POST", `${base}/messages`, { content: "<b>Hello</b> from the API channel", echo_id: "e-1" });
    expect(msg.status).toBe(200);
    expect({ ...msg.body }).toMatchObject({
      id: expect.any(Number),
      content: "<b>Hello</b> from the API channel", // stored verbatim
      message_type: 0,
      conversation_id: displayId,
      echo_id: "e-1",
      sender: { id: contact.id, type: "contact" },
    });

    // An agent sees the conversation and replies through the Application API…
    const reply = await call(admin.token, "POST", accountPath(admin.account.id, `/conversations/${displayId}/messages`), { content: "Hi Pranav, how can we help?" });
    expect(reply.status).toBe(200);
    // … a private note does not reach the contact.
    await call(admin.token, "POST", accountPath(admin.account.id, `/conversations/${displayId}/messages`), { content: "internal", private: true });

    const deadline = Date.now() + 3000;
    while (!received.some((e) => e.event === "message.created" && e.data.content === "Hi Pranav, how can we help?") && Date.now() < deadline) await Bun.sleep(10);
    const created = received.filter((e) => e.event === "message.created").map((e) => e.data);
    expect(created.map((m) => m.content)).toContain("Hi Pranav, how can we help?");
    expect(created.find((m) => m.content === "Hi Pranav, how can we help?")).toMatchObject({ conversation_id: displayId, message_type: 1 });
    expect(created.map((m) => m.content)).not.toContain("internal");

    const list = await pub("GET", `${base}/messages`);
    expect(list.status).toBe(200);
    expect(list.body.map((m: any) => m.content)).toEqual(["<b>Hello</b> from the API channel", "Hi Pranav, how can we help?"]);

    const listed = await pub("GET", `/${inbox.inbox_identifier}/contacts/${contact.source_id}/conversations`);
    expect(listed.status).toBe(200);
    expect(listed.body.map((c: any) => c.id)).toEqual([displayId]);
    expect(listed.body[0].messages.map((m: any) => m.content)).toEqual(["<b>Hello</b> from the API channel", "Hi Pranav, how can we help?"]);

    // typing reaches the agents' side as a domain event (not the typer); last seen and resolve as in Chatwoot.
    expect((await pub("POST", `${base}/toggle_typing`, { typing_status: "on" })).status).toBe(200);
    expect((await pub("POST", `${base}/toggle_typing`, { typing_status: "sideways" })).body.errors[0].field).toBe("typing_status");
    expect((await pub("POST", `${base}/update_last_seen`)).status).toBe(200);
    const seen = await pub("GET", base);
    expect(seen.body.contact_last_seen_at).toBeGreaterThan(0);
    const agentView = await call(admin.token, "GET", accountPath(admin.account.id, `/conversations/${displayId}/messages`));
    expect(agentView.body.payload.find((m: any) => m.content === "Hi Pranav, how can we help?").status).toBe("read");

    const resolved = await pub("POST", `${base}/toggle_status`);
    expect(resolved.status).toBe(200);
    expect(resolved.body.status).toBe("resolved");
    expect((await pub("POST", `${base}/toggle_status`)).body.status).toBe("resolved");
  });

  test("the contact's typing and last-seen reach the agents on /cable", async () => {
    const me = await call(admin.token, "GET", "/api/v1/profile");
    const received: { event: string; data: any }[] = [];
    const consumer = createConsumer(server.url.replace(/^http/, "ws") + "/cable");
    consumers.push(consumer);
    await new Promise<void>((resolve, reject) => {
      consumer.subscriptions.create(
        { channel: "RoomChannel", pubsub_token: me.body.pubsub_token, account_id: admin.account.id, user_id: me.body.id },
        { connected: () => resolve(), rejected: () => reject(new Error("rejected")), received: (m: any) => received.push(m) },
      );
    });
    const contact = await newContact(inbox.inbox_identifier, { name: "Typist" });
    const conv = await pub("POST", `/${inbox.inbox_identifier}/contacts/${contact.source_id}/conversations`, {});
    const base = `/${inbox.inbox_identifier}/contacts/${contact.source_id}/conversations/${conv.body.id}`;
    expect((await pub("POST", `${base}/toggle_typing`, { typing_status: "on" })).status).toBe(200);
    expect((await pub("POST", `${base}/toggle_typing`, { typing_status: "off" })).status).toBe(200);
    expect((await pub("POST", `${base}/update_last_seen`)).status).toBe(200);
    const deadline = Date.now() + 3000;
    while (!received.some((e) => e.event === "conversation.read") && Date.now() < deadline) await Bun.sleep(10);
    const on = received.find((e) => e.event === "conversation.typing_on");
    expect(on?.data.conversation.id).toBe(conv.body.id);
    expect(on?.data.user).toMatchObject({ id: contact.id, type: "contact" });
    expect(on?.data.is_private).toBe(false);
    expect(received.find((e) => e.event === "conversation.typing_off")?.data.conversation.id).toBe(conv.body.id);
    expect(received.find((e) => e.event === "conversation.read")?.data.id).toBe(conv.body.id);
  });

  test("contact update merges custom attributes; bad input is 422 naming the field", async () => {
    const contact = await newContact();
    const path = `/${inbox.inbox_identifier}/contacts/${contact.source_id}`;
    const up = await pub("PATCH", path, { name: "Casey Jones", email: "casey@client.example" });
    expect(up.status).toBe(200);
    expect({ ...up.body }).toMatchObject({ name: "Casey Jones", email: "casey@client.example", source_id: contact.source_id });

    const badEmail = await pub("PATCH", path, { email: "not-an-email" });
    expect(badEmail.status).toBe(422);
    expect(badEmail.body.errors[0].field).toBe("email");
    const badAttrs = await pub("POST", `/${inbox.inbox_identifier}/contacts`, { custom_attributes: "nope" });
    expect(badAttrs.status).toBe(422);
    expect(badAttrs.body.errors[0].field).toBe("custom_attributes");
    const malformed = await pub("POST", `/${inbox.inbox_identifier}/contacts`, undefined, { body: "{oops", headers: { "content-type": "application/json" } });
    expect(malformed.status).toBe(400);

    const conv = await pub("POST", `${path}/conversations`, {});
    const blank = await pub("POST", `${path}/conversations/${conv.body.id}/messages`, { content: "" });
    expect(blank.status).toBe(422);
    expect(blank.body.errors[0].field).toBe("content");
    const wrongType = await pub("POST", `${path}/conversations/${conv.body.id}/messages`, { content: 42 });
    expect(wrongType.status).toBe(422);
    expect(wrongType.body.errors[0].field).toBe("content");
  });

  test("form submissions: submitted_values on an input_select message, refused on plain text", async () => {
    const contact = await newContact();
    const path = `/${inbox.inbox_identifier}/contacts/${contact.source_id}/conversations`;
    const conv = await pub("POST", path, {});
    const select = await call(admin.token, "POST", accountPath(admin.account.id, `/conversations/${conv.body.id}/messages`), {
      content: "Pick one",
      content_type: "input_select",
      content_attributes: { items: [{ title: "Yes", value: "yes" }, { title: "No", value: "no" }] },
    });
    expect(select.status).toBe(200);
    const up = await pub("PATCH", `${path}/${conv.body.id}/messages/${select.body.id}`, { submitted_values: [{ title: "Yes", value: "yes" }] });
    expect(up.status).toBe(200);
    expect(up.body.content_attributes.submitted_values).toEqual([{ title: "Yes", value: "yes" }]);
    expect(up.body.content_attributes.items).toHaveLength(2);

    const text = await pub("POST", `${path}/${conv.body.id}/messages`, { content: "plain" });
    const refused = await pub("PATCH", `${path}/${conv.body.id}/messages/${text.body.id}`, { submitted_values: [{ value: "x" }] });
    expect(refused.status).toBe(422);
    expect(refused.body.errors[0].field).toBe("submitted_values");
    const notArray = await pub("PATCH", `${path}/${conv.body.id}/messages/${select.body.id}`, { submitted_values: "yes" });
    expect(notArray.status).toBe(422);
    expect(notArray.body.errors[0].field).toBe("submitted_values");
  });

  test("attachments (multipart) are stored with the message; over the upload limit is 413", async () => {
    const contact = await newContact();
    const path = `/${inbox.inbox_identifier}/contacts/${contact.source_id}/conversations`;
    const conv = await pub("POST", path, {});
    const form = new FormData();
    form.append("content", "see attached");
    form.append("attachments[]", new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3])], "shot.png", { type: "image/png" }));
    const res = await fetch(`${server.url}/public/api/v1/inboxes${path}/${conv.body.id}/messages`, { method: "POST", body: form });
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.content).toBe("see attached");
    expect(body.attachments).toHaveLength(1);
    expect(body.attachments[0]).toMatchObject({ file_type: "image", data_url: expect.any(String) });

    const big = new FormData();
    big.append("attachments[]", new File([new Uint8Array(server.deps.config.maxUploadBytes + 1)], "big.bin"));
    const tooBig = await fetch(`${server.url}/public/api/v1/inboxes${path}/${conv.body.id}/messages`, { method: "POST", body: big });
    expect(tooBig.status).toBe(413);
  });
});

describe("web widget inboxes", () => {
  test("the same client API serves a website inbox, named by its website_token", async () => {
    const created = await call(admin.token, "POST", accountPath(admin.account.id, "/inboxes"), {
      name: "Website",
      channel: { type: "web_widget", website_url: "https://shop.example" },
    });
    expect(created.status).toBe(200);
    const token = created.body.website_token as string;
    expect(token).toEqual(expect.any(String));
    expect((await pub("GET", `/${token}`)).body.identifier).toBe(token);
    const visitor = await newContact(token, { name: "Web visitor" });
    const conv = await pub("POST", `/${token}/contacts/${visitor.source_id}/conversations`, {});
    expect(conv.status).toBe(200);
    expect(conv.body.inbox_id).toBe(created.body.id);
    const m = await pub("POST", `/${token}/contacts/${visitor.source_id}/conversations/${conv.body.id}/messages`, { content: "hello from the site" });
    expect(m.status).toBe(200);
    expect(m.body.message_type).toBe(0);
  });
});

describe("who may see what", () => {
  test("unknown inbox and contact identifiers are 404; a contact never reaches another contact's conversation", async () => {
    expect((await pub("GET", "/no-such-inbox")).status).toBe(404);
    expect((await pub("POST", "/no-such-inbox/contacts", { name: "x" })).status).toBe(404);
    expect((await pub("GET", `/${inbox.inbox_identifier}/contacts/no-such-source`)).status).toBe(404);

    const alice = await newContact(inbox.inbox_identifier, { name: "Alice" });
    const bob = await newContact(inbox.inbox_identifier, { name: "Bob" });
    const aliceConv = await pub("POST", `/${inbox.inbox_identifier}/contacts/${alice.source_id}/conversations`, {});
    await pub("POST", `/${inbox.inbox_identifier}/contacts/${alice.source_id}/conversations/${aliceConv.body.id}/messages`, { content: "secret" });

    const bobBase = `/${inbox.inbox_identifier}/contacts/${bob.source_id}/conversations`;
    const id = aliceConv.body.id;
    for (const [method, path, body] of [
      ["GET", `${bobBase}/${id}`],
      ["GET", `${bobBase}/${id}/messages`],
      ["POST", `${bobBase}/${id}/messages`, { content: "intrusion" }],
      ["POST", `${bobBase}/${id}/toggle_status`],
      ["POST", `${bobBase}/${id}/toggle_typing`, { typing_status: "on" }],
      ["POST", `${bobBase}/${id}/update_last_seen`],
      ["PATCH", `${bobBase}/${id}/messages/1`, { submitted_values: [] }],
    ] as const) {
      const res = await pub(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    expect((await pub("GET", bobBase)).body).toEqual([]);

    // Another inbox's identifier does not open Alice's session either.
    const other = await newInbox();
    expect((await pub("GET", `/${other.inbox_identifier}/contacts/${alice.source_id}`)).status).toBe(404);
    expect((await pub("GET", `/${other.inbox_identifier}/contacts/${alice.source_id}/conversations/${id}`)).status).toBe(404);
    const still = await pub("GET", `/${inbox.inbox_identifier}/contacts/${alice.source_id}/conversations/${id}/messages`);
    expect(still.body.map((m: any) => m.content)).toEqual(["secret"]);
  });
});

describe("sessions found by email", () => {
  test("a second session with a known email joins that contact but reads only its own conversations and no private fields", async () => {
    const agentMade = await call(admin.token, "POST", accountPath(admin.account.id, "/contacts"), {
      name: "Known Customer",
      email: "known@client.example",
      phone_number: "+15550001111",
      identifier: "crm-42",
      inbox_id: inbox.id,
    });
    expect(agentMade.status).toBe(200);
    const first = agentMade.body.payload.contact_inbox.source_id as string;
    const older = await pub("POST", `/${inbox.inbox_identifier}/contacts/${first}/conversations`, {});
    expect(older.status).toBe(200);

    const visitor = await newContact(inbox.inbox_identifier, { name: "Someone", email: "KNOWN@client.example" });
    expect(visitor.id).toBe(agentMade.body.payload.contact.id);
    expect(visitor.source_id).not.toBe(first);
    expect(JSON.stringify(visitor)).not.toContain("+15550001111");
    expect((await pub("GET", `/${inbox.inbox_identifier}/contacts/${visitor.source_id}/conversations`)).body).toEqual([]);
    expect((await pub("GET", `/${inbox.inbox_identifier}/contacts/${visitor.source_id}/conversations/${older.body.id}`)).status).toBe(404);
    const own = await pub("POST", `/${inbox.inbox_identifier}/contacts/${visitor.source_id}/conversations`, {});
    expect(own.body.contact).toEqual({ id: visitor.id, name: "Known Customer", email: "known@client.example", thumbnail: "" });
    expect(JSON.stringify(own.body)).not.toContain("crm-42");
  });
});

describe("HMAC identity validation", () => {
  test("a valid identifier_hash verifies the session; an invalid one is 401 with Chatwoot's error", async () => {
    const id = `user-${crypto.randomUUID()}`;
    const bad = await pub("POST", `/${inbox.inbox_identifier}/contacts`, { identifier: id, identifier_hash: "0".repeat(64), name: "Mallory" });
    expect(bad.status).toBe(401);
    expect(bad.body).toEqual({ error: "HMAC failed: Invalid Identifier Hash Provided" });

    const good = await newContact(inbox.inbox_identifier, { identifier: id, identifier_hash: hash(inbox.hmac_token, id), name: "Verified" });
    const row = server.deps.db.$client.query("SELECT hmac_verified FROM contact_inboxes WHERE source_id = ?1").get(good.source_id) as { hmac_verified: number };
    expect(row.hmac_verified).toBe(1);
  });

  test("verified sessions of one contact share their conversations; unverified sessions see only their own", async () => {
    const id = `user-${crypto.randomUUID()}`;
    const sig = hash(inbox.hmac_token, id);
    const phone = await newContact(inbox.inbox_identifier, { identifier: id, identifier_hash: sig, name: "Multi" });
    const laptop = await newContact(inbox.inbox_identifier, { identifier: id, identifier_hash: sig, name: "Multi" });
    expect(laptop.id).toBe(phone.id);
    expect(laptop.source_id).not.toBe(phone.source_id);
    const conv = await pub("POST", `/${inbox.inbox_identifier}/contacts/${phone.source_id}/conversations`, {});
    const fromLaptop = await pub("GET", `/${inbox.inbox_identifier}/contacts/${laptop.source_id}/conversations`);
    expect(fromLaptop.body.map((c: any) => c.id)).toEqual([conv.body.id]);

    // Claiming the identifier without a hash neither joins the contact nor sees its history.
    const claimer = await newContact(inbox.inbox_identifier, { identifier: id, name: "Claimer" });
    expect(claimer.id).not.toBe(phone.id);
    expect((await pub("GET", `/${inbox.inbox_identifier}/contacts/${claimer.source_id}/conversations`)).body).toEqual([]);
    expect((await pub("GET", `/${inbox.inbox_identifier}/contacts/${claimer.source_id}/conversations/${conv.body.id}`)).status).toBe(404);
  });

  test("with hmac_mandatory, unsigned contacts are refused and only verified sessions may act", async () => {
    const strict = await newInbox({ channel: { type: "api", webhook_url: "", hmac_mandatory: true } });
    expect((await pub("GET", `/${strict.inbox_identifier}`)).body.identity_validation_enabled).toBe(true);
    const unsigned = await pub("POST", `/${strict.inbox_identifier}/contacts`, { name: "Anon" });
    expect(unsigned.status).toBe(401);
    expect(unsigned.body).toEqual({ error: "HMAC failed: Invalid Identifier Hash Provided" });

    const id = "strict-user-1";
    const signed = await newContact(strict.inbox_identifier, { identifier: id, identifier_hash: hash(strict.hmac_token, id), name: "Signed" });
    const conv = await pub("POST", `/${strict.inbox_identifier}/contacts/${signed.source_id}/conversations`, {});
    expect(conv.status).toBe(200);
    expect((await pub("GET", `/${strict.inbox_identifier}/contacts/${signed.source_id}`)).status).toBe(200);
    const wrongUpdate = await pub("PATCH", `/${strict.inbox_identifier}/contacts/${signed.source_id}`, { identifier: id, identifier_hash: "f".repeat(64) });
    expect(wrongUpdate.status).toBe(401);

    // A session an agent opened (not verified) cannot use the client API of a mandatory inbox.
    const contact = await call(admin.token, "POST", accountPath(admin.account.id, "/contacts"), { name: "Agent-made", inbox_id: strict.id });
    expect(contact.status).toBe(200);
    const sourceId = contact.body.payload.contact_inbox.source_id;
    const refused = await pub("POST", `/${strict.inbox_identifier}/contacts/${sourceId}/conversations`, {});
    expect(refused.status).toBe(401);
  });
});

describe("per-IP rate limits", () => {
  test("conversations 6 per 12 h, contacts 60 per hour, messages 60 per minute: then 429 with Retry-After", async () => {
    const clock = new ManualClock(Date.parse("2026-01-05T10:00:00Z"));
    const limited = startTestServer({}, { clock });
    try {
      const a = (await createAdmin(limited)) as Admin;
      const created = await caller(limited)(a.token, "POST", accountPath(a.account.id, "/inboxes"), { name: "Limited", channel: { type: "api", webhook_url: "" } });
      const shown = await caller(limited)(a.token, "GET", accountPath(a.account.id, `/inboxes/${created.body.id}`));
      const ident = shown.body.inbox_identifier as string;
      const post = async (path: string, json: unknown) => {
        const res = await fetch(`${limited.url}/public/api/v1/inboxes/${ident}${path}`, {
          method: "POST",
          body: JSON.stringify(json),
          headers: { "content-type": "application/json" },
        });
        return { status: res.status, retry: res.headers.get("retry-after"), body: (await res.json().catch(() => null)) as any };
      };

      const sessions: string[] = [];
      for (let i = 0; i < 60; i++) {
        const r = await post("/contacts", { name: `Visitor ${i}` });
        expect(r.status).toBe(200);
        sessions.push(r.body.source_id);
      }
      const over = await post("/contacts", { name: "one too many" });
      expect(over.status).toBe(429);
      expect(Number(over.retry)).toBe(3600);
      expect(over.body.message).toContain("Too many requests");

      const convs: number[] = [];
      for (let i = 0; i < 6; i++) {
        const r = await post(`/contacts/${sessions[i]}/conversations`, {});
        expect(r.status).toBe(200);
        convs.push(r.body.id);
      }
      const sixth = await post(`/contacts/${sessions[7]}/conversations`, {});
      expect(sixth.status).toBe(429);
      expect(Number(sixth.retry)).toBe(12 * 3600);

      for (let i = 0; i < 60; i++) expect((await post(`/contacts/${sessions[0]}/conversations/${convs[0]}/messages`, { content: `m${i}` })).status).toBe(200);
      const flood = await post(`/contacts/${sessions[0]}/conversations/${convs[0]}/messages`, { content: "flood" });
      expect(flood.status).toBe(429);
      expect(Number(flood.retry)).toBe(60);

      // The windows slide with the clock: a minute later messages flow again, conversations still wait.
      clock.advance(60_000);
      expect((await post(`/contacts/${sessions[0]}/conversations/${convs[0]}/messages`, { content: "later" })).status).toBe(200);
      expect((await post(`/contacts/${sessions[8]}/conversations`, {})).status).toBe(429);
      clock.advance(12 * 3600_000);
      expect((await post(`/contacts/${sessions[8]}/conversations`, {})).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
