// Assignment settings in the browser: an administrator creates a balanced policy, gives an inbox that policy and a
// limit of open conversations per agent, and a capacity policy that holds one agent to a single conversation in
// that inbox; conversations then created through the API land on the right agents, and the inbox's settings page
// names its policy.
import { expect, test } from "bun:test";
import { accountPath, addInboxMembers, caller, createApiInbox, setAvailability, startConversation } from "../../api/v1/accounts/conversation-test-kit.ts";
import { createAdmin, createAgent } from "../server.ts";
import { browserSuite, screenshot, watchForErrors } from "./browser.ts";

const suite = browserSuite();

test("create a balanced policy with a capacity limit, attach it to an inbox, and conversations land on the right agents", async () => {
  const created = await createAdmin(suite.server, { name: "Ada Admin" });
  const admin = { ...created, user: { id: created.user.id as number } };
  const call = caller(suite.server);
  const inbox = await createApiInbox(suite.server, admin, { name: "Support" });
  await createApiInbox(suite.server, admin, { name: "Sales" });
  const ann = await createAgent(suite.server, admin, { name: "Ann Agent" });
  const bob = await createAgent(suite.server, admin, { name: "Bob Agent" });
  await addInboxMembers(suite.server, admin, inbox.id, [ann.user.id, bob.user.id]);
  await setAvailability(suite.server, admin, ann.user.id, "online");
  await setAvailability(suite.server, admin, bob.user.id, "online");
  const base = `${suite.server.url}/app/accounts/${admin.account.id}`;

  const page = await suite.browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems = watchForErrors(page);
  await page.goto(suite.server.url + "/app/login");
  await page.fill("#f-email", created.email);
  await page.fill("#f-password", created.password);
  await Promise.all([page.waitForURL(/\/dashboard$/), page.click("button[type=submit]")]);

  // Settings → Assignment, from the settings navigation.
  await page.goto(`${base}/settings/profile`);
  await Promise.all([page.waitForURL(/settings\/assignment$/), page.click('a.subnav-link:has-text("Assignment")')]);

  // A policy with a bad window is refused, naming the field; then created.
  await page.fill("#f-name", "Balanced support");
  await page.selectOption("#f-assignment_order", "balanced");
  await page.fill("#f-fair_distribution_window", "0");
  await page.click('#new-policy-form button[type="submit"]');
  await expect(page.locator("#f-fair_distribution_window-error").textContent()).resolves.toContain("greater than 0");
  await page.fill("#f-fair_distribution_window", "3600");
  await Promise.all([page.waitForURL(/saved=policy-created/), page.click('#new-policy-form button[type="submit"]')]);
  await expect(page.locator("#assignment-policies tbody tr").count()).resolves.toBe(1);
  await expect(page.locator("#assignment-policies tbody tr").textContent()).resolves.toContain("Balanced (fewest open conversations)");

  // The Support inbox: this policy, at most two open conversations per agent.
  const row = page.locator(`li[data-inbox-id="${inbox.id}"]`);
  await row.locator('select[name="assignment_policy_id"]').selectOption({ label: "Balanced support" });
  await row.locator('input[name="max_assignment_limit"]').fill("2");
  await Promise.all([page.waitForURL(/saved=inbox-saved/), row.locator('button[type="submit"]').click()]);
  await expect(page.locator(`li[data-inbox-id="${inbox.id}"] select[name="assignment_policy_id"]`).inputValue()).resolves.not.toBe("");
  await expect(page.locator(`li[data-inbox-id="${inbox.id}"] input[name="max_assignment_limit"]`).inputValue()).resolves.toBe("2");
  await expect(page.locator("#assignment-policies tbody tr").textContent()).resolves.toContain("Support");

  // A capacity policy: Bob holds at most one open conversation in Support.
  await page.fill("#f-capacity-name", "Part-time");
  await Promise.all([page.waitForURL(/settings\/assignment\/capacity\/\d+$/), page.click('#new-capacity-form button[type="submit"]')]);
  await page.selectOption("#f-limit-inbox", { label: "Support" });
  await page.fill("#add-limit-form #f-conversation_limit", "1");
  await Promise.all([page.waitForURL(/saved=limit/), page.click('#add-limit-form button[type="submit"]')]);
  await page.selectOption("#f-member", { label: "Bob Agent" });
  await Promise.all([page.waitForURL(/saved=member/), page.click('#add-member-form button[type="submit"]')]);
  await expect(page.locator("#capacity-limits").textContent()).resolves.toContain("Support");
  await expect(page.locator("#capacity-members").textContent()).resolves.toContain("Bob Agent");
  await screenshot(page, "settings-assignment-capacity");

  await page.goto(`${base}/settings/assignment`);
  await expect(page.locator("#capacity-policies tbody tr").textContent()).resolves.toContain("Support: 1");
  await page.locator("#assignment-inboxes").scrollIntoViewIfNeeded();
  await screenshot(page, "settings-assignment");

  // Conversations through the API: balanced, Bob stops at one (his capacity), Ann at two (the inbox's limit).
  const assignees: (number | null)[] = [];
  for (let i = 0; i < 4; i++) assignees.push((await startConversation(suite.server, admin, inbox.id)).meta.assignee?.id ?? null);
  expect(assignees.filter((id) => id === ann.user.id)).toHaveLength(2);
  expect(assignees.filter((id) => id === bob.user.id)).toHaveLength(1);
  expect(assignees.filter((id) => id === null)).toHaveLength(1);
  const policy = (await call(admin.token, "GET", accountPath(admin.account.id, `/inboxes/${inbox.id}/assignment_policy`))).body;
  expect(policy).toMatchObject({ name: "Balanced support", assignment_order: "balanced" });

  // The inbox's settings page names its policy and links to the assignment settings.
  await page.goto(`${base}/settings/inboxes/${inbox.id}`);
  await expect(page.locator("#inbox-assignment-policy").textContent()).resolves.toContain("Balanced support");
  await Promise.all([page.waitForURL(/settings\/assignment$/), page.click("#inbox-assignment-policy a")]);

  // The refused policy is the one 422 (the browser logs every non-2xx response); nothing else went wrong.
  expect(problems.filter((p) => !p.includes("status of 422"))).toEqual([]);
  expect(problems.filter((p) => p.includes("status of 422"))).toHaveLength(1);
  await page.close();
}, 120_000);
