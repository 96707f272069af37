import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { accountPath, caller, type Admin } from "../../api/v1/accounts/conversation-test-kit.ts";
import { ManualClock } from "../../lib/clock.ts";
import { createAdmin, startTestServer, type TestServer } from "../../testing/server.ts";
import { eq } from "drizzle-orm";
import { conversations } from "../../db/schema/conversations.ts";
import { createSession, postContactMessage, startConversation } from "../public-client/commands.ts";
import { findPublicInbox } from "../public-client/session.ts";
import { TEMPLATE_TEXT } from "./hooks.ts";

// 2030-01-07 is a Monday; 12:00 UTC is inside the default 9–17 week in UTC.
const MONDAY_NOON = Date.UTC(2030, 0, 7, 12, 0);
let server: TestServer;
let admin: Admin;
let clock: ManualClock;
let call: ReturnType<typeof caller>;

beforeAll(async () => {
  clock = new ManualClock(MONDAY_NOON);
  server = startTestServer({}, { clock });
  admin = await createAdmin(server);
  call = caller(server);
});
afterAll(() => server.close());

async function createInbox(channel: Record<string, unknown>, settings: Record<string, unknown>) {
  const res = await call(admin.token, "POST", accountPath(admin.account.id, "/inboxes"), { name: "Site", channel, ...settings });
  expect(res.status).toBe(200);
  return res.body as { id: number; website_token?: string; inbox_identifier?: string };
}

/** A contact session in a public inbox, a new conversation, and the contact's first message, through the client domain. */
function contactWrites(identifier: string, contact: { name: string; email?: string }) {
  const where = findPublicInbox(server.deps.db, identifier);
  const session = server.deps.tx((tx) => createSession(tx, where, contact, false));
  const conversation = server.deps.tx((tx) => startConversation(tx, session, {}));
  return {
    conversation,
    say(content: string) {
      server.deps.tx((tx) => {
        const current = tx.db.select().from(conversations).where(eq(conversations.id, conversation.id)).get()!;
        postContactMessage(tx, session, current, { content });
      });
    },
  };
}

async function messagesOf(displayId: number) {
  const res = await call(admin.token, "GET", accountPath(admin.account.id, `/conversations/${displayId}/messages`));
  expect(res.status).toBe(200);
  return res.body.payload as { content: string; message_type: number; content_type: string; content_attributes: Record<string, unknown> }[];
}
const templates = async (displayId: number) => (await messagesOf(displayId)).filter((m) => m.message_type === 3);

describe("greeting", () => {
  test("sent once, on the contact's first message", async () => {
    const inbox = await createInbox({ type: "api" }, { greeting_enabled: true, greeting_message: "Hi! We reply within the hour." });
    const chat = contactWrites(inbox.inbox_identifier!, { name: "Gia", email: "gia@customer.example" });
    chat.say("hello");
    chat.say("anyone there?");
    const sent = await templates(chat.conversation.display_id);
    expect(sent.map((m) => m.content)).toEqual(["Hi! We reply within the hour."]);
  });

  test("not sent when greeting is off or the text is blank", async () => {
    const off = await createInbox({ type: "api" }, { greeting_enabled: false, greeting_message: "Hi" });
    const blank = await createInbox({ type: "api" }, { greeting_enabled: true, greeting_message: "  " });
    for (const inbox of [off, blank]) {
      const chat = contactWrites(inbox.inbox_identifier!, { name: "Noel", email: `noel-${inbox.id}@customer.example` });
      chat.say("hello");
      expect(await templates(chat.conversation.display_id)).toEqual([]);
    }
  });

  test("not sent once an agent has replied", async () => {
    const inbox = await createInbox({ type: "api" }, { greeting_enabled: false, greeting_message: "Welcome" });
    const chat = contactWrites(inbox.inbox_identifier!, { name: "Rae", email: "rae@customer.example" });
    const reply = await call(admin.token, "POST", accountPath(admin.account.id, `/conversations/${chat.conversation.display_id}/messages`), { content: "How can I help?" });
    expect(reply.status).toBe(200);
    await call(admin.token, "PATCH", accountPath(admin.account.id, `/inboxes/${inbox.id}`), { greeting_enabled: true });
    chat.say("I have a question");
    expect(await templates(chat.conversation.display_id)).toEqual([]);
  });
});

describe("out of office", () => {
  const closedWeek = [0, 1, 2, 3, 4, 5, 6].map((day_of_week) => ({ day_of_week, closed_all_day: true }));

  test("sent outside business hours in the inbox's time zone, once a day per conversation", async () => {
    // Monday 12:00 UTC is 21:00 in Tokyo: outside the default 9–17 week there, inside it in UTC.
    const tokyo = await createInbox({ type: "api" }, { working_hours_enabled: true, timezone: "Asia/Tokyo", out_of_office_message: "We are away." });
    const utc = await createInbox({ type: "api" }, { working_hours_enabled: true, timezone: "UTC", out_of_office_message: "We are away." });
    const away = contactWrites(tokyo.inbox_identifier!, { name: "Kai", email: "kai@customer.example" });
    const open = contactWrites(utc.inbox_identifier!, { name: "Uma", email: "uma@customer.example" });
    away.say("hello");
    away.say("still there?");
    open.say("hello");
    expect((await templates(away.conversation.display_id)).map((m) => m.content)).toEqual(["We are away."]);
    expect(await templates(open.conversation.display_id)).toEqual([]);
    // The next (Tokyo) day, still outside hours: sent again.
    clock.advance(24 * 3600 * 1000);
    try {
      away.say("new day");
      expect((await templates(away.conversation.display_id)).map((m) => m.content)).toEqual(["We are away.", "We are away."]);
    } finally {
      clock.advance(-24 * 3600 * 1000);
    }
  });

  test("the schedule set through the inbox API decides; off or without a text nothing is sent", async () => {
    const inbox = await createInbox({ type: "api" }, { working_hours_enabled: true, timezone: "UTC", out_of_office_message: "Closed today." });
    const patch = await call(admin.token, "PATCH", accountPath(admin.account.id, `/inboxes/${inbox.id}`), { working_hours: closedWeek });
    expect(patch.status).toBe(200);
    expect(patch.body.working_hours.every((d: { closed_all_day: boolean }) => d.closed_all_day)).toBe(true);
    const chat = contactWrites(inbox.inbox_identifier!, { name: "Ola", email: "ola@customer.example" });
    chat.say("hello");
    expect((await templates(chat.conversation.display_id)).map((m) => m.content)).toEqual(["Closed today."]);

    const noText = await createInbox({ type: "api" }, { working_hours_enabled: true, working_hours: closedWeek, out_of_office_message: "" });
    const disabled = await createInbox({ type: "api" }, { working_hours_enabled: false, working_hours: closedWeek, out_of_office_message: "Away" });
    for (const i of [noText, disabled]) {
      const c = contactWrites(i.inbox_identifier!, { name: "Pat", email: `pat-${i.id}@customer.example` });
      c.say("hello");
      expect(await templates(c.conversation.display_id)).toEqual([]);
    }
  });

  test("not sent when an agent replied publicly in the last 5 minutes; sent again after that", async () => {
    const inbox = await createInbox({ type: "api" }, { working_hours_enabled: true, working_hours: closedWeek, out_of_office_message: "Away." });
    const chat = contactWrites(inbox.inbox_identifier!, { name: "Lee", email: "lee@customer.example" });
    const path = accountPath(admin.account.id, `/conversations/${chat.conversation.display_id}/messages`);
    // A private note does not count as a reply.
    expect((await call(admin.token, "POST", path, { content: "note", private: true })).status).toBe(200);
    clock.advance(60_000);
    expect((await call(admin.token, "POST", path, { content: "Working late, here to help" })).status).toBe(200);
    clock.advance(4 * 60_000);
    chat.say("thanks!");
    expect(await templates(chat.conversation.display_id)).toEqual([]);
    clock.advance(2 * 60_000);
    chat.say("one more thing");
    expect((await templates(chat.conversation.display_id)).map((m) => m.content)).toEqual(["Away."]);
    clock.advance(-7 * 60_000);
  });

  test("with greeting on too, only the out-of-office message goes (the greeting needs a conversation without templates)", async () => {
    const inbox = await createInbox(
      { type: "api" },
      { working_hours_enabled: true, working_hours: closedWeek, out_of_office_message: "Away.", greeting_enabled: true, greeting_message: "Hello there" },
    );
    const chat = contactWrites(inbox.inbox_identifier!, { name: "Max", email: "max@customer.example" });
    chat.say("hi");
    expect((await templates(chat.conversation.display_id)).map((m) => m.content)).toEqual(["Away."]);
  });
});

describe("email collect", () => {
  test("a web-widget contact without email is asked once, with an input_email message", async () => {
    const inbox = await createInbox({ type: "web_widget", website_url: "https://shop.example" }, {});
    const chat = contactWrites(inbox.website_token!, { name: "Visitor" });
    chat.say("hi");
    chat.say("hello?");
    const sent = await templates(chat.conversation.display_id);
    expect(sent.map((m) => [m.content, m.content_type])).toEqual([
      [TEMPLATE_TEXT.waysToReachYou, "text"],
      [TEMPLATE_TEXT.emailInputBox, "input_email"],
    ]);
  });

  test("not asked when the contact has an email, when it is off, or outside the web widget", async () => {
    const widget = await createInbox({ type: "web_widget", website_url: "https://shop.example" }, {});
    const off = await createInbox({ type: "web_widget", website_url: "https://shop.example" }, { enable_email_collect: false });
    const api = await createInbox({ type: "api" }, { enable_email_collect: true });
    const cases = [
      contactWrites(widget.website_token!, { name: "Known", email: "known@customer.example" }),
      contactWrites(off.website_token!, { name: "Anon" }),
      contactWrites(api.inbox_identifier!, { name: "Api contact" }),
    ];
    for (const chat of cases) {
      chat.say("hi");
      expect(await templates(chat.conversation.display_id)).toEqual([]);
    }
  });
});

describe("CSAT survey on resolve", () => {
  async function resolve(displayId: number) {
    const res = await call(admin.token, "POST", accountPath(admin.account.id, `/conversations/${displayId}/toggle_status`), { status: "resolved" });
    expect(res.status).toBe(200);
  }
  async function label(displayId: number, labels: string[]) {
    const res = await call(admin.token, "POST", accountPath(admin.account.id, `/conversations/${displayId}/labels`), { labels });
    expect(res.status).toBe(200);
  }
  const surveys = async (displayId: number) => (await messagesOf(displayId)).filter((m) => m.content_type === "input_csat");

  test("sent once when enabled, with the configured text, display type and the assignee to credit", async () => {
    const inbox = await createInbox({ type: "api" }, { csat_survey_enabled: true, csat_config: { display_type: "star", message: "How did we do?" } });
    const chat = contactWrites(inbox.inbox_identifier!, { name: "Sam", email: "sam@customer.example" });
    chat.say("help");
    const assign = await call(admin.token, "POST", accountPath(admin.account.id, `/conversations/${chat.conversation.display_id}/assignments`), { assignee_id: admin.user.id });
    expect(assign.status).toBe(200);
    await resolve(chat.conversation.display_id);
    let sent = await surveys(chat.conversation.display_id);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ content: "How did we do?", message_type: 3, content_attributes: { display_type: "star", assigned_agent_id: admin.user.id } });
    // Reopened by the contact and resolved again: no second survey.
    chat.say("one more question");
    await resolve(chat.conversation.display_id);
    sent = await surveys(chat.conversation.display_id);
    expect(sent).toHaveLength(1);
  });

  test("not sent when CSAT is off", async () => {
    const inbox = await createInbox({ type: "api" }, { csat_survey_enabled: false });
    const chat = contactWrites(inbox.inbox_identifier!, { name: "Ned", email: "ned@customer.example" });
    chat.say("help");
    await resolve(chat.conversation.display_id);
    expect(await surveys(chat.conversation.display_id)).toEqual([]);
  });

  test("survey rules: labels contains / does_not_contain", async () => {
    const contains = await createInbox({ type: "api" }, { csat_survey_enabled: true, csat_config: { survey_rules: { operator: "contains", values: ["billing"] } } });
    const excludes = await createInbox({ type: "api" }, { csat_survey_enabled: true, csat_config: { survey_rules: { operator: "does_not_contain", values: ["spam"] } } });
    const cases: [{ inbox_identifier?: string }, string[], number][] = [
      [contains, ["billing", "vip"], 1],
      [contains, ["shipping"], 0],
      [excludes, ["spam"], 0],
      [excludes, ["shipping"], 1],
    ];
    for (const [inbox, labels, expected] of cases) {
      const chat = contactWrites(inbox.inbox_identifier!, { name: "Rules", email: `rules-${crypto.randomUUID().slice(0, 6)}@customer.example` });
      chat.say("help");
      await label(chat.conversation.display_id, labels);
      await resolve(chat.conversation.display_id);
      const sent = await surveys(chat.conversation.display_id);
      expect([labels, sent.length]).toEqual([labels, expected]);
      if (expected) expect(sent[0]!.content).toBe(TEMPLATE_TEXT.csat);
    }
  });

  test("csat_config is validated and returned by the inbox API", async () => {
    const bad = await call(admin.token, "POST", accountPath(admin.account.id, "/inboxes"), { name: "X", channel: { type: "api" }, csat_config: { display_type: "hearts" } });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).toContain("csat_config.display_type");
    const inbox = await createInbox({ type: "api" }, { csat_survey_enabled: true, csat_config: { display_type: "emoji", message: "Rate us", survey_rules: { operator: "contains", values: ["a"] } } });
    const got = await call(admin.token, "GET", accountPath(admin.account.id, `/inboxes/${inbox.id}`));
    expect(got.body).toMatchObject({ csat_survey_enabled: true, csat_config: { display_type: "emoji", message: "Rate us", survey_rules: { operator: "contains", values: ["a"] } } });
    expect(got.body.working_hours).toHaveLength(7);
  });
});
