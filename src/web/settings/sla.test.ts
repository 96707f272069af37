// Settings → SLA policies through the dashboard's forms (thresholds as hours and minutes), and the workspace's SLA
// pieces: the list badge, the sidebar card and applying a policy from it.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { accountPath, addInboxMembers, caller, createApiInbox, startConversation } from "../../api/v1/accounts/conversation-test-kit.ts";
import { ManualClock } from "../../lib/clock.ts";
import { createAdmin, createAgent, startTestServer, type TestServer } from "../../testing/server.ts";
import { login, type WebClient } from "../test-client.ts";

let server: TestServer;
let admin: Awaited<ReturnType<typeof createAdmin>>;
let agent: Awaited<ReturnType<typeof createAgent>>;
let adminWeb: WebClient;
let agentWeb: WebClient;
let inbox: { id: number };
const clock = new ManualClock(Date.parse("2026-03-02T10:00:00Z"));
const MIN = 60_000;

const settings = (rest = "") => `/app/accounts/${admin.account.id}/settings/sla${rest}`;
const api = (method: string, rest: string, json?: unknown) => caller(server)(admin.token, method, accountPath(admin.account.id, rest), json);
const empty = { name: "", description: "", frt_hours: "", frt_minutes: "", nrt_hours: "", nrt_minutes: "", rt_hours: "", rt_minutes: "" };

beforeAll(async () => {
  server = startTestServer({}, { clock, startJobs: false });
  admin = await createAdmin(server, { name: "Ada Admin" });
  agent = await createAgent(server, admin, { name: "Agnes Agent" });
  adminWeb = await login(server, admin.email, admin.password);
  agentWeb = await login(server, agent.email, agent.password);
  inbox = await createApiInbox(server, admin, { enable_auto_assignment: false });
  await addInboxMembers(server, admin, inbox.id, [agent.user.id]);
}, 30_000);
afterAll(() => server.close());

describe("Settings → SLA policies", () => {
  test("add with hours and minutes, list, edit, delete; the API sees seconds", async () => {
    const page = await adminWeb.page(settings());
    expect(page.res.status).toBe(200);
    expect(page.html).toContain("No SLA policies yet");
    expect(page.html).toContain('href="/app/accounts/' + admin.account.id + '/settings/sla"');

    const created = await adminWeb.post(settings(), { ...empty, name: "Gold", frt_hours: "1", frt_minutes: "30", rt_hours: "24", only_during_business_hours: "1" });
    expect(created.status).toBe(303);
    expect(created.headers.get("location")).toBe(settings("?saved=created"));
    const [p] = (await api("GET", "/sla_policies")).body.payload;
    expect(p).toMatchObject({ name: "Gold", first_response_time_threshold: 5400, next_response_time_threshold: null, resolution_time_threshold: 86400, only_during_business_hours: true });

    const list = await adminWeb.page(settings("?saved=created"));
    expect(list.html).toContain("SLA policy created");
    expect(list.html).toContain("1 h 30 min");
    expect(list.html).toContain("24 h");
    expect(list.html).toContain("Business hours only");

    const edit = await adminWeb.page(settings(`/${p.id}`));
    expect(edit.html).toMatch(/name="frt_hours"[^>]*value="1"/);
    expect(edit.html).toMatch(/name="frt_minutes"[^>]*value="30"/);
    expect(edit.html).toMatch(/name="only_during_business_hours" value="1" checked/);
    expect(edit.html).toContain(`href="${settings()}">Back to SLA policies`);
    expect((await adminWeb.page(settings("/abc"))).res.status).toBe(404);
    expect((await adminWeb.page(settings("/999999"))).res.status).toBe(404);
    expect((await adminWeb.post(settings("/999999"), { ...empty, name: "Ghost", frt_hours: "1" })).status).toBe(404);
    const saved = await adminWeb.post(settings(`/${p.id}`), { ...empty, name: "Gold", nrt_minutes: "45" });
    expect(saved.status).toBe(303);
    expect((await api("GET", `/sla_policies/${p.id}`)).body.payload).toMatchObject({
      first_response_time_threshold: null,
      next_response_time_threshold: 2700,
      resolution_time_threshold: null,
      only_during_business_hours: false,
    });

    await adminWeb.page(settings());
    const deleted = await adminWeb.post(settings(`/${p.id}/delete`));
    expect(deleted.headers.get("location")).toBe(settings("?saved=deleted"));
    expect((await api("GET", "/sla_policies")).body.payload).toEqual([]);
  });

  test("bad input is shown beside its field with 422, values kept; agents are refused", async () => {
    await adminWeb.page(settings());
    const noTarget = await adminWeb.post(settings(), { ...empty, name: "Kept name" });
    expect(noTarget.status).toBe(422);
    const html = await noTarget.text();
    expect(html).toContain("At least one of the first response, next response and resolution times is needed");
    expect(html).toContain('value="Kept name"');
    const bad = await adminWeb.post(settings(), { ...empty, name: "", rt_hours: "two" });
    expect(bad.status).toBe(422);
    const badHtml = await bad.text();
    expect(badHtml).toContain("Must be whole hours and minutes");
    expect((await agentWeb.get(settings())).status).toBe(403);
    await agentWeb.page(`/app/accounts/${admin.account.id}/conversations`);
    expect((await agentWeb.post(settings(), { ...empty, name: "Sneaky", frt_hours: "1" })).status).toBe(403);
  });
});

describe("workspace", () => {
  test("the list shows the SLA badge; the sidebar card counts down, applies a policy and shows misses", async () => {
    const p = (await api("POST", "/sla_policies", { name: "Fast lane", first_response_time_threshold: 3600 })).body.payload;
    const c = await startConversation(server, admin, inbox.id);
    const plain = await startConversation(server, admin, inbox.id);
    const base = `/app/accounts/${admin.account.id}/conversations`;

    // No SLA yet: the card offers the picker; the agent applies the policy from the sidebar (htmx).
    const card = await agentWeb.page(`${base}/${c.id}/sla`);
    expect(card.res.status).toBe(200);
    expect(card.html).toContain("No SLA on this conversation.");
    expect(card.html).toContain(`<option value="${p.id}">Fast lane</option>`);
    const applied = await agentWeb.post(`${base}/${c.id}/sla`, { sla_policy_id: String(p.id) }, { headers: { "HX-Request": "true" } });
    expect(applied.status).toBe(200);
    const appliedHtml = await applied.text();
    expect(appliedHtml).toContain("Fast lane");
    expect(appliedHtml).toContain("First response due in 1h");
    expect((await api("GET", `/conversations/${c.id}`)).body.sla_policy_id).toBe(p.id);
    // Applying another one is refused in the card.
    const q = (await api("POST", "/sla_policies", { name: "Other", first_response_time_threshold: 60 })).body.payload;
    const again = await agentWeb.post(`${base}/${plain.id}/sla`, { sla_policy_id: "abc" }, { headers: { "HX-Request": "true" } });
    expect(again.status).toBe(422);
    expect(await again.text()).toContain("SLA policy:");
    expect(q.id).toBeGreaterThan(0);

    // The list row shows the badge (on time), the conversation without SLA none.
    const list = await adminWeb.page(`/app/accounts/${admin.account.id}/dashboard?assignee_type=all`);
    const row = list.html.slice(list.html.indexOf(`id="conversation-row-${c.id}"`));
    expect(row.slice(0, row.indexOf("</li>"))).toContain("sla-badge sla-badge-on_time");
    const other = list.html.slice(list.html.indexOf(`id="conversation-row-${plain.id}"`));
    expect(other.slice(0, other.indexOf("</li>"))).not.toContain("sla-badge");

    // 50 minutes later less than a quarter is left: due soon.
    clock.advance(50 * MIN);
    await server.runner.runUntilEmpty();
    const soon = await adminWeb.page(`/app/accounts/${admin.account.id}/dashboard?assignee_type=all`);
    expect(soon.html).toContain("sla-badge sla-badge-due_soon");
    // Past due: the timer records the miss; badge and card say missed.
    clock.advance(11 * MIN);
    await server.runner.runUntilEmpty();
    const missed = await adminWeb.page(`${base}/${c.id}/sla`);
    expect(missed.html).toContain("sla-badge sla-badge-missed");
    expect(missed.html).toContain("First response overdue by 1m");
    expect(missed.html).toContain("First response missed");
    // The sidebar holds the card's slot.
    const sidebar = await adminWeb.page(`${base}/${c.id}/sidebar`);
    expect(sidebar.html).toContain(`hx-get="${base}/${c.id}/sla"`);
    // An agent of another inbox cannot see the card.
    const outsider = await createAgent(server, admin, { name: "Otto Outsider" });
    const outsiderWeb = await login(server, outsider.email, outsider.password);
    expect((await outsiderWeb.get(`${base}/${c.id}/sla`)).status).toBe(404);
  });
});
