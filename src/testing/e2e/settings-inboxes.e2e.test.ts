// Settings → Inboxes, Labels, Custom roles and Profile in a real browser: create an API inbox and read its
// identifier and HMAC token, add a collaborator (htmx), create a label and a custom role, upload an avatar and
// change notification preferences. Screenshots: SCREENSHOTS (browser.ts).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { apiTokenFromProfile, ARTIFACTS, launchBrowser, PASSWORD, screenshot, SCREENSHOTS, submitOnboarding, watchForErrors } from "./browser.ts";
import { startTestServer, TEST_PLATFORM_TOKEN, type TestServer } from "../server.ts";

const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

let server: TestServer;
let browser: Browser;

/** A free port, so the server's public URL (used for uploaded avatars) is the one the browser loads. */
function freePort(): number {
  const probe = Bun.serve({ port: 0, fetch: () => new Response("") });
  const port = probe.port!;
  probe.stop(true);
  return port;
}

beforeAll(async () => {
  const port = freePort();
  server = startTestServer({ PORT: String(port), PARLEY_PUBLIC_URL: `http://localhost:${port}` });
  browser = await launchBrowser();
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

test("API inbox with identifier and token, a collaborator, a label, a custom role, an avatar and notification preferences", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
  const page = await context.newPage();
  const problems = watchForErrors(page);

  await page.goto(server.url + "/");
  const { accountBase, accountId } = await submitOnboarding(page, { name: "Ines Inbox", account: "Inboxed", email: "ines@inboxed.test" });
  const token = await apiTokenFromProfile(page, accountBase);
  const api = async (method: string, path: string, json?: unknown) => (await server.api(`/api/v1/accounts/${accountId}${path}`, { method, token, json })).json() as Promise<any>;

  // An agent to add as collaborator.
  const platform = (path: string, json: unknown) => server.api(`/platform/api/v1${path}`, { method: "POST", token: TEST_PLATFORM_TOKEN, json });
  const agent = await (await platform("/users", { name: "Casey Collaborator", email: "casey@inboxed.test", password: PASSWORD })).json();
  await platform(`/accounts/${accountId}/account_users`, { user_id: agent.id, role: "agent" });

  // Settings → Inboxes: empty state, then "Add inbox" → API channel.
  await page.click('nav[aria-label="Settings"] a:has-text("Inboxes")');
  await page.waitForURL(/\/settings\/inboxes$/);
  await page.locator("text=No inboxes yet").waitFor();
  await page.click("#add-inbox");
  await page.waitForURL(/\/settings\/inboxes\/new$/);
  await page.screenshot({ path: join(ARTIFACTS, "settings-inbox-new.png"), fullPage: true });
  await page.fill("#f-name", "Mobile app");
  await page.fill("#f-webhook_url", "https://hooks.example.com/parley");
  await Promise.all([page.waitForURL(/\/settings\/inboxes\/\d+\?created=1$/), page.click('#new-inbox-form button[type="submit"]')]);
  const inboxId = Number(/inboxes\/(\d+)/.exec(page.url())![1]);
  const inbox = await api("GET", `/inboxes/${inboxId}`);

  // The identifier is shown; the HMAC token is masked until "Show", and Copy puts it on the clipboard.
  const created = page.locator("#inbox-created");
  expect((await created.locator('[data-testid="inbox-identifier"]').textContent())!.trim()).toBe(inbox.inbox_identifier);
  const tokenBox = created.locator('[data-testid="inbox-hmac-token"]');
  expect(await tokenBox.locator("span[x-show='revealed']").isVisible()).toBe(false);
  await created.locator('button[aria-label="Show HMAC token"]').click();
  await tokenBox.locator(`text=${inbox.hmac_token}`).waitFor();
  await created.locator('button[aria-label="Copy HMAC token"]').click();
  await created.locator('button[aria-label="Copy HMAC token"] >> text=Copied').waitFor();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(inbox.hmac_token);
  await screenshot(page, "settings-inbox");

  // Collaborators tab: add the agent (htmx swaps the card, no page load).
  await page.click('a[data-tab="collaborators"]');
  await page.waitForURL(/\/collaborators$/);
  await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
  await page.selectOption("#f-user_id", String(agent.id));
  await page.click('#add-collaborator-form button[type="submit"]');
  await page.locator(`#collaborator-list [data-user-id="${agent.id}"]`).waitFor();
  expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
  expect((await api("GET", `/inbox_members/${inboxId}`)).payload.map((a: { id: number }) => a.id)).toEqual([agent.id]);
  await page.screenshot({ path: join(ARTIFACTS, "settings-inbox-collaborators.png"), fullPage: true });

  await page.click('nav[aria-label="Settings"] a:has-text("Inboxes")');
  await page.waitForURL(/\/settings\/inboxes$/);
  await page.locator(`#inbox-${inboxId}`).waitFor();
  await screenshot(page, "settings-inboxes");

  // Labels: the colour picker shows its value; the label appears in the list and in the API.
  await page.click('nav[aria-label="Settings"] a:has-text("Labels")');
  await page.waitForURL(/\/settings\/labels$/);
  await page.fill("#add-label-form #f-title", "vip");
  await page.fill("#add-label-form-color", "#e0662b");
  await page.locator("#add-label-form .label-color-value", { hasText: "#e0662b" }).waitFor();
  await page.fill("#add-label-form #f-description", "Customers on the premium plan");
  await Promise.all([page.waitForURL(/\/settings\/labels\?saved=created$/), page.click('#add-label-form button[type="submit"]')]);
  await page.locator("#labels-table", { hasText: "vip" }).waitFor();
  expect((await api("GET", "/labels")).payload).toEqual([expect.objectContaining({ title: "vip", color: "#e0662b", description: "Customers on the premium plan" })]);
  await page.fill("#add-label-form #f-title", "billing");
  await Promise.all([page.waitForURL(/saved=created$/), page.click('#add-label-form button[type="submit"]')]);
  await screenshot(page, "settings-labels");

  // Custom roles: name, description and two permissions.
  await page.click('nav[aria-label="Settings"] a:has-text("Custom roles")');
  await page.waitForURL(/\/settings\/custom-roles$/);
  await page.fill("#add-role-form #f-name", "Supervisor");
  await page.fill("#add-role-form #f-description", "Watches the queue and the reports");
  await page.check('#add-role-form input[value="conversation_manage"]');
  await page.check('#add-role-form input[value="report_manage"]');
  await Promise.all([page.waitForURL(/\/settings\/custom-roles\?saved=created$/), page.click('#add-role-form button[type="submit"]')]);
  await page.locator("#roles-table", { hasText: "Supervisor" }).waitFor();
  expect(await api("GET", "/custom_roles")).toEqual([expect.objectContaining({ name: "Supervisor", permissions: ["conversation_manage", "report_manage"] })]);
  await screenshot(page, "settings-custom-roles");

  // Profile: upload an avatar (shown in the rail), change notification preferences.
  await page.click('nav[aria-label="Settings"] a:has-text("Profile")');
  await page.waitForURL(/\/settings\/profile$/);
  await page.setInputFiles("#f-avatar", { name: "me.png", mimeType: "image/png", buffer: PNG });
  await Promise.all([page.waitForURL(/saved=avatar$/), page.click('#avatar-form button[type="submit"]')]);
  const avatarUrl = (await server.api("/api/v1/profile", { token }).then((r) => r.json())).avatar_url as string;
  expect(avatarUrl).toMatch(/^http:\/\/localhost:\d+\/uploads\/avatars\/[\w-]+\.png$/);
  await page.locator(`[data-testid="avatar-button"] img[src="${avatarUrl}"]`).waitFor();
  expect(await page.locator(`[data-testid="avatar-button"] img`).evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(1);

  await page.check('input[value="push_conversation_mention"]');
  await page.check('input[value="email_conversation_mention"]');
  await page.uncheck('input[value="email_conversation_assignment"]');
  await Promise.all([page.waitForURL(/saved=notifications$/), page.click('#notifications-form button[type="submit"]')]);
  await page.locator("text=Notification preferences saved").waitFor();
  expect(await api("GET", "/notification_settings")).toMatchObject({
    selected_email_flags: ["email_conversation_mention"],
  });
  // In-app defaults: every type but new conversations (docs/decisions.md); mention was already on.
  expect((await api("GET", "/notification_settings")).selected_push_flags).toEqual([
    "push_conversation_assignment",
    "push_assigned_conversation_new_message",
    "push_conversation_mention",
    "push_participating_conversation_new_message",
    "push_sla_missed_first_response",
    "push_sla_missed_next_response",
    "push_sla_missed_resolution",
  ]);
  expect(await page.isChecked('input[value="push_conversation_mention"]')).toBe(true);
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, "settings-profile");

  expect(problems).toEqual([]);
  await context.close();
}, 120_000);
