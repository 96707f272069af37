import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestServer, TEST_PLATFORM_TOKEN, type TestServer } from "../../testing/server.ts";

let server: TestServer;
beforeAll(() => {
  server = startTestServer();
});
afterAll(() => server.close());

const P = { token: TEST_PLATFORM_TOKEN };

async function call(method: string, path: string, json?: unknown) {
  const res = await server.api(path, { ...P, method, json });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, text };
}

async function setup() {
  const account = (await call("POST", "/platform/api/v1/accounts", { name: "Members Inc" })).body;
  const email = `member-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const user = (await call("POST", "/platform/api/v1/users", { name: "Mia Member", email, password: "Passw0rd!long" })).body;
  return { account, user, path: `/platform/api/v1/accounts/${account.id}/account_users` };
}

const profileOf = async (token: string) => (await server.api("/api/v1/profile", { token })).json();

describe("/platform/api/v1/accounts/{account_id}/account_users", () => {
  test("list, create, change role and delete, reflected in the user's profile", async () => {
    const { account, user, path } = await setup();
    expect(await call("GET", path)).toMatchObject({ status: 200, body: [] });

    const created = await call("POST", path, { user_id: user.id, role: "agent" });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ account_id: account.id, user_id: user.id, role: "agent", inviter_id: null, availability: "offline", auto_offline: true });
    expect(typeof created.body.id).toBe("number");
    expect(created.body.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const listed = await call("GET", path);
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([created.body]);

    let profile = await profileOf(user.access_token);
    expect(profile).toMatchObject({ account_id: account.id, role: "agent" });
    expect(profile.accounts).toEqual([expect.objectContaining({ id: account.id, name: "Members Inc", role: "agent" })]);

    // Posting again for the same user changes the role of the existing membership (Chatwoot's find_or_initialize).
    const promoted = await call("POST", path, { user_id: user.id, role: "administrator" });
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({ id: created.body.id, role: "administrator" });
    expect((await call("GET", path)).body).toHaveLength(1);
    profile = await profileOf(user.access_token);
    expect(profile.accounts).toEqual([expect.objectContaining({ id: account.id, role: "administrator" })]);

    const shown = await call("GET", `/platform/api/v1/users/${user.id}`);
    expect(shown.body.accounts).toEqual([{ id: account.id, name: "Members Inc", active_at: null, role: "administrator" }]);

    const removed = await call("DELETE", path, { user_id: user.id });
    expect(removed.status).toBe(200);
    expect(removed.text).toBe("");
    expect((await call("GET", path)).body).toEqual([]);
    profile = await profileOf(user.access_token);
    expect(profile.accounts).toEqual([]);
    expect(profile.account_id).toBeNull();

    // Removing someone who is not a member is not an error, as in Chatwoot.
    expect((await call("DELETE", path, { user_id: user.id })).status).toBe(200);
  });

  test("role defaults to agent and the user id may come as a form string", async () => {
    const { user, path } = await setup();
    const res = await server.api(path, {
      ...P,
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `user_id=${user.id}`,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ user_id: user.id, role: "agent" });
  });

  test("rejects bad input naming the field", async () => {
    const { user, path } = await setup();
    const cases: [unknown, string][] = [
      [{ user_id: user.id, role: "owner" }, "role"],
      [{ user_id: user.id, role: 1 }, "role"],
      [{ role: "agent" }, "user_id"],
      [{ user_id: "abc", role: "agent" }, "user_id"],
      [{ user_id: 1.5, role: "agent" }, "user_id"],
      [{ user_id: 999999, role: "agent" }, "user_id"],
    ];
    for (const [json, field] of cases) {
      const res = await call("POST", path, json);
      expect({ json, status: res.status }).toEqual({ json, status: 422 });
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([field]);
    }
    const del = await call("DELETE", path, {});
    expect(del.status).toBe(422);
    expect(del.body.errors[0].field).toBe("user_id");
    const malformed = await server.api(path, { ...P, method: "POST", headers: { "content-type": "application/json" }, body: "{" });
    expect(malformed.status).toBe(400);
  });

  test("an unknown account is 404", async () => {
    const { user } = await setup();
    const path = "/platform/api/v1/accounts/999999/account_users";
    expect((await call("GET", path)).status).toBe(404);
    expect((await call("POST", path, { user_id: user.id, role: "agent" })).status).toBe(404);
    const del = await call("DELETE", path, { user_id: user.id });
    expect(del.status).toBe(404);
    expect(del.body).toEqual({ message: "Account not found" });
  });
});
