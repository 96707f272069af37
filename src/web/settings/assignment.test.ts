// Settings → Assignment through the dashboard's forms, as a browser posts them: administrators only, 422 naming the
// field, names escaped, every change visible through the API.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestServer, type TestServer } from "../../testing/server.ts";
import { settingsKit, type SettingsKit, type WebClient } from "../test-client.ts";

let server: TestServer;
let kit: SettingsKit;
let adminWeb: WebClient;
let agentWeb: WebClient;
let base: string;

beforeAll(async () => {
  server = startTestServer({}, { startJobs: false });
  kit = await settingsKit(server);
  ({ adminWeb, agentWeb } = kit);
  base = `${kit.accountPath}/settings/assignment`;
}, 30_000);
afterAll(() => server.close());

const api = async (method: string, path: string, json?: unknown) => {
  const res = await server.api(`/api/v1/accounts/${kit.accountId}${path}`, { method, token: kit.admin.token, json });
  return { status: res.status, body: (await res.json().catch(() => null)) as any };
};

describe("Settings → Assignment", () => {
  test("agents are refused; the page lists policies, inboxes and capacity policies", async () => {
    expect((await agentWeb.page(base)).res.status).toBe(403);
    expect((await agentWeb.post(`${base}/policies`, { name: "Sneaky" })).status).toBe(403);
    const page = await adminWeb.page(base);
    expect(page.res.status).toBe(200);
    expect(page.html).toContain("No assignment policies yet");
    expect(page.html).toContain('id="new-policy-form"');
    expect(page.html).toContain('aria-current="page"');
  });

  test("policies: add (names escaped), refuse a bad field with 422, edit, delete", async () => {
    const created = await adminWeb.post(`${base}/policies`, {
      name: "<b>Night</b> shift",
      assignment_order: "balanced",
      conversation_priority: "longest_waiting",
      fair_distribution_limit: "10",
      fair_distribution_window: "600",
      enabled: "1",
    });
    expect(created.status).toBe(303);
    expect(created.headers.get("location")).toBe(`${base}?saved=policy-created`);
    const [policy] = (await api("GET", "/assignment_policies")).body;
    expect(policy).toMatchObject({ name: "<b>Night</b> shift", assignment_order: "balanced", conversation_priority: "longest_waiting", fair_distribution_limit: 10, fair_distribution_window: 600, enabled: true });
    const list = await adminWeb.page(`${base}?saved=policy-created`);
    expect(list.html).toContain("&lt;b&gt;Night&lt;/b&gt; shift");
    expect(list.html).not.toContain("<b>Night</b>");
    expect(list.html).toContain("10 per 10 minutes");

    const refused = await adminWeb.post(`${base}/policies`, { name: "Zero", fair_distribution_limit: "0", fair_distribution_window: "3600" });
    expect(refused.status).toBe(422);
    const html = await refused.text();
    expect(html).toContain('id="f-fair_distribution_limit-error"');
    expect(html).toContain("Must be greater than 0");

    const saved = await adminWeb.post(`${base}/policies/${policy.id}`, { name: "Night shift", assignment_order: "round_robin", conversation_priority: "earliest_created", fair_distribution_limit: "5", fair_distribution_window: "3600" });
    expect(saved.status).toBe(303);
    expect((await api("GET", `/assignment_policies/${policy.id}`)).body).toMatchObject({ name: "Night shift", assignment_order: "round_robin", enabled: false, fair_distribution_limit: 5 });
    expect((await adminWeb.page(`${base}/policies/999999`)).res.status).toBe(404);

    const deleted = await adminWeb.post(`${base}/policies/${policy.id}/delete`);
    expect(deleted.headers.get("location")).toBe(`${base}?saved=policy-deleted`);
    expect((await api("GET", "/assignment_policies")).body).toEqual([]);
  });

  test("an inbox's row sets its policy, its limit per agent and the hand-over; a bad limit is refused", async () => {
    const inbox = (await api("POST", "/inboxes", { name: "Help desk", channel: { type: "api" } })).body;
    await adminWeb.post(`${base}/policies`, { name: "Desk policy", assignment_order: "round_robin", fair_distribution_limit: "100", fair_distribution_window: "3600", enabled: "1" });
    const [policy] = (await api("GET", "/assignment_policies")).body.filter((p: { name: string }) => p.name === "Desk policy");
    const saved = await adminWeb.post(`${base}/inboxes/${inbox.id}`, { enable_auto_assignment: "1", assignment_policy_id: String(policy.id), max_assignment_limit: "3", reassign_on_offline: "1" });
    expect(saved.status).toBe(303);
    expect((await api("GET", `/inboxes/${inbox.id}/assignment_policy`)).body.id).toBe(policy.id);
    const shown = (await api("GET", `/inboxes/${inbox.id}`)).body;
    expect(shown.enable_auto_assignment).toBe(true);
    expect(shown.auto_assignment_config).toMatchObject({ max_assignment_limit: 3, reassign_on_offline: true });

    const bad = await adminWeb.post(`${base}/inboxes/${inbox.id}`, { enable_auto_assignment: "1", assignment_policy_id: "", max_assignment_limit: "-2" });
    expect(bad.status).toBe(422);
    const badHtml = await bad.text();
    expect(badHtml).toContain("Must be greater than 0");
    // The error sits under that inbox's limit field, tied to it for screen readers.
    expect(badHtml).toContain(`aria-describedby="f-limit-${inbox.id}-error"`);
    expect(badHtml).toContain(`<p class="field-error" id="f-limit-${inbox.id}-error">`);

    const cleared = await adminWeb.post(`${base}/inboxes/${inbox.id}`, { assignment_policy_id: "", max_assignment_limit: "" });
    expect(cleared.status).toBe(303);
    expect((await api("GET", `/inboxes/${inbox.id}/assignment_policy`)).status).toBe(404);
    const after = (await api("GET", `/inboxes/${inbox.id}`)).body;
    expect(after.enable_auto_assignment).toBe(false);
    expect(after.auto_assignment_config.max_assignment_limit).toBeUndefined();

    // The inbox's own settings page names its policy.
    await adminWeb.post(`${base}/inboxes/${inbox.id}`, { enable_auto_assignment: "1", assignment_policy_id: String(policy.id) });
    const inboxPage = await adminWeb.page(`${kit.accountPath}/settings/inboxes/${inbox.id}`);
    expect(inboxPage.html).toContain('id="inbox-assignment-policy"');
    expect(inboxPage.html).toContain("Desk policy");
  });

  test("capacity policies: add, set an inbox limit and an agent, remove them", async () => {
    const inbox = (await api("POST", "/inboxes", { name: "Capacity desk", channel: { type: "api" } })).body;
    const nameless = await adminWeb.post(`${base}/capacity`, { name: "", description: "" });
    expect(nameless.status).toBe(422);
    expect(await nameless.text()).toContain('id="f-capacity-name-error"');
    const created = await adminWeb.post(`${base}/capacity`, { name: "Part-time", description: "" });
    expect(created.status).toBe(303);
    const [cap] = (await api("GET", "/agent_capacity_policies")).body;
    expect(created.headers.get("location")).toBe(`${base}/capacity/${cap.id}`);

    expect((await adminWeb.post(`${base}/capacity/${cap.id}/limits`, { inbox_id: String(inbox.id), conversation_limit: "x" })).status).toBe(422);
    expect((await adminWeb.post(`${base}/capacity/${cap.id}/limits`, { inbox_id: String(inbox.id), conversation_limit: "2" })).status).toBe(303);
    expect((await adminWeb.post(`${base}/capacity/${cap.id}/members`, { user_id: String(kit.agent.user.id) })).status).toBe(303);
    const shown = (await api("GET", `/agent_capacity_policies/${cap.id}`)).body;
    expect(shown.inbox_capacity_limits).toEqual([{ id: expect.any(Number), inbox_id: inbox.id, conversation_limit: 2 }]);
    expect((await api("GET", `/agent_capacity_policies/${cap.id}/users`)).body.map((u: { id: number }) => u.id)).toEqual([kit.agent.user.id]);
    const page = await adminWeb.page(`${base}/capacity/${cap.id}?saved=member`);
    expect(page.html).toContain('id="capacity-limits"');
    expect(page.html).toContain("Agnes Agent");
    expect(page.html).toContain("Agents saved");
    expect(page.html).toContain('aria-label="Remove the limit for Capacity desk"');
    expect((await adminWeb.page(`${base}/capacity/${cap.id}?saved=nonsense`)).html).not.toContain('id="capacity-notice"');

    const limitId = shown.inbox_capacity_limits[0].id;
    expect((await adminWeb.post(`${base}/capacity/${cap.id}/limits/${limitId}`, { conversation_limit: "4" })).status).toBe(303);
    expect((await api("GET", `/agent_capacity_policies/${cap.id}`)).body.inbox_capacity_limits[0].conversation_limit).toBe(4);
    expect((await adminWeb.post(`${base}/capacity/${cap.id}/limits/${limitId}/delete`)).status).toBe(303);
    expect((await adminWeb.post(`${base}/capacity/${cap.id}/members/${kit.agent.user.id}/delete`)).status).toBe(303);
    expect((await api("GET", `/agent_capacity_policies/${cap.id}`)).body.inbox_capacity_limits).toEqual([]);
    expect((await api("GET", `/agent_capacity_policies/${cap.id}/users`)).body).toEqual([]);
    expect((await adminWeb.post(`${base}/capacity/${cap.id}/delete`)).headers.get("location")).toBe(`${base}?saved=capacity-deleted`);
  });
});
