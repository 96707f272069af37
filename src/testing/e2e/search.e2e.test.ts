// Global search and Settings → Canned responses in a real browser: "/" leads to search, typing searches live
// (htmx), matches are highlighted, markup in messages stays text, tabs narrow the results and keep the URL,
// a result opens its conversation, and an agent never sees an inbox they are not a member of.
import { expect, test } from "bun:test";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { browserSuite, ARTIFACTS, SCREENSHOTS, watchForErrors } from "./browser.ts";
import { createAdmin, createAgent } from "../server.ts";

const SHOTS = SCREENSHOTS;

const suite = browserSuite();

async function login(page: Page, email: string, password: string) {
  await page.goto(suite.server.url + "/app/login");
  await page.fill("#f-email", email);
  await page.fill("#f-password", password);
  await Promise.all([page.waitForURL(/\/app\/accounts\/\d+\/dashboard$/), page.click("button[type=submit]")]);
}

test("search from the rail: live results, highlighted and escaped, tabs, open a result; agents see only their inboxes; canned responses settings", async () => {
  const admin = await createAdmin(suite.server, { name: "Olivia Owner", accountName: "Fruit Co" });
  const accountId = admin.account.id as number;
  const agent = await createAgent(suite.server, { account: { id: accountId }, token: admin.token }, { name: "Alex Agent" });
  const api = async (method: string, path: string, json?: unknown) => {
    const res = await suite.server.api(`/api/v1/accounts/${accountId}${path}`, { method, token: admin.token, json });
    expect(res.status).toBeLessThan(300);
    return res.json() as Promise<any>;
  };
  const support = await api("POST", "/inboxes", { name: "Support", channel: { type: "api" } });
  const vip = await api("POST", "/inboxes", { name: "VIP desk", channel: { type: "api" } });
  await api("POST", "/inbox_members", { inbox_id: support.id, user_ids: [agent.user.id] });
  const conversation = async (inboxId: number, name: string, email: string, texts: [string, "incoming" | "outgoing", boolean?][]) => {
    const contact = await api("POST", "/contacts", { name, email, inbox_id: inboxId });
    const conv = await api("POST", "/conversations", { source_id: contact.payload.contact_inbox.source_id, inbox_id: inboxId });
    for (const [content, message_type, isPrivate] of texts) await api("POST", `/conversations/${conv.id}/messages`, { content, message_type, private: !!isPrivate });
    return conv.id as number;
  };
  const priya = await conversation(support.id, "Priya Patel", "priya@orchard.example", [
    ["Hi, I was charged twice for order 4471. Can I get a refund?", "incoming"],
    ["Sorry about that, Priya! I've started the refund; it shows up in 3–5 days.", "outgoing"],
    ["Refund approved by finance, ticket FIN-22.", "outgoing", true],
  ]);
  await conversation(support.id, "Tom Baker", "tom@bakery.example", [
    ['My name shows as <img src=x onerror="window.__xss=1"> on the invoice — refund the extra fee?', "incoming"],
  ]);
  const secret = await conversation(vip.id, "Victoria Vance", "victoria@vance.example", [["Please refund the VIP retainer quietly.", "incoming"]]);
  for (const [short_code, content] of [
    ["greeting", "Hi there! Thanks for reaching out — how can we help today?"],
    ["refund", "I've started your refund. It usually shows up on your statement within 3–5 business days."],
    ["hours", "Our support team is available Monday to Friday, 9:00–17:00 CET."],
  ]) await api("POST", "/canned_responses", { canned_response: { short_code, content } });

  const context = await suite.browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  const problems = watchForErrors(page);
  await login(page, admin.email, admin.password);

  // "/" on a page without a search box of its own follows the rail's Search link; on the search page it
  // focuses the box.
  await page.goto(`${suite.server.url}/app/accounts/${accountId}/settings/profile`);
  await page.keyboard.press("/");
  await page.waitForURL(/\/search$/);
  await page.waitForSelector("#search-input");
  await page.locator("body").click({ position: { x: 900, y: 600 } });
  await page.keyboard.press("/");
  expect(await page.evaluate(() => document.activeElement?.id)).toBe("search-input");

  // Typing searches live: htmx swaps the results and pushes the URL.
  await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
  await page.keyboard.type("refund");
  await page.waitForSelector('[data-testid="search-messages"] mark.search-mark');
  await page.waitForURL(/\/search\?q=refund$/);
  expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
  const marks = await page.locator('[data-testid="search-messages"] mark.search-mark').allTextContents();
  expect(marks.length).toBeGreaterThan(0);
  expect(marks.every((m) => m.toLowerCase() === "refund")).toBe(true);
  // The markup in Tom's message is shown as text, never run.
  expect(await page.locator('[data-testid="search-messages"]').textContent()).toContain('<img src=x onerror="window.__xss=1">');
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  expect(await page.locator('[data-testid="search-messages"] img').count()).toBe(0);
  expect(await page.locator(`[data-testid="search-conversations"] a[data-display-id="${secret}"]`).count()).toBe(1);
  await page.screenshot({ path: join(SHOTS, "search.png") });

  // Tabs narrow the results in place and keep the URL shareable.
  await page.click('a.search-tab[data-tab="messages"]');
  await page.waitForURL(/type=messages/);
  await page.waitForSelector('a.search-tab.is-active[data-tab="messages"]');
  expect(await page.locator('[data-testid="search-contacts"]').count()).toBe(0);
  expect(await page.locator('[data-testid="search-messages"] .search-item').count()).toBe(5);
  expect(await page.locator(".search-item-private").count()).toBe(1);
  await page.click('a.search-tab[data-tab="contacts"]');
  await page.waitForSelector('[data-testid="search-contacts"], .search-none');
  await page.fill("#search-input", "orchard");
  await page.waitForSelector('[data-testid="search-contacts"] mark.search-mark');
  expect(await page.locator('[data-testid="search-contacts"] mark.search-mark').first().textContent()).toBe("orchard");

  // A result opens its conversation.
  await page.goto(`${suite.server.url}/app/accounts/${accountId}/search?q=4471`);
  await Promise.all([page.waitForURL(new RegExp(`/conversations/${priya}`)), page.click(`[data-testid="search-messages"] a[href*="/conversations/${priya}#message-"]`)]);

  // Settings → Canned responses.
  await page.goto(`${suite.server.url}/app/accounts/${accountId}/settings/canned-responses`);
  expect(await page.locator("#canned-responses-table tbody tr").count()).toBe(3);
  await page.fill("#add-canned-form #f-short_code", "bye");
  await page.fill("#add-canned-form #f-content", "Thanks for chatting with us — have a lovely day!");
  await Promise.all([page.waitForURL(/saved=created$/), page.click('#add-canned-form button[type="submit"]')]);
  expect(await page.locator("#canned-responses-table tbody tr").count()).toBe(4);
  await page.screenshot({ path: join(SHOTS, "settings-canned-responses.png") });
  // Delete asks first (data-confirm), then the row is gone and the API agrees.
  page.once("dialog", (d) => void d.accept());
  await Promise.all([page.waitForURL(/saved=deleted$/), page.locator('#canned-responses-table tr:has(code:text-is("/bye")) button', { hasText: "Delete" }).click()]);
  expect(await page.locator("#canned-responses-table tbody tr").count()).toBe(3);
  expect((await api("GET", "/canned_responses?search=bye")).map((r: { short_code: string }) => r.short_code)).toEqual([]);
  expect(problems).toEqual([]);

  // The agent (a member of Support only) sees nothing from the VIP desk.
  const agentContext = await suite.browser.newContext({ viewport: { width: 1280, height: 720 } });
  const agentPage = await agentContext.newPage();
  const agentProblems = watchForErrors(agentPage);
  await login(agentPage, agent.email, agent.password);
  await agentPage.goto(`${suite.server.url}/app/accounts/${accountId}/search?q=refund`);
  await agentPage.waitForSelector('[data-testid="search-messages"]');
  const seen = (await agentPage.locator("#search-results").textContent()) ?? "";
  expect(seen).toContain("Priya Patel");
  expect(seen).not.toContain("Victoria");
  expect(seen).not.toContain("VIP");
  expect(await agentPage.locator(`a[data-display-id="${secret}"]`).count()).toBe(0);
  await agentPage.screenshot({ path: join(ARTIFACTS, "search-agent.png") });
  // Phone width: the results stay readable.
  await agentPage.setViewportSize({ width: 390, height: 844 });
  await agentPage.reload();
  await agentPage.waitForSelector('[data-testid="search-messages"]');
  expect(await agentPage.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await agentPage.screenshot({ path: join(SHOTS, "search-phone.png") });
  expect(agentProblems).toEqual([]);
  await agentContext.close();
  await context.close();
}, 120_000);
