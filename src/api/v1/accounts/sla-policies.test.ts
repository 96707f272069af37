// SLA policies end to end through the API with a controllable clock: CRUD and validation, applying a policy
// (PATCH sla_policy_id), breach timers as durable jobs, misses with events and notifications, hit/missed on
// resolve, business hours, the applied_slas report.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ManualClock } from "../../../lib/clock.ts";
import { CableClient } from "../../../realtime/test-client.ts";
import { createAdmin, createAgent, startTestServer, type TestServer } from "../../../testing/server.ts";
import { accountPath, addInboxMembers, caller, createApiInbox, startConversation, type Admin } from "./conversation-test-kit.ts";

let server: TestServer;
let admin: Admin;
let agent: { user: { id: number }; token: string };
let call: ReturnType<typeof caller>;
let inbox: { id: number };
const MIN = 60_000;
const HOUR = 60 * MIN;
// Monday 2 March 2026, 10:00 UTC.
const clock = new ManualClock(Date.parse("2026-03-02T10:00:00Z"));

const path = (rest = "") => accountPath(admin.account.id, rest);

beforeAll(async () => {
  server = startTestServer({}, { clock, startJobs: false });
  call = caller(server);
  admin = await createAdmin(server);
  agent = await createAgent(server, admin, { name: "Sam Agent" });
  inbox = await createApiInbox(server, admin, { enable_auto_assignment: false });
  await addInboxMembers(server, admin, inbox.id, [agent.user.id]);
  await server.runner.runUntilEmpty();
});
afterAll(() => server.close());

async function policy(input: Record<string, unknown>) {
  const res = await call(admin.token, "POST", path("/sla_policies"), { sla_policy: { name: `P ${crypto.randomUUID().slice(0, 6)}`, ...input } });
  expect(res.status).toBe(200);
  return res.body.payload as { id: number; name: string };
}

/** A conversation assigned to the agent, with the policy applied through PATCH. */
async function conversationUnder(policyId: number, inboxId = inbox.id) {
  const c = await startConversation(server, admin, inboxId);
  expect((await call(admin.token, "POST", path(`/conversations/${c.id}/assignments`), { assignee_id: agent.user.id })).status).toBe(200);
  const res = await call(admin.token, "PATCH", path(`/conversations/${c.id}`), { sla_policy_id: policyId });
  expect(res.status).toBe(200);
  return c as { id: number };
}

const show = async (id: number) => (await call(admin.token, "GET", path(`/conversations/${id}`))).body;
const reply = (id: number, token = agent.token) => call(token, "POST", path(`/conversations/${id}/messages`), { content: "On it", message_type: "outgoing" });
const customer = (id: number) => call(admin.token, "POST", path(`/conversations/${id}/messages`), { content: "Any news?", message_type: "incoming" });
const tick = async (ms: number) => {
  clock.advance(ms);
  await server.runner.runUntilEmpty();
};
async function slaNotifications(token: string, displayId: number) {
  const res = await call(token, "GET", path("/notifications"));
  return (res.body.data.payload as { notification_type: string; primary_actor_id: number; primary_actor: { id: number } }[]).filter(
    (n) => n.notification_type.startsWith("sla_missed") && n.primary_actor?.id === displayId,
  );
}

describe("policies", () => {
  test("create, show, list, update and delete; Chatwoot's field names", async () => {
    const created = await call(admin.token, "POST", path("/sla_policies"), {
      sla_policy: { name: " Gold ", description: "VIP", first_response_time_threshold: 3600, next_response_time_threshold: "1800", only_during_business_hours: true },
    });
    expect(created.status).toBe(200);
    const p = created.body.payload;
    expect(p).toMatchObject({
      name: "Gold",
      description: "VIP",
      first_response_time_threshold: 3600,
      next_response_time_threshold: 1800,
      resolution_time_threshold: null,
      only_during_business_hours: true,
    });
    expect((await call(agent.token, "GET", path(`/sla_policies/${p.id}`))).body.payload.name).toBe("Gold");
    expect((await call(agent.token, "GET", path("/sla_policies"))).body.payload.map((x: { id: number }) => x.id)).toContain(p.id);
    const updated = await call(admin.token, "PATCH", path(`/sla_policies/${p.id}`), { resolution_time_threshold: 86400, first_response_time_threshold: null });
    expect(updated.status).toBe(200);
    expect(updated.body.payload).toMatchObject({ first_response_time_threshold: null, resolution_time_threshold: 86400, next_response_time_threshold: 1800 });
    expect((await call(admin.token, "DELETE", path(`/sla_policies/${p.id}`))).status).toBe(200);
    expect((await call(admin.token, "GET", path(`/sla_policies/${p.id}`))).status).toBe(404);
  });

  test("validation names the field: name, thresholds positive numbers, at least one threshold", async () => {
    const noName = await call(admin.token, "POST", path("/sla_policies"), { sla_policy: { first_response_time_threshold: 60 } });
    expect(noName.status).toBe(422);
    expect(noName.body.errors.map((e: { field: string }) => e.field)).toContain("name");
    const negative = await call(admin.token, "POST", path("/sla_policies"), { sla_policy: { name: "X", first_response_time_threshold: -5, resolution_time_threshold: "soon" } });
    expect(negative.status).toBe(422);
    expect(negative.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(["first_response_time_threshold", "resolution_time_threshold"]);
    const none = await call(admin.token, "POST", path("/sla_policies"), { sla_policy: { name: "Empty" } });
    expect(none.status).toBe(422);
    expect(none.body.errors[0].field).toBe("first_response_time_threshold");
    const flag = await call(admin.token, "POST", path("/sla_policies"), { sla_policy: { name: "F", first_response_time_threshold: 60, only_during_business_hours: "maybe" } });
    expect(flag.status).toBe(422);
    expect(flag.body.errors[0].field).toBe("only_during_business_hours");
  });

  test("agents read but cannot write; another account's policy is not found", async () => {
    expect((await call(agent.token, "POST", path("/sla_policies"), { name: "Mine", first_response_time_threshold: 60 })).status).toBe(403);
    const p = await policy({ first_response_time_threshold: 60 });
    expect((await call(agent.token, "PATCH", path(`/sla_policies/${p.id}`), { name: "x" })).status).toBe(403);
    expect((await call(agent.token, "DELETE", path(`/sla_policies/${p.id}`))).status).toBe(403);
    const other = await createAdmin(server, { accountName: "Other" });
    expect((await call(other.token, "GET", accountPath(other.account.id, `/sla_policies/${p.id}`))).status).toBe(404);
    const otherInbox = await createApiInbox(server, other);
    const c = await startConversation(server, other, otherInbox.id);
    const res = await call(other.token, "PATCH", accountPath(other.account.id, `/conversations/${c.id}`), { sla_policy_id: p.id });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].field).toBe("sla_policy_id");
  });
});

describe("applying and evaluating", () => {
  test("PATCH sla_policy_id applies the policy once: the payload shows applied_sla; it cannot be replaced or removed", async () => {
    const p = await policy({ first_response_time_threshold: 3600 });
    const q = await policy({ first_response_time_threshold: 60 });
    const c = await conversationUnder(p.id);
    const body = await show(c.id);
    expect(body.sla_policy_id).toBe(p.id);
    expect(body.applied_sla).toMatchObject({ sla_id: p.id, sla_status: "active", sla_name: p.name, sla_first_response_time_threshold: 3600 });
    expect(body.sla_events).toEqual([]);
    expect((await call(admin.token, "PATCH", path(`/conversations/${c.id}`), { sla_policy_id: p.id })).status).toBe(200);
    const other = await call(admin.token, "PATCH", path(`/conversations/${c.id}`), { sla_policy_id: q.id });
    expect(other.status).toBe(422);
    expect(other.body.errors[0]).toMatchObject({ field: "sla_policy_id" });
    expect((await call(admin.token, "PATCH", path(`/conversations/${c.id}`), { sla_policy_id: null })).status).toBe(422);
    expect((await call(admin.token, "PATCH", path(`/conversations/${c.id}`), { sla_policy_id: "abc" })).status).toBe(422);
    // A conversation without SLA shows the key with null and no applied_sla.
    const plain = await startConversation(server, admin, inbox.id);
    const plainBody = await show(plain.id);
    expect(plainBody.sla_policy_id).toBeNull();
    expect(plainBody.applied_sla).toBeUndefined();
  });

  test("first response in time: no miss, and resolving makes the SLA hit", async () => {
    const p = await policy({ first_response_time_threshold: 3600 });
    const c = await conversationUnder(p.id);
    await tick(30 * MIN);
    expect((await reply(c.id)).status).toBe(200);
    await tick(2 * HOUR);
    expect((await show(c.id)).applied_sla.sla_status).toBe("active");
    await call(admin.token, "POST", path(`/conversations/${c.id}/toggle_status`), { status: "resolved" });
    const body = await show(c.id);
    expect(body.applied_sla.sla_status).toBe("hit");
    expect(body.sla_events).toEqual([]);
    expect(await slaNotifications(agent.token, c.id)).toEqual([]);
  });

  test("first response missed: the timer job records an frt event, active_with_misses, notifications to the assignee and admins", async () => {
    const p = await policy({ first_response_time_threshold: 3600 });
    const c = await conversationUnder(p.id);
    await tick(59 * MIN);
    expect((await show(c.id)).sla_events).toEqual([]);
    await tick(2 * MIN);
    const body = await show(c.id);
    expect(body.applied_sla.sla_status).toBe("active_with_misses");
    expect(body.sla_events).toHaveLength(1);
    expect(body.sla_events[0]).toMatchObject({ event_type: "frt", meta: {} });
    const mine = await slaNotifications(agent.token, c.id);
    expect(mine.map((n) => n.notification_type)).toEqual(["sla_missed_first_response"]);
    expect((await slaNotifications(admin.token, c.id)).map((n) => n.notification_type)).toEqual(["sla_missed_first_response"]);
    // Running the timer again (a stale or repeated job) changes nothing.
    await tick(HOUR);
    expect((await show(c.id)).sla_events).toHaveLength(1);
    expect(await slaNotifications(agent.token, c.id)).toHaveLength(1);
    // A late reply and the resolution end it as missed.
    await reply(c.id);
    await call(admin.token, "POST", path(`/conversations/${c.id}/toggle_status`), { status: "resolved" });
    expect((await show(c.id)).applied_sla.sla_status).toBe("missed");
  });

  test("a miss found by a timer goes out as conversation.updated with the new applied_sla (list and sidebar refresh on it)", async () => {
    const p = await policy({ first_response_time_threshold: 60 });
    const c = await conversationUnder(p.id);
    const me = admin.user as { id: number; pubsub_token?: string };
    const cable = await CableClient.open(server.url.replace(/^http/, "ws") + "/cable", { pubsub_token: me.pubsub_token, account_id: admin.account.id, user_id: me.id });
    expect(cable.state).toBe("connected");
    await tick(2 * MIN);
    const e = await cable.waitFor((x) => x.event === "conversation.updated" && x.data.id === c.id && x.data.applied_sla?.sla_status === "active_with_misses", "SLA miss update");
    expect(e.data.sla_policy_id).toBe(p.id);
    expect(e.data.sla_events.map((x: { event_type: string }) => x.event_type)).toEqual(["frt"]);
    cable.consumer.disconnect();
  });

  test("next response: each customer follow-up after a reply starts a timer; a miss names the message waited on", async () => {
    const p = await policy({ first_response_time_threshold: 3600, next_response_time_threshold: 1800 });
    const c = await conversationUnder(p.id);
    await tick(10 * MIN);
    await reply(c.id);
    // The customer writes again; answered within 30 minutes: no miss.
    await tick(5 * MIN);
    await customer(c.id);
    await tick(20 * MIN);
    await reply(c.id);
    await tick(HOUR);
    expect((await show(c.id)).sla_events).toEqual([]);
    // Writes again and waits 31 minutes: the timer records an nrt miss for that message.
    const follow = await customer(c.id);
    await tick(31 * MIN);
    const body = await show(c.id);
    expect(body.sla_events).toHaveLength(1);
    expect(body.sla_events[0]).toMatchObject({ event_type: "nrt", meta: { message_id: follow.body.id } });
    expect(body.applied_sla.sla_status).toBe("active_with_misses");
    expect((await slaNotifications(agent.token, c.id)).map((n) => n.notification_type)).toEqual(["sla_missed_next_response"]);
  });

  test("one waiting timer per SLA, however many times the conversation goes back and forth", async () => {
    const p = await policy({ first_response_time_threshold: 3600, next_response_time_threshold: 1800, resolution_time_threshold: 36000 });
    const c = await conversationUnder(p.id);
    for (let i = 0; i < 5; i++) {
      await tick(MIN);
      await reply(c.id);
      await tick(MIN);
      await customer(c.id);
    }
    const applied = (await show(c.id)).applied_sla;
    const timers = server.deps.db.$client
      .query("SELECT run_at FROM jobs WHERE kind = 'sla.evaluate' AND status = 'pending' AND idempotency_key LIKE ?1")
      .all(`sla.evaluate:${applied.id}:%`) as { run_at: number }[];
    // The customer's last message waits for an answer within 30 minutes: that is the one timer.
    expect(timers.map((t) => t.run_at)).toEqual([clock.now() + 30 * MIN]);
  });

  test("a late next response is caught even when the reply comes before the timer runs", async () => {
    const p = await policy({ next_response_time_threshold: 600 });
    const c = await conversationUnder(p.id);
    await reply(c.id);
    await customer(c.id);
    // Time passes without the job runner (it was down); the agent answers late.
    clock.advance(20 * MIN);
    await reply(c.id);
    const body = await show(c.id);
    expect(body.sla_events.map((e: { event_type: string }) => e.event_type)).toEqual(["nrt"]);
    await server.runner.runUntilEmpty();
    expect((await show(c.id)).sla_events).toHaveLength(1);
  });

  test("resolution time missed while open; the timer moves when the conversation is resolved and reopened", async () => {
    const p = await policy({ resolution_time_threshold: 4 * 3600 });
    const c = await conversationUnder(p.id);
    await tick(HOUR);
    await call(admin.token, "POST", path(`/conversations/${c.id}/toggle_status`), { status: "resolved" });
    expect((await show(c.id)).applied_sla.sla_status).toBe("hit");
    // Resolved: the 4-hour timer finds nothing to miss.
    await tick(4 * HOUR);
    expect((await show(c.id)).sla_events).toEqual([]);
    // Reopened after the due time: the resolution target is missed at once.
    await call(admin.token, "POST", path(`/conversations/${c.id}/toggle_status`), { status: "open" });
    const body = await show(c.id);
    expect(body.applied_sla.sla_status).toBe("active_with_misses");
    expect(body.sla_events.map((e: { event_type: string }) => e.event_type)).toEqual(["rt"]);
    expect((await slaNotifications(agent.token, c.id)).map((n) => n.notification_type)).toEqual(["sla_missed_resolution"]);
    await call(admin.token, "POST", path(`/conversations/${c.id}/toggle_status`), { status: "resolved" });
    expect((await show(c.id)).applied_sla.sla_status).toBe("missed");
  });

  test("resolution time missed by the timer of an open conversation", async () => {
    const p = await policy({ resolution_time_threshold: 7200 });
    const c = await conversationUnder(p.id);
    await reply(c.id);
    await tick(119 * MIN);
    expect((await show(c.id)).sla_events).toEqual([]);
    await tick(2 * MIN);
    expect((await show(c.id)).sla_events.map((e: { event_type: string }) => e.event_type)).toEqual(["rt"]);
  });

  test("only during business hours: Friday 16:00 + 2h of working time is due Monday 10:00", async () => {
    const hours = await createApiInbox(server, admin, { enable_auto_assignment: false, working_hours_enabled: true, timezone: "UTC" });
    await addInboxMembers(server, admin, hours.id, [agent.user.id]);
    // Move the clock to the next Friday 16:00 UTC.
    const now = new Date(clock.now());
    const days = (5 - now.getUTCDay() + 7) % 7 || 7;
    const friday = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + days, 16);
    await tick(friday - clock.now());
    const p = await policy({ first_response_time_threshold: 7200, only_during_business_hours: true });
    const c = await conversationUnder(p.id, hours.id);
    await tick(24 * HOUR); // Saturday 16:00: 1 of the 2 hours used.
    expect((await show(c.id)).sla_events).toEqual([]);
    await tick(41 * HOUR + 58 * MIN); // Monday 09:58.
    expect((await show(c.id)).sla_events).toEqual([]);
    await tick(3 * MIN); // Monday 10:01.
    expect((await show(c.id)).sla_events.map((e: { event_type: string }) => e.event_type)).toEqual(["frt"]);
    // The same policy without business hours would have been missed on Friday 18:00.
    const plain = await policy({ first_response_time_threshold: 7200 });
    const d = await conversationUnder(plain.id, hours.id);
    await tick(2 * HOUR + MIN);
    expect((await show(d.id)).sla_events).toHaveLength(1);
  });

  test("a changed threshold is used from the next evaluation; deleting a policy clears conversations and their SLA", async () => {
    const p = await policy({ first_response_time_threshold: 600 });
    const c = await conversationUnder(p.id);
    await call(admin.token, "PATCH", path(`/sla_policies/${p.id}`), { first_response_time_threshold: 7200 });
    await tick(15 * MIN);
    // The 10-minute timer runs and finds the new 2-hour target not yet due.
    expect((await show(c.id)).sla_events).toEqual([]);
    expect((await call(admin.token, "DELETE", path(`/sla_policies/${p.id}`))).status).toBe(200);
    const body = await show(c.id);
    expect(body.sla_policy_id).toBeNull();
    expect(body.applied_sla).toBeUndefined();
    await tick(3 * HOUR);
    expect((await show(c.id)).sla_events).toBeUndefined();
    // A shorter threshold re-plans the timers of running SLAs at once.
    const r = await policy({ first_response_time_threshold: 7200 });
    const e = await conversationUnder(r.id);
    await tick(10 * MIN);
    await call(admin.token, "PATCH", path(`/sla_policies/${r.id}`), { first_response_time_threshold: 1200 });
    expect((await show(e.id)).sla_events).toEqual([]);
    await tick(11 * MIN);
    expect((await show(e.id)).sla_events.map((x: { event_type: string }) => x.event_type)).toEqual(["frt"]);
    // Without an SLA the conversation can get a new one.
    const q = await policy({ resolution_time_threshold: 60 });
    expect((await call(admin.token, "PATCH", path(`/conversations/${c.id}`), { sla_policy_id: q.id })).status).toBe(200);
  });
});

describe("applied_slas report", () => {
  test("metrics, index of misses with filters, CSV download; administrators only", async () => {
    const fresh = await createAdmin(server, { accountName: "Report Co" });
    const freshInbox = await createApiInbox(server, fresh, { enable_auto_assignment: false });
    const c2 = caller(server);
    const p = (await c2(fresh.token, "POST", accountPath(fresh.account.id, "/sla_policies"), { name: "Fast", first_response_time_threshold: 60 })).body.payload;
    const apply = async () => {
      const conv = await startConversation(server, fresh, freshInbox.id);
      expect((await c2(fresh.token, "PATCH", accountPath(fresh.account.id, `/conversations/${conv.id}`), { sla_policy_id: p.id })).status).toBe(200);
      return conv;
    };
    const late = await apply();
    const ok = await apply();
    await c2(fresh.token, "POST", accountPath(fresh.account.id, `/conversations/${ok.id}/messages`), { content: "hi", message_type: "outgoing" });
    await c2(fresh.token, "POST", accountPath(fresh.account.id, `/conversations/${late.id}/labels`), { labels: ["vip"] });
    await tick(2 * MIN);
    const metrics = await c2(fresh.token, "GET", accountPath(fresh.account.id, "/applied_slas/metrics"));
    expect(metrics.body).toEqual({ total_applied_slas: 2, number_of_sla_misses: 1, hit_rate: "50%" });
    const index = await c2(fresh.token, "GET", accountPath(fresh.account.id, "/applied_slas"));
    expect(index.body.meta).toEqual({ count: 1, current_page: 1 });
    expect(index.body.payload[0]).toMatchObject({ applied_sla: { sla_id: p.id, sla_status: "active_with_misses" }, conversation: { id: late.id, labels: ["vip"] } });
    expect(index.body.payload[0].sla_events.map((e: { event_type: string }) => e.event_type)).toEqual(["frt"]);
    const byLabel = await c2(fresh.token, "GET", accountPath(fresh.account.id, "/applied_slas/metrics?label_list[]=other"));
    expect(byLabel.body.total_applied_slas).toBe(0);
    const byInbox = await c2(fresh.token, "GET", accountPath(fresh.account.id, `/applied_slas/metrics?inbox_id=${freshInbox.id}&sla_policy_id=${p.id}`));
    expect(byInbox.body.total_applied_slas).toBe(2);
    const bad = await c2(fresh.token, "GET", accountPath(fresh.account.id, "/applied_slas?inbox_id=abc"));
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].field).toBe("inbox_id");
    const csv = await server.api(accountPath(fresh.account.id, "/applied_slas/download"), { token: fresh.token });
    expect(csv.headers.get("content-disposition")).toContain("breached_conversation.csv");
    const text = await csv.text();
    expect(text.split("\r\n")[0]).toContain("Conversation ID,SLA Policy Breached");
    expect(text).toContain(`${late.id},Fast,`);
    expect(text).toContain("frt");
    const freshAgent = await createAgent(server, fresh);
    expect((await c2(freshAgent.token, "GET", accountPath(fresh.account.id, "/applied_slas/metrics"))).status).toBe(403);
  });
});

describe("automation", () => {
  test("add_sla applies the policy to new conversations, never replaces one; validated against the account's policies", async () => {
    const p = await policy({ first_response_time_threshold: 600 });
    const q = await policy({ first_response_time_threshold: 60 });
    const own = await createApiInbox(server, admin, { enable_auto_assignment: false });
    const rule = await call(admin.token, "POST", path("/automation_rules"), {
      name: "SLA for the new inbox",
      event_name: "conversation_created",
      conditions: [{ attribute_key: "inbox_id", filter_operator: "equal_to", values: [own.id], query_operator: null }],
      actions: [{ action_name: "add_sla", action_params: [p.id] }],
    });
    expect(rule.status).toBe(200);
    const bad = await call(admin.token, "POST", path("/automation_rules"), {
      name: "Broken",
      event_name: "conversation_created",
      conditions: [{ attribute_key: "inbox_id", filter_operator: "equal_to", values: [own.id], query_operator: null }],
      actions: [{ action_name: "add_sla", action_params: [999999] }],
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].field).toBe("actions[0].action_params");

    const c = await startConversation(server, admin, own.id);
    await server.runner.runUntilEmpty();
    const body = await show(c.id);
    expect(body.sla_policy_id).toBe(p.id);
    expect(body.applied_sla).toMatchObject({ sla_id: p.id, sla_status: "active" });
    // The timer the rule's SLA planned fires like any other.
    await tick(11 * MIN);
    expect((await show(c.id)).sla_events.map((e: { event_type: string }) => e.event_type)).toEqual(["frt"]);

    // A conversation that already has an SLA keeps it.
    const second = await call(admin.token, "POST", path("/automation_rules"), {
      name: "Other SLA on update",
      event_name: "conversation_updated",
      conditions: [{ attribute_key: "inbox_id", filter_operator: "equal_to", values: [own.id], query_operator: null }],
      actions: [{ action_name: "add_sla", action_params: [q.id] }],
    });
    expect(second.status).toBe(200);
    await call(admin.token, "POST", path(`/conversations/${c.id}/toggle_priority`), { priority: "high" });
    await server.runner.runUntilEmpty();
    expect((await show(c.id)).sla_policy_id).toBe(p.id);

    // Deleting the policy disables the rule when it next matches, with the reason the settings page shows.
    await call(admin.token, "DELETE", path(`/automation_rules/${second.body.payload.id}`));
    await call(admin.token, "DELETE", path(`/sla_policies/${p.id}`));
    const d = await startConversation(server, admin, own.id);
    await server.runner.runUntilEmpty();
    expect((await show(d.id)).sla_policy_id).toBeNull();
    const after = await call(admin.token, "GET", path(`/automation_rules/${rule.body.payload.id}`));
    expect(after.body.payload.active).toBe(false);
  });
});
