import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { sessions } from "../../db/schema/accounts.ts";
import { startTestServer, TEST_PLATFORM_TOKEN, type TestServer } from "../../testing/server.ts";

let server: TestServer;
beforeAll(() => {
  server = startTestServer();
});
afterAll(() => server.close());

const P = { token: TEST_PLATFORM_TOKEN };
const BASE = "/platform/api/v1/users";
const PASSWORD = "Passw0rd!long";

async function call(method: string, path: string, json?: unknown) {
  const res = await server.api(path, { ...P, method, json });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, text };
}

const newEmail = () => `user-${crypto.randomUUID().slice(0, 8)}@example.com`;

async function createUser(extra: Record<string, unknown> = {}) {
  const res = await call("POST", BASE, { name: "Uma User", email: newEmail(), password: PASSWORD, ...extra });
  expect(res.status).toBe(200);
  return res.body;
}

/** Follows a link from the API against the test server (config.publicUrl points at port 0 in tests). */
function follow(url: string) {
  const u = new URL(url);
  return server.api(u.pathname + u.search, { redirect: "manual" });
}

describe("POST /platform/api/v1/users", () => {
  test("creates a confirmed user and returns Chatwoot's platform user with its access token", async () => {
    const email = newEmail();
    const { status, body } = await call("POST", BASE, {
      name: "Ada Lovelace",
      email,
      password: PASSWORD,
      display_name: "Ada",
      custom_attributes: { crm_id: "c-1" },
    });
    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(
      [
        "access_token",
        "account_id",
        "accounts",
        "available_name",
        "avatar_url",
        "confirmed",
        "custom_attributes",
        "display_name",
        "email",
        "id",
        "message_signature",
        "name",
        "provider",
        "pubsub_token",
        "role",
        "ui_settings",
        "uid",
      ].sort(),
    );
    expect(body).toMatchObject({
      name: "Ada Lovelace",
      display_name: "Ada",
      available_name: "Ada",
      email,
      uid: email,
      provider: "email",
      confirmed: true,
      account_id: null,
      role: null,
      accounts: [],
      avatar_url: "",
      custom_attributes: { crm_id: "c-1" },
    });
    expect(body.access_token).toMatch(/^[A-Za-z0-9]{24}$/);

    const profile = await server.api("/api/v1/profile", { token: body.access_token });
    expect(profile.status).toBe(200);
    expect(await profile.json()).toMatchObject({ id: body.id, email, confirmed: true });
  });

  test("an email that already exists returns the existing user unchanged", async () => {
    const first = await createUser({ name: "Original Name" });
    const again = await call("POST", BASE, { name: "Other Name", email: first.email.toUpperCase(), password: "Different1!pass" });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: first.id, name: "Original Name", access_token: first.access_token });
    // Even without a password: nothing new is created.
    const third = await call("POST", BASE, { email: first.email });
    expect(third.status).toBe(200);
    expect(third.body.id).toBe(first.id);
  });

  test("rejects bad input naming the field", async () => {
    const cases: [unknown, string[]][] = [
      [{ name: "A", password: PASSWORD }, ["email"]],
      [{ name: "A", email: "not-an-email", password: PASSWORD }, ["email"]],
      [{ name: "A", email: newEmail() }, ["password"]],
      [{ name: "A", email: newEmail(), password: "short" }, ["password"]],
      [{ name: "A", email: newEmail(), password: "alllowercase1!" }, ["password"]],
      [{ email: newEmail(), password: PASSWORD }, ["name"]],
      [{ email: newEmail() }, ["name", "password"]],
      [{ name: 5, email: newEmail(), password: PASSWORD }, ["name"]],
      [{ name: "A", email: 42, password: PASSWORD }, ["email"]],
      [{ name: "A", email: newEmail(), password: PASSWORD, custom_attributes: "x" }, ["custom_attributes"]],
    ];
    for (const [json, fields] of cases) {
      const res = await call("POST", BASE, json);
      expect({ json, status: res.status }).toEqual({ json, status: 422 });
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(fields);
    }
    const malformed = await server.api(BASE, { ...P, method: "POST", headers: { "content-type": "application/json" }, body: "{\"name\":" });
    expect(malformed.status).toBe(400);
  });
});

describe("GET, PATCH and DELETE /platform/api/v1/users/{id}", () => {
  test("show and update (custom attributes are merged, email changes at once)", async () => {
    const user = await createUser({ custom_attributes: { a: 1 } });
    const shown = await call("GET", `${BASE}/${user.id}`);
    expect(shown.status).toBe(200);
    expect(shown.body).toEqual(user);

    const email = newEmail();
    const patched = await call("PATCH", `${BASE}/${user.id}`, { name: "Renamed", email, display_name: "Ren", custom_attributes: { b: 2 } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      id: user.id,
      name: "Renamed",
      display_name: "Ren",
      available_name: "Ren",
      email,
      uid: email,
      confirmed: true,
      custom_attributes: { a: 1, b: 2 },
      access_token: user.access_token,
    });
    expect((await call("GET", `${BASE}/${user.id}`)).body).toEqual(patched.body);

    const put = await call("PUT", `${BASE}/${user.id}`, { display_name: null });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ display_name: null, available_name: "Renamed" });
  });

  test("a new password replaces the old one and ends the user's sessions", async () => {
    const user = await createUser();
    const login = await follow((await call("GET", `${BASE}/${user.id}/login`)).body.url);
    expect(login.status).toBe(302);
    const countSessions = () => server.deps.db.select().from(sessions).where(eq(sessions.user_id, user.id)).all().length;
    expect(countSessions()).toBe(1);

    const newPassword = "N3w-Passw0rd!";
    expect((await call("PATCH", `${BASE}/${user.id}`, { password: newPassword })).status).toBe(200);
    expect(countSessions()).toBe(0);

    // The profile API's password change needs the current password: the new one is accepted, the old one not.
    const change = (current: string) =>
      server.api("/api/v1/profile", { token: user.access_token, method: "PUT", json: { current_password: current, password: "Th1rd-Passw0rd!" } });
    expect((await change(PASSWORD)).status).toBe(422);
    expect((await change(newPassword)).status).toBe(200);
  });

  test("update rejects bad input naming the field", async () => {
    const user = await createUser();
    const other = await createUser();
    const cases: [unknown, string][] = [
      [{ password: "weak" }, "password"],
      [{ email: "nope" }, "email"],
      [{ email: other.email }, "email"],
      [{ name: "" }, "name"],
      [{ name: ["x"] }, "name"],
      [{ custom_attributes: 3 }, "custom_attributes"],
    ];
    for (const [json, field] of cases) {
      const res = await call("PATCH", `${BASE}/${user.id}`, json);
      expect({ json, status: res.status }).toEqual({ json, status: 422 });
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([field]);
    }
    expect((await call("GET", `${BASE}/${user.id}`)).body.email).toBe(user.email);
  });

  test("delete removes the user, memberships, sessions and API token", async () => {
    const user = await createUser();
    const account = (await call("POST", "/platform/api/v1/accounts", { name: "Leaving" })).body;
    const members = `/platform/api/v1/accounts/${account.id}/account_users`;
    await call("POST", members, { user_id: user.id, role: "agent" });
    const login = await follow((await call("GET", `${BASE}/${user.id}/login`)).body.url);
    expect(login.status).toBe(302);

    const res = await call("DELETE", `${BASE}/${user.id}`);
    expect(res.status).toBe(200);
    expect(res.text).toBe("");
    const gone = await call("GET", `${BASE}/${user.id}`);
    expect(gone).toMatchObject({ status: 404, body: { message: "User not found" } });
    expect((await call("GET", members)).body).toEqual([]);
    expect(server.deps.db.select().from(sessions).where(eq(sessions.user_id, user.id)).all()).toEqual([]);
    expect((await server.api("/api/v1/profile", { token: user.access_token })).status).toBe(401);

    // The email is free again.
    const again = await call("POST", BASE, { name: "Back", email: user.email, password: PASSWORD });
    expect(again.status).toBe(200);
    expect(again.body.id).not.toBe(user.id);
  });

  test("unknown or malformed ids are 404 JSON", async () => {
    for (const [method, path, json] of [
      ["GET", "/999999"],
      ["PATCH", "/999999", { name: "x" }],
      ["PATCH", "/999999", { password: "Passw0rd!long" }],
      ["DELETE", "/999999"],
      ["GET", "/999999/login"],
      ["POST", "/999999/token"],
      ["GET", "/abc"],
      ["GET", "/abc/login"],
    ] as const) {
      const res = await call(method, BASE + path, json);
      expect({ method, path, status: res.status }).toEqual({ method, path, status: 404 });
      expect(typeof res.body.message).toBe("string");
    }
  });
});

describe("SSO: GET /platform/api/v1/users/{id}/login", () => {
  test("returns a one-time link that logs the user into the dashboard", async () => {
    const user = await createUser();
    const res = await call("GET", `${BASE}/${user.id}/login`);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(["url"]);
    expect(res.body.url).toContain("/app/login/sso?token=");

    const first = await follow(res.body.url);
    expect(first.status).toBe(302);
    expect(first.headers.get("location")).toBe("/app");
    expect(first.headers.get("set-cookie")).toMatch(/^parley_session=[^;]+;/);
    expect(first.headers.get("set-cookie")).toContain("HttpOnly");

    const second = await follow(res.body.url);
    expect(second.status).toBe(302);
    expect(second.headers.get("location")).toBe("/app/login?error=sso");
    expect(second.headers.get("set-cookie")).toBeNull();
  });

  test("each call gives a fresh link", async () => {
    const user = await createUser();
    const a = (await call("GET", `${BASE}/${user.id}/login`)).body.url;
    const b = (await call("GET", `${BASE}/${user.id}/login`)).body.url;
    expect(a).not.toBe(b);
    expect((await follow(b)).headers.get("location")).toBe("/app");
    expect((await follow(a)).headers.get("location")).toBe("/app");
  });
});

describe("POST /platform/api/v1/users/{id}/token", () => {
  test("returns the user's access token with a short user summary", async () => {
    const user = await createUser({ display_name: "Tok" });
    const res = await call("POST", `${BASE}/${user.id}/token`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      access_token: user.access_token,
      expiry: null,
      user: { id: user.id, name: user.name, display_name: "Tok", email: user.email, pubsub_token: user.pubsub_token },
    });
  });
});
