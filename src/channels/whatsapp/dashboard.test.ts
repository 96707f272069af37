// WhatsApp in the dashboard: Embedded Signup (start, Meta's callback with a code), the inbox page (callback URL,
// verify token, Sync templates), the reply box's 24-hour window and template picker. The real app, the fake Graph API.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { inboundWamid, messageWebhook, startFakeGraph, type FakeGraph, type FakeTemplate } from "../../testing/fakes/whatsapp-graph.ts";
import { startTestServer, type TestServer } from "../../testing/server.ts";
import { onboard, type WebClient } from "../../web/test-client.ts";

const APP_SECRET = "meta-app-secret-dashboard-01";
const clock = { offset: 0, now: () => Date.now() + clock.offset };

function freePort(): number {
  const probe = Bun.serve({ port: 0, fetch: () => new Response("") });
  const port = probe.port!;
  probe.stop(true);
  return port;
}

async function poll<T>(what: string, fn: () => T | null | undefined | false | Promise<T | null | undefined | false>, timeoutMs = 8000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(25);
  }
}

const templates: FakeTemplate[] = [
  { name: "order_update", language: "en_US", category: "UTILITY", components: [{ type: "BODY", text: "Hi {{1}}, your order {{2}} has shipped." }] },
  { name: "welcome_back", language: "de", category: "MARKETING", components: [{ type: "HEADER", format: "TEXT", text: "Hallo {{1}}" }, { type: "BODY", text: "Schön, dass Sie wieder da sind." }] },
];
const business = {
  wabaId: "203300000000001",
  phone: { id: "300400000000001", display_phone_number: "+44 7700 900123", verified_name: "Acme UK" },
  token: "EAAG-embedded-signup-business-token",
  templates,
};
const NUMBER = "+447700900123";

let fake: FakeGraph;
let server: TestServer;
let web: WebClient;
let accountPath: string;
let inboxPath: string;

beforeAll(async () => {
  fake = startFakeGraph({ appId: "5151", appSecret: APP_SECRET });
  fake.addBusiness(business);
  const port = freePort();
  server = startTestServer(
    {
      PORT: String(port),
      PARLEY_PUBLIC_URL: `http://127.0.0.1:${port}`,
      PARLEY_WHATSAPP_API_URL: fake.url,
      PARLEY_WHATSAPP_APP_ID: fake.appId,
      PARLEY_WHATSAPP_APP_SECRET: APP_SECRET,
      PARLEY_WHATSAPP_CONFIGURATION_ID: "880011",
    },
    { clock },
  );
  ({ client: web, accountPath } = await onboard(server));
});
afterAll(async () => {
  await server?.close();
  await fake?.close();
});

describe("Embedded Signup", () => {
  let state = "";
  test("Add inbox → WhatsApp offers Connect with WhatsApp Business next to the manual form", async () => {
    const { res, html } = await web.page(`${accountPath}/settings/inboxes/new/whatsapp`);
    expect(res.status).toBe(200);
    expect(html).toContain("Connect with WhatsApp Business");
    expect(html).toContain(`href="${accountPath}/settings/inboxes/channels/whatsapp/signup"`);
    expect(html).toContain('name="provider_config.phone_number_id"');
  });

  test("signup redirects to Meta's dialog with the app, the configuration and a state", async () => {
    const res = await web.get(`${accountPath}/settings/inboxes/channels/whatsapp/signup`);
    expect(res.status).toBe(302);
    const to = new URL(res.headers.get("location")!);
    expect(to.origin + to.pathname).toBe("https://www.facebook.com/v22.0/dialog/oauth");
    expect(to.searchParams.get("client_id")).toBe("5151");
    expect(to.searchParams.get("config_id")).toBe("880011");
    expect(to.searchParams.get("redirect_uri")).toBe(`${server.deps.config.publicUrl}${accountPath}/settings/inboxes/channels/whatsapp/callback`);
    state = to.searchParams.get("state")!;
    expect(state).toBeTruthy();
  });

  test("a forged state or a cancelled flow creates nothing", async () => {
    fake.issueCode("code-forged", business.token);
    const forged = await web.get(`${accountPath}/settings/inboxes/channels/whatsapp/callback?code=code-forged&state=${encodeURIComponent(state.replace(/.$/, "x"))}`);
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain("WhatsApp signup expired");
    const cancelled = await web.get(`${accountPath}/settings/inboxes/channels/whatsapp/callback?error=access_denied&error_reason=user_denied&state=${encodeURIComponent(state)}`);
    expect(cancelled.status).toBe(400);
    expect(fake.subscriptions.size).toBe(0);
  });

  test("Meta's callback with a code creates and configures the inbox with no manual input", async () => {
    fake.issueCode("code-123", business.token);
    const res = await web.get(`${accountPath}/settings/inboxes/channels/whatsapp/callback?code=code-123&state=${encodeURIComponent(state)}`);
    expect(res.status).toBe(303);
    inboxPath = res.headers.get("location")!;
    expect(inboxPath).toMatch(new RegExp(`^${accountPath}/settings/inboxes/\\d+$`));
    // The code was exchanged with the redirect URI, the WABA came from debug_token, the number from the WABA.
    const exchange = fake.requests.find((r) => r.path.startsWith("/v22.0/oauth/access_token"))!;
    expect(new URL(exchange.path, fake.url).searchParams.get("redirect_uri")).toBe(`${server.deps.config.publicUrl}${accountPath}/settings/inboxes/channels/whatsapp/callback`);
    expect(fake.requests.some((r) => r.path.startsWith("/v22.0/debug_token"))).toBe(true);
    // The app is subscribed to the WABA with this inbox's callback URL, which Meta verified with the handshake.
    const [subscription] = fake.subscriptions.get(business.wabaId)!;
    expect(subscription.override_callback_uri).toBe(`${server.deps.config.publicUrl}/webhooks/whatsapp/%2B447700900123`);
    const { html } = await web.page(inboxPath);
    expect(html).toContain("Connected");
    expect(html).toContain(NUMBER);
    expect(html).toContain(`/webhooks/whatsapp/%2B447700900123`);
    expect(html).toContain(String(subscription.verify_token));
    expect(html).toContain("Embedded Signup");
    expect(html).toContain("2 synced");
    // Messages to the number arrive in the new inbox.
    const wamid = inboundWamid();
    const delivered = await fake.deliverWebhook(`${server.url}/webhooks/whatsapp/${encodeURIComponent(NUMBER)}`, messageWebhook(
      { wabaId: business.wabaId, phoneNumberId: business.phone.id, displayPhoneNumber: business.phone.display_phone_number },
      { wa_id: "447700900777", name: "Uma" },
      { type: "text", text: { body: "Hello from the UK" } },
      { id: wamid },
    ));
    expect(delivered.status).toBe(200);
    await poll("the message", () => server.deps.db.$client.query("SELECT id FROM messages WHERE source_id = ?1").get(wamid));
  });

  test("signing up the same number again (SDK session info: waba_id, phone_number_id) re-authorizes the inbox with the new token", async () => {
    fake.addBusiness({ ...business, token: "EAAG-renewed-token" });
    const start = await web.get(`${accountPath}/settings/inboxes/channels/whatsapp/signup`);
    const again = new URL(start.headers.get("location")!).searchParams.get("state")!;
    fake.issueCode("code-456", "EAAG-renewed-token");
    const debugCalls = fake.requests.filter((r) => r.path.startsWith("/v22.0/debug_token")).length;
    const q = new URLSearchParams({ code: "code-456", state: again, waba_id: business.wabaId, phone_number_id: business.phone.id });
    const res = await web.get(`${accountPath}/settings/inboxes/channels/whatsapp/callback?${q}`);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(inboxPath);
    expect(fake.requests.filter((r) => r.path.startsWith("/v22.0/debug_token")).length).toBe(debugCalls);
    expect(server.deps.db.$client.query("SELECT count(*) AS n FROM channels WHERE channel_type = 'Channel::Whatsapp'").get()).toEqual({ n: 1 });
    // The next template sync uses the new token.
    const { html } = await web.page(inboxPath);
    await web.post(/action="([^"]+\/sync_templates)"/.exec(html)![1]);
    expect(fake.requests.filter((r) => r.path.includes("/message_templates")).at(-1)!.headers.authorization).toBe("Bearer EAAG-renewed-token");
  });

  test("Sync templates fetches the WABA's templates again", async () => {
    templates.push({ name: "survey", language: "en_US", components: [{ type: "BODY", text: "How did we do?" }] });
    templates.push({ name: "shipping_photo", language: "en_US", components: [{ type: "HEADER", format: "IMAGE" }, { type: "BODY", text: "Your parcel is on its way." }] });
    const { html } = await web.page(inboxPath);
    const action = /action="([^"]+\/sync_templates)"/.exec(html)![1];
    const res = await web.post(action);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(inboxPath);
    expect((await web.page(inboxPath)).html).toContain("4 synced");
  });
});

describe("reply box: the 24-hour window and the template picker", () => {
  let conversationPath = "";
  const waId = "447700900777";

  test("an open window says how long it lasts; a closed one says only templates go out, and free text is refused", async () => {
    const row = server.deps.db.$client.query("SELECT display_id FROM conversations ORDER BY id DESC LIMIT 1").get() as { display_id: number };
    conversationPath = `${accountPath}/conversations/${row.display_id}`;
    const open = (await web.page(conversationPath)).html;
    expect(open).toContain("free-form replies are possible for 23 h");
    expect(open).toContain("Send a template");
    clock.offset = 25 * 3600_000;
    const closed = (await web.page(conversationPath)).html;
    expect(closed).toContain("The 24-hour customer service window is closed");
    expect(closed).toContain("order_update · en_US · utility");
    const refused = await web.post(`${conversationPath}/messages`, { content: "Are you still there?", private: "false" }, { headers: { "hx-request": "true" } });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain("24-hour customer service window is closed");
  });

  test("sending a template with its parameters (all must be filled in)", async () => {
    const missing = await web.post(`${conversationPath}/whatsapp-template`, { template: "0", t0_b_1: "Uma" }, { headers: { "hx-request": "true" } });
    expect(missing.status).toBe(422);
    expect(await missing.text()).toContain("{{2}}");
    const res = await web.post(`${conversationPath}/whatsapp-template`, { template: "0", t0_b_1: "Uma", t0_b_2: "#77" }, { headers: { "hx-request": "true" } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Hi Uma, your order #77 has shipped.");
    const sent = await poll("the template send", () => fake.sent.find((s) => s.body.type === "template" && s.body.to === waId));
    expect(sent.body.template).toEqual({
      name: "order_update",
      language: { policy: "deterministic", code: "en_US" },
      components: [{ type: "body", parameters: [{ type: "text", text: "Uma" }, { type: "text", text: "#77" }] }],
    });
  });

  test("a template with an image header needs the image's URL", async () => {
    const index = "3";
    expect((await web.page(conversationPath)).html).toContain('name="t3_hm"');
    const missing = await web.post(`${conversationPath}/whatsapp-template`, { template: index }, { headers: { "hx-request": "true" } });
    expect(missing.status).toBe(422);
    expect(await missing.text()).toContain("header image URL");
    const res = await web.post(`${conversationPath}/whatsapp-template`, { template: index, t3_hm: "https://cdn.example.com/parcel.jpg" }, { headers: { "hx-request": "true" } });
    expect(res.status).toBe(200);
    const sent = await poll("the image template", () => fake.sent.find((s) => s.body.template?.name === "shipping_photo"));
    expect(sent.body.template.components).toEqual([{ type: "header", parameters: [{ type: "image", image: { link: "https://cdn.example.com/parcel.jpg" } }] }]);
    clock.offset = 0;
  });
});

describe("the timeline", () => {
  test("a shared location links to the map, a shared contact card dials its number", async () => {
    const target = { wabaId: business.wabaId, phoneNumberId: business.phone.id, displayPhoneNumber: business.phone.display_phone_number };
    const from = { wa_id: "447700900888", name: "Lou" };
    const loc = inboundWamid();
    const card = inboundWamid();
    await fake.deliverWebhook(`${server.url}/webhooks/whatsapp/${encodeURIComponent(NUMBER)}`, messageWebhook(target, from, { type: "location", location: { latitude: 51.5007, longitude: -0.1246, name: "Big Ben" } }, { id: loc }));
    await fake.deliverWebhook(
      `${server.url}/webhooks/whatsapp/${encodeURIComponent(NUMBER)}`,
      messageWebhook(target, from, { type: "contacts", contacts: [{ name: { formatted_name: "Bo Brown", first_name: "Bo" }, phones: [{ phone: "+44 20 7946 0000" }] }] }, { id: card }),
    );
    const odd = inboundWamid();
    await fake.deliverWebhook(`${server.url}/webhooks/whatsapp/${encodeURIComponent(NUMBER)}`, messageWebhook(target, from, { type: "unsupported", errors: [{ code: 131051, title: "Message type unknown" }] }, { id: odd }));
    const row = await poll("the messages", () => {
      const hits = server.deps.db.$client.query("SELECT conversation_id FROM messages WHERE source_id IN (?1, ?2, ?3)").all(loc, card, odd) as { conversation_id: number }[];
      return hits.length === 3 ? hits[0] : null;
    });
    const { display_id } = server.deps.db.$client.query("SELECT display_id FROM conversations WHERE id = ?1").get(row.conversation_id) as { display_id: number };
    const { html } = await web.page(`${accountPath}/conversations/${display_id}`);
    expect(html).toContain("https://www.openstreetmap.org/?mlat=51.5007&amp;mlon=-0.1246");
    expect(html).toContain("📍 Big Ben");
    expect(html).toContain('href="tel:+442079460000"');
    expect(html).toContain("👤 Bo Brown · +44 20 7946 0000");
    expect(html).toContain("This kind of message cannot be shown here");
  });
});

describe("without the Meta app settings", () => {
  test("the Embedded Signup option says which settings are missing; manual setup still works", async () => {
    const bare = startTestServer({ PARLEY_WHATSAPP_API_URL: fake.url });
    try {
      const { client, accountPath: path } = await onboard(bare);
      const { html } = await client.page(`${path}/settings/inboxes/new/whatsapp`);
      expect(html).toContain("PARLEY_WHATSAPP_APP_ID, PARLEY_WHATSAPP_APP_SECRET, PARLEY_WHATSAPP_CONFIGURATION_ID");
      expect(html).not.toContain('data-testid="channel-intro-button"');
      expect(html).toContain('data-testid="new-whatsapp-form"');
      const signup = await client.get(`${path}/settings/inboxes/channels/whatsapp/signup`);
      expect(signup.status).toBe(422);
    } finally {
      await bare.close();
    }
  });
});
