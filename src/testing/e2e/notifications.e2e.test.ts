// Notifications in a real browser: a teammate's @-mention raises the rail badge live (over /cable), the page lists
// it, opening it lands on the conversation and clears the badge.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { accountPath, addInboxMembers, caller, createApiInbox, startConversation } from "../../api/v1/accounts/conversation-test-kit.ts";
import { createAdmin, createAgent, startTestServer, type TestServer } from "../server.ts";
import { launchBrowser, SCREENSHOTS, watchForErrors } from "./browser.ts";

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = startTestServer();
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

test("a mention raises the badge live; the page lists it; opening it goes to the conversation and clears the badge", async () => {
  const admin = await createAdmin(server, { name: "Olivia Owner" });
  const agent = await createAgent(server, admin, { name: "Alex Agent" });
  const owner = { ...admin, user: { id: admin.user.id as number } };
  const inbox = await createApiInbox(server, owner);
  await addInboxMembers(server, owner, inbox.id, [agent.user.id]);
  const conv = await startConversation(server, owner, inbox.id);
  const call = caller(server);
  const mention = (text: string) =>
    call(admin.token, "POST", accountPath(admin.account.id, `/conversations/${conv.id}/messages`), {
      content: `[@Alex Agent](mention://user/${agent.user.id}/Alex%20Agent) ${text}`,
      private: true,
    });

  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  const problems = watchForErrors(page);
  await page.goto(server.url + "/app/login");
  await page.fill("#f-email", agent.email);
  await page.fill("#f-password", agent.password);
  await Promise.all([page.waitForURL(/\/dashboard$/), page.click("button[type=submit]")]);
  const badge = page.locator("[data-notification-badge]");
  await expect(badge.isHidden()).resolves.toBe(true);
  // Wait until the page's /cable subscription is confirmed, then mention the agent.
  await page.waitForFunction(() => (window as unknown as { parleyRealtime?: { connected: boolean } }).parleyRealtime?.connected === true);
  expect((await mention("can you check the invoice?")).status).toBe(200);
  await page.waitForFunction(() => document.querySelector("[data-notification-badge]")?.textContent?.trim() === "1", undefined, { timeout: 5000 });
  expect((await mention("and the refund too")).status).toBe(200);
  await page.waitForFunction(() => document.querySelector("[data-notification-badge]")?.textContent?.trim() === "2", undefined, { timeout: 5000 });

  await page.click('a.rail-link[href$="/notifications"]');
  await page.waitForURL(/\/notifications$/);
  await page.waitForFunction(() => document.querySelectorAll(".notification.is-unread").length === 2, undefined, { timeout: 5000 });
  await page.screenshot({ path: join(SCREENSHOTS, "notifications.png") });
  await Promise.all([page.waitForURL(new RegExp(`/conversations/${conv.id}$`)), page.locator(".notification-button").first().click()]);
  await page.waitForFunction(() => document.querySelector("[data-notification-badge]")?.textContent?.trim() === "1", undefined, { timeout: 5000 });
  await page.goto(page.url().replace(/\/conversations\/\d+$/, "/notifications"));
  await Promise.all([page.waitForURL(/\/notifications$/), page.click("text=Mark all as read")]);
  await page.locator("[data-notification-badge]").waitFor({ state: "hidden", timeout: 5000 });
  expect(problems).toEqual([]);
  await page.close();
}, 60_000);
