// The workspace list in a real browser: a conversation created through the API shows up without a reload,
// j/k move through the list (focus lands on the conversation's heading), `?` opens the cheat sheet, and at
// phone width only one pane shows at a time.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { apiClient, startTestServer, type TestServer } from "../server.ts";
import { ARTIFACTS, apiTokenFromProfile, launchBrowser, submitOnboarding, watchForErrors, SCREENSHOTS } from "./browser.ts";


let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = startTestServer();
  browser = await launchBrowser();
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

type Api = ReturnType<typeof apiClient>;

async function json(res: Response) {
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${res.status} ${text}`);
  return JSON.parse(text);
}

async function newConversation(api: Api, token: string, accountId: number, inboxId: number, name: string, text: string) {
  const base = `/api/v1/accounts/${accountId}`;
  const contact = await json(await api.api(`${base}/contacts`, { token, method: "POST", json: { name, email: `${crypto.randomUUID().slice(0, 8)}@customer.example`, inbox_id: inboxId } }));
  const conversation = await json(
    await api.api(`${base}/conversations`, { token, method: "POST", json: { inbox_id: inboxId, contact_id: contact.payload.contact.id } }),
  );
  await json(await api.api(`${base}/conversations/${conversation.id}/messages`, { token, method: "POST", json: { content: text, message_type: "incoming" } }));
  return conversation.id as number;
}

const rowIds = (page: Page) => page.$$eval("#conversation-rows .ws-row", (rows) => rows.map((r) => Number(r.getAttribute("data-display-id"))));

test("live list, keyboard navigation and cheat sheet, phone layout", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  const problems = watchForErrors(page);
  await page.goto(server.url + "/app");
  const { accountBase, accountId } = await submitOnboarding(page, { name: "Olivia Owner", account: "Acme Support", email: "olivia@acme.test" });
  const token = await apiTokenFromProfile(page, accountBase);
  const api = apiClient(server.url);

  const inbox = await json(
    await api.api(`/api/v1/accounts/${accountId}/inboxes`, { token, method: "POST", json: { name: "Website", channel: { type: "api", webhook_url: "" }, enable_auto_assignment: false } }),
  );
  const seeded: number[] = [];
  const people = [
    ["Maria Lopez", "Hi! My order #1042 arrived damaged, can I get a replacement?"],
    ["Tom Becker", "How do I change the email address on my account?"],
    ["Aiko Tanaka", "Your checkout page shows an error when I use a coupon."],
    ["Sam Rivera", "Thanks for the quick help yesterday!"],
  ];
  for (const [name, text] of people) seeded.push(await newConversation(api, token, accountId, inbox.id, name, text));
  const base = `/api/v1/accounts/${accountId}/conversations`;
  await json(await api.api(`${base}/${seeded[0]}`, { token, method: "PATCH", json: { priority: "high" } }));
  await json(await api.api(`${base}/${seeded[2]}/labels`, { token, method: "POST", json: { labels: ["bug", "checkout"] } }));

  await page.goto(`${accountBase}/dashboard?assignee_type=all`);
  // Labels and priority write activity lines, which count as activity: compare as sets.
  expect((await rowIds(page)).sort()).toEqual([...seeded].sort());
  const allCount = () => page.textContent('.ws-count[data-count="all"]');
  expect(await allCount()).toBe("4");

  // A conversation created through the API appears without a reload (and the counts follow): /cable pushes
  // conversation.created, static/js/realtime.js dispatches it, the list re-reads itself.
  await page.waitForFunction(() => (window as unknown as { parleyRealtime?: { connected?: boolean } }).parleyRealtime?.connected === true, undefined, { timeout: 10_000 });
  await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
  const fresh = await newConversation(api, token, accountId, inbox.id, "Nina Novak", "Is there a phone number I can call?");
  await page.waitForSelector(`#conversation-row-${fresh}`, { timeout: 5_000 });
  expect((await rowIds(page))[0]).toBe(fresh);
  expect(await allCount()).toBe("5");
  // A new customer message moves its conversation to the top and raises its unread badge, live.
  await json(await api.api(`${base}/${seeded[1]}/messages`, { token, method: "POST", json: { content: "Any news?", message_type: "incoming" } }));
  await page.waitForSelector(`#conversation-row-${seeded[1]} .ws-unread[data-unread="2"]`, { timeout: 5_000 });
  expect((await rowIds(page))[0]).toBe(seeded[1]);
  expect(await page.textContent(`#conversation-row-${seeded[1]} .ws-row-excerpt`)).toBe("Any news?");
  expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);

  // j opens the first conversation (htmx swap, URL follows, focus on the pane's heading); j again the next; k back.
  const order = await rowIds(page);
  await page.locator("body").focus();
  await page.keyboard.press("j");
  await page.waitForURL(new RegExp(`/conversations/${order[0]}\\?assignee_type=all$`));
  await page.waitForSelector(`#conversation-row-${order[0]}.is-open`);
  await page.waitForSelector(`#conversation-pane[data-conversation-id="${order[0]}"]`);
  await page.waitForFunction(() => document.activeElement?.closest("#conversation-pane") !== null && document.activeElement?.tagName !== "BODY");
  await page.keyboard.press("j");
  await page.waitForSelector(`#conversation-row-${order[1]}.is-open`);
  await page.waitForSelector(`#conversation-pane[data-conversation-id="${order[1]}"]`);
  expect(await page.locator(".ws-row.is-open").count()).toBe(1);
  await page.keyboard.press("Alt+ArrowDown");
  await page.waitForSelector(`#conversation-row-${order[2]}.is-open`);
  await page.keyboard.press("k");
  await page.waitForSelector(`#conversation-row-${order[1]}.is-open`);
  expect(page.url()).toContain(`/conversations/${order[1]}?assignee_type=all`);
  expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);

  // n / r pick the reply box's Private Note and Reply tabs (the conversation pane marks them data-shortcut).
  await page.keyboard.press("n");
  await page.waitForFunction(() => (document.querySelector('#conversation-pane input[data-mode="note"]') as HTMLInputElement | null)?.checked === true);
  await page.keyboard.press("Escape");
  await page.locator("body").focus();
  await page.keyboard.press("r");
  await page.waitForFunction(() => (document.querySelector('#conversation-pane input[data-mode="reply"]') as HTMLInputElement | null)?.checked === true);
  await page.keyboard.press("Escape");
  await page.locator("body").focus();

  // `?` shows every shortcut; Escape closes it.
  await page.keyboard.press("?");
  const dialog = page.locator("#shortcuts-dialog");
  await dialog.waitFor({ state: "visible" });
  for (const label of ["Next conversation", "Previous conversation", "Reply", "Private note", "Resolve", "Assign to me", "Search"]) {
    expect(await dialog.textContent()).toContain(label);
  }
  await page.screenshot({ path: join(SCREENSHOTS, "workspace-shortcuts.png") });
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });

  // `/` focuses search; typing there is text, not shortcuts.
  await page.keyboard.press("/");
  expect(await page.evaluate(() => document.activeElement?.id)).toBe("ws-search-q");
  await page.keyboard.type("jk");
  expect(await page.inputValue("#ws-search-q")).toBe("jk");
  await page.waitForTimeout(200);
  expect(page.url()).toContain(`/conversations/${order[1]}?`);
  await page.fill("#ws-search-q", "");
  await page.keyboard.press("Escape");

  // A filter change swaps the list and keeps the view in the URL (reload shows the same list).
  await page.selectOption("#ws-filter-priority", "high");
  await page.waitForFunction(() => document.querySelectorAll("#conversation-rows .ws-row").length === 1);
  expect(await rowIds(page)).toEqual([seeded[0]]);
  expect(page.url()).toContain("priority=high");
  await page.reload();
  expect(await rowIds(page)).toEqual([seeded[0]]);
  await page.goto(`${accountBase}/conversations/${order[1]}?assignee_type=all`);
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(SCREENSHOTS, "workspace.png") });

  // a assigns the open conversation to me and e resolves it (sidebar and header controls); the list follows live.
  const mineCount = () => page.textContent('.ws-count[data-count="me"]');
  expect(await mineCount()).toBe("0");
  await page.locator("body").focus();
  await page.keyboard.press("a");
  await page.waitForFunction(() => document.querySelector('.ws-count[data-count="me"]')?.textContent === "1", undefined, { timeout: 5_000 });
  await page.locator("body").focus();
  await page.keyboard.press("e");
  await page.waitForFunction((id) => !document.getElementById(`conversation-row-${id}`), order[1], { timeout: 5_000 });
  expect(await allCount()).toBe("4");

  // Phone width: the list alone; opening a conversation shows it full screen with a way back.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, storageState: await context.storageState() });
  const mobile = await phone.newPage();
  const mobileProblems = watchForErrors(mobile);
  await mobile.goto(`${accountBase}/dashboard?assignee_type=all`);
  expect(await mobile.isVisible("#conversation-list")).toBe(true);
  expect(await mobile.isVisible("#conversation-pane")).toBe(false);
  await mobile.screenshot({ path: join(SCREENSHOTS, "workspace-phone-list.png") });
  await mobile.click(`#conversation-row-${seeded[0]} .ws-row-link`);
  await mobile.waitForSelector(`#conversation-pane[data-conversation-id="${seeded[0]}"]`);
  await mobile.waitForFunction(() => document.getElementById("workspace")?.classList.contains("has-conversation"));
  expect(await mobile.isVisible("#conversation-list")).toBe(false);
  expect(await mobile.isVisible("#conversation-pane")).toBe(true);
  const paneBox = await mobile.locator("#conversation-pane").boundingBox();
  expect(paneBox!.width).toBeGreaterThan(300);
  await mobile.waitForTimeout(200);
  await mobile.screenshot({ path: join(SCREENSHOTS, "workspace-phone.png") });
  // Details: the sidebar over the conversation.
  await mobile.click("[data-ws-details]");
  expect(await mobile.isVisible("#sidebar-pane")).toBe(true);
  await mobile.click("[data-ws-details]");
  // Back to the list.
  const back = (await mobile.isVisible("#conversation-pane .conversation-back")) ? "#conversation-pane .conversation-back" : "[data-ws-back]";
  await mobile.click(back);
  await mobile.waitForFunction(() => !document.getElementById("workspace")?.classList.contains("has-conversation"));
  expect(await mobile.isVisible("#conversation-list")).toBe(true);
  expect(mobile.url()).toContain("/dashboard?assignee_type=all");

  // Laptop width below three panes: list and conversation, the details behind the toggle.
  const laptop = await browser.newContext({ viewport: { width: 1024, height: 720 }, storageState: await context.storageState() });
  const mid = await laptop.newPage();
  const midProblems = watchForErrors(mid);
  await mid.goto(`${accountBase}/conversations/${seeded[0]}?assignee_type=all`);
  expect(await mid.isVisible("#conversation-list")).toBe(true);
  expect(await mid.isVisible("#conversation-pane")).toBe(true);
  expect(await mid.isVisible("#sidebar-pane")).toBe(false);
  await mid.click("[data-ws-details]");
  expect(await mid.isVisible("#sidebar-pane")).toBe(true);
  await mid.screenshot({ path: join(ARTIFACTS, "workspace-1024-details.png") });
  // The toggle stays reachable above the details and closes them.
  await mid.click("[data-ws-details]");
  expect(await mid.isVisible("#sidebar-pane")).toBe(false);
  await laptop.close();

  expect(problems).toEqual([]);
  expect(mobileProblems).toEqual([]);
  expect(midProblems).toEqual([]);
  await phone.close();
  await context.close();
}, 90_000);
