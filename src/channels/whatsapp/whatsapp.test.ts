// The WhatsApp Cloud channel end to end: the real app against the local fake Graph API (src/testing/fakes).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { startFakeGraph, inboundWamid, messageWebhook, statusWebhook, type FakeGraph, type FakeTemplate, type WebhookTarget } from "../../testing/fakes/whatsapp-graph.ts";
import { createAdmin, startTestServer, type TestServer } from "../../testing/server.ts";
import { syncStaleTemplates } from "./template-sync.ts";

const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
const APP_SECRET = "meta-app-secret-0123456789";

/** The system clock, shifted by hand (to leave the 24-hour window). */
const clock = { offset: 0, now: () => Date.now() + clock.offset };

let fake: FakeGraph;
let server: TestServer;
let admin: Awaited<ReturnType<typeof createAdmin>>;
let inboxId: number;
let verifyToken: string;

const business = {
  wabaId: "102290129340398",
  phone: { id: "106540352242922", display_phone_number: "+1 555-010-0001", verified_name: "Acme Support" },
  token: "EAAG-manual-system-user-token",
  templates: [
    { name: "order_update", language: "en_US", components: [{ type: "HEADER", format: "TEXT", text: "Order {{1}}" }, { type: "BODY", text: "Hi {{1}}, your order {{2}} has shipped." }] },
    { name: "hello_world", language: "en_US", components: [{ type: "BODY", text: "Hello from Acme" }] },
    { name: "promo", language: "en_US", status: "REJECTED" as const, components: [{ type: "BODY", text: "Buy now" }] },
  ] as FakeTemplate[],
};
const target: WebhookTarget = { wabaId: business.wabaId, phoneNumberId: business.phone.id, displayPhoneNumber: business.phone.display_phone_number };
const NUMBER = "+15550100001";

function freePort(): number {
  const probe = Bun.serve({ port: 0, fetch: () => new Response("") });
  const port = probe.port!;
  probe.stop(true);
  return port;
}

async function poll<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 8000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(25);
  }
}

const acct = () => `/api/v1/accounts/${admin.account.id}`;
const api = (path: string, init: Parameters<TestServer["api"]>[1] = {}) => server.api(acct() + path, { token: admin.token, ...init });
const webhook = (payload: unknown, opts?: Parameters<FakeGraph["deliverWebhook"]>[2]) => fake.deliverWebhook(`${server.url}/webhooks/whatsapp/${encodeURIComponent(NUMBER)}`, payload, opts);

/** The inbox's conversation with the contact of this wa_id, and its messages. */
async function conversationOf(waId: string): Promise<{ id: number; messages: any[] } | null> {
  const list = await (await api(`/conversations?inbox_id=${inboxId}&status=all`)).json();
  const conv = list.data.payload.find((c: any) => c.meta.sender.phone_number === `+${waId}`);
  if (!conv) return null;
  const messages = (await (await api(`/conversations/${conv.id}/messages`)).json()).payload;
  return { id: conv.id, messages };
}
async function messageBySource(waId: string, wamid: string) {
  return poll(`message ${wamid}`, async () => (await conversationOf(waId))?.messages.find((m: any) => m.source_id === wamid));
}

beforeAll(async () => {
  fake = startFakeGraph({ appId: "4242", appSecret: APP_SECRET });
  fake.addBusiness(business);
  const port = freePort();
  server = startTestServer(
    {
      PORT: String(port),
      PARLEY_PUBLIC_URL: `http://localhost:${port}`,
      PARLEY_WHATSAPP_API_URL: fake.url,
      PARLEY_WHATSAPP_APP_ID: fake.appId,
      PARLEY_WHATSAPP_APP_SECRET: APP_SECRET,
      PARLEY_WHATSAPP_CONFIGURATION_ID: "77001",
    },
    { clock },
  );
  admin = await createAdmin(server);
});
afterAll(async () => {
  await server?.close();
  await fake?.close();
});

describe("manual setup", () => {
  const create = (provider_config: Record<string, unknown>, phone_number = NUMBER) =>
    api("/inboxes", { method: "POST", json: { name: "WhatsApp", channel: { type: "whatsapp", phone_number, provider: "whatsapp_cloud", provider_config } } });
  const good = { api_key: business.token, phone_number_id: business.phone.id, business_account_id: business.wabaId };
  const fieldOf = async (res: Response) => {
    expect(res.status).toBe(422);
    return (await res.json()).errors.map((e: any) => e.field);
  };

  test("refuses what the Graph API rejects, naming the field", async () => {
    expect(await fieldOf(await create({ ...good, api_key: "wrong" }))).toEqual(["channel.provider_config.api_key"]);
    expect(await fieldOf(await create({ ...good, phone_number_id: "999" }))).toEqual(["channel.provider_config.phone_number_id"]);
    expect(await fieldOf(await create({ ...good, business_account_id: "888" }))).toEqual(["channel.provider_config.business_account_id"]);
    expect(await fieldOf(await create(good, "+15550109999"))).toEqual(["channel.phone_number"]);
    expect(await fieldOf(await create({}, "+15550100002"))).toEqual([
      "channel.provider_config.api_key",
      "channel.provider_config.phone_number_id",
      "channel.provider_config.business_account_id",
    ]);
    expect(await fieldOf(await create(good, "555"))).toEqual(["channel.phone_number"]);
  });

  test("creates the inbox: validated, templates synced, key sealed, callback URL and verify token shown", async () => {
    const res = await create(good);
    expect(res.status).toBe(200);
    const inbox = await res.json();
    inboxId = inbox.id;
    expect(inbox).toMatchObject({ channel_type: "Channel::Whatsapp", phone_number: NUMBER, provider: "whatsapp_cloud" });
    expect(inbox.message_templates.map((t: any) => t.name)).toEqual(["order_update", "hello_world", "promo"]);
    expect(Date.parse(inbox.message_templates_last_updated)).toBeGreaterThan(0);
    expect(inbox.provider_config.phone_number_id).toBe(business.phone.id);
    expect(inbox.provider_config.api_key).toBeUndefined();
    expect(JSON.stringify(inbox)).not.toContain(business.token);
    verifyToken = inbox.provider_config.webhook_verify_token;
    expect(verifyToken.length).toBeGreaterThanOrEqual(16);
    expect(inbox.webhook_url).toBe(`${server.deps.config.publicUrl}/webhooks/whatsapp/%2B15550100001`);
    // The key is stored sealed, not in the clear.
    const db = new Database(join(server.dataDir, "parley.db"), { readonly: true });
    const row = db.query("SELECT config FROM channels WHERE identifier = ?1").get(NUMBER) as { config: string };
    db.close();
    expect(row.config).not.toContain(business.token);
    expect(JSON.parse(row.config).provider_config.api_key).toStartWith("sealed:v1:");
    // The same number cannot be connected twice.
    expect(await fieldOf(await create(good))).toEqual(["channel.phone_number"]);
  });

  test("GET verification handshake echoes hub.challenge only with the verify token", async () => {
    const url = (token: string, mode = "subscribe", number = NUMBER) =>
      `${server.url}/webhooks/whatsapp/${encodeURIComponent(number)}?hub.mode=${mode}&hub.verify_token=${encodeURIComponent(token)}&hub.challenge=1158201444`;
    const ok = await fetch(url(verifyToken));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("1158201444");
    expect((await fetch(url("wrong-token"))).status).toBe(403);
    expect((await fetch(url(verifyToken, "unsubscribe"))).status).toBe(403);
    expect((await fetch(url(verifyToken, "subscribe", "+15550109999"))).status).toBe(403);
  });
});

describe("template sync", () => {
  test("the periodic task syncs only templates older than 3 hours", async () => {
    const before = fake.requests.filter((r) => r.path.includes("/message_templates")).length;
    await syncStaleTemplates(server.deps);
    expect(fake.requests.filter((r) => r.path.includes("/message_templates")).length).toBe(before);
    business.templates.push({ name: "new_arrival", language: "en_US", components: [{ type: "BODY", text: "New in stock" }] });
    clock.offset = 3 * 3600_000 + 60_000;
    try {
      await syncStaleTemplates(server.deps);
    } finally {
      clock.offset = 0;
    }
    const inbox = await (await api(`/inboxes/${inboxId}`)).json();
    expect(inbox.message_templates.map((t: any) => t.name)).toContain("new_arrival");
    expect(Date.parse(inbox.message_templates_last_updated)).toBeGreaterThan(Date.now() + 3 * 3600_000);
  });
});

describe("inbound webhooks", () => {
  const kerry = { wa_id: "16315551181", name: "Kerry Fisher" };

  test("a bad or missing signature is refused with 401 and nothing is stored", async () => {
    const payload = messageWebhook(target, { wa_id: "16315550000", name: "Mallory" }, { type: "text", text: { body: "forged" } });
    expect((await webhook(payload, { secret: "not-the-app-secret" })).status).toBe(401);
    expect((await webhook(payload, { secret: null })).status).toBe(401);
    expect((await webhook(payload, { signature: "sha256=00" })).status).toBe(401);
    await Bun.sleep(100);
    expect(await conversationOf("16315550000")).toBeNull();
    const jobs = new Database(join(server.dataDir, "parley.db"), { readonly: true });
    const n = (jobs.query("SELECT count(*) AS n FROM jobs WHERE kind = 'whatsapp.webhook'").get() as { n: number }).n;
    jobs.close();
    expect(n).toBe(0);
  });

  test("text creates the contact (name, +phone), the conversation and the message; a redelivery adds nothing", async () => {
    const wamid = inboundWamid();
    const payload = messageWebhook(target, kerry, { type: "text", text: { body: "Hi, where is my order?" } }, { id: wamid });
    const res = await webhook(payload);
    expect(res.status).toBe(200);
    const m = await messageBySource(kerry.wa_id, wamid);
    expect(m).toMatchObject({ content: "Hi, where is my order?", message_type: 0, sender: { name: "Kerry Fisher", phone_number: "+16315551181", type: "contact" } });
    expect((await webhook(payload)).status).toBe(200);
    expect((await webhook(payload)).status).toBe(200);
    // A later message of the same sender is processed after the redeliveries (one ordering key per sender).
    const after = inboundWamid();
    await webhook(messageWebhook(target, kerry, { type: "text", text: { body: "hello?" } }, { id: after }));
    await messageBySource(kerry.wa_id, after);
    const conv = (await conversationOf(kerry.wa_id))!;
    expect(conv.messages.filter((x: any) => x.source_id === wamid)).toHaveLength(1);
    const jobs = new Database(join(server.dataDir, "parley.db"), { readonly: true });
    const n = (jobs.query("SELECT count(*) AS n FROM jobs WHERE kind = 'whatsapp.webhook'").get() as { n: number }).n;
    jobs.close();
    expect(n).toBeGreaterThanOrEqual(4);
  });

  test("every inbound type: media downloaded through the Graph API, location, contacts, replies, reactions", async () => {
    const image = fake.addMedia(PNG, "image/png");
    const sticker = fake.addMedia(new Uint8Array([0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x45, 0x42, 0x50]), "image/webp");
    const audio = fake.addMedia(new Uint8Array([0x4f, 0x67, 0x67, 0x53, 1, 2]), "audio/ogg");
    const video = fake.addMedia(new Uint8Array([0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70]), "video/mp4");
    const doc = fake.addMedia(new TextEncoder().encode("%PDF-1.4 test"), "application/pdf");
    const cases: [Record<string, unknown> & { type: string }, (m: any) => void][] = [
      [{ type: "image", image: { id: image, mime_type: "image/png", caption: "my receipt" } }, (m) => {
        expect(m.content).toBe("my receipt");
        expect(m.attachments[0]).toMatchObject({ file_type: "image", file_size: PNG.byteLength });
      }],
      [{ type: "sticker", sticker: { id: sticker, mime_type: "image/webp", animated: false } }, (m) => expect(m.attachments[0].file_type).toBe("image")],
      [{ type: "audio", audio: { id: audio, mime_type: "audio/ogg; codecs=opus", voice: true } }, (m) => expect(m.attachments[0].file_type).toBe("audio")],
      [{ type: "video", video: { id: video, mime_type: "video/mp4" } }, (m) => expect(m.attachments[0].file_type).toBe("video")],
      [{ type: "document", document: { id: doc, mime_type: "application/pdf", filename: "invoice.pdf", caption: "invoice" } }, (m) => {
        expect(m.content).toBe("invoice");
        expect(m.attachments[0]).toMatchObject({ file_type: "file" });
        expect(m.attachments[0].data_url).toContain("invoice.pdf");
      }],
      [{ type: "location", location: { latitude: 52.52, longitude: 13.405, name: "Office", address: "Main St 1" } }, (m) => {
        expect(m.attachments[0]).toMatchObject({ file_type: "location", coordinates_lat: 52.52, coordinates_long: 13.405, fallback_title: "Office, Main St 1" });
      }],
      [{ type: "contacts", contacts: [{ name: { formatted_name: "Bo Brown", first_name: "Bo", last_name: "Brown" }, phones: [{ phone: "+1 555 222 3333", type: "CELL" }] }] }, (m) => {
        expect(m.attachments[0]).toMatchObject({ file_type: "contact", fallback_title: "+1 555 222 3333" });
      }],
      [{ type: "interactive", interactive: { type: "button_reply", button_reply: { id: "yes", title: "Yes please" } } }, (m) => {
        expect(m.content).toBe("Yes please");
        expect(m.content_attributes.interactive_reply).toMatchObject({ id: "yes" });
      }],
      [{ type: "interactive", interactive: { type: "list_reply", list_reply: { id: "r2", title: "Returns", description: "Send it back" } } }, (m) => expect(m.content).toBe("Returns")],
      [{ type: "button", button: { text: "Track order", payload: "TRACK" } }, (m) => expect(m).toMatchObject({ content: "Track order", content_attributes: { button_payload: "TRACK" } })],
    ];
    for (const [message, check] of cases) {
      const wamid = inboundWamid();
      expect((await webhook(messageWebhook(target, kerry, message, { id: wamid }))).status).toBe(200);
      check(await messageBySource(kerry.wa_id, wamid));
    }
    // The image's bytes are the ones Meta served.
    const conv = (await conversationOf(kerry.wa_id))!;
    const img = conv.messages.find((m: any) => m.content === "my receipt");
    const bytes = new Uint8Array(await (await fetch(img.attachments[0].data_url.replace(server.deps.config.publicUrl, server.url))).arrayBuffer());
    expect(Buffer.from(bytes).equals(PNG)).toBe(true);

    // A reply to a message (context.id) and a reaction to it point at it.
    const first = conv.messages.find((m: any) => m.content === "Hi, where is my order?");
    const reply = inboundWamid();
    await webhook(messageWebhook(target, kerry, { type: "text", text: { body: "this one" }, context: { from: kerry.wa_id, id: first.source_id } }, { id: reply }));
    expect((await messageBySource(kerry.wa_id, reply)).content_attributes).toMatchObject({ in_reply_to: first.id, in_reply_to_external_id: first.source_id });
    const reaction = inboundWamid();
    await webhook(messageWebhook(target, kerry, { type: "reaction", reaction: { message_id: first.source_id, emoji: "👍" } }, { id: reaction }));
    expect(await messageBySource(kerry.wa_id, reaction)).toMatchObject({ content: "👍", content_attributes: { is_reaction: true, in_reply_to: first.id } });
    // One conversation for all of it.
    const list = await (await api(`/conversations?inbox_id=${inboxId}&status=all`)).json();
    expect(list.data.payload.filter((c: any) => c.meta.sender.phone_number === "+16315551181")).toHaveLength(1);
  });
});

describe("outbound", () => {
  const ann = { wa_id: "4915112345678", name: "Ann" };
  let conversationId: number;
  const send = (json: Record<string, unknown>) => api(`/conversations/${conversationId}/messages`, { method: "POST", json });
  const sentFor = (wamid: string) => poll("the Graph send", async () => fake.sent.find((s) => s.wamid === wamid));
  const messageNow = async (id: number) => (await (await api(`/conversations/${conversationId}/messages`)).json()).payload.find((m: any) => m.id === id);
  const sourceOf = (id: number) => poll(`source_id of ${id}`, async () => (await messageNow(id))?.source_id);

  beforeAll(async () => {
    const wamid = inboundWamid();
    await webhook(messageWebhook(target, ann, { type: "text", text: { body: "Hello?" } }, { id: wamid }));
    conversationId = (await messageBySource(ann.wa_id, wamid)).conversation_id;
  });

  test("text goes to the contact's wa_id; delivered and read receipts move the status forward only", async () => {
    const res = await send({ content: "Hi Ann, how can we help?" });
    expect(res.status).toBe(200);
    const id = (await res.json()).id;
    const wamid = await sourceOf(id);
    expect((await sentFor(wamid)).body).toMatchObject({ messaging_product: "whatsapp", to: ann.wa_id, type: "text", text: { body: "Hi Ann, how can we help?" } });
    await webhook(statusWebhook(target, { wamid, status: "delivered", recipient: ann.wa_id }));
    await poll("delivered", async () => (await messageNow(id)).status === "delivered");
    await webhook(statusWebhook(target, { wamid, status: "read", recipient: ann.wa_id }));
    await poll("read", async () => (await messageNow(id)).status === "read");
    await webhook(statusWebhook(target, { wamid, status: "delivered", recipient: ann.wa_id }));
    await Bun.sleep(200);
    expect((await messageNow(id)).status).toBe("read");
  });

  test("a failed status marks the message failed with Meta's error", async () => {
    const id = (await (await send({ content: "Are you there?" })).json()).id;
    const wamid = await sourceOf(id);
    await webhook(statusWebhook(target, { wamid, status: "failed", recipient: ann.wa_id, errors: [{ code: 131026, title: "Message undeliverable", details: "Receiver is incapable of receiving this message" }] }));
    const m = await poll("failed", async () => ((await messageNow(id)).status === "failed" ? messageNow(id) : null));
    expect(m.content_attributes.external_error).toBe("131026: Message undeliverable (Receiver is incapable of receiving this message)");
  });

  test("media is uploaded to /{phone_number_id}/media and sent by id with the caption", async () => {
    const form = new FormData();
    form.set("content", "Your invoice");
    form.append("attachments[]", new File([PNG], "invoice.png", { type: "image/png" }));
    const res = await server.api(`${acct()}/conversations/${conversationId}/messages`, { token: admin.token, method: "POST", body: form });
    expect(res.status).toBe(200);
    const wamid = await sourceOf((await res.json()).id);
    const sent = await sentFor(wamid);
    const upload = fake.uploads.find((u) => u.id === sent.body.image.id)!;
    expect(upload).toMatchObject({ mimeType: "image/png", fileName: "invoice.png", phoneNumberId: business.phone.id });
    expect(Buffer.from(upload.bytes).equals(PNG)).toBe(true);
    expect(sent.body).toMatchObject({ type: "image", image: { caption: "Your invoice" } });
  });

  test("input_select becomes interactive buttons (≤ 3) or a list", async () => {
    const items = (n: number) => Array.from({ length: n }, (_, i) => ({ title: `Option ${i + 1}`, value: `opt_${i + 1}` }));
    const b = await sourceOf((await (await send({ content: "Pick one", content_type: "input_select", content_attributes: { items: items(2) } })).json()).id);
    expect((await sentFor(b)).body.interactive).toEqual({
      type: "button",
      body: { text: "Pick one" },
      action: { buttons: [{ type: "reply", reply: { id: "opt_1", title: "Option 1" } }, { type: "reply", reply: { id: "opt_2", title: "Option 2" } }] },
    });
    const l = await sourceOf((await (await send({ content: "Pick a topic", content_type: "input_select", content_attributes: { items: items(6) } })).json()).id);
    const list = (await sentFor(l)).body.interactive;
    expect(list.type).toBe("list");
    expect(list.action.sections[0].rows.map((r: any) => r.id)).toEqual(["opt_1", "opt_2", "opt_3", "opt_4", "opt_5", "opt_6"]);
  });

  test("a template with parameters (Chatwoot's template_params); its text becomes the content when none is given", async () => {
    const res = await send({ template_params: { name: "order_update", category: "UTILITY", language: "en_US", processed_params: { body: { "1": "Ann", "2": "#1042" }, header: { "1": "#1042" } } } });
    expect(res.status).toBe(200);
    const m = await res.json();
    expect(m.content).toBe("Order #1042\n\nHi Ann, your order #1042 has shipped.");
    const sent = await sentFor(await sourceOf(m.id));
    expect(sent.body.template).toEqual({
      name: "order_update",
      language: { policy: "deterministic", code: "en_US" },
      components: [
        { type: "header", parameters: [{ type: "text", text: "#1042" }] },
        { type: "body", parameters: [{ type: "text", text: "Ann" }, { type: "text", text: "#1042" }] },
      ],
    });
    const bad = await send({ template_params: { name: "", language: "en_US" } });
    expect(bad.status).toBe(422);
    expect((await bad.json()).errors[0].field).toBe("template_params.name");
  });

  test("a provider error fails the message with Meta's text", async () => {
    fake.failNextSend({ message: "(#131056) (Business Account, Consumer Account) pair rate limit hit", type: "OAuthException", code: 131056 });
    const id = (await (await send({ content: "one more" })).json()).id;
    const m = await poll("failed", async () => ((await messageNow(id))?.status === "failed" ? messageNow(id) : null));
    expect(m.content_attributes.external_error).toBe("(#131056) (Business Account, Consumer Account) pair rate limit hit");
    expect(m.source_id).toBeNull();
  });

  test("an expired token fails the message and marks the inbox for reauthorization until a send works again", async () => {
    fake.failNextSend({ message: "Error validating access token: Session has expired on Tuesday.", type: "OAuthException", code: 190, error_subcode: 463 }, 401);
    const id = (await (await send({ content: "token test" })).json()).id;
    const m = await poll("failed", async () => ((await messageNow(id))?.status === "failed" ? messageNow(id) : null));
    expect(m.content_attributes.external_error).toBe("(#190) Error validating access token: Session has expired on Tuesday.");
    expect((await (await api(`/inboxes/${inboxId}`)).json()).reauthorization_required).toBe(true);
    await sourceOf((await (await send({ content: "works again" })).json()).id);
    await poll("reconnected", async () => (await (await api(`/inboxes/${inboxId}`)).json()).reauthorization_required === false);
  });

  test("outside the 24-hour window only templates can be sent (422 naming template_params)", async () => {
    clock.offset = 25 * 3600_000;
    try {
      const res = await send({ content: "Still there?" });
      expect(res.status).toBe(422);
      const body = await res.json();
      expect(body.errors[0].field).toBe("template_params");
      expect(body.errors[0].message).toContain("24-hour");
      // Private notes are not sent to WhatsApp: allowed.
      expect((await send({ content: "note to self", private: true })).status).toBe(200);
      const tpl = await send({ content: "Hello from Acme", template_params: { name: "hello_world", language: "en_US" } });
      expect(tpl.status).toBe(200);
      const sent = await sentFor(await sourceOf((await tpl.json()).id));
      expect(sent.body).toMatchObject({ type: "template", template: { name: "hello_world" } });
      // The customer writes again: the window reopens.
      const wamid = inboundWamid();
      await webhook(messageWebhook(target, ann, { type: "text", text: { body: "yes!" } }, { id: wamid }));
      await messageBySource(ann.wa_id, wamid);
      expect((await send({ content: "Great" })).status).toBe(200);
    } finally {
      clock.offset = 0;
    }
  });
});
