// Settings → Inboxes → Add inbox in a real browser: the channel picker, the Telegram setup form (a refused token shown
// under the field, then a working one against the fake Bot API), and the new inbox's channel card going "Connected"
// once a Telegram update arrives. Screenshots: SCREENSHOTS (browser.ts).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import type { Browser } from "playwright-core";
import { FakeTelegram } from "../fakes/telegram.ts";
import { startTestServer, type TestServer } from "../server.ts";
import { launchBrowser, screenshot, SCREENSHOTS, submitOnboarding, watchForErrors } from "./browser.ts";

let server: TestServer;
let browser: Browser;
let fake: FakeTelegram;

beforeAll(async () => {
  fake = new FakeTelegram().start();
  server = startTestServer({ PARLEY_TELEGRAM_API_URL: fake.url });
  fake.deliverTo = server.url;
  browser = await launchBrowser();
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await fake?.stop();
});

test("Add inbox: pick Telegram, a refused token, then a working bot; the inbox shows the bot and its connection", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  const problems = watchForErrors(page);

  await page.goto(server.url + "/");
  const { accountBase } = await submitOnboarding(page, { name: "Tara Telegram", account: "Botworks", email: "tara@botworks.test" });

  await page.goto(`${accountBase}/settings/inboxes/new`);
  const picker = page.locator('[data-testid="channel-picker"]');
  await picker.waitFor();
  for (const key of ["api", "website", "telegram"]) expect(await picker.locator(`[data-testid="channel-${key}"]`).count()).toBe(1);
  await screenshot(page, "settings-inbox-channel-picker");

  await Promise.all([page.waitForURL(/\/settings\/inboxes\/new\/telegram$/), picker.locator('[data-testid="channel-telegram"]').click()]);
  expect(await page.locator('[data-testid="channel-telegram"][aria-current="true"]').count()).toBe(1);
  expect(await page.locator('[data-testid="channel-steps"] li').count()).toBe(3);

  // A token Telegram does not know: the error is under the field, the name is kept, the token is not.
  await page.fill("#f-name", "Telegram support");
  await page.fill("#f-bot_token", "123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  await Promise.all([page.waitForLoadState("load"), page.click('#new-channel-form button[type="submit"]')]);
  expect(await page.locator("#f-bot_token-error").textContent()).toContain("refused by Telegram: Unauthorized");
  expect(await page.inputValue("#f-name")).toBe("Telegram support");
  expect(await page.inputValue("#f-bot_token")).toBe("");
  await screenshot(page, "settings-inbox-telegram-form");

  const { token } = fake.addBot("botworks_help_bot");
  await page.fill("#f-bot_token", token);
  await Promise.all([page.waitForURL(/\/settings\/inboxes\/\d+\?created=1$/), page.click('#new-channel-form button[type="submit"]')]);
  const card = page.locator('[data-testid="channel-card"]');
  expect(await card.textContent()).toContain("@botworks_help_bot");
  expect((await card.locator('[data-testid="channel-status"]').textContent())!.trim()).toBe("Waiting for the first message");
  expect(fake.webhookOf(token)?.url).toEndWith(`/webhooks/telegram/${token}`);

  // The first update from a Telegram user: the connection is confirmed and the conversation is in the inbox.
  expect((await fake.deliver(token, fake.update({ message: fake.message({ id: 31337, first_name: "Grace", last_name: "Hopper" }, { text: "Hello bot" }) }))).status).toBe(200);
  await page.reload();
  expect((await card.locator('[data-testid="channel-status"]').textContent())!.trim()).toBe("Connected");
  await screenshot(page, "settings-inbox-telegram-connected");

  // The refused token's page is answered 422 on purpose; Chromium logs that status as a console error.
  expect(problems.filter((p) => !p.includes("status of 422"))).toEqual([]);
  await context.close();
}, 90_000);
