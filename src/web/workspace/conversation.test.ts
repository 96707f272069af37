// The conversation pane through the dashboard's routes, as a browser (and htmx / conversation.js) calls them.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createAgent, startTestServer, type TestServer } from "../../testing/server.ts";
import { PASSWORD, WebClient, onboard } from "../test-client.ts";
import { parseLocalDateTime, snoozePresetUntil } from "./conversation.tsx";

const MAX_UPLOAD = 200_000;
const PNG = Uint8Array.from(
  atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="),
  (ch) => ch.charCodeAt(0),
);

let server: TestServer;
let owner: WebClient;
let accountPath: string;
let accountId: number;
let token: string;
let inboxId: number;
let otherInboxId: number;
let member: { user: { id: number; name: string }; email: string };
let outsider: { user: { id: number }; email: string };
let outsiderClient: WebClient;

async function api(method: string, path: string, json?: unknown) {
  const res = await server.api(`/api/v1/accounts/${accountId}${path}`, { method, token, json });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function login(email: string): Promise<WebClient> {
  const client = new WebClient(server);
  await client.page("/app/login");
  const res = await client.post("/app/login", { email, password: PASSWORD });
  expect(res.status).toBe(302);
  await client.page(accountPath + "/dashboard");
  return client;
}

/** A conversation with one incoming message from a new contact; returns its display id. */
async function newConversation(content = "Hello, I need help", inbox = inboxId): Promise<number> {
  const contact = await api("POST", "/contacts", { name: "Casey Customer", email: `${crypto.randomUUID().slice(0, 8)}@customer.example`, inbox_id: inbox });
  expect(contact.status).toBe(200);
  const conv = await api("POST", "/conversations", { inbox_id: inbox, contact_id: contact.body.payload.contact.id });
  expect(conv.status).toBe(200);
  const msg = await api("POST", `/conversations/${conv.body.id}/messages`, { content, message_type: "incoming" });
  expect(msg.status).toBe(200);
  return conv.body.id;
}

/** A request as conversation.js sends it: htmx header, CSRF header, session cookie, same origin. */
function xhr(client: WebClient, method: string, path: string, body?: FormData | URLSearchParams) {
  const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  return fetch(server.url + path, {
    method,
    redirect: "manual",
    headers: { cookie, origin: server.url, "x-csrf-token": client.csrf, "hx-request": "true" },
    body,
  });
}

function fields(values: Record<string, string>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(values)) f.append(k, v);
  return f;
}

beforeAll(async () => {
  server = startTestServer({ PARLEY_MAX_UPLOAD_BYTES: String(MAX_UPLOAD) }, { startJobs: false });
  ({ client: owner, accountPath } = await onboard(server));
  accountId = Number(accountPath.split("/").pop());
  const profile = await owner.page(`${accountPath}/settings/profile`);
  token = /data-value="([^"]+)"/.exec(profile.html)![1];
  inboxId = (await api("POST", "/inboxes", { name: "Support API", channel: { type: "api", webhook_url: "" } })).body.id;
  otherInboxId = (await api("POST", "/inboxes", { name: "Secret API", channel: { type: "api", webhook_url: "" } })).body.id;
  const admin = { account: { id: accountId }, token };
  member = await createAgent(server, admin, { name: "Mia Member", password: PASSWORD });
  outsider = await createAgent(server, admin, { name: "Otto Outsider", password: PASSWORD });
  expect((await api("POST", "/inbox_members", { inbox_id: inboxId, user_ids: [member.user.id] })).status).toBe(200);
  expect((await api("POST", "/inbox_members", { inbox_id: otherInboxId, user_ids: [outsider.user.id] })).status).toBe(200);
  outsiderClient = await login(outsider.email);
  await owner.page(accountPath + "/dashboard");
}, 60_000);

afterAll(async () => {
  await server.close();
});

describe("conversation pane", () => {
  test("renders header, actions, the timeline and the reply box; content is escaped and rendered as markdown", async () => {
    const id = await newConversation('<img src=x onerror="alert(1)"> **bold** [x](javascript:alert(1)) https://example.com/ok');
    const { res, html } = await owner.page(`${accountPath}/conversations/${id}`);
    expect(res.status).toBe(200);
    expect(html).toContain('id="conversation-pane"');
    expect(html).toContain('<h2 tabindex="-1" id="conversation-heading">Casey Customer</h2>');
    expect(html).toContain("Support API · API");
    expect(html).toContain('data-shortcut="resolve"');
    expect(html).toContain('data-shortcut="reply"');
    expect(html).toContain('data-shortcut="note"');
    expect(html).toContain("Resolve and next");
    expect(html).toContain("Tomorrow, 9:00");
    expect(html).toContain("Mark as pending");
    // The message: escaped, markdown applied, the unsafe link inert, the safe one hardened.
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(html).not.toContain("<img src=x");
    expect(html).toContain("<strong>bold</strong>");
    expect(html).not.toContain('href="javascript:');
    expect(html).toContain('<a href="https://example.com/ok" target="_blank" rel="noopener noreferrer nofollow">');
    expect(html).toMatch(/class="message message-in"/);
    // Tabs: Messages is a tab controlling the messages panel.
    expect(html).toContain('role="tab" id="conversation-tab-messages" aria-controls="conversation-panel-messages"');
    // Only one conversation's worth: the first message means no "load older".
    expect(html).toContain("Start of the conversation");
    expect(html).not.toContain("timeline-older");
  });

  test("the timeline is paged: the latest 50 first, then 50 before a message id, until the start", async () => {
    const id = await newConversation("message 0");
    for (let i = 1; i <= 120; i++) {
      const r = await api("POST", `/conversations/${id}/messages`, { content: `message ${i}`, message_type: i % 2 ? "outgoing" : "incoming" });
      expect(r.status).toBe(200);
    }
    const numbers = (html: string) => [...html.matchAll(/<p>message (\d+)<\/p>/g)].map((m) => Number(m[1]));
    const first = await owner.page(`${accountPath}/conversations/${id}`);
    expect(numbers(first.html)).toEqual(Array.from({ length: 50 }, (_, i) => 71 + i));
    const older1 = /hx-get="([^"]+messages\?before=\d+)"/.exec(first.html)![1].replace(/&amp;/g, "&");
    const page2 = await (await owner.get(older1, { "hx-request": "true" })).text();
    expect(numbers(page2)).toEqual(Array.from({ length: 50 }, (_, i) => 21 + i));
    const older2 = /hx-get="([^"]+messages\?before=\d+)"/.exec(page2)![1];
    const page3 = await (await owner.get(older2, { "hx-request": "true" })).text();
    expect(numbers(page3)).toEqual(Array.from({ length: 21 }, (_, i) => i));
    expect(page3).toContain("Start of the conversation");
    expect(page3).not.toContain("hx-get=");
    // Messages after a known id (what a live timeline missed).
    const lastIds = [...first.html.matchAll(/data-message-id="(\d+)"/g)].map((m) => Number(m[1]));
    const after = await (await owner.get(`${accountPath}/conversations/${id}/messages?after=${lastIds[lastIds.length - 2]}`)).text();
    expect(numbers(after)).toEqual([120]);
    // Bad paging input is a 4xx naming the field.
    const bad = await owner.get(`${accountPath}/conversations/${id}/messages?before=abc`);
    expect(bad.status).toBe(422);
  });

  test("a reply and a private note are posted from the reply box; the note is marked and the mention parsed", async () => {
    const id = await newConversation();
    await owner.page(`${accountPath}/conversations/${id}`);
    const reply = await xhr(owner, "POST", `${accountPath}/conversations/${id}/messages`, fields({ content: "Thanks, **on it**", private: "false" }));
    expect(reply.status).toBe(200);
    const replyHtml = await reply.text();
    expect(replyHtml).toMatch(/^<li class="message message-out"/);
    expect(replyHtml).toContain("<strong>on it</strong>");
    expect(replyHtml).toContain('data-status="sent"');
    expect(replyHtml).not.toContain("Private note");

    const mention = `[@${member.user.name}](mention://user/${member.user.id}/${encodeURIComponent(member.user.name)})`;
    const note = await xhr(owner, "POST", `${accountPath}/conversations/${id}/messages`, fields({ content: `${mention} can you check?`, private: "true" }));
    expect(note.status).toBe(200);
    const noteHtml = await note.text();
    expect(noteHtml).toContain("message-private");
    expect(noteHtml).toContain("Private note");
    expect(noteHtml).toContain(`<span class="mention" data-mention-type="user" data-mention-id="${member.user.id}">@Mia Member</span>`);
    expect(noteHtml).not.toContain("message-delivery");

    const list = await api("GET", `/conversations/${id}/messages`);
    const [r, n] = list.body.payload.slice(-2);
    expect(r).toMatchObject({ content: "Thanks, **on it**", message_type: 1, private: false, sender: { type: "user" } });
    expect(n).toMatchObject({ private: true, message_type: 1 });
    // The mentioned agent now sees the conversation in their mentions.
    const mentions = await server.api(`/api/v1/accounts/${accountId}/conversations?conversation_type=mention`, { token: (member as unknown as { token: string }).token });
    expect((await mentions.json()).data.payload.map((c: { id: number }) => c.id)).toContain(id);

    // A blank message is a 422 naming the message, shown by the reply box.
    const blank = await xhr(owner, "POST", `${accountPath}/conversations/${id}/messages`, fields({ content: "   ", private: "false" }));
    expect(blank.status).toBe(422);
    expect(await blank.text()).toBe("Message can't be blank");
    // Without JavaScript the form posts and comes back to the conversation.
    const plain = await owner.post(`${accountPath}/conversations/${id}/messages`, { content: "no-js reply", private: "false" });
    expect(plain.status).toBe(303);
    expect(plain.headers.get("location")).toBe(`${accountPath}/conversations/${id}`);
    // Without the CSRF token nothing is written.
    const forged = await owner.post(`${accountPath}/conversations/${id}/messages`, { content: "forged" }, { csrf: null });
    expect(forged.status).toBe(403);
  });

  test("attachments upload through the reply box, preview as images and download for the session; too large is refused", async () => {
    const id = await newConversation();
    await owner.page(`${accountPath}/conversations/${id}`);
    const form = fields({ content: "", private: "false" });
    form.append("attachments", new File([PNG], "pixel.png", { type: "image/png" }));
    form.append("attachments", new File(["a,b\n1,2\n"], "report.csv", { type: "text/csv" }));
    const res = await xhr(owner, "POST", `${accountPath}/conversations/${id}/messages`, form);
    expect(res.status).toBe(200);
    const html = await res.text();
    const img = /<img src="([^"]+conversation-attachments\/\d+)" alt="pixel.png"/.exec(html);
    expect(img).not.toBeNull();
    expect(html).toMatch(/class="attachment attachment-file"[^>]*download="report.csv"/);
    expect(html).toContain('<span class="attachment-size">8 B</span>');
    const file = await owner.get(img![1]);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("image/png");
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(PNG);
    // The outsider cannot fetch it.
    expect((await outsiderClient.get(img![1].replace(String(accountId), String(accountId)))).status).toBe(404);

    const big = fields({ content: "big", private: "false" });
    big.append("attachments", new File([new Uint8Array(MAX_UPLOAD + 10)], "big.bin"));
    const tooLarge = await xhr(owner, "POST", `${accountPath}/conversations/${id}/messages`, big);
    expect(tooLarge.status).toBe(413);
  });

  test("status actions: resolve, reopen, pending, snooze presets and a custom time; past times are refused", async () => {
    const id = await newConversation();
    await owner.page(`${accountPath}/conversations/${id}`);
    const resolve = await xhr(owner, "POST", `${accountPath}/conversations/${id}/status`, fields({ status: "resolved" }));
    expect(resolve.status).toBe(200);
    const header = await resolve.text();
    expect(header).toMatch(/^<header id="conversation-header"[^>]*data-status="resolved"/);
    expect(header).toContain("Reopen");
    expect((await api("GET", `/conversations/${id}`)).body.status).toBe("resolved");
    // The activity line is there for the timeline to fetch.
    const timeline = await (await owner.get(`${accountPath}/conversations/${id}/messages`)).text();
    expect(timeline).toContain("message message-activity");

    await xhr(owner, "POST", `${accountPath}/conversations/${id}/status`, fields({ status: "pending" }));
    expect((await api("GET", `/conversations/${id}`)).body.status).toBe("pending");

    const before = Date.now();
    const snooze = await xhr(owner, "POST", `${accountPath}/conversations/${id}/status`, fields({ status: "snoozed", snooze: "hour", tz_offset: "0" }));
    expect(snooze.status).toBe(200);
    expect(await snooze.text()).toContain("Snoozed until");
    const snoozed = (await api("GET", `/conversations/${id}`)).body;
    expect(snoozed.status).toBe("snoozed");
    expect(Date.parse(snoozed.snoozed_until)).toBeGreaterThanOrEqual(before + 3600_000 - 2000);

    const custom = await xhr(owner, "POST", `${accountPath}/conversations/${id}/status`, fields({ status: "snoozed", snooze: "custom", snoozed_until: "2099-01-02T10:30", tz_offset: "-60" }));
    expect(custom.status).toBe(200);
    expect(Date.parse((await api("GET", `/conversations/${id}`)).body.snoozed_until)).toBe(Date.UTC(2099, 0, 2, 9, 30));

    const past = await xhr(owner, "POST", `${accountPath}/conversations/${id}/status`, fields({ status: "snoozed", snooze: "custom", snoozed_until: "2001-01-01T10:00" }));
    expect(past.status).toBe(422);
    const nonsense = await xhr(owner, "POST", `${accountPath}/conversations/${id}/status`, fields({ status: "bogus" }));
    expect(nonsense.status).toBe(422);

    // Without JavaScript: post and redirect (resolve and next goes back to the list).
    const plain = await owner.post(`${accountPath}/conversations/${id}/status`, { status: "resolved", next: "1" });
    expect(plain.status).toBe(303);
    expect(plain.headers.get("location")).toBe(`${accountPath}/dashboard`);
  });

  test("mention candidates are the inbox's members and administrators; canned responses come from the account", async () => {
    const id = await newConversation();
    const all = await (await owner.get(`${accountPath}/conversations/${id}/mentionable?q=`)).json();
    const names = all.map((a: { name: string }) => a.name);
    expect(names).toContain("Mia Member");
    expect(names).toContain("Olivia Owner");
    expect(names).not.toContain("Otto Outsider");
    const filtered = await (await owner.get(`${accountPath}/conversations/${id}/mentionable?q=mi`)).json();
    expect(filtered).toEqual([{ id: member.user.id, name: "Mia Member", email: member.email }]);

    expect((await api("POST", "/canned_responses", { short_code: "thanks", content: "Thank you for reaching out!" })).status).toBe(200);
    const canned = await (await owner.get(`${accountPath}/conversations/${id}/canned?q=than`)).json();
    expect(canned).toEqual([expect.objectContaining({ short_code: "thanks", content: "Thank you for reaching out!" })]);
  });

  test("typing, read marker and the Enter-to-send setting", async () => {
    const id = await newConversation();
    await owner.page(`${accountPath}/conversations/${id}`);
    expect((await xhr(owner, "POST", `${accountPath}/conversations/${id}/typing`, fields({ typing_status: "on", is_private: "true" }))).status).toBe(204);
    expect((await xhr(owner, "POST", `${accountPath}/conversations/${id}/typing`, fields({ typing_status: "sideways" }))).status).toBe(422);
    expect((await api("GET", `/conversations/${id}`)).body.unread_count).toBe(1);
    expect((await xhr(owner, "POST", `${accountPath}/conversations/${id}/last-seen`, fields({}))).status).toBe(204);
    expect((await api("GET", `/conversations/${id}`)).body.unread_count).toBe(0);

    expect((await xhr(owner, "POST", `${accountPath}/reply-settings`, fields({ enter_to_send_enabled: "false" }))).status).toBe(204);
    const page = await owner.page(`${accountPath}/conversations/${id}`);
    expect(page.html).toContain('data-enter-to-send="false"');
    expect(page.html).toContain("Ctrl + Enter to send");
    const profile = await server.api("/api/v1/profile", { token });
    expect((await profile.json()).ui_settings.enter_to_send_enabled).toBe(false);
    await xhr(owner, "POST", `${accountPath}/reply-settings`, fields({ enter_to_send_enabled: "true" }));
  });

  test("one message renders by id (the live timeline's fetch); unknown ids are 404", async () => {
    const id = await newConversation("live one");
    const list = await api("GET", `/conversations/${id}/messages`);
    const messageId = list.body.payload.at(-1).id;
    const res = await owner.get(`${accountPath}/conversations/${id}/messages/${messageId}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(new RegExp(`^<li class="message message-in" id="message-${messageId}"`));
    expect((await owner.get(`${accountPath}/conversations/${id}/messages/999999`)).status).toBe(404);
    // A message of another conversation is not reachable through this one.
    const other = await newConversation("elsewhere");
    const otherMessage = (await api("GET", `/conversations/${other}/messages`)).body.payload.at(-1).id;
    expect((await owner.get(`${accountPath}/conversations/${id}/messages/${otherMessage}`)).status).toBe(404);
  });

  test("interactive content, delivery failures and deleted messages render readably and safely", async () => {
    const id = await newConversation();
    const select = await api("POST", `/conversations/${id}/messages`, {
      content: "Pick a topic",
      content_type: "input_select",
      content_attributes: { items: [{ title: "Billing <b>", value: "billing" }, { title: "Shipping", value: "shipping" }] },
    });
    expect(select.status).toBe(200);
    const cards = await api("POST", `/conversations/${id}/messages`, {
      content: "Our plans",
      content_type: "cards",
      content_attributes: {
        items: [
          { title: "Pro", description: "For teams", media_url: "javascript:alert(1)", actions: [{ type: "link", text: "Buy", uri: "https://shop.example.com/pro" }, { type: "link", text: "Evil", uri: "javascript:alert(1)" }] },
        ],
      },
    });
    expect(cards.status).toBe(200);
    const failed = await api("POST", `/conversations/${id}/messages`, { content: "Will fail" });
    expect((await api("PATCH", `/conversations/${id}/messages/${failed.body.id}`, { status: "failed", external_error: "Recipient <unknown>" })).status).toBe(200);
    const gone = await api("POST", `/conversations/${id}/messages`, { content: "Oops, wrong customer" });
    expect((await api("DELETE", `/conversations/${id}/messages/${gone.body.id}`)).status).toBe(200);

    const { html } = await owner.page(`${accountPath}/conversations/${id}`);
    expect(html).toContain('<ul class="message-options" aria-label="Options"><li>Billing &lt;b&gt;</li><li>Shipping</li></ul>');
    expect(html).toContain('<p class="message-card-title">Pro</p>');
    expect(html).toContain('<a href="https://shop.example.com/pro" target="_blank" rel="noopener noreferrer nofollow">Buy</a>');
    expect(html).not.toContain("javascript:");
    expect(html).not.toContain(">Evil<");
    const failedItem = html.slice(html.indexOf(`id="message-${failed.body.id}"`));
    expect(failedItem).toContain('data-status="failed" title="Failed: Recipient &lt;unknown&gt;"');
    expect(failedItem).toContain('<span class="message-error">Recipient &lt;unknown&gt;</span>');
    const goneItem = html.slice(html.indexOf(`id="message-${gone.body.id}"`));
    expect(goneItem).toContain("This message was deleted");
    expect(goneItem.slice(0, goneItem.indexOf("</li>"))).not.toContain("wrong customer");
  });

  test("an agent without access to the inbox gets 404 everywhere in the pane", async () => {
    const id = await newConversation("secret");
    const base = `${accountPath}/conversations/${id}`;
    expect((await outsiderClient.get(base)).status).toBe(404);
    expect((await outsiderClient.get(`${base}/messages`)).status).toBe(404);
    expect((await outsiderClient.get(`${base}/header`)).status).toBe(404);
    expect((await outsiderClient.get(`${base}/mentionable?q=`)).status).toBe(404);
    expect((await xhr(outsiderClient, "POST", `${base}/messages`, fields({ content: "hi" }))).status).toBe(404);
    expect((await xhr(outsiderClient, "POST", `${base}/status`, fields({ status: "resolved" }))).status).toBe(404);
    expect((await xhr(outsiderClient, "POST", `${base}/typing`, fields({ typing_status: "on" }))).status).toBe(404);
    expect((await xhr(outsiderClient, "POST", `${base}/last-seen`, fields({}))).status).toBe(404);
    const messages = await api("GET", `/conversations/${id}/messages`);
    expect(messages.body.payload.map((m: { content: string }) => m.content)).toEqual(["secret"]);
    expect((await api("GET", `/conversations/${id}`)).body.status).toBe("open");
    // Their own inbox's conversation works.
    const own = await newConversation("mine", otherInboxId);
    expect((await outsiderClient.get(`${accountPath}/conversations/${own}`)).status).toBe(200);
  });

  test("a blocked contact's conversation takes notes only", async () => {
    const id = await newConversation();
    const conv = (await api("GET", `/conversations/${id}`)).body;
    expect((await api("PUT", `/contacts/${conv.meta.sender.id}`, { blocked: true })).status).toBe(200);
    const { html } = await owner.page(`${accountPath}/conversations/${id}`);
    expect(html).toContain("This contact is blocked, so replies are off. Private notes still work.");
    expect(html).toMatch(/<input type="radio" name="private" value="false" disabled/);
  });
});

describe("dashboard app tabs", () => {
  test("each app is a tab after Messages, with its panel after the messages panel", async () => {
    const id = await newConversation();
    const app = await api("POST", "/dashboard_apps", { title: "Orders", content: [{ type: "frame", url: "https://apps.example.com/orders" }] });
    expect(app.status).toBe(200);
    const { html } = await owner.page(`${accountPath}/conversations/${id}`);
    const messagesTab = html.indexOf('id="conversation-tab-messages"');
    const appTab = html.indexOf(`id="dashboard-app-tab-${app.body.id}"`);
    const messagesPanel = html.indexOf('id="conversation-panel-messages"');
    const appPanel = html.indexOf(`id="dashboard-app-panel-${app.body.id}"`);
    expect(messagesTab).toBeGreaterThan(0);
    expect(appTab).toBeGreaterThan(messagesTab);
    expect(appTab).toBeLessThan(messagesPanel);
    expect(appPanel).toBeGreaterThan(messagesPanel);
    expect(html).toContain(`aria-controls="dashboard-app-panel-${app.body.id}"`);
    expect((await api("DELETE", `/dashboard_apps/${app.body.id}`)).status).toBe(204);
  });
});

describe("snooze presets", () => {
  // Wednesday 2026-11-25 22:30 UTC.
  const now = Date.UTC(2026, 10, 25, 22, 30);
  test("an hour, tomorrow 9:00 and next Monday 9:00 in the viewer's zone", () => {
    expect(snoozePresetUntil("hour", now, 0)).toBe(now + 3600_000);
    expect(snoozePresetUntil("tomorrow", now, 0)).toBe(Date.UTC(2026, 10, 26, 9, 0));
    // In UTC+2 it is already Thursday 00:30: tomorrow is Friday 9:00 local = 07:00 UTC.
    expect(snoozePresetUntil("tomorrow", now, -120)).toBe(Date.UTC(2026, 10, 27, 7, 0));
    expect(snoozePresetUntil("next_week", now, 0)).toBe(Date.UTC(2026, 10, 30, 9, 0));
    // On a Monday, next week is the Monday after.
    expect(snoozePresetUntil("next_week", Date.UTC(2026, 10, 30, 8, 0), 0)).toBe(Date.UTC(2026, 11, 7, 9, 0));
  });
  test("custom date-times are local to the viewer unless they carry an offset", () => {
    expect(parseLocalDateTime("2026-12-01T10:00", 300)).toBe(Date.UTC(2026, 11, 1, 15, 0));
    expect(parseLocalDateTime("2026-12-01T10:00:00+01:00", 0)).toBe(Date.UTC(2026, 11, 1, 9, 0));
    expect(parseLocalDateTime("tomorrow", 0)).toBeNaN();
  });
});
