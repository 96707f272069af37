import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { accountPath, caller, type Admin } from "../../api/v1/accounts/conversation-test-kit.ts";
import { conversations, messages } from "../../db/schema/conversations.ts";
import { createAdmin, createAgent, startTestServer, type TestServer } from "../../testing/server.ts";
import { WebClient } from "../../web/test-client.ts";
import { createSession, postContactMessage, startConversation } from "../public-client/commands.ts";
import { findPublicInbox } from "../public-client/session.ts";
import { recordCsatResponse } from "./commands.ts";

let server: TestServer;
let admin: Admin;
let call: ReturnType<typeof caller>;
let inbox: { id: number; inbox_identifier: string };

beforeAll(async () => {
  server = startTestServer();
  admin = await createAdmin(server);
  call = caller(server);
  const res = await call(admin.token, "POST", accountPath(admin.account.id, "/inboxes"), {
    name: "Support <b>desk</b>",
    channel: { type: "api" },
    csat_survey_enabled: true,
    csat_config: { display_type: "emoji", message: "How did we do? <script>alert(1)</script>" },
  });
  expect(res.status).toBe(200);
  inbox = res.body;
});
afterAll(() => server.close());

/** A resolved conversation with a CSAT survey sent: its uuid, display id and the survey message id. */
async function surveyedConversation(contactName = "Casey") {
  const where = findPublicInbox(server.deps.db, inbox.inbox_identifier);
  const session = server.deps.tx((tx) => createSession(tx, where, { name: contactName, email: `${crypto.randomUUID().slice(0, 8)}@customer.example` }, false));
  const conversation = server.deps.tx((tx) => {
    const c = startConversation(tx, session, {});
    postContactMessage(tx, session, tx.db.select().from(conversations).where(eq(conversations.id, c.id)).get()!, { content: "help please" });
    return c;
  });
  const assign = await call(admin.token, "POST", accountPath(admin.account.id, `/conversations/${conversation.display_id}/assignments`), { assignee_id: admin.user.id });
  expect(assign.status).toBe(200);
  const resolved = await call(admin.token, "POST", accountPath(admin.account.id, `/conversations/${conversation.display_id}/toggle_status`), { status: "resolved" });
  expect(resolved.status).toBe(200);
  const survey = server.deps.db.select().from(messages).where(eq(messages.conversation_id, conversation.id)).all().find((m) => m.content_type === "input_csat");
  expect(survey).toBeDefined();
  return { uuid: conversation.uuid, displayId: conversation.display_id, conversationId: conversation.id, messageId: survey!.id };
}

describe("public survey page", () => {
  test("shows the survey escaped, under our CSP, and stores a rating with feedback", async () => {
    const s = await surveyedConversation();
    const browser = new WebClient(server);
    const { res, html } = await browser.page(`/survey/responses/${s.uuid}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toContain("script-src");
    expect(html).toContain("How did we do? &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain("Support &lt;b&gt;desk&lt;/b&gt;");
    expect(html.match(/name="rating"/g)).toHaveLength(5);

    const post = await browser.post(`/survey/responses/${s.uuid}`, { rating: "4", feedback_message: "Quick & <kind>" });
    expect(post.status).toBe(200);
    const thanks = await post.text();
    expect(thanks).toContain("Thank you for your feedback");
    expect(thanks).toContain("Quick &amp; &lt;kind&gt;");

    const message = server.deps.db.select().from(messages).where(eq(messages.id, s.messageId)).get()!;
    expect(message.content_attributes.submitted_values).toEqual({ csat_survey_response: { rating: 4, feedback_message: "Quick & <kind>" } });

    // Changing the answer updates the one response.
    expect((await browser.post(`/survey/responses/${s.uuid}`, { rating: "5", feedback_message: "" })).status).toBe(200);
    const list = await call(admin.token, "GET", accountPath(admin.account.id, "/csat_survey_responses"));
    const mine = list.body.filter((r: { message_id: number }) => r.message_id === s.messageId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ rating: 5, feedback_message: null });
    // The page now shows the saved answer.
    const again = await browser.page(`/survey/responses/${s.uuid}`);
    expect(again.html).toMatch(/value="5" checked/);
  });

  test("an invalid rating is 422 naming the field, and nothing is stored", async () => {
    const s = await surveyedConversation();
    const browser = new WebClient(server);
    await browser.page(`/survey/responses/${s.uuid}`);
    for (const rating of ["0", "6", "2.5", "abc", ""]) {
      const res = await browser.post(`/survey/responses/${s.uuid}`, { rating, feedback_message: "kept" });
      expect(res.status).toBe(422);
      const html = await res.text();
      expect(html).toContain('id="rating-error"');
      expect(html).toContain(">kept</textarea>");
    }
    const missing = await browser.post(`/survey/responses/${s.uuid}`, { feedback_message: "no rating" });
    expect(missing.status).toBe(422);
    const list = await call(admin.token, "GET", accountPath(admin.account.id, "/csat_survey_responses"));
    expect(list.body.some((r: { message_id: number }) => r.message_id === s.messageId)).toBe(false);
  });

  test("unknown uuid, or a conversation without a survey, is 404; a post without the CSRF token is refused", async () => {
    const browser = new WebClient(server);
    expect((await browser.page(`/survey/responses/${crypto.randomUUID()}`)).res.status).toBe(404);
    expect((await browser.page("/survey/responses/not-a-uuid!")).res.status).toBe(404);
    // The 404 page has no form: the CSRF token is the cookie's value, as a page with a form would carry it.
    expect((await browser.post(`/survey/responses/${crypto.randomUUID()}`, { rating: "3" }, { csrf: browser.cookies.get("parley_csrf") })).status).toBe(404);
    const where = findPublicInbox(server.deps.db, inbox.inbox_identifier);
    const open = server.deps.tx((tx) => startConversation(tx, createSession(tx, where, { name: "Open" }, false), {}));
    expect((await browser.page(`/survey/responses/${open.uuid}`)).res.status).toBe(404);

    const s = await surveyedConversation();
    await browser.page(`/survey/responses/${s.uuid}`);
    expect((await browser.post(`/survey/responses/${s.uuid}`, { rating: "3" }, { csrf: null })).status).toBe(403);
  });
});

describe("recordCsatResponse", () => {
  test("refuses a message that is not a survey and a bad rating", async () => {
    const s = await surveyedConversation();
    const other = server.deps.db.select().from(messages).where(eq(messages.conversation_id, s.conversationId)).all().find((m) => m.content_type === "text")!;
    expect(() => server.deps.tx((tx) => recordCsatResponse(tx, other, { rating: 3 }))).toThrow("message is not a CSAT survey");
    const survey = server.deps.db.select().from(messages).where(eq(messages.id, s.messageId)).get()!;
    expect(() => server.deps.tx((tx) => recordCsatResponse(tx, survey, { rating: 7 }))).toThrow("rating");
    expect(() => server.deps.tx((tx) => recordCsatResponse(tx, survey, { rating: 2, feedback_message: 5 }))).toThrow("feedback_message");
    const row = server.deps.tx((tx) => recordCsatResponse(tx, survey, { rating: 2, feedback_message: "slow" }));
    expect(row).toMatchObject({ rating: 2, feedback_message: "slow", assigned_agent_id: admin.user.id, conversation_id: s.conversationId });
  });
});

describe("CSAT API", () => {
  test("index and metrics in Chatwoot's shape, with filters; agents are refused", async () => {
    const a = await surveyedConversation("Rated Low");
    const b = await surveyedConversation("Rated High");
    const browser = new WebClient(server);
    await browser.page(`/survey/responses/${a.uuid}`);
    expect((await browser.post(`/survey/responses/${a.uuid}`, { rating: "1", feedback_message: "bad" })).status).toBe(200);
    await browser.page(`/survey/responses/${b.uuid}`);
    expect((await browser.post(`/survey/responses/${b.uuid}`, { rating: "5" })).status).toBe(200);

    const list = await call(admin.token, "GET", accountPath(admin.account.id, "/csat_survey_responses"));
    expect(list.status).toBe(200);
    const low = list.body.find((r: { conversation_id: number }) => r.conversation_id === a.displayId);
    expect(low).toMatchObject({
      rating: 1,
      feedback_message: "bad",
      account_id: admin.account.id,
      message_id: a.messageId,
      conversation_id: a.displayId,
      contact: { name: "Rated Low" },
      assigned_agent: { id: admin.user.id, role: "administrator" },
    });
    expect(typeof low.created_at).toBe("number");
    expect(low.created_at).toBeLessThan(1e11); // seconds

    const high = await call(admin.token, "GET", accountPath(admin.account.id, "/csat_survey_responses?rating[]=5"));
    expect(high.body.every((r: { rating: number }) => r.rating === 5)).toBe(true);
    expect(high.body.some((r: { conversation_id: number }) => r.conversation_id === b.displayId)).toBe(true);
    const byAgent = await call(admin.token, "GET", accountPath(admin.account.id, `/csat_survey_responses?user_ids[]=${admin.user.id + 1000}`));
    expect(byAgent.body).toEqual([]);
    const byInbox = await call(admin.token, "GET", accountPath(admin.account.id, `/csat_survey_responses?inbox_id=${inbox.id}`));
    expect(byInbox.body.length).toBe(list.body.length);
    const future = Math.floor(Date.now() / 1000) + 3600;
    expect((await call(admin.token, "GET", accountPath(admin.account.id, `/csat_survey_responses?since=${future}`))).body).toEqual([]);
    expect((await call(admin.token, "GET", accountPath(admin.account.id, "/csat_survey_responses?since=yesterday"))).status).toBe(422);

    const metrics = await call(admin.token, "GET", accountPath(admin.account.id, "/csat_survey_responses/metrics"));
    expect(metrics.status).toBe(200);
    expect(Object.keys(metrics.body).sort()).toEqual(["ratings_count", "total_count", "total_sent_messages_count"]);
    expect(metrics.body.ratings_count["1"]).toBeGreaterThanOrEqual(1);
    expect(metrics.body.ratings_count["5"]).toBeGreaterThanOrEqual(1);
    const sum = Object.values(metrics.body.ratings_count as Record<string, number>).reduce((x, y) => x + y, 0);
    expect(metrics.body.total_count).toBe(sum);
    expect(metrics.body.total_sent_messages_count).toBeGreaterThanOrEqual(metrics.body.total_count);

    const agent = await createAgent(server, admin);
    expect((await call(agent.token, "GET", accountPath(admin.account.id, "/csat_survey_responses"))).status).toBe(403);
    expect((await call(agent.token, "GET", accountPath(admin.account.id, "/csat_survey_responses/metrics"))).status).toBe(403);
    const other = await createAdmin(server);
    const foreign = await call(other.token, "GET", accountPath(other.account.id, "/csat_survey_responses"));
    expect(foreign.body).toEqual([]);
  });
});

describe("conversation sidebar", () => {
  test("shows the contact's rating and feedback once they answered, and nothing before", async () => {
    const s = await surveyedConversation("Sidebar Sue");
    const me = admin as Admin & { email: string; password: string };
    const agent = new WebClient(server);
    await agent.page("/app/login");
    expect((await agent.post("/app/login", { email: me.email, password: me.password })).status).toBe(302);
    const section = `/app/accounts/${admin.account.id}/conversations/${s.displayId}/sidebar/info`;
    const before = await agent.page(section);
    expect(before.res.status).toBe(200);
    expect(before.html).toContain("Conversation information");
    expect(before.html).not.toContain("CSAT rating");

    const contact = new WebClient(server);
    await contact.page(`/survey/responses/${s.uuid}`);
    expect((await contact.post(`/survey/responses/${s.uuid}`, { rating: "3", feedback_message: "ok <i>fine</i>" })).status).toBe(200);
    const after = await agent.page(section);
    expect(after.html).toContain("CSAT rating");
    expect(after.html).toContain("3/5");
    expect(after.html).toContain("ok &lt;i&gt;fine&lt;/i&gt;");
  });
});
