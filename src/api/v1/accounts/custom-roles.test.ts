import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createAdmin, createAgent, startTestServer, type TestServer } from "../../../testing/server.ts";

let server: TestServer;
beforeAll(() => {
  server = startTestServer();
});
afterAll(() => server.close());

type Admin = Awaited<ReturnType<typeof createAdmin>>;
const rolesPath = (admin: Admin) => `/api/v1/accounts/${admin.account.id}/custom_roles`;

async function createRole(admin: Admin, json: Record<string, unknown>) {
  const res = await server.api(rolesPath(admin), { token: admin.token, method: "POST", json });
  expect(res.status).toBe(200);
  return res.json();
}

async function agentsOf(admin: Admin) {
  return (await (await server.api(`/api/v1/accounts/${admin.account.id}/agents`, { token: admin.token })).json()) as Record<string, unknown>[];
}

describe("custom roles CRUD", () => {
  test("create, list, show, update and delete with Chatwoot's shape", async () => {
    const admin = await createAdmin(server);
    const role = await createRole(admin, { name: "Supervisor", description: "Watches the queue", permissions: ["conversation_manage", "report_manage"] });
    expect(role).toEqual({
      id: expect.any(Number),
      name: "Supervisor",
      description: "Watches the queue",
      permissions: ["conversation_manage", "report_manage"],
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(await (await server.api(rolesPath(admin), { token: admin.token })).json()).toEqual([role]);
    expect(await (await server.api(`${rolesPath(admin)}/${role.id}`, { token: admin.token })).json()).toEqual(role);

    const updated = await server.api(`${rolesPath(admin)}/${role.id}`, {
      token: admin.token,
      method: "PATCH",
      json: { custom_role: { description: null, permissions: ["contact_manage", "contact_manage"] } },
    });
    expect(updated.status).toBe(200);
    expect(await updated.json()).toMatchObject({ name: "Supervisor", description: null, permissions: ["contact_manage"] });

    expect((await server.api(`${rolesPath(admin)}/${role.id}`, { token: admin.token, method: "DELETE" })).status).toBe(200);
    expect((await server.api(`${rolesPath(admin)}/${role.id}`, { token: admin.token })).status).toBe(404);
    expect(await (await server.api(rolesPath(admin), { token: admin.token })).json()).toEqual([]);
  });

  test("every one of Chatwoot's six permission keys is accepted; anything else is 422 naming permissions", async () => {
    const admin = await createAdmin(server);
    const all = [
      "conversation_manage",
      "conversation_unassigned_manage",
      "conversation_participating_manage",
      "contact_manage",
      "report_manage",
      "knowledge_base_manage",
    ];
    expect((await createRole(admin, { name: "All", permissions: all })).permissions).toEqual(all);
    const bad = await server.api(rolesPath(admin), { token: admin.token, method: "POST", json: { name: "Bad", permissions: ["contact_manage", "billing_manage"] } });
    expect(bad.status).toBe(422);
    const body = await bad.json();
    expect(body.errors).toEqual([{ field: "permissions", message: expect.stringContaining("billing_manage") }]);
    const notArray = await server.api(rolesPath(admin), { token: admin.token, method: "POST", json: { name: "Bad", permissions: "contact_manage" } });
    expect(notArray.status).toBe(422);
    expect((await notArray.json()).errors[0].field).toBe("permissions");
  });

  test("names: required, unique per account regardless of case, not a built-in role", async () => {
    const admin = await createAdmin(server);
    const other = await createAdmin(server);
    await createRole(admin, { name: "Support Lead", permissions: [] });
    const post = (a: Admin, name: unknown) => server.api(rolesPath(a), { token: a.token, method: "POST", json: { name, permissions: [] } });
    for (const name of [undefined, "  ", "support lead", "Administrator", "agent"]) {
      const res = await post(admin, name);
      expect(res.status).toBe(422);
      expect((await res.json()).errors[0].field).toBe("name");
    }
    expect((await post(other, "Support Lead")).status).toBe(200);
  });

  test("administrators only; another account's role is not found", async () => {
    const admin = await createAdmin(server);
    const agent = await createAgent(server, admin);
    const role = await createRole(admin, { name: "R", permissions: [] });
    expect((await server.api(rolesPath(admin), { token: agent.token })).status).toBe(403);
    expect((await server.api(rolesPath(admin), { token: agent.token, method: "POST", json: { name: "X", permissions: [] } })).status).toBe(403);
    expect((await server.api(`${rolesPath(admin)}/${role.id}`, { token: agent.token, method: "PATCH", json: { name: "Y" } })).status).toBe(403);
    expect((await server.api(`${rolesPath(admin)}/${role.id}`, { token: agent.token, method: "DELETE" })).status).toBe(403);

    const other = await createAdmin(server);
    for (const method of ["GET", "PATCH", "DELETE"]) {
      const res = await server.api(`${rolesPath(other)}/${role.id}`, { token: other.token, method, json: method === "PATCH" ? { name: "Z" } : undefined });
      expect(res.status).toBe(404);
    }
    expect((await server.api(`${rolesPath(admin)}/${role.id}`, { token: admin.token })).status).toBe(200);
  });
});

describe("custom roles on agents", () => {
  test("a custom role replaces the built-in role: the agent shows its permissions and is not an administrator", async () => {
    const admin = await createAdmin(server);
    const role = await createRole(admin, { name: "Contacts", permissions: ["contact_manage", "report_manage"] });
    const agent = await createAgent(server, admin, { customRoleId: role.id });
    const listed = (await agentsOf(admin)).find((a) => a.id === agent.user.id);
    expect(listed).toMatchObject({ role: "agent", custom_role_id: role.id, custom_role: { id: role.id, name: "Contacts", permissions: ["contact_manage", "report_manage"] } });
    // Administrator-only endpoints stay closed to them.
    expect((await server.api(rolesPath(admin), { token: agent.token })).status).toBe(403);
    expect((await server.api(`/api/v1/accounts/${admin.account.id}/teams`, { token: agent.token, method: "POST", json: { name: "t" } })).status).toBe(403);
    expect((await server.api(`/api/v1/accounts/${admin.account.id}`, { token: agent.token, method: "PATCH", json: { name: "Mine" } })).status).toBe(403);
    // But they are in the account like any agent.
    expect((await server.api(`/api/v1/accounts/${admin.account.id}/agents`, { token: agent.token })).status).toBe(200);
  });

  test("permission changes show on the holders at once; deleting the role falls them back to the agent role", async () => {
    const admin = await createAdmin(server);
    const role = await createRole(admin, { name: "Temp", permissions: ["report_manage"] });
    const a = await createAgent(server, admin, { customRoleId: role.id });
    const b = await createAgent(server, admin, { customRoleId: role.id });
    await server.api(`${rolesPath(admin)}/${role.id}`, { token: admin.token, method: "PATCH", json: { permissions: ["knowledge_base_manage"] } });
    const holders = (await agentsOf(admin)).filter((x) => x.custom_role_id === role.id);
    expect(holders.map((x) => (x.custom_role as { permissions: string[] }).permissions)).toEqual([["knowledge_base_manage"], ["knowledge_base_manage"]]);

    expect((await server.api(`${rolesPath(admin)}/${role.id}`, { token: admin.token, method: "DELETE" })).status).toBe(200);
    const after = (await agentsOf(admin)).filter((x) => x.id === a.user.id || x.id === b.user.id);
    expect(after.map((x) => [x.role, x.custom_role_id, x.custom_role])).toEqual([
      ["agent", null, null],
      ["agent", null, null],
    ]);
  });

  test("another account's custom role cannot be given to an agent", async () => {
    const admin = await createAdmin(server);
    const other = await createAdmin(server);
    const foreign = await createRole(other, { name: "Foreign", permissions: ["contact_manage"] });
    const agent = await createAgent(server, admin);
    const res = await server.api(`/api/v1/accounts/${admin.account.id}/agents/${agent.user.id}`, {
      token: admin.token,
      method: "PATCH",
      json: { custom_role_id: foreign.id },
    });
    expect(res.status).toBe(422);
    expect((await res.json()).errors[0].field).toBe("custom_role_id");
  });
});

describe("custom role permissions are enforced by the areas' policies", () => {
  async function inboxWith(admin: Admin, userIds: number[]) {
    const base = `/api/v1/accounts/${admin.account.id}`;
    const inbox = await (await server.api(`${base}/inboxes`, { token: admin.token, method: "POST", json: { name: "Roles", channel: { type: "api" } } })).json();
    await server.api(`${base}/inbox_members`, { token: admin.token, method: "POST", json: { inbox_id: inbox.id, user_ids: userIds } });
    return inbox.id as number;
  }

  async function conversation(admin: Admin, inboxId: number, assigneeId: number | null) {
    const base = `/api/v1/accounts/${admin.account.id}`;
    const contact = (await (await server.api(`${base}/contacts`, { token: admin.token, method: "POST", json: { name: "C", inbox_id: inboxId } })).json()).payload;
    const res = await server.api(`${base}/conversations`, {
      token: admin.token,
      method: "POST",
      json: { source_id: contact.contact_inbox.source_id, inbox_id: inboxId, contact_id: contact.contact.id, assignee_id: assigneeId },
    });
    expect(res.status).toBe(200);
    return { id: (await res.json()).id as number, contactId: contact.contact.id as number };
  }

  test("contact_manage lets a custom-role agent change contacts; without it they cannot, from the next request on", async () => {
    const admin = await createAdmin(server);
    const role = await createRole(admin, { name: "Reports only", permissions: ["report_manage"] });
    const agent = await createAgent(server, admin, { customRoleId: role.id });
    const inboxId = await inboxWith(admin, [agent.user.id]);
    const { contactId } = await conversation(admin, inboxId, null);
    const rename = (name: string) => server.api(`/api/v1/accounts/${admin.account.id}/contacts/${contactId}`, { token: agent.token, method: "PATCH", json: { name } });
    expect((await rename("Not allowed")).status).toBe(403);
    await server.api(`${rolesPath(admin)}/${role.id}`, { token: admin.token, method: "PATCH", json: { permissions: ["report_manage", "contact_manage"] } });
    expect((await rename("Allowed")).status).toBe(200);
    // A plain agent (built-in role) may change contacts, as in Chatwoot.
    const plain = await createAgent(server, admin);
    expect((await server.api(`/api/v1/accounts/${admin.account.id}/contacts/${contactId}`, { token: plain.token, method: "PATCH", json: { name: "Plain" } })).status).toBe(200);
  });

  test("conversation_unassigned_manage narrows the agent to unassigned and own conversations of their inboxes", async () => {
    const admin = await createAdmin(server);
    const role = await createRole(admin, { name: "Triage", permissions: ["conversation_unassigned_manage"] });
    const triage = await createAgent(server, admin, { customRoleId: role.id });
    const colleague = await createAgent(server, admin);
    const inboxId = await inboxWith(admin, [triage.user.id, colleague.user.id]);
    const unassigned = await conversation(admin, inboxId, null);
    const mine = await conversation(admin, inboxId, triage.user.id);
    const theirs = await conversation(admin, inboxId, colleague.user.id);
    const visible = async (token: string) =>
      ((await (await server.api(`/api/v1/accounts/${admin.account.id}/conversations?assignee_type=all`, { token })).json()).data.payload as { id: number }[])
        .map((c) => c.id)
        .sort((a, b) => a - b);
    expect(await visible(triage.token)).toEqual([unassigned.id, mine.id]);
    expect((await server.api(`/api/v1/accounts/${admin.account.id}/conversations/${theirs.id}`, { token: triage.token })).status).not.toBe(200);
    // The colleague (built-in agent role) sees every conversation of the inbox.
    expect(await visible(colleague.token)).toEqual([unassigned.id, mine.id, theirs.id]);
    // Replacing the custom role by the built-in agent role widens the triage agent's view at once.
    await server.api(`/api/v1/accounts/${admin.account.id}/agents/${triage.user.id}`, { token: admin.token, method: "PATCH", json: { role: "agent" } });
    expect(await visible(triage.token)).toEqual([unassigned.id, mine.id, theirs.id]);
  });
});
