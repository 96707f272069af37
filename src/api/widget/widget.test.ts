// The widget API end to end, as the widget iframe uses it: a website inbox created through the Application API,
// visitors identified by the session JWT in X-Auth-Token, agents answering through the Application API.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHmac } from "node:crypto";
import { SignJWT } from "jose";
import { utcOffset } from "../../domain/widget/serialize.ts";
import { forEvent, startReceiver, type Receiver } from "../../testing/receiver.ts";
import { createAdmin, createAgent, startTestServer, type TestServer } from "../../testing/server.ts";

type Admin = Awaited<ReturnType<typeof createAdmin>>;

let server: TestServer;
let receiver: Receiver;
let admin: Admin;
let inbox: Record<string, any>;
let token: string;

async function app(method: string, path: string, json?: unknown) {
  const res = await server.api(`/api/v1/accounts/${admin.account.id}${path}`, { token: admin.token, method, json });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** A widget call: website_token in the query, the visitor's JWT in X-Auth-Token. */
async function widget(method: string, path: string, opts: { auth?: string; json?: unknown; origin?: string; websiteToken?: string } = {}) {
  const sep = path.includes("?") ? "&" : "?";
  const headers: Record<string, string> = {};
  if (opts.auth) headers["X-Auth-Token"] = opts.auth;
  if (opts.origin) headers["Origin"] = opts.origin;
  const res = await server.api(`/api/v1/widget/${path}${sep}website_token=${opts.websiteToken ?? token}`, { method, json: opts.json, headers });
  const text = await res.text();
  let body: any = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  return { status: res.status, body };
}

async function newVisitor(): Promise<{ auth: string; contactId: number; pubsub: string }> {
  const r = await widget("POST", "config");
  expect(r.status).toBe(200);
  return { auth: r.body.website_channel_config.auth_token, contactId: r.body.contact.id, pubsub: r.body.contact.pubsub_token };
}

beforeAll(async () => {
  // The per-IP limits are tested on their own server below; here every visitor comes from 127.0.0.1.
  server = startTestServer({ PARLEY_PUBLIC_API_RATE_LIMITS: "false" });
  receiver = startReceiver();
  admin = await createAdmin(server, { accountName: "Widget Co" });
  const res = await app("POST", "/inboxes", {
    name: "Website",
    channel: { type: "web_widget", website_url: "https://shop.example.com", widget_color: "#112233", welcome_title: "Hi there", welcome_tagline: "We reply fast" },
  });
  expect(res.status).toBe(200);
  inbox = res.body;
  token = inbox.website_token;
});
afterAll(async () => {
  await server.close();
  await receiver.close();
});

describe("website inbox", () => {
  test("POST /inboxes with channel.type web_widget returns Chatwoot's web widget fields", async () => {
    expect(inbox).toMatchObject({
      channel_type: "Channel::WebWidget",
      website_url: "https://shop.example.com",
      widget_color: "#112233",
      welcome_title: "Hi there",
      welcome_tagline: "We reply fast",
      reply_time: "in_a_few_minutes",
      hmac_mandatory: false,
      pre_chat_form_enabled: false,
      selected_feature_flags: ["attachments", "emoji_picker", "end_conversation"],
    });
    expect(token).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(typeof inbox.hmac_token).toBe("string");
    expect(inbox.web_widget_script).toContain(`websiteToken: "${token}"`);
    expect(inbox.web_widget_script).toContain(`var BASE_URL="${server.deps.config.publicUrl}"`);
    expect(inbox.web_widget_script).toContain('/packs/js/sdk.js"');
    expect(inbox.pre_chat_form_options.pre_chat_fields.map((f: { name: string; enabled: boolean }) => [f.name, f.enabled])).toEqual([
      ["emailAddress", false],
      ["fullName", false],
      ["phoneNumber", false],
    ]);
  });

  test("agents do not see the HMAC token; bad settings are 422 naming the field", async () => {
    const agent = await createAgent(server, admin);
    await app("POST", `/inbox_members`, { inbox_id: inbox.id, user_ids: [agent.user.id] });
    const seen = await server.api(`/api/v1/accounts/${admin.account.id}/inboxes/${inbox.id}`, { token: agent.token });
    expect(seen.status).toBe(200);
    expect((await seen.json()).hmac_token).toBeUndefined();
    const bad = await app("POST", "/inboxes", { name: "Bad", channel: { type: "web_widget", widget_color: "red", reply_time: "never" } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(["channel.reply_time", "channel.widget_color"]);
  });
});

describe("session", () => {
  test("unknown website tokens are 404 on every endpoint", async () => {
    for (const [m, p] of [["POST", "config"], ["GET", "contact"], ["GET", "conversations"], ["GET", "messages"], ["GET", "inbox_members"]] as const) {
      expect((await widget(m, p, { websiteToken: "nope" })).status).toBe(404);
    }
  });

  test("config creates an anonymous visitor with a token; the token brings the same visitor back", async () => {
    const first = await widget("POST", "config");
    expect(first.status).toBe(200);
    expect(first.body.website_channel_config).toMatchObject({ website_token: token, website_name: "Website", widget_color: "#112233", welcome_title: "Hi there", reply_time: "in_a_few_minutes", pre_chat_form_enabled: false });
    expect(first.body.contact.pubsub_token).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(first.body.website_channel_config).toMatchObject({ timezone: "UTC", utc_off_set: "+00:00", working_hours_enabled: false, account_id: admin.account.id });
    expect(first.body.website_channel_config.working_hours).toHaveLength(7);
    const auth = first.body.website_channel_config.auth_token;
    const [, payload] = auth.split(".");
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
    expect(claims.inbox_id).toBe(inbox.id);
    expect(typeof claims.source_id).toBe("string");

    const again = await widget("POST", "config", { auth });
    expect(again.body.contact.id).toBe(first.body.contact.id);
    const contact = await widget("GET", "contact", { auth });
    expect(contact.status).toBe(200);
    expect(contact.body).toMatchObject({ id: first.body.contact.id, pubsub_token: first.body.contact.pubsub_token });
  });

  test("utc_off_set is the inbox time zone's offset, as ActiveSupport formats it", () => {
    expect(utcOffset("Asia/Kolkata", Date.UTC(2030, 0, 1))).toBe("+05:30");
    expect(utcOffset("America/New_York", Date.UTC(2030, 0, 1))).toBe("-05:00");
    expect(utcOffset("America/New_York", Date.UTC(2030, 6, 1))).toBe("-04:00");
    expect(utcOffset("UTC", 0)).toBe("+00:00");
  });

  test("a forged or missing token is no session: config issues a new visitor, other endpoints 404", async () => {
    const v = await newVisitor();
    const [, payload] = v.auth.split(".");
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
    const forged = await new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).sign(new TextEncoder().encode("not-the-server-secret-0123456789"));
    expect((await widget("GET", "contact", { auth: forged })).status).toBe(404);
    expect((await widget("GET", "contact")).status).toBe(404);
    expect((await widget("GET", "messages", { auth: "garbage" })).status).toBe(404);
    const fresh = await widget("POST", "config", { auth: forged });
    expect(fresh.body.contact.id).not.toBe(v.contactId);
  });

  test("a token of another website inbox does not open this one", async () => {
    const other = (await app("POST", "/inboxes", { name: "Other site", channel: { type: "web_widget", website_url: "https://other.example.com" } })).body;
    const v = await newVisitor();
    expect((await widget("GET", "contact", { auth: v.auth, websiteToken: other.website_token })).status).toBe(404);
  });
});

describe("contact", () => {
  test("PATCH contact sets the visitor's details; invalid email and phone are dropped, not errors", async () => {
    const v = await newVisitor();
    const r = await widget("PATCH", "contact", { auth: v.auth, json: { name: "Vera Visitor", email: "Vera@Example.com", custom_attributes: { plan: "pro", seats: 3 } } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: v.contactId, name: "Vera Visitor", email: "vera@example.com", custom_attributes: { plan: "pro", seats: 3 } });
    const bad = await widget("PATCH", "contact", { auth: v.auth, json: { email: "not-an-email", phone_number: "12" } });
    expect(bad.status).toBe(200);
    expect(bad.body).toMatchObject({ email: "vera@example.com", phone_number: null });
    const removed = await widget("POST", "contact/destroy_custom_attributes", { auth: v.auth, json: { custom_attributes: ["plan"] } });
    expect(removed.body.custom_attributes).toEqual({ seats: 3 });
    const viaApi = await app("GET", `/contacts/${v.contactId}`);
    expect(viaApi.body.payload).toMatchObject({ name: "Vera Visitor", email: "vera@example.com", custom_attributes: { seats: 3 } });
    expect((await widget("POST", "contact/destroy_custom_attributes", { auth: v.auth, json: { custom_attributes: "plan" } })).status).toBe(422);
  });

  test("set_user: a wrong identifier_hash is 401; a right one verifies the session", async () => {
    const v = await newVisitor();
    const wrong = await widget("PATCH", "contact/set_user", { auth: v.auth, json: { identifier: "user-42", identifier_hash: "0".repeat(64), name: "Sam" } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.message).toBe("HMAC failed: Invalid Identifier Hash Provided");
    const hash = createHmac("sha256", inbox.hmac_token).update("user-42").digest("hex");
    const ok = await widget("PATCH", "contact/set_user", { auth: v.auth, json: { identifier: "user-42", identifier_hash: hash, name: "Sam", email: "sam@example.com" } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ id: v.contactId, identifier: "user-42", name: "Sam", email: "sam@example.com" });
    expect(ok.body.widget_auth_token).toBeUndefined();
    const verified = server.deps.db.$client.query("SELECT hmac_verified FROM contact_inboxes WHERE contact_id = ?1").get(v.contactId) as { hmac_verified: number };
    expect(verified.hmac_verified).toBe(1);

    // Another person on the same browser: a new session and token for them.
    const hash2 = createHmac("sha256", inbox.hmac_token).update("user-43").digest("hex");
    const other = await widget("PATCH", "contact/set_user", { auth: v.auth, json: { identifier: "user-43", identifier_hash: hash2, name: "Kim" } });
    expect(other.status).toBe(200);
    expect(other.body.id).not.toBe(v.contactId);
    expect(typeof other.body.widget_auth_token).toBe("string");
    const me = await widget("GET", "contact", { auth: other.body.widget_auth_token });
    expect(me.body).toMatchObject({ id: other.body.id, identifier: "user-43" });
    // PATCH contact with an identifier is set_user too, new session token included.
    const hash3 = createHmac("sha256", inbox.hmac_token).update("user-44").digest("hex");
    const third = await widget("PATCH", "contact", { auth: other.body.widget_auth_token, json: { identifier: "user-44", identifier_hash: hash3 } });
    expect(third.status).toBe(200);
    expect(third.body.identifier).toBe("user-44");
    expect((await widget("GET", "contact", { auth: third.body.widget_auth_token })).body.id).toBe(third.body.id);
  });

  test("verified sessions of one identifier share conversation history across devices", async () => {
    const hash = createHmac("sha256", inbox.hmac_token).update("multi-1").digest("hex");
    const phone = await newVisitor();
    await widget("PATCH", "contact/set_user", { auth: phone.auth, json: { identifier: "multi-1", identifier_hash: hash, name: "Multi" } });
    await widget("POST", "conversations", { auth: phone.auth, json: { message: { content: "from my phone" } } });
    const laptop = await newVisitor();
    const r = await widget("PATCH", "contact/set_user", { auth: laptop.auth, json: { identifier: "multi-1", identifier_hash: hash } });
    expect(r.body.id).toBe(phone.contactId);
    const msgs = await widget("GET", "messages", { auth: laptop.auth });
    // Chats only (the inbox may add its own template messages, such as asking an anonymous visitor for an email).
    expect(msgs.body.filter((m: { message_type: number }) => m.message_type < 2).map((m: { content: string }) => m.content)).toEqual(["from my phone"]);
  });

  test("without a valid hash nobody can claim an existing identifier and read that contact", async () => {
    const owner = await newVisitor();
    const hash = createHmac("sha256", inbox.hmac_token).update("owner-7").digest("hex");
    await widget("PATCH", "contact/set_user", { auth: owner.auth, json: { identifier: "owner-7", identifier_hash: hash, email: "owner7@example.com", phone_number: "+15550007777" } });
    const intruder = await newVisitor();
    const r = await widget("PATCH", "contact/set_user", { auth: intruder.auth, json: { identifier: "owner-7", name: "Intruder" } });
    expect(r.status).toBe(200);
    expect(r.body.id).toBe(intruder.contactId);
    expect(r.body).toMatchObject({ identifier: null, email: null, phone_number: null, name: "Intruder" });
    const viaPatch = await widget("PATCH", "contact", { auth: intruder.auth, json: { identifier: "owner-7" } });
    expect(viaPatch.body.id).toBe(intruder.contactId);
    // Nor through the pre-chat form.
    const other = await newVisitor();
    await widget("POST", "conversations", { auth: other.auth, json: { contact: { name: "X", identifier: "fresh-id" }, message: { content: "hi" } } });
    expect((await widget("GET", "contact", { auth: other.auth })).body.identifier).toBeNull();
  });

  test("hmac_mandatory refuses set_user without a hash", async () => {
    const created = (await app("POST", "/inboxes", { name: "Strict", channel: { type: "web_widget", website_url: "https://strict.example.com", hmac_mandatory: true } })).body;
    expect(created.hmac_mandatory).toBe(true);
    const cfg = await widget("POST", "config", { websiteToken: created.website_token });
    const auth = cfg.body.website_channel_config.auth_token;
    const r = await widget("PATCH", "contact/set_user", { auth, websiteToken: created.website_token, json: { identifier: "u1", name: "No hash" } });
    expect(r.status).toBe(401);
    const hash = createHmac("sha256", created.hmac_token).update("u1").digest("hex");
    const ok = await widget("PATCH", "contact/set_user", { auth, websiteToken: created.website_token, json: { identifier: "u1", identifier_hash: hash, name: "Hashed" } });
    expect(ok.status).toBe(200);
  });
});

describe("conversations and messages", () => {
  test("a visitor starts a conversation from the pre-chat form; agents see it and reply; the widget sees the reply, never private notes", async () => {
    const v = await newVisitor();
    expect((await widget("GET", "conversations", { auth: v.auth })).body).toEqual({});
    expect((await widget("GET", "messages", { auth: v.auth })).body).toEqual([]);
    const created = await widget("POST", "conversations", {
      auth: v.auth,
      json: { contact: { name: "Pat", email: "pat@example.com" }, message: { content: "Where is my order?", echo_id: "e-1", referer_url: "https://shop.example.com/cart" }, custom_attributes: { order: "A-1" } },
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ inbox_id: inbox.id, status: "open", contact: { id: v.contactId, name: "Pat", email: "pat@example.com" }, custom_attributes: { order: "A-1" } });
    expect(created.body.messages[0]).toMatchObject({ content: "Where is my order?", message_type: 0, echo_id: "e-1", conversation_id: created.body.id });
    const displayId = created.body.id;

    const conv = await app("GET", `/conversations/${displayId}`);
    expect(conv.status).toBe(200);
    expect(conv.body).toMatchObject({ inbox_id: inbox.id, meta: { sender: { id: v.contactId } } });
    expect(conv.body.additional_attributes.referer).toBe("https://shop.example.com/cart");

    await app("POST", `/conversations/${displayId}/messages`, { content: "It ships today", message_type: "outgoing" });
    await app("POST", `/conversations/${displayId}/messages`, { content: "internal only", message_type: "outgoing", private: true });
    const more = await widget("POST", "messages", { auth: v.auth, json: { message: { content: "Thanks!", echo_id: "e-2" } } });
    expect(more.status).toBe(200);
    expect(more.body).toMatchObject({ content: "Thanks!", echo_id: "e-2", conversation_id: displayId, sender: { id: v.contactId } });

    const list = await widget("GET", "messages", { auth: v.auth });
    expect(list.body.map((m: { content: string }) => m.content)).toEqual(["Where is my order?", "It ships today", "Thanks!"]);
    const after = await widget("GET", `messages?after=${list.body[1].id}`, { auth: v.auth });
    expect(after.body.map((m: { content: string }) => m.content)).toEqual(["Thanks!"]);
    expect((await widget("POST", "messages", { auth: v.auth, json: { message: { content: "   " } } })).status).toBe(422);
  });

  test("POST messages without a conversation starts one", async () => {
    const v = await newVisitor();
    const r = await widget("POST", "messages", { auth: v.auth, json: { message: { content: "hello?" } } });
    expect(r.status).toBe(200);
    const conv = await widget("GET", "conversations", { auth: v.auth });
    expect(conv.body).toMatchObject({ id: r.body.conversation_id, status: "open", inbox_id: inbox.id });
  });

  test("POST messages takes files as multipart message[attachments][] when the inbox allows attachments", async () => {
    const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
    const send = async (websiteToken: string, auth: string) => {
      const form = new FormData();
      form.append("message[content]", "");
      form.append("message[echo_id]", "file-1");
      form.append("message[attachments][]", new File([PNG], "shot.png", { type: "image/png" }));
      const res = await fetch(`${server.url}/api/v1/widget/messages?website_token=${websiteToken}`, { method: "POST", headers: { "X-Auth-Token": auth }, body: form });
      return { status: res.status, body: await res.json() };
    };
    const v = await newVisitor();
    const r = await send(token, v.auth);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ content: null, echo_id: "file-1", attachments: [{ file_type: "image", extension: "png" }] });
    expect(r.body.attachments[0].data_url).toContain("http");

    const noFiles = (await app("POST", "/inboxes", { name: "No files", channel: { type: "web_widget", website_url: "https://nofiles.example.com", selected_feature_flags: ["emoji_picker"] } })).body;
    const cfg = await widget("POST", "config", { websiteToken: noFiles.website_token });
    const refused = await send(noFiles.website_token, cfg.body.website_channel_config.auth_token);
    expect(refused.status).toBe(422);
    expect(refused.body.errors[0].field).toBe("message.attachments");
  });

  test("visitors never read another visitor's conversation or answer their messages", async () => {
    const a = await newVisitor();
    const b = await newVisitor();
    const created = await widget("POST", "conversations", { auth: a.auth, json: { message: { content: "secret of A" } } });
    const msgId = created.body.messages[0].id;
    expect((await widget("GET", "conversations", { auth: b.auth })).body).toEqual({});
    expect((await widget("GET", "messages", { auth: b.auth })).body).toEqual([]);
    expect((await widget("PATCH", `messages/${msgId}`, { auth: b.auth, json: { message: { submitted_values: [{ value: "x" }] } } })).status).toBe(404);
    expect((await widget("GET", "contact", { auth: b.auth })).body.id).toBe(b.contactId);
    // B's own conversation is separate.
    const mine = await widget("POST", "messages", { auth: b.auth, json: { message: { content: "B here" } } });
    expect(mine.body.conversation_id).not.toBe(created.body.id);
  });

  test("custom attributes, last seen, typing, labels, transcript and ending the chat", async () => {
    const v = await newVisitor();
    expect((await widget("POST", "conversations/set_custom_attributes", { auth: v.auth, json: { custom_attributes: { a: 1 } } })).status).toBe(404);
    await widget("PATCH", "contact", { auth: v.auth, json: { email: "trans@example.com" } });
    const created = await widget("POST", "conversations", { auth: v.auth, json: { message: { content: "hi" } } });
    const id = created.body.id;
    const set = await widget("POST", "conversations/set_custom_attributes", { auth: v.auth, json: { custom_attributes: { a: 1, b: 2 } } });
    expect(set.body.custom_attributes).toEqual({ a: 1, b: 2 });
    const del = await widget("POST", "conversations/destroy_custom_attributes", { auth: v.auth, json: { custom_attribute: ["a"] } });
    expect(del.body.custom_attributes).toEqual({ b: 2 });

    expect((await widget("POST", "conversations/update_last_seen", { auth: v.auth })).status).toBe(200);
    expect((await app("GET", `/conversations/${id}`)).body.contact_last_seen_at).toBeGreaterThan(0);
    expect((await widget("POST", "conversations/toggle_typing", { auth: v.auth, json: { typing_status: "on" } })).status).toBe(200);
    expect((await widget("POST", "conversations/toggle_typing", { auth: v.auth, json: { typing_status: "maybe" } })).status).toBe(422);

    await app("POST", "/labels", { title: "vip" });
    expect((await widget("POST", "labels", { auth: v.auth, json: { label: "vip" } })).status).toBe(200);
    expect((await widget("POST", "labels", { auth: v.auth, json: { label: "not-defined" } })).status).toBe(200);
    expect((await app("GET", `/conversations/${id}/labels`)).body.payload).toEqual(["vip"]);
    await widget("DELETE", "labels/vip", { auth: v.auth });
    expect((await app("GET", `/conversations/${id}/labels`)).body.payload).toEqual([]);

    expect((await widget("POST", "conversations/transcript", { auth: v.auth, json: {} })).status).toBe(200);
    const mail = server.deps.db.$client.query("SELECT to_address, subject, text_body FROM mail_outbox WHERE to_address = 'trans@example.com'").get() as { subject: string; text_body: string } | null;
    expect(mail?.subject).toContain("transcript");
    expect(mail?.text_body).toContain("hi");

    expect((await widget("GET", "conversations/toggle_status", { auth: v.auth })).status).toBe(200);
    expect((await app("GET", `/conversations/${id}`)).body.status).toBe("resolved");
  });

  test("toggle_status is 403 when the inbox does not let visitors end the chat", async () => {
    const created = (await app("POST", "/inboxes", { name: "No end", channel: { type: "web_widget", website_url: "https://noend.example.com", selected_feature_flags: ["attachments"] } })).body;
    const cfg = await widget("POST", "config", { websiteToken: created.website_token });
    const auth = cfg.body.website_channel_config.auth_token;
    expect(cfg.body.website_channel_config.enabled_features).toEqual(["attachments"]);
    await widget("POST", "messages", { auth, websiteToken: created.website_token, json: { message: { content: "hey" } } });
    expect((await widget("GET", "conversations/toggle_status", { auth, websiteToken: created.website_token })).status).toBe(403);
  });

  test("PATCH messages/:id records a visitor's answer to an options message", async () => {
    const v = await newVisitor();
    const created = await widget("POST", "conversations", { auth: v.auth, json: { message: { content: "menu please" } } });
    const sent = await app("POST", `/conversations/${created.body.id}/messages`, {
      content: "Pick one",
      message_type: "outgoing",
      content_type: "input_select",
      content_attributes: { items: [{ title: "Sales", value: "sales" }, { title: "Support", value: "support" }] },
    });
    expect(sent.status).toBe(200);
    const r = await widget("PATCH", `messages/${sent.body.id}`, { auth: v.auth, json: { message: { submitted_values: [{ title: "Support", value: "support" }] } } });
    expect(r.status).toBe(200);
    expect(r.body.content_attributes).toMatchObject({ submitted_values: [{ title: "Support", value: "support" }], items: [{ value: "sales" }, { value: "support" }] });
    expect((await widget("PATCH", "messages/999999", { auth: v.auth, json: { message: { submitted_values: [] } } })).status).toBe(404);
  });
});

describe("answers to template messages", () => {
  test("an email-collect box's answer becomes the visitor's email", async () => {
    const v = await newVisitor();
    await widget("POST", "messages", { auth: v.auth, json: { message: { content: "hello, anyone?" } } });
    const list = (await widget("GET", "messages", { auth: v.auth })).body as { id: number; content_type: string }[];
    const box = list.find((m) => m.content_type === "input_email");
    expect(box).toBeDefined();
    expect((await widget("PATCH", `messages/${box!.id}`, { auth: v.auth, json: { contact: { email: "nope" } } })).status).toBe(422);
    const r = await widget("PATCH", `messages/${box!.id}`, { auth: v.auth, json: { contact: { email: "Collect@Example.com" } } });
    expect(r.status).toBe(200);
    expect(r.body.content_attributes.submitted_email).toBe("collect@example.com");
    expect((await widget("GET", "contact", { auth: v.auth })).body.email).toBe("collect@example.com");
  });

  test("a CSAT answer from the widget is stored as the survey's response", async () => {
    const created = (await app("POST", "/inboxes", { name: "Rated", csat_survey_enabled: true, channel: { type: "web_widget", website_url: "https://rated.example.com" } })).body;
    const t = created.website_token;
    const cfg = await widget("POST", "config", { websiteToken: t });
    const auth = cfg.body.website_channel_config.auth_token;
    const first = await widget("POST", "conversations", { auth, websiteToken: t, json: { contact: { email: "rater@example.com" }, message: { content: "help" } } });
    expect((await app("POST", `/conversations/${first.body.id}/toggle_status`, { status: "resolved" })).status).toBe(200);
    const survey = ((await widget("GET", "messages", { auth, websiteToken: t })).body as { id: number; content_type: string }[]).find((m) => m.content_type === "input_csat");
    expect(survey).toBeDefined();
    const bad = await widget("PATCH", `messages/${survey!.id}`, { auth, websiteToken: t, json: { message: { submitted_values: { csat_survey_response: { rating: 9 } } } } });
    expect(bad.status).toBe(422);
    const r = await widget("PATCH", `messages/${survey!.id}`, { auth, websiteToken: t, json: { message: { submitted_values: { csat_survey_response: { rating: 5, feedback_message: "great" } } } } });
    expect(r.status).toBe(200);
    expect(r.body.content_attributes.submitted_values).toEqual({ csat_survey_response: { rating: 5, feedback_message: "great" } });
    const stored = server.deps.db.$client.query("SELECT rating, feedback_message FROM csat_survey_responses WHERE message_id = ?1").get(survey!.id);
    expect(stored).toEqual({ rating: 5, feedback_message: "great" });
    // The flat form is accepted too, and changes the one response.
    const flat = await widget("PATCH", `messages/${survey!.id}`, { auth, websiteToken: t, json: { message: { csat_survey_response: { rating: 4 } } } });
    expect(flat.status).toBe(200);
    expect(server.deps.db.$client.query("SELECT count(*) AS n, max(rating) AS r FROM csat_survey_responses WHERE message_id = ?1").get(survey!.id)).toEqual({ n: 1, r: 4 });
  });
});

describe("events, members and origins", () => {
  test("POST events delivers webwidget_triggered with event_info to subscribed webhooks", async () => {
    const hook = await app("POST", "/webhooks", { webhook: { url: `${receiver.url}/widget-hook`, subscriptions: ["webwidget_triggered"] } });
    expect(hook.status).toBe(200);
    const v = await newVisitor();
    const r = await widget("POST", "events", { auth: v.auth, json: { name: "webwidget.triggered", event_info: { initiated_at: { timestamp: "2030-01-01" }, referer: "https://shop.example.com/" } } });
    expect(r.status).toBe(204);
    const [delivery] = await receiver.waitFor(1, 5000, forEvent("webwidget_triggered"));
    const body = delivery.json();
    expect(body).toMatchObject({
      event: "webwidget_triggered",
      contact: { id: v.contactId },
      inbox: { id: inbox.id, name: "Website" },
      account: { id: admin.account.id },
      current_conversation: null,
      event_info: { initiated_at: { timestamp: "2030-01-01" }, referer: "https://shop.example.com/" },
    });
    expect(typeof body.source_id).toBe("string");
    expect((await widget("POST", "events", { auth: v.auth, json: { name: "something.else" } })).status).toBe(422);
  });

  test("GET inbox_members lists the inbox's agents", async () => {
    const r = await widget("GET", "inbox_members");
    expect(r.status).toBe(200);
    expect(r.body.payload.length).toBe(1);
    expect(r.body.payload[0]).toMatchObject({ name: "Alan Agent", availability_status: expect.any(String) });
  });

  test("with allowed_domains set, other sites' origins are refused", async () => {
    const created = (await app("POST", "/inboxes", { name: "Locked", channel: { type: "web_widget", website_url: "https://locked.example.com", allowed_domains: "locked.example.com, *.partner.org" } })).body;
    expect(created.allowed_domains).toBe("locked.example.com, *.partner.org");
    const t = created.website_token;
    expect((await widget("POST", "config", { websiteToken: t, origin: "https://evil.example.net" })).status).toBe(403);
    expect((await widget("POST", "config", { websiteToken: t, origin: "https://locked.example.com" })).status).toBe(200);
    expect((await widget("POST", "config", { websiteToken: t, origin: "https://shop.partner.org" })).status).toBe(200);
    expect((await widget("POST", "config", { websiteToken: t, origin: new URL(server.deps.config.publicUrl).origin })).status).toBe(200);
    // Without allowed_domains any site may embed the widget.
    expect((await widget("POST", "config", { origin: "https://anywhere.example.net" })).status).toBe(200);
    const bad = await app("PATCH", `/inboxes/${created.id}`, { channel: { allowed_domains: "not a domain!" } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].field).toBe("channel.allowed_domains");
  });
});

describe("rate limits", () => {
  test("an address starts at most 6 conversations in 12 hours; replies in an open one go on", async () => {
    const limited = startTestServer();
    try {
      const admin2 = await createAdmin(limited, { accountName: "Limited" });
      const created = await (await limited.api(`/api/v1/accounts/${admin2.account.id}/inboxes`, { method: "POST", token: admin2.token, json: { name: "Site", channel: { type: "web_widget", website_url: "https://limited.example.com" } } })).json();
      const call = (method: string, path: string, auth?: string, json?: unknown) =>
        limited.api(`/api/v1/widget/${path}?website_token=${created.website_token}`, { method, json, headers: auth ? { "X-Auth-Token": auth } : {} });
      let last = "";
      for (let i = 0; i < 6; i++) {
        const cfg = await (await call("POST", "config")).json();
        last = cfg.website_channel_config.auth_token;
        expect((await call("POST", "conversations", last, { message: { content: `hello ${i}` } })).status).toBe(200);
      }
      const cfg = await (await call("POST", "config")).json();
      const refused = await call("POST", "conversations", cfg.website_channel_config.auth_token, { message: { content: "one more" } });
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
      // A message without a conversation would start one: limited too. Messages in an existing conversation are not.
      expect((await call("POST", "messages", cfg.website_channel_config.auth_token, { message: { content: "sneaky" } })).status).toBe(429);
      expect((await call("POST", "messages", last, { message: { content: "still here" } })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
