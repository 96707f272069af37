// Settings → Inboxes → Add inbox for the channel kinds of the registry (Telegram here), as a browser posts the forms.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { FakeTelegram } from "../../testing/fakes/telegram.ts";
import { startTestServer, type TestServer } from "../../testing/server.ts";
import { onboard, platformMember, type WebClient } from "../test-client.ts";

let server: TestServer;
let fake: FakeTelegram;
let owner: WebClient;
let accountPath: string;

const decode = (html: string) => html.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, "&");

beforeAll(async () => {
  fake = new FakeTelegram().start();
  server = startTestServer({ PARLEY_TELEGRAM_API_URL: fake.url }, { startJobs: false });
  fake.deliverTo = server.url;
  ({ client: owner, accountPath } = await onboard(server));
});
afterAll(async () => {
  await server.close();
  await fake.stop();
});

describe("Add inbox → Telegram", () => {
  test("the picker lists every channel; Telegram's page shows BotFather's steps and the token field", async () => {
    const picker = (await owner.page(`${accountPath}/settings/inboxes/new`)).html;
    for (const key of ["api", "website", "telegram"]) expect(picker).toContain(`data-testid="channel-${key}"`);
    expect(picker).toContain(`href="${accountPath}/settings/inboxes/new/telegram"`);
    const page = await owner.page(`${accountPath}/settings/inboxes/new/telegram`);
    expect(page.res.status).toBe(200);
    expect(page.html).toContain("@BotFather");
    expect(page.html).toMatch(/<input[^>]*name="bot_token"[^>]*type="password"/);
    expect((await owner.get(`${accountPath}/settings/inboxes/new/nosuchchannel`)).status).toBe(404);
  });

  test("a token Telegram refuses is shown under the field, never echoed back, and creates nothing", async () => {
    await owner.page(`${accountPath}/settings/inboxes/new/telegram`);
    const bad = "123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    const res = await owner.post(`${accountPath}/settings/inboxes/new/telegram`, { name: "Bot inbox", bot_token: bad });
    expect(res.status).toBe(422);
    const html = decode(await res.text());
    expect(html).toMatch(/id="f-bot_token-error">[^<]*refused by Telegram: Unauthorized/);
    expect(html).toContain('value="Bot inbox"');
    expect(html).not.toContain(bad);
    // Telegram refuses a webhook on a non-public address: the page says which setting to fix.
    fake.failNext("setWebhook", { error_code: 400, description: "Bad Request: bad webhook: An HTTPS URL must be provided for webhook" });
    const local = await owner.post(`${accountPath}/settings/inboxes/new/telegram`, { name: "Bot inbox", bot_token: fake.addBot("local_bot").token });
    expect(local.status).toBe(422);
    expect(decode(await local.text())).toContain("An HTTPS URL must be provided for webhook (Telegram only calls public https:// addresses: set PARLEY_PUBLIC_URL)");
    const blank = await owner.post(`${accountPath}/settings/inboxes/new/telegram`, { name: "Bot inbox", bot_token: "" });
    expect(decode(await blank.text())).toMatch(/id="f-bot_token-error">Can't be blank/);
  });

  test("a good token creates the inbox; its page shows the bot and the connection once an update arrived", async () => {
    const { token } = fake.addBot("parley_help_bot");
    await owner.page(`${accountPath}/settings/inboxes/new/telegram`);
    const res = await owner.post(`${accountPath}/settings/inboxes/new/telegram`, { name: "Telegram support", bot_token: token });
    expect(res.status).toBe(303);
    const location = res.headers.get("location")!;
    expect(location).toMatch(new RegExp(`^${accountPath}/settings/inboxes/\\d+\\?created=1$`));
    let html = (await owner.page(location)).html;
    expect(html).toContain('data-testid="channel-card"');
    expect(html).toContain("@parley_help_bot");
    expect(html).toMatch(/data-testid="channel-status">Waiting for the first message/);
    expect(html).not.toContain(token);
    expect(html).not.toContain("Your API inbox is ready");

    const update = fake.update({ message: fake.message({ id: 4242, first_name: "Grace" }, { text: "hi" }) });
    expect((await fake.deliver(token, update)).status).toBe(200);
    html = (await owner.page(location.replace("?created=1", ""))).html;
    expect(html).toMatch(/data-testid="channel-status">Connected/);
    expect((await owner.page(`${accountPath}/settings/inboxes`)).html).not.toContain('data-testid="inbox-connection"');

    // Telegram reports failed deliveries: the inbox page shows the error, the list flags the inbox.
    fake.webhookFailed(token, "Connection refused");
    const { checkTelegramWebhooks } = await import("../../channels/telegram/health.ts");
    await checkTelegramWebhooks(server.deps);
    html = decode((await owner.page(location.replace("?created=1", ""))).html);
    expect(html).toMatch(/data-testid="channel-status">Failing/);
    expect(html).toContain("Telegram cannot deliver updates to Parley: Connection refused");
    expect((await owner.page(`${accountPath}/settings/inboxes`)).html).toMatch(/Telegram <span class="badge badge-danger" data-testid="inbox-connection">Failing<\/span>/);
  });

  test("a revoked token: the inbox page opens the connection form; a new token reconnects the inbox", async () => {
    const { token } = fake.addBot("expiring_bot");
    await owner.page(`${accountPath}/settings/inboxes/new/telegram`);
    const created = await owner.post(`${accountPath}/settings/inboxes/new/telegram`, { name: "Expiring", bot_token: token });
    const page = created.headers.get("location")!.replace("?created=1", "");
    fake.revoke(token);
    const { checkTelegramWebhooks } = await import("../../channels/telegram/health.ts");
    await checkTelegramWebhooks(server.deps);
    let html = decode((await owner.page(page)).html);
    expect(html).toMatch(/data-testid="channel-status">Token expired/);
    expect(html).toMatch(/<details class="channel-update" open="" data-testid="channel-update">|<details class="channel-update" open data-testid="channel-update">/);

    const blank = await owner.post(`${page}/channel`, { bot_token: "" });
    expect(blank.status).toBe(422);
    expect(decode(await blank.text())).toMatch(/id="f-bot_token-error">Can't be blank/);
    const refused = await owner.post(`${page}/channel`, { bot_token: token });
    expect(refused.status).toBe(422);
    expect(decode(await refused.text())).toMatch(/id="f-bot_token-error">[^<]*refused by Telegram: Unauthorized/);

    const fresh = fake.addBot("renewed_bot").token;
    const ok = await owner.post(`${page}/channel`, { bot_token: fresh });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toEndWith("?saved=channel");
    html = decode((await owner.page(ok.headers.get("location")!)).html);
    expect(html).toContain("Connection updated");
    expect(html).toContain("@renewed_bot");
    expect(html).toMatch(/data-testid="channel-status">Waiting for the first message/);
    expect(html).not.toContain(fresh);
    expect(fake.webhookOf(fresh)!.url).toEndWith(`/webhooks/telegram/${fresh}`);
  });

  test("agents cannot reach the channel setup pages", async () => {
    const agent = await platformMember(server, Number(accountPath.split("/").pop()));
    expect((await agent.get(`${accountPath}/settings/inboxes/new/telegram`)).status).toBe(403);
    await agent.page(`${accountPath}/settings/profile`);
    const before = fake.callsOf("getMe").length;
    expect((await agent.post(`${accountPath}/settings/inboxes/new/telegram`, { name: "x", bot_token: fake.addBot("agent_bot").token })).status).toBe(403);
    expect(fake.callsOf("getMe").length).toBe(before);
  });
});
