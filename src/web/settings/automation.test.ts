// Settings → Automation and Settings → Macros through the dashboard's forms (the builders post their rows as JSON),
// and the conversation header's Run macro menu.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { accountPath, addInboxMembers, caller, createApiInbox, startConversation } from "../../api/v1/accounts/conversation-test-kit.ts";
import { startTestServer, type TestServer } from "../../testing/server.ts";
import { settingsKit, type SettingsKit, type WebClient } from "../test-client.ts";

let server: TestServer;
let admin: SettingsKit["admin"];
let agent: SettingsKit["agent"];
let adminWeb: WebClient;
let agentWeb: WebClient;
let inbox: { id: number };

const settings = (rest: string) => `/app/accounts/${admin.account.id}/settings/${rest}`;

beforeAll(async () => {
  server = startTestServer();
  ({ admin, agent, adminWeb, agentWeb } = await settingsKit(server, { adminName: "Ada Admin" }));
  inbox = await createApiInbox(server, admin);
  await addInboxMembers(server, admin, inbox.id, [agent.user.id]);
  await caller(server)(admin.token, "POST", accountPath(admin.account.id, "/labels"), { title: "vip" });
}, 30_000);
afterAll(() => server.close());

describe("Settings → Automation", () => {
  test("administrators add, toggle, clone, edit and delete rules; a bad rule re-renders naming the part; agents are refused", async () => {
    const empty = await adminWeb.page(settings("automation"));
    expect(empty.res.status).toBe(200);
    expect(empty.html).toContain("No automation rules yet");
    // Agents are pickable in assign_agent.
    expect(empty.html).toContain(`value="${agent.user.id}">Agnes Agent</option>`);

    const bad = await adminWeb.post(settings("automation"), {
      name: "Broken",
      event_name: "conversation_created",
      conditions_json: JSON.stringify([{ attribute_key: "shoe_size", filter_operator: "equal_to", values: ["9"] }]),
      actions_json: JSON.stringify([{ action_name: "add_label", action_params: ["vip"] }]),
    });
    expect(bad.status).toBe(422);
    const badHtml = await bad.text();
    expect(badHtml).toContain("Condition 1: Is not a known attribute: shoe_size");
    expect(badHtml).toContain('value="Broken"');
    // Builder rows that cannot be read are named before the domain sees them; the other fields stay as typed.
    const unreadable = await adminWeb.post(settings("automation"), { name: "Garbled", event_name: "conversation_created", conditions_json: "{oops", actions_json: "[]" });
    expect(unreadable.status).toBe(422);
    const unreadableHtml = await unreadable.text();
    expect(unreadableHtml).toContain('<p class="field-error" data-error-for="conditions">Could not be read; add them again</p>');
    expect(unreadableHtml).toContain('value="Garbled"');
    const noEvent = await adminWeb.post(settings("automation"), { name: "No event", event_name: "bogus", conditions_json: "[]", actions_json: JSON.stringify([{ action_name: "resolve_conversation", action_params: [] }]) });
    expect(noEvent.status).toBe(422);
    const noEventHtml = await noEvent.text();
    expect(noEventHtml).toContain('aria-invalid="true" aria-describedby="f-event_name-error"');
    expect(noEventHtml).toContain('<p class="field-error" id="f-event_name-error">');

    const created = await adminWeb.post(settings("automation"), {
      name: "VIPs",
      description: "Label them",
      event_name: "conversation_created",
      conditions_json: JSON.stringify([{ attribute_key: "inbox_id", filter_operator: "equal_to", values: [inbox.id], query_operator: "and" }]),
      actions_json: JSON.stringify([{ action_name: "add_label", action_params: ["vip"] }]),
    });
    expect(created.status).toBe(303);
    const list = await adminWeb.page(settings("automation?saved=created"));
    expect(list.html).toContain("Automation rule created");
    expect(list.html).toContain("VIPs");
    const api = async () => (await caller(server)(admin.token, "GET", accountPath(admin.account.id, "/automation_rules"))).body.payload as { id: number; name: string; active: boolean }[];
    const [rule] = await api();
    expect(rule).toMatchObject({ name: "VIPs", active: true });

    const c = await startConversation(server, admin, inbox.id);
    // The background runner may be the one running it: wait for the label.
    let tagged: string[] = [];
    for (let i = 0; i < 200 && !tagged.length; i++) {
      await server.runner.runUntilEmpty();
      tagged = (await caller(server)(admin.token, "GET", accountPath(admin.account.id, `/conversations/${c.id}`))).body.labels;
      if (!tagged.length) await Bun.sleep(10);
    }
    expect(tagged).toEqual(["vip"]);

    expect((await adminWeb.post(settings(`automation/${rule.id}/toggle`))).status).toBe(303);
    expect((await api())[0].active).toBe(false);
    expect((await adminWeb.post(settings(`automation/${rule.id}/clone`))).status).toBe(303);
    expect((await api()).map((r) => r.name)).toEqual(["VIPs", "VIPs"]);

    const edit = await adminWeb.page(settings(`automation/${rule.id}`));
    expect(edit.res.status).toBe(200);
    expect(edit.html).toContain('id="automation-rule-form"');
    expect(edit.html).toContain('aria-labelledby="edit-rule-heading"');
    expect(edit.html).toContain(`href="${settings("automation")}">Back to automation rules`);
    expect((await adminWeb.page(settings("automation/abc"))).res.status).toBe(404);
    expect((await adminWeb.page(settings("automation/999999"))).res.status).toBe(404);
    const saved = await adminWeb.post(settings(`automation/${rule.id}`), {
      name: "VIPs renamed",
      description: "",
      event_name: "message_created",
      conditions_json: "[]",
      actions_json: JSON.stringify([{ action_name: "resolve_conversation", action_params: [] }]),
    });
    expect(saved.status).toBe(303);
    expect((await api())[0]).toMatchObject({ name: "VIPs renamed" });
    expect((await adminWeb.post(settings(`automation/${rule.id}`), { name: "x", event_name: "message_created", actions_json: "{not json" })).status).toBe(422);
    // A label the rule names is deleted: the list says what needs attention.
    await adminWeb.post(settings(`automation/${rule.id}`), {
      name: "VIPs renamed",
      event_name: "message_created",
      conditions_json: "[]",
      actions_json: JSON.stringify([{ action_name: "add_label", action_params: ["vip"] }]),
    });
    const labels = (await caller(server)(admin.token, "GET", accountPath(admin.account.id, "/labels"))).body.payload as { id: number; title: string }[];
    await caller(server)(admin.token, "DELETE", accountPath(admin.account.id, `/labels/${labels.find((l) => l.title === "vip")!.id}`));
    expect((await adminWeb.page(settings("automation"))).html).toContain("Needs attention — Action 1: names labels that do not exist: vip");
    const restored = await caller(server)(admin.token, "POST", accountPath(admin.account.id, "/labels"), { title: "vip" });
    expect(restored.status, JSON.stringify(restored.body)).toBe(200);
    expect((await adminWeb.post(settings(`automation/${rule.id}/delete`))).status).toBe(303);
    expect((await api()).length).toBe(1);

    expect((await agentWeb.get(settings("automation"))).status).toBe(403);
    expect((await agentWeb.post(settings("automation"), { name: "x" }, { csrf: adminWeb.csrf })).status).toBeGreaterThanOrEqual(400);
  });
});

describe("Settings → Macros and the Run macro menu", () => {
  test("an agent creates a personal macro and runs it from the conversation header in one click", async () => {
    const page = await agentWeb.page(settings("macros"));
    expect(page.res.status).toBe(200);
    expect(page.html).toContain("No macros yet");
    expect(page.html).not.toContain('name="visibility"');
    const created = await agentWeb.post(settings("macros"), {
      name: "Tag and park",
      visibility: "global",
      actions_json: JSON.stringify([
        { action_name: "add_label", action_params: ["vip"] },
        { action_name: "change_status", action_params: ["pending"] },
      ]),
    });
    expect(created.status).toBe(303);
    const list = await agentWeb.page(settings("macros"));
    expect(list.html).toContain("Tag and park");
    expect(list.html).toContain("Personal");

    const c = await startConversation(server, admin, inbox.id);
    const convPage = await agentWeb.page(`/app/accounts/${admin.account.id}/conversations/${c.id}`);
    expect(convPage.res.status).toBe(200);
    const macroId = /data-testid="run-macro-(\d+)"/.exec(convPage.html)?.[1];
    expect(macroId).toBeDefined();
    const run = await agentWeb.post(settings(`macros/${macroId}/run`), { conversation_id: String(c.id) });
    expect(run.status).toBe(303);
    expect(run.headers.get("location")).toBe(`/app/accounts/${admin.account.id}/conversations/${c.id}`);
    const after = (await caller(server)(admin.token, "GET", accountPath(admin.account.id, `/conversations/${c.id}`))).body;
    expect(after.labels).toEqual(["vip"]);
    expect(after.status).toBe("pending");

    // The administrator does not see the agent's personal macro, in settings or in the header.
    expect((await adminWeb.page(settings("macros"))).html).not.toContain("Tag and park");
    expect((await adminWeb.page(`/app/accounts/${admin.account.id}/conversations/${c.id}`)).html).not.toContain(`run-macro-${macroId}`);
    expect((await adminWeb.post(settings(`macros/${macroId}/run`), { conversation_id: String(c.id) })).status).toBe(404);

    const bad = await agentWeb.post(settings("macros"), { name: "", actions_json: "[]" });
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toContain("Can&#39;t be blank.");
  });
});
