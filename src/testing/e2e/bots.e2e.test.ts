// Settings → Bots and the inbox bot picker in a real browser (Chromium under the dashboard's CSP).
import { expect, test } from "bun:test";
import { join } from "node:path";
import { browserSuite, ARTIFACTS, apiTokenFromProfile, submitOnboarding, watchForErrors } from "./browser.ts";


const suite = browserSuite();

test("create a bot in Settings → Bots and connect it to an inbox", async () => {
  const context = await suite.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const problems = watchForErrors(page);

  await page.goto(suite.server.url + "/app/onboarding");
  const { accountBase: accountUrl, accountId } = await submitOnboarding(page, { name: "Olivia Owner", account: "Acme Support", email: "olivia@acme.test" });

  // An API inbox to connect (inboxes are created through the API), with the owner's token from the profile page.
  const token = await apiTokenFromProfile(page, accountUrl);
  const api = (method: string, path: string, json?: unknown) =>
    suite.server.api(`/api/v1/accounts/${accountId}${path}`, { method, token: token!, json }).then((r) => r.json());
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
