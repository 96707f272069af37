import { afterAll, beforeAll, expect, test } from "bun:test";
import { createAdmin, createAgent, startTestServer, type TestServer } from "../../../testing/server.ts";

let server: TestServer;
beforeAll(() => {
  server = startTestServer();
});
afterAll(() => server.close());

test("members see the account with Chatwoot's fields", async () => {
  const admin = await createAdmin(server, { accountName: "Globex" });
  const agent = await createAgent(server, admin);
  for (const token of [admin.token, agent.token]) {
    const res = await server.api(`/api/v1/accounts/${admin.account.id}`, { token });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ id: admin.account.id, name: "Globex", locale: "en", domain: null, support_email: null, status: "active", auto_resolve_duration: null, settings: {} });
    expect(body.features).toMatchObject({ agent_management: true, team_management: true });
    expect(body.created_at).toMatch(/^\d{4}-\d\d-\d\dT/);
  }
});

test("administrators update name, locale, domain, support email, auto-resolve and settings (merged)", async () => {
  const admin = await createAdmin(server);
  const path = `/api/v1/accounts/${admin.account.id}`;
  const res = await server.api(path, {
    token: admin.token,
    method: "PATCH",
    json: { name: "Initech", locale: "pt_BR", domain: "support.initech.test", support_email: "help@initech.test", auto_resolve_duration: 60, auto_resolve_message: "Closing", industry: "Software" },
  });
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({
    name: "Initech",
    locale: "pt_BR",
    domain: "support.initech.test",
    support_email: "help@initech.test",
    auto_resolve_duration: 60,
    settings: { auto_resolve_message: "Closing" },
    custom_attributes: { industry: "Software" },
  });
  const again = await server.api(path, { token: admin.token, method: "PATCH", json: { settings: { auto_resolve_label: "stale" }, domain: "" } });
  expect(await again.json()).toMatchObject({ name: "Initech", domain: null, settings: { auto_resolve_message: "Closing", auto_resolve_label: "stale" } });
  expect((await (await server.api(path, { token: admin.token })).json()).name).toBe("Initech");
});

test("agents cannot update; bad values are 422 naming the field; other accounts are not found", async () => {
  const admin = await createAdmin(server, { accountName: "Kept" });
  const agent = await createAgent(server, admin);
  const path = `/api/v1/accounts/${admin.account.id}`;
  expect((await server.api(path, { token: agent.token, method: "PATCH", json: { name: "Hijacked" } })).status).toBe(403);
  for (const [json, field] of [
    [{ name: "" }, "name"],
    [{ support_email: "nope" }, "support_email"],
    [{ locale: "not a locale" }, "locale"],
    [{ auto_resolve_duration: 1 }, "auto_resolve_duration"],
    [{ auto_resolve_duration: "soon" }, "auto_resolve_duration"],
  ] as const) {
    const res = await server.api(path, { token: admin.token, method: "PATCH", json });
    expect(res.status).toBe(422);
    expect((await res.json()).errors[0].field).toBe(field);
  }
  const other = await createAdmin(server);
  expect((await server.api(path, { token: other.token })).status).toBe(404);
  expect((await server.api(path, { token: other.token, method: "PATCH", json: { name: "Mine" } })).status).toBe(404);
  expect((await (await server.api(path, { token: admin.token })).json()).name).toBe("Kept");
});
