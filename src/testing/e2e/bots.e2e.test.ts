// Settings → Bots and the inbox bot picker in a real browser (Chromium under the dashboard's CSP).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { startTestServer, type TestServer } from "../server.ts";

const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = join(import.meta.dir, "../../../.test-artifacts");
const PASSWORD = "Passw0rd!long";

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  mkdirSync(ARTIFACTS, { recursive: true });
  server = startTestServer();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

function watchForErrors(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(msg.text());
  });
  page.on("pageerror", (err) => problems.push(err.message));
  return problems;
}

test("create a bot in Settings → Bots and connect it to an inbox", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const problems = watchForErrors(page);

  await page.goto(server.url + "/app/onboarding");
  await page.fill("#f-name", "Olivia Owner");
  await page.fill("#f-account_name", "Acme Support");
  await page.fill("#f-email", "olivia@acme.test");
  await page.fill("#f-password", PASSWORD);
  await Promise.all([page.waitForURL(/\/app\/accounts\/\d+\/dashboard$/), page.click("button[type=submit]")]);
  const accountUrl = page.url().replace(/\/dashboard$/, "");
  const accountId = Number(accountUrl.split("/").pop());

  // An API inbox to connect (inboxes are created through the API), with the owner's token from the profile page.
  await page.goto(`${accountUrl}/settings/profile`);
  const token = await page.getAttribute('[data-testid="access-token"]', "data-value");
  const api = (method: string, path: string, json?: unknown) =>
    server.api(`/api/v1/accounts/${accountId}${path}`, { method, token: token!, json }).then((r) => r.json());
  const inbox = await api("POST", "/inboxes", { name: "Website API", channel: { type: "api", webhook_url: "" } });

  // Settings → Bots from the settings navigation.
  await Promise.all([page.waitForURL(/\/settings\/bots$/), page.click('nav[aria-label="Settings"] a:has-text("Bots")')]);
  await page.fill("#f-name", "Triage bot");
  await page.fill("#f-outgoing_url", "https://bot.example.com/events");
  await Promise.all([page.waitForURL(/saved=created$/), page.click('#add-bot-form button[type="submit"]')]);
  await page.locator("#bots-notice").waitFor();
  const row = page.locator("#bots-table tbody tr", { hasText: "Triage bot" });
  expect(await row.count()).toBe(1);
  expect(await row.textContent()).toContain("https://bot.example.com/events");
  const botId = await row.getAttribute("data-bot-id");
  const secret = (await page.locator(`[data-bot-credentials="${botId}"] [data-testid="bot-secret"]`).textContent())!.trim();
  expect(secret.length).toBeGreaterThanOrEqual(24);
  await page.screenshot({ path: join(ARTIFACTS, "bots-settings.png"), fullPage: true });

  // Settings → Inboxes: pick the bot, Save (htmx swaps the row in place).
  await Promise.all([page.waitForURL(/\/settings\/inboxes$/), page.click('nav[aria-label="Settings"] a:has-text("Inboxes")')]);
  await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
  await page.selectOption(`#bot-${inbox.id}`, { label: "Triage bot" });
  await page.click(`#inbox-${inbox.id} button[type="submit"]`);
  await page.locator(`#inbox-${inbox.id} .badge-success`).waitFor();
  expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
  await page.screenshot({ path: join(ARTIFACTS, "inbox-bot-configuration.png"), fullPage: true });

  const connected = await api("GET", `/inboxes/${inbox.id}/agent_bot`);
  expect(connected.agent_bot).toMatchObject({ name: "Triage bot", secret });

  // The connection is there after a reload.
  await page.reload();
  expect(await page.locator(`#bot-${inbox.id} option:checked`).textContent()).toBe("Triage bot");
  expect(problems).toEqual([]);
  await context.close();
}, 60_000);
