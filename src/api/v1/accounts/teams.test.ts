import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createAdmin, createAgent, startTestServer, type TestServer } from "../../../testing/server.ts";

let server: TestServer;
beforeAll(() => {
  server = startTestServer();
});
afterAll(() => server.close());

type Admin = Awaited<ReturnType<typeof createAdmin>>;
const teamsPath = (admin: Admin) => `/api/v1/accounts/${admin.account.id}/teams`;

async function createTeam(admin: Admin, json: Record<string, unknown>) {
  const res = await server.api(teamsPath(admin), { token: admin.token, method: "POST", json });
  expect(res.status).toBe(200);
  return res.json();
}

describe("teams", () => {
  test("create, show, list, update, delete with Chatwoot's shape; names are stored lower-case", async () => {
    const admin = await createAdmin(server);
    const team = await createTeam(admin, { name: "Billing Crew", description: "Invoices", allow_auto_assign: false });
    expect(team).toEqual({ id: expect.any(Number), name: "billing crew", description: "Invoices", allow_auto_assign: false, account_id: admin.account.id, is_member: false });
    expect(await (await server.api(`${teamsPath(admin)}/${team.id}`, { token: admin.token })).json()).toEqual(team);
    await createTeam(admin, { team: { name: "Alpha" } });
    expect((await (await server.api(teamsPath(admin), { token: admin.token })).json()).map((t: { name: string }) => t.name)).toEqual(["alpha", "billing crew"]);

    const patched = await server.api(`${teamsPath(admin)}/${team.id}`, { token: admin.token, method: "PATCH", json: { name: "Billing", allow_auto_assign: true } });
    expect(await patched.json()).toMatchObject({ name: "billing", allow_auto_assign: true, description: "Invoices" });

    expect((await server.api(`${teamsPath(admin)}/${team.id}`, { token: admin.token, method: "DELETE" })).status).toBe(200);
    expect((await server.api(`${teamsPath(admin)}/${team.id}`, { token: admin.token })).status).toBe(404);
  });

  test("names are unique per account regardless of case, required, and free across accounts", async () => {
    const admin = await createAdmin(server);
    const other = await createAdmin(server);
    const first = await createTeam(admin, { name: "Sales" });
    for (const name of ["SALES", " sales ", "", undefined]) {
      const res = await server.api(teamsPath(admin), { token: admin.token, method: "POST", json: { name } });
      expect(res.status).toBe(422);
      expect((await res.json()).errors[0].field).toBe("name");
    }
    const second = await createTeam(admin, { name: "Support" });
    const clash = await server.api(`${teamsPath(admin)}/${second.id}`, { token: admin.token, method: "PATCH", json: { name: "Sales" } });
    expect(clash.status).toBe(422);
    expect((await server.api(`${teamsPath(admin)}/${first.id}`, { token: admin.token, method: "PATCH", json: { name: "SALES" } })).status).toBe(200);
    await createTeam(other, { name: "sales" });
  });

  test("agents read teams (is_member is about them) but cannot write; other accounts' teams are not found", async () => {
    const admin = await createAdmin(server);
    const agent = await createAgent(server, admin);
    const team = await createTeam(admin, { name: "Ops" });
    await server.api(`${teamsPath(admin)}/${team.id}/team_members`, { token: admin.token, method: "POST", json: { user_ids: [agent.user.id] } });
    const seen = await (await server.api(teamsPath(admin), { token: agent.token })).json();
    expect(seen).toEqual([expect.objectContaining({ id: team.id, is_member: true })]);
    expect((await (await server.api(teamsPath(admin), { token: admin.token })).json())[0].is_member).toBe(false);
    expect((await server.api(teamsPath(admin), { token: agent.token, method: "POST", json: { name: "Mine" } })).status).toBe(403);
    expect((await server.api(`${teamsPath(admin)}/${team.id}`, { token: agent.token, method: "PATCH", json: { name: "x" } })).status).toBe(403);
    expect((await server.api(`${teamsPath(admin)}/${team.id}`, { token: agent.token, method: "DELETE" })).status).toBe(403);

    const other = await createAdmin(server);
    for (const method of ["GET", "PATCH", "DELETE"]) {
      const res = await server.api(`${teamsPath(other)}/${team.id}`, { token: other.token, method, json: method === "PATCH" ? { name: "stolen" } : undefined });
      expect(res.status).toBe(404);
    }
    expect((await server.api(`${teamsPath(admin)}/abc`, { token: admin.token })).status).toBe(404);
    expect((await (await server.api(`${teamsPath(admin)}/${team.id}`, { token: admin.token })).json()).name).toBe("ops");
  });

  test("wrong types are 422 naming the field", async () => {
    const admin = await createAdmin(server);
    const res = await server.api(teamsPath(admin), { token: admin.token, method: "POST", json: { name: "T", allow_auto_assign: "maybe" } });
    expect(res.status).toBe(422);
    expect((await res.json()).errors[0].field).toBe("allow_auto_assign");
  });
});

describe("team members", () => {
  test("add, list, replace and remove agents; responses are agents", async () => {
    const admin = await createAdmin(server);
    const a = await createAgent(server, admin, { name: "Anna" });
    const b = await createAgent(server, admin, { name: "Ben" });
    const c = await createAgent(server, admin, { name: "Cleo" });
    const team = await createTeam(admin, { name: "Crew" });
    const path = `${teamsPath(admin)}/${team.id}/team_members`;
    const ids = (agents: { id: number }[]) => agents.map((x) => x.id);

    const added = await server.api(path, { token: admin.token, method: "POST", json: { user_ids: [a.user.id, b.user.id] } });
    expect(added.status).toBe(200);
    const addedBody = await added.json();
    expect(ids(addedBody)).toEqual([a.user.id, b.user.id]);
    expect(addedBody[0]).toMatchObject({ name: "Anna", email: a.email, role: "agent", account_id: admin.account.id });
    // Adding again is harmless.
    expect((await server.api(path, { token: admin.token, method: "POST", json: { user_ids: [a.user.id] } })).status).toBe(200);
    expect(ids(await (await server.api(path, { token: admin.token })).json())).toEqual([a.user.id, b.user.id]);

    const replaced = await server.api(path, { token: admin.token, method: "PATCH", json: { user_ids: [b.user.id, c.user.id] } });
    expect(ids(await replaced.json())).toEqual([b.user.id, c.user.id]);

    expect((await server.api(path, { token: admin.token, method: "DELETE", json: { user_ids: [b.user.id, a.user.id] } })).status).toBe(200);
    expect(ids(await (await server.api(path, { token: admin.token })).json())).toEqual([c.user.id]);
  });

  test("only members of the account can be added: a stranger fails the whole request with 422", async () => {
    const admin = await createAdmin(server);
    const other = await createAdmin(server);
    const a = await createAgent(server, admin);
    const team = await createTeam(admin, { name: "Closed" });
    const path = `${teamsPath(admin)}/${team.id}/team_members`;
    for (const json of [{ user_ids: [a.user.id, other.user.id] }, { user_ids: [a.user.id, 999999] }]) {
      const res = await server.api(path, { token: admin.token, method: "POST", json });
      expect(res.status).toBe(422);
      expect((await res.json()).errors[0].field).toBe("user_ids");
    }
    expect((await server.api(path, { token: admin.token, method: "PATCH", json: { user_ids: [other.user.id] } })).status).toBe(422);
    expect(await (await server.api(path, { token: admin.token })).json()).toEqual([]);
    const typed = await server.api(path, { token: admin.token, method: "POST", json: { user_ids: ["x"] } });
    expect(typed.status).toBe(422);
    expect((await server.api(path, { token: admin.token, method: "POST", json: {} })).status).toBe(422);
  });

  test("agents list members but cannot change them; another account's team is not found", async () => {
    const admin = await createAdmin(server);
    const agent = await createAgent(server, admin);
    const team = await createTeam(admin, { name: "Readers" });
    const path = `${teamsPath(admin)}/${team.id}/team_members`;
    expect((await server.api(path, { token: agent.token })).status).toBe(200);
    for (const method of ["POST", "PATCH", "DELETE"]) {
      expect((await server.api(path, { token: agent.token, method, json: { user_ids: [agent.user.id] } })).status).toBe(403);
    }
    const other = await createAdmin(server);
    expect((await server.api(`${teamsPath(other)}/${team.id}/team_members`, { token: other.token })).status).toBe(404);
    expect((await server.api(`${teamsPath(other)}/${team.id}/team_members`, { token: other.token, method: "POST", json: { user_ids: [other.user.id] } })).status).toBe(404);
  });
});
