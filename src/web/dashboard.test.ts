import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestServer, TEST_PLATFORM_TOKEN, type TestServer } from "../testing/server.ts";
import { onboard, WebClient } from "./test-client.ts";

let server: TestServer;
let owner: WebClient;
let accountPath: string;
let email: string;

const platform = (path: string, json: unknown) => server.api(`/platform/api/v1${path}`, { method: "POST", token: TEST_PLATFORM_TOKEN, json });

beforeAll(async () => {
  server = startTestServer();
  ({ client: owner, accountPath, email } = await onboard(server));
});
afterAll(() => server.close());

describe("dashboard shell", () => {
  test("/ and /app lead to the current account's conversations", async () => {
    expect((await owner.get("/")).headers.get("location")).toBe("/app");
    expect((await owner.get("/app")).headers.get("location")).toBe(`${accountPath}/dashboard`);
    expect((await owner.get(accountPath)).headers.get("location")).toBe(`${accountPath}/dashboard`);
  });

  test("each section renders inside the navigation rail with a real empty state", async () => {
    const sections = [
      ["dashboard", "No conversations yet"],
      ["contacts", "No contacts yet"],
      ["reports", "Nothing to report yet"],
      ["portals", "No help center portals yet"],
    ];
    for (const [path, empty] of sections) {
      const { res, html } = await owner.page(`${accountPath}/${path}`);
      expect(res.status).toBe(200);
      expect(html).toContain(empty);
      for (const label of ["Conversations", "Contacts", "Reports", "Help Center", "Settings"]) expect(html).toContain(label);
      expect(html).toMatch(new RegExp(`href="${accountPath}/${path}"[^>]*aria-current="page"`));
      expect(html.toLowerCase()).not.toContain("coming soon");
    }
  });

  test("a visitor without a session is sent to login; htmx requests get HX-Redirect", async () => {
    const visitor = new WebClient(server);
    expect((await visitor.get(`${accountPath}/dashboard`)).headers.get("location")).toBe("/app/login");
    await visitor.page("/app/login");
    const htmx = await visitor.post(`${accountPath}/availability`, { availability: "busy" }, { headers: { "hx-request": "true" } });
    expect(htmx.headers.get("hx-redirect")).toBe("/app/login");
  });

  test("accounts the user is not a member of are 404, as are unknown pages", async () => {
    const other = await (await platform("/accounts", { name: "Someone else" })).json();
    for (const path of [`/app/accounts/${other.id}/dashboard`, "/app/accounts/999999/dashboard", "/app/accounts/abc/dashboard", `${accountPath}/nope`]) {
      const res = await owner.get(path);
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toContain("text/html");
      expect(res.headers.get("content-security-policy")).toContain("script-src");
    }
    expect((await owner.post(`/app/accounts/${other.id}/switch`)).status).toBe(404);
    expect((await owner.post(`/app/accounts/${other.id}/availability`, { availability: "busy" })).status).toBe(404);
  });

  test("availability is saved per account and shown as a status dot", async () => {
    const res = await owner.post(`${accountPath}/availability`, { availability: "busy" }, { headers: { referer: `${server.url}${accountPath}/contacts` } });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`${accountPath}/contacts`);
    const { html } = await owner.page(`${accountPath}/contacts`);
    expect(html).toContain('class="status-dot status-busy"');

    const fragment = await owner.post(`${accountPath}/availability`, { availability: "offline" }, { headers: { "hx-request": "true" } });
    expect(fragment.status).toBe(200);
    const part = await fragment.text();
    expect(part).toStartWith('<div class="user-menu" id="user-menu"');
    expect(part).toContain('data-status="offline"');
    expect((await owner.post(`${accountPath}/availability`, { availability: "away" })).status).toBe(422);
  });

  test("the account switcher lists the user's accounts and switching changes where /app leads", async () => {
    const second = await (await platform("/accounts", { name: "Beta Corp" })).json();
    const owners = await (await server.api("/api/v1/profile", { token: await ownerToken() })).json();
    await platform(`/accounts/${second.id}/account_users`, { user_id: owners.id, role: "agent" });
    const { html } = await owner.page(`${accountPath}/dashboard`);
    expect(html).toContain("Beta Corp");
    expect(html).toContain(`action="/app/accounts/${second.id}/switch"`);
    const res = await owner.post(`/app/accounts/${second.id}/switch`);
    expect(res.headers.get("location")).toBe(`/app/accounts/${second.id}/dashboard`);
    expect((await owner.get("/app")).headers.get("location")).toBe(`/app/accounts/${second.id}/dashboard`);
    // an agent there, but still the installation's SuperAdmin: the installation pages stay in reach
    const agentView = await owner.page(`/app/accounts/${second.id}/settings/profile`);
    expect(agentView.html).toContain("Agent");
    expect(agentView.html).toContain("Background jobs");
    await owner.post(`${accountPath}/switch`);
    expect((await owner.get("/app")).headers.get("location")).toBe(`${accountPath}/dashboard`);
  });

  test("label colours come as a stylesheet keyed by [data-label], revalidated by ETag", async () => {
    const accountId = Number(accountPath.split("/").pop());
    const token = await ownerToken();
    for (const [title, color] of [["vip", "#e0662b"], ["bug-report", "#1f93ff"]]) {
      const res = await server.api(`/api/v1/accounts/${accountId}/labels`, { method: "POST", token, json: { title, color } });
      expect(res.status).toBe(200);
    }
    const res = await owner.get(`${accountPath}/labels.css`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toStartWith("text/css");
    const css = await res.text();
    expect(css).toContain('[data-label="vip"]{--label-color:#e0662b}');
    expect(css).toContain('[data-label="bug-report"]{--label-color:#1f93ff}');
    const again = await owner.get(`${accountPath}/labels.css`, { "if-none-match": res.headers.get("etag")! });
    expect(again.status).toBe(304);
    // Every dashboard page links it; another account's stylesheet is not found.
    expect((await owner.page(`${accountPath}/dashboard`)).html).toContain(`href="${accountPath}/labels.css"`);
    expect((await owner.get(`/app/accounts/${accountId + 1000}/labels.css`)).status).toBe(404);
  });
});

async function ownerToken(): Promise<string> {
  const { html } = await owner.page(`${accountPath}/settings/profile`);
  const token = /data-value="([^"]+)" data-testid="access-token"/.exec(html)?.[1];
  if (!token) throw new Error(`no token on profile page for ${email}`);
  return token;
}
