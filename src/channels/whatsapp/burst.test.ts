// A burst of signed webhooks, each delivered twice and concurrently (Meta redelivers when unsure): every message is
// stored exactly once, in its sender's conversation, in the order sent. (npm run bench measures the large version.)
import { afterAll, beforeAll, expect, test } from "bun:test";
import { batchedWebhook, inboundWamid, messageWebhook, startFakeGraph, type FakeGraph } from "../../testing/fakes/whatsapp-graph.ts";
import { createAdmin, startTestServer, type TestServer } from "../../testing/server.ts";

const CONTACTS = 20;
const PER_CONTACT = 8;

let fake: FakeGraph;
let server: TestServer;

const business = { wabaId: "3001", phone: { id: "4001", display_phone_number: "+1 555-030-0001", verified_name: "Burst" }, token: "EAAG-burst" };
const target = { wabaId: business.wabaId, phoneNumberId: business.phone.id, displayPhoneNumber: business.phone.display_phone_number };

beforeAll(async () => {
  fake = startFakeGraph();
  fake.addBusiness(business);
  server = startTestServer({ PARLEY_WHATSAPP_API_URL: fake.url, PARLEY_WHATSAPP_APP_SECRET: fake.appSecret });
  const admin = await createAdmin(server);
  const res = await server.api(`/api/v1/accounts/${admin.account.id}/inboxes`, {
    token: admin.token,
    method: "POST",
    json: { name: "Burst", channel: { type: "whatsapp", phone_number: "+15550300001", provider_config: { api_key: business.token, phone_number_id: business.phone.id, business_account_id: business.wabaId } } },
  });
  expect(res.status).toBe(200);
});
afterAll(async () => {
  await server?.close();
  await fake?.close();
});

test(`${CONTACTS * PER_CONTACT} messages from ${CONTACTS} contacts, each delivered twice at once: no duplicate, no loss, in order`, async () => {
  const sent: { wa: string; wamid: string; n: number }[] = [];
  const url = `${server.url}/webhooks/whatsapp/15550300001`;
  for (let n = 0; n < PER_CONTACT; n++) {
    const round = Array.from({ length: CONTACTS }, (_, c) => ({ wa: `1555040${String(c).padStart(4, "0")}`, wamid: inboundWamid(), n }));
    sent.push(...round);
    const deliveries = round.flatMap((m) => {
      const body = messageWebhook(target, { wa_id: m.wa, name: `Contact ${m.wa}` }, { type: "text", text: { body: `message ${m.n}` } }, { id: m.wamid });
      return [fake.deliverWebhook(url, body), fake.deliverWebhook(url, body)];
    });
    for (const res of await Promise.all(deliveries)) expect(res.status).toBe(200);
  }
  const db = server.deps.db.$client;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { n } = db.query("SELECT count(*) AS n FROM messages WHERE message_type = 0").get() as { n: number };
    const { pending } = db.query("SELECT count(*) AS pending FROM jobs WHERE kind = 'whatsapp.webhook' AND status IN ('pending', 'blocked', 'running')").get() as { pending: number };
    if (n >= sent.length && pending === 0) break;
    if (Date.now() > deadline) throw new Error(`only ${n} of ${sent.length} messages stored`);
    await Bun.sleep(50);
  }
  const rows = db.query("SELECT m.source_id, m.content, c.phone_number FROM messages m JOIN contacts c ON c.id = m.sender_id WHERE m.message_type = 0 ORDER BY m.id").all() as { source_id: string; content: string; phone_number: string }[];
  expect(rows).toHaveLength(sent.length);
  expect(new Set(rows.map((r) => r.source_id)).size).toBe(sent.length);
  // One contact and one conversation per sender, whose messages are in the order they were sent.
  expect(db.query("SELECT count(*) AS n FROM contacts").get()).toEqual({ n: CONTACTS });
  expect(db.query("SELECT count(*) AS n FROM conversations").get()).toEqual({ n: CONTACTS });
  const bySender = new Map<string, string[]>();
  for (const r of rows) bySender.set(r.phone_number, [...(bySender.get(r.phone_number) ?? []), r.content]);
  for (const contents of bySender.values()) expect(contents).toEqual(Array.from({ length: PER_CONTACT }, (_, n) => `message ${n}`));
}, 90_000);

test("a webhook batching several customers, each followed at once by their next message: every customer's order holds", async () => {
  const url = `${server.url}/webhooks/whatsapp/15550300001`;
  const first = { wa_id: "15550500000", name: "First" };
  const others = Array.from({ length: 5 }, (_, i) => ({ wa_id: `1555050${String(i + 1).padStart(4, "0")}`, name: `Other ${i + 1}` }));
  const text = (body: string) => ({ type: "text", text: { body } });
  // Meta's batch: the first sender's photos (slow to download), then one message of each other customer, whose next
  // ones come in their own webhooks meanwhile. Queued under the first sender alone, those would overtake the batch.
  fake.delayMedia(300);
  const photo = (n: number) => ({ type: "image", image: { id: fake.addMedia(new Uint8Array([0x89, 0x50, 0x4e, 0x47, n]), "image/png"), mime_type: "image/png", caption: `first ${n}` } });
  const batch = batchedWebhook(target, [
    ...Array.from({ length: 3 }, (_, n) => ({ from: first, message: photo(n) })),
    ...others.map((o) => ({ from: o, message: text(`${o.name} 0`) })),
  ]);
  expect((await fake.deliverWebhook(url, batch)).status).toBe(200);
  const next = await Promise.all(others.map((o) => fake.deliverWebhook(url, messageWebhook(target, o, text(`${o.name} 1`)))));
  for (const res of next) expect(res.status).toBe(200);

  const db = server.deps.db.$client;
  const contentsOf = (wa: string) =>
    (db.query("SELECT m.content FROM messages m JOIN contacts c ON c.id = m.sender_id WHERE m.message_type = 0 AND c.phone_number = ?1 ORDER BY m.id").all(`+${wa}`) as { content: string }[]).map((r) => r.content);
  const deadline = Date.now() + 30_000;
  while (others.some((o) => contentsOf(o.wa_id).length < 2) || contentsOf(first.wa_id).length < 3) {
    if (Date.now() > deadline) throw new Error("the batched messages were not all stored");
    await Bun.sleep(20);
  }
  fake.delayMedia(0);
  expect(contentsOf(first.wa_id)).toEqual(Array.from({ length: 3 }, (_, n) => `first ${n}`));
  for (const o of others) expect(contentsOf(o.wa_id)).toEqual([`${o.name} 0`, `${o.name} 1`]);
}, 60_000);
