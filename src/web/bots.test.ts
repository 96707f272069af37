// Settings → Bots and Settings → Inboxes (bot configuration) through the dashboard's forms, as a browser posts them.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestServer, TEST_PLATFORM_TOKEN, type TestServer } from "../testing/server.ts";
import { accountApi, onboard, platformMember, tokenFromProfile, type WebClient } from "./test-client.ts";

let server: TestServer;
let owner: WebClient;
let accountPath: string;
let accountId: number;
let ownerToken: string;
let api: ReturnType<typeof accountApi>;

const platform = (path: string, json: unknown) => server.api(`/platform/api/v1${path}`, { method: "POST", token: TEST_PLATFORM_TOKEN, json });
const agentClient = () => platformMember(server, accountId);

beforeAll(async () => {
  server = startTestServer({}, { startJobs: false });
  ({ client: owner, accountPath } = await onboard(server));
  accountId = Number(accountPath.split("/").pop());
  ownerToken = await tokenFromProfile(owner, accountPath);
  api = accountApi(server, accountId, ownerToken);
});
afterAll(() => server.close());

describe("Settings → Bots", () => {
  test("an administrator adds a bot (name, avatar, webhook URL) and sees its token and secret", async () => {
    const { res, html } = await owner.page(`${accountPath}/settings/bots`);
    expect(res.status).toBe(200);
    expect(html).toContain("No bots yet");
    expect(html).toContain('href="' + `${accountPath}/settings/bots"`);

    const created = await owner.post(`${accountPath}/settings/bots`, { name: "Triage", avatar_url: "https://cdn.example.com/t.png", outgoing_url: "https://bot.example.com/events" });
    expect(created.status).toBe(303);
    expect(created.headers.get("location")).toBe(`${accountPath}/settings/bots?saved=created`);

    const bots = (await api("GET", "/agent_bots")).body;
    const bot = bots.find((b: { name: string }) => b.name === "Triage");
    expect(bot).toMatchObject({ outgoing_url: "https://bot.example.com/events", thumbnail: "https://cdn.example.com/t.png" });
    const page = (await owner.page(`${accountPath}/settings/bots?saved=created`)).html;
    expect(page).toContain("Bot created");
    expect(page).toContain(bot.access_token.token);
    expect(page).toContain(bot.secret);
  });

  test("invalid input is shown inline with the values kept (422)", async () => {
    await owner.page(`${accountPath}/settings/bots`);
    const res = await owner.post(`${accountPath}/settings/bots`, { name: "", avatar_url: "", outgoing_url: "ftp://nope.example" });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("Can&#39;t be blank");
    expect(html).toContain("Must be an http(s) URL");
    expect(html).toContain('value="ftp://nope.example"');
  });

  test("delete removes the bot; posting without the CSRF token is refused", async () => {
    const bot = (await api("POST", "/agent_bots", { name: "Doomed" })).body;
    await owner.page(`${accountPath}/settings/bots`);
    expect((await owner.post(`${accountPath}/settings/bots/${bot.id}/delete`, {}, { csrf: null })).status).toBe(403);
    expect((await api("GET", `/agent_bots/${bot.id}`)).status).toBe(200);
    expect((await owner.post(`${accountPath}/settings/bots/${bot.id}/delete`)).status).toBe(303);
    expect((await api("GET", `/agent_bots/${bot.id}`)).status).toBe(404);
  });

  test("agents cannot open or post the bot and inbox settings, and do not see the links", async () => {
    const agent = await agentClient();
    const profile = await agent.page(`${accountPath}/settings/profile`);
    expect(profile.html).not.toContain("/settings/bots");
    expect((await agent.page(`${accountPath}/settings/bots`)).res.status).toBe(403);
    expect((await agent.page(`${accountPath}/settings/inboxes`)).res.status).toBe(403);
    await agent.page(`${accountPath}/settings/profile`);
    expect((await agent.post(`${accountPath}/settings/bots`, { name: "Agent bot" })).status).toBe(403);
    expect((await api("GET", "/agent_bots")).body.map((b: { name: string }) => b.name)).not.toContain("Agent bot");
  });
});

describe("Settings → Inboxes: bot configuration", () => {
  test("pick a bot for an inbox (form post and htmx), then none", async () => {
    const inbox = (await api("POST", "/inboxes", { name: "Website API", channel: { type: "api", webhook_url: "" } })).body;
    const bot = (await api("POST", "/agent_bots", { name: "Picker bot", outgoing_url: "https://bot.example.com/p" })).body;
    const { html } = await owner.page(`${accountPath}/settings/inboxes`);
    expect(html).toContain("Website API");
    expect(html).toContain("Picker bot");

    const res = await owner.post(`${accountPath}/settings/inboxes/${inbox.id}/bot`, { agent_bot: String(bot.id) });
    expect(res.status).toBe(303);
    expect((await api("GET", `/inboxes/${inbox.id}/agent_bot`)).body.agent_bot.id).toBe(bot.id);
    const after = (await owner.page(`${accountPath}/settings/inboxes`)).html;
    expect(after).toMatch(new RegExp(`<option value="${bot.id}" selected`));

    const hx = await owner.post(`${accountPath}/settings/inboxes/${inbox.id}/bot`, { agent_bot: "" }, { headers: { "hx-request": "true" } });
    expect(hx.status).toBe(200);
    const fragment = await hx.text();
    expect(fragment).not.toContain("<html");
    expect(fragment).toContain(`id="inbox-${inbox.id}"`);
    expect(fragment).toContain("Saved");
    expect((await api("GET", `/inboxes/${inbox.id}/agent_bot`)).body.agent_bot).toBeNull();
  });

  test("another account's bot or inbox cannot be picked", async () => {
    const other = await onboardOther();
    const inbox = (await api("POST", "/inboxes", { name: "Mine", channel: { type: "api", webhook_url: "" } })).body;
    await owner.page(`${accountPath}/settings/inboxes`);
    expect((await owner.post(`${accountPath}/settings/inboxes/${inbox.id}/bot`, { agent_bot: String(other.botId) })).status).toBe(404);
    expect((await owner.post(`${accountPath}/settings/inboxes/999999/bot`, { agent_bot: "" })).status).toBe(404);
    expect((await api("GET", `/inboxes/${inbox.id}/agent_bot`)).body.agent_bot).toBeNull();
  });
});

/** A second account (through the Platform API) with a bot of its own. */
async function onboardOther() {
  const account = await (await platform("/accounts", { name: "Other" })).json();
  const bot = await (await platform("/agent_bots", { name: "Foreign", account_id: account.id })).json();
  return { accountId: account.id as number, botId: bot.id as number };
}
