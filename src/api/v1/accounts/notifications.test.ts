import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createAdmin, createAgent, startTestServer, type TestServer } from "../../../testing/server.ts";
import { accountPath, addInboxMembers, caller, createApiInbox, startConversation, type Admin } from "./conversation-test-kit.ts";

let server: TestServer;
let admin: Admin;
let call: ReturnType<typeof caller>;
let inbox: { id: number };
let mia: Awaited<ReturnType<typeof createAgent>>;
let noah: Awaited<ReturnType<typeof createAgent>>;
let outsider: Awaited<ReturnType<typeof createAgent>>;

beforeAll(async () => {
  server = startTestServer();
  call = caller(server);
  admin = await createAdmin(server);
  inbox = await createApiInbox(server, admin, { enable_auto_assignment: false });
  mia = await createAgent(server, admin, { name: "Mia Member" });
  noah = await createAgent(server, admin, { name: "Noah Member" });
  outsider = await createAgent(server, admin, { name: "Otto Outsider" });
  await addInboxMembers(server, admin, inbox.id, [mia.user.id, noah.user.id]);
});
afterAll(() => server.close());

const conv = (rest = "") => accountPath(admin.account.id, `/conversations${rest}`);
const notes = (rest = "") => accountPath(admin.account.id, `/notifications${rest}`);
const mention = (u: { id: number; name: string }) => `[@${u.name}](mention://user/${u.id}/${encodeURIComponent(u.name)})`;

describe("@-mentions in private notes", () => {
  test("mentioned agents who can see the inbox are notified and find the conversation under Mentions", async () => {
    const c = await startConversation(server, admin, inbox.id);
    const content = `Hey ${mention({ id: mia.user.id, name: "Mia Member" })} and ${mention({ id: outsider.user.id, name: "Otto Outsider" })}, look at this`;
    const note = await call(admin.token, "POST", conv(`/${c.id}/messages`), { content, private: true });
    expect(note.status).toBe(200);
    expect(note.body.content).toBe(content);

    const miaNotes = await call(mia.token, "GET", notes());
    expect(miaNotes.status).toBe(200);
    expect(miaNotes.body.data.meta).toMatchObject({ unread_count: 1, count: 1 });
    expect(miaNotes.body.data.payload[0]).toMatchObject({
      notification_type: "conversation_mention",
      push_message_title: `You have been mentioned in conversation (#${c.id})`,
      push_message_body: "Hey @Mia Member and @Otto Outsider, look at this",
      primary_actor_type: "Conversation",
      primary_actor: { id: c.id, inbox_id: inbox.id },
      read_at: null,
      user: { id: mia.user.id, type: "user" },
      account_id: admin.account.id,
    });
    // The outsider is not an inbox member: no mention, no notification.
    expect((await call(outsider.token, "GET", notes())).body.data.meta.count).toBe(0);

    const mentions = await call(mia.token, "GET", conv("?conversation_type=mention"));
    expect(mentions.body.data.payload.map((x: { id: number }) => x.id)).toEqual([c.id]);
    expect((await call(noah.token, "GET", conv("?conversation_type=mention"))).body.data.payload).toEqual([]);
    // Mentioned agents become participants.
    expect((await call(admin.token, "GET", conv(`/${c.id}/participants`))).body.map((p: { id: number }) => p.id)).toEqual([mia.user.id]);

    // A public reply with the same markup mentions nobody.
    await call(admin.token, "POST", conv(`/${c.id}/messages`), { content: mention({ id: noah.user.id, name: "Noah Member" }) });
    expect((await call(noah.token, "GET", conv("?conversation_type=mention"))).body.data.payload).toEqual([]);
  });

  test("a team mention reaches the team's members who can see the inbox", async () => {
    const team = await call(admin.token, "POST", accountPath(admin.account.id, "/teams"), { name: "Tier2", allow_auto_assign: false });
    await call(admin.token, "POST", accountPath(admin.account.id, `/teams/${team.body.id}/team_members`), { user_ids: [noah.user.id] });
    const c = await startConversation(server, admin, inbox.id);
    await call(admin.token, "POST", conv(`/${c.id}/messages`), { content: `[@Tier2](mention://team/${team.body.id}/Tier2) please`, private: true });
    expect((await call(noah.token, "GET", conv("?conversation_type=mention"))).body.data.payload.map((x: { id: number }) => x.id)).toEqual([c.id]);
  });
});

describe("notifications API", () => {
  test("read, unread, unread_count, read_all and delete act on the user's own notifications only", async () => {
    const c1 = await startConversation(server, admin, inbox.id);
    const c2 = await startConversation(server, admin, inbox.id);
    for (const c of [c1, c2]) await call(admin.token, "POST", conv(`/${c.id}/messages`), { content: `${mention({ id: noah.user.id, name: "Noah Member" })} ping`, private: true });
    const list = (await call(noah.token, "GET", notes())).body.data;
    const [first, second] = list.payload;
    expect(list.meta.unread_count).toBeGreaterThanOrEqual(2);
    const unreadBefore = (await call(noah.token, "GET", notes("/unread_count"))).body;
    expect(unreadBefore).toBe(list.meta.unread_count);

    const read = await call(noah.token, "PATCH", notes(`/${first.id}`));
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: first.id, user_id: noah.user.id, notification_type: "conversation_mention" });
    expect(typeof read.body.read_at).toBe("string");
    expect((await call(noah.token, "GET", notes("/unread_count"))).body).toBe(unreadBefore - 1);
    const unread = await call(noah.token, "POST", notes(`/${first.id}/unread`));
    expect(unread.body.read_at).toBeNull();

    // Someone else's notification is not found.
    expect((await call(mia.token, "PATCH", accountPath(admin.account.id, `/notifications/${first.id}`))).status).toBe(404);
    expect((await call(mia.token, "DELETE", accountPath(admin.account.id, `/notifications/${first.id}`))).status).toBe(404);

    const readAllOne = await call(noah.token, "POST", notes("/read_all"), { primary_actor_type: "Conversation", primary_actor_id: second.primary_actor_id });
    expect(readAllOne.status).toBe(200);
    // Read ones leave the default list (Chatwoot's NotificationFinder) and stay under includes[]=read.
    expect((await call(noah.token, "GET", notes())).body.data.payload.some((n: { id: number }) => n.id === second.id)).toBe(false);
    const afterOne = (await call(noah.token, "GET", notes("?includes[]=read"))).body.data.payload;
    expect(afterOne.find((n: { id: number }) => n.id === second.id).read_at).not.toBeNull();
    expect(afterOne.find((n: { id: number }) => n.id === first.id).read_at).toBeNull();
    await call(noah.token, "POST", notes("/read_all"));
    expect((await call(noah.token, "GET", notes("/unread_count"))).body).toBe(0);

    expect((await call(noah.token, "DELETE", notes(`/${first.id}`))).status).toBe(200);
    const all = (await call(noah.token, "GET", notes("?includes[]=read&includes[]=snoozed"))).body.data;
    expect(all.payload.some((n: { id: number }) => n.id === first.id)).toBe(false);
    expect(all.payload.some((n: { id: number }) => n.id === second.id)).toBe(true);
    expect((await call(noah.token, "PATCH", notes("/999999"))).status).toBe(404);
    expect((await call(noah.token, "GET", notes("?page=0"))).status).toBe(422);
  });

  test("snoozed notifications leave the list until asked for", async () => {
    const c = await startConversation(server, admin, inbox.id);
    await call(admin.token, "POST", conv(`/${c.id}/messages`), { content: `${mention({ id: mia.user.id, name: "Mia Member" })}!`, private: true });
    const n = (await call(mia.token, "GET", notes())).body.data.payload[0];
    const snoozed = await call(mia.token, "POST", notes(`/${n.id}/snooze`), { snoozed_until: Math.floor(Date.now() / 1000) + 3600 });
    expect(snoozed.status).toBe(200);
    expect((await call(mia.token, "GET", notes())).body.data.payload.some((x: { id: number }) => x.id === n.id)).toBe(false);
    expect((await call(mia.token, "GET", notes("?includes[]=snoozed"))).body.data.payload.some((x: { id: number }) => x.id === n.id)).toBe(true);
  });

  test("assignees and participants hear of new messages, but not of their own", async () => {
    const c = await startConversation(server, admin, inbox.id, { assignee_id: mia.user.id });
    await call(admin.token, "POST", conv(`/${c.id}/participants`), { user_ids: [noah.user.id] });
    const count = async (token: string, type: string) =>
      (await call(token, "GET", notes())).body.data.payload.filter((n: { notification_type: string; primary_actor_id: number }) => n.notification_type === type).length;
    const miaBefore = await count(mia.token, "assigned_conversation_new_message");
    const noahBefore = await count(noah.token, "participating_conversation_new_message");
    await call(admin.token, "POST", conv(`/${c.id}/messages`), { content: "customer writes", message_type: "incoming" });
    expect(await count(mia.token, "assigned_conversation_new_message")).toBe(miaBefore + 1);
    expect(await count(noah.token, "participating_conversation_new_message")).toBe(noahBefore + 1);
    await call(mia.token, "POST", conv(`/${c.id}/messages`), { content: "Mia replies" });
    expect(await count(mia.token, "assigned_conversation_new_message")).toBe(miaBefore + 1);
    expect(await count(noah.token, "participating_conversation_new_message")).toBe(noahBefore + 2);
  });
});

describe("without SMTP", () => {
  test("no notification email is queued (the administrators' outbox is not filled with agents' notifications); email-only creates nothing", async () => {
    const path = accountPath(admin.account.id, "/notification_settings");
    expect((await call(mia.token, "PATCH", path, { selected_email_flags: ["email_conversation_mention"] })).status).toBe(200);
    const c = await startConversation(server, admin, inbox.id);
    await call(admin.token, "POST", conv(`/${c.id}/messages`), { content: `${mention({ id: mia.user.id, name: "Mia Member" })} by mail?`, private: true });
    const mine = (await call(mia.token, "GET", notes())).body.data.payload.filter((n: { notification_type: string; primary_actor: { id: number } }) => n.primary_actor.id === c.id);
    expect(mine).toHaveLength(1);
    const queued = server.deps.db.$client.query("SELECT count(*) AS n FROM jobs WHERE kind = 'notification.email'").get() as { n: number };
    expect(queued.n).toBe(0);
    // Email only (in-app off): nothing can be delivered, so nothing is created.
    expect((await call(mia.token, "PATCH", path, { selected_push_flags: [] })).status).toBe(200);
    await call(admin.token, "POST", conv(`/${c.id}/messages`), { content: `${mention({ id: mia.user.id, name: "Mia Member" })} again?`, private: true });
    const after = (await call(mia.token, "GET", notes())).body.data.payload.filter((n: { primary_actor: { id: number } }) => n.primary_actor.id === c.id);
    expect(after).toHaveLength(1);
    expect((await call(mia.token, "PATCH", path, { selected_push_flags: ["push_conversation_mention"] })).status).toBe(200);
  });
});
