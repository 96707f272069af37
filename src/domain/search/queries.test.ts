// search() against the real app's database: the FTS index follows message inserts, edits and deletions
// through the triggers, the migration backfills existing messages, activity messages stay out, and an
// agent's results follow the conversation list's rule (inbox membership or team).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { accountPath, addInboxMembers, caller, createApiInbox, createContact, type Admin } from "../../api/v1/accounts/conversation-test-kit.ts";
import { users } from "../../db/schema/accounts.ts";
import { messages } from "../../db/schema/conversations.ts";
import { createAdmin, createAgent, startTestServer, type TestServer } from "../../testing/server.ts";
import { resolveAccountScope } from "../accounts/access.ts";
import { messageMatch, search } from "./queries.ts";

let server: TestServer;
let admin: Admin & { account: { id: number } };
let agent: Awaited<ReturnType<typeof createAgent>>;
let call: ReturnType<typeof caller>;
let inboxA: { id: number };
let inboxB: { id: number };

const scopeOf = (userId: number) => {
  const db = server.deps.db;
  const user = db.select().from(users).where(eq(users.id, userId)).get()!;
  return resolveAccountScope(db, { type: "user", user, sessionId: null }, admin.account.id);
};
const messageTexts = (userId: number, q: string) => search(server.deps.db, scopeOf(userId), q, { type: "messages" }).messages!.rows.map((m) => m.content);

async function conversationIn(inboxId: number, texts: string[]) {
  const { contact } = await createContact(server, admin, inboxId, "Sol Search");
  const conv = await call(admin.token, "POST", accountPath(admin.account.id, "/conversations"), { inbox_id: inboxId, contact_id: contact.id });
  const ids: number[] = [];
  for (const content of texts) {
    const m = await call(admin.token, "POST", accountPath(admin.account.id, `/conversations/${conv.body.id}/messages`), { content, message_type: "outgoing" });
    ids.push(m.body.id);
  }
  return { displayId: conv.body.id as number, messageIds: ids };
}

beforeAll(async () => {
  server = startTestServer({}, { startJobs: false });
  call = caller(server);
  admin = await createAdmin(server);
  agent = await createAgent(server, admin, { name: "Ida Index" });
  inboxA = await createApiInbox(server, admin, { name: "A", enable_auto_assignment: false });
  inboxB = await createApiInbox(server, admin, { name: "B", enable_auto_assignment: false });
  await addInboxMembers(server, admin, inboxA.id, [agent.user.id]);
}, 30_000);
afterAll(() => server.close());

describe("search over the message index", () => {
  test("the index follows edits and deletions; activity messages are not indexed", async () => {
    const { displayId, messageIds } = await conversationIn(inboxA.id, ["walrus sighting reported", "another walrus"]);
    expect(messageTexts(admin.user.id, "walrus")).toEqual(["another walrus", "walrus sighting reported"]);

    server.deps.db.update(messages).set({ content: "narwhal sighting reported" }).where(eq(messages.id, messageIds[0])).run();
    expect(messageTexts(admin.user.id, "walrus")).toEqual(["another walrus"]);
    expect(messageTexts(admin.user.id, "narwhal")).toEqual(["narwhal sighting reported"]);

    expect((await call(admin.token, "DELETE", accountPath(admin.account.id, `/conversations/${displayId}/messages/${messageIds[1]}`))).status).toBe(200);
    expect(messageTexts(admin.user.id, "walrus")).toEqual([]);

    // Resolving writes Chatwoot's activity line "Conversation was marked resolved by …": not searchable.
    expect((await call(admin.token, "POST", accountPath(admin.account.id, `/conversations/${displayId}/toggle_status`), { status: "resolved" })).status).toBe(200);
    const activity = server.deps.db.select().from(messages).where(eq(messages.message_type, 2)).all();
    expect(activity.some((m) => m.content?.includes("resolved"))).toBe(true);
    expect(messageTexts(admin.user.id, "marked resolved")).toEqual([]);
  });

  test("messages are indexed after they are written, in batches; a search catches up first and misses nothing", async () => {
    const sqlite = server.deps.db.$client;
    const lastIndexed = () => (sqlite.query("SELECT last_id FROM search_index_state WHERE name = 'messages'").get() as { last_id: number }).last_id;
    const newest = () => (sqlite.query("SELECT max(id) AS id FROM messages").get() as { id: number }).id;
    const { messageIds: ids } = await conversationIn(inboxA.id, ["ocelot one", "ocelot two"]);
    // Writing a message does no index work: the index is behind until someone catches up.
    expect(lastIndexed()).toBeLessThan(newest());
    expect(messageTexts(admin.user.id, "ocelot").sort()).toEqual(["ocelot one", "ocelot two"]);
    expect(lastIndexed()).toBe(newest());
    // Edits of indexed messages go through the trigger; a message edited before it was indexed is indexed as it is now.
    sqlite.query("UPDATE messages SET content = 'ocelot renamed' WHERE id = ?").run(ids[0]!);
    await conversationIn(inboxA.id, ["lynx draft"]);
    sqlite.query("UPDATE messages SET content = 'lynx final' WHERE id = ?").run(newest());
    expect(messageTexts(admin.user.id, "ocelot").sort()).toEqual(["ocelot renamed", "ocelot two"]);
    expect(messageTexts(admin.user.id, "lynx")).toEqual(["lynx final"]);
    expect(messageTexts(admin.user.id, "draft")).toEqual([]);
    // Deleting an indexed message takes it out of the index.
    sqlite.query("DELETE FROM messages WHERE id = ?").run(ids[1]!);
    expect(messageTexts(admin.user.id, "ocelot")).toEqual(["ocelot renamed"]);
    expect(sqlite.query("INSERT INTO message_search(message_search) VALUES ('integrity-check')").run()).toBeDefined();
  });

  test("an agent sees messages of their inboxes and of their teams' conversations, as in the conversation list", async () => {
    const inA = await conversationIn(inboxA.id, ["heron in inbox A"]);
    const inB = await conversationIn(inboxB.id, ["heron in inbox B"]);
    const teamConv = await conversationIn(inboxB.id, ["heron for the team"]);
    expect(messageTexts(agent.user.id, "heron")).toEqual(["heron in inbox A"]);
    expect(messageTexts(admin.user.id, "heron")).toHaveLength(3);

    const team = await call(admin.token, "POST", accountPath(admin.account.id, "/teams"), { name: "Birders" });
    await call(admin.token, "POST", accountPath(admin.account.id, `/teams/${team.body.id}/team_members`), { user_ids: [agent.user.id] });
    await call(admin.token, "POST", accountPath(admin.account.id, `/conversations/${teamConv.displayId}/assignments`), { team_id: team.body.id });
    expect(messageTexts(agent.user.id, "heron").sort()).toEqual(["heron for the team", "heron in inbox A"]);
    const convs = search(server.deps.db, scopeOf(agent.user.id), "heron", { type: "conversations" }).conversations!.rows.map((c) => c.display_id);
    expect(convs.sort()).toEqual([inA.displayId, teamConv.displayId].sort());
    expect(convs).not.toContain(inB.displayId);
  });

  test("the FTS query quotes every word, so user text is never FTS syntax", () => {
    expect(messageMatch(["a", 'b"c', "near"])).toBe('"a" "b""c" "near"');
    expect(messageMatch([])).toBeNull();
    for (const q of ['"', "*", "a OR b", "NEAR(a b)", "col:x", "^start", "x AND", "(", ")"]) {
      expect(() => search(server.deps.db, scopeOf(admin.user.id), q)).not.toThrow();
    }
  });
});
