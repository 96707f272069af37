// The settings list pages in a real browser (shared markup in views/components/settings-list.tsx): each list shows
// its empty state, then the rows made through the API with their Edit links and Delete buttons; Delete asks first
// (dismissed: the row stays; accepted: it is gone and the page says so), Edit opens the row's form, and a bad
// submit shows the error under the field. Screenshots of every list: SCREENSHOTS (browser.ts).
import { expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { browserSuite, apiTokenFromProfile, screenshot, submitOnboarding, watchForErrors } from "./browser.ts";

const suite = browserSuite({}, { startJobs: false });

/** The list pages: path under settings/, the table's id, and the empty-state title. */
const LISTS = [
  { name: "webhooks", path: "webhooks", table: "#webhooks-table", empty: "No webhooks yet" },
  { name: "canned-responses", path: "canned-responses", table: "#canned-responses-table", empty: "No canned responses yet" },
  { name: "custom-attributes", path: "custom-attributes?model=contact", table: "#custom-attributes-table", empty: "No contact attributes yet" },
  { name: "macros", path: "macros", table: "#macros-table", empty: "No macros yet" },
  { name: "dashboard-apps", path: "integrations/dashboard-apps", table: "#dashboard-apps-table", empty: "No dashboard apps yet" },
  { name: "labels", path: "labels", table: "#labels-table", empty: "No labels yet" },
  { name: "custom-roles", path: "custom-roles", table: "#roles-table", empty: "No custom roles yet" },
  { name: "teams", path: "teams", table: "#teams-table", empty: "No teams yet" },
  { name: "bots", path: "bots", table: "#bots-table", empty: "No bots yet" },
] as const;

async function open(page: Page, url: string) {
  await page.goto(url);
  await page.locator(".page-body").waitFor();
}

test("every settings list: empty state, rows with Edit and Delete, delete asks first, edit opens the form", async () => {
  const context = await suite.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = watchForErrors(page);

  await page.goto(suite.server.url + "/");
  const { accountBase, accountId } = await submitOnboarding(page, { name: "Lisa Lister", account: "Listed", email: "lisa@listed.test" });
  const settings = `${accountBase}/settings`;
  const token = await apiTokenFromProfile(page, accountBase);
  const api = async (method: string, path: string, json?: unknown) => {
    const res = await suite.server.api(`/api/v1/accounts/${accountId}${path}`, { method, token, json });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };

  for (const list of LISTS) {
    await open(page, `${settings}/${list.path}`);
    expect(await page.locator(".card-empty .empty-title").textContent()).toBe(list.empty);
    expect(await page.locator(list.table).count()).toBe(0);
  }

  await api("POST", "/webhooks", { url: "https://hooks.example.com/parley", name: "Orders", subscriptions: ["message_created", "conversation_created"] });
  await api("POST", "/webhooks", { url: "https://hooks.example.com/plain", subscriptions: ["contact_created"] });
  await api("POST", "/canned_responses", { short_code: "hours", content: "We are open 9–17 on weekdays." });
  await api("POST", "/canned_responses", { short_code: "reset", content: "You can reset your password from the sign-in page." });
  await api("POST", "/custom_attribute_definitions", { attribute_display_name: "Plan", attribute_key: "plan", attribute_display_type: "list", attribute_model: "contact_attribute", attribute_values: ["Free", "Pro"] });
  await api("POST", "/custom_attribute_definitions", { attribute_display_name: "Customer id", attribute_key: "customer_id", attribute_display_type: "text", attribute_model: "contact_attribute", regex_pattern: "^C-\\d+$", attribute_description: "From the shop" });
  await api("POST", "/labels", { title: "billing", description: "Money questions", color: "#e0115f" });
  await api("POST", "/labels", { title: "vip", color: "#1f93ff", show_on_sidebar: false });
  await api("POST", "/macros", { name: "Escalate", visibility: "global", actions: [{ action_name: "add_label", action_params: ["billing"] }, { action_name: "resolve_conversation", action_params: [] }] });
  await api("POST", "/dashboard_apps", { dashboard_app: { title: "Customer Orders", content: [{ type: "frame", url: "https://orders.example.com/app" }] } });
  await api("POST", "/custom_roles", { name: "Supervisor", description: "Reads reports", permissions: ["report_manage", "contact_manage"] });
  await api("POST", "/teams", { name: "Tier 2", description: "Hard cases" });
  await api("POST", "/agent_bots", { name: "Triage", outgoing_url: "https://bot.example.com/events" });

  const rows: Record<(typeof LISTS)[number]["name"], number> = {
    webhooks: 2,
    "canned-responses": 2,
    "custom-attributes": 2,
    macros: 1,
    "dashboard-apps": 1,
    labels: 2,
    "custom-roles": 1,
    teams: 1,
    bots: 1,
  };
  for (const list of LISTS) {
    await open(page, `${settings}/${list.path}`);
    expect(await page.locator(".card-empty").count()).toBe(0);
    expect(await page.locator(`${list.table} tbody tr:not(.bot-credentials-row)`).count()).toBe(rows[list.name]);
    expect(await page.locator(`${list.table} thead th`).count()).toBeGreaterThanOrEqual(3);
    await screenshot(page, `settings-list-${list.name}`);
  }

  // Every row of the lists with Edit and Delete has both, pointing at the row.
  for (const [path, table] of [
    ["canned-responses", "#canned-responses-table"],
    ["custom-attributes?model=contact", "#custom-attributes-table"],
    ["macros", "#macros-table"],
    ["integrations/dashboard-apps", "#dashboard-apps-table"],
    ["labels", "#labels-table"],
    ["custom-roles", "#roles-table"],
  ] as const) {
    await open(page, `${settings}/${path}`);
    const base = `${settings}/${path.replace(/\?.*$/, "")}`;
    for (const row of await page.locator(`${table} tbody tr`).all()) {
      const edit = await row.locator("a", { hasText: "Edit" }).getAttribute("href");
      expect(edit).toMatch(new RegExp(`^${base.replace(/^https?:\/\/[^/]+/, "")}/\\d+$`));
      const id = edit!.split("/").pop();
      expect(await row.locator(`form[action$="/${id}/delete"] button[data-confirm]`).count()).toBe(1);
      expect(await row.locator(`form[action$="/${id}/delete"] input[name="_csrf"]`).count()).toBe(1);
    }
  }

  // Delete asks: dismissed, the canned response stays; accepted, it is gone and the page says so.
  await open(page, `${settings}/canned-responses`);
  const hours = page.locator("#canned-responses-table tbody tr", { hasText: "/hours" });
  let asked = "";
  page.once("dialog", (d) => {
    asked = d.message();
    void d.dismiss();
  });
  await hours.locator("button", { hasText: "Delete" }).click();
  expect(asked).toBe("Delete the canned response “/hours”?");
  await Bun.sleep(200);
  expect(await hours.count()).toBe(1);
  page.once("dialog", (d) => void d.accept());
  await Promise.all([page.waitForURL(/saved=deleted$/), hours.locator("button", { hasText: "Delete" }).click()]);
  expect(await page.locator("#canned-notice").textContent()).toContain("Canned response deleted");
  expect(await page.locator("#canned-responses-table tbody tr").count()).toBe(1);
  expect((await api("GET", "/canned_responses")).map((r: { short_code: string }) => r.short_code)).toEqual(["reset"]);

  // The same component on another page: the dashboard app's delete names it.
  await open(page, `${settings}/integrations/dashboard-apps`);
  page.once("dialog", (d) => {
    asked = d.message();
    void d.accept();
  });
  await Promise.all([page.waitForURL(/saved=deleted$/), page.locator("#dashboard-apps-table button", { hasText: "Delete" }).click()]);
  expect(asked).toContain("Customer Orders");
  expect(await page.locator(".card-empty .empty-title").textContent()).toBe("No dashboard apps yet");

  // Edit opens the row's form in its card, with the way back; a bad value is shown under its field.
  await open(page, `${settings}/labels`);
  await Promise.all([page.waitForURL(/\/settings\/labels\/\d+$/), page.locator("#labels-table tbody tr", { hasText: "billing" }).locator("a", { hasText: "Edit" }).click()]);
  expect(await page.inputValue("#edit-label-form #f-title")).toBe("billing");
  expect(await page.locator("#edit-label-heading").textContent()).toBe("Label");
  expect(await page.locator('a:has-text("Back to labels")').getAttribute("href")).toBe(`${settings.replace(/^https?:\/\/[^/]+/, "")}/labels`);
  await page.fill("#edit-label-form #f-title", "bad label!");
  await Promise.all([page.waitForLoadState("load"), page.click('#edit-label-form button[type="submit"]')]);
  expect(await page.locator("#edit-label-form .field.has-error .field-error").count()).toBe(1);
  await screenshot(page, "settings-list-label-edit-error");
  // That refused form (422 on purpose) is logged by Chromium as a failed load; nothing else may be.
  expect(problems.splice(0)).toEqual(["Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)"]);

  // The add card on the list: a new canned response lands in the table.
  await open(page, `${settings}/canned-responses`);
  await page.fill("#add-canned-form #f-short_code", "thanks");
  await page.fill("#add-canned-form textarea[name=content]", "Thanks for writing in!");
  await Promise.all([page.waitForURL(/saved=created$/), page.click('#add-canned-form button[type="submit"]')]);
  expect(await page.locator("#canned-responses-table tbody tr", { hasText: "/thanks" }).count()).toBe(1);
  expect(await page.locator("#add-canned-heading").textContent()).toBe("Add canned response");

  expect(problems).toEqual([]);
  await context.close();
}, 120_000);
