// Who may see and work which conversation: administrators everything in their account, agents the
// conversations of their inboxes and teams, custom roles narrowed further, other accounts nothing (404),
// agent bots only Chatwoot's bot endpoints.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createAdmin, createAgent, startTestServer, TEST_PLATFORM_TOKEN, type TestServer } from "../../../testing/server.ts";
import { accountPath, addInboxMembers, caller, createApiInbox, createContact, startConversation, type Admin } from "./conversation-test-kit.ts";

let server: TestServer;
let call: ReturnType<typeof caller>;
let admin: Admin;
let other: Admin;
let member: { token: string; user: { id: number } };
let nonMember: { token: string; user: { id: number } };
let teamMember: { token: string; user: { id: number } };
let limited: { token: string; user: { id: number } };
let noConversations: { token: string; user: { id: number } };
let botToken: string;
let otherBotToken: string;
let conversation: { id: number };
let teamConversation: { id: number };
let assignedToMember: { id: number };
let assignedToLimited: { id: number };

async function botFor(accountId: number) {
  const res = await server.api("/platform/api/v1/agent_bots", { token: TEST_PLATFORM_TOKEN, method: "POST", json: { name: "Bot", account_id: accountId } });
  return (await res.json()).access_token.token as string;
}

beforeAll(async () => {
  server = startTestServer();
  call = caller(server);
  admin = await createAdmin(server, { accountName: "Acme" });
  other = await createAdmin(server, { accountName: "Globex" });
  const inbox = await createApiInbox(server, admin, { enable_auto_assignment: false });
  const hidden = await createApiInbox(server, admin, { name: "Hidden", enable_auto_assignment: false });
  const unassignedRole = await call(admin.token, "POST", accountPath(admin.account.id, "/custom_roles"), { name: "Triage", permissions: ["conversation_unassigned_manage"] });
  const contactsRole = await call(admin.token, "POST", accountPath(admin.account.id, "/custom_roles"), { name: "Contacts only", permissions: ["contact_manage"] });
  expect(unassignedRole.status).toBe(200);
  member = await createAgent(server, admin, { name: "Mia Member" });
  nonMember = await createAgent(server, admin, { name: "Nina Nonmember" });
  teamMember = await createAgent(server, admin, { name: "Tom Team" });
  limited = await createAgent(server, admin, { name: "Lia Limited", customRoleId: unassignedRole.body.id });
  noConversations = await createAgent(server, admin, { name: "Cody Contacts", customRoleId: contactsRole.body.id });
  await addInboxMembers(server, admin, inbox.id, [member.user.id, limited.user.id, noConversations.user.id]);
  const team = await call(admin.token, "POST", accountPath(admin.account.id, "/teams"), { name: "Team", allow_auto_assign: false });
  await call(admin.token, "POST", accountPath(admin.account.id, `/teams/${team.body.id}/team_members`), { user_ids: [teamMember.user.id] });
  conversation = await startConversation(server, admin, inbox.id, { message: { content: "hi" } });
  teamConversation = await startConversation(server, admin, hidden.id, { team_id: team.body.id });
  assignedToMember = await startConversation(server, admin, inbox.id, { assignee_id: member.user.id });
  assignedToLimited = await startConversation(server, admin, inbox.id, { assignee_id: limited.user.id });
  botToken = await botFor(admin.account.id);
  otherBotToken = await botFor(other.account.id);
});
afterAll(() => server.close());

const conv = (rest = "", accountId = admin.account.id) => accountPath(accountId, `/conversations${rest}`);
const visibleIds = async (token: string) => (await call(token, "GET", conv("?status=all"))).body.data.payload.map((c: { id: number }) => c.id).sort();

describe("reading", () => {
  test("the list shows each actor exactly the conversations they may see", async () => {
    const all = [conversation.id, teamConversation.id, assignedToMember.id, assignedToLimited.id].sort();
    expect(await visibleIds(admin.token)).toEqual(all);
    expect(await visibleIds(member.token)).toEqual([conversation.id, assignedToMember.id, assignedToLimited.id].sort());
    expect(await visibleIds(nonMember.token)).toEqual([]);
    expect(await visibleIds(teamMember.token)).toEqual([teamConversation.id]);
    expect(await visibleIds(limited.token)).toEqual([conversation.id, assignedToLimited.id].sort());
    expect(await visibleIds(noConversations.token)).toEqual([]);
    expect((await call(other.token, "GET", conv("?status=all", other.account.id))).body.data.payload).toEqual([]);
  });

  test("show, messages, labels and participants: 200 where visible, 404 elsewhere", async () => {
    const cases: [string, { token: string }, { id: number }, number][] = [
      ["admin", admin, teamConversation, 200],
      ["member", member, conversation, 200],
      ["member, other inbox", member, teamConversation, 404],
      ["non-member", nonMember, conversation, 404],
      ["team member", teamMember, teamConversation, 200],
      ["team member, not in inbox", teamMember, conversation, 404],
      ["custom role: unassigned", limited, conversation, 200],
      ["custom role: own", limited, assignedToLimited, 200],
      ["custom role: someone else's", limited, assignedToMember, 404],
      ["custom role without conversation permissions", noConversations, conversation, 404],
    ];
    for (const [who, actor, c, status] of cases) {
      for (const rest of ["", "/messages", "/labels", "/participants"]) {
        const res = await call(actor.token, "GET", conv(`/${c.id}${rest}`));
        expect([who, rest, res.status]).toEqual([who, rest, status]);
      }
    }
  });

  test("another account's admin gets 404 through either account id; no token is 401", async () => {
    for (const rest of ["", "/messages", "/labels"]) {
      expect((await call(other.token, "GET", conv(`/${conversation.id}${rest}`))).status).toBe(404);
      expect((await call(other.token, "GET", conv(`/${conversation.id}${rest}`, other.account.id))).status).toBe(404);
    }
    expect((await server.api(conv())).status).toBe(401);
    expect((await call(other.token, "POST", conv(`/${conversation.id}/messages`), { content: "x" })).status).toBe(404);
    expect((await call(other.token, "POST", conv(`/${conversation.id}/toggle_status`, other.account.id), { status: "resolved" })).status).toBe(404);
  });
});

describe("writing", () => {
  test("non-members cannot reply, resolve, label or assign (404); members can; only admins delete", async () => {
    const writes: [string, string, unknown][] = [
      ["POST", "/messages", { content: "hello" }],
      ["POST", "/toggle_status", { status: "open" }],
      ["POST", "/toggle_priority", { priority: "low" }],
      ["POST", "/labels", { labels: ["x"] }],
      ["POST", "/custom_attributes", { custom_attributes: { a: 1 } }],
      ["POST", "/update_last_seen", undefined],
      ["POST", "/assignments", { assignee_id: null }],
    ];
    for (const [method, rest, body] of writes) {
      expect([rest, (await call(nonMember.token, method, conv(`/${conversation.id}${rest}`), body)).status]).toEqual([rest, 404]);
      expect([rest, (await call(member.token, method, conv(`/${conversation.id}${rest}`), body)).status]).toEqual([rest, 200]);
    }
    expect((await call(member.token, "DELETE", conv(`/${conversation.id}`))).status).toBe(403);
    expect((await call(nonMember.token, "DELETE", conv(`/${conversation.id}`))).status).toBe(404);
  });

  test("agents start conversations only in their own inboxes", async () => {
    const inboxes = (await call(admin.token, "GET", accountPath(admin.account.id, "/inboxes"))).body.payload as { id: number; name: string }[];
    const hidden = inboxes.find((i) => i.name === "Hidden")!;
    const visible = inboxes.find((i) => i.name !== "Hidden")!;
    const contact = await call(admin.token, "POST", accountPath(admin.account.id, "/contacts"), { name: "Who" });
    expect((await call(member.token, "POST", conv(), { inbox_id: hidden.id, contact_id: contact.body.payload.contact.id })).status).toBe(404);
    expect((await call(member.token, "POST", conv(), { inbox_id: visible.id, contact_id: contact.body.payload.contact.id })).status).toBe(200);
  });
});

describe("agent bots", () => {
  test("a bot may create conversations, reply, toggle status and priority, set attributes and assign, nothing else", async () => {
    const inboxId = (await call(admin.token, "GET", conv(`/${conversation.id}`))).body.inbox_id;
    const { sourceId } = await createContact(server, admin, inboxId);
    const created = await call(botToken, "POST", conv(), { source_id: sourceId, inbox_id: inboxId });
    expect(created.status).toBe(200);
    // Another account's session id is not found (Chatwoot's cross-account source_id advisory).
    const foreignInbox = await createApiInbox(server, other);
    const foreign = await createContact(server, other, foreignInbox.id);
    expect((await call(botToken, "POST", conv(), { source_id: foreign.sourceId })).status).toBe(404);
    expect((await call(botToken, "POST", conv(), { source_id: foreign.sourceId, inbox_id: foreignInbox.id })).status).toBe(404);
    const reply = await call(botToken, "POST", conv(`/${conversation.id}/messages`), { content: "I am a bot" });
    expect(reply.status).toBe(200);
    expect(reply.body.sender).toMatchObject({ type: "agent_bot", name: "Bot" });
    expect((await call(botToken, "POST", conv(`/${conversation.id}/toggle_status`), { status: "open" })).status).toBe(200);
    expect((await call(botToken, "POST", conv(`/${conversation.id}/toggle_priority`), { priority: "high" })).status).toBe(200);
    expect((await call(botToken, "POST", conv(`/${conversation.id}/custom_attributes`), { custom_attributes: { bot: true } })).status).toBe(200);
    expect((await call(botToken, "POST", conv(`/${conversation.id}/assignments`), { assignee_id: member.user.id })).status).toBe(200);
    expect((await call(botToken, "PATCH", conv(`/${conversation.id}`), { priority: "low" })).status).toBe(200);
    for (const [method, rest] of [
      ["GET", ""],
      ["GET", `/${conversation.id}`],
      ["GET", `/${conversation.id}/messages`],
      ["POST", `/${conversation.id}/labels`],
      ["DELETE", `/${conversation.id}`],
    ]) {
      expect([rest, (await call(botToken, method, conv(rest), {})).status]).toEqual([rest, 403]);
    }
    expect((await call(botToken, "GET", accountPath(admin.account.id, "/notifications"))).status).toBe(403);
    expect((await call(otherBotToken, "POST", conv(`/${conversation.id}/messages`), { content: "intruder" })).status).toBe(404);
  });
});
