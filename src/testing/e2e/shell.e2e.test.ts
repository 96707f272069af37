import { expect, test } from "bun:test";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { browserSuite, ARTIFACTS, PASSWORD, watchForErrors } from "./browser.ts";


const suite = browserSuite();

async function shot(page: Page, name: string) {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: false });
}

test("onboarding → logout → login → availability busy survives a reload", async () => {
  const context = await suite.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const problems = watchForErrors(page);

  // First run: every page leads to onboarding.
  await page.goto(suite.server.url + "/");
  expect(new URL(page.url()).pathname).toBe("/app/onboarding");
  await shot(page, "onboarding");
  await page.fill("#f-name", "Olivia Owner");
  await page.fill("#f-account_name", "Acme Support");
  await page.fill("#f-email", "olivia@acme.test");
  await page.fill("#f-password", PASSWORD);
  await Promise.all([page.waitForURL(/\/app\/accounts\/\d+\/dashboard$/), page.click("button[type=submit]")]);
  expect(await page.locator("h1.page-title").textContent()).toBe("Conversations");
  const dashboard = page.url();

  // Log out through the avatar menu (an Alpine component under the CSP build).
  await page.click('[data-testid="avatar-button"]');
  await page.locator('[data-testid="logout"]').waitFor({ state: "visible" });
  await Promise.all([page.waitForURL(/\/app\/login$/), page.click('[data-testid="logout"]')]);
  await shot(page, "login");

  // Log back in.
  await page.fill("#f-email", "olivia@acme.test");
  await page.fill("#f-password", PASSWORD);
  await Promise.all([page.waitForURL(dashboard), page.click("button[type=submit]")]);

  // Change availability to busy (htmx swaps the menu), then reload: still busy.
  const dot = '[data-testid="avatar-button"] .status-dot';
  expect(await page.getAttribute(dot, "data-status")).toBe("offline");
  await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
  await page.click('[data-testid="avatar-button"]');
  await page.locator('button[data-availability="busy"]').click();
  await page.waitForSelector(`${dot}[data-status="busy"]`);
  // htmx swapped the menu in place (CSRF token sent as a header by static/js/app.js): no page load happened
  expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
  await page.reload();
  expect(await page.getAttribute(dot, "data-status")).toBe("busy");
  await page.click('[data-testid="avatar-button"]');
  await page.locator('[data-testid="logout"]').waitFor({ state: "visible" });
  await page.waitForTimeout(300); // let the menu finish fading in
  await shot(page, "dashboard-avatar-menu");

  // Profile settings.
  await page.keyboard.press("Escape");
  await page.goto(dashboard.replace(/dashboard$/, "settings/profile"));
  expect(await page.locator("h1.page-title").textContent()).toBe("Profile");
  await shot(page, "profile");

  // A password-reset mail from a signed-out visitor, read in the outbox.
  const visitor = await suite.browser.newPage();
  await visitor.goto(suite.server.url + "/app/auth/password");
  await visitor.fill("#f-email", "olivia@acme.test");
  await visitor.click("button[type=submit]");
  await visitor.locator("#reset-sent").waitFor();
  await visitor.close();
  await page.goto(dashboard.replace(/dashboard$/, "settings/outbox"));
  await page.locator(".row-anchor").first().click();
  expect(await page.locator('[data-testid="mail-body"]').textContent()).toContain("/app/auth/password/edit?reset_password_token=");
  await shot(page, "outbox");
  await page.goto(dashboard.replace(/dashboard$/, "settings/jobs"));
  await shot(page, "jobs");

  expect(problems).toEqual([]);
  await context.close();
}, 120_000);
