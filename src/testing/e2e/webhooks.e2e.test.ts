// Settings → Webhooks in a real browser: create a webhook pointing at a local receiver, trigger a message through
// the API, see the delivery in the log, redeliver it with htmx (no page load).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { ARTIFACTS, apiTokenFromProfile, launchBrowser, submitOnboarding, watchForErrors } from "./browser.ts";
import { forEvent, startReceiver, type Receiver } from "../receiver.ts";
import { startTestServer, type TestServer } from "../server.ts";


let server: TestServer;
let receiver: Receiver;
let browser: Browser;

beforeAll(async () => {
  server = startTestServer();
  receiver = startReceiver();
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await receiver?.close();
});

test("create a webhook in the UI, a message via the API shows up in its delivery log, Redeliver sends it again", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  const problems = watchForErrors(page);

  await page.goto(server.url + "/");
  const { accountBase, accountId } = await submitOnboarding(page, { name: "Wendy Webhook", account: "Hooked", email: "wendy@hooked.test" });
  const token = await apiTokenFromProfile(page, accountBase);
  expect(token.length).toBeGreaterThan(10);

  await page.click('a.subnav-link[href$="/settings/webhooks"]');
  await page.waitForURL(/\/settings\/webhooks$/);
  await page.fill("#add-webhook-form #f-name", "Browser hook");
  await page.fill("#add-webhook-form #f-url", `${receiver.url}/browser`);
  await page.uncheck('#add-webhook-form input[value="conversation_created"]');
  await page.check('#add-webhook-form input[value="message_created"]');
  await Promise.all([page.waitForURL(/\/settings\/webhooks\/\d+\?saved=created$/), page.click('#add-webhook-form button[type="submit"]')]);
  await page.click("details summary");
  const secret = ((await page.locator('[data-testid="webhook-secret"]').textContent()) ?? "").trim();
  expect(secret).toMatch(/^[A-Za-z0-9]{32}$/);

  // A message through the API (the integrator's side).
  const api = async (path: string, json: unknown) => {
    const res = await server.api(`/api/v1/accounts/${accountId}${path}`, { method: "POST", token, json });
    expect(res.status).toBe(200);
    return res.json() as Promise<any>;
  };
  const inbox = await api("/inboxes", { name: "API", channel: { type: "api" } });
  const contact = await api("/contacts", { name: "Carl Customer", inbox_id: inbox.id });
  const conversation = await api("/conversations", { source_id: contact.payload.contact_inbox.source_id, inbox_id: inbox.id });
  await api(`/conversations/${conversation.id}/messages`, { content: "Hello webhook", message_type: "outgoing" });
  const [got] = await receiver.waitFor(1, 10_000, forEvent("message_created"));
  expect(got.json().content).toBe("Hello webhook");

  // The log shows the delivery (reload until the attempt is recorded).
  for (let i = 0; i < 50; i++) {
    await page.reload();
    if ((await page.locator("#deliveries-table tbody tr").count()) > 0 && (await page.locator("#deliveries-table").textContent())?.includes("succeeded")) break;
    await Bun.sleep(100);
  }
  const row = page.locator("#deliveries-table tbody tr").first();
  expect(await row.textContent()).toContain("message_created");
  expect(await row.textContent()).toContain("succeeded");
  expect(await row.textContent()).toContain("200");

  await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
  await row.locator("button", { hasText: "Redeliver" }).click();
  await receiver.waitFor(2, 10_000, forEvent("message_created"));
  expect(receiver.requests.filter(forEvent("message_created")).map((r) => r.headers["x-chatwoot-delivery"])).toEqual([
    got.headers["x-chatwoot-delivery"],
    got.headers["x-chatwoot-delivery"],
  ]);
  // htmx swapped the log in place.
  expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
  await page.reload();
  await page.locator("#deliveries-table").waitFor();
  for (let i = 0; i < 50 && !(await page.locator("#deliveries-table tbody tr").first().textContent())?.includes("succeeded"); i++) {
    await Bun.sleep(100);
    await page.reload();
  }
  await page.screenshot({ path: join(ARTIFACTS, "webhooks-log.png"), fullPage: true });
  expect(problems).toEqual([]);
  await context.close();
}, 60_000);
