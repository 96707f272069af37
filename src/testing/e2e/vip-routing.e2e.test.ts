// Issue 8, "Done when": a support lead expresses "VIP customers' conversations go to the Tier-2 team with high
// priority and a 1-hour first-response SLA" through the dashboard alone, and watches it happen to a new conversation.
//
// Everything the lead sets up goes through the dashboard's pages (onboarding, Settings → Inboxes, Agents, Teams,
// Custom attributes, SLA policies, Automation). The customers write in as an API-channel client does (the public
// client API with the inbox identifier the inbox page shows): a contact whose VIP checkbox attribute is set, and one
// whose is not. The lead's open dashboard shows the VIP conversation arrive with priority High and the SLA badge,
// and its sidebar names the Tier-2 team and the first response due; the other conversation gets none of it.
import { expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { browserSuite, fillAutomationRule, screenshot, submitOnboarding, watchForErrors } from "./browser.ts";

const suite = browserSuite();

/** The customer's side: the public client API of the API channel (what an app or website integration calls). */
async function customerWritesIn(inboxIdentifier: string, contact: { name: string; email: string; custom_attributes: Record<string, unknown> }, text: string) {
  const pub = async (path: string, json: unknown) => {
    const res = await fetch(`${suite.server.url}/public/api/v1/inboxes/${inboxIdentifier}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(json) });
    expect(res.status).toBe(200);
    return res.json() as Promise<any>;
  };
  const who = await pub("/contacts", contact);
  const conversation = await pub(`/contacts/${who.source_id}/conversations`, {});
  await pub(`/contacts/${who.source_id}/conversations/${conversation.id}/messages`, { content: text });
  return conversation.id as number;
}

/** The dashboard's realtime socket is subscribed (what the customer does next reaches this page). */
async function realtimeConnected(page: Page) {
  await page.waitForFunction(() => (window as unknown as { parleyRealtime?: { connected: boolean } }).parleyRealtime?.connected === true, undefined, { timeout: 15_000 });
}

async function submitAndWait(page: Page, url: RegExp, button: string) {
  await Promise.all([page.waitForURL(url), page.click(button)]);
}

test("a lead routes VIP customers to Tier-2 with high priority and a 1-hour SLA, from the dashboard alone", async () => {
  const context = await suite.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = watchForErrors(page);

  // The lead's account (first run: onboarding).
  await page.goto(suite.server.url + "/");
  const { accountBase } = await submitOnboarding(page, { name: "Lena Lead", account: "Acme Support", email: "lena@acme.test" });

  // Settings → Inboxes: an API channel for the customer app; its page shows the identifier the app uses.
  await page.goto(`${accountBase}/settings/inboxes/new`);
  await page.fill("#f-name", "Customer app");
  await submitAndWait(page, /\/settings\/inboxes\/\d+\?created=1$/, '#new-inbox-form button[type="submit"]');
  const inboxIdentifier = (await page.locator('#inbox-created [data-testid="inbox-identifier"]').textContent())!.trim();
  expect(inboxIdentifier).toMatch(/^\S{8,}$/);
  await screenshot(page, "vip-routing-1-inbox");

  // Settings → Agents: the Tier-2 specialist.
  await page.goto(`${accountBase}/settings/agents`);
  await page.click("#add-agent");
  const invite = page.locator("dialog#agent-invite");
  await invite.waitFor({ state: "visible" });
  await invite.locator("#f-name").fill("Theo Tier");
  await invite.locator("#f-email").fill("theo@acme.test");
  await Promise.all([page.waitForURL(/\/settings\/agents\?saved=invited$/), invite.locator('button[type="submit"]', { hasText: "Add Agent" }).click()]);
  await page.locator("#agents-table tbody tr", { hasText: "Theo Tier" }).waitFor();

  // Settings → Teams: "Tier-2" with Theo (team names are kept in lower case, as Chatwoot does).
  await page.goto(`${accountBase}/settings/teams`);
  await page.click("#create-team");
  const create = page.locator("dialog#team-create");
  await create.waitFor({ state: "visible" });
  await create.locator("#f-name").fill("Tier-2");
  await create.locator("textarea[name=description]").fill("Specialists for our VIP customers");
  await Promise.all([page.waitForURL(/\/settings\/teams\/\d+\?saved=team-created$/), create.locator("button", { hasText: "Create team" }).click()]);
  await page.locator("#add-members-form label", { hasText: "Theo Tier" }).locator("input").check();
  await submitAndWait(page, /\?saved=members-added$/, '#add-members-form button[type="submit"]');
  expect(await page.locator("#members-table").textContent()).toContain("Theo Tier");
  await screenshot(page, "vip-routing-2-team");

  // Settings → Custom attributes (contacts): a VIP checkbox.
  await page.goto(`${accountBase}/settings/custom-attributes?model=contact`);
  await page.fill("#f-attribute_display_name", "VIP");
  await page.selectOption("#f-attribute_display_type", "checkbox");
  await submitAndWait(page, /saved=created/, '#add-attribute-form button[type="submit"]');
  await page.locator('tr[data-attribute-key="vip"]').waitFor();
  await screenshot(page, "vip-routing-3-attribute");

  // Settings → SLA policies: a first response within one hour.
  await page.goto(`${accountBase}/settings/sla`);
  await page.fill("#f-name", "1 hour first response");
  await page.fill("#add-sla-form-frt-hours", "1");
  await submitAndWait(page, /saved=created/, '#add-sla-form button[type="submit"]');
  expect(await page.locator("#sla-policies-table tbody tr").first().textContent()).toContain("1 h");
  await screenshot(page, "vip-routing-4-sla");

  // Settings → Automation: on a new conversation, VIP is true → Tier-2, high priority, the SLA.
  await page.goto(`${accountBase}/settings/automation`);
  const { addAction } = await fillAutomationRule(page, {
    name: "VIP customers to Tier-2",
    description: "High priority and a 1-hour first response for VIPs",
    event: "conversation_created",
    condition: { attribute: "contact_attribute:vip", operator: "equal_to", value: "true" },
  });
  await (await addAction("assign_team")).locator('[data-editor="team"] select').selectOption({ label: "tier-2" });
  await (await addAction("change_priority")).locator('[data-editor="priority"] select').selectOption("high");
  await (await addAction("add_sla")).locator('[data-editor="sla"] select').selectOption({ label: "1 hour first response" });
  await screenshot(page, "vip-routing-5-rule-builder");
  await submitAndWait(page, /\/settings\/automation\?saved=created$/, '#automation-rule-form button[type="submit"]');
  const ruleRow = page.locator("#automation-rules-table tbody tr", { hasText: "VIP customers to Tier-2" });
  expect(await ruleRow.textContent()).toContain("Assign a team → Change the priority → Add an SLA policy");
  await screenshot(page, "vip-routing-6-rules");

  // The lead's dashboard, all conversations, open while the customers write in.
  await page.goto(`${accountBase}/dashboard?assignee_type=all`);
  await realtimeConnected(page);

  // A VIP customer starts a conversation: it arrives with priority High and the SLA badge.
  const vip = await customerWritesIn(inboxIdentifier, { name: "Vera Vip", email: "vera@bigcorp.example", custom_attributes: { vip: true } }, "Our checkout is down!");
  const vipRow = page.locator(`#conversation-row-${vip}`);
  await vipRow.waitFor({ timeout: 15_000 });
  await vipRow.locator(".ws-priority.ws-priority-high").waitFor({ timeout: 15_000 });
  await vipRow.locator(".sla-badge").waitFor({ timeout: 15_000 });
  expect(await vipRow.locator(".sla-badge").getAttribute("class")).toContain("sla-badge-on_time");
  await screenshot(page, "vip-routing-7-dashboard");

  // Its sidebar: team Tier-2, first response due within the hour.
  await vipRow.locator("a.ws-row-link").click();
  await page.locator("#sidebar-section-sla .sla-policy-name", { hasText: "1 hour first response" }).waitFor();
  expect(await page.locator("#sidebar-section-sla .sla-headline").textContent()).toMatch(/First response due in (59m|1h)/);
  await page.locator("#conversation-pane", { hasText: "Assigned to tier-2 by Automation System" }).first().waitFor();
  expect(await page.locator("#sidebar-team option:checked").textContent()).toBe("tier-2");
  await screenshot(page, "vip-routing-8-conversation");

  // A customer who is not a VIP: the conversation arrives, and stays without team, priority or SLA.
  await page.goto(`${accountBase}/dashboard?assignee_type=all`);
  await realtimeConnected(page);
  const plain = await customerWritesIn(inboxIdentifier, { name: "Paul Plain", email: "paul@smallshop.example", custom_attributes: { vip: false } }, "How do I change my password?");
  const plainRow = page.locator(`#conversation-row-${plain}`);
  await plainRow.waitFor({ timeout: 15_000 });
  // Rules act before the customer's request returns: nothing more is coming.
  await page.reload();
  await plainRow.waitFor();
  expect(await plainRow.locator(".ws-priority").count()).toBe(0);
  expect(await plainRow.locator(".sla-badge").count()).toBe(0);
  await plainRow.locator("a.ws-row-link").click();
  await page.locator("#sidebar-section-sla").waitFor();
  expect(await page.locator("#sidebar-section-sla .sla-policy-name").count()).toBe(0);
  expect(await page.locator("#sidebar-team option:checked").textContent()).toBe("None");
  expect(await page.locator("#conversation-pane").textContent()).not.toContain("Automation System");
  // The VIP's row is still there, as it was.
  expect(await page.locator(`#conversation-row-${vip} .ws-priority-high`).count()).toBe(1);
  await screenshot(page, "vip-routing-9-not-vip");

  expect(problems).toEqual([]);
  await context.close();
}, 120_000);
