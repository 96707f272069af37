// Settings → Integrations → Dashboard apps through the dashboard's forms, the appContext JSON route and the CSP
// frame-src of the workspace pages.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestServer, type TestServer } from "../../testing/server.ts";
import { setUpKit, type Kit } from "./sidebar-test-kit.ts";

let server: TestServer;
let kit: Kit;
let settings: string;

beforeAll(async () => {
  server = startTestServer({}, { startJobs: false });
  kit = await setUpKit(server);
  settings = `${kit.accountPath}/settings/integrations/dashboard-apps`;
}, 60_000);
afterAll(() => server.close());

describe("Settings → Integrations → Dashboard apps", () => {
  test("empty state, add with name + URL, edit, delete; the API sees the same apps", async () => {
    const empty = await kit.owner.page(settings);
    expect(empty.res.status).toBe(200);
    expect(empty.html).toContain("No dashboard apps yet");
    expect(empty.html).toContain('aria-current="page"');

    const created = await kit.owner.post(settings, { title: "Customer Orders", url: "https://orders.example.com/app" });
    expect(created.status).toBe(303);
    expect(created.headers.get("location")).toBe(`${settings}?saved=created`);
    const [app] = await kit.api("GET", "/dashboard_apps");
    expect(app).toMatchObject({ title: "Customer Orders", content: [{ type: "frame", url: "https://orders.example.com/app" }] });

    const list = await kit.owner.page(`${settings}?saved=created`);
    expect(list.html).toContain("Dashboard app created");
    expect(list.html).toContain("Customer Orders");
    expect(list.html).toContain("https://orders.example.com/app");
    expect(list.html).not.toContain("No dashboard apps yet");

    const edit = await kit.owner.page(`${settings}/${app.id}`);
    expect(edit.html).toContain('value="Customer Orders"');
    expect((await kit.owner.post(`${settings}/${app.id}`, { title: "Orders", url: "http://127.0.0.1:9/x" })).status).toBe(303);
    expect((await kit.api("GET", `/dashboard_apps/${app.id}`)).title).toBe("Orders");

    expect((await kit.owner.post(`${settings}/${app.id}/delete`)).status).toBe(303);
    expect(await kit.api("GET", "/dashboard_apps")).toEqual([]);
    expect((await kit.owner.page(`${settings}?saved=deleted`)).html).toContain("Dashboard app deleted");
  });

  test("bad input is a 422 naming the field, and nothing is saved", async () => {
    let res = await kit.owner.post(settings, { title: "", url: "https://a.example.com" });
    expect(res.status).toBe(422);
    let html = await res.text();
    expect(html).toMatch(/id="f-title-error"[^>]*>\s*Can&#39;t be blank|id="f-title-error"[^>]*>\s*Can't be blank/);
    res = await kit.owner.post(settings, { title: "Evil", url: "javascript:alert(1)" });
    expect(res.status).toBe(422);
    html = await res.text();
    expect(html).toContain('id="f-url-error"');
    expect(html).toContain("http or https");
    expect(html).toContain('value="Evil"');
    expect(await kit.api("GET", "/dashboard_apps")).toEqual([]);
    expect((await kit.owner.post(settings, { title: "A", url: "https://a.example.com" }, { csrf: "wrong" })).status).toBe(403);
  });

  test("plain agents cannot open or post the settings page, and a foreign id is not found", async () => {
    const agent = await kit.agent("Plain Agent");
    expect((await agent.client.get(settings)).status).toBe(403);
    await agent.client.page(`${kit.accountPath}/dashboard`);
    expect(agent.client.csrf).not.toBe("");
    const refused = await agent.client.post(settings, { title: "Sneaky", url: "https://s.example.com" });
    expect(refused.status).toBe(403);
    expect(await refused.text()).not.toContain("This form has expired");
    expect(await kit.api("GET", "/dashboard_apps")).toEqual([]);
    expect((await kit.owner.get(`${settings}/999999`)).status).toBe(404);
  }, 30_000);
});

describe("appContext route and CSP", () => {
  test("the payload has the article's conversation, contact and currentAgent; only viewers of the conversation get it", async () => {
    const member = await kit.agent("Member Agent");
    const outsider = await kit.agent("Outsider Agent");
    const inbox = await kit.inbox("Orders inbox", [member.id]);
    const conv = await kit.conversation(inbox.id, { name: "Carla Contact", email: "carla@example.com", phone_number: "+15550001111" });
    await kit.api("POST", "/dashboard_apps", { dashboard_app: { title: "Orders", content: [{ type: "frame", url: "http://127.0.0.1:4567/orders" }] } });

    const url = `${kit.accountPath}/conversations/${conv.displayId}/dashboard-app-context`;
    const res = await member.client.get(url);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.event).toBe("appContext");
    expect(body.data.currentAgent).toEqual({ email: member.email, id: member.id, name: "Member Agent" });
    expect(body.data.contact).toMatchObject({ id: conv.contactId, name: "Carla Contact", email: "carla@example.com", phone_number: "+15550001111" });
    expect(body.data.conversation).toMatchObject({ id: conv.displayId, inbox_id: inbox.id, account_id: kit.accountId, status: "open", labels: [] });
    expect(body.data.conversation.meta.sender.id).toBe(conv.contactId);
    expect(Array.isArray(body.data.conversation.messages)).toBe(true);

    expect((await outsider.client.get(url)).status).toBe(404);
    expect((await kit.owner.get(`${kit.accountPath}/conversations/999999/dashboard-app-context`)).status).toBe(404);

    // The conversation page shows a tab per app, its panel holding the sandboxed iframe.
    const app = (await kit.api("GET", "/dashboard_apps"))[0];
    const convPage = await member.client.get(`${kit.accountPath}/conversations/${conv.displayId}`);
    expect(convPage.status).toBe(200);
    expect(convPage.headers.get("content-security-policy")).toContain("frame-src 'self' http://127.0.0.1:4567");
    const convHtml = await convPage.text();
    expect(convHtml).toMatch(new RegExp(`<button type="button" role="tab"[^>]*id="dashboard-app-tab-${app.id}"[^>]*aria-controls="dashboard-app-panel-${app.id}"[^>]*>Orders</button>`));
    const panel = new RegExp(`<div role="tabpanel"[^>]*id="dashboard-app-panel-${app.id}"[^>]*>`).exec(convHtml)?.[0] ?? "";
    expect(panel).toContain("hidden");
    expect(panel).toContain('data-app-origin="http://127.0.0.1:4567"');
    expect(panel).toContain(`data-context-url="${url}"`);
    expect(convHtml).toContain('<iframe class="dashboard-app-frame" src="http://127.0.0.1:4567/orders" title="Orders" sandbox="allow-scripts allow-same-origin allow-forms allow-popups"');

    // Workspace pages list the app's origin in frame-src; other apps' origins are not there.
    const page = await kit.owner.get(`${kit.accountPath}/dashboard`);
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("frame-src 'self' http://127.0.0.1:4567");
    expect(csp).toContain("frame-ancestors 'none'");
  }, 30_000);
});
