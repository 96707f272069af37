// Settings → Inboxes, Labels, Custom roles and Profile through the dashboard's forms, as a browser posts them,
// checked against the API integrators use.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createAdmin, startTestServer, TEST_PLATFORM_TOKEN, type TestServer } from "../../testing/server.ts";
import { onboard, PASSWORD, WebClient } from "../test-client.ts";

let server: TestServer;
let owner: WebClient;
let accountPath: string;
let accountId: number;
let ownerToken: string;

const platform = (path: string, json: unknown) => server.api(`/platform/api/v1${path}`, { method: "POST", token: TEST_PLATFORM_TOKEN, json });
const api = async (method: string, path: string, json?: unknown, token = ownerToken) => {
  const res = await server.api(`/api/v1${path.startsWith("/profile") ? "" : `/accounts/${accountId}`}${path}`, { method, token, json });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
};

/** A form post with repeated fields (checkbox groups), or multipart when a field is a Blob. */
async function postForm(client: WebClient, path: string, pairs: [string, string | Blob][], headers: Record<string, string> = {}) {
  const multipart = pairs.some(([, v]) => v instanceof Blob);
  const body: FormData | URLSearchParams = multipart ? new FormData() : new URLSearchParams();
  for (const [k, v] of [["_csrf", client.csrf] as [string, string | Blob], ...pairs]) {
    if (body instanceof FormData && v instanceof Blob) body.append(k, v, "avatar.png");
    else body.append(k, v as string);
  }
  const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  const contentType: Record<string, string> = multipart ? {} : { "content-type": "application/x-www-form-urlencoded" };
  return fetch(server.url + path, { method: "POST", redirect: "manual", headers: { cookie, origin: server.url, ...contentType, ...headers }, body });
}

async function agentClient(name = "Agent Smith") {
  const email = `agent-${crypto.randomUUID().slice(0, 6)}@example.com`;
  const user = await (await platform("/users", { name, email, password: PASSWORD })).json();
  await platform(`/accounts/${accountId}/account_users`, { user_id: user.id, role: "agent" });
  const client = new WebClient(server);
  await client.page("/app/login");
  expect((await client.post("/app/login", { email, password: PASSWORD })).status).toBe(302);
  const token = /data-value="([^"]+)"/.exec((await client.page(`${accountPath}/settings/profile`)).html)![1];
  return { client, user, email, token };
}

const decode = (html: string) => html.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, "&");

beforeAll(async () => {
  server = startTestServer({}, { startJobs: false });
  ({ client: owner, accountPath } = await onboard(server));
  accountId = Number(accountPath.split("/").pop());
  ownerToken = /data-value="([^"]+)"/.exec((await owner.page(`${accountPath}/settings/profile`)).html)![1];
});
afterAll(() => server.close());

describe("Settings → Inboxes", () => {
  test("the empty list explains what to do; an API inbox is created with its identifier, HMAC token and next steps", async () => {
    const empty = await owner.page(`${accountPath}/settings/inboxes`);
    expect(empty.res.status).toBe(200);
    expect(empty.html).toContain("No inboxes yet");
    expect(empty.html).toContain(`${accountPath}/settings/inboxes/new`);

    await owner.page(`${accountPath}/settings/inboxes/new`);
    const res = await owner.post(`${accountPath}/settings/inboxes`, { name: "Mobile app", webhook_url: "https://hooks.example.com/parley" });
    expect(res.status).toBe(303);
    const location = res.headers.get("location")!;
    expect(location).toMatch(new RegExp(`^${accountPath}/settings/inboxes/\\d+\\?created=1$`));
    const inboxId = Number(/inboxes\/(\d+)/.exec(location)![1]);

    const inbox = (await api("GET", `/inboxes/${inboxId}`)).body;
    expect(inbox).toMatchObject({ name: "Mobile app", channel_type: "Channel::Api", webhook_url: "https://hooks.example.com/parley" });
    const { html } = await owner.page(location);
    expect(html).toContain("Your API inbox is ready");
    expect(html).toContain(`data-value="${inbox.inbox_identifier}" data-testid="inbox-identifier"`);
    expect(html).toContain(`data-value="${inbox.hmac_token}" data-testid="inbox-hmac-token"`);
    expect(html).toContain(`${accountPath}/settings/inboxes/${inboxId}/collaborators`);
    // The tabs: Settings, Collaborators, the API channel's Configuration, Bot.
    expect([...html.matchAll(/data-tab="([a-z]+)"/g)].map((m) => m[1])).toEqual(["settings", "collaborators", "configuration", "bot"]);

    const list = (await owner.page(`${accountPath}/settings/inboxes`)).html;
    expect(list).toContain(`href="${accountPath}/settings/inboxes/${inboxId}"`);
    expect(list).toMatch(/<td class="muted">API<\/td>/);

    const config = (await owner.page(`${accountPath}/settings/inboxes/${inboxId}/configuration`)).html;
    expect(config).toContain(`data-value="${inbox.secret}" data-testid="inbox-secret"`);
  }, 30_000);

  test("create: a blank name and a bad callback URL are refused inline with the values kept", async () => {
    await owner.page(`${accountPath}/settings/inboxes/new`);
    const blank = await owner.post(`${accountPath}/settings/inboxes`, { name: "", webhook_url: "" });
    expect(blank.status).toBe(422);
    expect(decode(await blank.text())).toMatch(/id="f-name-error">Can't be blank/);

    const badUrl = await owner.post(`${accountPath}/settings/inboxes`, { name: "Kept name", webhook_url: "ftp://nope.example" });
    expect(badUrl.status).toBe(422);
    const html = await badUrl.text();
    expect(html).toMatch(/id="f-webhook_url-error">[^<]*http/);
    expect(html).toContain('value="Kept name"');
    expect((await api("GET", "/inboxes")).body.payload.map((i: { name: string }) => i.name)).not.toContain("Kept name");
  }, 30_000);

  test("settings: greeting, auto-assignment, allow-after-resolved and the callback URL are saved like PATCH /inboxes", async () => {
    const inbox = (await api("POST", "/inboxes", { name: "Support", channel: { type: "api" }, enable_auto_assignment: true })).body;
    await owner.page(`${accountPath}/settings/inboxes/${inbox.id}`);
    const res = await owner.post(`${accountPath}/settings/inboxes/${inbox.id}`, {
      name: "Support desk",
      greeting_enabled: "1",
      greeting_message: "Hi! We answer within the hour.",
      allow_messages_after_resolved: "1",
      timezone: "Europe/Berlin",
      sender_name_type: "professional",
      business_name: "Acme",
      webhook_url: "https://hooks.example.com/support",
      // enable_auto_assignment unticked: sent as nothing, saved as false.
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`${accountPath}/settings/inboxes/${inbox.id}?saved=saved`);
    expect((await api("GET", `/inboxes/${inbox.id}`)).body).toMatchObject({
      name: "Support desk",
      greeting_enabled: true,
      greeting_message: "Hi! We answer within the hour.",
      enable_auto_assignment: false,
      allow_messages_after_resolved: true,
      timezone: "Europe/Berlin",
      sender_name_type: "professional",
      business_name: "Acme",
      webhook_url: "https://hooks.example.com/support",
    });
    const page = (await owner.page(`${accountPath}/settings/inboxes/${inbox.id}?saved=saved`)).html;
    expect(page).toContain("Inbox saved");
    expect(page).toMatch(/name="greeting_enabled" value="1" checked/);

    const bad = await owner.post(`${accountPath}/settings/inboxes/${inbox.id}`, { name: "Support desk", timezone: "Europe/Paris", webhook_url: "not a url" });
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html.match(/id="f-webhook_url-error">[^<]*/)?.[0]).toContain("http");
    expect(html).toContain('value="not a url"');
    expect((await api("GET", `/inboxes/${inbox.id}`)).body.timezone).toBe("Europe/Berlin");
    // An uploaded avatar replaces the URL; a file that is not an image is refused inline.
    const PNG = Uint8Array.from(atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="), (ch) => ch.charCodeAt(0));
    const uploaded = await postForm(owner, `${accountPath}/settings/inboxes/${inbox.id}`, [["name", "Support desk"], ["timezone", "UTC"], ["avatar", new Blob([PNG], { type: "image/png" })]]);
    expect(uploaded.status).toBe(303);
    expect((await api("GET", `/inboxes/${inbox.id}`)).body.avatar_url).toMatch(/\/uploads\/avatars\/[\w-]+\.png$/);
    const notImage = await postForm(owner, `${accountPath}/settings/inboxes/${inbox.id}`, [["name", "Support desk"], ["timezone", "UTC"], ["avatar", new Blob(["<html>not an image</html>"], { type: "image/gif" })]]);
    expect(notImage.status).toBe(422);
    expect(await notImage.text()).toMatch(/id="f-avatar-error">Must be a PNG, JPEG, GIF or WebP image/);

    const badZone = await owner.post(`${accountPath}/settings/inboxes/${inbox.id}`, { name: "Support desk", timezone: "Mars/Olympus" });
    expect(badZone.status).toBe(422);
    expect(await badZone.text()).toMatch(/id="f-timezone-error">Is not a valid time zone/);
  }, 30_000);

  test("collaborators: add and remove agents (form and htmx); a member agent sees the inbox, others do not", async () => {
    const inbox = (await api("POST", "/inboxes", { name: "Team inbox", channel: { type: "api" } })).body;
    const agent = await agentClient("Casey Collaborator");
    expect((await api("GET", "/inboxes", undefined, agent.token)).body.payload).toEqual([]);

    const page = (await owner.page(`${accountPath}/settings/inboxes/${inbox.id}/collaborators`)).html;
    expect(page).toContain("No agents yet");
    expect(page).toContain("An agent sees only the inboxes they are a collaborator of");
    expect(page).toContain(`<option value="${agent.user.id}">Casey Collaborator`);

    const added = await owner.post(`${accountPath}/settings/inboxes/${inbox.id}/collaborators`, { user_id: String(agent.user.id) });
    expect(added.status).toBe(303);
    expect((await api("GET", `/inbox_members/${inbox.id}`)).body.payload.map((a: { id: number }) => a.id)).toEqual([agent.user.id]);
    expect((await api("GET", "/inboxes", undefined, agent.token)).body.payload.map((i: { id: number }) => i.id)).toEqual([inbox.id]);

    const hx = await owner.post(`${accountPath}/settings/inboxes/${inbox.id}/collaborators/${agent.user.id}/remove`, {}, { headers: { "hx-request": "true" } });
    expect(hx.status).toBe(200);
    const fragment = await hx.text();
    expect(fragment).not.toContain("<html");
    expect(fragment).toContain('id="inbox-collaborators"');
    expect(fragment).toContain("No agents yet");
    expect((await api("GET", `/inbox_members/${inbox.id}`)).body.payload).toEqual([]);
    expect((await api("GET", "/inboxes", undefined, agent.token)).body.payload).toEqual([]);

    // Someone who is not an agent of the account is refused, naming the problem.
    const stranger = await owner.post(`${accountPath}/settings/inboxes/${inbox.id}/collaborators`, { user_id: "999999" }, { headers: { "hx-request": "true" } });
    expect(stranger.status).toBe(422);
    expect(await stranger.text()).toContain("Must be agents of this account");
  }, 30_000);

  test("the bot tab shows the existing bot connection; delete asks for confirmation and removes the inbox", async () => {
    const inbox = (await api("POST", "/inboxes", { name: "Doomed inbox", channel: { type: "api" } })).body;
    const bot = await owner.page(`${accountPath}/settings/inboxes/${inbox.id}/bot`);
    expect(bot.html).toContain(`id="bot-${inbox.id}"`);
    expect(bot.html).toContain(`action="${accountPath}/settings/inboxes/${inbox.id}/bot"`);

    const settings = (await owner.page(`${accountPath}/settings/inboxes/${inbox.id}`)).html;
    expect(settings).toMatch(/data-confirm="Delete the inbox “Doomed inbox”/);
    expect((await owner.post(`${accountPath}/settings/inboxes/${inbox.id}/delete`, {}, { csrf: null })).status).toBe(403);
    const res = await owner.post(`${accountPath}/settings/inboxes/${inbox.id}/delete`);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`${accountPath}/settings/inboxes?saved=deleted`);
    expect((await api("GET", `/inboxes/${inbox.id}`)).status).toBe(404);
    expect((await owner.page(`${accountPath}/settings/inboxes/${inbox.id}`)).res.status).toBe(404);
    expect((await owner.page(`${accountPath}/settings/inboxes/abc`)).res.status).toBe(404);
  }, 30_000);
});

describe("Settings → Labels", () => {
  test("create, edit and delete, with the API's title rule shown inline", async () => {
    const empty = (await owner.page(`${accountPath}/settings/labels`)).html;
    expect(empty).toContain("No labels yet");

    const bad = await owner.post(`${accountPath}/settings/labels`, { title: "needs review!", color: "#ff0000", description: "x" });
    expect(bad.status).toBe(422);
    const badHtml = await bad.text();
    expect(badHtml).toMatch(/id="f-title-error">Is invalid \(only letters, numbers, hyphens and underscores\)/);
    expect(badHtml).toContain('value="needs review!"');

    const res = await owner.post(`${accountPath}/settings/labels`, { title: "Billing", color: "#ff0000", description: "Money questions", show_on_sidebar: "1" });
    expect(res.status).toBe(303);
    const label = (await api("GET", "/labels")).body.payload.find((l: { title: string }) => l.title === "billing");
    expect(label).toMatchObject({ description: "Money questions", color: "#ff0000", show_on_sidebar: true });

    const dup = await owner.post(`${accountPath}/settings/labels`, { title: "billing", color: "#00ff00" });
    expect(dup.status).toBe(422);
    expect(await dup.text()).toMatch(/id="f-title-error">Has already been taken/);

    const list = (await owner.page(`${accountPath}/settings/labels?saved=created`)).html;
    expect(list).toContain("Label created");
    expect(list).toContain('fill="#ff0000"');
    expect(list).toContain(`${accountPath}/settings/labels/${label.id}`);

    await owner.page(`${accountPath}/settings/labels/${label.id}`);
    const edited = await owner.post(`${accountPath}/settings/labels/${label.id}`, { title: "billing-eu", color: "#1f93ff", description: "" });
    expect(edited.status).toBe(303);
    expect((await api("GET", `/labels/${label.id}`)).body).toMatchObject({ title: "billing-eu", color: "#1f93ff", description: null, show_on_sidebar: false });
    const badColor = await owner.post(`${accountPath}/settings/labels/${label.id}`, { title: "billing-eu", color: "red" });
    expect(badColor.status).toBe(422);
    expect(await badColor.text()).toContain("Must be a hex color");

    expect((await owner.post(`${accountPath}/settings/labels/${label.id}/delete`)).status).toBe(303);
    expect((await api("GET", `/labels/${label.id}`)).status).toBe(404);
  }, 30_000);
});

describe("Settings → Custom roles", () => {
  test("create with permission checkboxes, edit, refuse a blank name inline, delete", async () => {
    const page = (await owner.page(`${accountPath}/settings/custom-roles`)).html;
    expect(page).toContain("No custom roles yet");
    expect(page).toContain('value="conversation_unassigned_manage"');
    expect(page).toContain("Create, edit, merge and import contacts.");

    const res = await postForm(owner, `${accountPath}/settings/custom-roles`, [
      ["name", "Supervisor"],
      ["description", "Watches the queue"],
      ["permissions", "conversation_manage"],
      ["permissions", "report_manage"],
    ]);
    expect(res.status).toBe(303);
    const role = (await api("GET", "/custom_roles")).body.find((r: { name: string }) => r.name === "Supervisor");
    expect(role).toMatchObject({ description: "Watches the queue", permissions: ["conversation_manage", "report_manage"] });

    const blank = await postForm(owner, `${accountPath}/settings/custom-roles/${role.id}`, [["name", ""], ["permissions", "contact_manage"]]);
    expect(blank.status).toBe(422);
    const blankHtml = await blank.text();
    expect(decode(blankHtml)).toMatch(/id="f-name-error">Can't be blank/);
    expect(blankHtml).toMatch(/value="contact_manage" checked/);

    const unknown = await postForm(owner, `${accountPath}/settings/custom-roles`, [["name", "Hacker"], ["permissions", "administrator"]]);
    expect(unknown.status).toBe(422);
    expect(await unknown.text()).toContain("Contains unknown permissions: administrator");

    const edited = await postForm(owner, `${accountPath}/settings/custom-roles/${role.id}`, [["name", "Team lead"], ["permissions", "contact_manage"]]);
    expect(edited.status).toBe(303);
    expect((await api("GET", `/custom_roles/${role.id}`)).body).toMatchObject({ name: "Team lead", description: null, permissions: ["contact_manage"] });
    expect((await owner.page(`${accountPath}/settings/custom-roles?saved=saved`)).html).toContain("Team lead");

    expect((await owner.post(`${accountPath}/settings/custom-roles/${role.id}/delete`)).status).toBe(303);
    expect((await api("GET", `/custom_roles/${role.id}`)).status).toBe(404);
  }, 30_000);
});

describe("administrators only", () => {
  test("agents get 403 on the inbox, label and custom-role pages and their posts, and see no links to them", async () => {
    const inbox = (await api("POST", "/inboxes", { name: "Admin only", channel: { type: "api" } })).body;
    const { client: agent } = await agentClient();
    const profile = (await agent.page(`${accountPath}/settings/profile`)).html;
    for (const page of ["inboxes", "labels", "custom-roles"]) expect(profile).not.toContain(`/settings/${page}"`);
    for (const path of ["inboxes", "inboxes/new", `inboxes/${inbox.id}`, `inboxes/${inbox.id}/collaborators`, `inboxes/${inbox.id}/configuration`, "labels", "custom-roles"]) {
      expect((await agent.page(`${accountPath}/settings/${path}`)).res.status).toBe(403);
    }
    await agent.page(`${accountPath}/settings/profile`);
    expect((await agent.post(`${accountPath}/settings/inboxes`, { name: "Agent inbox" })).status).toBe(403);
    expect((await agent.post(`${accountPath}/settings/inboxes/${inbox.id}/delete`)).status).toBe(403);
    expect((await agent.post(`${accountPath}/settings/labels`, { title: "agent-label", color: "#000000" })).status).toBe(403);
    expect((await agent.post(`${accountPath}/settings/custom-roles`, { name: "Agent role" })).status).toBe(403);
    expect((await api("GET", `/inboxes/${inbox.id}`)).status).toBe(200);
    expect((await api("GET", "/labels")).body.payload.map((l: { title: string }) => l.title)).not.toContain("agent-label");
  }, 30_000);
});

describe("another account's records", () => {
  test("its inbox, label and custom role are not found, to read or to change", async () => {
    const other = await createAdmin(server);
    const otherApi = (method: string, path: string, json?: unknown) =>
      server.api(`/api/v1/accounts/${other.account.id}${path}`, { method, token: other.token, json }).then((r) => r.json());
    const inbox = await otherApi("POST", "/inboxes", { name: "Theirs", channel: { type: "api" } });
    const label = await otherApi("POST", "/labels", { title: "theirs" });
    const role = await otherApi("POST", "/custom_roles", { name: "Theirs", permissions: [] });
    for (const path of [`inboxes/${inbox.id}`, `inboxes/${inbox.id}/collaborators`, `inboxes/${inbox.id}/configuration`, `labels/${label.id}`, `custom-roles/${role.id}`]) {
      expect((await owner.page(`${accountPath}/settings/${path}`)).res.status).toBe(404);
    }
    await owner.page(`${accountPath}/settings/labels`);
    expect((await owner.post(`${accountPath}/settings/inboxes/${inbox.id}`, { name: "Mine now" })).status).toBe(404);
    expect((await owner.post(`${accountPath}/settings/inboxes/${inbox.id}/delete`)).status).toBe(404);
    expect((await owner.post(`${accountPath}/settings/inboxes/${inbox.id}/collaborators`, { user_id: "1" })).status).toBe(404);
    expect((await owner.post(`${accountPath}/settings/labels/${label.id}`, { title: "mine", color: "#000000" })).status).toBe(404);
    expect((await owner.post(`${accountPath}/settings/labels/${label.id}/delete`)).status).toBe(404);
    expect((await owner.post(`${accountPath}/settings/custom-roles/${role.id}/delete`)).status).toBe(404);
    expect(await otherApi("GET", `/inboxes/${inbox.id}`)).toMatchObject({ name: "Theirs" });
    expect(await otherApi("GET", `/labels/${label.id}`)).toMatchObject({ title: "theirs" });
    expect(await otherApi("GET", `/custom_roles/${role.id}`)).toMatchObject({ name: "Theirs" });
  }, 30_000);
});

describe("Settings → Profile", () => {
  const PNG = Uint8Array.from(
    atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="),
    (ch) => ch.charCodeAt(0),
  );

  test("avatar upload and removal; a file that is not an image is refused inline", async () => {
    await owner.page(`${accountPath}/settings/profile`);
    const up = await postForm(owner, `${accountPath}/settings/profile/avatar`, [["avatar", new Blob([PNG], { type: "image/png" })]]);
    expect(up.status).toBe(303);
    const avatarUrl = (await api("GET", "/profile")).body.avatar_url as string;
    expect(avatarUrl).toMatch(/\/uploads\/avatars\/[\w-]+\.png$/);
    expect((await fetch(avatarUrl.replace(/^https?:\/\/[^/]+/, server.url))).status).toBe(200);
    expect((await owner.page(`${accountPath}/settings/profile?saved=avatar`)).html).toContain(`src="${avatarUrl}"`);

    const bad = await postForm(owner, `${accountPath}/settings/profile/avatar`, [["avatar", new Blob(["<svg onload=alert(1)>"], { type: "image/svg+xml" })]]);
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain("Must be a PNG, JPEG, GIF or WebP image");
    expect((await api("GET", "/profile")).body.avatar_url).toBe(avatarUrl);

    expect((await owner.post(`${accountPath}/settings/profile/avatar/delete`)).status).toBe(303);
    expect((await api("GET", "/profile")).body.avatar_url).toBe("");
  }, 30_000);

  test("message signature and Enter-to-send are saved to the user (ui_settings.enter_to_send_enabled)", async () => {
    const page = (await owner.page(`${accountPath}/settings/profile`)).html;
    expect(page).toMatch(/name="enter_to_send" value="1" checked/);
    const res = await owner.post(`${accountPath}/settings/profile/preferences`, { message_signature: "— Olivia, Acme support" });
    expect(res.status).toBe(303);
    const profile = (await api("GET", "/profile")).body;
    expect(profile.message_signature).toBe("— Olivia, Acme support");
    expect(profile.ui_settings.enter_to_send_enabled).toBe(false);
    const after = (await owner.page(`${accountPath}/settings/profile?saved=preferences`)).html;
    expect(after).toContain("Preferences saved");
    expect(after).not.toMatch(/name="enter_to_send" value="1" checked/);
    await owner.post(`${accountPath}/settings/profile/preferences`, { message_signature: "", enter_to_send: "1" });
    expect((await api("GET", "/profile")).body).toMatchObject({ message_signature: null, ui_settings: { enter_to_send_enabled: true } });
  }, 30_000);

  test("notification preferences per type and medium, the same settings as /notification_settings; any member may change theirs", async () => {
    const page = (await owner.page(`${accountPath}/settings/profile`)).html;
    expect(page).toMatch(/value="email_conversation_assignment" checked/);
    expect(page).toContain("I am mentioned in a private note");
    const res = await postForm(owner, `${accountPath}/settings/profile/notifications`, [
      ["selected_email_flags", "email_conversation_mention"],
      ["selected_email_flags", "email_conversation_creation"],
      ["selected_push_flags", "push_conversation_mention"],
    ]);
    expect(res.status).toBe(303);
    expect((await api("GET", "/notification_settings")).body).toMatchObject({
      selected_email_flags: ["email_conversation_creation", "email_conversation_mention"],
      selected_push_flags: ["push_conversation_mention"],
    });
    const after = (await owner.page(`${accountPath}/settings/profile?saved=notifications`)).html;
    expect(after).toMatch(/value="push_conversation_mention" checked/);
    expect(after).not.toMatch(/value="email_conversation_assignment" checked/);

    const bad = await postForm(owner, `${accountPath}/settings/profile/notifications`, [["selected_email_flags", "email_everything"]]);
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain("Contains unknown flags: email_everything");

    const agent = await agentClient();
    await agent.client.page(`${accountPath}/settings/profile`);
    expect((await postForm(agent.client, `${accountPath}/settings/profile/notifications`, [])).status).toBe(303);
    expect((await api("GET", "/notification_settings", undefined, agent.token)).body).toMatchObject({ selected_email_flags: [], selected_push_flags: [] });
    // The owner's settings are untouched.
    expect((await api("GET", "/notification_settings")).body.selected_push_flags).toEqual(["push_conversation_mention"]);
  }, 30_000);
});
