import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createAdmin, createAgent, startTestServer, type TestServer } from "../../../testing/server.ts";

let server: TestServer;
let admin: Awaited<ReturnType<typeof createAdmin>>;
let agent: Awaited<ReturnType<typeof createAgent>>;
let other: Awaited<ReturnType<typeof createAdmin>>;

const call = async (token: string, method: string, path: string, json?: unknown) => {
  const res = await server.api(path, { method, token, json });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
};

beforeAll(async () => {
  server = startTestServer({}, { startJobs: false });
  admin = await createAdmin(server);
  agent = await createAgent(server, admin);
  other = await createAdmin(server, { accountName: "Other" });
});
afterAll(() => server.close());

describe("/api/v1/accounts/:id/dashboard_apps", () => {
  test("administrators create, show, update and delete; every agent lists and shows", async () => {
    const base = `/api/v1/accounts/${admin.account.id}/dashboard_apps`;
    expect(await call(admin.token, "GET", base)).toEqual({ status: 200, body: [] });

    const created = await call(admin.token, "POST", base, { dashboard_app: { title: "Customer Orders", content: [{ type: "frame", url: "https://orders.example.com/app" }] } });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({ id: expect.any(Number), title: "Customer Orders", content: [{ type: "frame", url: "https://orders.example.com/app" }], created_at: expect.any(String) });
    expect(Number.isNaN(Date.parse(created.body.created_at))).toBe(false);
    const id = created.body.id;

    const listed = await call(agent.token, "GET", base);
    expect(listed).toEqual({ status: 200, body: [created.body] });
    expect(await call(agent.token, "GET", `${base}/${id}`)).toEqual({ status: 200, body: created.body });

    const updated = await call(admin.token, "PATCH", `${base}/${id}`, { dashboard_app: { title: "Orders", content: [{ type: "frame", url: "http://localhost:4000/orders" }] } });
    expect(updated).toEqual({ status: 200, body: { ...created.body, title: "Orders", content: [{ type: "frame", url: "http://localhost:4000/orders" }] } });
    // Only the title: the content stays.
    expect((await call(admin.token, "PUT", `${base}/${id}`, { dashboard_app: { title: "Orders 2" } })).body.content[0].url).toBe("http://localhost:4000/orders");

    expect((await call(admin.token, "DELETE", `${base}/${id}`)).status).toBe(204);
    expect((await call(admin.token, "GET", `${base}/${id}`)).status).toBe(404);
    expect((await call(admin.token, "GET", base)).body).toEqual([]);
  });

  test("agents cannot create, update or delete", async () => {
    const base = `/api/v1/accounts/${admin.account.id}/dashboard_apps`;
    const app = (await call(admin.token, "POST", base, { dashboard_app: { title: "CRM", content: [{ type: "frame", url: "https://crm.example.com" }] } })).body;
    expect((await call(agent.token, "POST", base, { dashboard_app: { title: "X", content: [{ type: "frame", url: "https://x.example.com" }] } })).status).toBe(403);
    expect((await call(agent.token, "PATCH", `${base}/${app.id}`, { dashboard_app: { title: "Hacked" } })).status).toBe(403);
    expect((await call(agent.token, "DELETE", `${base}/${app.id}`)).status).toBe(403);
    expect((await call(admin.token, "GET", `${base}/${app.id}`)).body.title).toBe("CRM");
  });

  test("another account's app is not found, and its list is its own", async () => {
    const base = `/api/v1/accounts/${admin.account.id}/dashboard_apps`;
    const app = (await call(admin.token, "POST", base, { dashboard_app: { title: "Mine", content: [{ type: "frame", url: "https://mine.example.com" }] } })).body;
    const otherBase = `/api/v1/accounts/${other.account.id}/dashboard_apps`;
    expect((await call(other.token, "GET", `${otherBase}/${app.id}`)).status).toBe(404);
    expect((await call(other.token, "PATCH", `${otherBase}/${app.id}`, { dashboard_app: { title: "Stolen" } })).status).toBe(404);
    expect((await call(other.token, "DELETE", `${otherBase}/${app.id}`)).status).toBe(404);
    expect((await call(other.token, "GET", otherBase)).body).toEqual([]);
    expect((await call(other.token, "GET", base)).status).toBe(404);
  });

  test("validation names the field: title, content, http(s) URL", async () => {
    const base = `/api/v1/accounts/${admin.account.id}/dashboard_apps`;
    const cases: [unknown, string, RegExp][] = [
      [{ dashboard_app: { title: "", content: [{ type: "frame", url: "https://a.example.com" }] } }, "title", /blank/],
      [{ dashboard_app: { title: "A" } }, "content", /at least one frame/],
      [{ dashboard_app: { title: "A", content: [] } }, "content", /at least one frame/],
      [{ dashboard_app: { title: "A", content: [{ type: "frame", url: "javascript:alert(1)" }] } }, "content", /http or https/],
      [{ dashboard_app: { title: "A", content: [{ type: "frame", url: "not a url" }] } }, "content", /invalid/],
      [{ dashboard_app: { title: "A", content: [{ type: "frame", url: "https://user:pw@a.example.com" }] } }, "content", /credentials/],
      [{ dashboard_app: { title: "A", content: [{ type: "link", url: "https://a.example.com" }] } }, "content", /frame/],
      [{ dashboard_app: { title: 5, content: [{ type: "frame", url: "https://a.example.com" }] } }, "title", /string/],
      [{ dashboard_app: { title: "A", content: "https://a.example.com" } }, "content", /list of frames/],
    ];
    for (const [json, field, message] of cases) {
      const res = await call(admin.token, "POST", base, json);
      expect(res.status).toBe(422);
      const err = res.body.errors.find((e: { field: string }) => e.field === field);
      expect(err?.message).toMatch(message);
    }
    const bad = await server.api(base, { method: "POST", token: admin.token, headers: { "content-type": "application/json" }, body: "{nope" });
    expect(bad.status).toBe(400);
    expect((await call(admin.token, "GET", base)).body.some((a: { title: string }) => a.title === "A")).toBe(false);
  });
});
