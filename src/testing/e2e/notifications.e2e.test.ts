// Notifications in a real browser: a teammate's @-mention raises the rail badge live (over /cable), the page lists
// it; mark read and snooze swap the list in place and move the badge; a new one appears live; opening one lands on the
// conversation; mark all read; the preferences table in the profile saves.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { accountPath, addInboxMembers, caller, createApiInbox, startConversation } from "../../api/v1/accounts/conversation-test-kit.ts";
import { createAdmin, createAgent } from "../server.ts";
import { browserSuite, SCREENSHOTS, watchForErrors } from "./browser.ts";

const suite = browserSuite();

test("a mention raises the badge live; mark read, snooze, live arrival, open, mark all read; preferences", async () => {
  const admin = await createAdmin(suite.server, { name: "Olivia Owner" });
  const agent = await createAgent(suite.server, admin, { name: "Alex Agent" });
  const owner = { ...admin, user: { id: admin.user.id as number } };
  const inbox = await createApiInbox(suite.server, owner);
  await addInboxMembers(suite.server, owner, inbox.id, [agent.user.id]);
  const conv = await startConversation(suite.server, owner, inbox.id);
  const call = caller(suite.server);
  const mention = (text: string) =>
    call(admin.token, "POST", accountPath(admin.account.id, `/conversations/${conv.id}/messages`), {
      content: `[@Alex Agent](mention://user/${agent.user.id}/Alex%20Agent) ${text}`,
      private: true,
    });

  const page = await suite.browser.newPage({ viewport: { width: 1280, height: 720 } });
  const problems = watchForErrors(page);
  await page.goto(suite.server.url + "/app/login");
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

  // Mark the newest read: the centre is swapped in place, the badge follows.
  await page.locator('.notification.is-unread [data-testid="notification-read"]').first().click();
  await page.waitForFunction(() => document.querySelectorAll(".notification.is-unread").length === 1, undefined, { timeout: 5000 });
  await page.waitForFunction(() => document.querySelector("[data-notification-badge]")?.textContent?.trim() === "1", undefined, { timeout: 5000 });
  expect(await page.locator(".notification").count()).toBe(2);

  // Snooze the other for an hour: it leaves the list and the count.
  const unreadRow = page.locator(".notification.is-unread");
  await unreadRow.locator('[data-testid="notification-snooze"]').click();
  await unreadRow.locator('[data-testid="snooze-hour"]').waitFor({ state: "visible" });
  await page.waitForTimeout(200); // the menu's fade-in
  await page.screenshot({ path: join(SCREENSHOTS, "notifications-snooze.png") });
  await unreadRow.locator('[data-testid="snooze-hour"]').click();
  await page.waitForFunction(() => document.querySelectorAll(".notification").length === 1 && !document.querySelector(".notification.is-unread"), undefined, { timeout: 5000 });
  await badge.waitFor({ state: "hidden", timeout: 5000 });
  const snoozed = await call(agent.token, "GET", accountPath(admin.account.id, "/notifications?includes[]=snoozed"));
  expect(snoozed.body.data.payload.filter((n: { snoozed_until: string | null }) => n.snoozed_until !== null)).toHaveLength(1);

  // A new mention while the page is open shows up in the list and the badge without a reload.
  expect((await mention("one more thing")).status).toBe(200);
  await page.waitForFunction(() => document.querySelectorAll(".notification.is-unread").length === 1, undefined, { timeout: 5000 });
  await page.waitForFunction(() => document.querySelector("[data-notification-badge]")?.textContent?.trim() === "1", undefined, { timeout: 5000 });
  expect(await page.locator(".notification.is-unread .notification-body").textContent()).toContain("one more thing");

  // Opening it goes to the conversation and reads it.
  await Promise.all([page.waitForURL(new RegExp(`/conversations/${conv.id}$`)), page.locator(".notification.is-unread .notification-button").click()]);
  await badge.waitFor({ state: "hidden", timeout: 5000 });

  // Mark all as read.
  await page.waitForFunction(() => (window as unknown as { parleyRealtime?: { connected: boolean } }).parleyRealtime?.connected === true);
  expect((await mention("last one")).status).toBe(200);
  await page.waitForFunction(() => document.querySelector("[data-notification-badge]")?.textContent?.trim() === "1", undefined, { timeout: 5000 });
  await page.goto(page.url().replace(/\/conversations\/\d+$/, "/notifications"));
  await Promise.all([page.waitForURL(/\/notifications$/), page.click("text=Mark all as read")]);
  await badge.waitFor({ state: "hidden", timeout: 5000 });

  // Preferences: new conversations, assignments, mentions, new messages and SLA misses × email and in-app.
  await page.goto(page.url().replace(/\/notifications$/, "/settings/profile"));
  const prefs = page.locator("#notifications-form");
  await expect(prefs.locator("th").nth(2).textContent()).resolves.toContain("In-app");
  await prefs.locator('input[value="push_conversation_creation"]').check();
  await prefs.locator('input[value="email_conversation_mention"]').check();
  await prefs.scrollIntoViewIfNeeded();
  await page.locator('section[aria-labelledby="notifications-heading"]').screenshot({ path: join(SCREENSHOTS, "notification-preferences.png") });
  await Promise.all([page.waitForURL(/saved=notifications$/), prefs.locator('button[type="submit"]').click()]);
  const saved = await call(agent.token, "GET", accountPath(admin.account.id, "/notification_settings"));
  expect(saved.body.selected_push_flags).toContain("push_conversation_creation");
  expect(saved.body.selected_email_flags).toEqual(["email_conversation_assignment", "email_conversation_mention"]);
  expect(problems).toEqual([]);
  await page.close();
}, 60_000);
