import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createAdmin, createAgent, startTestServer, type TestServer } from "../../testing/server.ts";

let server: TestServer;
beforeAll(() => {
  server = startTestServer();
});
afterAll(() => server.close());

// A 1×1 transparent PNG.
const PNG = Uint8Array.from(
  atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="),
  (ch) => ch.charCodeAt(0),
);

describe("GET /api/v1/profile", () => {
  test("returns the user as Chatwoot does, with accounts and access token", async () => {
    const admin = await createAdmin(server, { name: "Ada Lovelace", accountName: "Analytical" });
    const res = await server.api("/api/v1/profile", { token: admin.token });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      id: admin.user.id,
      name: "Ada Lovelace",
      available_name: "Ada Lovelace",
      email: admin.email,
      confirmed: true,
      access_token: admin.token,
      account_id: admin.account.id,
      role: "administrator",
      uid: admin.email,
      provider: "email",
      type: "User",
    });
    expect(typeof body.pubsub_token).toBe("string");
    expect(body.accounts).toEqual([
      expect.objectContaining({ id: admin.account.id, name: "Analytical", role: "administrator", availability: "offline", auto_offline: true, permissions: ["administrator"] }),
    ]);
  });

  test("accepts Authorization: Bearer and rejects unknown tokens", async () => {
    const admin = await createAdmin(server);
    expect((await server.api("/api/v1/profile", { headers: { authorization: `Bearer ${admin.token}` } })).status).toBe(200);
    expect((await server.api("/api/v1/profile", { token: admin.token + "x" })).status).toBe(401);
    expect((await server.api("/api/v1/profile")).status).toBe(401);
  });
});

describe("permissions in the profile", () => {
  test("an agent with a custom role gets the role's keys plus custom_role, as Chatwoot does", async () => {
    const admin = await createAdmin(server);
    const role = await (
      await server.api(`/api/v1/accounts/${admin.account.id}/custom_roles`, {
        token: admin.token,
        method: "POST",
        json: { name: "Contacts only", permissions: ["contact_manage", "report_manage"] },
      })
    ).json();
    const agent = await createAgent(server, admin, { customRoleId: role.id });
    const plain = await createAgent(server, admin);
    const withRole = await (await server.api("/api/v1/profile", { token: agent.token })).json();
    expect(withRole.accounts[0].permissions).toEqual(["contact_manage", "report_manage", "custom_role"]);
    const withoutRole = await (await server.api("/api/v1/profile", { token: plain.token })).json();
    expect(withoutRole.accounts[0].permissions).toEqual(["agent"]);
  });
});

describe("PUT /api/v1/profile", () => {
  test("updates name, display name and ui settings (nested under profile, as Chatwoot clients send)", async () => {
    const admin = await createAdmin(server);
    const res = await server.api("/api/v1/profile", {
      token: admin.token,
      method: "PUT",
      json: { profile: { name: "Grace Hopper", display_name: "Grace", ui_settings: { theme: "dark" } } },
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ name: "Grace Hopper", display_name: "Grace", available_name: "Grace", ui_settings: { theme: "dark" } });
  });

  test("sets availability per account and it persists", async () => {
    const admin = await createAdmin(server);
    const put = await server.api("/api/v1/profile", {
      token: admin.token,
      method: "PUT",
      json: { profile: { availability: "busy", account_id: admin.account.id } },
    });
    expect(put.status).toBe(200);
    const body = await (await server.api("/api/v1/profile", { token: admin.token })).json();
    expect(body.accounts[0].availability).toBe("busy");

    const post = await server.api("/api/v1/profile/availability", {
      token: admin.token,
      method: "POST",
      json: { profile: { availability: "online", account_id: admin.account.id } },
    });
    expect((await post.json()).accounts[0].availability).toBe("online");
  });

  test("rejects an unknown availability naming the field", async () => {
    const admin = await createAdmin(server);
    const res = await server.api("/api/v1/profile", { token: admin.token, method: "PUT", json: { profile: { availability: "sleeping" } } });
    expect(res.status).toBe(422);
    expect((await res.json()).errors[0].field).toBe("availability");
  });

  test("availability in an account the user is not a member of is 404", async () => {
    const admin = await createAdmin(server);
    const other = await createAdmin(server);
    const res = await server.api("/api/v1/profile/availability", {
      token: admin.token,
      method: "POST",
      json: { profile: { availability: "online", account_id: other.account.id } },
    });
    expect(res.status).toBe(404);
  });

  test("changing the password needs the current one", async () => {
    const admin = await createAdmin(server);
    const wrong = await server.api("/api/v1/profile", {
      token: admin.token,
      method: "PUT",
      json: { profile: { current_password: "nope", password: "N3w-Password!", password_confirmation: "N3w-Password!" } },
    });
    expect(wrong.status).toBe(422);
    expect((await wrong.json()).errors[0].field).toBe("current_password");

    const weak = await server.api("/api/v1/profile", {
      token: admin.token,
      method: "PUT",
      json: { profile: { current_password: admin.password, password: "short" } },
    });
    expect(weak.status).toBe(422);
    expect((await weak.json()).errors[0].field).toBe("password");

    const ok = await server.api("/api/v1/profile", {
      token: admin.token,
      method: "PUT",
      json: { profile: { current_password: admin.password, password: "N3w-Password!", password_confirmation: "N3w-Password!" } },
    });
    expect(ok.status).toBe(200);
  });

  test("an email already used by another user is refused", async () => {
    const a = await createAdmin(server);
    const b = await createAdmin(server);
    const res = await server.api("/api/v1/profile", { token: a.token, method: "PUT", json: { profile: { email: b.email } } });
    expect(res.status).toBe(422);
    expect((await res.json()).errors[0].field).toBe("email");
  });

  test("uploads an avatar (multipart) and refuses non-images", async () => {
    const admin = await createAdmin(server);
    const form = new FormData();
    form.append("profile[avatar]", new File([PNG], "me.png", { type: "image/png" }));
    const res = await server.api("/api/v1/profile", { token: admin.token, method: "PUT", body: form });
    expect(res.status).toBe(200);
    const { avatar_url } = await res.json();
    expect(avatar_url).toMatch(/\/uploads\/avatars\/[A-Za-z0-9]+\.png$/);

    const bad = new FormData();
    bad.append("profile[avatar]", new File(["<svg onload=alert(1)>"], "x.svg", { type: "image/svg+xml" }));
    const refused = await server.api("/api/v1/profile", { token: admin.token, method: "PUT", body: bad });
    expect(refused.status).toBe(422);
    expect((await refused.json()).errors[0].field).toBe("avatar");
  });
});

describe("POST /api/v1/profile/reset_access_token", () => {
  test("issues a new token and the old one stops working", async () => {
    const admin = await createAdmin(server);
    const res = await server.api("/api/v1/profile/reset_access_token", { token: admin.token, method: "POST" });
    expect(res.status).toBe(200);
    const { access_token } = await res.json();
    expect(access_token).not.toBe(admin.token);
    expect((await server.api("/api/v1/profile", { token: admin.token })).status).toBe(401);
    expect((await server.api("/api/v1/profile", { token: access_token })).status).toBe(200);
  });
});
