// The Graph client against the local fake Cloud API: every call Parley makes, including Graph's error envelope.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startFakeGraph, type FakeGraph } from "../../testing/fakes/whatsapp-graph.ts";
import { GraphError, graphClient } from "./graph.ts";
import { validSignature } from "./payload.ts";

let fake: FakeGraph;
const business = {
  wabaId: "102290129340398",
  phone: { id: "106540352242922", display_phone_number: "+1 555-010-0001", verified_name: "Acme Support" },
  token: "EAAG-system-user-token",
  // More than one page (Parley asks for 100 a page, as many as Meta gives).
  templates: Array.from({ length: 130 }, (_, i) => ({ name: `t${i}`, language: "en_US", components: [{ type: "BODY", text: `Hello {{1}} #${i}` }] })),
};

beforeAll(() => {
  fake = startFakeGraph({ appId: "4242", appSecret: "app-secret-1" });
  fake.addBusiness(business);
});
afterAll(() => fake.close());

const client = (token?: string) => graphClient({ baseUrl: fake.url, token, allowPrivate: true });

describe("Graph client against the fake Cloud API", () => {
  test("reads the phone number with a valid token; a bad token is Graph error 190", async () => {
    const phone = await client(business.token).getPhoneNumber(business.phone.id);
    expect(phone.display_phone_number).toBe("+1 555-010-0001");
    expect(fake.requests.at(-1)!.path).toBe(`/v22.0/${business.phone.id}`);
    const err = await client("nope").getPhoneNumber(business.phone.id).catch((e) => e);
    expect(err).toBeInstanceOf(GraphError);
    expect(err.code).toBe(190);
    expect(err.status).toBe(401);
    const unknown = await client(business.token).getPhoneNumber("999").catch((e) => e);
    expect(unknown.code).toBe(100);
    expect(unknown.message).toContain("Object with ID '999' does not exist");
  });

  test("sends text and answers the wamid; invalid bodies are refused as Meta does", async () => {
    const wamid = await client(business.token).sendMessage(business.phone.id, { to: "16315551181", type: "text", text: { body: "Hi" } });
    expect(wamid).toStartWith("wamid.");
    expect(fake.sent.at(-1)!.body).toMatchObject({ messaging_product: "whatsapp", to: "16315551181", text: { body: "Hi" } });
    const tooMany = await client(business.token)
      .sendMessage(business.phone.id, {
        to: "16315551181",
        type: "interactive",
        interactive: { type: "button", body: { text: "x" }, action: { buttons: [1, 2, 3, 4].map((i) => ({ type: "reply", reply: { id: `${i}`, title: `${i}` } })) } },
      })
      .catch((e) => e);
    expect(tooMany.code).toBe(100);
    expect(tooMany.display).toContain("buttons must have 1 to 3 elements");
  });

  test("uploads media (multipart) and downloads it back through GET /{media_id}", async () => {
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    const id = await client(business.token).uploadMedia(business.phone.id, { bytes, contentType: "image/png", fileName: "a.png" });
    expect(fake.uploads.at(-1)).toMatchObject({ id, mimeType: "image/png", fileName: "a.png" });
    const media = await client(business.token).getMedia(id);
    expect(media.mime_type).toBe("image/png");
    expect([...(await client(business.token).downloadMedia(media.url, 1024))]).toEqual([...bytes]);
    expect(await client(business.token).downloadMedia(media.url, 3).catch((e) => e.message)).toContain("larger than 3 bytes");
  });

  test("lists templates across pages", async () => {
    const before = fake.requests.length;
    const all = await client(business.token).listTemplates(business.wabaId);
    expect(all.map((t) => t.name)).toEqual(Array.from({ length: 130 }, (_, i) => `t${i}`));
    const pages = fake.requests.slice(before).map((r) => new URL(r.path, fake.url));
    expect(pages.map((u) => u.pathname)).toEqual([`/v22.0/${business.wabaId}/message_templates`, `/v22.0/${business.wabaId}/message_templates`]);
    expect(pages[1].searchParams.get("after")).toBeTruthy();
  });

  test("template errors: unknown name 132001, wrong parameter count 132000", async () => {
    const c = client(business.token);
    const unknown = await c.sendMessage(business.phone.id, { to: "15550001", type: "template", template: { name: "nope", language: { code: "en_US" } } }).catch((e) => e);
    expect(unknown.code).toBe(132001);
    const count = await c.sendMessage(business.phone.id, { to: "15550001", type: "template", template: { name: "t1", language: { code: "en_US" } } }).catch((e) => e);
    expect(count.code).toBe(132000);
    const ok = await c.sendMessage(business.phone.id, {
      to: "15550001",
      type: "template",
      template: { name: "t1", language: { code: "en_US" }, components: [{ type: "body", parameters: [{ type: "text", text: "Ann" }] }] },
    });
    expect(ok).toStartWith("wamid.");
  });

  test("embedded signup calls: code exchange, debug_token scopes, phone numbers, subscribed_apps", async () => {
    const app = { appId: fake.appId, appSecret: fake.appSecret };
    fake.issueCode("code-1", business.token);
    const { access_token } = await client().exchangeCode(app, "code-1");
    expect(access_token).toBe(business.token);
    expect((await client().exchangeCode(app, "code-1").catch((e) => e)).code).toBe(100);
    const debug = await client().debugToken(app, access_token);
    expect(debug.data.granular_scopes?.find((s) => s.scope === "whatsapp_business_management")?.target_ids).toEqual([business.wabaId]);
    expect((await client(access_token).listPhoneNumbers(business.wabaId))[0].id).toBe(business.phone.id);
    // Meta checks the override callback with the GET handshake before subscribing.
    const callback = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: (r) => {
        const q = new URL(r.url).searchParams;
        return q.get("hub.mode") === "subscribe" && q.get("hub.verify_token") === "v" ? new Response(q.get("hub.challenge")) : new Response("no", { status: 403 });
      },
    });
    try {
      const uri = `http://127.0.0.1:${callback.port}/webhooks/whatsapp/1`;
      const refused = await client(access_token).subscribeApp(business.wabaId, { override_callback_uri: uri, verify_token: "wrong" }).catch((e) => e);
      expect(refused.code).toBe(2200);
      expect(fake.subscriptions.get(business.wabaId)).toBeUndefined();
      await client(access_token).subscribeApp(business.wabaId, { override_callback_uri: uri, verify_token: "v" });
      expect(fake.subscriptions.get(business.wabaId)).toEqual([{ override_callback_uri: uri, verify_token: "v" }]);
    } finally {
      callback.stop(true);
    }
  });

  test("a provider failure queued in the fake comes back as a GraphError", async () => {
    fake.failNextSend({ message: "(#131047) Re-engagement message", type: "OAuthException", code: 131047, error_data: { details: "more than 24 hours" } });
    const err = await client(business.token).sendMessage(business.phone.id, { to: "1555", type: "text", text: { body: "x" } }).catch((e) => e);
    expect(err.display).toBe("(#131047) Re-engagement message: more than 24 hours");
    expect(err.permanent).toBe(true);
  });

  test("signed webhook deliveries verify with the app secret only", async () => {
    let seen: { body: string; sig: string | null } | null = null;
    const sink = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: async (r) => ((seen = { body: await r.text(), sig: r.headers.get("x-hub-signature-256") }), new Response("ok")) });
    try {
      await fake.deliverWebhook(`http://127.0.0.1:${sink.port}/`, { hello: "é" });
      expect(validSignature(seen!.body, seen!.sig, fake.appSecret)).toBe(true);
      expect(validSignature(seen!.body, seen!.sig, "other")).toBe(false);
      expect(validSignature(seen!.body + " ", seen!.sig, fake.appSecret)).toBe(false);
      expect(validSignature(seen!.body, null, fake.appSecret)).toBe(false);
    } finally {
      sink.stop(true);
    }
  });
});
