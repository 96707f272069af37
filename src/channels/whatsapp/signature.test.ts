// Which secret verifies a WhatsApp webhook when the server has no PARLEY_WHATSAPP_APP_SECRET: the inbox's own app
// secret (manual setup) when it has one; none at all → accepted unverified, as Chatwoot did (docs/decisions.md).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { inboundWamid, messageWebhook, startFakeGraph, type FakeGraph } from "../../testing/fakes/whatsapp-graph.ts";
import { createAdmin, startTestServer, type TestServer } from "../../testing/server.ts";

let fake: FakeGraph;
let server: TestServer;
let admin: Awaited<ReturnType<typeof createAdmin>>;

const signed = { wabaId: "1001", phone: { id: "2001", display_phone_number: "+1 555-020-0001", verified_name: "Signed" }, token: "EAAG-signed" };
const unsigned = { wabaId: "1002", phone: { id: "2002", display_phone_number: "+1 555-020-0002", verified_name: "Unsigned" }, token: "EAAG-unsigned" };
const INBOX_SECRET = "inbox-own-app-secret-42";

async function stored(wamid: string): Promise<boolean> {
  for (let i = 0; i < 120; i++) {
    if (server.deps.db.$client.query("SELECT 1 FROM messages WHERE source_id = ?1").get(wamid)) return true;
    await Bun.sleep(25);
  }
  return false;
}

beforeAll(async () => {
  fake = startFakeGraph();
  fake.addBusiness(signed);
  fake.addBusiness(unsigned);
  server = startTestServer({ PARLEY_WHATSAPP_API_URL: fake.url, PARLEY_MAX_UPLOAD_BYTES: "4096" });
  admin = await createAdmin(server);
  for (const [b, appSecret] of [[signed, INBOX_SECRET], [unsigned, undefined]] as const) {
    const res = await server.api(`/api/v1/accounts/${admin.account.id}/inboxes`, {
      token: admin.token,
      method: "POST",
      json: {
        name: b.phone.verified_name,
        channel: { type: "whatsapp", phone_number: `+${b.phone.display_phone_number.replace(/\D/g, "")}`, provider_config: { api_key: b.token, phone_number_id: b.phone.id, business_account_id: b.wabaId, ...(appSecret ? { app_secret: appSecret } : {}) } },
      },
    });
    expect(res.status).toBe(200);
    const inbox = await res.json();
    expect(inbox.provider_config.app_secret_set).toBe(!!appSecret);
    expect(JSON.stringify(inbox)).not.toContain(INBOX_SECRET);
  }
});
afterAll(async () => {
  await server?.close();
  await fake?.close();
});

const payload = (b: typeof signed, wamid: string) =>
  messageWebhook({ wabaId: b.wabaId, phoneNumberId: b.phone.id, displayPhoneNumber: b.phone.display_phone_number }, { wa_id: "15557770000", name: "Sam" }, { type: "text", text: { body: "hi" } }, { id: wamid });

test("an inbox with its own app secret requires signatures made with it", async () => {
  const url = `${server.url}/webhooks/whatsapp/15550200001`;
  const forged = inboundWamid();
  expect((await fake.deliverWebhook(url, payload(signed, forged), { secret: null })).status).toBe(401);
  expect((await fake.deliverWebhook(url, payload(signed, forged), { secret: "some-other-secret" })).status).toBe(401);
  const good = inboundWamid();
  expect((await fake.deliverWebhook(url, payload(signed, good), { secret: INBOX_SECRET })).status).toBe(200);
  expect(await stored(good)).toBe(true);
  expect(server.deps.db.$client.query("SELECT 1 FROM messages WHERE source_id = ?1").get(forged)).toBeNull();
});

test("without any app secret the body is accepted unverified (Chatwoot's behaviour)", async () => {
  const wamid = inboundWamid();
  expect((await fake.deliverWebhook(`${server.url}/webhooks/whatsapp/%2B15550200002`, payload(unsigned, wamid), { secret: null })).status).toBe(200);
  expect(await stored(wamid)).toBe(true);
});

test("a payload for another phone number id than the inbox's is ignored; an unknown number is 404", async () => {
  const wamid = inboundWamid();
  // Signed correctly for the unsigned inbox's URL, but naming the other number's phone_number_id.
  expect((await fake.deliverWebhook(`${server.url}/webhooks/whatsapp/15550200002`, payload(signed, wamid), { secret: null })).status).toBe(200);
  // The same sender's next (valid) message is processed after it (one ordering key per number and sender).
  const next = inboundWamid();
  expect((await fake.deliverWebhook(`${server.url}/webhooks/whatsapp/15550200002`, payload(unsigned, next), { secret: null })).status).toBe(200);
  expect(await stored(next)).toBe(true);
  expect(server.deps.db.$client.query("SELECT 1 FROM messages WHERE source_id = ?1").get(wamid)).toBeNull();
  expect((await fake.deliverWebhook(`${server.url}/webhooks/whatsapp/15550209999`, payload(unsigned, inboundWamid()))).status).toBe(404);
});

test("media Meta serves but Parley cannot keep (over PARLEY_MAX_UPLOAD_BYTES) leaves the message without the file, saying why", async () => {
  const big = fake.addMedia(new Uint8Array(10_000).fill(7), "video/mp4");
  const wamid = inboundWamid();
  const body = messageWebhook(
    { wabaId: unsigned.wabaId, phoneNumberId: unsigned.phone.id, displayPhoneNumber: unsigned.phone.display_phone_number },
    { wa_id: "15557770001", name: "Vic" },
    { type: "video", video: { id: big, mime_type: "video/mp4", caption: "my unboxing" } },
    { id: wamid },
  );
  expect((await fake.deliverWebhook(`${server.url}/webhooks/whatsapp/15550200002`, body, { secret: null })).status).toBe(200);
  expect(await stored(wamid)).toBe(true);
  const row = server.deps.db.$client.query("SELECT id, content, content_attributes FROM messages WHERE source_id = ?1").get(wamid) as { id: number; content: string; content_attributes: string };
  expect(row.content).toBe("my unboxing");
  expect(JSON.parse(row.content_attributes).media_error).toBe("media is larger than 4096 bytes");
  expect(server.deps.db.$client.query("SELECT count(*) AS n FROM attachments WHERE message_id = ?1").get(row.id)).toEqual({ n: 0 });
});
