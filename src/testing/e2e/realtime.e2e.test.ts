// The dashboard page's realtime client (static/js/realtime.js) against /cable in a real browser: it subscribes
// with the page's <meta name="parley-realtime">, re-dispatches broadcasts as `parley:realtime` DOM events,
// reports presence, and reconnects after the server drops the socket.
import { expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { realtimeFor } from "../../realtime/index.ts";
import { browserSuite, apiTokenFromProfile, submitOnboarding, watchForErrors } from "./browser.ts";

const suite = browserSuite();

type Detail = { event: string; data: any };
type PageWindow = { __rt: Detail[]; __status: boolean[]; parleyRealtime: { connected: boolean; perform(a: string, d?: object): boolean } };

async function listen(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as PageWindow;
    w.__rt = [];
    w.__status = [];
    document.addEventListener("parley:realtime", (e) => w.__rt.push((e as CustomEvent<Detail>).detail));
    document.addEventListener("parley:realtime-status", (e) => w.__status.push((e as CustomEvent<{ connected: boolean }>).detail.connected));
  });
}

const waitForEvent = (page: Page, event: string, field: string, value: unknown) =>
  page.waitForFunction(
    ([ev, f, v]) => (window as unknown as PageWindow).__rt.some((d) => d.event === ev && (d.data as Record<string, unknown>)[f as string] === v),
    [event, field, value] as const,
    { timeout: 5000 },
  );

test("the dashboard receives parley:realtime events for new conversations and messages, reports presence and reconnects", async () => {
  const page = await suite.browser.newPage({ viewport: { width: 1280, height: 720 } });
  const problems = watchForErrors(page);
  await page.goto(suite.server.url + "/");
  const { accountBase, accountId } = await submitOnboarding(page, { name: "Rita Realtime", account: "Live Co", email: "rita@live.test" });
  const token = await apiTokenFromProfile(page, accountBase);
  await page.goto(`${accountBase}/dashboard`);
  await listen(page);
  await page.waitForFunction(() => (window as unknown as PageWindow).parleyRealtime.connected === true, null, { timeout: 5000 });

  const api = (path: string, json?: unknown) =>
    suite.server.api(`/api/v1/accounts/${accountId}${path}`, { token, method: json === undefined ? "GET" : "POST", json }).then(async (r) => {
      expect(r.status).toBe(200);
      return r.json();
    });
  const inbox = await api("/inboxes", { name: "API", channel: { type: "api", webhook_url: "" } });
  const contact = await api("/contacts", { name: "Vera Visitor", inbox_id: inbox.id });
  const conversation = await api("/conversations", { inbox_id: inbox.id, contact_id: contact.payload.contact.id });
  await waitForEvent(page, "conversation.created", "id", conversation.id);
  await api(`/conversations/${conversation.id}/messages`, { content: "Live hello", message_type: "incoming" });
  await waitForEvent(page, "message.created", "content", "Live hello");
  await waitForEvent(page, "contact.created", "name", "Vera Visitor");
  const message = await page.evaluate(() => (window as unknown as PageWindow).__rt.find((d) => d.event === "message.created")!.data);
  expect(message).toMatchObject({ conversation_id: conversation.id, message_type: 0, account_id: accountId, sender: { type: "contact" } });

  // window.parleyRealtime.perform sends a RoomChannel action: update_presence answers with presence.update.
  expect(await page.evaluate(() => (window as unknown as PageWindow).parleyRealtime.perform("update_presence"))).toBe(true);
  await page.waitForFunction(() => (window as unknown as PageWindow).__rt.some((d) => d.event === "presence.update"), null, { timeout: 5000 });
  const presence = await page.evaluate(() => (window as unknown as PageWindow).__rt.find((d) => d.event === "presence.update")!.data);
  expect(presence.account_id).toBe(accountId);
  expect(Object.keys(presence.users).length).toBe(1);

  // The server drops every socket: the page reports it, reconnects by itself, and events flow again.
  realtimeFor(suite.server.deps).cable.closeAll();
  await page.waitForFunction(() => (window as unknown as PageWindow).__status.includes(false), null, { timeout: 5000 });
  await page.waitForFunction(() => (window as unknown as PageWindow).parleyRealtime.connected === true, null, { timeout: 10_000 });
  await api(`/conversations/${conversation.id}/messages`, { content: "After reconnect", message_type: "outgoing" });
  await waitForEvent(page, "message.created", "content", "After reconnect");

  expect(problems).toEqual([]);
  await page.close();
}, 60_000);

test("pages without a signed-in user do not open a socket", async () => {
  const page = await suite.browser.newPage();
  const problems = watchForErrors(page);
  const sockets: string[] = [];
  page.on("websocket", (ws) => sockets.push(ws.url()));
  await page.goto(suite.server.url + "/app/login");
  await page.waitForTimeout(300);
  expect(await page.evaluate(() => (window as unknown as PageWindow).parleyRealtime?.connected)).toBe(false);
  expect(sockets).toEqual([]);
  expect(problems).toEqual([]);
  await page.close();
});
