import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { jobs } from "../../../db/schema/jobs.ts";
import { mail_outbox } from "../../../db/schema/mail.ts";
import { startReceiver, type Receiver } from "../../../testing/receiver.ts";
import { createAdmin, createAgent, startTestServer, type TestServer } from "../../../testing/server.ts";
import { accountPath, addInboxMembers, caller, createApiInbox, startConversation, drainJobs, type Admin } from "./conversation-test-kit.ts";

let server: TestServer;
let admin: Admin;
let other: Admin;
let agent: Awaited<ReturnType<typeof createAgent>>;
let outsider: Awaited<ReturnType<typeof createAgent>>;
let call: ReturnType<typeof caller>;
let inbox: { id: number };
let team: { id: number };
let receiver: Receiver;

const rules = (rest = "") => accountPath(admin.account.id, `/automation_rules${rest}`);
const conv = (id: number, rest = "") => accountPath(admin.account.id, `/conversations/${id}${rest}`);

const drain = () => drainJobs(server);

async function messagesOf(id: number): Promise<{ content: string; message_type: number; private: boolean; content_attributes: Record<string, unknown> }[]> {
  const res = await call(admin.token, "GET", conv(id, "/messages"));
  expect(res.status).toBe(200);
  return res.body.payload;
}

async function createRule(body: Record<string, unknown>) {
  const res = await call(admin.token, "POST", rules(), body);
  expect({ status: res.status, body: res.status === 200 ? null : res.body }).toEqual({ status: 200, body: null });
  return res.body.payload as { id: number };
}

async function deactivateAll() {
  const list = await call(admin.token, "GET", rules());
  for (const r of list.body.payload) await call(admin.token, "PATCH", rules(`/${r.id}`), { active: false });
}

beforeAll(async () => {
  server = startTestServer();
  call = caller(server);
  receiver = startReceiver();
  admin = await createAdmin(server);
  other = await createAdmin(server, { accountName: "Elsewhere" });
  agent = await createAgent(server, admin, { name: "Rita Rules" });
  outsider = await createAgent(server, admin, { name: "Oscar Outside" });
  inbox = await createApiInbox(server, admin);
  await addInboxMembers(server, admin, inbox.id, [agent.user.id]);
  const t = await call(admin.token, "POST", accountPath(admin.account.id, "/teams"), { name: "Tier 2" });
  team = t.body;
  await call(admin.token, "POST", accountPath(admin.account.id, `/teams/${team.id}/team_members`), { user_ids: [agent.user.id] });
  for (const title of ["vip", "billing", "loop"]) await call(admin.token, "POST", accountPath(admin.account.id, "/labels"), { title });
}, 30_000);
afterAll(async () => {
  await receiver.close();
  await server.close();
});

describe("automation rules API", () => {
  test("administrators create, read, update, clone, disable and delete; agents get 403; other accounts 404", async () => {
    const body = {
      name: "VIP to Tier 2",
      description: "VIPs first",
      event_name: "conversation_created",
      conditions: [{ attribute_key: "email", filter_operator: "contains", values: ["vip"], query_operator: null }],
      actions: [{ action_name: "assign_team", action_params: [team.id] }],
    };
    const created = await call(admin.token, "POST", rules(), { automation_rule: body });
    expect(created.status).toBe(200);
    const rule = created.body.payload;
    expect(Number.isInteger(rule.id)).toBe(true);
    expect(rule).toMatchObject({ account_id: admin.account.id, name: "VIP to Tier 2", description: "VIPs first", event_name: "conversation_created", active: true });
    expect(rule.conditions[0]).toMatchObject({ attribute_key: "email", filter_operator: "contains", values: ["vip"] });
    expect(rule.actions).toEqual([{ action_name: "assign_team", action_params: [team.id] }]);
    expect(typeof rule.created_on).toBe("number");

    const shown = await call(admin.token, "GET", rules(`/${rule.id}`));
    expect(shown.body.payload?.name).toBe("VIP to Tier 2");
    const disabled = await call(admin.token, "PATCH", rules(`/${rule.id}`), { active: false });
    expect(disabled.status).toBe(200);
    expect(disabled.body.payload).toMatchObject({ active: false, name: "VIP to Tier 2", event_name: "conversation_created" });

    const clone = await call(admin.token, "POST", rules(`/${rule.id}/clone`));
    expect(clone.status).toBe(200);
    expect(clone.body.payload.id).not.toBe(rule.id);
    expect(clone.body.payload).toMatchObject({ name: "VIP to Tier 2", active: false, conditions: rule.conditions, actions: rule.actions });
    const list = await call(admin.token, "GET", rules());
    expect(list.body.payload.map((r: { id: number }) => r.id)).toEqual([rule.id, clone.body.payload.id]);

    for (const [method, path] of [["GET", rules()], ["POST", rules()], ["GET", rules(`/${rule.id}`)], ["PATCH", rules(`/${rule.id}`)], ["POST", rules(`/${rule.id}/clone`)], ["DELETE", rules(`/${rule.id}`)]] as const) {
      expect((await call(agent.token, method, path, method === "GET" || method === "DELETE" ? undefined : body)).status).toBe(403);
    }
    const foreign = accountPath(other.account.id, `/automation_rules/${rule.id}`);
    expect((await call(other.token, "GET", foreign)).status).toBe(404);
    expect((await call(other.token, "PATCH", foreign, { active: true })).status).toBe(404);
    expect((await call(other.token, "POST", `${foreign}/clone`)).status).toBe(404);
    expect((await call(other.token, "DELETE", foreign)).status).toBe(404);

    expect((await call(admin.token, "DELETE", rules(`/${clone.body.payload.id}`))).status).toBe(200);
    expect((await call(admin.token, "GET", rules(`/${clone.body.payload.id}`))).status).toBe(404);
  });

  test("bad rules are 422 naming the offending part", async () => {
    const ok = {
      name: "x",
      event_name: "message_created",
      conditions: [{ attribute_key: "content", filter_operator: "contains", values: ["help"] }],
      actions: [{ action_name: "add_label", action_params: ["billing"] }],
    };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...ok, name: "" }, "name"],
      [{ ...ok, event_name: "conversation_exploded" }, "event_name"],
      [{ ...ok, conditions: "nope" }, "conditions"],
      [{ ...ok, conditions: [{ attribute_key: "shoe_size", filter_operator: "equal_to", values: ["9"] }] }, "conditions[0].attribute_key"],
      [{ ...ok, conditions: [ok.conditions[0], { attribute_key: "status", filter_operator: "is_greater_than", values: ["open"] }] }, "conditions[1].filter_operator"],
      [{ ...ok, conditions: [{ attribute_key: "status", filter_operator: "equal_to", values: ["exploded"] }] }, "conditions[0].values"],
      [{ ...ok, conditions: [{ attribute_key: "content", filter_operator: "bogus", values: ["x"] }] }, "conditions[0].filter_operator"],
      [{ ...ok, conditions: [{ attribute_key: "content", filter_operator: "contains", values: ["x"], query_operator: "xor" }] }, "conditions[0].query_operator"],
      [{ ...ok, actions: [] }, "actions"],
      [{ ...ok, actions: [{ action_name: "launch_rocket", action_params: [] }] }, "actions[0].action_name"],
      [{ ...ok, actions: [ok.actions[0], { action_name: "add_label", action_params: ["no-such-label"] }] }, "actions[1].action_params"],
      [{ ...ok, actions: [{ action_name: "assign_agent", action_params: [999999] }] }, "actions[0].action_params"],
      [{ ...ok, actions: [{ action_name: "assign_team", action_params: [999999] }] }, "actions[0].action_params"],
      [{ ...ok, actions: [{ action_name: "change_priority", action_params: ["sky-high"] }] }, "actions[0].action_params"],
      [{ ...ok, actions: [{ action_name: "send_webhook_event", action_params: ["ftp://example.com"] }] }, "actions[0].action_params"],
      [{ ...ok, actions: [{ action_name: "send_email_transcript", action_params: ["not-an-email"] }] }, "actions[0].action_params"],
      [{ ...ok, actions: [{ action_name: "send_message", action_params: [] }] }, "actions[0].action_params"],
      [{ ...ok, active: "yes" }, "active"],
    ];
    for (const [body, field] of cases) {
      const res = await call(admin.token, "POST", rules(), body);
      expect({ field, status: res.status }).toEqual({ field, status: 422 });
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    // Another account's team or agent is not this account's.
    const foreignTeam = await call(other.token, "POST", accountPath(other.account.id, "/teams"), { name: "Theirs" });
    const res = await call(admin.token, "POST", rules(), { ...ok, actions: [{ action_name: "assign_team", action_params: [foreignTeam.body.id] }] });
    expect(res.status).toBe(422);
  });

  test("conversation_created: matching conditions run every action in order; others do not match", async () => {
    await deactivateAll();
    await createRule({
      name: "VIP handling",
      event_name: "conversation_created",
      conditions: [
        { attribute_key: "inbox_id", filter_operator: "equal_to", values: [inbox.id], query_operator: "and" },
        { attribute_key: "status", filter_operator: "equal_to", values: ["open"], query_operator: null },
      ],
      actions: [
        { action_name: "assign_team", action_params: [team.id] },
        { action_name: "assign_agent", action_params: [agent.user.id] },
        { action_name: "add_label", action_params: ["vip"] },
        { action_name: "change_priority", action_params: ["high"] },
        { action_name: "add_private_note", action_params: ["VIP: answer within the hour"] },
        { action_name: "send_message", action_params: ["Thanks, a specialist is on it."] },
        { action_name: "send_webhook_event", action_params: [`${receiver.url}/automation`] },
        { action_name: "send_email_transcript", action_params: ["lead@example.com"] },
        { action_name: "send_email_to_team", action_params: [{ team_ids: [team.id], message: "A VIP is waiting" }] },
      ],
    });
    const c = await startConversation(server, admin, inbox.id);
    await drain();
    const after = (await call(admin.token, "GET", conv(c.id))).body;
    expect(after.meta.team?.id ?? after.team_id).toBe(team.id);
    expect(after.meta.assignee.id).toBe(agent.user.id);
    expect(after.labels).toEqual(["vip"]);
    expect(after.priority).toBe("high");
    const msgs = await messagesOf(c.id);
    const texts = msgs.map((m) => m.content);
    expect(texts).toContain("Assigned to tier 2 by Automation System");
    expect(texts).toContain("Assigned to Rita Rules by Automation System");
    expect(texts).toContain("Automation System added vip");
    expect(texts).toContain("Automation System set the priority to high");
    const note = msgs.find((m) => m.content === "VIP: answer within the hour")!;
    expect(note).toMatchObject({ private: true, message_type: 1 });
    const reply = msgs.find((m) => m.content === "Thanks, a specialist is on it.")!;
    expect(reply).toMatchObject({ private: false, message_type: 1 });
    expect(reply.content_attributes.automation_rule_id).toEqual(expect.any(Number));

    const [hook] = await receiver.waitFor(1, 10_000, (r) => r.path === "/automation");
    const payload = JSON.parse(hook.body);
    expect(payload.event).toBe("automation_event.conversation_created");
    expect(payload.id).toBe(c.id);

    const mails = server.deps.db.select().from(mail_outbox).all();
    expect(mails.some((m) => m.to_address === "lead@example.com")).toBe(true);
    expect(mails.some((m) => m.to_address === agent.email && m.text_body.includes("A VIP is waiting"))).toBe(true);
  });

  test("or-conditions, contact attributes and message_created content; status actions and mute", async () => {
    await deactivateAll();
    await createRule({
      name: "Refunds",
      event_name: "message_created",
      conditions: [
        { attribute_key: "message_type", filter_operator: "equal_to", values: ["incoming"], query_operator: "and" },
        { attribute_key: "content", filter_operator: "contains", values: ["refund"], query_operator: "or" },
        { attribute_key: "content", filter_operator: "contains", values: ["chargeback"], query_operator: null },
      ],
      actions: [
        { action_name: "add_label", action_params: ["billing"] },
        { action_name: "snooze_conversation", action_params: [] },
      ],
    });
    const c = await startConversation(server, admin, inbox.id);
    await call(admin.token, "POST", conv(c.id, "/messages"), { content: "hello there", message_type: "incoming" });
    await drain();
    expect((await call(admin.token, "GET", conv(c.id))).body.labels).toEqual([]);
    await call(admin.token, "POST", conv(c.id, "/messages"), { content: "I want a REFUND now", message_type: "incoming" });
    await drain();
    let after = (await call(admin.token, "GET", conv(c.id))).body;
    expect(after.labels).toEqual(["billing"]);
    expect(after.status).toBe("snoozed");

    await deactivateAll();
    await createRule({
      name: "Resolved → mute",
      event_name: "conversation_resolved",
      conditions: [{ attribute_key: "email", filter_operator: "is_present", values: [] }],
      actions: [{ action_name: "mute_conversation", action_params: [] }],
    });
    await call(admin.token, "POST", conv(c.id, "/toggle_status"), { status: "resolved" });
    await drain();
    after = (await call(admin.token, "GET", conv(c.id))).body;
    expect(after.muted).toBe(true);
    expect((await messagesOf(c.id)).map((m) => m.content)).toContain("Automation System has muted the conversation");
  });

  test("a rule's own actions never re-trigger rules (no loop)", async () => {
    await deactivateAll();
    // Would loop forever if its own changes re-triggered it: every update flips the priority and adds a note.
    await createRule({
      name: "Ping-pong",
      event_name: "conversation_updated",
      conditions: [{ attribute_key: "status", filter_operator: "equal_to", values: ["open"] }],
      actions: [
        { action_name: "change_priority", action_params: ["urgent"] },
        { action_name: "add_private_note", action_params: ["updated!"] },
        { action_name: "change_priority", action_params: ["low"] },
      ],
    });
    await createRule({
      name: "Echo",
      event_name: "message_created",
      conditions: [{ attribute_key: "status", filter_operator: "equal_to", values: ["open"] }],
      actions: [{ action_name: "send_message", action_params: ["echo"] }],
    });
    const c = await startConversation(server, admin, inbox.id);
    await call(admin.token, "POST", conv(c.id, "/toggle_priority"), { priority: "medium" });
    await drain();
    await drain();
    const msgs = await messagesOf(c.id);
    expect(msgs.filter((m) => m.content === "updated!").length).toBe(1);
    // The agent's change is one message_created (none here: toggle_priority writes an activity, ignored); the rules'
    // own messages trigger nothing.
    expect(msgs.filter((m) => m.content === "echo").length).toBe(0);
    await call(admin.token, "POST", conv(c.id, "/messages"), { content: "hi", message_type: "incoming" });
    await drain();
    await drain();
    const again = await messagesOf(c.id);
    expect(again.filter((m) => m.content === "echo").length).toBe(1);
    expect(again.filter((m) => m.content === "updated!").length).toBe(1);
    const health = await (await server.api("/health")).json();
    expect(health.jobs.pending).toBe(0);
  });

  test("attribute_changed on conversation_updated: only the named change triggers the rule", async () => {
    await deactivateAll();
    const bad = await call(admin.token, "POST", rules(), {
      name: "bad",
      event_name: "conversation_updated",
      conditions: [{ attribute_key: "email", filter_operator: "attribute_changed", values: { from: ["a"], to: ["b"] } }],
      actions: [{ action_name: "add_label", action_params: ["vip"] }],
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].field).toBe("conditions[0].filter_operator");
    await createRule({
      name: "Escalated to urgent",
      event_name: "conversation_updated",
      conditions: [{ attribute_key: "priority", filter_operator: "attribute_changed", values: { from: ["low", "medium"], to: ["urgent"] }, query_operator: null }],
      actions: [{ action_name: "add_label", action_params: ["vip"] }],
    });
    const c = await startConversation(server, admin, inbox.id);
    await call(admin.token, "POST", conv(c.id, "/toggle_priority"), { priority: "high" });
    await drain();
    await call(admin.token, "POST", conv(c.id, "/toggle_priority"), { priority: "urgent" });
    await drain();
    expect((await call(admin.token, "GET", conv(c.id))).body.labels).toEqual([]);
    await call(admin.token, "POST", conv(c.id, "/toggle_priority"), { priority: "medium" });
    await call(admin.token, "POST", conv(c.id, "/toggle_priority"), { priority: "urgent" });
    await drain();
    expect((await call(admin.token, "GET", conv(c.id))).body.labels).toEqual(["vip"]);
  });

  test("a rule naming a label deleted since is disabled when it next matches, and says why", async () => {
    await deactivateAll();
    const label = await call(admin.token, "POST", accountPath(admin.account.id, "/labels"), { title: "doomed" });
    const rule = await createRule({
      name: "Doomed",
      event_name: "conversation_created",
      conditions: [],
      actions: [{ action_name: "add_label", action_params: ["doomed"] }],
    });
    expect((await call(admin.token, "DELETE", accountPath(admin.account.id, `/labels/${label.body.id}`))).status).toBe(200);
    const c = await startConversation(server, admin, inbox.id);
    await drain();
    expect((await call(admin.token, "GET", conv(c.id))).body.labels).toEqual([]);
    expect((await call(admin.token, "GET", rules(`/${rule.id}`))).body.payload.active).toBe(false);
    const { ruleProblem, getAutomationRule } = await import("../../../domain/automation/commands.ts");
    expect(ruleProblem(server.deps.db, getAutomationRule(server.deps.db, admin.account.id, rule.id), Date.now())).toBe("Action 1: names labels that do not exist: doomed");
  });

  test("send_attachment: an attached file goes out with each matching conversation, as a copy of its own", async () => {
    await deactivateAll();
    const upload = async (token: string, path: string, text: string) => {
      const form = new FormData();
      form.append("attachment", new File([text], "price-list.txt", { type: "text/plain" }));
      return server.api(path, { method: "POST", token, body: form });
    };
    expect((await upload(agent.token, rules("/attach_file"), "nope")).status).toBe(403);
    const res = await upload(admin.token, rules("/attach_file"), "Prices: 10 EUR");
    expect(res.status).toBe(200);
    const blob = await res.json();
    // (Plain checks: toMatchObject with asymmetric matchers writes them into the object it is given.)
    expect(Number.isInteger(blob.blob_id)).toBe(true);
    expect(typeof blob.blob_key).toBe("string");
    expect(blob.file_name).toBe("price-list.txt");
    const foreign = await (await upload(other.token, accountPath(other.account.id, "/automation_rules/attach_file"), "theirs")).json();
    const refused = await call(admin.token, "POST", rules(), {
      name: "x",
      event_name: "conversation_created",
      conditions: [],
      actions: [{ action_name: "send_attachment", action_params: [foreign.blob_id] }],
    });
    expect(refused.status).toBe(422);
    expect(refused.body.errors[0].field).toBe("actions[0].action_params");

    await createRule({ name: "Price list", event_name: "conversation_created", conditions: [], actions: [{ action_name: "send_attachment", action_params: [blob.blob_id] }] });
    const fileOf = async (id: number) => {
      const msgs = (await call(admin.token, "GET", conv(id, "/messages"))).body.payload as { id: number; attachments?: { data_url: string }[] }[];
      const m = msgs.find((x) => x.attachments?.length)!;
      const got = await fetch(server.url + new URL(m.attachments![0].data_url).pathname);
      return { message: m, text: await got.text() };
    };
    const first = await startConversation(server, admin, inbox.id);
    await drain();
    const a = await fileOf(first.id);
    expect(a.text).toBe("Prices: 10 EUR");
    // Deleting that message takes its copy only: the next conversation still gets the file.
    expect((await call(admin.token, "DELETE", conv(first.id, `/messages/${a.message.id}`))).status).toBe(200);
    const second = await startConversation(server, admin, inbox.id);
    await drain();
    expect((await fileOf(second.id)).text).toBe("Prices: 10 EUR");
    await deactivateAll();
  });

  test("custom attribute conditions: contact and conversation attributes by their defined type; open and pending actions", async () => {
    await deactivateAll();
    const defs = accountPath(admin.account.id, "/custom_attribute_definitions");
    for (const d of [
      { attribute_display_name: "Plan", attribute_key: "plan", attribute_display_type: "list", attribute_model: "contact_attribute", attribute_values: ["free", "enterprise"] },
      { attribute_display_name: "Seats", attribute_key: "seats", attribute_display_type: "number", attribute_model: "conversation_attribute" },
    ]) {
      expect((await call(admin.token, "POST", defs, { custom_attribute_definition: d })).status).toBe(200);
    }
    await createRule({
      name: "Enterprise or big",
      event_name: "conversation_created",
      conditions: [
        { attribute_key: "plan", filter_operator: "equal_to", values: ["enterprise"], custom_attribute_type: "contact_attribute", query_operator: "or" },
        { attribute_key: "seats", filter_operator: "is_greater_than", values: [100], custom_attribute_type: "conversation_attribute", query_operator: null },
      ],
      actions: [
        { action_name: "pending_conversation", action_params: [] },
        { action_name: "add_label", action_params: ["vip"] },
      ],
    });
    const contactWith = async (attrs: Record<string, unknown>) => {
      const res = await call(admin.token, "POST", accountPath(admin.account.id, "/contacts"), { name: "Attr", inbox_id: inbox.id, custom_attributes: attrs });
      expect(res.status).toBe(200);
      return res.body.payload.contact.id as number;
    };
    const open = async (contactId: number, custom: Record<string, unknown> = {}) => {
      const res = await call(admin.token, "POST", accountPath(admin.account.id, "/conversations"), { inbox_id: inbox.id, contact_id: contactId, custom_attributes: custom });
      expect(res.status).toBe(200);
      return res.body.id as number;
    };
    const enterprise = await open(await contactWith({ plan: "enterprise" }));
    const big = await open(await contactWith({ plan: "free" }), { seats: 250 });
    const small = await open(await contactWith({ plan: "free" }), { seats: 5 });
    await drain();
    const state = async (id: number) => (await call(admin.token, "GET", conv(id))).body;
    expect(await state(enterprise)).toMatchObject({ status: "pending", labels: ["vip"] });
    expect(await state(big)).toMatchObject({ status: "pending", labels: ["vip"] });
    expect(await state(small)).toMatchObject({ status: "open", labels: [] });

    await deactivateAll();
    await createRule({ name: "Reopen", event_name: "conversation_updated", conditions: [{ attribute_key: "status", filter_operator: "equal_to", values: ["pending"] }], actions: [{ action_name: "open_conversation", action_params: [] }] });
    await call(admin.token, "POST", conv(small, "/toggle_status"), { status: "pending" });
    await drain();
    expect((await state(small)).status).toBe("open");
    await deactivateAll();
  });

  test("send_webhook_event obeys the outbound guard: metadata addresses are never called", async () => {
    await deactivateAll();
    await createRule({ name: "Leak", event_name: "conversation_created", conditions: [], actions: [{ action_name: "send_webhook_event", action_params: ["http://169.254.169.254/latest/meta-data"] }] });
    await startConversation(server, admin, inbox.id);
    await drain();
    const { eq } = await import("drizzle-orm");
    const leaks = () => server.deps.db.select().from(jobs).where(eq(jobs.kind, "http.deliver")).all().filter((j) => JSON.stringify(j.payload).includes("169.254.169.254"));
    // The runner in the background may hold it a moment: wait for its end.
    for (let i = 0; i < 100 && leaks()[0]?.status !== "dead"; i++) await Bun.sleep(50);
    const leak = leaks();
    expect(leak.length).toBe(1);
    expect(leak[0].status).toBe("dead");
    expect(leak[0].last_error ?? "").toContain("blocked");
    await deactivateAll();
  });

  test("a failing action is logged and the others still run", async () => {
    await deactivateAll();
    await createRule({
      name: "Half broken",
      event_name: "conversation_created",
      conditions: [],
      actions: [
        { action_name: "add_label", action_params: ["loop"] },
        // An agent of the account who is not a member of the inbox: cannot be assigned, the action fails.
        { action_name: "assign_agent", action_params: [outsider.user.id] },
        { action_name: "add_private_note", action_params: ["still here"] },
      ],
    });
    const c = await startConversation(server, admin, inbox.id);
    await drain();
    const after = (await call(admin.token, "GET", conv(c.id))).body;
    expect(after.labels).toEqual(["loop"]);
    expect(after.meta.assignee ?? null).toBeNull();
    expect((await messagesOf(c.id)).map((m) => m.content)).toContain("still here");
    const { and, eq } = await import("drizzle-orm");
    expect(server.deps.db.select().from(jobs).where(and(eq(jobs.kind, "automation.run"), eq(jobs.status, "dead"))).all()).toEqual([]);
    await deactivateAll();
  });
});
