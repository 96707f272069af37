// Website live chat in a real browser: a page on another origin embeds Chatwoot's standard snippet pointing at
// Parley; the visitor talks to an agent through the SDK's iframe (/widget), which uses the widget API and /cable.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createHmac } from "node:crypto";
import { join } from "node:path";
import type { Browser, FrameLocator, Page } from "playwright-core";
import { startReceiver, type Receiver } from "../receiver.ts";
import { createAdmin, startTestServer, type TestServer } from "../server.ts";
import { launchBrowser, SCREENSHOTS, watchForErrors } from "./browser.ts";

let server: TestServer;
let receiver: Receiver;
let browser: Browser;
let host: ReturnType<typeof Bun.serve>;
let admin: Awaited<ReturnType<typeof createAdmin>>;
let inbox: { id: number; website_token: string; hmac_token: string };

/** The host site's page: chatwootSettings, Chatwoot's embed snippet (only BASE_URL changed), and a log of chatwoot:* events. */
function hostPage(baseUrl: string, websiteToken: string, settings: Record<string, unknown>) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Shop</title></head><body>
<h1>Acme shop</h1><p>Welcome to our shop.</p>
<script>
  window.__events = [];
  ["chatwoot:ready","chatwoot:on-message","chatwoot:opened","chatwoot:closed","chatwoot:error","chatwoot:on-start-conversation"].forEach(function (name) {
    window.addEventListener(name, function (e) { window.__events.push({ name: name, detail: e.detail || null, t: performance.now() }); });
  });
  window.chatwootSettings = ${JSON.stringify(settings)};
</script>
<script>
  (function(d,t) {
    var BASE_URL=${JSON.stringify(baseUrl)};
    var g=d.createElement(t),s=d.getElementsByTagName(t)[0];
    g.src=BASE_URL+"/packs/js/sdk.js";
    g.defer = true;
    g.async = true;
    s.parentNode.insertBefore(g,s);
    g.onload=function(){
      window.chatwootSDK.run({
        websiteToken: ${JSON.stringify(websiteToken)},
        baseUrl: BASE_URL
      })
    }
  })(document,"script");
</script>
</body></html>`;
}

/** A 2×2 PNG. */
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4z8AARAwQCgAf7gP9i18U1AAAAABJRU5ErkJggg==", "base64");

let hostSettings: Record<string, unknown> = {};

beforeAll(async () => {
  // Attachment URLs are built from the public URL, so the server gets a known port.
  const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = probe.port;
  probe.stop(true);
  server = startTestServer({ PORT: String(port), PARLEY_PUBLIC_URL: `http://localhost:${port}` });
  browser = await launchBrowser();
  admin = await createAdmin(server, { accountName: "Acme" });
  const res = await server.api(`/api/v1/accounts/${admin.account.id}/inboxes`, {
    token: admin.token,
    method: "POST",
    json: {
      name: "Acme website",
      csat_survey_enabled: true,
      channel: {
        type: "web_widget",
        website_url: "https://shop.example",
        welcome_title: "Acme support",
        welcome_tagline: "Questions about an order? Ask us.",
        pre_chat_form_enabled: true,
        pre_chat_form_options: {
          pre_chat_message: "Tell us who you are",
          pre_chat_fields: [
            { field_type: "standard", label: "Full name", name: "fullName", type: "text", enabled: true, required: true },
            { field_type: "standard", label: "Email", name: "emailAddress", type: "email", enabled: true, required: true },
          ],
        },
      },
    },
  });
  expect(res.status).toBe(200);
  inbox = await res.json();
  receiver = startReceiver();
  const hook = await server.api(`/api/v1/accounts/${admin.account.id}/webhooks`, {
    token: admin.token,
    method: "POST",
    json: { webhook: { url: `${receiver.url}/hook`, subscriptions: ["webwidget_triggered"] } },
  });
  expect(hook.status).toBe(200);
  host = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: (req) =>
      new URL(req.url).pathname === "/"
        ? new Response(hostPage(server.url, inbox.website_token, hostSettings), { headers: { "Content-Type": "text/html; charset=utf-8" } })
        : new Response(null, { status: 204 }),
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  host?.stop(true);
  await receiver?.close();
  await server?.close();
});

type HostWindow = { __events: { name: string; detail: any; t: number }[]; $chatwoot: any };
const events = (page: Page) => page.evaluate(() => (window as unknown as HostWindow).__events.map((e) => e.name));
const waitForEvent = (page: Page, name: string, count = 1) =>
  page.waitForFunction(([n, c]) => (window as unknown as HostWindow).__events.filter((e) => e.name === n).length >= (c as number), [name, count] as const, { timeout: 10_000 });

const api = async (path: string, init: { method?: string; json?: unknown } = {}) => {
  const res = await server.api(`/api/v1/accounts/${admin.account.id}${path}`, { token: admin.token, method: init.method ?? (init.json ? "POST" : "GET"), json: init.json });
  expect(res.status).toBe(200);
  return res.json();
};
const conversations = async () => (await api(`/conversations?inbox_id=${inbox.id}&status=all`)).data.payload as any[];

/** Console errors and uncaught exceptions; failed resource loads are kept apart with their URL. */
function watch(page: Page) {
  const problems: string[] = [];
  const resourceErrors: { text: string; url: string }[] = [];
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    if (msg.text().startsWith("Failed to load resource")) resourceErrors.push({ text: msg.text(), url: msg.location().url });
    else problems.push(msg.text());
  });
  page.on("pageerror", (err) => problems.push(err.message));
  return { problems, resourceErrors };
}

async function openHost(viewport = { width: 1280, height: 800 }, settings: Record<string, unknown> = {}, colorScheme: "light" | "dark" = "light") {
  hostSettings = settings;
  const context = await browser.newContext({ viewport, colorScheme });
  const page = await context.newPage();
  const { problems, resourceErrors } = watch(page);
  await page.goto(`http://127.0.0.1:${host.port}/`);
  expect(new URL(page.url()).origin).not.toBe(new URL(server.url).origin);
  await waitForEvent(page, "chatwoot:ready").catch(async (e) => {
    console.log("DEBUG", problems, page.frames().map((f) => f.url()), await page.content());
    throw e;
  });
  const frame = page.frameLocator("#chatwoot_live_chat_widget");
  return { context, page, problems, resourceErrors, frame };
}

/** Retries `read` until it returns `expected` (or a timeout). */
async function poll<T>(read: () => Promise<T>, expected: Awaited<T>, timeout = 5000): Promise<void> {
  const until = Date.now() + timeout;
  let last = await read();
  while (last !== expected && Date.now() < until) {
    await Bun.sleep(50);
    last = await read();
  }
  expect(last).toBe(expected);
}

const cookie = async (page: Page, name: string) => (await page.context().cookies()).find((c) => c.name === name)?.value ?? "";

test("a visitor on another site chats with an agent through the standard snippet", async () => {
  const { context, page, problems, resourceErrors, frame } = await openHost({ width: 1280, height: 800 }, { position: "right", launcherTitle: "Chat with Acme", type: "expanded_bubble" });
  const widgetFrame = page.frames().find((f) => f.url().includes("/widget?"))!;
  const readyAt = Number(await widgetFrame.evaluate(() => document.body.dataset.readyAt));
  expect(readyAt).toBeGreaterThan(0);

  // The launcher bubble (expanded: with the launcher title) opens the chat window and the pre-chat form.
  expect(await page.locator("#cw-bubble").textContent()).toContain("Chat with Acme");
  expect(await page.locator("#cw-widget-holder").isVisible()).toBe(false);
  await page.click("#cw-bubble");
  await waitForEvent(page, "chatwoot:opened");
  expect(await page.locator("#cw-widget-holder").isVisible()).toBe(true);
  await frame.locator("#prechat").waitFor({ state: "visible" });
  expect(await frame.locator("#title").textContent()).toBe("Acme support");
  expect(await frame.locator("#tagline").textContent()).toBe("Questions about an order? Ask us.");
  expect(await frame.locator("#availability").textContent()).toBe("Typically replies in a few minutes");
  expect(await frame.locator("#prechat-message").textContent()).toBe("Tell us who you are");
  await page.screenshot({ path: join(SCREENSHOTS, "widget-prechat.png") });

  // Required fields are enforced before anything is sent.
  await frame.locator("#prechat-text").fill("Where is my order #1234? 📦");
  await frame.locator("#prechat-form button[type=submit]").click();
  expect(await frame.locator("#prechat-error").textContent()).toBe("Full name is required");
  expect(await conversations()).toHaveLength(0);

  await frame.getByLabel("Full name").fill("Vera Visitor");
  await frame.getByLabel("Email").fill("vera@shop.test");
  await frame.locator("#prechat-form button[type=submit]").click();
  await frame.locator("#messages li.mine").first().waitFor();
  expect(await frame.locator("#messages li.mine .bubble").first().textContent()).toBe("Where is my order #1234? 📦");
  await waitForEvent(page, "chatwoot:on-start-conversation");

  // The conversation and the message are in the API, with the pre-chat details on the contact.
  const [conv] = await conversations();
  expect(conv.meta.sender.name).toBe("Vera Visitor");
  expect(conv.meta.sender.email).toBe("vera@shop.test");
  const messages = (await api(`/conversations/${conv.id}/messages`)).payload as any[];
  expect(messages.some((m) => m.content === "Where is my order #1234? 📦" && m.message_type === 0)).toBe(true);

  // The visitor sends a second message from the composer.
  await frame.locator("#input").fill("It was ordered last week.");
  await frame.locator("#input").press("Enter");
  await frame.locator("#messages li.mine", { hasText: "It was ordered last week." }).waitFor();

  // An agent reply through the API appears within a second; markup in it stays text.
  await frame.locator("body[data-live=true]").waitFor({ state: "attached" });
  const sentAt = Date.now();
  await api(`/conversations/${conv.id}/messages`, { json: { content: "Hi Vera, **it ships today**. <b>not bold</b> https://shop.example/track", message_type: "outgoing" } });
  const reply = frame.locator("#messages li.theirs", { hasText: "it ships today" });
  await reply.waitFor({ timeout: 1000 });
  const latency = Date.now() - sentAt;
  console.log(`agent reply shown in the widget after ${latency} ms`);
  expect(latency).toBeLessThan(1000);
  expect(await reply.locator("strong").textContent()).toBe("it ships today");
  expect(await reply.locator("b").count()).toBe(0);
  expect(await reply.locator(".bubble").textContent()).toContain("<b>not bold</b>");
  expect(await reply.locator("a").getAttribute("href")).toBe("https://shop.example/track");
  await waitForEvent(page, "chatwoot:on-message");

  // Opening the widget fired webwidget_triggered with the visitor's event_info.
  const [triggered] = await receiver.waitFor(1, 10_000, (r) => r.json().event === "webwidget_triggered");
  expect(triggered.json().event_info.referer).toBe(`http://127.0.0.1:${host.port}/`);
  expect(triggered.json().event_info.browser_language).toBe("en-US");
  expect(JSON.stringify(triggered.json().event_info.browser)).toContain("Chrome");

  // Agent typing shows in the widget and goes away.
  await api(`/conversations/${conv.id}/toggle_typing_status`, { json: { typing_status: "on" } });
  await frame.locator("#typing", { hasText: "is typing" }).waitFor();
  await api(`/conversations/${conv.id}/toggle_typing_status`, { json: { typing_status: "off" } });
  await frame.locator("#typing").waitFor({ state: "hidden" });

  // The visitor's typing reaches the agent's /cable subscription.
  const profile = await (await server.api("/api/v1/profile", { token: admin.token })).json();
  const seen: { event: string; data: any }[] = [];
  const socket = new WebSocket(server.url.replace(/^http/, "ws") + "/cable", ["actioncable-v1-json"]);
  const identifier = JSON.stringify({ channel: "RoomChannel", pubsub_token: profile.pubsub_token, account_id: admin.account.id, user_id: profile.id });
  const subscribed = new Promise<void>((resolve) => {
    socket.onmessage = (e) => {
      const frameData = JSON.parse(String(e.data));
      if (frameData.type === "welcome") socket.send(JSON.stringify({ command: "subscribe", identifier }));
      if (frameData.type === "confirm_subscription") resolve();
      if (frameData.message?.event) seen.push(frameData.message);
    };
  });
  await subscribed;
  await frame.locator("#input").pressSequentially("Hel");
  await poll(async () => seen.some((m) => m.event === "conversation.typing_on" && m.data.conversation.id === conv.id), true);
  await frame.locator("#input").fill("");
  await poll(async () => seen.some((m) => m.event === "conversation.typing_off" && m.data.conversation.id === conv.id), true);
  socket.close();

  // Interactive messages are rendered and answerable: input_select and form send submitted_values back.
  const select = await api(`/conversations/${conv.id}/messages`, {
    json: { content: "Which size?", message_type: "outgoing", content_type: "input_select", content_attributes: { items: [{ title: "Small", value: "s" }, { title: "Large", value: "l" }] } },
  });
  await frame.locator(`#messages li[data-id="${select.id}"] button.option`, { hasText: "Large" }).click();
  await frame.locator(`#messages li[data-id="${select.id}"] button.option.chosen`, { hasText: "Large" }).waitFor();
  const answered = async (id: number) => ((await api(`/conversations/${conv.id}/messages`)).payload as any[]).find((m) => m.id === id).content_attributes.submitted_values;
  expect(await answered(select.id)).toEqual([{ title: "Large", value: "l" }]);
  const form = await api(`/conversations/${conv.id}/messages`, {
    json: { content: "Your order", message_type: "outgoing", content_type: "form", content_attributes: { items: [{ name: "order", label: "Order number", type: "text", placeholder: "e.g. 1234" }] } },
  });
  await frame.getByLabel("Order number").fill("1234");
  await frame.locator(`#messages li[data-id="${form.id}"] button[type=submit]`).click();
  await frame.locator(`#messages li[data-id="${form.id}"] button[type=submit]:disabled`).waitFor();
  expect(await answered(form.id)).toEqual([{ name: "order", title: "Order number", value: "1234" }]);

  // Cards show their text and actions (links open the page; postbacks answer in the conversation).
  await api(`/conversations/${conv.id}/messages`, {
    json: {
      content: "Our bestsellers",
      message_type: "outgoing",
      content_type: "cards",
      content_attributes: { items: [{ title: "Blue mug", description: "Holds 350 ml", actions: [{ type: "link", text: "View", uri: "https://shop.example/mug" }, { type: "postback", text: "Buy the mug", payload: "BUY_MUG" }] }] },
    },
  });
  const card = frame.locator(".card", { hasText: "Blue mug" });
  await card.waitFor();
  expect(await card.locator("a.card-action").getAttribute("href")).toBe("https://shop.example/mug");
  await card.locator("button.card-action").click();
  await frame.locator("#messages li.mine", { hasText: "Buy the mug" }).waitFor();

  // An agent's image attachment is previewed in the widget (and links to the file).
  const upload = new FormData();
  upload.append("content", "Here is your parcel");
  upload.append("message_type", "outgoing");
  upload.append("attachments[]", new File([PNG], "parcel.png", { type: "image/png" }));
  const uploaded = await server.api(`/api/v1/accounts/${admin.account.id}/conversations/${conv.id}/messages`, { token: admin.token, method: "POST", body: upload });
  expect(uploaded.status).toBe(200);
  const dataUrl = (await uploaded.json()).attachments[0].data_url as string;
  expect(dataUrl).toContain("/files/");
  // The image is previewed from data_url (a capability URL the visitor's browser may load) and links to the file.
  const preview = frame.locator(`#messages li.theirs a.att-image[href="${dataUrl}"] img`);
  await preview.waitFor();
  const shown = () => preview.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0);
  for (const until = Date.now() + 5000; !(await shown()) && Date.now() < until; ) await Bun.sleep(50);
  expect(await shown()).toBe(true);
  await page.screenshot({ path: join(SCREENSHOTS, "widget-open.png") });

  // The session survives a reload: same cookie, same conversation.
  const token = await cookie(page, "cw_conversation");
  expect(token.length).toBeGreaterThan(20);
  await page.reload();
  await waitForEvent(page, "chatwoot:ready");

  // While the window is closed, an agent's message shows as an unread count on the launcher.
  await frame.locator("body[data-live=true]").waitFor({ state: "attached" });
  await api(`/conversations/${conv.id}/messages`, { json: { content: "Anything else?", message_type: "outgoing" } });
  await page.locator('[data-parley="unread"]', { hasText: "1" }).waitFor();
  await page.click("#cw-bubble");
  await page.locator('[data-parley="unread"]').waitFor({ state: "hidden" });
  await frame.locator("#messages li.theirs", { hasText: "it ships today" }).waitFor();
  expect(await frame.locator("#prechat").isVisible()).toBe(false);
  expect(await conversations()).toHaveLength(1);

  // Resolution brings the CSAT prompt; the rating and comment reach the conversation.
  await api(`/conversations/${conv.id}/toggle_status`, { json: { status: "resolved" } });
  await frame.locator(".csat").waitFor();
  await frame.locator('.csat button[data-rating="5"]').click();
  await frame.locator(".csat-comment").fill("Quick and friendly 😀");
  await frame.locator(".csat button[type=submit]").click();
  await frame.locator(".csat-thanks").waitFor();
  const csat = ((await api(`/conversations/${conv.id}/messages`)).payload as any[]).find((m) => m.content_type === "input_csat");
  expect(csat.content_attributes.submitted_values.csat_survey_response).toEqual({ rating: 5, feedback_message: "Quick and friendly 😀" });

  // setUser with a valid identifier_hash marks the session verified; a wrong hash is refused with chatwoot:error.
  const hash = createHmac("sha256", inbox.hmac_token).update("vera-42").digest("hex");
  await page.evaluate((h) => (window as unknown as HostWindow).$chatwoot.setUser("vera-42", { name: "Vera Visitor", email: "vera@shop.test", identifier_hash: h }), hash);
  await poll(async () => (await conversations())[0].meta.hmac_verified, true);
  expect((await conversations())[0].meta.sender.identifier).toBe("vera-42");
  await poll(async () => (await cookie(page, `cw_user_${inbox.website_token}`)) !== "", true);
  await page.evaluate(() => (window as unknown as HostWindow).$chatwoot.setUser("mallory-7", { name: "Mallory", identifier_hash: "0".repeat(64) }));
  await waitForEvent(page, "chatwoot:error");
  const error = await page.evaluate(() => (window as unknown as HostWindow).__events.find((e) => e.name === "chatwoot:error")!.detail);
  expect(error.status).toBe(401);
  expect(error.message).toContain("HMAC failed");

  // reset() forgets the visitor: cookies gone, a new anonymous session with the pre-chat form again.
  await page.evaluate(() => (window as unknown as HostWindow).$chatwoot.reset());
  await waitForEvent(page, "chatwoot:ready", 2);
  expect(await cookie(page, `cw_user_${inbox.website_token}`)).toBe("");
  const fresh = await cookie(page, "cw_conversation");
  expect(fresh).not.toBe("");
  expect(fresh).not.toBe(token);
  await page.click("#cw-bubble");
  await frame.locator("#prechat").waitFor({ state: "visible" });
  expect(await frame.locator("#messages li").count()).toBe(0);
  await page.click("#cw-bubble");
  await waitForEvent(page, "chatwoot:closed");
  expect(await events(page)).toContain("chatwoot:closed");

  // The only console errors are the browser's reports of the refused setUser (401) and of the attachment, which
  // a visitor's browser cannot load from the account API (see the closing report).
  expect(problems).toEqual([]);
  expect(resourceErrors.filter((e) => !e.url.includes("/contact/set_user") && e.url !== dataUrl)).toEqual([]);
  await context.close();
}, 60_000);

test("phone width opens full screen, dark mode follows the setting, German through the same i18n table", async () => {
  const { context, page, problems, resourceErrors, frame } = await openHost({ width: 390, height: 760 }, { darkMode: "auto", locale: "de", showPopoutButton: true }, "dark");
  await page.click("#cw-bubble");
  await frame.locator("#prechat").waitFor({ state: "visible" });
  const box = await page.locator("#cw-widget-holder").boundingBox();
  expect(box).toEqual({ x: 0, y: 0, width: 390, height: 760 });
  expect(await page.locator("#cw-bubble").isVisible()).toBe(false);
  expect(await frame.locator("#prechat-form button[type=submit]").textContent()).toBe("Gespräch beginnen");
  expect(await frame.locator("#availability").textContent()).toBe("Antwortet meist innerhalb weniger Minuten");
  const dark = await frame.locator("main").evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(dark).toBe("rgb(29, 32, 38)");
  await page.screenshot({ path: join(SCREENSHOTS, "widget-phone.png") });

  // setColorScheme("light") switches back; the close button in the header closes the window.
  await page.evaluate(() => (window as unknown as HostWindow).$chatwoot.setColorScheme("light"));
  await poll(() => frame.locator("main").evaluate((el) => getComputedStyle(el).backgroundColor), "rgb(244, 246, 251)");
  // The popout button opens the same conversation in its own window.
  const [popup] = await Promise.all([page.waitForEvent("popup"), frame.locator("#popout").click()]);
  const popupProblems = watchForErrors(popup);
  await popup.waitForSelector("body[data-ready=true]");
  expect(popup.url()).toContain("popout=1");
  expect(await popup.locator("#prechat").isVisible()).toBe(true);
  expect(popupProblems).toEqual([]);
  await popup.close();
  await waitForEvent(page, "chatwoot:closed");
  await page.click("#cw-bubble");
  await frame.locator("#close").click();
  await waitForEvent(page, "chatwoot:closed", 2);
  expect(await page.locator("#cw-bubble").isVisible()).toBe(true);
  expect(problems).toEqual([]);
  expect(resourceErrors).toEqual([]);
  await context.close();
}, 60_000);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

test("time to interactive, as the browser sees it (printed; the number is reported, not asserted)", async () => {
  const hostCold: number[] = [];
  const frameCold: number[] = [];
  const hostWarm: number[] = [];
  const frameWarm: number[] = [];
  const read = async (page: Page) => {
    const host = await page.evaluate(() => (window as unknown as HostWindow).__events.find((e) => e.name === "chatwoot:ready")!.t);
    const frame = page.frames().find((f) => f.url().includes("/widget?"))!;
    await frame.waitForSelector("body[data-ready=true]", { state: "attached" });
    return { host, frame: Number(await frame.evaluate(() => document.body.dataset.readyAt)) };
  };
  for (let i = 0; i < 5; i++) {
    // A new browser context: empty cache, no cookie (a first visit); then a reload (cached assets, same visitor).
    const { context, page, problems } = await openHost();
    const cold = await read(page);
    hostCold.push(cold.host);
    frameCold.push(cold.frame);
    await page.reload();
    await waitForEvent(page, "chatwoot:ready");
    const warm = await read(page);
    hostWarm.push(warm.host);
    frameWarm.push(warm.frame);
    expect(problems).toEqual([]);
    await context.close();
  }
  for (const n of [...hostCold, ...frameCold, ...hostWarm, ...frameWarm]) expect(n).toBeGreaterThan(0);
  const fmt = (xs: number[]) => `median ${Math.round(median(xs))} ms (max ${Math.round(Math.max(...xs))})`;
  console.log(`widget TTI, first visit: host navigation start → chatwoot:ready ${fmt(hostCold)}; iframe navigation start → composer usable ${fmt(frameCold)}`);
  console.log(`widget TTI, returning visit: host navigation start → chatwoot:ready ${fmt(hostWarm)}; iframe navigation start → composer usable ${fmt(frameWarm)}`);
}, 60_000);

test("emoji picker: keyboard and mouse, inserts at the caret, closes on Escape and outside click; transcript by email", async () => {
  const { context, page, problems, resourceErrors, frame } = await openHost({ width: 1280, height: 800 });
  await page.click("#cw-bubble");
  await frame.locator("#prechat").waitFor({ state: "visible" });
  await frame.getByLabel("Full name").fill("Tina Tester");
  await frame.getByLabel("Email").fill("tina@shop.test");
  await frame.locator("#prechat-text").fill("Hi there");
  await frame.locator("#prechat-form button[type=submit]").click();
  await frame.locator("#messages li.mine", { hasText: "Hi there" }).waitFor();

  // Keyboard: the toggle opens the picker with focus on the first emoji; arrows move, Enter inserts at the caret.
  const input = frame.locator("#input");
  await input.fill("Hello world");
  await input.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(5, 5));
  await frame.locator("#emoji-toggle").focus();
  await frame.locator("#emoji-toggle").press("Enter");
  await frame.locator("#emoji-panel").waitFor({ state: "visible" });
  expect(await frame.locator("#emoji-toggle").getAttribute("aria-expanded")).toBe("true");
  expect(await frame.locator(".emoji:focus").textContent()).toBe("😀");
  await page.screenshot({ path: join(SCREENSHOTS, "widget-emoji-picker.png") });
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowDown");
  expect(await frame.locator(".emoji:focus").textContent()).toBe("😇");
  await page.keyboard.press("Enter");
  await frame.locator("#emoji-panel").waitFor({ state: "hidden" });
  expect(await input.inputValue()).toBe("Hello😇 world");
  expect(await input.evaluate((el: HTMLTextAreaElement) => [document.activeElement === el, el.selectionStart])).toEqual([true, "Hello😇".length]);

  // Categories are tabs (arrow keys move between them); a click on an emoji inserts it where the caret is.
  await frame.locator("#emoji-toggle").click();
  await frame.locator(".emoji-tab").nth(1).click();
  expect(await frame.locator(".emoji-tab").nth(1).getAttribute("aria-selected")).toBe("true");
  await frame.locator(".emoji-tab").nth(1).press("ArrowRight");
  expect(await frame.locator(".emoji-tab:focus").getAttribute("aria-label")).toBe("Symbols");
  expect(await frame.locator(".emoji").first().textContent()).toBe("❤️");
  await frame.locator(".emoji", { hasText: "🎉" }).click();
  expect(await input.inputValue()).toBe("Hello😇🎉 world");

  // Escape closes and gives focus back to the toggle; so does a click outside (without inserting anything).
  await frame.locator("#emoji-toggle").click();
  await frame.locator("#emoji-panel").waitFor({ state: "visible" });
  await page.keyboard.press("Escape");
  await frame.locator("#emoji-panel").waitFor({ state: "hidden" });
  expect(await frame.locator("#emoji-toggle").evaluate((el) => document.activeElement === el)).toBe(true);
  await frame.locator("#emoji-toggle").click();
  await frame.locator("#emoji-panel").waitFor({ state: "visible" });
  await frame.locator("#title").click();
  await frame.locator("#emoji-panel").waitFor({ state: "hidden" });
  expect(await frame.locator("#emoji-toggle").getAttribute("aria-expanded")).toBe("false");
  expect(await input.inputValue()).toBe("Hello😇🎉 world");

  await input.press("Enter");
  await frame.locator("#messages li.mine", { hasText: "Hello😇🎉 world" }).waitFor();

  // The contact has an email (pre-chat form), so the footer offers the transcript; it arrives in the mail outbox.
  const conv = (await conversations()).find((c) => c.meta.sender.email === "tina@shop.test")!;
  await api(`/conversations/${conv.id}/messages`, { json: { content: "Internal: VIP <b>customer</b>", private: true } });
  await api(`/conversations/${conv.id}/messages`, { json: { content: "Glad to help, Tina!", message_type: "outgoing" } });
  await frame.locator("#messages li.theirs", { hasText: "Glad to help" }).waitFor();
  await frame.locator("#transcript").click();
  await frame.locator("#transcript-status", { hasText: "We sent the transcript to tina@shop.test." }).waitFor();
  const mail = server.deps.db.$client.query("SELECT subject, text_body, html_body FROM mail_outbox WHERE to_address = ?").get("tina@shop.test") as {
    subject: string;
    text_body: string;
    html_body: string;
  } | null;
  expect(mail?.subject).toBe(`[Acme website] Conversation transcript #${conv.id}`);
  expect(mail?.text_body).toContain("Hello😇🎉 world");
  expect(mail?.text_body).toContain("Glad to help, Tina!");
  expect(mail?.text_body).not.toContain("VIP");
  expect(mail?.html_body).not.toContain("VIP");
  await page.screenshot({ path: join(SCREENSHOTS, "widget-transcript.png") });
  expect(problems).toEqual([]);
  expect(resourceErrors).toEqual([]);
  await context.close();

  // An agent sends the same transcript from the dashboard: "Transcript" in the conversation's actions, prefilled.
  const agentContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const desk = await agentContext.newPage();
  const deskProblems = watchForErrors(desk);
  await desk.goto(server.url + "/app/login");
  await desk.fill("#f-email", admin.email);
  await desk.fill("#f-password", admin.password);
  await Promise.all([desk.waitForURL(/\/dashboard$/), desk.click("button[type=submit]")]);
  await desk.goto(`${server.url}/app/accounts/${admin.account.id}/conversations/${conv.id}`);
  await desk.click('[data-testid="transcript-menu"]');
  const email = desk.locator("#transcript-email");
  await email.waitFor({ state: "visible" });
  expect(await email.inputValue()).toBe("tina@shop.test");
  await email.fill("lead@acme.test");
  await desk.click('[data-testid="send-transcript"]');
  await desk.locator(".transcript-result", { hasText: "Transcript sent to lead@acme.test." }).waitFor();
  await desk.screenshot({ path: join(SCREENSHOTS, "conversation-send-transcript.png") });
  expect(server.deps.db.$client.query("SELECT count(*) AS n FROM mail_outbox WHERE to_address = ?").get("lead@acme.test")).toEqual({ n: 1 });
  await email.fill("not an email");
  await desk.locator("#transcript-email").evaluate((el: HTMLInputElement) => el.form!.requestSubmit());
  // the browser's own check stops an invalid address before it is sent
  expect(await email.evaluate((el: HTMLInputElement) => el.validity.valid)).toBe(false);
  await desk.keyboard.press("Escape");
  await desk.locator("#transcript-menu-panel").waitFor({ state: "hidden" });
  expect(deskProblems).toEqual([]);
  await agentContext.close();
}, 60_000);

test("emoji picker at phone width in dark mode: fits the screen, dark colours, touch-sized targets", async () => {
  const { context, page, problems, resourceErrors, frame } = await openHost({ width: 390, height: 760 }, { darkMode: "dark" }, "dark");
  await page.click("#cw-bubble");
  await frame.locator("#prechat").waitFor({ state: "visible" });
  await frame.getByLabel("Full name").fill("Pia Phone");
  await frame.getByLabel("Email").fill("pia@shop.test");
  await frame.locator("#prechat-text").fill("From my phone");
  await frame.locator("#prechat-form button[type=submit]").click();
  await frame.locator("#messages li.mine", { hasText: "From my phone" }).waitFor();
  await frame.locator("#emoji-toggle").click();
  const panel = frame.locator("#emoji-panel");
  await panel.waitFor({ state: "visible" });
  const box = (await panel.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(390);
  expect(box.y).toBeGreaterThanOrEqual(0);
  const cell = (await frame.locator(".emoji").first().boundingBox())!;
  expect(cell.width).toBeGreaterThanOrEqual(32);
  expect(await panel.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe("rgb(20, 22, 26)");
  await page.screenshot({ path: join(SCREENSHOTS, "widget-emoji-picker-phone-dark.png") });
  await frame.locator(".emoji", { hasText: "👍" }).count().then((n) => expect(n).toBe(0));
  await frame.locator(".emoji-tab").nth(1).click();
  await frame.locator(".emoji", { hasText: "👍" }).click();
  expect(await frame.locator("#input").inputValue()).toBe("👍");
  expect(problems).toEqual([]);
  expect(resourceErrors).toEqual([]);
  await context.close();
}, 60_000);
