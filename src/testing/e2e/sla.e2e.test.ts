// SLA policies in the browser: an administrator creates a policy in Settings → SLA policies, applies it to a
// conversation from the sidebar's SLA card, sees the badge in the conversation list, and the card follows a reply
// made elsewhere (realtime conversation.updated).
import { expect, test } from "bun:test";
import { join } from "node:path";
import { accountPath, caller, createApiInbox, startConversation } from "../../api/v1/accounts/conversation-test-kit.ts";
import { createAdmin } from "../server.ts";
import { browserSuite, SCREENSHOTS, watchForErrors } from "./browser.ts";

const suite = browserSuite();

test("create a policy in settings, apply it in the sidebar, see the badge and the card follow a reply", async () => {
  const created = await createAdmin(suite.server, { name: "Olivia Owner" });
  const admin = { ...created, user: { id: created.user.id as number } };
  const inbox = await createApiInbox(suite.server, admin, { enable_auto_assignment: false });
  const conv = await startConversation(suite.server, admin, inbox.id);
  await caller(suite.server)(admin.token, "POST", accountPath(admin.account.id, `/conversations/${conv.id}/messages`), { content: "My order never arrived", message_type: "incoming" });
  // Assigned to the administrator, so it is in their "Mine" list.
  await caller(suite.server)(admin.token, "POST", accountPath(admin.account.id, `/conversations/${conv.id}/assignments`), { assignee_id: admin.user.id });
  const base = `${suite.server.url}/app/accounts/${admin.account.id}`;

  const page = await suite.browser.newPage({ viewport: { width: 1280, height: 800 } });
  const problems = watchForErrors(page);
  await page.goto(suite.server.url + "/app/login");
  await page.fill("#f-email", created.email);
  await page.fill("#f-password", created.password);
  await Promise.all([page.waitForURL(/\/dashboard$/), page.click("button[type=submit]")]);

  // Settings → SLA policies (through the settings navigation): a first response within 1 hour, resolution in 8.
  await page.goto(`${base}/settings/account`);
  await Promise.all([page.waitForURL(/\/settings\/sla$/), page.click('a.subnav-link:has-text("SLA policies")')]);
  await page.fill("#f-name", "Priority support");
  await page.fill("#add-sla-form-frt-hours", "1");
  await page.fill("#add-sla-form-rt-hours", "8");
  await Promise.all([page.waitForURL(/saved=created/), page.click('#add-sla-form button[type="submit"]')]);
  const row = page.locator("#sla-policies-table tbody tr");
  await expect(row.count()).resolves.toBe(1);
  await expect(row.first().textContent()).resolves.toContain("1 h");
  await page.screenshot({ path: join(SCREENSHOTS, "settings-sla.png") });

  // The conversation's sidebar: the SLA card offers the policy; applying it shows the countdown.
  await page.goto(`${base}/conversations/${conv.id}`);
  const card = page.locator("#sidebar-section-sla");
  await card.locator("select#sla-policy-select").waitFor();
  await card.locator("select#sla-policy-select").selectOption({ label: "Priority support" });
  await card.locator('button:has-text("Apply")').click();
  await page.locator("#sidebar-section-sla .sla-policy-name:has-text('Priority support')").waitFor();
  await expect(page.locator("#sidebar-section-sla .sla-headline").textContent()).resolves.toMatch(/First response due in (59m|1h)/);
  const applied = await caller(suite.server)(admin.token, "GET", accountPath(admin.account.id, `/conversations/${conv.id}`));
  expect(applied.body.applied_sla).toMatchObject({ sla_name: "Priority support", sla_status: "active" });

  // The list row shows the badge (the list refreshes on the conversation.updated the policy caused).
  await page.locator(`#conversation-row-${conv.id} .sla-badge.sla-badge-on_time`).waitFor();
  await page.screenshot({ path: join(SCREENSHOTS, "conversation-sla.png") });

  // A reply through the API (another agent's tab): the first response target is met, the card moves on to the
  // resolution target without a reload.
  await caller(suite.server)(admin.token, "POST", accountPath(admin.account.id, `/conversations/${conv.id}/messages`), { content: "Looking into it", message_type: "outgoing" });
  await page.locator("#sidebar-section-sla .sla-headline:has-text('Resolution due in')").waitFor();
  await expect(page.locator("#sidebar-section-sla .sla-target").count()).resolves.toBe(1);
  await page.locator("#sidebar-section-sla").screenshot({ path: join(SCREENSHOTS, "conversation-sla-card.png") });

  expect(problems).toEqual([]);
  await page.close();
}, 60_000);
