// /cable with the real @rails/actioncable client, as Chatwoot's dashboard, widget and mobile apps use it.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createConsumer } from "@rails/actioncable";
import { accountPath, addInboxMembers, caller, createApiInbox, createContact, type Admin } from "../api/v1/accounts/conversation-test-kit.ts";
import { createAdmin, createAgent, startTestServer, TEST_PLATFORM_TOKEN, type TestServer } from "../testing/server.ts";
import { CableClient as Client } from "./test-client.ts";

let server: TestServer;
let url: string;
let admin: Admin & { user: { id: number; pubsub_token: string } };
let member: { user: { id: number; pubsub_token: string }; token: string };
let outsider: { user: { id: number; pubsub_token: string }; token: string };
let inboxA: { id: number };
let inboxB: { id: number };
const clients: Client[] = [];
let call: ReturnType<typeof caller>;

async function profile(token: string) {
  const res = await call(token, "GET", "/api/v1/profile");
  expect(res.status).toBe(200);
  return res.body as { id: number; pubsub_token: string };
}

async function open(params: Record<string, unknown>): Promise<Client> {
  const c = await Client.open(url, params);
  clients.push(c);
  return c;
}

const userParams = (u: { id: number; pubsub_token: string }, accountId = admin.account.id) => ({ pubsub_token: u.pubsub_token, account_id: accountId, user_id: u.id });

function contactToken(contactId: number): string {
  const row = server.deps.db.$client.query("SELECT pubsub_token FROM contact_inboxes WHERE contact_id = ?1").get(contactId) as { pubsub_token: string };
  return row.pubsub_token;
}

async function conversationFor(inboxId: number) {
  const { contact } = await createContact(server, admin, inboxId);
  const res = await call(admin.token, "POST", accountPath(admin.account.id, "/conversations"), { inbox_id: inboxId, contact_id: contact.id });
  expect(res.status).toBe(200);
  return { contact, conversation: res.body as { id: number; inbox_id: number } };
}

async function post(displayId: number, json: Record<string, unknown>) {
  const res = await call(admin.token, "POST", accountPath(admin.account.id, `/conversations/${displayId}/messages`), json);
  expect(res.status).toBe(200);
  return res.body as { id: number };
}

/** A contact.created reaches every user of the account: once a client sees it, everything sent before it has arrived. */
async function sentinel(...cs: Client[]) {
  const name = `Sentinel ${crypto.randomUUID().slice(0, 6)}`;
  const res = await call(admin.token, "POST", accountPath(admin.account.id, "/contacts"), { name });
  expect(res.status).toBe(200);
  for (const c of cs) await c.waitFor((e) => e.event === "contact.created" && e.data.name === name, "sentinel contact.created");
}

beforeAll(async () => {
  server = startTestServer();
  url = server.url.replace(/^http/, "ws") + "/cable";
  call = caller(server);
  const a = await createAdmin(server);
  admin = { ...a, user: await profile(a.token) } as typeof admin;
  const m = await createAgent(server, admin);
  member = { token: m.token, user: await profile(m.token) };
  const o = await createAgent(server, admin);
  outsider = { token: o.token, user: await profile(o.token) };
  inboxA = await createApiInbox(server, admin, { name: "Members inbox" });
  inboxB = await createApiInbox(server, admin, { name: "Other inbox" });
  await addInboxMembers(server, admin, inboxA.id, [member.user.id]);
  await addInboxMembers(server, admin, inboxB.id, [outsider.user.id]);
});

afterAll(async () => {
  for (const c of clients) c.close();
  await server.close();
});

describe("/cable for agents", () => {
  test("a member of the inbox gets conversation.created, message.created and assignee.changed in Chatwoot's shapes; a non-member gets none of them", async () => {
    const agent = await open(userParams(member.user));
    const other = await open(userParams(outsider.user));
    const boss = await open(userParams(admin.user));
    expect([agent.state, other.state, boss.state]).toEqual(["connected", "connected", "connected"]);

    const { contact, conversation } = await conversationFor(inboxA.id);
    const created = (await agent.waitFor((e) => e.event === "conversation.created" && e.data.id === conversation.id, "conversation.created")).data;
    expect(created).toMatchObject({
      id: conversation.id,
      inbox_id: inboxA.id,
      account_id: admin.account.id,
      status: "open",
      meta: { sender: { id: contact.id, type: "contact" }, assignee: null },
      contact_inbox: { inbox_id: inboxA.id },
    });
    expect(created.contact_inbox.pubsub_token).toBeUndefined();
    expect(typeof created.created_at).toBe("number");

    const msg = await post(conversation.id, { content: "Hello from support", message_type: "outgoing" });
    const mc = (await agent.waitFor((e) => e.event === "message.created" && e.data.id === msg.id, "message.created")).data;
    expect(mc).toMatchObject({
      id: msg.id,
      content: "Hello from support",
      account_id: admin.account.id,
      inbox_id: inboxA.id,
      conversation_id: conversation.id,
      message_type: 1,
      private: false,
      sender: { id: admin.user.id, type: "user" },
      conversation: { assignee_id: null },
    });
    expect(typeof mc.created_at).toBe("number");

    const res = await call(admin.token, "POST", accountPath(admin.account.id, `/conversations/${conversation.id}/assignments`), { assignee_id: member.user.id });
    expect(res.status).toBe(200);
    const assigned = (await agent.waitFor((e) => e.event === "assignee.changed", "assignee.changed")).data;
    expect(assigned).toMatchObject({ id: conversation.id, meta: { assignee: { id: member.user.id, type: "user" }, assignee_type: "User" } });
    // The administrator sees every inbox.
    await boss.waitFor((e) => e.event === "assignee.changed" && e.data.id === conversation.id, "admin assignee.changed");

    await sentinel(other);
    const leaked = other.events.filter((e) => e.event !== "presence.update" && e.event !== "contact.created");
    expect(leaked).toEqual([]);
  });

  test("bad tokens are rejected: wrong token, another user's id, an account the user is not in, an unknown contact token, another channel", async () => {
    const wrongToken = await open({ pubsub_token: "nope", account_id: admin.account.id, user_id: member.user.id });
    const wrongUser = await open({ pubsub_token: member.user.pubsub_token, account_id: admin.account.id, user_id: outsider.user.id });
    const otherAdmin = await createAdmin(server, { accountName: "Elsewhere" });
    const wrongAccount = await open(userParams(member.user, otherAdmin.account.id));
    const unknownContact = await open({ pubsub_token: "x".repeat(24) });
    const c = createConsumer(url);
    const otherChannel = await new Promise<string>((resolve) => {
      c.subscriptions.create({ channel: "AppearanceChannel", pubsub_token: member.user.pubsub_token }, { rejected: () => resolve("rejected"), connected: () => resolve("connected") });
    });
    c.disconnect();
    expect([wrongToken.state, wrongUser.state, wrongAccount.state, unknownContact.state, otherChannel]).toEqual(["rejected", "rejected", "rejected", "rejected", "rejected"]);
  });

  test("update_presence answers with presence.update listing the user with their availability", async () => {
    const res = await call(admin.token, "PATCH", accountPath(admin.account.id, `/agents/${member.user.id}`), { availability: "busy" });
    expect(res.status).toBe(200);
    const agent = await open(userParams(member.user));
    const before = agent.of("presence.update").length;
    agent.sub.perform("update_presence");
    const p = (await agent.waitFor((e) => e.event === "presence.update" && agent.of("presence.update").length > before, "presence.update")).data;
    const last = agent.of("presence.update").at(-1);
    expect(p.account_id).toBe(admin.account.id);
    expect(last.users[String(member.user.id)]).toBe("busy");
    expect(last.contacts).toEqual(expect.any(Object));
  });

  test("removing the agent from the account stops delivery at once", async () => {
    const extra = await createAgent(server, admin);
    const user = await profile(extra.token);
    await addInboxMembers(server, admin, inboxA.id, [member.user.id, user.id]);
    const agent = await open(userParams(user));
    const boss = await open(userParams(admin.user));
    expect(agent.state).toBe("connected");
    const { conversation } = await conversationFor(inboxA.id);
    await agent.waitFor((e) => e.event === "conversation.created" && e.data.id === conversation.id, "conversation.created before removal");

    const del = await call(admin.token, "DELETE", accountPath(admin.account.id, `/agents/${user.id}`));
    expect(del.status).toBe(200);
    const count = agent.events.length;
    const msg = await post(conversation.id, { content: "after removal", message_type: "outgoing" });
    await boss.waitFor((e) => e.event === "message.created" && e.data.id === msg.id, "admin message.created");
    await sentinel(boss);
    await Bun.sleep(50);
    expect(agent.events.slice(count).filter((e) => e.event !== "presence.update")).toEqual([]);
  });
});

describe("/cable for a suspended account", () => {
  test("suspending the account stops delivery and refuses new subscriptions", async () => {
    const other = await createAdmin(server, { accountName: "Soon suspended" });
    const me = await profile(other.token);
    const live = await open(userParams(me, other.account.id));
    expect(live.state).toBe("connected");
    const created = await call(other.token, "POST", accountPath(other.account.id, "/contacts"), { name: "Before suspension" });
    expect(created.status).toBe(200);
    await live.waitFor((e) => e.event === "contact.created", "contact.created while active");
    const contactId = created.body.payload.contact.id as number;
    const patch = await server.api(`/platform/api/v1/accounts/${other.account.id}`, { token: TEST_PLATFORM_TOKEN, method: "PATCH", json: { status: "suspended" } });
    expect(patch.status).toBe(200);
    const count = live.events.length;
    // A contact event of that account would reach every subscribed user; none arrives now.
    server.deps.tx((tx) => tx.emit("contact.updated", { account_id: other.account.id, contact_id: contactId, changed_attributes: {} }));
    await Bun.sleep(100);
    expect(live.events.length).toBe(count);
    expect((await open(userParams(me, other.account.id))).state).toBe("rejected");
  });
});

describe("/cable event recipients", () => {
  test("typing reaches the other inbox users and the contact, never the typer; private typing never reaches the contact", async () => {
    const { contact, conversation } = await conversationFor(inboxA.id);
    const agent = await open(userParams(member.user));
    const boss = await open(userParams(admin.user));
    const visitor = await open({ pubsub_token: contactToken(contact.id) });
    const typing = (token: string, typing_status: string, is_private = false) =>
      call(token, "POST", accountPath(admin.account.id, `/conversations/${conversation.id}/toggle_typing_status`), { typing_status, is_private });

    expect((await typing(member.token, "on", true)).status).toBe(200);
    const seen = (await boss.waitFor((e) => e.event === "conversation.typing_on", "private typing_on")).data;
    expect(seen).toMatchObject({ conversation: { id: conversation.id }, user: { id: member.user.id, type: "user" }, is_private: true, account_id: admin.account.id });
    expect((await typing(member.token, "off")).status).toBe(200);
    await visitor.waitFor((e) => e.event === "conversation.typing_off", "public typing_off");
    expect(visitor.of("conversation.typing_on")).toEqual([]);
    await boss.waitFor((e) => e.event === "conversation.typing_off", "admin typing_off");
    await sentinel(agent);
    expect(agent.events.filter((e) => e.event.startsWith("conversation.typing"))).toEqual([]);
  });

  test("notifications go to their user only, with the unread count", async () => {
    const { conversation } = await conversationFor(inboxA.id);
    const agent = await open(userParams(member.user));
    const boss = await open(userParams(admin.user));
    const res = await call(admin.token, "POST", accountPath(admin.account.id, `/conversations/${conversation.id}/assignments`), { assignee_id: member.user.id });
    expect(res.status).toBe(200);
    const n = (await agent.waitFor((e) => e.event === "notification.created" && e.data.notification.primary_actor_id !== undefined, "notification.created")).data;
    expect(n.notification).toMatchObject({ notification_type: "conversation_assignment", primary_actor_type: "Conversation", primary_actor: { id: conversation.id } });
    expect(n.unread_count).toBeGreaterThanOrEqual(1);
    expect(n.count).toBeGreaterThanOrEqual(n.unread_count);
    await sentinel(boss);
    expect(boss.of("notification.created")).toEqual([]);
  });

  test("a custom role limited to unassigned conversations stops hearing a conversation once it is assigned to someone else", async () => {
    const role = await call(admin.token, "POST", accountPath(admin.account.id, "/custom_roles"), { name: "Triage", permissions: ["conversation_unassigned_manage"] });
    expect(role.status).toBe(200);
    const t = await createAgent(server, admin, { customRoleId: role.body.id });
    const triage = { token: t.token, user: await profile(t.token) };
    await addInboxMembers(server, admin, inboxA.id, [member.user.id, triage.user.id]);
    const limited = await open(userParams(triage.user));
    const boss = await open(userParams(admin.user));
    const { conversation } = await conversationFor(inboxA.id);
    const first = await post(conversation.id, { content: "while unassigned", message_type: "outgoing" });
    await limited.waitFor((e) => e.event === "message.created" && e.data.id === first.id, "message while unassigned");
    const res = await call(admin.token, "POST", accountPath(admin.account.id, `/conversations/${conversation.id}/assignments`), { assignee_id: member.user.id });
    expect(res.status).toBe(200);
    const second = await post(conversation.id, { content: "now assigned to someone else", message_type: "outgoing" });
    await boss.waitFor((e) => e.event === "message.created" && e.data.id === second.id, "admin sees the second message");
    await sentinel(limited);
    expect(limited.of("message.created").map((m) => m.id)).toEqual([first.id]);
  });
});

describe("/cable for contacts", () => {
  test("a contact receives its conversation's public messages, not private notes, and nothing of other contacts", async () => {
    const one = await conversationFor(inboxA.id);
    const two = await conversationFor(inboxA.id);
    const visitor = await open({ pubsub_token: contactToken(one.contact.id) });
    const neighbour = await open({ pubsub_token: contactToken(two.contact.id) });
    expect([visitor.state, neighbour.state]).toEqual(["connected", "connected"]);

    const note = await post(one.conversation.id, { content: "internal: refund approved", private: true });
    const reply = await post(one.conversation.id, { content: "Your refund is on its way", message_type: "outgoing" });
    const got = (await visitor.waitFor((e) => e.event === "message.created" && e.data.id === reply.id, "public reply")).data;
    expect(got).toMatchObject({ content: "Your refund is on its way", conversation_id: one.conversation.id, private: false, message_type: 1 });
    expect(visitor.of("message.created").map((m) => m.id)).not.toContain(note.id);

    const status = await call(admin.token, "POST", accountPath(admin.account.id, `/conversations/${one.conversation.id}/toggle_status`), { status: "resolved" });
    expect(status.status).toBe(200);
    await visitor.waitFor((e) => e.event === "conversation.status_changed" && e.data.status === "resolved", "status_changed");

    // The neighbour's own message arrives; nothing of the first conversation ever did.
    const theirs = await post(two.conversation.id, { content: "Hi neighbour", message_type: "outgoing" });
    await neighbour.waitFor((e) => e.event === "message.created" && e.data.id === theirs.id, "neighbour's own message");
    const foreign = neighbour.events.filter((e) => e.event !== "presence.update" && e.data.conversation_id !== two.conversation.id && e.data.id !== two.conversation.id);
    expect(foreign).toEqual([]);
    expect(visitor.events.some((e) => e.data.id === theirs.id)).toBe(false);
    // Contacts never get the account stream (contact.* events) nor private notes.
    await sentinel(await open(userParams(admin.user)));
    expect(visitor.of("contact.created")).toEqual([]);
    expect(visitor.events.some((e) => JSON.stringify(e).includes("refund approved"))).toBe(false);
  });

  test("a contact's update_presence answers with the account's online users and shows the contact online to agents", async () => {
    const { contact } = await conversationFor(inboxA.id);
    const agent = await open(userParams(admin.user));
    const visitor = await open({ pubsub_token: contactToken(contact.id) });
    visitor.sub.perform("update_presence");
    const p = (await visitor.waitFor((e) => e.event === "presence.update", "contact presence")).data;
    expect(p.account_id).toBe(admin.account.id);
    expect(p.users[String(admin.user.id)]).toBeDefined();
    expect(p.contacts).toBeUndefined();
    await agent.waitFor((e) => e.event === "presence.update" && e.data.contacts?.[String(contact.id)] === "online", "contact online for agents");
  });
});

describe("/cable for verified contacts", () => {
  test("a verified contact hears its conversation on every verified session, an unverified session of the same contact does not", async () => {
    const { contact, conversation } = await conversationFor(inboxA.id);
    const db = server.deps.db.$client;
    const second = await call(admin.token, "POST", accountPath(admin.account.id, `/contacts/${contact.id}/contact_inboxes`), { inbox_id: inboxB.id });
    expect(second.status).toBe(200);
    const third = await call(admin.token, "POST", accountPath(admin.account.id, `/contacts/${contact.id}/contact_inboxes`), { inbox_id: inboxA.id, source_id: "third-device" });
    expect(third.status).toBe(200);
    const sessions = db.query("SELECT id, inbox_id, source_id, pubsub_token FROM contact_inboxes WHERE contact_id = ?1 ORDER BY id").all(contact.id) as {
      id: number;
      source_id: string;
      pubsub_token: string;
    }[];
    expect(sessions.length).toBe(3);
    // HMAC verification (identifier_hash) is the client API's job; here the first two sessions are marked verified.
    db.query("UPDATE contact_inboxes SET hmac_verified = 1 WHERE id IN (?1, ?2)").run(sessions[0]!.id, sessions[1]!.id);
    const [phone, laptop, unverified] = await Promise.all(sessions.map((s) => open({ pubsub_token: s.pubsub_token })));
    const reply = await post(conversation.id, { content: "Seen on every device", message_type: "outgoing" });
    await phone!.waitFor((e) => e.event === "message.created" && e.data.id === reply.id, "first verified session");
    await laptop!.waitFor((e) => e.event === "message.created" && e.data.id === reply.id, "second verified session");
    const own = await call(admin.token, "POST", accountPath(admin.account.id, "/conversations"), { inbox_id: inboxA.id, contact_id: contact.id, source_id: "third-device" });
    expect(own.status).toBe(200);
    const mine = await post(own.body.id, { content: "Only for the third device", message_type: "outgoing" });
    await unverified!.waitFor((e) => e.event === "message.created" && e.data.id === mine.id, "the unverified session's own conversation");
    expect(unverified!.of("message.created").map((m) => m.id)).toEqual([mine.id]);
  });
});

describe("/cable protocol", () => {
  async function raw(protocols?: string[]) {
    const ws = new WebSocket(url, protocols);
    const frames: any[] = [];
    let closed: { code: number } | null = null;
    ws.onmessage = (m) => frames.push(JSON.parse(String(m.data)));
    ws.onclose = (e) => (closed = { code: e.code });
    await new Promise((r) => (ws.onopen = r));
    const until = async (pred: () => boolean) => {
      const deadline = Date.now() + 5000;
      while (!pred()) {
        if (Date.now() > deadline) throw new Error("timeout: " + JSON.stringify(frames));
        await Bun.sleep(10);
      }
    };
    return { ws, frames, until, closed: () => closed };
  }

  test("welcome, the negotiated subprotocol, pings about every 3 s", async () => {
    const c = await raw(["actioncable-v1-json", "actioncable-unsupported"]);
    expect(c.ws.protocol).toBe("actioncable-v1-json");
    await c.until(() => c.frames.length > 0);
    expect(c.frames[0]).toEqual({ type: "welcome" });
    await c.until(() => c.frames.some((f) => f.type === "ping"));
    const ping = c.frames.find((f) => f.type === "ping");
    expect(Math.abs(ping.message - Date.now() / 1000)).toBeLessThan(5);
    c.ws.close();
  }, 10_000);

  test("bad JSON and unknown commands close the socket with a disconnect message; oversized frames are refused", async () => {
    const a = await raw();
    a.ws.send("{not json");
    await a.until(() => a.closed() !== null);
    expect(a.frames.at(-1)).toEqual({ type: "disconnect", reason: "invalid_request", reconnect: false });

    const b = await raw();
    b.ws.send(JSON.stringify({ command: "dance", identifier: "{}" }));
    await b.until(() => b.closed() !== null);
    expect(b.frames.at(-1)).toMatchObject({ type: "disconnect", reconnect: false });

    const c = await raw();
    c.ws.send(JSON.stringify({ command: "subscribe", identifier: "x".repeat(64 * 1024) }));
    await c.until(() => c.closed() !== null);
    expect(c.closed()!.code).toBe(1009);
  });

  test("/cable without a WebSocket handshake is not found, a broken handshake is a 400", async () => {
    const plain = await server.api("/cable");
    expect(plain.status).toBe(404);
    const broken = await fetch(server.url + "/cable", { headers: { upgrade: "websocket", connection: "Upgrade" } });
    expect(broken.status).toBe(400);
  });

  test("a subscription is answered in ActionCable's frame format and broadcasts carry the identifier", async () => {
    const c = await raw(["actioncable-v1-json"]);
    const identifier = JSON.stringify({ channel: "RoomChannel", ...userParams(admin.user) });
    c.ws.send(JSON.stringify({ command: "subscribe", identifier }));
    await c.until(() => c.frames.some((f) => f.type === "confirm_subscription"));
    expect(c.frames.find((f) => f.type === "confirm_subscription")).toEqual({ identifier, type: "confirm_subscription" });
    await sentinel();
    await c.until(() => c.frames.some((f) => f.message?.event === "contact.created"));
    const frame = c.frames.find((f) => f.message?.event === "contact.created");
    expect(Object.keys(frame)).toEqual(["identifier", "message"]);
    expect(frame.identifier).toBe(identifier);
    expect(frame.message.data).toMatchObject({ type: "contact", account_id: admin.account.id });
    c.ws.send(JSON.stringify({ command: "unsubscribe", identifier }));
    c.ws.close();
  });
});
