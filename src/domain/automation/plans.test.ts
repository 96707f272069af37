// The automation runner's plans (plans.ts): the prepared, three-valued evaluation decides exactly what
// conditionsMatch decides, for every rule of a varied set over varied conversations and messages; the listener's
// pre-check never rules out a rule that matches; rules act inside the transaction of their event (no job), a failing
// action undone alone;
// plans follow rule writes (also under a frozen clock and from outside commands.ts) and custom attribute changes.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq, inArray } from "drizzle-orm";
import { automationRules, type RuleCondition } from "../../db/schema/automation.ts";
import { conversations } from "../../db/schema/conversations.ts";
import { jobs } from "../../db/schema/jobs.ts";
import { accountPath, caller, createApiInbox, type Admin } from "../../api/v1/accounts/conversation-test-kit.ts";
import { createAdmin, startTestServer, type TestServer } from "../../testing/server.ts";
import { conditionsMatch, type ConditionMessage } from "./conditions.ts";
import { planFor, ruleMayHold } from "./plans.ts";

let server: TestServer;
let admin: Admin;
let call: ReturnType<typeof caller>;
let inbox: { id: number };
let otherInbox: { id: number };
const path = (rest: string) => accountPath(admin.account.id, rest);

async function ok(method: string, rest: string, body?: unknown) {
  const res = await call(admin.token, method, path(rest), body);
  const good = res.status === 200 || res.status === 204;
  expect({ good, body: good ? null : res.body }).toEqual({ good: true, body: null });
  return res.body;
}

/** Every rule off: each test starts with none active. */
async function deactivateAll() {
  for (const r of (await ok("GET", "/automation_rules")).payload) await ok("PATCH", `/automation_rules/${r.id}`, { active: false });
}

/** A conversation's internal id from its display id. */
function internalId(displayId: number): number {
  return server.deps.db
    .select({ id: conversations.id })
    .from(conversations)
    .where(and(eq(conversations.account_id, admin.account.id), eq(conversations.display_id, displayId)))
    .get()!.id;
}

async function automationJobs(): Promise<number> {
  return server.deps.db.select({ id: jobs.id }).from(jobs).where(inArray(jobs.kind, ["automation.run"])).all().length;
}

async function drain() {
  for (let i = 0; i < 400; i++) {
    await server.runner.runUntilEmpty();
    const open = server.deps.db.select({ id: jobs.id }).from(jobs).where(inArray(jobs.status, ["pending", "blocked", "running"])).all();
    if (!open.length) return;
    await Bun.sleep(10);
  }
}

const cond = (attribute_key: string, filter_operator: string, values: unknown[], query_operator: string | null = "and", extra: Record<string, unknown> = {}) => ({
  attribute_key,
  filter_operator,
  values,
  query_operator,
  ...extra,
});

beforeAll(async () => {
  server = startTestServer({}, { startJobs: false });
  call = caller(server);
  admin = await createAdmin(server);
  inbox = await createApiInbox(server, admin);
  otherInbox = await createApiInbox(server, admin, { name: "Other API" });
  for (const title of ["vip", "billing"]) await ok("POST", "/labels", { title });
  await ok("POST", "/custom_attribute_definitions", { attribute_display_name: "VIP", attribute_key: "vip", attribute_model: "contact_attribute", attribute_display_type: "checkbox" });
  await ok("POST", "/custom_attribute_definitions", { attribute_display_name: "Plan", attribute_key: "plan", attribute_model: "contact_attribute", attribute_display_type: "list", attribute_values: ["free", "pro"] });
  await ok("POST", "/custom_attribute_definitions", { attribute_display_name: "Order value", attribute_key: "order_value", attribute_model: "conversation_attribute", attribute_display_type: "number" });
}, 30_000);
afterAll(async () => {
  await server.close();
});

describe("automation plans", () => {
  test("the plan decides exactly what conditionsMatch decides; the listener's pre-check never rules out a match", async () => {
    // Conversations: contacts with and without email, VIP or not, labels, priority, custom attributes, two inboxes.
    await deactivateAll();
    const people = [
      { name: "Vera Vip", email: "vera@vip.example", custom_attributes: { vip: true, plan: "pro" }, inbox: inbox.id, labels: ["vip"], priority: "high", order_value: 1500 },
      { name: "Nora None", email: null, custom_attributes: {}, inbox: inbox.id, labels: [], priority: null, order_value: null },
      { name: "Paul Plain", email: "paul@plain.example", custom_attributes: { vip: false, plan: "free" }, inbox: otherInbox.id, labels: ["billing"], priority: "low", order_value: 20 },
    ];
    const ids: number[] = [];
    for (const p of people) {
      const contact = (await ok("POST", "/contacts", { name: p.name, ...(p.email ? { email: p.email } : {}), custom_attributes: p.custom_attributes, inbox_id: p.inbox })).payload.contact;
      const c = await ok("POST", "/conversations", { inbox_id: p.inbox, contact_id: contact.id });
      if (p.labels.length) await ok("POST", `/conversations/${c.id}/labels`, { labels: p.labels });
      if (p.priority) await ok("POST", `/conversations/${c.id}/toggle_priority`, { priority: p.priority });
      if (p.order_value != null) await ok("POST", `/conversations/${c.id}/custom_attributes`, { custom_attributes: { order_value: p.order_value } });
      ids.push(internalId(c.id));
    }
    const sets: RuleCondition[][] = [
      [cond("content", "contains", ["refund"], null)],
      [cond("message_type", "equal_to", ["incoming"]), cond("content", "contains", ["refund"], null)],
      [cond("message_type", "equal_to", ["incoming"], "or"), cond("labels", "equal_to", ["vip"], null)],
      [cond("content", "does_not_contain", ["thanks"]), cond("email", "is_present", [], null)],
      [cond("email", "contains", ["@vip.example"], "or"), cond("content", "contains", ["urgent"]), cond("priority", "equal_to", ["low"], null)],
      [cond("vip", "equal_to", [true], null, { custom_attribute_type: "contact_attribute" })],
      [cond("vip", "not_equal_to", [true], "and", { custom_attribute_type: "contact_attribute" }), cond("message_type", "not_equal_to", ["outgoing"], null)],
      [cond("plan", "equal_to", ["pro"], "or", { custom_attribute_type: "contact_attribute" }), cond("order_value", "is_less_than", [100], null, { custom_attribute_type: "conversation_attribute" })],
      [cond("inbox_id", "equal_to", [otherInbox.id], "and"), cond("content", "is_present", [], null)],
      [cond("email", "is_not_present", [], "or"), cond("content", "equal_to", ["Hello"], null)],
      [cond("status", "equal_to", ["open"], "and"), cond("priority", "not_equal_to", ["urgent"], "or"), cond("content", "contains", ["löschen"], null)],
      [],
    ];
    for (const [i, conditions] of sets.entries()) await ok("POST", "/automation_rules", { name: `Rule ${i}`, event_name: "message_created", conditions, actions: [{ action_name: "add_label", action_params: ["billing"] }] });

    const plan = planFor(server.deps.db, admin.account.id, "message_created");
    expect(plan.rules.length).toBe(sets.length);
    const messages: (ConditionMessage | null)[] = [
      { message_type: 0, content: "I want a REFUND please", private: false },
      { message_type: 1, content: "Thanks, the refund is on its way", private: false },
      { message_type: 0, content: "hello", private: false },
      { message_type: 0, content: "Bitte LÖSCHEN und löschen", private: false },
      { message_type: 0, content: null, private: false },
      { message_type: 3, content: "urgent: 100% of _orders_", private: false },
      null,
    ];
    let matches = 0;
    let ruledOut = 0;
    for (const id of [...ids, 999_999]) {
      for (const message of messages) {
        const byMessage = plan.evaluateMessage(message);
        const together = plan.matchConversation(id, message, plan.rules);
        for (const r of plan.rules) {
          const expected = conditionsMatch(server.deps.db, admin.account.id, r.rule.conditions, id, message, Date.now(), null);
          const where = `${r.rule.name} on conversation ${id} with ${JSON.stringify(message)}`;
          const alone = plan.matchConversation(id, message, [r]);
          expect({ where, alone: alone.found && alone.holds.has(r.index), together: together.found && together.holds.has(r.index) }).toEqual({ where, alone: expected, together: expected });
          const before = ruleMayHold(r, null, byMessage);
          if (expected) expect({ where, before }).toEqual({ where, before: null });
          if (expected) matches++;
          if (before === false) ruledOut++;
        }
      }
    }
    // The set is not trivial: rules match, and the message alone rules some out.
    expect(matches).toBeGreaterThan(20);
    expect(ruledOut).toBeGreaterThan(20);
  });

  test("rules act before the request returns, in its transaction, and never through a job", async () => {
    await deactivateAll();
    const rule = await ok("POST", "/automation_rules", {
      name: "Incoming refunds",
      event_name: "message_created",
      conditions: [cond("message_type", "equal_to", ["incoming"]), cond("content", "contains", ["refund"], null)],
      actions: [{ action_name: "add_label", action_params: ["billing"] }],
    });
    const contact = (await ok("POST", "/contacts", { name: "Rita Refund", inbox_id: inbox.id })).payload.contact;
    const c = await ok("POST", "/conversations", { inbox_id: inbox.id, contact_id: contact.id });
    await drain();
    const before = await automationJobs();
    await ok("POST", `/conversations/${c.id}/messages`, { content: "We sent the refund", message_type: "outgoing" });
    await ok("POST", `/conversations/${c.id}/messages`, { content: "Where is my order?", message_type: "incoming" });
    expect((await ok("GET", `/conversations/${c.id}`)).labels).toEqual([]);
    await ok("POST", `/conversations/${c.id}/messages`, { content: "I want a refund", message_type: "incoming" });
    expect((await ok("GET", `/conversations/${c.id}`)).labels).toEqual(["billing"]);

    // conversation_updated with attribute_changed: a status change does nothing, the named priority change acts.
    await ok("POST", "/automation_rules", {
      name: "Priority raised",
      event_name: "conversation_updated",
      conditions: [{ attribute_key: "priority", filter_operator: "attribute_changed", values: { from: ["low"], to: ["urgent"] }, query_operator: null }],
      actions: [{ action_name: "add_private_note", action_params: ["Raised!"] }],
    });
    const raised = async () => (await ok("GET", `/conversations/${c.id}/messages`)).payload.filter((m: { content: string }) => m.content === "Raised!").length;
    await ok("POST", `/conversations/${c.id}/toggle_priority`, { priority: "low" });
    await ok("POST", `/conversations/${c.id}/toggle_status`, { status: "pending" });
    expect(await raised()).toBe(0);
    await ok("POST", `/conversations/${c.id}/toggle_priority`, { priority: "urgent" });
    expect(await raised()).toBe(1);
    expect(await automationJobs()).toBe(before);
    expect(rule.payload.id).toBeGreaterThan(0);
  });

  test("a failing action is undone alone: the rule's other actions and the triggering message stay", async () => {
    await deactivateAll();
    await ok("POST", "/labels", { title: "escalated" });
    const stranger = await ok("POST", "/agents", { name: "Stray Agent", email: `stray-${Date.now()}@example.com`, role: "agent" });
    await ok("POST", "/automation_rules", {
      name: "Half fails",
      event_name: "message_created",
      conditions: [cond("content", "contains", ["escalate"], null)],
      // The agent is not a member of the inbox: assign_agent fails when it runs (the rule itself stays valid).
      actions: [
        { action_name: "add_label", action_params: ["escalated"] },
        { action_name: "assign_agent", action_params: [stranger.id] },
        { action_name: "change_priority", action_params: ["high"] },
      ],
    });
    const contact = (await ok("POST", "/contacts", { name: "Esme Escalate", inbox_id: inbox.id })).payload.contact;
    const c = await ok("POST", "/conversations", { inbox_id: inbox.id, contact_id: contact.id });
    const message = await ok("POST", `/conversations/${c.id}/messages`, { content: "Please escalate this", message_type: "incoming" });
    const after = await ok("GET", `/conversations/${c.id}`);
    expect({ labels: after.labels, priority: after.priority, assignee: after.meta.assignee ?? null }).toEqual({ labels: ["escalated"], priority: "high", assignee: null });
    expect((await ok("GET", `/conversations/${c.id}/messages`)).payload.map((m: { id: number }) => m.id)).toContain(message.id);
  });

  test("a message that also updates its conversation: both events, in order, in the request's transaction", async () => {
    await deactivateAll();
    await ok("POST", "/automation_rules", {
      name: "Updated while open",
      event_name: "conversation_updated",
      conditions: [cond("status", "equal_to", ["open"], null)],
      actions: [{ action_name: "add_label", action_params: ["vip"] }],
    });
    await ok("POST", "/automation_rules", {
      name: "Replies that say both",
      event_name: "message_created",
      conditions: [cond("content", "contains", ["both"], "and"), cond("labels", "equal_to", ["vip"], null)],
      actions: [{ action_name: "add_private_note", action_params: ["Both ran"] }],
    });
    const contact = (await ok("POST", "/contacts", { name: "Bo Both", inbox_id: inbox.id })).payload.contact;
    const c = await ok("POST", "/conversations", { inbox_id: inbox.id, contact_id: contact.id });
    await ok("POST", `/conversations/${c.id}/messages`, { content: "Hello?", message_type: "incoming" });
    expect((await ok("GET", `/conversations/${c.id}`)).labels).toEqual([]);
    // The first reply: conversation.updated (waiting_since, first_reply_created_at) then message.created. In order:
    // the update's rule labels it vip, so the message's rule (which needs the label) runs too.
    await ok("POST", `/conversations/${c.id}/messages`, { content: "We will do both", message_type: "outgoing" });
    expect((await ok("GET", `/conversations/${c.id}`)).labels).toEqual(["vip"]);
    const notes = (await ok("GET", `/conversations/${c.id}/messages`)).payload.filter((m: { content: string }) => m.content === "Both ran");
    expect(notes.length).toBe(1);
  });

  test("plans follow rule edits under a frozen clock, writes from outside the commands, and custom attribute changes", async () => {
    await deactivateAll();
    const db = server.deps.db;
    const account = admin.account.id;
    const created = (
      await ok("POST", "/automation_rules", {
        name: "Planned",
        event_name: "conversation_opened",
        conditions: [cond("content", "contains", ["alpha"], null)],
        actions: [{ action_name: "change_priority", action_params: ["high"] }],
      })
    ).payload;
    const contact = (await ok("POST", "/contacts", { name: "Otto Opened", inbox_id: inbox.id })).payload.contact;
    const conversationId = internalId((await ok("POST", "/conversations", { inbox_id: inbox.id, contact_id: contact.id })).id);
    const holdsFor = (content: string) => {
      const plan = planFor(db, account, "conversation_opened");
      const r = plan.rules.find((x) => x.rule.id === created.id);
      if (!r) return "absent";
      return plan.matchConversation(conversationId, { message_type: 0, content, private: false }, [r]).holds.has(r.index);
    };
    expect(holdsFor("alpha")).toBe(true);
    // Same updated_at (a frozen clock): the edit still reaches the plan.
    const stamp = db.select({ u: automationRules.updated_at }).from(automationRules).where(eq(automationRules.id, created.id)).get()!.u;
    await ok("PATCH", `/automation_rules/${created.id}`, { conditions: [cond("content", "contains", ["beta"], null)] });
    db.update(automationRules).set({ updated_at: stamp }).where(eq(automationRules.id, created.id)).run();
    expect(holdsFor("alpha")).toBe(false);
    expect(holdsFor("beta")).toBe(true);
    // A write that bypasses the commands (another process, a migration): the fingerprint notices it from the next
    // turn of the event loop.
    const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
    db.update(automationRules).set({ active: false }).where(eq(automationRules.id, created.id)).run();
    await nextTurn();
    expect(holdsFor("beta")).toBe("absent");
    db.update(automationRules).set({ active: true }).where(eq(automationRules.id, created.id)).run();
    await nextTurn();
    expect(holdsFor("beta")).toBe(true);

    // A custom attribute the conditions name is deleted: the rule no longer compiles (as conditionsMatch: no match).
    const def = await ok("POST", "/custom_attribute_definitions", { attribute_display_name: "Tier", attribute_key: "tier", attribute_model: "contact_attribute", attribute_display_type: "text" });
    await ok("PATCH", `/automation_rules/${created.id}`, { conditions: [cond("tier", "equal_to", ["gold"], null, { custom_attribute_type: "contact_attribute" })] });
    const find = () => planFor(db, account, "conversation_opened").rules.find((x) => x.rule.id === created.id)!;
    expect(find().compileError).toBeNull();
    await ok("DELETE", `/custom_attribute_definitions/${def.id}`);
    await nextTurn();
    expect(find().compileError).toBeTruthy();
    await ok("DELETE", `/automation_rules/${created.id}`);
    expect(planFor(db, account, "conversation_opened").rules.find((x) => x.rule.id === created.id)).toBeUndefined();
  });
});
