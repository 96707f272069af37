// POST /bulk_actions (type Conversation): status, assignee, team and labels on many conversations at once, through
// the same rules as the single endpoints; what cannot be done to one conversation skips it whole.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createAdmin, createAgent, startTestServer, type TestServer } from "../../../testing/server.ts";
import { accountPath, addInboxMembers, caller, createApiInbox, startConversation, type Admin } from "./conversation-test-kit.ts";

let server: TestServer;
let admin: Admin & { token: string };
let call: ReturnType<typeof caller>;
let inboxA: { id: number };
let inboxB: { id: number };
let agent: Awaited<ReturnType<typeof createAgent>>;

beforeAll(async () => {
  server = startTestServer();
  const a = await createAdmin(server);
  admin = { ...a, user: { id: a.user.id } };
  call = caller(server);
  inboxA = await createApiInbox(server, admin, { enable_auto_assignment: false });
  inboxB = await createApiInbox(server, admin, { enable_auto_assignment: false });
  agent = await createAgent(server, admin, { name: "Alex Agent" });
  await addInboxMembers(server, admin, inboxA.id, [agent.user.id]);
  for (const name of ["vip", "billing", "stale"]) await call(admin.token, "POST", accountPath(admin.account.id, "/labels"), { title: name });
});
afterAll(() => server.close());

const bulk = (token: string, json: unknown) => call(token, "POST", accountPath(admin.account.id, "/bulk_actions"), json);
const show = async (id: number) => (await call(admin.token, "GET", accountPath(admin.account.id, `/conversations/${id}`))).body;

describe("bulk actions on conversations", () => {
  test("status, team and labels on several conversations; activity messages as for one", async () => {
    const ids = [(await startConversation(server, admin, inboxA.id)).id, (await startConversation(server, admin, inboxB.id)).id];
    await call(admin.token, "POST", accountPath(admin.account.id, `/conversations/${ids[0]}/labels`), { labels: ["stale"] });
    const team = (await call(admin.token, "POST", accountPath(admin.account.id, "/teams"), { name: "Billing" })).body;
    const res = await bulk(admin.token, { type: "Conversation", ids, fields: { status: "resolved", team_id: team.id }, labels: { add: ["vip", "billing"], remove: ["stale"] } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ updated: ids, skipped: [] });
    for (const id of ids) {
      const c = await show(id);
      expect(c.status).toBe("resolved");
      expect(c.meta.team?.id ?? c.team_id).toBe(team.id);
      expect([...c.labels].sort()).toEqual(["billing", "vip"]);
    }
    const messages = (await call(admin.token, "GET", accountPath(admin.account.id, `/conversations/${ids[0]}/messages`))).body.payload;
    expect(messages.some((m: { content: string }) => /resolved/.test(m.content))).toBe(true);
  });

  test("an assignee who cannot work a conversation's inbox skips that conversation whole; the others are assigned", async () => {
    const inA = (await startConversation(server, admin, inboxA.id)).id;
    const inB = (await startConversation(server, admin, inboxB.id)).id;
    const res = await bulk(admin.token, { type: "Conversation", ids: [inA, inB], fields: { assignee_id: agent.user.id, status: "pending" }, labels: { add: ["vip"] } });
    expect(res.body).toEqual({ updated: [inA], skipped: [{ id: inB, reason: "the assignee is not a member of its inbox" }] });
    expect((await show(inA)).meta.assignee.id).toBe(agent.user.id);
    expect((await show(inA)).status).toBe("pending");
    const untouched = await show(inB);
    expect(untouched.meta.assignee ?? null).toBeNull();
    expect(untouched.status).toBe("open");
    expect(untouched.labels).toEqual([]);
  });

  test("agents only reach conversations they may see; others are reported as not found", async () => {
    const mine = (await startConversation(server, admin, inboxA.id)).id;
    const foreign = (await startConversation(server, admin, inboxB.id)).id;
    const res = await bulk(agent.token, { type: "Conversation", ids: [mine, foreign], fields: { status: "resolved" } });
    expect(res.body).toEqual({ updated: [mine], skipped: [{ id: foreign, reason: "not found" }] });
    expect((await show(foreign)).status).toBe("open");
  });

  test("bad input is 422 naming the field and changes nothing; unknown assignee or team 404", async () => {
    const id = (await startConversation(server, admin, inboxA.id)).id;
    expect((await bulk(admin.token, { type: "Contact", ids: [id] })).status).toBe(422);
    const empty = await bulk(admin.token, { type: "Conversation", ids: [] });
    expect(empty.status).toBe(422);
    expect(JSON.stringify(empty.body)).toContain("ids");
    expect((await bulk(admin.token, { type: "Conversation", ids: Array.from({ length: 101 }, (_, i) => i + 1) })).status).toBe(422);
    expect((await bulk(admin.token, { type: "Conversation", ids: [id], fields: { status: "closed" } })).status).toBe(422);
    expect((await bulk(admin.token, { type: "Conversation", ids: [id], fields: { status: "snoozed" }, snoozed_until: 1 })).status).toBe(422);
    expect((await bulk(admin.token, { type: "Conversation", ids: [id], fields: { assignee_id: 999999 } })).status).toBe(404);
    expect((await bulk(admin.token, { type: "Conversation", ids: [id], fields: { team_id: 999999 } })).status).toBe(404);
    expect((await show(id)).status).toBe("open");
  });
});
