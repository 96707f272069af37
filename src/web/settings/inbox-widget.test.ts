// Settings → Inboxes → Add inbox → Website and the Widget tab, posted as a browser posts them and checked against
// the inbox API and the widget API integrators and the widget use.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestServer, type TestServer } from "../../testing/server.ts";
import { accountApi, onboard, platformMember, tokenFromProfile, type WebClient } from "../test-client.ts";

let server: TestServer;
let owner: WebClient;
let accountPath: string;
let accountId: number;
let api: ReturnType<typeof accountApi>;

const decode = (html: string) => html.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">");

beforeAll(async () => {
  server = startTestServer({}, { startJobs: false });
  ({ client: owner, accountPath } = await onboard(server));
  accountId = Number(accountPath.split("/").pop());
  api = accountApi(server, accountId, await tokenFromProfile(owner, accountPath));
});
afterAll(() => server.close());

describe("Settings → Add inbox → Website", () => {
  test("the channel picker links to the Website form; blank fields are 422 naming them", async () => {
    const picker = await owner.page(`${accountPath}/settings/inboxes/new`);
    expect(picker.html).toContain(`href="${accountPath}/settings/inboxes/new/website"`);
    const form = await owner.page(`${accountPath}/settings/inboxes/new/website`);
    expect(form.res.status).toBe(200);
    expect(form.html).toContain("Website channel");
    const bad = await owner.post(`${accountPath}/settings/inboxes/new/website`, [["name", ""], ["website_url", ""]]);
    expect(bad.status).toBe(422);
    expect(/id="f-name-error">Can&#39;t be blank/.test(await bad.text())).toBe(true);
    const badColor = await owner.post(`${accountPath}/settings/inboxes/new/website`, [["name", "Shop"], ["website_url", "https://shop.example.com"], ["widget_color", "blue"]]);
    expect(badColor.status).toBe(422);
    expect(/id="f-widget_color-error">[^<]*colour like #1f93ff/i.test(await badColor.text())).toBe(true);
  });

  test("creating a website inbox leads to its Widget tab with the embed snippet; settings saved there reach the widget API", async () => {
    const created = await owner.post(`${accountPath}/settings/inboxes/new/website`, [
      ["name", "Shop <site>"],
      ["website_url", "https://shop.example.com"],
      ["widget_color", "#aa3300"],
      ["welcome_title", "Hello shoppers"],
      ["welcome_tagline", "Ask about orders"],
    ]);
    expect(created.status).toBe(303);
    const location = created.headers.get("location")!;
    expect(location).toMatch(/\/settings\/inboxes\/\d+\/widget\?created=1$/);
    const inboxId = Number(/inboxes\/(\d+)\/widget/.exec(location)![1]);
    const inbox = (await api("GET", `/inboxes/${inboxId}`)).body;
    expect(inbox).toMatchObject({ name: "Shop <site>", channel_type: "Channel::WebWidget", widget_color: "#aa3300", welcome_title: "Hello shoppers", website_url: "https://shop.example.com" });

    const page = await owner.page(location);
    expect(page.res.status).toBe(200);
    expect(page.html).toContain("Your website inbox is ready");
    expect(page.html).toContain("Shop &lt;site&gt;");
    expect(page.html).not.toContain("Shop <site>");
    const snippet = decode(/data-testid="widget-snippet">\s*<code>([\s\S]*?)<\/code>/.exec(page.html)![1]);
    expect(snippet).toContain(`var BASE_URL="${server.deps.config.publicUrl}"`);
    expect(snippet).toContain(`websiteToken: "${inbox.website_token}"`);
    expect(page.html).toContain('x-data="widgetPreview"');
    expect(page.html).toContain('data-testid="preview-title"');
    expect(page.html).toContain("Hello shoppers");
    // The tab bar of a website inbox has Widget; API inboxes do not get the page.
    expect(page.html).toContain(`href="${accountPath}/settings/inboxes/${inboxId}/widget"`);

    const saved = await owner.post(`${accountPath}/settings/inboxes/${inboxId}/widget`, [
      ["website_url", "https://shop.example.com"],
      ["widget_color", "#116644"],
      ["welcome_title", "Welcome back"],
      ["welcome_tagline", "We answer fast"],
      ["reply_time", "in_a_day"],
      ["allowed_domains", "shop.example.com"],
      ["hmac_mandatory", "1"],
      ["features", "attachments"],
      ["features", "end_conversation"],
      ["pre_chat_form_enabled", "1"],
      ["pre_chat_message", "Tell us who you are"],
      ["pre_chat_enabled", "emailAddress"],
      ["pre_chat_required", "emailAddress"],
      ["pre_chat_enabled", "fullName"],
    ]);
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toContain(`/inboxes/${inboxId}/widget?saved=1`);

    const cfg = await server.api(`/api/v1/widget/config?website_token=${inbox.website_token}`, { method: "POST" });
    const config = (await cfg.json()).website_channel_config;
    expect(config).toMatchObject({
      widget_color: "#116644",
      welcome_title: "Welcome back",
      welcome_tagline: "We answer fast",
      reply_time: "in_a_day",
      enabled_features: ["attachments", "end_conversation"],
      pre_chat_form_enabled: true,
    });
    expect(config.pre_chat_form_options.pre_chat_message).toBe("Tell us who you are");
    expect(config.pre_chat_form_options.pre_chat_fields.map((f: { name: string; enabled: boolean; required: boolean }) => [f.name, f.enabled, f.required])).toEqual([
      ["emailAddress", true, true],
      ["fullName", true, false],
      ["phoneNumber", false, false],
    ]);
    const after = (await api("GET", `/inboxes/${inboxId}`)).body;
    expect(after).toMatchObject({ allowed_domains: "shop.example.com", hmac_mandatory: true, continuity_via_email: false });
    const evil = await server.api(`/api/v1/widget/config?website_token=${inbox.website_token}`, { method: "POST", headers: { origin: "https://evil.example.net" } });
    expect(evil.status).toBe(403);
  });

  test("bad widget settings re-render the tab with 422 and the field named; nothing is saved", async () => {
    const inbox = (await api("POST", "/inboxes", { name: "Docs", channel: { type: "web_widget", website_url: "https://docs.example.com" } })).body;
    await owner.page(`${accountPath}/settings/inboxes/${inbox.id}/widget`);
    const res = await owner.post(`${accountPath}/settings/inboxes/${inbox.id}/widget`, [
      ["website_url", "not a url"],
      ["widget_color", "#1f93ff"],
      ["allowed_domains", "bad domain!"],
      ["reply_time", "in_a_few_hours"],
    ]);
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("Some settings need a fix");
    expect(/id="f-website_url-error">[^<]*http or https URL/i.test(html)).toBe(true);
    expect(/id="f-allowed_domains-error">[^<]*comma-separated list of domain names/i.test(html)).toBe(true);
    expect((await api("GET", `/inboxes/${inbox.id}`)).body.reply_time).toBe("in_a_few_minutes");
  });

  test("the Widget tab exists only for website inboxes, and only administrators reach it", async () => {
    const apiInbox = (await api("POST", "/inboxes", { name: "App", channel: { type: "api" } })).body;
    expect((await owner.get(`${accountPath}/settings/inboxes/${apiInbox.id}/widget`)).status).toBe(404);
    const web = (await api("POST", "/inboxes", { name: "Site", channel: { type: "web_widget", website_url: "https://site.example.com" } })).body;
    const agent = await platformMember(server, accountId);
    expect((await agent.get(`${accountPath}/settings/inboxes/${web.id}/widget`)).status).toBe(403);
  });
});
