import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createAdmin, createAgent, startTestServer, type TestServer } from "../../../testing/server.ts";
import { accountPath, addInboxMembers, caller, createApiInbox, setAvailability, startConversation, type Admin } from "./conversation-test-kit.ts";

let server: TestServer;
let admin: Admin;
let call: ReturnType<typeof caller>;

beforeAll(async () => {
  server = startTestServer();
  call = caller(server);
  admin = await createAdmin(server);
});
afterAll(() => server.close());

const conv = (rest = "") => accountPath(admin.account.id, `/conversations${rest}`);
const activities = async (id: number) =>
  (await call(admin.token, "GET", conv(`/${id}/messages`))).body.payload.filter((m: { message_type: number }) => m.message_type === 2).map((m: { content: string }) => m.content);
const notificationsOf = async (token: string) => (await call(token, "GET", accountPath(admin.account.id, "/notifications"))).body.data;

describe("POST …/assignments", () => {
  let inbox: { id: number };
  let member: Awaited<ReturnType<typeof createAgent>>;
  let outsider: Awaited<ReturnType<typeof createAgent>>;

  beforeAll(async () => {
    inbox = await createApiInbox(server, admin, { name: "Manual", enable_auto_assignment: false });
    member = await createAgent(server, admin, { name: "Mia Member" });
    outsider = await createAgent(server, admin, { name: "Otto Outsider" });
    await addInboxMembers(server, admin, inbox.id, [member.user.id]);
  });

  test("an inbox member: agent JSON back, activity message, participant, notification for them", async () => {
    const c = await startConversation(server, admin, inbox.id);
    const res = await call(admin.token, "POST", conv(`/${c.id}/assignments`), { assignee_id: member.user.id });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: member.user.id, name: "Mia Member", role: "agent", account_id: admin.account.id, confirmed: true });
    expect((await call(admin.token, "GET", conv(`/${c.id}`))).body.meta.assignee).toMatchObject({ id: member.user.id });
    expect(await activities(c.id)).toEqual(["Assigned to Mia Member by Ada Admin"]);
    const participants = await call(admin.token, "GET", conv(`/${c.id}/participants`));
    expect(participants.body.map((p: { id: number }) => p.id)).toEqual([member.user.id]);
    const notes = await notificationsOf(member.token);
    expect(notes.payload.find((n: { primary_actor_id: number; notification_type: string }) => n.notification_type === "conversation_assignment")).toMatchObject({
      push_message_title: `A conversation (#${c.id}) has been assigned to you`,
      secondary_actor: { id: admin.user.id, type: "user" },
      primary_actor: { id: c.id },
    });
  });

  test("self-assignment and unassignment write Chatwoot's activity texts; nobody is notified of their own pick", async () => {
    const c = await startConversation(server, admin, inbox.id);
    const before = (await notificationsOf(admin.token)).count;
    const self = await call(admin.token, "POST", conv(`/${c.id}/assignments`), { assignee_id: admin.user.id });
    expect(self.body.id).toBe(admin.user.id);
    expect((await notificationsOf(admin.token)).count).toBe(before);
    const none = await call(admin.token, "POST", conv(`/${c.id}/assignments`), { assignee_id: null });
    expect(none.status).toBe(200);
    expect(none.body).toBeNull();
    expect(await activities(c.id)).toEqual(["Ada Admin self-assigned this conversation", "Conversation unassigned by Ada Admin"]);
  });

  test("non-members are 422; unknown users and other accounts' users are 404; bad ids 422", async () => {
    const c = await startConversation(server, admin, inbox.id);
    const res = await call(admin.token, "POST", conv(`/${c.id}/assignments`), { assignee_id: outsider.user.id });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].field).toBe("assignee_id");
    expect((await call(admin.token, "POST", conv(`/${c.id}/assignments`), { assignee_id: 999999 })).status).toBe(404);
    const stranger = await createAdmin(server, { accountName: "Strangers" });
    expect((await call(admin.token, "POST", conv(`/${c.id}/assignments`), { assignee_id: stranger.user.id })).status).toBe(404);
    expect((await call(admin.token, "POST", conv(`/${c.id}/assignments`), { assignee_id: "me" })).status).toBe(422);
    expect((await call(admin.token, "POST", conv(`/${c.id}/assignments`), { team_id: 999999 })).status).toBe(404);
    expect((await call(admin.token, "GET", conv(`/${c.id}`))).body.meta.assignee).toBeUndefined();
  });

  test("teams: assign and remove; a team with auto-assign picks an online member of the team and the inbox", async () => {
    const plain = await call(admin.token, "POST", accountPath(admin.account.id, "/teams"), { name: "Billing", allow_auto_assign: false });
    const auto = await call(admin.token, "POST", accountPath(admin.account.id, "/teams"), { name: "Escalations", allow_auto_assign: true });
    expect(auto.status).toBe(200);
    await call(admin.token, "POST", accountPath(admin.account.id, `/teams/${auto.body.id}/team_members`), { user_ids: [member.user.id, outsider.user.id] });
    await setAvailability(server, admin, member.user.id, "online");
    await setAvailability(server, admin, outsider.user.id, "online");

    const c = await startConversation(server, admin, inbox.id);
    const team = await call(admin.token, "POST", conv(`/${c.id}/assignments`), { team_id: plain.body.id });
    expect(team.status).toBe(200);
    expect(team.body).toMatchObject({ id: plain.body.id, name: plain.body.name, allow_auto_assign: false });
    expect((await call(admin.token, "GET", conv(`/${c.id}`))).body.meta.team).toMatchObject({ id: plain.body.id });

    const routed = await call(admin.token, "POST", conv(`/${c.id}/assignments`), { team_id: auto.body.id });
    expect(routed.status).toBe(200);
    const shown = (await call(admin.token, "GET", conv(`/${c.id}`))).body;
    // The outsider is in the team but not in the inbox: only the member qualifies.
    expect(shown.meta.assignee.id).toBe(member.user.id);
    const removed = await call(admin.token, "POST", conv(`/${c.id}/assignments`), { team_id: null });
    expect(removed.body).toBeNull();
    expect(await activities(c.id)).toEqual([
      `Assigned to ${plain.body.name} by Ada Admin`,
      `Assigned to Mia Member via ${auto.body.name} by Ada Admin`,
      `Unassigned from ${auto.body.name} by Ada Admin`,
    ]);
  });

  test("a new team drops an assignee who is not in it", async () => {
    const team = await call(admin.token, "POST", accountPath(admin.account.id, "/teams"), { name: "Empty", allow_auto_assign: false });
    const c = await startConversation(server, admin, inbox.id, { assignee_id: member.user.id });
    await call(admin.token, "POST", conv(`/${c.id}/assignments`), { team_id: team.body.id });
    const shown = (await call(admin.token, "GET", conv(`/${c.id}`))).body;
    expect(shown.meta.team.id).toBe(team.body.id);
    expect(shown.meta.assignee).toBeUndefined();
  });
});

describe("auto-assignment (round robin over online inbox members)", () => {
  test("online agents take turns; busy and offline agents are skipped; nobody online leaves it unassigned", async () => {
    const inbox = await createApiInbox(server, admin, { name: "Round robin", enable_auto_assignment: true });
    const online1 = await createAgent(server, admin, { name: "Olive Online" });
    const online2 = await createAgent(server, admin, { name: "Oscar Online" });
    const busy = await createAgent(server, admin, { name: "Bea Busy" });
    const offline = await createAgent(server, admin, { name: "Otis Offline" });
    await addInboxMembers(server, admin, inbox.id, [online1.user.id, online2.user.id, busy.user.id, offline.user.id]);
    await setAvailability(server, admin, online1.user.id, "online");
    await setAvailability(server, admin, online2.user.id, "online");
    await setAvailability(server, admin, busy.user.id, "busy");
    await setAvailability(server, admin, offline.user.id, "offline");

    const assignees: number[] = [];
    const configVersion = () => (server.deps.db.$client.query("SELECT version FROM config_version WHERE id = 1").get() as { version: number }).version;
    const versionBefore = configVersion();
    for (let i = 0; i < 6; i++) assignees.push((await startConversation(server, admin, inbox.id)).meta.assignee.id);
    // The moving cursor is not configuration: picks leave every request's read cache warm.
    expect(configVersion()).toBe(versionBefore);
    expect(new Set(assignees)).toEqual(new Set([online1.user.id, online2.user.id]));
    expect(assignees.filter((id) => id === online1.user.id)).toHaveLength(3);
    for (let i = 1; i < assignees.length; i++) expect(assignees[i]).not.toBe(assignees[i - 1]);

    // The assigned agent is told; the activity names who started the conversation.
    const notes = await call(online1.token, "GET", accountPath(admin.account.id, "/notifications"));
    expect(notes.body.data.payload.some((n: { notification_type: string }) => n.notification_type === "conversation_assignment")).toBe(true);

    // An agent going busy leaves the pool at once.
    await setAvailability(server, admin, online1.user.id, "busy");
    for (let i = 0; i < 2; i++) expect((await startConversation(server, admin, inbox.id)).meta.assignee.id).toBe(online2.user.id);

    await setAvailability(server, admin, online2.user.id, "offline");
    const nobody = await startConversation(server, admin, inbox.id);
    expect(nobody.meta.assignee).toBeUndefined();

    // Reopening an unassigned conversation runs the round robin again.
    await setAvailability(server, admin, busy.user.id, "online");
    await call(admin.token, "POST", conv(`/${nobody.id}/toggle_status`), { status: "resolved" });
    await call(admin.token, "POST", conv(`/${nobody.id}/toggle_status`), { status: "open" });
    expect((await call(admin.token, "GET", conv(`/${nobody.id}`))).body.meta.assignee.id).toBe(busy.user.id);

    // With auto-assignment off, nothing is assigned.
    const manual = await createApiInbox(server, admin, { name: "No robin", enable_auto_assignment: false });
    await addInboxMembers(server, admin, manual.id, [busy.user.id]);
    expect((await startConversation(server, admin, manual.id)).meta.assignee).toBeUndefined();
  });
});

describe("participants", () => {
  test("list, add, replace and remove; only agents who can work the inbox", async () => {
    const inbox = await createApiInbox(server, admin, { name: "Participants", enable_auto_assignment: false });
    const a = await createAgent(server, admin, { name: "Pat One" });
    const b = await createAgent(server, admin, { name: "Pat Two" });
    const outsider = await createAgent(server, admin, { name: "Pat Outside" });
    await addInboxMembers(server, admin, inbox.id, [a.user.id, b.user.id]);
    const c = await startConversation(server, admin, inbox.id);
    const path = conv(`/${c.id}/participants`);
    expect((await call(admin.token, "GET", path)).body).toEqual([]);
    const added = await call(admin.token, "POST", path, { user_ids: [a.user.id, admin.user.id] });
    expect(added.status).toBe(200);
    expect(added.body.map((p: { id: number }) => p.id).sort()).toEqual([a.user.id, admin.user.id].sort());
    const again = await call(admin.token, "POST", path, { user_ids: [a.user.id, b.user.id] });
    expect(again.body.map((p: { id: number }) => p.id)).toEqual([b.user.id]);
    const replaced = await call(admin.token, "PATCH", path, { user_ids: [b.user.id] });
    expect(replaced.body.map((p: { id: number }) => p.id)).toEqual([b.user.id]);
    expect((await call(admin.token, "DELETE", path, { user_ids: [b.user.id] })).status).toBe(200);
    expect((await call(admin.token, "GET", path)).body).toEqual([]);
    const refused = await call(admin.token, "POST", path, { user_ids: [outsider.user.id] });
    expect(refused.status).toBe(422);
    expect(refused.body.errors[0].field).toBe("user_ids");
    expect((await call(admin.token, "POST", path, { user_ids: [999999] })).status).toBe(404);
    expect((await call(admin.token, "POST", path, { user_ids: "1" })).status).toBe(422);
  });
});
