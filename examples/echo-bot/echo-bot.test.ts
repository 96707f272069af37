// The echo bot against a real Parley: API inbox, bot pointing at the echo bot, a customer conversation.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createAdmin, startTestServer, type TestServer } from "../../src/testing/server.ts";
import { startEchoBot, verifySignature } from "./bot.ts";

let parley: TestServer;
let bot: ReturnType<typeof startEchoBot> | undefined;
let admin: Awaited<ReturnType<typeof createAdmin>>;

beforeAll(async () => {
  parley = startTestServer();
  admin = await createAdmin(parley);
});
afterAll(async () => {
  await bot?.stop(true);
  await parley.close();
});

async function call(token: string, method: string, path: string, json?: unknown) {
  const res = await parley.api(`/api/v1/accounts/${admin.account.id}${path}`, { token, method, json });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 5_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out; last value: ${JSON.stringify(v)}`);
    await Bun.sleep(25);
  }
}

test("signature check follows the article's formula", () => {
  expect(verifySignature('{"a":1}', "1700000000", "sha256=" + new Bun.CryptoHasher("sha256", "s").update('1700000000.{"a":1}').digest("hex"), "s")).toBe(true);
  expect(verifySignature('{"a":1}', "1700000000", "sha256=00", "s")).toBe(false);
});

test("echoes the customer, hands off on 'human', then stays quiet", async () => {
  const inbox = await call(admin.token, "POST", "/inboxes", { name: "Support API", channel: { type: "api", webhook_url: "" } });
  expect(inbox.status).toBe(200);
  // The bot's URL is only known once it listens; create the bot, start it with the credentials, then point the bot at it.
  const created = await call(admin.token, "POST", "/agent_bots", { name: "Echo", outgoing_url: "http://127.0.0.1:1/placeholder" });
  expect(created.status).toBe(200);
  bot = startEchoBot({ parleyUrl: parley.url, botToken: created.body.access_token.token, secret: created.body.secret });
  expect((await call(admin.token, "PATCH", `/agent_bots/${created.body.id}`, { outgoing_url: bot.url.href })).status).toBe(200);
  expect((await call(admin.token, "POST", `/inboxes/${inbox.body.id}/set_agent_bot`, { agent_bot: created.body.id })).status).toBe(204);

  // Unsigned requests are refused.
  expect((await fetch(bot.url, { method: "POST", body: "{}" })).status).toBe(401);

  const contact = await call(admin.token, "POST", "/contacts", { name: "Cleo Customer", inbox_id: inbox.body.id });
  const conv = await call(admin.token, "POST", "/conversations", { inbox_id: inbox.body.id, contact_id: contact.body.payload.contact.id });
  expect(conv.body.status).toBe("pending");
  const id = conv.body.id;
  const messages = async () => (await call(admin.token, "GET", `/conversations/${id}/messages`)).body.payload as any[];

  await call(admin.token, "POST", `/conversations/${id}/messages`, { content: "where is my order?", message_type: "incoming" });
  const replied = await until(messages, (ms) => ms.some((m) => m.content === "You said: where is my order?"));
  const reply = replied.find((m) => m.content === "You said: where is my order?");
  expect(reply.message_type).toBe(1);
  expect(reply.sender).toMatchObject({ id: created.body.id, type: "agent_bot" });

  await call(admin.token, "POST", `/conversations/${id}/messages`, { content: "I want a human please", message_type: "incoming" });
  await until(
    async () => (await call(admin.token, "GET", `/conversations/${id}`)).body.status,
    (s) => s === "open",
  );

  // Handed off: the bot no longer answers. A second, still pending conversation proves the bot is alive.
  await call(admin.token, "POST", `/conversations/${id}/messages`, { content: "still there?", message_type: "incoming" });
  const other = await call(admin.token, "POST", "/conversations", { inbox_id: inbox.body.id, contact_id: contact.body.payload.contact.id });
  await call(admin.token, "POST", `/conversations/${other.body.id}/messages`, { content: "ping", message_type: "incoming" });
  await until(
    async () => (await call(admin.token, "GET", `/conversations/${other.body.id}/messages`)).body.payload as any[],
    (ms) => ms.some((m) => m.content === "You said: ping"),
  );
  await Bun.sleep(100);
  expect((await messages()).map((m) => m.content)).not.toContain("You said: still there?");
});
