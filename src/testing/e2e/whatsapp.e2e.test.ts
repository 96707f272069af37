// WhatsApp in a real browser against the fake Graph API: Add inbox → WhatsApp (Embedded Signup option and the manual
// form), the inbox page (callback URL, verify token, templates), a customer's message, the reply box's 24-hour window,
// and a template sent from the picker. Screenshots: SCREENSHOTS (browser.ts).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { inboundWamid, messageWebhook, startFakeGraph, type FakeGraph } from "../fakes/whatsapp-graph.ts";
import { startTestServer, type TestServer } from "../server.ts";
import { ARTIFACTS, launchBrowser, SCREENSHOTS, submitOnboarding, watchForErrors } from "./browser.ts";

const clock = { offset: 0, now: () => Date.now() + clock.offset };
const business = {
  wabaId: "102290129340398",
  phone: { id: "106540352242922", display_phone_number: "+1 555-010-0001", verified_name: "Acme Support" },
  token: "EAAG-browser-test-system-user-token",
  templates: [
    { name: "order_update", language: "en_US", category: "UTILITY" as const, components: [{ type: "BODY", text: "Hi {{1}}, your order {{2}} has shipped and arrives {{3}}." }] },
    { name: "feedback_request", language: "en_US", category: "MARKETING" as const, components: [{ type: "BODY", text: "How was your experience with Acme?" }] },
  ],
};

let fake: FakeGraph;
let server: TestServer;
let browser: Browser;

function freePort(): number {
  const probe = Bun.serve({ port: 0, fetch: () => new Response("") });
  const port = probe.port!;
  probe.stop(true);
  return port;
}

async function shot(page: Page, name: string) {
  const capture = (options: Parameters<Page["screenshot"]>[0]) =>
    page.screenshot(options).catch(() => Bun.sleep(500).then(() => page.screenshot(options)).catch(() => undefined));
  await capture({ path: join(SCREENSHOTS, `${name}.png`) });
  await capture({ path: join(ARTIFACTS, `${name}-full.png`), fullPage: true });
}

beforeAll(async () => {
  fake = startFakeGraph({ appId: "4242", appSecret: "meta-app-secret-browser" });
  fake.addBusiness(business);
  const port = freePort();
  server = startTestServer(
    {
      PORT: String(port),
      PARLEY_PUBLIC_URL: `http://localhost:${port}`,
      PARLEY_WHATSAPP_API_URL: fake.url,
      PARLEY_WHATSAPP_APP_ID: fake.appId,
      PARLEY_WHATSAPP_APP_SECRET: fake.appSecret,
      PARLEY_WHATSAPP_CONFIGURATION_ID: "880011",
    },
    { clock },
  );
  browser = await launchBrowser();
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await fake?.close();
});

test("WhatsApp: set up by hand, a customer writes, the window closes, an agent sends a template", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  const problems = watchForErrors(page);
  await page.goto(server.url + "/");
  const { accountBase } = await submitOnboarding(page, { name: "Wanda WhatsApp", account: "Acme", email: "wanda@acme.test" });

  // Add inbox → WhatsApp: Embedded Signup first, then the manual setup form.
  await page.goto(`${accountBase}/settings/inboxes/new`);
  await page.click('[data-testid="channel-whatsapp"]');
  await page.waitForURL(/\/settings\/inboxes\/new\/whatsapp$/);
  const connect = page.locator('[data-testid="channel-intro-button"]');
  expect(await connect.textContent()).toContain("Connect with WhatsApp Business");
  expect(await connect.getAttribute("href")).toBe(`${new URL(accountBase).pathname}/settings/inboxes/channels/whatsapp/signup`);
  await page.evaluate(() => document.getElementById("setup-heading")?.scrollIntoView({ block: "start" }));
  await shot(page, "settings-whatsapp-new");
  await page.fill("#new-channel-form [name=name]", "WhatsApp support");
  await page.fill('#new-channel-form [name="phone_number"]', "+15550100001");
  await page.fill('#new-channel-form [name="provider_config.phone_number_id"]', business.phone.id);
  await page.fill('#new-channel-form [name="provider_config.business_account_id"]', business.wabaId);
  await page.fill('#new-channel-form [name="provider_config.api_key"]', "wrong-token");

  // A key Meta refuses comes back under its field.
  await Promise.all([page.waitForLoadState("load"), page.click('#new-channel-form button[type="submit"]')]);
  await page.locator("text=was rejected by the WhatsApp Cloud API").first().waitFor();
  await page.fill('#new-channel-form [name="provider_config.api_key"]', business.token);
  await Promise.all([page.waitForURL(/\/settings\/inboxes\/\d+/), page.click('#new-channel-form button[type="submit"]')]);

  // The inbox page: what to paste into Meta's console, and the templates.
  const card = page.locator('[data-testid="channel-card"]');
  await card.waitFor();
  const cardText = (await card.textContent()) ?? "";
  expect(cardText).toContain(`${server.deps.config.publicUrl}/webhooks/whatsapp/%2B15550100001`);
  expect(cardText).toContain("2 synced");
  expect(cardText).toContain("Sync templates");
  await shot(page, "settings-whatsapp-inbox");

  // A customer writes; the conversation shows the open window.
  const wamid = inboundWamid();
  const target = { wabaId: business.wabaId, phoneNumberId: business.phone.id, displayPhoneNumber: business.phone.display_phone_number };
  const res = await fake.deliverWebhook(`${server.url}/webhooks/whatsapp/+15550100001`, messageWebhook(target, { wa_id: "16315551181", name: "Kerry Fisher" }, { type: "text", text: { body: "Hi! Where is my order #1042?" } }, { id: wamid }));
  expect(res.status).toBe(200);
  const row = await (async () => {
    for (let i = 0; i < 200; i++) {
      const hit = server.deps.db.$client.query("SELECT c.display_id FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.source_id = ?1").get(wamid) as { display_id: number } | null;
      if (hit) return hit;
      await Bun.sleep(25);
    }
    throw new Error("the message did not arrive");
  })();
  await page.goto(`${accountBase}/conversations/${row.display_id}`);
  await page.locator('[data-testid="wa-window"]', { hasText: "free-form replies are possible" }).waitFor();

  // A day later the window is closed: free text is refused, the picker is open.
  clock.offset = 25 * 3600_000;
  await page.reload();
  await page.locator('[data-testid="wa-window"]', { hasText: "window is closed" }).waitFor();
  await page.fill('[data-testid="reply-content"]', "Are you still there?");
  await page.click('[data-testid="reply-send"]');
  await page.locator('[data-testid="reply-error"]', { hasText: "24-hour customer service window is closed" }).waitFor();
  await page.fill('[data-testid="reply-content"]', "");

  // Only the chosen template's fields show.
  expect(await page.locator('[data-testid="wa-template-order_update"]').isVisible()).toBe(true);
  expect(await page.locator('[data-testid="wa-template-feedback_request"]').isVisible()).toBe(false);
  await page.fill('[name="t0_b_1"]', "Kerry");
  await page.fill('[name="t0_b_2"]', "#1042");
  await page.fill('[name="t0_b_3"]', "on Friday");
  await shot(page, "conversation-whatsapp-templates");
  await page.click('[data-testid="wa-template-send"]');
  await page.locator("#timeline", { hasText: "Hi Kerry, your order #1042 has shipped and arrives on Friday." }).waitFor();
  const sent = await (async () => {
    for (let i = 0; i < 200; i++) {
      const s = fake.sent.find((m) => m.body.type === "template");
      if (s) return s;
      await Bun.sleep(25);
    }
    throw new Error("no template reached the Graph API");
  })();
  expect(sent.body.template.components[0].parameters.map((p: { text: string }) => p.text)).toEqual(["Kerry", "#1042", "on Friday"]);
  // The other template: its own fields (none) once chosen.
  await page.click(".wa-templates-summary");
  await page.selectOption('[data-testid="wa-template-select"]', "1");
  expect(await page.locator('[data-testid="wa-template-order_update"]').isVisible()).toBe(false);
  expect(await page.locator('[data-testid="wa-template-feedback_request"]').isVisible()).toBe(true);

  // The customer writes again: the window reopens on the agent's screen without a reload (realtime).
  await fake.deliverWebhook(`${server.url}/webhooks/whatsapp/+15550100001`, messageWebhook(target, { wa_id: "16315551181", name: "Kerry Fisher" }, { type: "text", text: { body: "Thanks, Friday works" } }));
  await page.locator("#timeline", { hasText: "Thanks, Friday works" }).waitFor();
  await page.locator('[data-testid="wa-window"]', { hasText: "free-form replies are possible for 23 h 59 min" }).waitFor();
  expect(await page.locator("#wa-panel.is-closed").count()).toBe(0);
  clock.offset = 0;

  // The two refusals above (the rejected key, the free-text reply outside the window) are 422 answers on purpose.
  expect(problems.filter((p) => !p.includes("status of 422"))).toEqual([]);
  expect(problems).toHaveLength(2);
  await context.close();
}, 90_000);
