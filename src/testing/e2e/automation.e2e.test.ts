// Settings → Automation and Settings → Macros in a real browser: a support lead builds "VIP customers go to Tier 2
// with high priority" with the condition/action builders and watches it happen to a new conversation; then a macro
// built with the ordered action editor runs from the conversation header's menu in one click.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { actionAdder, browserSuite, fillAutomationRule, SCREENSHOTS, apiTokenFromProfile, submitOnboarding, watchForErrors } from "./browser.ts";
import { createAgent } from "../server.ts";

const suite = browserSuite();

test("automation rule and macro built in the dashboard act on conversations", async () => {
  const context = await suite.browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  const problems = watchForErrors(page);

  await page.goto(suite.server.url + "/");
  const { accountBase, accountId } = await submitOnboarding(page, { name: "Lena Lead", account: "Support Co", email: "lena@support.test" });
  const token = await apiTokenFromProfile(page, accountBase);
  const api = async (method: string, path: string, json?: unknown) => {
    const res = await suite.server.api(`/api/v1/accounts/${accountId}${path}`, { method, token, json });
    expect(res.status).toBe(200);
    return res.json() as Promise<any>;
  };
  const inbox = await api("POST", "/inboxes", { name: "Support API", channel: { type: "api" } });
  const team = await api("POST", "/teams", { name: "Tier 2" });
  await api("POST", "/labels", { title: "vip" });
  const agent = await createAgent(suite.server, { account: { id: accountId }, token }, { name: "Theo Tier" });
  await api("POST", "/inbox_members", { inbox_id: inbox.id, user_ids: [agent.user.id] });
  await api("POST", `/teams/${team.id}/team_members`, { user_ids: [agent.user.id] });

  // Settings → Automation: the rule, through the builders.
  await page.goto(`${accountBase}/settings/automation`);
  await page.locator("h1", { hasText: "Automation" }).waitFor();
  const { form, actions, addAction } = await fillAutomationRule(page, {
    name: "VIP customers to Tier 2",
    description: "High priority for our VIP domain",
    event: "conversation_created",
    condition: { attribute: "email", operator: "contains", value: "@vip.example" },
  });
  const teamRow = await addAction("assign_team");
  await teamRow.locator('[data-editor="team"] select').selectOption(String(team.id));
  const priorityRow = await addAction("change_priority");
  await priorityRow.locator('[data-editor="priority"] select').selectOption("high");
  const labelRow = await addAction("add_label");
  await labelRow.locator('[data-editor="labels"] select').selectOption(["vip"]);
  const agentRow = await addAction("assign_agent");
  // Agents are pickable in assign_agent.
  expect(await agentRow.locator('[data-editor="agent"] option', { hasText: "Theo Tier" }).count()).toBe(1);
  await agentRow.locator("[data-builder-remove]").click();
  // Reorder: the label (third row) moves up twice to come first.
  const rows = actions.locator("[data-builder-rows] > [data-builder-row]");
  await rows.nth(2).locator('[data-builder-move="-1"]').click();
  await rows.nth(1).locator('[data-builder-move="-1"]').click();
  expect(await actions.locator("[data-builder-rows] > [data-builder-row]").count()).toBe(3);
  await page.screenshot({ path: join(SCREENSHOTS, "settings-automation-builder.png"), fullPage: true });
  await Promise.all([page.waitForURL(/\/settings\/automation\?saved=created$/), form.locator('button[type="submit"]').click()]);
  await page.locator("#automation-rules-table").waitFor();
  expect(await page.locator("#automation-rules-table").textContent()).toContain("Add labels → Assign a team → Change the priority");

  const [rule] = (await api("GET", "/automation_rules")).payload;
  expect(rule).toMatchObject({
    name: "VIP customers to Tier 2",
    event_name: "conversation_created",
    active: true,
    conditions: [{ attribute_key: "email", filter_operator: "contains", values: ["@vip.example"] }],
    actions: [
      { action_name: "add_label", action_params: ["vip"] },
      { action_name: "assign_team", action_params: [team.id] },
      { action_name: "change_priority", action_params: ["high"] },
    ],
  });

  // Clone it, disable the clone: the list shows both states.
  await page.locator(`tr[data-rule-id="${rule.id}"] button`, { hasText: "Clone" }).click();
  await page.waitForURL(/saved=cloned$/);
  const cloneRow = page.locator("#automation-rules-table tbody tr").last();
  await cloneRow.locator("button", { hasText: "Disable" }).click();
  await page.waitForURL(/saved=disabled$/);
  expect(await page.locator("#automation-rules-table tbody tr").last().textContent()).toContain("Disabled");
  await page.screenshot({ path: join(SCREENSHOTS, "settings-automation.png"), fullPage: true });
  // The rule's own page: the same builders, filled in, and the way back to the list.
  await Promise.all([page.waitForURL(new RegExp(`/settings/automation/${rule.id}$`)), page.locator(`tr[data-rule-id="${rule.id}"] a.automation-name`).click()]);
  expect(await page.locator('#automation-rule-form [data-builder="actions"] [data-builder-rows] > [data-builder-row]').count()).toBe(3);
  expect(await page.locator("#automation-rule-form #f-name").inputValue()).toBe("VIP customers to Tier 2");
  await page.screenshot({ path: join(SCREENSHOTS, "settings-automation-rule.png"), fullPage: true });
  await Promise.all([page.waitForURL(/\/settings\/automation$/), page.locator("a", { hasText: "Back to automation rules" }).click()]);

  // A VIP writes in: the rule acts on the new conversation.
  const vip = await api("POST", "/contacts", { name: "Vera Vip", email: "vera@vip.example", inbox_id: inbox.id });
  const conversation = await api("POST", "/conversations", { inbox_id: inbox.id, contact_id: vip.payload.contact.id, message: { content: "Our order is stuck" } });
  let seen: any = null;
  for (let i = 0; i < 100; i++) {
    seen = await api("GET", `/conversations/${conversation.id}`);
    if (seen.priority === "high") break;
    await Bun.sleep(100);
  }
  expect(seen.priority).toBe("high");
  expect(seen.labels).toEqual(["vip"]);
  expect(seen.meta.team.id).toBe(team.id);
  // An ordinary customer's conversation is left alone.
  const plain = await api("POST", "/contacts", { name: "Paul Plain", email: "paul@plain.example", inbox_id: inbox.id });
  const other = await api("POST", "/conversations", { inbox_id: inbox.id, contact_id: plain.payload.contact.id });
  await suite.server.runner.runUntilEmpty();
  expect((await api("GET", `/conversations/${other.id}`)).priority).toBeNull();

  // Settings → Macros: an ordered macro.
  await page.goto(`${accountBase}/settings/macros`);
  const macroForm = page.locator("#macro-form");
  await macroForm.locator("#f-name").fill("Escalate to Tier 2");
  await macroForm.locator('input[name="visibility"][value="global"]').check();
  const addMacroAction = actionAdder(macroForm.locator('[data-builder="actions"]'));
  await (await addMacroAction("assign_agent")).locator('[data-editor="agent"] select').selectOption("self");
  await (await addMacroAction("add_private_note")).locator('[data-editor="text"] textarea').fill("Escalated: customer waited too long");
  await (await addMacroAction("change_status")).locator('[data-editor="status"] select').selectOption("pending");
  const fileRow = await addMacroAction("send_attachment");
  await fileRow.locator('[data-editor="file"] input[type="file"]').setInputFiles({ name: "returns-policy.txt", mimeType: "text/plain", buffer: Buffer.from("Returns within 30 days.") });
  await fileRow.locator('[data-role="file-name"]', { hasText: "Sends returns-policy.txt" }).waitFor();
  await page.screenshot({ path: join(SCREENSHOTS, "settings-macros-editor.png"), fullPage: true });
  await Promise.all([page.waitForURL(/\/settings\/macros\?saved=created$/), macroForm.locator('button[type="submit"]').click()]);
  expect(await page.locator("#macros-table").textContent()).toContain("Assign an agent → Add a private note → Change the status → Send an attachment");
  await page.screenshot({ path: join(SCREENSHOTS, "settings-macros.png"), fullPage: true });

  // Run it from the conversation header.
  await page.goto(`${accountBase}/conversations/${other.id}`);
  await page.locator('[data-testid="macro-menu"]').click();
  const item = page.locator('[data-testid^="run-macro-"]', { hasText: "Escalate to Tier 2" });
  await item.waitFor();
  await page.screenshot({ path: join(SCREENSHOTS, "conversation-run-macro.png") });
  await Promise.all([page.waitForURL(new RegExp(`/conversations/${other.id}$`)), item.click()]);
  await page.locator(".conversation-header", { hasText: "Pending" }).waitFor();
  await page.locator("text=Lena Lead via macro Escalate to Tier 2 self-assigned this conversation").waitFor();
  await page.locator("text=Escalated: customer waited too long").waitFor();
  const sentFile = (await api("GET", `/conversations/${other.id}/messages`)).payload.find((m: { attachments?: unknown[] }) => m.attachments?.length);
  expect(sentFile.attachments[0].file_size).toBe("Returns within 30 days.".length);
  const after = await api("GET", `/conversations/${other.id}`);
  expect(after.status).toBe("pending");
  expect(after.meta.assignee.name).toBe("Lena Lead");
  await page.screenshot({ path: join(SCREENSHOTS, "conversation-after-macro.png") });

  expect(problems).toEqual([]);
  await context.close();
}, 90_000);
