// Agent bots in an account ("How to use Agent bots?"): CRUD and permissions, connecting a bot to an inbox, and the
// bot flow end to end over HTTP with a real local receiver as the bot's outgoing_url.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { verifyWebhookSignature } from "../../../domain/webhooks/signing.ts";
import { forEvent, startReceiver, type ReceivedRequest, type Receiver } from "../../../testing/receiver.ts";
import { createAdmin, createAgent, startTestServer, TEST_PLATFORM_TOKEN, type TestServer } from "../../../testing/server.ts";
import { accountPath, addInboxMembers, caller, createApiInbox, createContact, setAvailability, type Admin } from "./conversation-test-kit.ts";

let server: TestServer;
let receiver: Receiver;
let admin: Admin;
let agent: Awaited<ReturnType<typeof createAgent>>;
let other: Admin;
let call: ReturnType<typeof caller>;
const path = (rest: string) => accountPath(admin.account.id, rest);

beforeAll(async () => {
  server = startTestServer();
  receiver = startReceiver();
  call = caller(server);
  admin = await createAdmin(server, { accountName: "Bots Inc" });
  agent = await createAgent(server, admin, { name: "Ann Agent" });
  other = await createAdmin(server, { accountName: "Elsewhere" });
});
afterAll(async () => {
  await server.close();
  await receiver.close();
});
beforeEach(() => receiver.reset());

async function createBot(input: Record<string, unknown> = {}) {
  const res = await call(admin.token, "POST", path("/agent_bots"), { name: "Helper", outgoing_url: `${receiver.url}/bot`, ...input });
  expect(res.status).toBe(200);
  return res.body;
}

describe("/agent_bots CRUD and permissions", () => {
  test("an administrator creates a bot: secret generated, token shown, thumbnail from avatar_url", async () => {
    const bot = await createBot({ description: "triage", avatar_url: "https://cdn.example.com/bot.png" });
    expect(bot).toMatchObject({
      name: "Helper",
      description: "triage",
      thumbnail: "https://cdn.example.com/bot.png",
      outgoing_url: `${receiver.url}/bot`,
      bot_type: "webhook",
      account_id: admin.account.id,
      system_bot: false,
    });
    expect(bot.secret).toMatch(/^[A-Za-z0-9_-]{24,}$/);
    expect(bot.access_token.token).toBeString();
    // Two bots get different secrets.
    const second = await createBot({ name: "Second" });
    expect(second.secret).not.toBe(bot.secret);
  });

  test("validation answers 422 naming the field", async () => {
    for (const [body, field] of [
      [{ outgoing_url: "https://x.example" }, "name"],
      [{ name: "  " }, "name"],
      [{ name: "B", outgoing_url: "ftp://x.example/" }, "outgoing_url"],
      [{ name: "B", avatar_url: "javascript:alert(1)" }, "avatar_url"],
      [{ name: "B", bot_type: "csml" }, "bot_type"],
    ] as const) {
      const res = await call(admin.token, "POST", path("/agent_bots"), body);
      expect(res.status).toBe(422);
      expect(JSON.stringify(res.body)).toContain(field);
    }
  });

  test("agents read without credentials; only administrators write", async () => {
    const bot = await createBot({ name: "Readable" });
    const list = await call(agent.token, "GET", path("/agent_bots"));
    expect(list.status).toBe(200);
    const seen = list.body.find((b: { id: number }) => b.id === bot.id);
    expect(seen.name).toBe("Readable");
    expect(seen.access_token).toBeUndefined();
    expect(seen.secret).toBeUndefined();
    const one = await call(agent.token, "GET", path(`/agent_bots/${bot.id}`));
    expect(one.status).toBe(200);
    expect(one.body.secret).toBeUndefined();
    expect((await call(agent.token, "POST", path("/agent_bots"), { name: "Nope" })).status).toBe(403);
    expect((await call(agent.token, "PATCH", path(`/agent_bots/${bot.id}`), { name: "Nope" })).status).toBe(403);
    expect((await call(agent.token, "DELETE", path(`/agent_bots/${bot.id}`))).status).toBe(403);
    expect((await call(agent.token, "POST", path(`/agent_bots/${bot.id}/reset_access_token`))).status).toBe(403);
  });

  test("update, reset token (old one stops working), reset secret, delete", async () => {
    const bot = await createBot({ name: "Mutable" });
    const updated = await call(admin.token, "PATCH", path(`/agent_bots/${bot.id}`), { agent_bot: { name: "Renamed", outgoing_url: "https://bot.example.com/hook" } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ name: "Renamed", outgoing_url: "https://bot.example.com/hook" });

    const oldToken = bot.access_token.token;
    const reset = await call(admin.token, "POST", path(`/agent_bots/${bot.id}/reset_access_token`));
    expect(reset.status).toBe(200);
    expect(reset.body.access_token.token).not.toBe(oldToken);
    expect((await call(oldToken, "POST", path("/conversations/1/toggle_status"), { status: "open" })).status).toBe(401);

    const secret = await call(admin.token, "POST", path(`/agent_bots/${bot.id}/reset_secret`));
    expect(secret.status).toBe(200);
    expect(secret.body.secret).not.toBe(bot.secret);

    expect((await call(admin.token, "DELETE", path(`/agent_bots/${bot.id}`))).status).toBe(200);
    expect((await call(admin.token, "GET", path(`/agent_bots/${bot.id}`))).status).toBe(404);
  });

  test("another account neither sees nor changes the bot; global bots are listed read-only", async () => {
    const bot = await createBot({ name: "Private" });
    const otherPath = (rest: string) => accountPath(other.account.id, rest);
    expect((await call(other.token, "GET", otherPath(`/agent_bots/${bot.id}`))).status).toBe(404);
    expect((await call(other.token, "PATCH", otherPath(`/agent_bots/${bot.id}`), { name: "Stolen" })).status).toBe(404);
    expect((await call(other.token, "DELETE", otherPath(`/agent_bots/${bot.id}`))).status).toBe(404);
    expect((await call(other.token, "GET", otherPath("/agent_bots"))).body.map((b: { id: number }) => b.id)).not.toContain(bot.id);
    // Through another account's URL with this account's token: not a member there.
    expect((await call(admin.token, "GET", otherPath("/agent_bots"))).status).toBe(404);

    const global = await server.api("/platform/api/v1/agent_bots", {
      token: TEST_PLATFORM_TOKEN,
      method: "POST",
      json: { name: "Installation bot", outgoing_url: "https://global.example.com/hook" },
    });
    const g = await global.json();
    const listed = (await call(admin.token, "GET", path("/agent_bots"))).body.find((b: { id: number }) => b.id === g.id);
    expect(listed).toMatchObject({ name: "Installation bot", system_bot: true, account_id: null });
    expect(listed.outgoing_url).toBeUndefined();
    expect(listed.access_token).toBeUndefined();
    expect(listed.secret).toBeUndefined();
    expect((await call(admin.token, "PATCH", path(`/agent_bots/${g.id}`), { name: "Mine now" })).status).toBe(404);
    expect((await call(admin.token, "DELETE", path(`/agent_bots/${g.id}`))).status).toBe(404);
  });

  test("a bot token cannot manage bots", async () => {
    const bot = await createBot({ name: "Sneaky" });
    expect((await call(bot.access_token.token, "GET", path("/agent_bots"))).status).toBe(403);
    expect((await call(bot.access_token.token, "POST", path("/agent_bots"), { name: "Child" })).status).toBe(403);
  });
});

describe("inbox bot configuration", () => {
  test("set_agent_bot connects, replaces and disconnects; agent_bot shows the connection", async () => {
    const inbox = await createApiInbox(server, admin, { name: "Bot inbox" });
    const a = await createBot({ name: "A" });
    const b = await createBot({ name: "B" });
    expect((await call(admin.token, "GET", path(`/inboxes/${inbox.id}/agent_bot`))).body).toEqual({ agent_bot: null });

    expect((await call(admin.token, "POST", path(`/inboxes/${inbox.id}/set_agent_bot`), { agent_bot: a.id })).status).toBe(204);
    expect((await call(admin.token, "GET", path(`/inboxes/${inbox.id}/agent_bot`))).body.agent_bot).toMatchObject({ id: a.id, name: "A" });
    expect((await call(admin.token, "POST", path(`/inboxes/${inbox.id}/set_agent_bot`), { agent_bot: b.id })).status).toBe(204);
    expect((await call(admin.token, "GET", path(`/inboxes/${inbox.id}/agent_bot`))).body.agent_bot.id).toBe(b.id);
    expect((await call(admin.token, "POST", path(`/inboxes/${inbox.id}/set_agent_bot`), { agent_bot: null })).status).toBe(204);
    expect((await call(admin.token, "GET", path(`/inboxes/${inbox.id}/agent_bot`))).body).toEqual({ agent_bot: null });
  });

  test("deleting a connected bot disconnects it: new conversations open again", async () => {
    const inbox = await createApiInbox(server, admin, { name: "Orphaned" });
    const bot = await createBot({ name: "Short-lived" });
    await call(admin.token, "POST", path(`/inboxes/${inbox.id}/set_agent_bot`), { agent_bot: bot.id });
    const { contact } = await createContact(server, admin, inbox.id);
    expect((await call(admin.token, "POST", path("/conversations"), { inbox_id: inbox.id, contact_id: contact.id })).body.status).toBe("pending");
    expect((await call(admin.token, "DELETE", path(`/agent_bots/${bot.id}`))).status).toBe(200);
    expect((await call(admin.token, "GET", path(`/inboxes/${inbox.id}/agent_bot`))).body).toEqual({ agent_bot: null });
    expect((await call(admin.token, "POST", path("/conversations"), { inbox_id: inbox.id, contact_id: contact.id })).body.status).toBe("open");
  });

  test("permissions, validation and tenant scoping", async () => {
    const inbox = await createApiInbox(server, admin, { name: "Guarded" });
    const bot = await createBot({ name: "G" });
    expect((await call(agent.token, "POST", path(`/inboxes/${inbox.id}/set_agent_bot`), { agent_bot: bot.id })).status).toBe(403);
    const bad = await call(admin.token, "POST", path(`/inboxes/${inbox.id}/set_agent_bot`), { agent_bot: "x" });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).toContain("agent_bot");
    expect((await call(admin.token, "POST", path(`/inboxes/${inbox.id}/set_agent_bot`), {})).status).toBe(422);
    expect((await call(admin.token, "POST", path(`/inboxes/999999/set_agent_bot`), { agent_bot: bot.id })).status).toBe(404);
    // Another account's bot cannot be connected; another account's inbox cannot be configured.
    const theirs = await call(other.token, "POST", accountPath(other.account.id, "/agent_bots"), { name: "Theirs" });
    expect((await call(admin.token, "POST", path(`/inboxes/${inbox.id}/set_agent_bot`), { agent_bot: theirs.body.id })).status).toBe(404);
    expect((await call(other.token, "POST", accountPath(other.account.id, `/inboxes/${inbox.id}/set_agent_bot`), { agent_bot: theirs.body.id })).status).toBe(404);
    expect((await call(admin.token, "GET", path(`/inboxes/${inbox.id}/agent_bot`))).body.agent_bot).toBeNull();
  });
});

describe("the bot flow", () => {
  const events = (rs: ReceivedRequest[]) => rs.map((r) => r.json().event);

  async function botInbox() {
    const inbox = await createApiInbox(server, admin, { name: "Triage", enable_auto_assignment: true });
    await addInboxMembers(server, admin, inbox.id, [agent.user.id]);
    await setAvailability(server, admin, agent.user.id, "online");
    const bot = await createBot({ name: "Triage bot" });
    expect((await call(admin.token, "POST", path(`/inboxes/${inbox.id}/set_agent_bot`), { agent_bot: bot.id })).status).toBe(204);
    const { contact } = await createContact(server, admin, inbox.id);
    const conv = await call(admin.token, "POST", path("/conversations"), { inbox_id: inbox.id, contact_id: contact.id, status: "open" });
    expect(conv.status).toBe(200);
    return { inbox, bot, conversation: conv.body };
  }

  test("new conversations start pending and unassigned; without a bot they open and are auto-assigned", async () => {
    const { conversation } = await botInbox();
    expect(conversation.status).toBe("pending");
    expect(conversation.meta.assignee ?? null).toBeNull();

    const plain = await createApiInbox(server, admin, { name: "Humans", enable_auto_assignment: true });
    await addInboxMembers(server, admin, plain.id, [agent.user.id]);
    const { contact } = await createContact(server, admin, plain.id);
    const conv = await call(admin.token, "POST", path("/conversations"), { inbox_id: plain.id, contact_id: contact.id });
    expect(conv.body.status).toBe("open");
    expect(conv.body.meta.assignee.id).toBe(agent.user.id);
  });

  test("incoming messages reach the bot signed with its secret; the bot replies, hands off, and gets it back", async () => {
    const { bot, conversation } = await botInbox();
    const incoming = await call(admin.token, "POST", path(`/conversations/${conversation.id}/messages`), { content: "hello bot", message_type: "incoming" });
    expect(incoming.status).toBe(200);
    const [delivered] = await receiver.waitFor(1, 5_000, forEvent("message_created"));
    expect(delivered.headers["x-chatwoot-signature"]).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(bot.secret, delivered.headers["x-chatwoot-timestamp"], delivered.body, delivered.headers["x-chatwoot-signature"])).toBe(true);
    expect(verifyWebhookSignature("wrong", delivered.headers["x-chatwoot-timestamp"], delivered.body, delivered.headers["x-chatwoot-signature"])).toBe(false);
    const payload = delivered.json();
    expect(payload).toMatchObject({ event: "message_created", content: "hello bot", message_type: "incoming" });
    expect(payload.conversation.id).toBe(conversation.id);
    expect(payload.conversation.status).toBe("pending");
    expect(payload.account.id).toBe(admin.account.id);

    // The bot answers with its own token.
    const reply = await call(bot.access_token.token, "POST", path(`/conversations/${conversation.id}/messages`), { content: "Hi, I am a bot" });
    expect(reply.status).toBe(200);
    expect(reply.body.sender).toMatchObject({ id: bot.id, type: "agent_bot" });
    expect(reply.body.message_type).toBe(1);
    const listed = (await call(admin.token, "GET", path(`/conversations/${conversation.id}/messages`))).body.payload;
    expect(listed.find((m: { id: number }) => m.id === reply.body.id).sender.type).toBe("agent_bot");
    // Chatwoot also sends the bot its own outgoing message.
    const own = await receiver.waitFor(2, 5_000, forEvent("message_created"));
    expect(own[1].json()).toMatchObject({ content: "Hi, I am a bot", message_type: "outgoing" });
    expect(own[1].json().sender).toMatchObject({ id: bot.id, type: "agent_bot" });

    // Handoff: open → auto-assigned to the online inbox member; the bot hears conversation_opened.
    const handoff = await call(bot.access_token.token, "POST", path(`/conversations/${conversation.id}/toggle_status`), { status: "open" });
    expect(handoff.status).toBe(200);
    expect(handoff.body.payload.current_status).toBe("open");
    const opened = await receiver.waitFor(1, 5_000, forEvent("conversation_opened"));
    expect(opened[0].json().status).toBe("open");
    const after = (await call(admin.token, "GET", path(`/conversations/${conversation.id}`))).body;
    expect(after.status).toBe("open");
    expect(after.meta.assignee.id).toBe(agent.user.id);

    // An agent returns it to the bot queue; the bot keeps getting its messages.
    const back = await call(agent.token, "POST", path(`/conversations/${conversation.id}/toggle_status`), { status: "pending" });
    expect(back.body.payload.current_status).toBe("pending");
    await call(admin.token, "POST", path(`/conversations/${conversation.id}/messages`), { content: "again", message_type: "incoming" });
    const again = await receiver.waitFor(3, 5_000, forEvent("message_created"));
    expect(again[2].json()).toMatchObject({ content: "again", conversation: { status: "pending" } });
    // Resolving is announced too.
    await call(agent.token, "POST", path(`/conversations/${conversation.id}/toggle_status`), { status: "resolved" });
    await receiver.waitFor(1, 5_000, forEvent("conversation_resolved"));
    expect(events(receiver.requests)).not.toContain("conversation_created");
  });

  test("private notes and a disconnected bot send nothing to the bot", async () => {
    const { inbox, conversation } = await botInbox();
    await call(admin.token, "POST", path(`/conversations/${conversation.id}/messages`), { content: "note", private: true });
    await call(admin.token, "POST", path(`/inboxes/${inbox.id}/set_agent_bot`), { agent_bot: null });
    await call(admin.token, "POST", path(`/conversations/${conversation.id}/messages`), { content: "after", message_type: "incoming" });
    // A marker through a second bot proves the queue ran past the messages above.
    const marker = await botInbox();
    await call(admin.token, "POST", path(`/conversations/${marker.conversation.id}/messages`), { content: "marker", message_type: "incoming" });
    const got = await receiver.waitFor(1, 5_000, (r) => r.json().content === "marker");
    expect(got).toHaveLength(1);
    const contents = receiver.requests.map((r) => r.json().content);
    expect(contents).not.toContain("after");
  });

  test("a bot that fails a message delivery hands the pending conversation to the team (activity message)", async () => {
    const { conversation } = await botInbox();
    receiver.failNext(1, 410, { when: forEvent("message_created") });
    await call(admin.token, "POST", path(`/conversations/${conversation.id}/messages`), { content: "anyone?", message_type: "incoming" });
    await receiver.waitFor(1, 5_000, forEvent("message_created"));
    const deadline = Date.now() + 5_000;
    let current = (await call(admin.token, "GET", path(`/conversations/${conversation.id}`))).body;
    while (current.status !== "open" && Date.now() < deadline) {
      await Bun.sleep(25);
      current = (await call(admin.token, "GET", path(`/conversations/${conversation.id}`))).body;
    }
    expect(current.status).toBe("open");
    const messages = (await call(admin.token, "GET", path(`/conversations/${conversation.id}/messages`))).body.payload;
    expect(messages.map((m: { content: string }) => m.content)).toContain("Conversation was marked open by system due to an error with the agent bot.");
  });

  test("a successful delivery leaves the conversation pending", async () => {
    const { conversation } = await botInbox();
    await call(admin.token, "POST", path(`/conversations/${conversation.id}/messages`), { content: "fine", message_type: "incoming" });
    await receiver.waitFor(1, 5_000, forEvent("message_created"));
    await Bun.sleep(100);
    expect((await call(admin.token, "GET", path(`/conversations/${conversation.id}`))).body.status).toBe("pending");
  });
});
