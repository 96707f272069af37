import { join } from "node:path";
// Dashboard apps in a real browser, with the apps on their own local servers (other origins): an app tab gets the
// appContext payload (conversation, contact, current agent) when it loads and when it is shown, answers its
// "chatwoot-dashboard-app:fetch-info" requests with a fresh payload, and pages of other origins get nothing.
// Also the screenshots of the sidebar, the settings page and an app tab.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser, Frame, Page } from "playwright-core";
import { launchBrowser, watchForErrors, SCREENSHOTS } from "./browser.ts";
import { createAdmin, createAgent, startTestServer, type TestServer } from "../server.ts";

let server: TestServer;
let browser: Browser;
let appServer: ReturnType<typeof Bun.serve>;
let otherServer: ReturnType<typeof Bun.serve>;

/** The app page of the article: records every message event (JSON strings, as Chatwoot posts them). */
const APP_PAGE = (title: string, nested: string | null) => `<!doctype html><html><head><title>${title}</title>
<style>body{font:14px system-ui;margin:16px;color:#222}h1{font-size:18px}pre{background:#f4f4f6;padding:8px;white-space:pre-wrap}</style></head>
<body><h1>${title}</h1><p id="status">Waiting for appContext…</p><pre id="last"></pre>
${nested ? `<iframe id="nested" src="${nested}" width="300" height="60"></iframe>` : ""}
<script>
window.received = [];
function isJSONValid(s) { try { JSON.parse(s); return true; } catch (e) { return false; } }
window.addEventListener("message", function (event) {
  window.received.push({ origin: event.origin, data: event.data });
  if (!isJSONValid(event.data)) return;
  var eventData = JSON.parse(event.data);
  if (eventData.event !== "appContext") return;
  var d = eventData.data;
  document.getElementById("status").textContent = "Conversation #" + d.conversation.id + " with " + d.contact.name + ", agent " + d.currentAgent.name;
  document.getElementById("last").textContent = JSON.stringify({ email: d.contact.email, status: d.conversation.status, labels: d.conversation.labels, priority: d.conversation.priority }, null, 1);
});
window.askForInfo = function () { window.parent.postMessage("chatwoot-dashboard-app:fetch-info", "*"); };
</script></body></html>`;

/** A page of another origin: asks the dashboard (window.top) for the context and records whatever comes. */
const SPY_PAGE = `<!doctype html><html><body>spy<script>
window.received = [];
window.addEventListener("message", function (event) { window.received.push({ origin: event.origin, data: event.data }); });
window.askForInfo = function () { window.top.postMessage("chatwoot-dashboard-app:fetch-info", "*"); window.parent.postMessage("chatwoot-dashboard-app:fetch-info", "*"); };
</script></body></html>`;

beforeAll(async () => {
  server = startTestServer();
  otherServer = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response(SPY_PAGE, { headers: { "content-type": "text/html" } }) });
  appServer = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: (req) => {
      const path = new URL(req.url).pathname;
      const nested = path === "/orders" ? `http://127.0.0.1:${otherServer.port}/spy` : null;
      return new Response(APP_PAGE(path === "/orders" ? "Customer Orders" : "Loyalty", nested), { headers: { "content-type": "text/html" } });
    },
  });
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  appServer?.stop(true);
  otherServer?.stop(true);
});

type Received = { origin: string; data: unknown }[];
const receivedIn = (frame: Frame) => frame.evaluate(() => (window as unknown as { received: Received }).received);
const contexts = (got: Received) => got.filter((m) => typeof m.data === "string" && m.data.includes('"appContext"')).map((m) => ({ origin: m.origin, ...JSON.parse(m.data as string) }));

async function waitFor<T>(what: () => Promise<T>, ok: (v: T) => boolean, label: string, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await what();
    if (ok(v)) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${label}: ${JSON.stringify(v).slice(0, 500)}`);
    await Bun.sleep(100);
  }
}

function frameAt(page: Page, url: string): Frame {
  const f = page.frames().find((fr) => fr.url() === url);
  if (!f) throw new Error(`no frame at ${url}: ${page.frames().map((x) => x.url()).join(", ")}`);
  return f;
}

async function login(page: Page, email: string, password: string) {
  await page.goto(server.url + "/app/login");
  await page.fill("#f-email", email);
  await page.fill("#f-password", password);
  await Promise.all([page.waitForURL(/\/app\/accounts\/\d+\/dashboard$/), page.click("button[type=submit]")]);
}

test("an app tab receives appContext on load and when shown, gets fresh fetch-info answers; other origins get nothing", async () => {
  const admin = await createAdmin(server, { name: "Olivia Owner" });
  const accountId = admin.account.id as number;
  const agent = await createAgent(server, { account: { id: accountId }, token: admin.token }, { name: "Alex Agent" });
  const api = async (method: string, path: string, json?: unknown) => {
    const res = await server.api(`/api/v1/accounts/${accountId}${path}`, { method, token: admin.token, json });
    expect(res.status).toBeLessThan(300);
    return res.json() as Promise<any>;
  };
  const inbox = await api("POST", "/inboxes", { name: "Website", channel: { type: "api" } });
  await api("POST", "/inbox_members", { inbox_id: inbox.id, user_ids: [agent.user.id] });
  const contact = await api("POST", "/contacts", {
    inbox_id: inbox.id,
    name: "Carla Customer",
    email: "carla@example.com",
    phone_number: "+15550001111",
    additional_attributes: { company_name: "Acme Corp", city: "Lisbon", country: "Portugal", social_profiles: { github: "carla" } },
    custom_attributes: { plan: "gold" },
  });
  const conversation = await api("POST", "/conversations", {
    source_id: contact.payload.contact_inbox.source_id,
    inbox_id: inbox.id,
    additional_attributes: { browser: { browser_name: "Firefox", platform_name: "Linux" }, referer: "https://shop.example.com/cart" },
  });
  await api("POST", `/conversations/${conversation.id}/messages`, { content: "Where is my order #1001?", message_type: "incoming" });
  await api("POST", "/labels", { title: "orders", color: "#1f93ff" });
  await api("POST", "/labels", { title: "vip", color: "#ff0000" });

  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  const problems = watchForErrors(page);

  // The administrator adds the apps in Settings → Integrations → Dashboard apps.
  await login(page, admin.email, admin.password);
  await page.goto(`${server.url}/app/accounts/${accountId}/settings/integrations/dashboard-apps`);
  expect(await page.locator(".empty-state, .card-empty").first().textContent()).toContain("No dashboard apps yet");
  const appUrl = `http://127.0.0.1:${appServer.port}/orders`;
  await page.fill("#add-dashboard-app-form #f-title", "Customer Orders");
  await page.fill("#add-dashboard-app-form #f-url", "ftp://nope.example.com");
  await Promise.all([page.waitForLoadState("load"), page.click('#add-dashboard-app-form button[type="submit"]')]);
  expect(await page.locator("#f-url-error").textContent()).toContain("http or https");
  // The refused form is a 422 page, which the browser logs; nothing else went wrong so far.
  expect(problems).toEqual(["Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)"]);
  problems.length = 0;
  await page.fill("#add-dashboard-app-form #f-url", appUrl);
  await Promise.all([page.waitForURL(/\?saved=created$/), page.click('#add-dashboard-app-form button[type="submit"]')]);
  await page.fill("#add-dashboard-app-form #f-title", "Loyalty");
  await page.fill("#add-dashboard-app-form #f-url", `http://localhost:${appServer.port}/loyalty`);
  await Promise.all([page.waitForURL(/\?saved=created$/), page.click('#add-dashboard-app-form button[type="submit"]')]);
  expect(await page.locator("#dashboard-apps-table tbody tr").count()).toBe(2);
  await page.screenshot({ path: join(SCREENSHOTS, "dashboard-apps-settings.png") });
  await context.clearCookies();

  // The agent opens the conversation: a tab per app.
  await login(page, agent.email, agent.password);
  await page.goto(`${server.url}/app/accounts/${accountId}/conversations/${conversation.id}`);
  const ordersTab = page.locator('[role="tab"]', { hasText: "Customer Orders" });
  await ordersTab.waitFor();
  expect(await page.locator('[role="tab"]', { hasText: "Loyalty" }).count()).toBe(1);

  // The iframe loaded (hidden) and got the context once, to its own origin.
  const app = await waitFor(async () => page.frames().find((f) => f.url() === appUrl) ?? null, (f) => !!f, "the app frame");
  let got = await waitFor(() => receivedIn(app!), (r) => contexts(r).length >= 1, "appContext on load");
  const first = contexts(got)[0];
  expect(first.event).toBe("appContext");
  expect(got[0].origin).toBe(server.url);
  expect(first.data.currentAgent).toEqual({ email: agent.email, id: agent.user.id, name: "Alex Agent" });
  expect(first.data.contact).toMatchObject({ id: contact.payload.contact.id, name: "Carla Customer", email: "carla@example.com", phone_number: "+15550001111" });
  expect(first.data.contact.additional_attributes.company_name).toBe("Acme Corp");
  expect(first.data.conversation).toMatchObject({ id: conversation.id, inbox_id: inbox.id, account_id: accountId, status: "open", labels: [] });
  expect(first.data.conversation.meta.sender.id).toBe(contact.payload.contact.id);
  expect(first.data.conversation.additional_attributes.referer).toBe("https://shop.example.com/cart");
  expect(first.data.conversation.messages[0].content).toBe("Where is my order #1001?");

  // Showing the tab sends it again.
  await ordersTab.click();
  await page.locator(`iframe[src="${appUrl}"]`).waitFor({ state: "visible" });
  got = await waitFor(() => receivedIn(app!), (r) => contexts(r).length >= 2, "appContext when the tab is shown");
  await page.getByText("Conversation #" + conversation.id + " with Carla Customer").first().waitFor({ state: "attached" }).catch(() => undefined);
  expect(await app!.locator("#status").textContent()).toBe(`Conversation #${conversation.id} with Carla Customer, agent Alex Agent`);
  await page.screenshot({ path: join(SCREENSHOTS, "dashboard-app-tab.png") });

  // A change, then fetch-info from the app: the answer is fresh.
  await api("POST", `/conversations/${conversation.id}/labels`, { labels: ["vip"] });
  await api("POST", `/conversations/${conversation.id}/toggle_priority`, { priority: "high" });
  const before = contexts(await receivedIn(app!)).length;
  await app!.evaluate(() => (window as unknown as { askForInfo: () => void }).askForInfo());
  got = await waitFor(() => receivedIn(app!), (r) => contexts(r).length > before, "the fetch-info answer");
  const fresh = contexts(got).at(-1)!;
  expect(fresh.data.conversation.labels).toEqual(["vip"]);
  expect(fresh.data.conversation.priority).toBe("high");
  expect(fresh.data.contact.id).toBe(contact.payload.contact.id);

  // A page of another origin inside the app asks too: it gets nothing, and the app gets no extra message.
  const spy = frameAt(page, `http://127.0.0.1:${otherServer.port}/spy`);
  const settled = contexts(await receivedIn(app!)).length;
  await spy.evaluate(() => (window as unknown as { askForInfo: () => void }).askForInfo());
  await app!.evaluate(() => (window as unknown as { askForInfo: () => void }).askForInfo());
  await waitFor(() => receivedIn(app!), (r) => contexts(r).length === settled + 1, "the app's own answer");
  await Bun.sleep(300);
  expect(await receivedIn(spy)).toEqual([]);
  expect(contexts(await receivedIn(app!)).length).toBe(settled + 1);

  // The second app (another origin: localhost) only ever got its own messages, from the dashboard's origin.
  const loyalty = frameAt(page, `http://localhost:${appServer.port}/loyalty`);
  const loyaltyGot = await waitFor(() => receivedIn(loyalty), (r) => contexts(r).length >= 1, "the second app's context");
  expect(loyaltyGot.every((m) => m.origin === server.url)).toBe(true);

  expect(problems).toEqual([]);
  await context.close();
}, 90_000);

test("sidebar in the browser: assign to me, label, priority; live sections on realtime events; collapse remembered; phone", async () => {
  const admin = await createAdmin(server, { name: "Sam Supervisor" });
  const accountId = admin.account.id as number;
  const agent = await createAgent(server, { account: { id: accountId }, token: admin.token }, { name: "Alex Agent" });
  await createAgent(server, { account: { id: accountId }, token: admin.token }, { name: "Nora Noaccess" });
  const api = async (method: string, path: string, json?: unknown) => {
    const res = await server.api(`/api/v1/accounts/${accountId}${path}`, { method, token: admin.token, json });
    expect(res.status).toBeLessThan(300);
    return res.json() as Promise<any>;
  };
  const inbox = await api("POST", "/inboxes", { name: "Website", channel: { type: "api" } });
  await api("POST", "/inbox_members", { inbox_id: inbox.id, user_ids: [agent.user.id] });
  const contact = await api("POST", "/contacts", {
    inbox_id: inbox.id,
    name: "Carla Customer",
    email: "carla@example.com",
    phone_number: "+15550001111",
    additional_attributes: { company_name: "Acme Corp", city: "Lisbon", country: "Portugal", social_profiles: { github: "carla", twitter: "carla_tw" } },
    custom_attributes: { plan: "gold" },
  });
  const conversation = await api("POST", "/conversations", {
    source_id: contact.payload.contact_inbox.source_id,
    inbox_id: inbox.id,
    additional_attributes: { browser: { browser_name: "Firefox" }, referer: "https://shop.example.com/cart" },
  });
  await api("POST", `/conversations/${conversation.id}/messages`, { content: "Hi, my order has not arrived.", message_type: "incoming" });
  await api("POST", "/conversations", { contact_id: contact.payload.contact.id, inbox_id: inbox.id });
  await api("POST", "/labels", { title: "orders", color: "#1f93ff" });
  await api("POST", "/teams", { name: "Tier 2" });

  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  const problems = watchForErrors(page);
  await login(page, agent.email, agent.password);
  await page.goto(`${server.url}/app/accounts/${accountId}/conversations/${conversation.id}`);
  const sidebar = page.locator("#sidebar-pane");
  await sidebar.locator("#sidebar-assignee").waitFor();
  const names = (await sidebar.locator("#sidebar-assignee option").allTextContents()).map((t) => t.replace(" (online)", ""));
  expect(names).toEqual(["None", "Alex Agent", "Sam Supervisor"]);
  expect(await sidebar.locator('[aria-label="Carla Customer is offline"]').count()).toBe(1);

  // The actions below swap their sections with htmx: the page itself is never reloaded.
  await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
  await sidebar.locator('[data-shortcut="assign-self"]').click();
  await waitFor(async () => (await api("GET", `/conversations/${conversation.id}`)).meta.assignee?.id, (id) => id === agent.user.id, "assign to me");
  await waitFor(() => sidebar.locator("#sidebar-assignee").inputValue(), (v) => v === String(agent.user.id), "the re-rendered assignee");

  await sidebar.locator("#sidebar-priority").selectOption("high");
  await waitFor(async () => (await api("GET", `/conversations/${conversation.id}`)).priority, (p) => p === "high", "priority");
  await sidebar.locator("#sidebar-add-label").selectOption("orders");
  await sidebar.locator('#sidebar-section-labels button[type="submit"]', { hasText: "Add" }).click();
  await sidebar.locator('[data-label="orders"]').waitFor();
  expect((await api("GET", `/conversations/${conversation.id}/labels`)).payload).toEqual(["orders"]);

  // Changes made elsewhere (the API) show up live: conversation.updated / team.changed re-render their sections.
  await api("POST", `/conversations/${conversation.id}/toggle_priority`, { priority: "urgent" });
  await waitFor(() => sidebar.locator("#sidebar-priority").inputValue(), (v) => v === "urgent", "the live priority");
  const team = (await api("GET", "/teams"))[0];
  await api("POST", `/conversations/${conversation.id}/assignments`, { team_id: team.id });
  await waitFor(() => sidebar.locator("#sidebar-team").inputValue(), (v) => v === String(team.id), "the live team");
  // A refused value is shown in its section (422 swapped in), then a good one is saved.
  await sidebar.locator("#sidebar-attr-key").fill("bad key!");
  await sidebar.locator("#sidebar-attr-value").fill("x");
  await sidebar.locator('#sidebar-section-attributes button[type="submit"]', { hasText: "Set" }).click();
  expect(await sidebar.locator('#sidebar-section-attributes [data-testid="sidebar-error"]').textContent()).toContain("may contain only letters");
  expect(problems.splice(0)).toEqual(["Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)"]);
  await sidebar.locator("#sidebar-attr-key").fill("order_id");
  await sidebar.locator("#sidebar-attr-value").fill("A-1001");
  await sidebar.locator('#sidebar-section-attributes button[type="submit"]', { hasText: "Set" }).click();
  await sidebar.locator("#sidebar-section-attributes dd", { hasText: "A-1001" }).waitFor();
  expect((await api("GET", `/conversations/${conversation.id}`)).custom_attributes).toEqual({ order_id: "A-1001" });
  expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
  await sidebar.evaluate((el) => (el.scrollTop = 0));
  await page.screenshot({ path: join(SCREENSHOTS, "sidebar.png") });
  await api("PUT", `/contacts/${contact.payload.contact.id}`, { name: "Carla Customer-Lee", phone_number: "+15550002222" });
  await sidebar.locator(".contact-card-link", { hasText: "Carla Customer-Lee" }).waitFor();
  expect(await sidebar.locator(".contact-card-details").textContent()).toContain("+15550002222");

  // Collapse "Previous conversations"; it stays collapsed after a reload.
  await sidebar.locator('[data-sidebar-toggle="previous"]').click();
  expect(await sidebar.locator("#sidebar-body-previous").isHidden()).toBe(true);
  await page.reload();
  await sidebar.locator("#sidebar-assignee").waitFor();
  await waitFor(() => sidebar.locator('[data-sidebar-toggle="previous"]').getAttribute("aria-expanded"), (v) => v === "false", "the remembered state");
  // The agent's dashboard reported presence over the realtime socket: as participant (assigned), they show online.
  expect(await sidebar.locator('#sidebar-section-participants [aria-label="Alex Agent is online"]').count()).toBe(1);
  expect(await sidebar.locator(`#sidebar-assignee option[value="${agent.user.id}"]`).textContent()).toBe("Alex Agent (online)");

  // Sam joins as participant while offline; when Sam's dashboard connects, the dot turns online live (presence.update).
  await api("POST", `/conversations/${conversation.id}/participants`, { user_ids: [admin.user.id] });
  await page.reload();
  const samDot = sidebar.locator(`[data-presence-user="${admin.user.id}"]`);
  await samDot.waitFor();
  expect(await samDot.getAttribute("aria-label")).toBe("Sam Supervisor is offline");
  const samContext = await browser.newContext();
  const samPage = await samContext.newPage();
  await login(samPage, admin.email, admin.password);
  await waitFor(() => samDot.getAttribute("aria-label"), (v) => v === "Sam Supervisor is online", "Sam's live presence dot", 15_000);
  await samContext.close();
  expect(await sidebar.locator("#sidebar-body-previous").isHidden()).toBe(true);
  await sidebar.locator('[data-sidebar-toggle="previous"]').click();
  expect(await sidebar.locator("#sidebar-body-previous").isVisible()).toBe(true);
  expect(await sidebar.locator("[data-previous-conversation]").count()).toBe(1);

  // On a phone the details open over the conversation.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.locator("[data-ws-details]").click();
  await sidebar.locator(".contact-card").waitFor({ state: "visible" });
  await sidebar.evaluate((el) => (el.scrollTop = 0));
  await page.screenshot({ path: join(SCREENSHOTS, "sidebar-phone.png") });

  expect(problems).toEqual([]);
  await context.close();
}, 90_000);
