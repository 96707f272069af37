// Notifications end to end through the API, the job queue and a real SMTP server: each type is created only for
// users who subscribed to it (in-app or email); new conversations reach the inbox's members; emails go out two
// minutes later unless read by then; snoozed notifications come back unread when their time is up; destroy_all.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { conversations } from "../../../db/schema/conversations.ts";
import { ManualClock } from "../../../lib/clock.ts";
import { notify, NOTIFICATION_EMAIL_DELAY_MS } from "../../../domain/notifications/commands.ts";
import { startSmtpSink, type ReceivedMail, type SmtpSink } from "../../../testing/fixtures/smtp-sink.ts";
import { createAdmin, createAgent, startTestServer, type TestServer } from "../../../testing/server.ts";
import { accountPath, addInboxMembers, caller, createApiInbox, startConversation, type Admin } from "./conversation-test-kit.ts";

const PUBLIC_URL = "https://parley.example";
const clock = new ManualClock(Date.parse("2026-03-02T10:00:00Z"));
const minute = 60_000;
const hour = 60 * minute;

let smtp: SmtpSink;
let server: TestServer;
let admin: Admin;
let call: ReturnType<typeof caller>;
let inbox: { id: number; name: string };
type Agent = Awaited<ReturnType<typeof createAgent>>;
let mia: Agent;
let noah: Agent;
let outsider: Agent;

beforeAll(async () => {
  smtp = await startSmtpSink();
  server = startTestServer({ PARLEY_SMTP_URL: smtp.url, PARLEY_PUBLIC_URL: PUBLIC_URL }, { clock, startJobs: false });
  call = caller(server);
  admin = await createAdmin(server, { name: "Ada Admin" });
  inbox = await createApiInbox(server, admin, { enable_auto_assignment: false, name: "Support" });
  mia = await createAgent(server, admin, { name: "Mia Member" });
  noah = await createAgent(server, admin, { name: "Noah Member" });
  outsider = await createAgent(server, admin, { name: "Otto Outsider" });
  await addInboxMembers(server, admin, inbox.id, [mia.user.id, noah.user.id]);
  await jobs();
  smtp.received.length = 0;
}, 60_000);
afterAll(async () => {
  await server.close();
  await smtp.close();
});

async function jobs(): Promise<void> {
  await server.runner.runUntilEmpty();
}
const conv = (rest = "") => accountPath(admin.account.id, `/conversations${rest}`);
const notes = (rest = "") => accountPath(admin.account.id, `/notifications${rest}`);
const mentionOf = (id: number, name: string) => `[@${name}](mention://user/${id}/${encodeURIComponent(name)})`;
const mention = (u: Agent) => mentionOf(u.user.id, u.user.name);

async function prefs(who: { token: string }, email: string[], inApp: string[]): Promise<void> {
  const res = await call(who.token, "PATCH", accountPath(admin.account.id, "/notification_settings"), {
    notification_settings: { selected_email_flags: email.map((t) => `email_${t}`), selected_push_flags: inApp.map((t) => `push_${t}`) },
  });
  expect(res.status).toBe(200);
}

type Note = { id: number; notification_type: string; primary_actor_id: number; read_at: string | null; snoozed_until: string | null; meta: Record<string, unknown>; last_activity_at: number; push_message_title: string };
async function listOf(who: { token: string }, query = "?includes[]=read&includes[]=snoozed"): Promise<Note[]> {
  const res = await call(who.token, "GET", notes(query));
  expect(res.status).toBe(200);
  return res.body.data.payload;
}
async function ofConversation(who: { token: string }, conversationId: number, type?: string): Promise<Note[]> {
  const internal = internalId(conversationId);
  return (await listOf(who)).filter((n) => n.primary_actor_id === internal && (!type || n.notification_type === type));
}
function internalId(displayId: number): number {
  return server.deps.db
    .select({ id: conversations.id })
    .from(conversations)
    .where(and(eq(conversations.account_id, admin.account.id), eq(conversations.display_id, displayId)))
    .get()!.id;
}

/** The decoded text of a received mail (quoted-printable soft breaks and escapes undone). */
function decoded(mail: ReceivedMail): string {
  return mail.raw.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
}
const mailsTo = (a: Agent) => smtp.received.filter((m) => m.to.includes(a.email));

describe("preferences decide which notifications exist", () => {
  test("new conversations reach the inbox members who subscribed (in-app or email); not pending ones until handed over", async () => {
    await prefs(mia, [], ["conversation_creation"]);
    await prefs(noah, ["conversation_creation"], []);
    await prefs(outsider, ["conversation_creation"], ["conversation_creation"]);
    const c = await startConversation(server, admin, inbox.id);
    const [miaNote] = await ofConversation(mia, c.id, "conversation_creation");
    expect(miaNote).toMatchObject({ push_message_title: `A conversation (#${c.id}) has been created in Support`, read_at: null });
    expect(await ofConversation(noah, c.id, "conversation_creation")).toHaveLength(1);
    // Not a member of the inbox: nothing, whatever the preferences.
    expect(await ofConversation(outsider, c.id)).toEqual([]);
    // The administrator (not an inbox member, default preferences) hears nothing either.
    expect(await ofConversation(admin, c.id)).toEqual([]);

    const pending = await startConversation(server, admin, inbox.id, { status: "pending" });
    expect(await ofConversation(mia, pending.id)).toEqual([]);
    expect((await call(admin.token, "POST", conv(`/${pending.id}/toggle_status`), { status: "open" })).status).toBe(200);
    expect(await ofConversation(mia, pending.id, "conversation_creation")).toHaveLength(1);
  }, 30_000);

  test("each type is gated by its own flags; defaults: everything in-app but new conversations, assignments by email", async () => {
    // Mia turns everything off (before the conversation starts: no new-conversation notification either).
    await prefs(mia, [], []);
    // Defaults (no saved preferences): the administrator hears of a mention.
    const c = await startConversation(server, admin, inbox.id);
    await call(mia.token, "POST", conv(`/${c.id}/messages`), { content: `${mentionOf(admin.user.id, "Ada Admin")} look`, private: true });
    expect(await ofConversation(admin, c.id, "conversation_mention")).toHaveLength(1);

    // Mia: no mention, no assignment, no new-message notification.
    await call(admin.token, "POST", conv(`/${c.id}/messages`), { content: `${mention(mia)} ping`, private: true });
    await call(admin.token, "POST", conv(`/${c.id}/assignments`), { assignee_id: mia.user.id });
    await call(admin.token, "POST", conv(`/${c.id}/messages`), { content: "customer writes", message_type: "incoming" });
    expect(await ofConversation(mia, c.id)).toEqual([]);

    // Mentions in-app only: the next mention notifies, assignments and new messages still do not.
    await prefs(mia, [], ["conversation_mention"]);
    await call(admin.token, "POST", conv(`/${c.id}/messages`), { content: `${mention(mia)} again`, private: true });
    await call(admin.token, "POST", conv(`/${c.id}/messages`), { content: "customer again", message_type: "incoming" });
    expect((await ofConversation(mia, c.id)).map((n) => n.notification_type)).toEqual(["conversation_mention"]);

    // New messages in assigned conversations by email only: the row exists (it carries the email's read state).
    await prefs(mia, ["assigned_conversation_new_message"], []);
    await call(admin.token, "POST", conv(`/${c.id}/messages`), { content: "customer thrice", message_type: "incoming" });
    expect(await ofConversation(mia, c.id, "assigned_conversation_new_message")).toHaveLength(1);

    // Participating: Noah joins; his in-app flag decides.
    await call(admin.token, "POST", conv(`/${c.id}/participants`), { user_ids: [noah.user.id] });
    await prefs(noah, [], []);
    await call(admin.token, "POST", conv(`/${c.id}/messages`), { content: "customer four", message_type: "incoming" });
    expect(await ofConversation(noah, c.id, "participating_conversation_new_message")).toEqual([]);
    await prefs(noah, [], ["participating_conversation_new_message"]);
    await call(admin.token, "POST", conv(`/${c.id}/messages`), { content: "customer five", message_type: "incoming" });
    expect(await ofConversation(noah, c.id, "participating_conversation_new_message")).toHaveLength(1);
    await jobs();
  }, 30_000);

  test("SLA misses (created by the SLA timers through notify) follow the same gating and get an email", async () => {
    const c = await startConversation(server, admin, inbox.id);
    await prefs(mia, ["sla_missed_first_response"], ["sla_missed_first_response"]);
    await prefs(noah, [], []);
    const row = server.deps.db.select().from(conversations).where(eq(conversations.id, internalId(c.id))).get()!;
    const made = server.deps.tx((tx) => [
      notify(tx, { userId: mia.user.id, type: "sla_missed_first_response", conversation: row, secondary: null }),
      notify(tx, { userId: mia.user.id, type: "sla_missed_resolution", conversation: row, secondary: null }),
      notify(tx, { userId: noah.user.id, type: "sla_missed_first_response", conversation: row, secondary: null }),
    ]);
    expect(made.map((n) => n?.notification_type ?? null)).toEqual(["sla_missed_first_response", null, null]);
    expect((await ofConversation(mia, c.id))[0]).toMatchObject({ push_message_title: `SLA target first response missed for conversation (#${c.id})` });
    smtp.received.length = 0;
    clock.advance(NOTIFICATION_EMAIL_DELAY_MS + 1000);
    await jobs();
    const mails = mailsTo(mia);
    expect(mails).toHaveLength(1);
    expect(mails[0].headers.subject).toBe(`[Acme] SLA missed: first response in conversation #${c.id}`);
  }, 30_000);
});

describe("notification emails", () => {
  test("sent two minutes later with the conversation link and the preferences link; the message is escaped in HTML", async () => {
    await prefs(mia, ["conversation_mention"], ["conversation_mention"]);
    const c = await startConversation(server, admin, inbox.id);
    await jobs();
    smtp.received.length = 0;
    await call(admin.token, "POST", conv(`/${c.id}/messages`), { content: `${mention(mia)} see <b>this</b> & that`, private: true });
    await jobs();
    expect(mailsTo(mia)).toEqual([]);
    clock.advance(NOTIFICATION_EMAIL_DELAY_MS - 5000);
    await jobs();
    expect(mailsTo(mia)).toEqual([]);
    clock.advance(10_000);
    await jobs();
    const [mail] = mailsTo(mia);
    expect(mail.headers.subject).toBe(`[Acme] Ada Admin mentioned you in conversation #${c.id}`);
    const body = decoded(mail);
    expect(body).toContain(`${PUBLIC_URL}/app/accounts/${admin.account.id}/conversations/${c.id}`);
    expect(body).toContain(`${PUBLIC_URL}/app/accounts/${admin.account.id}/settings/profile#notifications-heading`);
    expect(body).toContain("> @Mia Member see <b>this</b> & that");
    expect(body).toContain("@Mia Member see &lt;b&gt;this&lt;/b&gt; &amp; that");
    expect(body).not.toContain("mention://");
    // Exactly one: the job does not run twice.
    clock.advance(hour);
    await jobs();
    expect(mailsTo(mia)).toHaveLength(1);
  }, 30_000);

  test("a notification read (or snoozed) before the email is due sends nothing; neither does a preference turned off meanwhile", async () => {
    await prefs(mia, ["conversation_mention"], ["conversation_mention"]);
    const c = await startConversation(server, admin, inbox.id);
    smtp.received.length = 0;
    for (const word of ["one", "two", "three"]) await call(admin.token, "POST", conv(`/${c.id}/messages`), { content: `${mention(mia)} ${word}`, private: true });
    const [third, second, first] = await ofConversation(mia, c.id, "conversation_mention");
    expect((await call(mia.token, "PATCH", notes(`/${first.id}`))).status).toBe(200);
    expect((await call(mia.token, "POST", notes(`/${second.id}/snooze`), { snoozed_until: Math.floor((clock.now() + 10 * hour) / 1000) })).status).toBe(200);
    clock.advance(NOTIFICATION_EMAIL_DELAY_MS + 1000);
    await jobs();
    const mails = mailsTo(mia);
    expect(mails).toHaveLength(1);
    expect(decoded(mails[0])).toContain("three");
    expect(third.read_at).toBeNull();

    await call(admin.token, "POST", conv(`/${c.id}/messages`), { content: `${mention(mia)} four`, private: true });
    await prefs(mia, [], ["conversation_mention"]);
    clock.advance(NOTIFICATION_EMAIL_DELAY_MS + 1000);
    await jobs();
    expect(mailsTo(mia)).toHaveLength(1);
  }, 30_000);

  test("assignment emails by default", async () => {
    const fresh = await createAgent(server, admin, { name: "Fay Fresh" });
    await addInboxMembers(server, admin, inbox.id, [fresh.user.id]);
    const c = await startConversation(server, admin, inbox.id);
    smtp.received.length = 0;
    await call(admin.token, "POST", conv(`/${c.id}/assignments`), { assignee_id: fresh.user.id });
    clock.advance(NOTIFICATION_EMAIL_DELAY_MS + 1000);
    await jobs();
    const [mail] = mailsTo(fresh);
    expect(mail.headers.subject).toBe(`[Acme] Conversation #${c.id} is assigned to you`);
    expect(decoded(mail)).toContain("Ada Admin assigned conversation");
  }, 30_000);
});

describe("snooze, unread count and clean-up", () => {
  test("a snoozed notification is hidden and uncounted until due, then comes back unread on top (through the job)", async () => {
    await prefs(noah, [], ["conversation_mention"]);
    const c = await startConversation(server, admin, inbox.id);
    await call(admin.token, "POST", conv(`/${c.id}/messages`), { content: `${mention(noah)} snooze me`, private: true });
    const [n] = await ofConversation(noah, c.id);
    await call(noah.token, "PATCH", notes(`/${n.id}`));
    const before = (await call(noah.token, "GET", notes("/unread_count"))).body as number;
    await call(noah.token, "POST", notes(`/${n.id}/unread`));
    expect((await call(noah.token, "GET", notes("/unread_count"))).body).toBe(before + 1);

    const until = Math.floor((clock.now() + 2 * hour) / 1000);
    const snoozed = await call(noah.token, "POST", notes(`/${n.id}/snooze`), { snoozed_until: until });
    expect(snoozed.body.snoozed_until).toBe(new Date(until * 1000).toISOString());
    expect((await call(noah.token, "GET", notes("/unread_count"))).body).toBe(before);
    expect((await listOf(noah, "")).some((x) => x.id === n.id)).toBe(false);
    expect((await listOf(noah, "?includes[]=snoozed")).some((x) => x.id === n.id)).toBe(true);

    clock.advance(hour);
    await jobs();
    expect((await listOf(noah, "")).some((x) => x.id === n.id)).toBe(false);

    clock.advance(hour + 1000);
    await jobs();
    const back = (await listOf(noah, "")).find((x) => x.id === n.id)!;
    expect(back).toMatchObject({ read_at: null, snoozed_until: null, last_activity_at: Math.floor(clock.now() / 1000) });
    expect(back.meta.last_snoozed_at).toBe(until * 1000);
    expect((await listOf(noah, ""))[0].id).toBe(n.id);
    expect((await call(noah.token, "GET", notes("/unread_count"))).body).toBe(before + 1);
  }, 30_000);

  test("re-snoozed, read or deleted meanwhile: the earlier job changes nothing", async () => {
    await prefs(noah, [], ["conversation_mention"]);
    const c = await startConversation(server, admin, inbox.id);
    await call(admin.token, "POST", conv(`/${c.id}/messages`), { content: `${mention(noah)} a`, private: true });
    await call(admin.token, "POST", conv(`/${c.id}/messages`), { content: `${mention(noah)} b`, private: true });
    const [b, a] = await ofConversation(noah, c.id);
    const sec = (ms: number) => Math.floor(ms / 1000);
    await call(noah.token, "POST", notes(`/${a.id}/snooze`), { snoozed_until: sec(clock.now() + hour) });
    await call(noah.token, "POST", notes(`/${a.id}/snooze`), { snoozed_until: sec(clock.now() + 5 * hour) });
    await call(noah.token, "POST", notes(`/${b.id}/snooze`), { snoozed_until: sec(clock.now() + hour) });
    await call(noah.token, "DELETE", notes(`/${b.id}`));
    clock.advance(2 * hour);
    await jobs();
    expect((await ofConversation(noah, c.id)).map((x) => [x.id, x.snoozed_until !== null])).toEqual([[a.id, true]]);
    clock.advance(4 * hour);
    await jobs();
    expect((await ofConversation(noah, c.id)).map((x) => [x.id, x.snoozed_until])).toEqual([[a.id, null]]);
  }, 30_000);

  test("destroy_all removes the read ones (type=read) or all of the user's own", async () => {
    await prefs(noah, [], ["conversation_mention"]);
    const c = await startConversation(server, admin, inbox.id);
    for (const w of ["x", "y"]) await call(admin.token, "POST", conv(`/${c.id}/messages`), { content: `${mention(noah)} ${w}`, private: true });
    await call(admin.token, "POST", conv(`/${c.id}/messages`), { content: `${mention(mia)} z`, private: true });
    const [y, x] = await ofConversation(noah, c.id);
    await call(noah.token, "PATCH", notes(`/${x.id}`));
    expect((await call(noah.token, "POST", notes("/destroy_all"), { type: "read" })).status).toBe(200);
    expect((await ofConversation(noah, c.id)).map((n) => n.id)).toEqual([y.id]);
    expect((await call(noah.token, "POST", notes("/destroy_all"))).status).toBe(200);
    expect(await listOf(noah)).toEqual([]);
    expect((await call(noah.token, "GET", notes("/unread_count"))).body).toBe(0);
    // Only Noah's own: Mia's mention is still there.
    expect(await ofConversation(mia, c.id)).toHaveLength(1);
  }, 30_000);
});
