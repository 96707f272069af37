// A Telegram conversation end to end in a real browser, against the fake Bot API: a user's message arrives, the agent
// replies from the conversation pane and the reply reaches Telegram; when the user has blocked the bot, the failed
// reply shows Telegram's error in the timeline as soon as the send job gives up; the user's next message appears live.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { FakeTelegram } from "../fakes/telegram.ts";
import { startTestServer, type TestServer } from "../server.ts";
import { apiTokenFromProfile, launchBrowser, SCREENSHOTS, submitOnboarding, watchForErrors } from "./browser.ts";

let server: TestServer;
let browser: Browser;
let fake: FakeTelegram;

beforeAll(async () => {
  fake = new FakeTelegram().start();
  server = startTestServer({ PARLEY_TELEGRAM_API_URL: fake.url }, { jobOptions: { pollMs: 100 } });
  fake.deliverTo = server.url;
  browser = await launchBrowser();
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await fake?.stop();
});

async function until<T>(what: string, fn: () => T | undefined | null | false, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(50);
  }
}

test("a Telegram user's message, the agent's reply sent to Telegram, a refused reply with Telegram's error, live messages", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  const problems = watchForErrors(page);

  await page.goto(server.url + "/");
  const { accountBase, accountId } = await submitOnboarding(page, { name: "Olivia Owner", account: "Acme", email: "olivia@acme.test" });
  const token = await apiTokenFromProfile(page, accountBase);
  const api = async (method: string, path: string, json?: unknown) => (await server.api(`/api/v1/accounts/${accountId}${path}`, { method, token, json })).json() as Promise<any>;
  const bot = fake.addBot("acme_help_bot").token;
  const inbox = await api("POST", "/inboxes", { name: "Telegram", channel: { type: "telegram", bot_token: bot } });
  expect(inbox.bot_name).toBe("acme_help_bot");

  const grace = { id: 81818, first_name: "Grace", last_name: "Hopper", username: "grace" };
  expect((await fake.deliver(bot, fake.update({ message: fake.message(grace, { text: "Hi, my order never arrived." }) }))).status).toBe(200);
  const conversation = (await api("GET", `/conversations?inbox_id=${inbox.id}&status=all`)).data.payload[0];

  await page.goto(`${accountBase}/conversations/${conversation.id}`);
  await page.locator('#conversation-pane[data-ready="true"]').waitFor();
  expect(await page.locator("#conversation-heading").textContent()).toBe("Grace Hopper");
  await page.locator(".message-in", { hasText: "Hi, my order never arrived." }).waitFor();

  // The agent's reply goes out through sendMessage to Grace's chat.
  await page.click("#reply-content");
  await page.keyboard.type("Sorry, Grace! Let me check.");
  await page.keyboard.press("Enter");
  const sent = await until("sendMessage", () => fake.callsOf("sendMessage").find((c) => c.params.text === "Sorry, Grace! Let me check."));
  expect(sent.params.chat_id).toBe(String(grace.id));

  // Grace answers; it appears without a reload.
  await fake.deliver(bot, fake.update({ message: fake.message(grace, { text: "Order #4711, thanks" }) }));
  await page.locator(".message-in", { hasText: "Order #4711, thanks" }).waitFor({ timeout: 5000 });

  // She blocks the bot: the next reply fails, and the timeline says why.
  fake.block(grace.id);
  await page.click("#reply-content");
  await page.keyboard.type("Found it, it ships today.");
  await page.keyboard.press("Enter");
  const failed = page.locator(".message-out", { hasText: "Found it, it ships today." }).locator(".message-error");
  await failed.waitFor({ timeout: 10_000 });
  expect(await failed.textContent()).toBe("Forbidden: bot was blocked by the user");
  await page.screenshot({ path: join(SCREENSHOTS, "conversation-telegram.png") });

  expect(problems).toEqual([]);
  await context.close();
}, 90_000);
