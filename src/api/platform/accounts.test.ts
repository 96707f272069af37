import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestServer, TEST_PLATFORM_TOKEN, type TestServer } from "../../testing/server.ts";

let server: TestServer;
beforeAll(() => {
  server = startTestServer();
});
afterAll(() => server.close());

const P = { token: TEST_PLATFORM_TOKEN };
const BASE = "/platform/api/v1/accounts";

async function call(method: string, path: string, json?: unknown) {
  const res = await server.api(path, { ...P, method, json });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, text };
}

describe("POST /platform/api/v1/accounts", () => {
  test("creates an account with Chatwoot's platform account fields", async () => {
    const { status, body } = await call("POST", BASE, { name: "Acme" });
    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(
      ["custom_attributes", "domain", "enabled_features", "id", "limits", "locale", "name", "status", "support_email"].sort(),
    );
    expect(body).toMatchObject({ name: "Acme", locale: "en", domain: null, support_email: null, custom_attributes: {}, limits: {}, status: "active" });
    expect(typeof body.id).toBe("number");
    expect(body.enabled_features).toMatchObject({ agent_bots: true, help_center: true, inbox_management: true });
    expect(body.enabled_features.ip_lookup).toBeUndefined();
    expect(Object.values(body.enabled_features).every((v) => v === true)).toBe(true);
  });

  test("accepts locale, domain, support email, status, custom attributes, limits and features", async () => {
    const { status, body } = await call("POST", BASE, {
      name: "Globex",
      locale: "es",
      domain: "support.globex.test",
      support_email: "help@globex.test",
      status: "suspended",
      custom_attributes: { plan: "pro" },
      limits: { agents: 5, inboxes: 10 },
      features: { ip_lookup: true, help_center: false },
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      name: "Globex",
      locale: "es",
      domain: "support.globex.test",
      support_email: "help@globex.test",
      status: "suspended",
      custom_attributes: { plan: "pro" },
      limits: { agents: 5, inboxes: 10 },
    });
    expect(body.enabled_features.ip_lookup).toBe(true);
    expect(body.enabled_features.help_center).toBeUndefined();
  });

  test("rejects bad input naming the field", async () => {
    const cases: [unknown, string][] = [
      [{}, "name"],
      [{ name: "" }, "name"],
      [{ name: "   " }, "name"],
      [{ name: 123 }, "name"],
      [{ name: "A", status: "closed" }, "status"],
      [{ name: "A", support_email: "nope" }, "support_email"],
      [{ name: "A", locale: "english please" }, "locale"],
      [{ name: "A", custom_attributes: "x" }, "custom_attributes"],
      [{ name: "A", limits: [1, 2] }, "limits"],
      [{ name: "A", features: { teleport: true } }, "features.teleport"],
    ];
    for (const [json, field] of cases) {
      const { status, body } = await call("POST", BASE, json);
      expect({ json, status }).toEqual({ json, status: 422 });
      expect(body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(typeof body.message).toBe("string");
    }
  });

  test("malformed JSON is 400", async () => {
    const res = await server.api(BASE, { ...P, method: "POST", headers: { "content-type": "application/json" }, body: "{name:" });
    expect(res.status).toBe(400);
    expect((await res.json()).message).toBe("Malformed JSON body");
    const array = await server.api(BASE, { ...P, method: "POST", json: [{ name: "x" }] });
    expect(array.status).toBe(400);
  });

  test("accepts form-encoded bodies as Chatwoot clients send them", async () => {
    const res = await server.api(BASE, {
      ...P,
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "name=Formed&custom_attributes[tier]=gold",
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: "Formed", custom_attributes: { tier: "gold" } });
  });
});

describe("GET, PATCH and DELETE /platform/api/v1/accounts/{id}", () => {
  test("full lifecycle", async () => {
    const created = (await call("POST", BASE, { name: "Initech", custom_attributes: { a: 1 }, limits: { agents: 2 } })).body;

    const shown = await call("GET", `${BASE}/${created.id}`);
    expect(shown.status).toBe(200);
    expect(shown.body).toEqual(created);

    const listed = await call("GET", BASE);
    expect(listed.status).toBe(200);
    expect(listed.body).toContainEqual(created);

    const patched = await call("PATCH", `${BASE}/${created.id}`, {
      name: "Initech Ltd",
      locale: "pt_BR",
      custom_attributes: { b: 2 },
      limits: { inboxes: 3 },
      features: { agent_bots: false },
      status: "suspended",
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      id: created.id,
      name: "Initech Ltd",
      locale: "pt_BR",
      custom_attributes: { a: 1, b: 2 },
      limits: { inboxes: 3 },
      status: "suspended",
    });
    expect(patched.body.enabled_features.agent_bots).toBeUndefined();

    const put = await call("PUT", `${BASE}/${created.id}`, { status: "active", features: { agent_bots: true } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ name: "Initech Ltd", status: "active" });
    expect(put.body.enabled_features.agent_bots).toBe(true);
    expect((await call("GET", `${BASE}/${created.id}`)).body).toEqual(put.body);

    const deleted = await call("DELETE", `${BASE}/${created.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.text).toBe("");

    const gone = await call("GET", `${BASE}/${created.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ message: "Account not found" });
    expect((await call("GET", BASE)).body.map((a: { id: number }) => a.id)).not.toContain(created.id);
  });

  test("PATCH validates like create", async () => {
    const { body: account } = await call("POST", BASE, { name: "Valid" });
    for (const [json, field] of [
      [{ name: "" }, "name"],
      [{ status: 1 }, "status"],
      [{ support_email: "x@" }, "support_email"],
    ] as const) {
      const res = await call("PATCH", `${BASE}/${account.id}`, json);
      expect(res.status).toBe(422);
      expect(res.body.errors[0].field).toBe(field);
    }
    expect((await call("GET", `${BASE}/${account.id}`)).body.name).toBe("Valid");
  });

  test("unknown or malformed ids are 404 JSON", async () => {
    for (const [method, json] of [["GET"], ["PATCH", { name: "x" }], ["PUT", { name: "x" }], ["DELETE"]] as const) {
      for (const id of ["999999", "abc", "-1"]) {
        const res = await call(method, `${BASE}/${id}`, json);
        expect({ method, id, status: res.status }).toEqual({ method, id, status: 404 });
        expect(typeof res.body.message).toBe("string");
      }
    }
  });

  test("deleting an account removes its agent bots and their tokens", async () => {
    const { body: account } = await call("POST", BASE, { name: "Bot Owner" });
    const { body: bot } = await call("POST", "/platform/api/v1/agent_bots", { name: "Owned", account_id: account.id });
    expect(bot.account_id).toBe(account.id);
    const token = bot.access_token.token;
    expect((await server.api("/api/v1/profile", { token })).status).toBe(403);

    expect((await call("DELETE", `${BASE}/${account.id}`)).status).toBe(200);
    expect((await call("GET", `/platform/api/v1/agent_bots/${bot.id}`)).status).toBe(404);
    expect((await server.api("/api/v1/profile", { token })).status).toBe(401);
  });
});
