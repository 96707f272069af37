import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createAdmin, startTestServer, TEST_PLATFORM_TOKEN, type TestServer } from "../../testing/server.ts";

let server: TestServer;
beforeAll(() => {
  server = startTestServer();
});
afterAll(() => server.close());

const ENDPOINTS: [string, string][] = [
  ["GET", "/platform/api/v1/accounts"],
  ["POST", "/platform/api/v1/accounts"],
  ["GET", "/platform/api/v1/accounts/1"],
  ["PATCH", "/platform/api/v1/accounts/1"],
  ["DELETE", "/platform/api/v1/accounts/1"],
  ["GET", "/platform/api/v1/accounts/1/account_users"],
  ["POST", "/platform/api/v1/accounts/1/account_users"],
  ["DELETE", "/platform/api/v1/accounts/1/account_users"],
  ["POST", "/platform/api/v1/users"],
  ["GET", "/platform/api/v1/users/1"],
  ["PATCH", "/platform/api/v1/users/1"],
  ["DELETE", "/platform/api/v1/users/1"],
  ["GET", "/platform/api/v1/users/1/login"],
  ["POST", "/platform/api/v1/users/1/token"],
  ["GET", "/platform/api/v1/agent_bots"],
  ["POST", "/platform/api/v1/agent_bots"],
  ["GET", "/platform/api/v1/agent_bots/1"],
  ["PATCH", "/platform/api/v1/agent_bots/1"],
  ["DELETE", "/platform/api/v1/agent_bots/1"],
];

describe("Platform API authentication", () => {
  test("every endpoint answers 401 without a token", async () => {
    for (const [method, path] of ENDPOINTS) {
      const res = await server.api(path, { method, json: method === "GET" ? undefined : { name: "x" } });
      expect({ method, path, status: res.status }).toEqual({ method, path, status: 401 });
      expect(await res.json()).toEqual({ message: "Invalid Access Token" });
    }
  });

  test("every endpoint answers 401 with a wrong token", async () => {
    for (const [method, path] of ENDPOINTS) {
      const res = await server.api(path, { method, token: TEST_PLATFORM_TOKEN + "x", json: method === "GET" ? undefined : { name: "x" } });
      expect({ method, path, status: res.status }).toEqual({ method, path, status: 401 });
    }
    expect((await server.api("/platform/api/v1/accounts", { token: "short" })).status).toBe(401);
  });

  test("a user's API token is not a platform token", async () => {
    const admin = await createAdmin(server);
    expect((await server.api("/platform/api/v1/accounts", { token: admin.token })).status).toBe(401);
  });

  test("accepts the token as api_access_token or Authorization: Bearer", async () => {
    expect((await server.api("/platform/api/v1/accounts", { token: TEST_PLATFORM_TOKEN })).status).toBe(200);
    const bearer = await server.api("/platform/api/v1/accounts", { headers: { authorization: `Bearer ${TEST_PLATFORM_TOKEN}` } });
    expect(bearer.status).toBe(200);
  });

  test("without PARLEY_PLATFORM_TOKEN the Platform API is closed", async () => {
    const closed = startTestServer({ PARLEY_PLATFORM_TOKEN: "" });
    try {
      expect(closed.deps.config.platformToken).toBeNull();
      for (const token of [undefined, TEST_PLATFORM_TOKEN, ""]) {
        const res = await closed.api("/platform/api/v1/accounts", { method: "POST", token, json: { name: "Acme" } });
        expect(res.status).toBe(401);
      }
      const bearer = await closed.api("/platform/api/v1/accounts", { headers: { authorization: "Bearer " } });
      expect(bearer.status).toBe(401);
    } finally {
      await closed.close();
    }
  });
});

describe("createAdmin (test helper built on the Platform API)", () => {
  test("creates an account, a confirmed administrator and returns a working token", async () => {
    const admin = await createAdmin(server, { accountName: "Helper Co", name: "Helper Admin" });
    expect(admin.account).toMatchObject({ name: "Helper Co", status: "active" });
    expect(admin.user).toMatchObject({ name: "Helper Admin", email: admin.email, confirmed: true });
    const profile = await server.api("/api/v1/profile", { token: admin.token });
    expect(profile.status).toBe(200);
    expect(await profile.json()).toMatchObject({ id: admin.user.id, account_id: admin.account.id, role: "administrator" });
  });
});
