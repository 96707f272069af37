import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ManualClock } from "../../../lib/clock.ts";
import { realtimeFor } from "../../../realtime/index.ts";
import { PRESENCE_DURATION_MS } from "../../../realtime/presence.ts";
import { CableClient } from "../../../realtime/test-client.ts";
import { createAdmin, createAgent, startTestServer, type TestServer } from "../../../testing/server.ts";
import { accountPath, addInboxMembers, caller, createApiInbox, createContact, setAvailability, startConversation, drainJobs, type Admin } from "./conversation-test-kit.ts";

let server: TestServer;
let admin: Admin;
let call: ReturnType<typeof caller>;

beforeAll(async () => {
  server = startTestServer();
  call = caller(server);
  admin = await createAdmin(server);
});
afterAll(() => server.close());

const path = (rest = "") => accountPath(admin.account.id, rest);
const conv = (id: number, rest = "") => path(`/conversations/${id}${rest}`);

const drain = () => drainJobs(server);

async function onlineAgents(inboxId: number, names: string[]) {
  const agents = [];
  for (const name of names) agents.push(await createAgent(server, admin, { name }));
  await addInboxMembers(server, admin, inboxId, agents.map((a) => a.user.id));
  for (const a of agents) await setAvailability(server, admin, a.user.id, "online");
  return agents;
}

async function policy(body: Record<string, unknown>) {
  const res = await call(admin.token, "POST", path("/assignment_policies"), { assignment_policy: body });
  expect(res.status).toBe(200);
  return res.body as { id: number };
}

async function link(policyId: number, inboxId: number) {
  const res = await call(admin.token, "POST", path(`/assignment_policies/${policyId}/inboxes`), { inbox_id: inboxId });
  expect(res.status).toBe(200);
}

const assigneeOf = async (id: number) => (await call(admin.token, "GET", conv(id))).body.meta.assignee?.id ?? null;

function tally(ids: (number | null)[]): Map<number | null, number> {
  const out = new Map<number | null, number>();
  for (const id of ids) out.set(id, (out.get(id) ?? 0) + 1);
  return out;
}

describe("assignment policies API", () => {
  test("CRUD with Chatwoot's fields; validation names the field; administrators only; other accounts see 404", async () => {
    const created = await call(admin.token, "POST", path("/assignment_policies"), {
      assignment_policy: { name: "Support queue", description: "Day shift", assignment_order: "balanced", conversation_priority: "longest_waiting", fair_distribution_limit: 20, fair_distribution_window: 600 },
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      name: "Support queue",
      description: "Day shift",
      assignment_order: "balanced",
      conversation_priority: "longest_waiting",
      fair_distribution_limit: 20,
      fair_distribution_window: 600,
      enabled: true,
      inbox_count: 0,
      inboxes: [],
    });
    const id = created.body.id;

    const defaults = await call(admin.token, "POST", path("/assignment_policies"), { name: "Defaults" });
    expect(defaults.body).toMatchObject({ assignment_order: "round_robin", conversation_priority: "earliest_created", fair_distribution_limit: 100, fair_distribution_window: 3600, enabled: true });

    for (const [body, field] of [
      [{ name: "" }, "name"],
      [{ name: "Support queue" }, "name"],
      [{ name: "X", assignment_order: "random" }, "assignment_order"],
      [{ name: "X", conversation_priority: "newest" }, "conversation_priority"],
      [{ name: "X", fair_distribution_limit: 0 }, "fair_distribution_limit"],
      [{ name: "X", fair_distribution_window: "soon" }, "fair_distribution_window"],
      [{ name: "X", enabled: "maybe" }, "enabled"],
    ] as const) {
      const bad = await call(admin.token, "POST", path("/assignment_policies"), body);
      expect(bad.status).toBe(422);
      expect(bad.body.errors[0].field).toBe(field);
    }

    const updated = await call(admin.token, "PATCH", path(`/assignment_policies/${id}`), { assignment_policy: { enabled: false, fair_distribution_limit: "30" } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id, name: "Support queue", enabled: false, fair_distribution_limit: 30, assignment_order: "balanced" });
    expect((await call(admin.token, "GET", path(`/assignment_policies/${id}`))).body.enabled).toBe(false);
    expect((await call(admin.token, "GET", path("/assignment_policies"))).body.map((p: { id: number }) => p.id)).toEqual([id, defaults.body.id]);

    const agent = await createAgent(server, admin, { name: "Nosy Agent" });
    expect((await call(agent.token, "GET", path("/assignment_policies"))).status).toBe(403);
    expect((await call(agent.token, "POST", path("/assignment_policies"), { name: "Mine" })).status).toBe(403);

    const other = await createAdmin(server, { email: "other-admin@example.com", accountName: "Other" });
    expect((await call(other.token, "GET", accountPath(other.account.id, `/assignment_policies/${id}`))).status).toBe(404);
    expect((await call(other.token, "DELETE", accountPath(other.account.id, `/assignment_policies/${id}`))).status).toBe(404);

    expect((await call(admin.token, "DELETE", path(`/assignment_policies/${defaults.body.id}`))).status).toBe(200);
    expect((await call(admin.token, "GET", path(`/assignment_policies/${defaults.body.id}`))).status).toBe(404);
  }, 60_000);

  test("inboxes: link (one policy per inbox), list, the inbox's policy, unlink", async () => {
    const inbox = await createApiInbox(server, admin, { name: "Linked" });
    const a = await policy({ name: "Link A" });
    const b = await policy({ name: "Link B" });
    const linked = await call(admin.token, "POST", path(`/assignment_policies/${a.id}/inboxes`), { inbox_id: inbox.id });
    expect(linked.status).toBe(200);
    expect(linked.body).toMatchObject({ inbox_id: inbox.id, assignment_policy_id: a.id });
    expect((await call(admin.token, "GET", path(`/assignment_policies/${a.id}/inboxes`))).body.inboxes.map((i: { id: number }) => i.id)).toEqual([inbox.id]);
    expect((await call(admin.token, "GET", path(`/assignment_policies/${a.id}`))).body).toMatchObject({ inbox_count: 1, inboxes: [{ id: inbox.id, name: "Linked" }] });

    // Linking through the inbox replaces its policy.
    const moved = await call(admin.token, "POST", path(`/inboxes/${inbox.id}/assignment_policy`), { assignment_policy_id: b.id });
    expect(moved.status).toBe(200);
    expect((await call(admin.token, "GET", path(`/inboxes/${inbox.id}/assignment_policy`))).body).toMatchObject({ id: b.id, name: "Link B" });
    expect((await call(admin.token, "GET", path(`/assignment_policies/${a.id}`))).body.inbox_count).toBe(0);

    expect((await call(admin.token, "DELETE", path(`/assignment_policies/${a.id}/inboxes/${inbox.id}`))).status).toBe(404);
    expect((await call(admin.token, "POST", path(`/assignment_policies/${a.id}/inboxes`), { inbox_id: 999999 })).status).toBe(404);
    expect((await call(admin.token, "POST", path(`/assignment_policies/${a.id}/inboxes`), {})).body.errors[0].field).toBe("inbox_id");
    expect((await call(admin.token, "DELETE", path(`/assignment_policies/${b.id}/inboxes/${inbox.id}`))).status).toBe(200);
    expect((await call(admin.token, "GET", path(`/inboxes/${inbox.id}/assignment_policy`))).status).toBe(404);
    await call(admin.token, "POST", path(`/inboxes/${inbox.id}/assignment_policy`), { assignment_policy_id: a.id });
    expect((await call(admin.token, "DELETE", path(`/inboxes/${inbox.id}/assignment_policy`))).status).toBe(200);
    expect((await call(admin.token, "GET", path(`/inboxes/${inbox.id}/assignment_policy`))).status).toBe(404);
  }, 60_000);
});

describe("agent capacity policies API", () => {
  test("CRUD, members and per-inbox limits", async () => {
    const inbox = await createApiInbox(server, admin, { name: "Capacity API" });
    const created = await call(admin.token, "POST", path("/agent_capacity_policies"), {
      agent_capacity_policy: { name: "Part-timers", description: "Four hours a day", exclusion_rules: { exclude_older_than_hours: 24, excluded_labels: ["vip", "vip", "spam"] } },
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ name: "Part-timers", description: "Four hours a day", exclusion_rules: { exclude_older_than_hours: 24, excluded_labels: ["vip", "spam"] }, inbox_capacity_limits: [] });
    const id = created.body.id;
    expect((await call(admin.token, "POST", path("/agent_capacity_policies"), { name: " " })).body.errors[0].field).toBe("name");
    expect((await call(admin.token, "POST", path("/agent_capacity_policies"), { name: "R", exclusion_rules: { excluded_labels: "vip" } })).body.errors[0].field).toBe("exclusion_rules.excluded_labels");

    const limit = await call(admin.token, "POST", path(`/agent_capacity_policies/${id}/inbox_limits`), { inbox_id: inbox.id, conversation_limit: 3 });
    expect(limit.status).toBe(200);
    expect(limit.body).toMatchObject({ inbox_id: inbox.id, inbox_name: "Capacity API", agent_capacity_policy_id: id, conversation_limit: 3 });
    const dup = await call(admin.token, "POST", path(`/agent_capacity_policies/${id}/inbox_limits`), { inbox_id: inbox.id, conversation_limit: 4 });
    expect(dup.status).toBe(422);
    expect(dup.body.errors[0].field).toBe("inbox_id");
    expect((await call(admin.token, "POST", path(`/agent_capacity_policies/${id}/inbox_limits`), { inbox_id: inbox.id, conversation_limit: -1 })).body.errors[0].field).toBe("conversation_limit");
    const changed = await call(admin.token, "PATCH", path(`/agent_capacity_policies/${id}/inbox_limits/${limit.body.id}`), { conversation_limit: 5 });
    expect(changed.body.conversation_limit).toBe(5);
    expect((await call(admin.token, "GET", path(`/agent_capacity_policies/${id}`))).body.inbox_capacity_limits).toEqual([{ id: limit.body.id, inbox_id: inbox.id, conversation_limit: 5 }]);

    const agent = await createAgent(server, admin, { name: "Petra Parttime" });
    const added = await call(admin.token, "POST", path(`/agent_capacity_policies/${id}/users`), { user_id: agent.user.id });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ id: agent.user.id, name: "Petra Parttime" });
    expect((await call(admin.token, "GET", path(`/agent_capacity_policies/${id}/users`))).body.map((u: { id: number }) => u.id)).toEqual([agent.user.id]);
    expect((await call(admin.token, "POST", path(`/agent_capacity_policies/${id}/users`), { user_id: 999999 })).status).toBe(404);
    expect((await call(agent.token, "GET", path("/agent_capacity_policies"))).status).toBe(403);
    expect((await call(admin.token, "DELETE", path(`/agent_capacity_policies/${id}/users/${agent.user.id}`))).status).toBe(200);
    expect((await call(admin.token, "GET", path(`/agent_capacity_policies/${id}/users`))).body).toEqual([]);

    expect((await call(admin.token, "DELETE", path(`/agent_capacity_policies/${id}/inbox_limits/${limit.body.id}`))).status).toBe(204);
    expect((await call(admin.token, "DELETE", path(`/agent_capacity_policies/${id}`))).status).toBe(200);
    expect((await call(admin.token, "GET", path(`/agent_capacity_policies/${id}`))).status).toBe(404);
  }, 60_000);
});

describe("auto-assignment under policies", () => {
  test("balanced: the agent with the fewest open conversations in the inbox gets the next one", async () => {
    const inbox = await createApiInbox(server, admin, { name: "Balanced" });
    const [a, b] = await onlineAgents(inbox.id, ["Bal Ann", "Bal Ben"]);
    const p = await policy({ name: "Balanced policy", assignment_order: "balanced" });
    await link(p.id, inbox.id);
    // Ann already holds two open conversations of the inbox (assigned by hand).
    for (let i = 0; i < 2; i++) await startConversation(server, admin, inbox.id, { assignee_id: a.user.id });
    const next = [];
    for (let i = 0; i < 4; i++) next.push((await startConversation(server, admin, inbox.id)).meta.assignee.id);
    // Ben catches up first (0 → 2); then, tied, they take turns in round-robin order.
    expect(next).toEqual([b.user.id, b.user.id, a.user.id, b.user.id]);
    const c = await startConversation(server, admin, inbox.id);
    expect(c.meta.assignee.id).toBe(a.user.id);
    const activity = (await call(admin.token, "GET", conv(c.id, "/messages"))).body.payload.map((m: { content: string }) => m.content);
    expect(activity.join("\n")).not.toContain("Automation System");
  }, 60_000);

  test("capacity: the inbox limit and an agent's capacity policy skip full agents; waiting conversations are assigned oldest first when one is resolved", async () => {
    const inbox = await createApiInbox(server, admin, { name: "Capacity", auto_assignment_config: { max_assignment_limit: 2 } });
    const [a, b] = await onlineAgents(inbox.id, ["Cap Cora", "Cap Cleo"]);
    const cap = (await call(admin.token, "POST", path("/agent_capacity_policies"), { name: "One at a time" })).body;
    await call(admin.token, "POST", path(`/agent_capacity_policies/${cap.id}/inbox_limits`), { inbox_id: inbox.id, conversation_limit: 1 });
    await call(admin.token, "POST", path(`/agent_capacity_policies/${cap.id}/users`), { user_id: b.user.id });

    const made = [];
    for (let i = 0; i < 5; i++) made.push(await startConversation(server, admin, inbox.id));
    const counts = tally(made.map((c) => c.meta.assignee?.id ?? null));
    expect(counts.get(a.user.id)).toBe(2); // the inbox's max_assignment_limit
    expect(counts.get(b.user.id)).toBe(1); // her capacity policy's limit for the inbox
    expect(counts.get(null)).toBe(2);
    const waiting = made.filter((c) => !c.meta.assignee);

    // Cleo resolves hers: the oldest waiting conversation goes to her (a job, as Chatwoot's periodic assignment).
    const hers = made.find((c) => c.meta.assignee?.id === b.user.id);
    expect((await call(admin.token, "POST", conv(hers.id, "/toggle_status"), { status: "resolved" })).status).toBe(200);
    await drain();
    expect(await assigneeOf(waiting[0].id)).toBe(b.user.id);
    expect(await assigneeOf(waiting[1].id)).toBeNull();
    const texts = (await call(admin.token, "GET", conv(waiting[0].id, "/messages"))).body.payload.map((m: { content: string }) => m.content);
    expect(texts).toContain("Assigned to Cap Cleo by Automation System");

    // Raising her limit gives the next waiting conversation a turn (the inbox's limit of two still holds).
    const limitId = (await call(admin.token, "GET", path(`/agent_capacity_policies/${cap.id}`))).body.inbox_capacity_limits[0].id;
    await call(admin.token, "PATCH", path(`/agent_capacity_policies/${cap.id}/inbox_limits/${limitId}`), { conversation_limit: 5 });
    await drain();
    expect(await assigneeOf(waiting[1].id)).toBe(b.user.id);
  }, 60_000);

  test("exclusion rules of the inbox's capacity policy: waiting conversations with an excluded label are left alone", async () => {
    const inbox = await createApiInbox(server, admin, { name: "Exclusions", auto_assignment_config: { max_assignment_limit: 1 } });
    const [a] = await onlineAgents(inbox.id, ["Excl Eve"]);
    const cap = (await call(admin.token, "POST", path("/agent_capacity_policies"), { name: "Exclusions", exclusion_rules: { excluded_labels: ["vip"] } })).body;
    await call(admin.token, "POST", path(`/agent_capacity_policies/${cap.id}/inbox_limits`), { inbox_id: inbox.id, conversation_limit: 5 });
    const first = await startConversation(server, admin, inbox.id);
    expect(first.meta.assignee.id).toBe(a.user.id);
    const vip = await startConversation(server, admin, inbox.id);
    const plain = await startConversation(server, admin, inbox.id);
    expect(vip.meta.assignee).toBeUndefined();
    expect((await call(admin.token, "POST", conv(vip.id, "/labels"), { labels: ["vip"] })).status).toBe(200);
    await call(admin.token, "POST", conv(first.id, "/toggle_status"), { status: "resolved" });
    await drain();
    expect(await assigneeOf(vip.id)).toBeNull();
    expect(await assigneeOf(plain.id)).toBe(a.user.id);
  }, 60_000);

  test("fair distribution: an agent with fair_distribution_limit assignments in the window is skipped", async () => {
    const inbox = await createApiInbox(server, admin, { name: "Fair" });
    const [a, b] = await onlineAgents(inbox.id, ["Fair Fay", "Fair Finn"]);
    const p = await policy({ name: "Fair policy", fair_distribution_limit: 2, fair_distribution_window: 3600 });
    await link(p.id, inbox.id);
    const got = [];
    for (let i = 0; i < 5; i++) got.push((await startConversation(server, admin, inbox.id)).meta.assignee?.id ?? null);
    expect(tally(got).get(a.user.id)).toBe(2);
    expect(tally(got).get(b.user.id)).toBe(2);
    expect(got[4]).toBeNull();
  }, 60_000);

  test("team: only members of the conversation's team are picked; a disabled policy falls back to round robin", async () => {
    const inbox = await createApiInbox(server, admin, { name: "Teams" });
    const [a, b, c] = await onlineAgents(inbox.id, ["Team Tia", "Team Tom", "Team Tess"]);
    const team = (await call(admin.token, "POST", path("/teams"), { name: "Tier two", allow_auto_assign: true })).body;
    await call(admin.token, "POST", path(`/teams/${team.id}/team_members`), { user_ids: [b.user.id, c.user.id] });
    const p = await policy({ name: "Team policy", enabled: false });
    await link(p.id, inbox.id);
    const picks = [];
    for (let i = 0; i < 4; i++) picks.push((await startConversation(server, admin, inbox.id, { team_id: team.id })).meta.assignee.id);
    expect(new Set(picks)).toEqual(new Set([b.user.id, c.user.id]));
    expect(picks).not.toContain(a.user.id);
  }, 60_000);

  test("an agent going offline hands their open conversations over when the inbox asks for it, and only then", async () => {
    const inbox = await createApiInbox(server, admin, { name: "Handover", auto_assignment_config: { reassign_on_offline: true } });
    const keep = await createApiInbox(server, admin, { name: "No handover" });
    const [a, b] = await onlineAgents(inbox.id, ["Hand Hal", "Hand Hedy"]);
    await addInboxMembers(server, admin, keep.id, [a.user.id, b.user.id]);
    const mine = [];
    for (let i = 0; i < 2; i++) mine.push(await startConversation(server, admin, inbox.id, { assignee_id: a.user.id }));
    const kept = await startConversation(server, admin, keep.id, { assignee_id: a.user.id });

    await setAvailability(server, admin, a.user.id, "offline");
    await drain();
    for (const c of mine) expect(await assigneeOf(c.id)).toBe(b.user.id);
    expect(await assigneeOf(kept.id)).toBe(a.user.id);
    const texts = (await call(admin.token, "GET", conv(mine[0].id, "/messages"))).body.payload.map((m: { content: string }) => m.content);
    expect(texts).toContain("Assigned to Hand Hedy by Automation System");

    // Nobody free: the conversation stays with its agent.
    const last = await startConversation(server, admin, inbox.id, { assignee_id: b.user.id });
    await setAvailability(server, admin, b.user.id, "offline");
    await drain();
    expect(await assigneeOf(last.id)).toBe(b.user.id);

    // Coming back online, waiting conversations of their inboxes are picked up.
    const waiting = await startConversation(server, admin, inbox.id);
    expect(waiting.meta.assignee).toBeUndefined();
    await setAvailability(server, admin, a.user.id, "online");
    await drain();
    expect(await assigneeOf(waiting.id)).toBe(a.user.id);
  }, 60_000);

  test("parallel creations: 60 at once over 3 online agents spread within ±1 (round robin) and never exceed capacity (balanced)", async () => {
    const rr = await createApiInbox(server, admin, { name: "Parallel RR" });
    const agents = await onlineAgents(rr.id, ["Par Pia", "Par Paul", "Par Pam"]);
    const contacts = await Promise.all(Array.from({ length: 60 }, (_, i) => createContact(server, admin, rr.id, `Parallel ${i}`)));
    const created = await Promise.all(contacts.map(({ contact }) => call(admin.token, "POST", path("/conversations"), { inbox_id: rr.id, contact_id: contact.id })));
    expect(created.every((r) => r.status === 200)).toBe(true);
    const counts = tally(created.map((r) => r.body.meta.assignee?.id ?? null));
    const per = agents.map((a) => counts.get(a.user.id) ?? 0);
    expect(per.reduce((s, n) => s + n, 0)).toBe(60);
    expect(Math.max(...per) - Math.min(...per)).toBeLessThanOrEqual(1);

    const bal = await createApiInbox(server, admin, { name: "Parallel balanced", auto_assignment_config: { max_assignment_limit: 15 } });
    await addInboxMembers(server, admin, bal.id, agents.map((a) => a.user.id));
    const p = await policy({ name: "Parallel balanced", assignment_order: "balanced", fair_distribution_limit: 1000 });
    await link(p.id, bal.id);
    const more = await Promise.all(Array.from({ length: 60 }, (_, i) => createContact(server, admin, bal.id, `Balanced ${i}`)));
    const made = await Promise.all(more.map(({ contact }) => call(admin.token, "POST", path("/conversations"), { inbox_id: bal.id, contact_id: contact.id })));
    const byAgent = tally(made.map((r) => r.body.meta.assignee?.id ?? null));
    for (const a of agents) expect(byAgent.get(a.user.id)).toBe(15);
    expect(byAgent.get(null)).toBe(15);
  }, 60_000);
});

describe("presence", () => {
  test("an auto-offline agent whose dashboard stops reporting presence is offline: their conversations are handed over", async () => {
    const clock = new ManualClock();
    const own = startTestServer({}, { clock, startJobs: false });
    try {
      const ownCall = caller(own);
      const boss = await createAdmin(own);
      const at = (rest: string) => accountPath(boss.account.id, rest);
      const inbox = await createApiInbox(own, boss, { name: "Presence", auto_assignment_config: { reassign_on_offline: true } });
      const away = await createAgent(own, boss, { name: "Pres Paula" });
      const stays = await createAgent(own, boss, { name: "Pres Stan" });
      await addInboxMembers(own, boss, inbox.id, [away.user.id, stays.user.id]);
      for (const a of [away, stays]) await setAvailability(own, boss, a.user.id, "online");
      expect((await ownCall(boss.token, "PATCH", at(`/agents/${away.user.id}`), { auto_offline: true })).status).toBe(200);

      // Without a dashboard open, Paula (auto-offline) is not online: Stan gets the conversation.
      expect((await startConversation(own, boss, inbox.id)).meta.assignee.id).toBe(stays.user.id);
      const profile = (await ownCall(away.token, "GET", "/api/v1/profile")).body;
      const socket = await CableClient.open(own.url.replace(/^http/, "ws") + "/cable", { pubsub_token: profile.pubsub_token, account_id: boss.account.id, user_id: away.user.id });
      try {
        expect(socket.state).toBe("connected");
        const held = await startConversation(own, boss, inbox.id, { assignee_id: away.user.id });
        clock.advance(PRESENCE_DURATION_MS + 1000);
        realtimeFor(own.deps).cable.tick();
        await own.runner.runUntilEmpty();
        expect((await ownCall(boss.token, "GET", at(`/conversations/${held.id}`))).body.meta.assignee.id).toBe(stays.user.id);
      } finally {
        socket.close();
      }
    } finally {
      await own.close();
    }
  }, 60_000);
});
