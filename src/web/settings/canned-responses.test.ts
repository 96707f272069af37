// Settings → Canned responses through the dashboard's forms, as a browser posts them.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestServer, type TestServer } from "../../testing/server.ts";
import { settingsKit, type SettingsKit, type WebClient } from "../test-client.ts";

let server: TestServer;
let admin: SettingsKit["admin"];
let adminWeb: WebClient;
let agentWeb: WebClient;
let base: string;

beforeAll(async () => {
  server = startTestServer({}, { startJobs: false });
  ({ admin, adminWeb, agentWeb } = await settingsKit(server));
  base = `/app/accounts/${admin.account.id}/settings/canned-responses`;
}, 30_000);
afterAll(() => server.close());

const api = async (path = "") => {
  const res = await server.api(`/api/v1/accounts/${admin.account.id}/canned_responses${path}`, { token: admin.token });
  return (await res.json()) as { id: number; short_code: string; content: string }[];
};

describe("Settings → Canned responses", () => {
  test("empty state, add, list, edit, delete — the API sees every change", async () => {
    const empty = await adminWeb.page(base);
    expect(empty.res.status).toBe(200);
    expect(empty.html).toContain("No canned responses yet");
    expect(empty.html).toContain('id="add-canned-form"');

    const created = await adminWeb.post(base, { short_code: "hours", content: "We are open\n9–17 on weekdays." });
    expect(created.status).toBe(303);
    expect(created.headers.get("location")).toBe(`${base}?saved=created`);
    const [row] = await api();
    expect(row).toMatchObject({ short_code: "hours", content: "We are open\n9–17 on weekdays." });

    const list = await adminWeb.page(`${base}?saved=created`);
    expect(list.html).toContain("Canned response created");
    expect(list.html).toContain("<code>/hours</code>");
    expect(list.html).toContain(`href="${base}/${row.id}"`);

    const edit = await adminWeb.page(`${base}/${row.id}`);
    expect(edit.html).toContain('value="hours"');
    const saved = await adminWeb.post(`${base}/${row.id}`, { short_code: "opening-hours", content: "Open 9–17." });
    expect(saved.status).toBe(303);
    expect((await api())[0]).toMatchObject({ id: row.id, short_code: "opening-hours", content: "Open 9–17." });

    const deleted = await adminWeb.post(`${base}/${row.id}/delete`);
    expect(deleted.headers.get("location")).toBe(`${base}?saved=deleted`);
    expect(await api()).toEqual([]);
    expect((await adminWeb.get(`${base}/${row.id}`)).status).toBe(404);
  });

  test("invalid input re-renders the form with 422 naming the field and keeping the values", async () => {
    await adminWeb.page(base);
    const blank = await adminWeb.post(base, { short_code: "", content: "Kept text" });
    expect(blank.status).toBe(422);
    const html = await blank.text();
    expect(html).toMatch(/id="f-short_code-error"[^>]*>Can&#39;t be blank/);
    expect(html).toContain("Kept text");
    await adminWeb.post(base, { short_code: "dup", content: "one" });
    const dup = await adminWeb.post(base, { short_code: "dup", content: "two" });
    expect(dup.status).toBe(422);
    expect(await dup.text()).toContain("Has already been taken");
    const noContent = await adminWeb.post(base, { short_code: "x" });
    expect(noContent.status).toBe(422);
    expect(await noContent.text()).toMatch(/id="f-content-error"/);
  });

  test("content is escaped; agents see the list read-only and cannot change it; posts need the CSRF token", async () => {
    await adminWeb.page(base);
    await adminWeb.post(base, { short_code: "xss", content: '<script>alert("x")</script><img src=x onerror=alert(1)>' });
    const page = await adminWeb.page(base);
    expect(page.html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;");
    expect(page.html).not.toContain("<script>alert");

    const id = (await api("?search=xss"))[0].id;
    const agentView = await agentWeb.page(base);
    expect(agentView.res.status).toBe(200);
    expect(agentView.html).toContain("<code>/xss</code>");
    expect(agentView.html).not.toContain('id="add-canned-form"');
    expect(agentView.html).not.toContain(`${base}/${id}/delete`);
    expect((await agentWeb.post(base, { short_code: "mine", content: "nope" })).status).toBe(403);
    expect((await agentWeb.post(`${base}/${id}`, { short_code: "xss", content: "changed" })).status).toBe(403);
    expect((await agentWeb.post(`${base}/${id}/delete`)).status).toBe(403);
    expect((await api("?search=xss"))[0].content).toContain("<script>");
    expect((await adminWeb.post(`${base}/${id}/delete`, {}, { csrf: null })).status).toBe(403);
    expect((await api("?search=xss")).length).toBe(1);
  });
});
