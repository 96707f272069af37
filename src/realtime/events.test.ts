// The rest of Chatwoot's realtime events on the wire (first.reply.created, account.cache_invalidated,
// conversation.contact_changed, contact.merged, conversation.mentioned, conversation.read, conversation.updated,
// notification.deleted), the `performer` of a user's or bot's change and `echo_id`, each with its audience, through the
// real @rails/actioncable client.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { accountPath, addInboxMembers, caller, createApiInbox, createContact, type Admin } from "../api/v1/accounts/conversation-test-kit.ts";
import { createAdmin, createAgent, startTestServer, type TestServer } from "../testing/server.ts";
import { CableClient, type Received } from "./test-client.ts";

type User = { id: number; pubsub_token: string; name: string };

let server: TestServer;
let url: string;
let admin: Admin & { user: User };
let member: { user: User; token: string };
let outsider: { user: User; token: string };
let inboxA: { id: number; inbox_identifier: string };
let inboxB: { id: number };
const clients: CableClient[] = [];
let call: ReturnType<typeof caller>;

async function profile(token: string): Promise<User> {
  const res = await call(token, "GET", "/api/v1/profile");
  expect(res.status).toBe(200);
  return res.body;
}

async function open(params: Record<string, unknown>): Promise<CableClient> {
  const c = await CableClient.open(url, params);
  expect(c.state).toBe("connected");
  clients.push(c);
  return c;
}
const asUser = (u: User) => open({ pubsub_token: u.pubsub_token, account_id: admin.account.id, user_id: u.id });

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

async function post(displayId: number, json: Record<string, unknown>, token = admin.token) {
  const res = await call(token, "POST", accountPath(admin.account.id, `/conversations/${displayId}/messages`), json);
  expect(res.status).toBe(200);
  return res.body as { id: number; echo_id?: string };
}

/** A contact.created reaches every user of the account: once a client sees it, everything sent before it has arrived. */
async function sentinel(...cs: CableClient[]) {
  const name = `Sentinel ${crypto.randomUUID().slice(0, 6)}`;
  const res = await call(admin.token, "POST", accountPath(admin.account.id, "/contacts"), { name });
  expect(res.status).toBe(200);
  for (const c of cs) await c.waitFor((e) => e.event === "contact.created" && e.data.name === name, "sentinel contact.created");
}

const quiet = (c: CableClient, from = 0) => c.events.slice(from).filter((e: Received) => e.event !== "presence.update" && !e.event.startsWith("contact."));

/** Chatwoot's User#push_event_data, as `performer` carries it. */
function userPerformer(u: User) {
  return {
    id: u.id,
    name: u.name,
    available_name: expect.any(String),
    avatar_url: expect.any(String),
    type: "user",
    availability_status: expect.any(String),
    thumbnail: expect.any(String),
  };
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
  inboxA = (await createApiInbox(server, admin, { name: "Members inbox" })) as unknown as typeof inboxA;
  inboxB = await createApiInbox(server, admin, { name: "Other inbox" });
  await addInboxMembers(server, admin, inboxA.id, [member.user.id]);
  await addInboxMembers(server, admin, inboxB.id, [outsider.user.id]);
});

afterAll(async () => {
  for (const c of clients) c.close();
  await server.close();
});

describe("first.reply.created", () => {
  test("the first public reply by an agent goes to the inbox users once, with the message payload; never to the contact or other agents", async () => {
    const agent = await asUser(member.user);
    const other = await asUser(outsider.user);
    const { contact, conversation } = await conversationFor(inboxA.id);
    const visitor = await open({ pubsub_token: contactToken(contact.id) });

    // A private note and an incoming message are not replies.
    await post(conversation.id, { content: "internal first", private: true });
    await post(conversation.id, { content: "customer asks", message_type: "incoming" });
    const first = await post(conversation.id, { content: "First answer", message_type: "outgoing" }, member.token);
    const second = await post(conversation.id, { content: "Second answer", message_type: "outgoing" });

    const got = (await agent.waitFor((e) => e.event === "first.reply.created", "first.reply.created")).data;
    expect(got).toMatchObject({
      id: first.id,
      content: "First answer",
      conversation_id: conversation.id,
      inbox_id: inboxA.id,
      account_id: admin.account.id,
      message_type: 1,
      sender: { id: member.user.id, type: "user" },
      performer: userPerformer(member.user),
    });
    await visitor.waitFor((e) => e.event === "message.created" && e.data.id === second.id, "contact gets the second reply");
    await sentinel(agent, other);
    expect(agent.of("first.reply.created").map((m) => m.id)).toEqual([first.id]);
    expect(visitor.of("first.reply.created")).toEqual([]);
    expect(quiet(other)).toEqual([]);

    // The conversation records it (Chatwoot sets first_reply_created_at with the event).
    const shown = await call(admin.token, "GET", accountPath(admin.account.id, `/conversations/${conversation.id}`));
    expect(shown.body.first_reply_created_at).toBeGreaterThan(0);
  });

  test("an agent bot's reply is not a first reply; the agent's reply after it is", async () => {
    const bot = await call(admin.token, "POST", accountPath(admin.account.id, "/agent_bots"), { name: "Greeter" });
    expect(bot.status).toBe(200);
    const { conversation } = await conversationFor(inboxA.id);
    const agent = await asUser(member.user);
    const botReply = await post(conversation.id, { content: "Hi, I am a bot" }, bot.body.access_token.token);
    const botEvent = (await agent.waitFor((e) => e.event === "message.created" && e.data.id === botReply.id, "bot message.created")).data;
    // The bot's request makes it the performer (Chatwoot's Current.user is the bot).
    expect(botEvent.performer).toEqual({ id: bot.body.id, name: "Greeter", avatar_url: expect.any(String), type: "agent_bot" });
    const human = await post(conversation.id, { content: "A human here", message_type: "outgoing" }, member.token);
    const got = (await agent.waitFor((e) => e.event === "first.reply.created", "first.reply.created after the bot")).data;
    expect(got.id).toBe(human.id);
    expect(agent.of("first.reply.created").map((m) => m.id)).toEqual([human.id]);
  });
});

describe("account.cache_invalidated", () => {
  test("label, team and inbox writes send the account's cache keys to every agent (any inbox), with the performer; never to contacts", async () => {
    const agent = await asUser(member.user);
    const other = await asUser(outsider.user);
    const { contact } = await conversationFor(inboxA.id);
    const visitor = await open({ pubsub_token: contactToken(contact.id) });
    const keysOf = (c: CableClient) => c.of("account.cache_invalidated").map((d) => d.cache_keys);
    const before = Math.floor(Date.now() / 1000);

    const label = await call(admin.token, "POST", accountPath(admin.account.id, "/labels"), { title: "vip" });
    expect(label.status).toBe(200);
    const got = (await agent.waitFor((e) => e.event === "account.cache_invalidated", "label cache_invalidated")).data;
    expect(got).toEqual({ cache_keys: { label: expect.stringMatching(/^\d{10}$/), inbox: expect.stringMatching(/^\d{10}$/), team: expect.stringMatching(/^\d{10}$/) }, account_id: admin.account.id, performer: userPerformer(admin.user) });
    expect(Number(got.cache_keys.label)).toBeGreaterThanOrEqual(before);
    await other.waitFor((e) => e.event === "account.cache_invalidated", "an agent of another inbox hears it too");

    const team = await call(admin.token, "POST", accountPath(admin.account.id, "/teams"), { name: "Billing" });
    expect(team.status).toBe(200);
    await agent.waitFor(() => agent.of("account.cache_invalidated").length === 2, "team cache_invalidated");
    expect((await call(admin.token, "DELETE", accountPath(admin.account.id, `/teams/${team.body.id}`))).status).toBe(200);
    expect((await call(admin.token, "PATCH", accountPath(admin.account.id, `/inboxes/${inboxB.id}`), { name: "Renamed inbox" })).status).toBe(200);
    expect((await call(admin.token, "DELETE", accountPath(admin.account.id, `/labels/${label.body.id}`))).status).toBe(200);
    await agent.waitFor(() => agent.of("account.cache_invalidated").length === 5, "five cache_invalidated");
    const keys = keysOf(agent);
    // Each write moves its own key and never moves one back.
    expect(Number(keys[1].team)).toBeGreaterThanOrEqual(before);
    expect(Number(keys[3].inbox)).toBeGreaterThanOrEqual(before);
    for (let i = 1; i < keys.length; i++) for (const k of ["label", "inbox", "team"]) expect(Number(keys[i][k])).toBeGreaterThanOrEqual(Number(keys[i - 1][k]));
    await sentinel(other);
    expect(keysOf(other)).toEqual(keys);
    expect(visitor.of("account.cache_invalidated")).toEqual([]);
  });
});

describe("performer", () => {
  test("a user's change carries their push data; a contact's change carries none", async () => {
    const agent = await asUser(member.user);
    const { conversation } = await conversationFor(inboxA.id);
    const assign = await call(admin.token, "POST", accountPath(admin.account.id, `/conversations/${conversation.id}/assignments`), { assignee_id: member.user.id });
    expect(assign.status).toBe(200);
    const assigned = (await agent.waitFor((e) => e.event === "assignee.changed" && e.data.id === conversation.id, "assignee.changed")).data;
    expect(assigned.performer).toEqual(userPerformer(admin.user));
    expect(assigned.performer.id).toBe(admin.user.id);

    const status = await call(member.token, "POST", accountPath(admin.account.id, `/conversations/${conversation.id}/toggle_status`), { status: "resolved" });
    expect(status.status).toBe(200);
    const changed = (await agent.waitFor((e) => e.event === "conversation.status_changed" && e.data.id === conversation.id, "status_changed")).data;
    expect(changed.performer).toEqual(userPerformer(member.user));

    // The contact writes through the public client API: no Current.user, no performer.
    const pub = `/public/api/v1/inboxes/${inboxA.inbox_identifier}`;
    const c = await server.api(`${pub}/contacts`, { method: "POST", json: { name: "Pat" } });
    const session = await c.json();
    const conv = await (await server.api(`${pub}/contacts/${session.source_id}/conversations`, { method: "POST", json: {} })).json();
    const msg = await (await server.api(`${pub}/contacts/${session.source_id}/conversations/${conv.id}/messages`, { method: "POST", json: { content: "from the contact" } })).json();
    const created = (await agent.waitFor((e) => e.event === "message.created" && e.data.id === msg.id, "contact's message")).data;
    expect(created.performer).toBeUndefined();
    expect(agent.of("conversation.created").find((d) => d.id === conv.id).performer).toBeUndefined();
    const selfMade = (await agent.waitFor((e) => e.event === "contact.created" && e.data.name === "Pat", "the contact's own contact.created")).data;
    expect(selfMade.performer).toBeUndefined();
    // An agent's contact write names them.
    const made = await call(member.token, "POST", accountPath(admin.account.id, "/contacts"), { name: "Made by an agent" });
    expect(made.status).toBe(200);
    const byAgent = (await agent.waitFor((e) => e.event === "contact.created" && e.data.name === "Made by an agent", "agent's contact.created")).data;
    expect(byAgent.performer).toEqual(userPerformer(member.user));
  });
});

describe("echo_id", () => {
  test("the Application API's echo_id comes back in message.created to the agents and the contact, and only there", async () => {
    const agent = await asUser(member.user);
    const { contact, conversation } = await conversationFor(inboxA.id);
    const visitor = await open({ pubsub_token: contactToken(contact.id) });
    const echo = crypto.randomUUID();
    const sent = await post(conversation.id, { content: "optimistic", message_type: "outgoing", echo_id: echo });
    expect(sent.echo_id).toBe(echo);
    const forAgent = (await agent.waitFor((e) => e.event === "message.created" && e.data.id === sent.id, "agent message.created")).data;
    const forContact = (await visitor.waitFor((e) => e.event === "message.created" && e.data.id === sent.id, "contact message.created")).data;
    expect(forAgent.echo_id).toBe(echo);
    expect(forContact.echo_id).toBe(echo);
    // Not stored: the message as listed later has no echo_id, nor has a message sent without one.
    const plain = await post(conversation.id, { content: "no echo", message_type: "outgoing" });
    expect((await agent.waitFor((e) => e.event === "message.created" && e.data.id === plain.id, "plain message.created")).data.echo_id).toBeUndefined();
    const listed = await call(admin.token, "GET", accountPath(admin.account.id, `/conversations/${conversation.id}/messages`));
    expect(JSON.stringify(listed.body)).not.toContain(echo);
  });

  test("the public client API's echo_id comes back to the contact's socket and the agents", async () => {
    const agent = await asUser(member.user);
    const other = await asUser(outsider.user);
    const pub = `/public/api/v1/inboxes/${inboxA.inbox_identifier}`;
    const session = await (await server.api(`${pub}/contacts`, { method: "POST", json: { name: "Echo" } })).json();
    const visitor = await open({ pubsub_token: session.pubsub_token });
    const conv = await (await server.api(`${pub}/contacts/${session.source_id}/conversations`, { method: "POST", json: {} })).json();
    const res = await server.api(`${pub}/contacts/${session.source_id}/conversations/${conv.id}/messages`, { method: "POST", json: { content: "typed fast", echo_id: "tmp-42" } });
    expect(res.status).toBe(200);
    const msg = await res.json();
    expect(msg.echo_id).toBe("tmp-42");
    expect((await visitor.waitFor((e) => e.event === "message.created" && e.data.id === msg.id, "contact's own message")).data.echo_id).toBe("tmp-42");
    expect((await agent.waitFor((e) => e.event === "message.created" && e.data.id === msg.id, "agent message")).data.echo_id).toBe("tmp-42");
    await sentinel(other);
    expect(other.of("message.created").some((m) => m.id === msg.id)).toBe(false);
  });
});

describe("echo_id from the widget", () => {
  test("the widget API's echo_id (new conversation and later messages) comes back to the visitor's socket and the agents", async () => {
    const res = await call(admin.token, "POST", accountPath(admin.account.id, "/inboxes"), { name: "Website", channel: { type: "web_widget", website_url: "https://shop.example" } });
    expect(res.status).toBe(200);
    const site = res.body as { id: number; website_token: string };
    const widget = async (path: string, json: unknown, auth?: string) => {
      const r = await server.api(`/api/v1/widget/${path}?website_token=${site.website_token}`, { method: "POST", json, headers: auth ? { "X-Auth-Token": auth } : {} });
      expect(r.status).toBe(200);
      return r.json();
    };
    const config = await widget("config", {});
    const auth = config.website_channel_config.auth_token as string;
    const boss = await asUser(admin.user);
    const visitor = await open({ pubsub_token: config.contact.pubsub_token });
    const started = await widget("conversations", { contact: { name: "Wes" }, message: { content: "Hello from the site", echo_id: "w-1" } }, auth);
    const firstId = started.messages[0].id as number;
    expect((await visitor.waitFor((e) => e.event === "message.created" && e.data.id === firstId, "visitor's first message")).data.echo_id).toBe("w-1");
    expect((await boss.waitFor((e) => e.event === "message.created" && e.data.id === firstId, "agent sees the first message")).data.echo_id).toBe("w-1");
    const more = await widget("messages", { message: { content: "Still there?", echo_id: "w-2" } }, auth);
    expect((await visitor.waitFor((e) => e.event === "message.created" && e.data.id === more.id, "visitor's second message")).data.echo_id).toBe("w-2");
    expect((await boss.waitFor((e) => e.event === "message.created" && e.data.id === more.id, "agent sees the second message")).data.echo_id).toBe("w-2");
  });
});

describe("conversation events", () => {
  test("conversation.mentioned reaches the mentioned agent only", async () => {
    const agent = await asUser(member.user);
    const boss = await asUser(admin.user);
    const { conversation } = await conversationFor(inboxA.id);
    await post(conversation.id, { content: `Have a look [@${member.user.name}](mention://user/${member.user.id}/${encodeURIComponent(member.user.name)})`, private: true });
    const got = (await agent.waitFor((e) => e.event === "conversation.mentioned", "conversation.mentioned")).data;
    expect(got).toMatchObject({ id: conversation.id, inbox_id: inboxA.id, account_id: admin.account.id, performer: userPerformer(admin.user) });
    await sentinel(boss);
    expect(boss.of("conversation.mentioned")).toEqual([]);
  });

  test("conversation.read goes to inbox users with the reading agent as performer; conversation.updated to inbox users and the contact", async () => {
    const boss = await asUser(admin.user);
    const other = await asUser(outsider.user);
    const { contact, conversation } = await conversationFor(inboxA.id);
    const visitor = await open({ pubsub_token: contactToken(contact.id) });
    expect((await call(member.token, "POST", accountPath(admin.account.id, `/conversations/${conversation.id}/update_last_seen`))).status).toBe(200);
    const read = (await boss.waitFor((e) => e.event === "conversation.read" && e.data.id === conversation.id, "conversation.read")).data;
    expect(read.performer).toEqual(userPerformer(member.user));

    const prio = await call(admin.token, "POST", accountPath(admin.account.id, `/conversations/${conversation.id}/toggle_priority`), { priority: "high" });
    expect(prio.status).toBe(200);
    const updated = (await boss.waitFor((e) => e.event === "conversation.updated" && e.data.id === conversation.id, "conversation.updated")).data;
    expect(updated).toMatchObject({ priority: "high", performer: userPerformer(admin.user) });
    await visitor.waitFor((e) => e.event === "conversation.updated" && e.data.id === conversation.id, "contact conversation.updated");
    await sentinel(other);
    expect(visitor.of("conversation.read")).toEqual([]);
    expect(quiet(other)).toEqual([]);
  });

  test("merging contacts: conversation.contact_changed to the inbox users, contact.merged to every agent and the merged contact's socket", async () => {
    const agent = await asUser(member.user);
    const other = await asUser(outsider.user);
    const base = await conversationFor(inboxA.id);
    const mergee = await conversationFor(inboxA.id);
    const mergeeSocket = await open({ pubsub_token: contactToken(mergee.contact.id) });
    const res = await call(admin.token, "POST", accountPath(admin.account.id, "/actions/contact_merge"), { base_contact_id: base.contact.id, mergee_contact_id: mergee.contact.id });
    expect(res.status).toBe(200);
    const changed = (await agent.waitFor((e) => e.event === "conversation.contact_changed", "conversation.contact_changed")).data;
    expect(changed).toMatchObject({ id: mergee.conversation.id, meta: { sender: { id: base.contact.id } }, account_id: admin.account.id });
    const merged = (await other.waitFor((e) => e.event === "contact.merged", "contact.merged for every agent")).data;
    expect(merged).toMatchObject({ id: base.contact.id, type: "contact", account_id: admin.account.id, performer: userPerformer(admin.user) });
    expect(changed.performer).toEqual(userPerformer(admin.user));
    expect((await mergeeSocket.waitFor((e) => e.event === "contact.merged", "merged contact's socket")).data.id).toBe(base.contact.id);
    // The merged-away session keeps listening: its conversation now belongs to the base contact.
    const reply = await post(mergee.conversation.id, { content: "Still here after the merge", message_type: "outgoing" });
    await mergeeSocket.waitFor((e) => e.event === "message.created" && e.data.id === reply.id, "a reply after the merge");
    await sentinel(other);
    expect(other.of("conversation.contact_changed")).toEqual([]);
  });
});

describe("team.changed and contact.deleted", () => {
  test("team.changed goes to the inbox users with the performer; contact.deleted to every agent, and the contact's socket stops", async () => {
    const agent = await asUser(member.user);
    const other = await asUser(outsider.user);
    const team = await call(admin.token, "POST", accountPath(admin.account.id, "/teams"), { name: `Escalations ${crypto.randomUUID().slice(0, 4)}` });
    expect(team.status).toBe(200);
    const { contact, conversation } = await conversationFor(inboxA.id);
    const visitor = await open({ pubsub_token: contactToken(contact.id) });
    const res = await call(admin.token, "POST", accountPath(admin.account.id, `/conversations/${conversation.id}/assignments`), { team_id: team.body.id });
    expect(res.status).toBe(200);
    const changed = (await agent.waitFor((e) => e.event === "team.changed" && e.data.id === conversation.id, "team.changed")).data;
    expect(changed).toMatchObject({ meta: { team: { id: team.body.id } }, performer: userPerformer(admin.user) });

    expect((await call(admin.token, "DELETE", accountPath(admin.account.id, `/contacts/${contact.id}`))).status).toBe(200);
    const gone = (await other.waitFor((e) => e.event === "contact.deleted" && e.data.id === contact.id, "contact.deleted")).data;
    expect(gone).toMatchObject({ id: contact.id, type: "contact", account_id: admin.account.id, performer: userPerformer(admin.user) });
    await sentinel(agent);
    expect(other.of("team.changed")).toEqual([]);
    expect(visitor.of("team.changed")).toEqual([]);
    expect(visitor.of("contact.deleted")).toEqual([]);
  });
});

describe("notifications", () => {
  test("reading a notification sends notification.updated to its user, with them as performer", async () => {
    const agent = await asUser(member.user);
    const { conversation } = await conversationFor(inboxA.id);
    expect((await call(admin.token, "POST", accountPath(admin.account.id, `/conversations/${conversation.id}/assignments`), { assignee_id: member.user.id })).status).toBe(200);
    const n = (await agent.waitFor((e) => e.event === "notification.created" && e.data.notification.primary_actor?.id === conversation.id, "notification.created")).data;
    // Created by the system (Chatwoot: a background job): no performer.
    expect(n.performer).toBeUndefined();
    expect((await call(member.token, "PATCH", accountPath(admin.account.id, `/notifications/${n.notification.id}`))).status).toBe(200);
    const read = (await agent.waitFor((e) => e.event === "notification.updated" && e.data.notification.id === n.notification.id, "notification.updated")).data;
    expect(read).toMatchObject({ unread_count: n.unread_count - 1, count: n.count, performer: userPerformer(member.user) });
    expect(read.notification.read_at).toBeTruthy();
  });

  test("deleting a notification tells its user with the new counts", async () => {
    const agent = await asUser(member.user);
    const { conversation } = await conversationFor(inboxA.id);
    expect((await call(admin.token, "POST", accountPath(admin.account.id, `/conversations/${conversation.id}/assignments`), { assignee_id: member.user.id })).status).toBe(200);
    const n = (await agent.waitFor((e) => e.event === "notification.created" && e.data.notification.primary_actor?.id === conversation.id, "notification.created")).data;
    const del = await call(member.token, "DELETE", accountPath(admin.account.id, `/notifications/${n.notification.id}`));
    expect(del.status).toBe(200);
    const gone = (await agent.waitFor((e) => e.event === "notification.deleted" && e.data.notification.id === n.notification.id, "notification.deleted")).data;
    expect(gone).toEqual({ notification: { id: n.notification.id }, unread_count: expect.any(Number), count: n.count - 1, account_id: admin.account.id, performer: userPerformer(member.user) });
  });
});
