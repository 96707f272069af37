// Settings → Add inbox → Website and the Widget tab in a real browser: the live preview follows the form as the
// admin types (Alpine, under the dashboard's CSP), and saving reaches the widget API. Screenshot: SCREENSHOTS.
import { expect, test } from "bun:test";
import { browserSuite, apiTokenFromProfile, screenshot, submitOnboarding, watchForErrors } from "./browser.ts";

const suite = browserSuite();

test("a website inbox is created, its widget preview follows the form, and the saved settings reach the widget", async () => {
  const context = await suite.browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  const problems = watchForErrors(page);

  await page.goto(suite.server.url + "/");
  const { accountBase, accountId } = await submitOnboarding(page, { name: "Wendy Web", account: "Webshop", email: "wendy@webshop.test" });
  const token = await apiTokenFromProfile(page, accountBase);

  await page.goto(`${accountBase}/settings/inboxes/new`);
  await Promise.all([page.waitForURL(/\/settings\/inboxes\/new\/website$/), page.click('[data-testid="channel-website"]')]);
  await page.fill("#f-name", "Webshop site");
  await page.fill("#f-website_url", "https://webshop.test");
  await page.fill("#f-welcome_title", "Hello from Webshop");
  await Promise.all([page.waitForURL(/\/settings\/inboxes\/\d+\/widget\?created=1$/), page.click('#new-website-form button[type="submit"]')]);
  const inboxId = Number(/inboxes\/(\d+)\/widget/.exec(page.url())![1]);
  const inbox = (await (await suite.server.api(`/api/v1/accounts/${accountId}/inboxes/${inboxId}`, { token })).json()) as { website_token: string };
  await page.locator("#inbox-created").waitFor();
  expect(await page.locator('[data-testid="widget-snippet"]').textContent()).toContain(inbox.website_token);
  // The tab as an admin finds it later (no "created" banner).
  await page.goto(`${accountBase}/settings/inboxes/${inboxId}/widget`);

  // The preview starts from the stored settings and follows typing, the colour picker and the reply-time select.
  const preview = page.locator('[data-testid="widget-preview"]');
  expect((await preview.locator('[data-testid="preview-title"]').textContent())!.trim()).toBe("Hello from Webshop");
  await page.fill("#widget-form #f-welcome_title", "Need a hand?");
  await page.fill("#widget-form #f-welcome_tagline", "Our team answers within the hour.");
  await page.locator("#widget-form #f-widget_color").fill("#aa3300");
  await page.selectOption("#widget-form #f-reply_time", "in_a_few_hours");
  expect((await preview.locator('[data-testid="preview-title"]').textContent())!.trim()).toBe("Need a hand?");
  expect((await preview.locator('[data-testid="preview-tagline"]').textContent())!.trim()).toBe("Our team answers within the hour.");
  expect((await preview.locator('[data-testid="preview-reply-time"]').textContent())!.trim()).toBe("Typically replies in a few hours");
  const headerColor = await preview.locator(".widget-preview-header").evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(headerColor).toBe("rgb(170, 51, 0)");

  await screenshot(page, "settings-website-inbox");

  await Promise.all([page.waitForURL(/\/widget\?saved=1$/), page.click('#widget-form button[type="submit"]')]);
  await page.locator("text=Widget settings saved").waitFor();
  const cfg = (await (await suite.server.api(`/api/v1/widget/config?website_token=${inbox.website_token}`, { method: "POST" })).json()) as { website_channel_config: Record<string, unknown> };
  expect(cfg.website_channel_config).toMatchObject({ welcome_title: "Need a hand?", widget_color: "#aa3300", reply_time: "in_a_few_hours" });
  expect(problems).toEqual([]);
  await context.close();
}, 60_000);
