import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startSmtpSink, type SmtpSink } from "../../../testing/fixtures/smtp-sink.ts";
import { createAdmin, createAgent, startTestServer, TEST_PLATFORM_TOKEN, type TestServer } from "../../../testing/server.ts";
import { WebClient } from "../../../web/test-client.ts";

// The help-center article "How to invite agents and manage your support team?", statement by statement,
// against the real server. Mail goes to a real SMTP server so the invitation link is followed like a person would.

let server: TestServer;
let smtp: SmtpSink;
beforeAll(async () => {
  smtp = await startSmtpSink();
  server = startTestServer({ PARLEY_SMTP_URL: smtp.url });
});
afterAll(async () => {
  await server.close();
  await smtp.close();
});

type Admin = Awaited<ReturnType<typeof createAdmin>>;
const agentsPath = (admin: Admin) => `/api/v1/accounts/${admin.account.id}/agents`;

async function waitFor<T>(what: string, fn: () => T | undefined | false, ms = 5_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(20);
  }
}

function mailsTo(email: string) {
  return smtp.received.filter((m) => m.to.includes(email));
}

/** The link of the n-th mail to the address, re-rooted on the test server (its public URL has port 0). */
async function linkInMail(email: string, n = 1) {
  const mail = await waitFor(`mail #${n} to ${email}`, () => mailsTo(email)[n - 1]);
  const raw = mail.raw.replace(/=\r?\n/g, "").replace(/=3D/g, "=");
  const url = new URL(/https?:\/\/\S+\/app\/auth\/password\/edit\?reset_password_token=[^\s"<]+/.exec(raw)![0]);
  return { mail, path: url.pathname + url.search, token: url.searchParams.get("reset_password_token")! };
}

async function list(admin: Admin, token = admin.token) {
  const res = await server.api(agentsPath(admin), { token });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>[];
}

describe("listing agents", () => {
  test("every member is listed with Chatwoot's agent shape; agents may see the team list", async () => {
    const admin = await createAdmin(server, { name: "Ada Admin" });
    const agent = await createAgent(server, admin, { name: "Bob Agent" });
    const asAgent = await list(admin, agent.token);
    expect(asAgent).toEqual(await list(admin));
    expect(asAgent.map((a) => a.name)).toEqual(["Ada Admin", "Bob Agent"]);
    expect(asAgent[1]).toEqual({
      id: agent.user.id,
      account_id: admin.account.id,
      availability_status: "offline",
      auto_offline: false,
      confirmed: true,
      email: agent.email,
      provider: "email",
      available_name: "Bob Agent",
      name: "Bob Agent",
      role: "agent",
      thumbnail: "",
      custom_role_id: null,
      custom_role: null,
    });
  });

  test("another account's members are not listed and another account is not found", async () => {
    const a = await createAdmin(server);
    const b = await createAdmin(server);
    expect((await list(a)).map((x) => x.id)).toEqual([a.user.id]);
    expect((await server.api(agentsPath(b), { token: a.token })).status).toBe(404);
  });
});

describe("inviting an agent", () => {
  test("creates an unconfirmed user (Verification Pending), emails a link that sets the password and verifies them", async () => {
    const admin = await createAdmin(server);
    const email = `new-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const res = await server.api(agentsPath(admin), { token: admin.token, method: "POST", json: { name: "Nina New", email, role: "agent" } });
    expect(res.status).toBe(200);
    const invited = await res.json();
    expect(invited).toMatchObject({ name: "Nina New", email, role: "agent", confirmed: false, availability_status: "offline" });
    expect((await list(admin)).find((a) => a.id === invited.id)?.confirmed).toBe(false);

    // The invitation arrives and its link leads to the password form.
    const { mail, path } = await linkInMail(email);
    expect(mail.headers.subject).toContain("Set your Parley password");
    const browser = new WebClient(server);
    expect((await browser.page(path)).res.status).toBe(200);
    const token = new URL(server.url + path).searchParams.get("reset_password_token")!;
    const done = await browser.post("/app/auth/password/edit", { reset_password_token: token, password: "N3w-Passw0rd!", password_confirmation: "N3w-Passw0rd!" });
    expect(done.status).toBe(302);

    // Verified now, and the new password logs in.
    expect((await list(admin)).find((a) => a.id === invited.id)?.confirmed).toBe(true);
    const login = new WebClient(server);
    await login.page("/app/login");
    const session = await login.post("/app/login", { email, password: "N3w-Passw0rd!" });
    expect(session.status).toBe(302);
    expect(session.headers.get("location")).not.toContain("/app/login");
  });

  test("role administrator, a custom role by id or by name; a custom role keeps the built-in role 'agent'", async () => {
    const admin = await createAdmin(server);
    const role = await (
      await server.api(`/api/v1/accounts/${admin.account.id}/custom_roles`, {
        token: admin.token,
        method: "POST",
        json: { name: "Supervisor", description: "Sees reports", permissions: ["report_manage", "conversation_manage"] },
      })
    ).json();
    const invite = (json: Record<string, unknown>) => server.api(agentsPath(admin), { token: admin.token, method: "POST", json });
    const boss = await (await invite({ name: "Boss", email: `boss-${role.id}-${admin.account.id}@example.com`, role: "administrator" })).json();
    expect(boss).toMatchObject({ role: "administrator", custom_role_id: null });
    const byId = await (await invite({ name: "Sue", email: `sue-${admin.account.id}@example.com`, role: "agent", custom_role_id: role.id })).json();
    expect(byId).toMatchObject({ role: "agent", custom_role_id: role.id, custom_role: { name: "Supervisor", permissions: ["report_manage", "conversation_manage"] } });
    const byName = await (await invite({ name: "Sam", email: `sam-${admin.account.id}@example.com`, role: "supervisor" })).json();
    expect(byName).toMatchObject({ role: "agent", custom_role_id: role.id });
    // Nested under `agent`, as Rails-wrapped clients send it.
    const nested = await invite({ agent: { name: "Nest", email: `nest-${admin.account.id}@example.com`, role: "agent" } });
    expect(nested.status).toBe(200);
  });

  test("an existing user (of another account) joins without a new password; a member cannot be invited twice", async () => {
    const other = await createAdmin(server);
    const admin = await createAdmin(server);
    const before = mailsTo(other.email).length;
    const res = await server.api(agentsPath(admin), { token: admin.token, method: "POST", json: { name: "Ignored", email: other.email.toUpperCase(), role: "agent" } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: other.user.id, confirmed: true, role: "agent" });
    const again = await server.api(agentsPath(admin), { token: admin.token, method: "POST", json: { name: "X", email: other.email, role: "agent" } });
    expect(again.status).toBe(422);
    expect((await again.json()).errors[0].field).toBe("email");
    await Bun.sleep(100);
    expect(mailsTo(other.email).length).toBe(before);
  });

  test("bad input is 422 naming the field, malformed JSON 400", async () => {
    const admin = await createAdmin(server);
    const post = (body: unknown) => server.api(agentsPath(admin), { token: admin.token, method: "POST", json: body });
    const field = async (res: Response) => {
      expect(res.status).toBe(422);
      return (await res.json()).errors.map((e: { field: string }) => e.field);
    };
    expect(await field(await post({ name: "No Email", role: "agent" }))).toContain("email");
    expect(await field(await post({ name: "Bad", email: "not-an-email", role: "agent" }))).toContain("email");
    expect(await field(await post({ name: "Bad", email: "ok@example.com", role: "owner" }))).toContain("role");
    expect(await field(await post({ name: "Bad", email: "ok@example.com", custom_role_id: 999999 }))).toContain("custom_role_id");
    expect(await field(await post({ name: 42, email: "ok@example.com" }))).toContain("name");
    const malformed = await server.api(agentsPath(admin), { token: admin.token, method: "POST", body: "{", headers: { "content-type": "application/json" } });
    expect(malformed.status).toBe(400);
  });

  test("only administrators invite", async () => {
    const admin = await createAdmin(server);
    const agent = await createAgent(server, admin);
    const res = await server.api(agentsPath(admin), { token: agent.token, method: "POST", json: { name: "X", email: "x-nope@example.com", role: "agent" } });
    expect(res.status).toBe(403);
    expect((await list(admin)).some((a) => a.email === "x-nope@example.com")).toBe(false);
  });

  test("bulk_create invites each email by its local part and skips bad or taken ones", async () => {
    const admin = await createAdmin(server);
    const tag = crypto.randomUUID().slice(0, 6);
    const res = await server.api(`${agentsPath(admin)}/bulk_create`, {
      token: admin.token,
      method: "POST",
      json: { emails: [`jane.${tag}@example.com`, "nonsense", admin.email, `joe.${tag}@example.com`] },
    });
    expect(res.status).toBe(200);
    const names = (await list(admin)).map((a) => a.name);
    expect(names).toEqual(expect.arrayContaining([`jane.${tag}`, `joe.${tag}`]));
    expect(names).toHaveLength(3);
    await linkInMail(`jane.${tag}@example.com`);
    expect((await server.api(`${agentsPath(admin)}/bulk_create`, { token: admin.token, method: "POST", json: { emails: "a@b.c" } })).status).toBe(422);
  });
});

describe("editing an agent", () => {
  test("name, role and availability change; 'available' means online; the response is the agent", async () => {
    const admin = await createAdmin(server);
    const agent = await createAgent(server, admin);
    const res = await server.api(`${agentsPath(admin)}/${agent.user.id}`, {
      token: admin.token,
      method: "PATCH",
      json: { name: "Renamed", role: "administrator", availability: "busy", auto_offline: true },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: agent.user.id, name: "Renamed", role: "administrator", availability_status: "busy", auto_offline: true });
    const online = await server.api(`${agentsPath(admin)}/${agent.user.id}`, { token: admin.token, method: "PATCH", json: { availability: "available" } });
    expect(await online.json()).toMatchObject({ availability_status: "online", role: "administrator" });
    // The agent sees it in their own profile too.
    const profile = await (await server.api("/api/v1/profile", { token: agent.token })).json();
    expect(profile.accounts[0]).toMatchObject({ role: "administrator", availability: "online" });
  });

  test("choosing a built-in role replaces a custom role; custom_role_id null clears it", async () => {
    const admin = await createAdmin(server);
    const role = await (
      await server.api(`/api/v1/accounts/${admin.account.id}/custom_roles`, { token: admin.token, method: "POST", json: { name: "Helper", permissions: ["contact_manage"] } })
    ).json();
    const agent = await createAgent(server, admin, { customRoleId: role.id });
    expect(agent.user.custom_role_id).toBe(role.id);
    const patch = (json: unknown) => server.api(`${agentsPath(admin)}/${agent.user.id}`, { token: admin.token, method: "PATCH", json });
    expect(await (await patch({ availability: "busy" })).json()).toMatchObject({ custom_role_id: role.id });
    expect(await (await patch({ role: "agent" })).json()).toMatchObject({ custom_role_id: null, role: "agent" });
    expect(await (await patch({ custom_role_id: role.id })).json()).toMatchObject({ custom_role_id: role.id });
    expect(await (await patch({ custom_role_id: null })).json()).toMatchObject({ custom_role_id: null });
  });

  test("agents cannot edit anyone, not even themselves; unknown and foreign ids are 404; bad values 422", async () => {
    const admin = await createAdmin(server);
    const agent = await createAgent(server, admin);
    const other = await createAdmin(server);
    const self = await server.api(`${agentsPath(admin)}/${agent.user.id}`, { token: agent.token, method: "PATCH", json: { role: "administrator" } });
    expect(self.status).toBe(403);
    expect((await list(admin)).find((a) => a.id === agent.user.id)?.role).toBe("agent");
    for (const id of ["999999", String(other.user.id), "abc"]) {
      expect((await server.api(`${agentsPath(admin)}/${id}`, { token: admin.token, method: "PATCH", json: { name: "X" } })).status).toBe(404);
    }
    const bad = await server.api(`${agentsPath(admin)}/${agent.user.id}`, { token: admin.token, method: "PATCH", json: { availability: "sleeping" } });
    expect(bad.status).toBe(422);
    expect((await bad.json()).errors[0].field).toBe("availability");
  });

  test("a role change applies on the agent's very next request", async () => {
    const admin = await createAdmin(server);
    const agent = await createAgent(server, admin);
    const createTeam = (name: string) =>
      server.api(`/api/v1/accounts/${admin.account.id}/teams`, { token: agent.token, method: "POST", json: { name } });
    expect((await createTeam("before")).status).toBe(403);
    await server.api(`${agentsPath(admin)}/${agent.user.id}`, { token: admin.token, method: "PATCH", json: { role: "administrator" } });
    expect((await createTeam("promoted")).status).toBe(200);
    await server.api(`${agentsPath(admin)}/${agent.user.id}`, { token: admin.token, method: "PATCH", json: { role: "agent" } });
    expect((await createTeam("demoted")).status).toBe(403);
  });

  test("the last verified administrator cannot be demoted; with another verified one they can", async () => {
    const admin = await createAdmin(server);
    const demote = (id: number) => server.api(`${agentsPath(admin)}/${id}`, { token: admin.token, method: "PATCH", json: { role: "agent" } });
    // An invited administrator who has not confirmed does not count.
    await server.api(agentsPath(admin), { token: admin.token, method: "POST", json: { name: "Pending", email: `pending-${admin.account.id}@example.com`, role: "administrator" } });
    const refused = await demote(admin.user.id);
    expect(refused.status).toBe(422);
    const body = await refused.json();
    expect(body.message).toContain("last verified administrator");
    expect(body.errors[0].field).toBe("role");
    expect((await list(admin)).find((a) => a.id === admin.user.id)?.role).toBe("administrator");

    await createAgent(server, admin, { role: "administrator" });
    expect((await demote(admin.user.id)).status).toBe(200);
  });

  test("re-saving an agent who has not confirmed sends the invitation again", async () => {
    const admin = await createAdmin(server);
    const email = `resave-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const invited = await (await server.api(agentsPath(admin), { token: admin.token, method: "POST", json: { name: "Re Save", email, role: "agent" } })).json();
    await linkInMail(email, 1);
    const res = await server.api(`${agentsPath(admin)}/${invited.id}`, { token: admin.token, method: "PATCH", json: { name: "Re Save" } });
    expect(res.status).toBe(200);
    const second = await linkInMail(email, 2);
    expect(second.mail.headers.subject).toContain("Set your Parley password");
  });
});

describe("resend invite and reset password", () => {
  test("resend_invitation emails a fresh invitation to a pending agent, and refuses a verified one", async () => {
    const admin = await createAdmin(server);
    const email = `resend-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const invited = await (await server.api(agentsPath(admin), { token: admin.token, method: "POST", json: { name: "Re Send", email, role: "agent" } })).json();
    const first = await linkInMail(email, 1);
    const res = await server.api(`${agentsPath(admin)}/${invited.id}/resend_invitation`, { token: admin.token, method: "POST" });
    expect(res.status).toBe(200);
    const second = await linkInMail(email, 2);
    expect(second.token).not.toBe(first.token);
    const verified = await createAgent(server, admin);
    expect((await server.api(`${agentsPath(admin)}/${verified.user.id}/resend_invitation`, { token: admin.token, method: "POST" })).status).toBe(422);
    expect((await server.api(`${agentsPath(admin)}/${invited.id}/resend_invitation`, { token: verified.token, method: "POST" })).status).toBe(403);
  });

  test("an administrator's Reset Password emails the agent a reset link that works", async () => {
    const admin = await createAdmin(server);
    const agent = await createAgent(server, admin);
    const res = await server.api(`${agentsPath(admin)}/${agent.user.id}/reset_password`, { token: admin.token, method: "POST" });
    expect(res.status).toBe(200);
    const { mail, path, token } = await linkInMail(agent.email);
    expect(mail.headers.subject).toContain("Reset your Parley password");
    const browser = new WebClient(server);
    await browser.page(path);
    const done = await browser.post("/app/auth/password/edit", { reset_password_token: token, password: "Fr3sh-Passw0rd!", password_confirmation: "Fr3sh-Passw0rd!" });
    expect(done.status).toBe(302);
    expect((await server.api(`${agentsPath(admin)}/${admin.user.id}/reset_password`, { token: agent.token, method: "POST" })).status).toBe(403);
  });
});

describe("deleting an agent", () => {
  test("an administrator deletes an agent: gone from the list, their token no longer reaches the account", async () => {
    const admin = await createAdmin(server);
    const agent = await createAgent(server, admin);
    const res = await server.api(`${agentsPath(admin)}/${agent.user.id}`, { token: admin.token, method: "DELETE" });
    expect(res.status).toBe(200);
    expect((await list(admin)).map((a) => a.id)).toEqual([admin.user.id]);
    expect((await server.api(agentsPath(admin), { token: agent.token })).status).toBe(404);
    expect((await server.api(`${agentsPath(admin)}/${agent.user.id}`, { token: admin.token, method: "DELETE" })).status).toBe(404);
  });

  test("nobody can delete themselves", async () => {
    const admin = await createAdmin(server);
    await createAgent(server, admin, { role: "administrator" });
    const res = await server.api(`${agentsPath(admin)}/${admin.user.id}`, { token: admin.token, method: "DELETE" });
    expect(res.status).toBe(422);
    expect((await res.json()).message).toContain("cannot delete yourself");
    expect((await list(admin)).some((a) => a.id === admin.user.id)).toBe(true);
  });

  test("the last verified administrator cannot be deleted, not even by another (unverified) administrator", async () => {
    const admin = await createAdmin(server);
    // An invited administrator who has not confirmed yet, acting with an API token from the Platform API.
    const pending = await (
      await server.api(agentsPath(admin), { token: admin.token, method: "POST", json: { name: "P", email: `p-${admin.account.id}@example.com`, role: "administrator" } })
    ).json();
    const pendingToken = (await (await server.api(`/platform/api/v1/users/${pending.id}/token`, { token: TEST_PLATFORM_TOKEN, method: "POST" })).json()).access_token;
    const refused = await server.api(`${agentsPath(admin)}/${admin.user.id}`, { token: pendingToken, method: "DELETE" });
    expect(refused.status).toBe(422);
    expect((await refused.json()).message).toContain("last verified administrator");
    expect((await list(admin)).some((a) => a.id === admin.user.id)).toBe(true);

    // With a second verified administrator, the first can go.
    const second = await createAgent(server, admin, { role: "administrator" });
    expect((await server.api(`${agentsPath(admin)}/${admin.user.id}`, { token: pendingToken, method: "DELETE" })).status).toBe(200);
    // Unconfirmed administrators never count, and can be deleted.
    expect((await server.api(`${agentsPath(admin)}/${pending.id}`, { token: second.token, method: "DELETE" })).status).toBe(200);
  });

  test("an agent cannot delete anyone", async () => {
    const admin = await createAdmin(server);
    const agent = await createAgent(server, admin);
    const other = await createAgent(server, admin);
    expect((await server.api(`${agentsPath(admin)}/${other.user.id}`, { token: agent.token, method: "DELETE" })).status).toBe(403);
    expect((await list(admin)).length).toBe(3);
  });

  test("a Platform API token and a user without membership are refused", async () => {
    const admin = await createAdmin(server);
    expect((await server.api(agentsPath(admin), { token: TEST_PLATFORM_TOKEN })).status).toBe(401);
    expect((await server.api(agentsPath(admin))).status).toBe(401);
  });
});
