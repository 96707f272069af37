import { afterAll, beforeAll, expect, test } from "bun:test";
import { createAdmin, createAgent, startTestServer, TEST_PLATFORM_TOKEN, type TestServer } from "../../../testing/server.ts";

// Who may call what, for agents, custom roles, teams, team members, inbox members, assignable agents and the
// account itself: administrator / agent / custom-role agent / agent bot / a user of another account.

type Actor = "administrator" | "agent" | "custom_role" | "agent_bot" | "other_account";
const ACTORS: Actor[] = ["administrator", "agent", "custom_role", "agent_bot", "other_account"];

let server: TestServer;
let admin: Awaited<ReturnType<typeof createAdmin>>;
let tokens: Record<Actor, string>;
let inboxId: number;
let teamId: number;
let roleId: number;
let agentId: number;
let base: string;

async function asAdmin(method: string, path: string, json?: unknown) {
  const res = await server.api(base + path, { token: admin.token, method, json });
  if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

let n = 0;
const unique = () => `m${++n}-${crypto.randomUUID().slice(0, 6)}`;
/** A fresh member of the account for requests that change or remove one. */
const freshAgent = async () => (await createAgent(server, admin)).user.id as number;

beforeAll(async () => {
  server = startTestServer();
  admin = await createAdmin(server);
  base = `/api/v1/accounts/${admin.account.id}`;
  const agent = await createAgent(server, admin);
  agentId = agent.user.id;
  roleId = (await asAdmin("POST", "/custom_roles", { name: "Everything", permissions: ["conversation_manage", "contact_manage", "report_manage", "knowledge_base_manage"] })).id;
  const custom = await createAgent(server, admin, { customRoleId: roleId });
  const bot = await (await server.api("/platform/api/v1/agent_bots", { token: TEST_PLATFORM_TOKEN, method: "POST", json: { name: "Bot", account_id: admin.account.id } })).json();
  const other = await createAdmin(server);
  tokens = { administrator: admin.token, agent: agent.token, custom_role: custom.token, agent_bot: bot.access_token.token, other_account: other.token };
  inboxId = (await asAdmin("POST", "/inboxes", { name: "Matrix", channel: { type: "api" } })).id;
  await asAdmin("POST", "/inbox_members", { inbox_id: inboxId, user_ids: [agentId] });
  teamId = (await asAdmin("POST", "/teams", { name: "matrix" })).id;
});
afterAll(() => server.close());

type Request = { method: string; path: string; json?: unknown };
type Case = { name: string; expected: Record<Actor, number>; request: () => Promise<Request> | Request };

const ADMIN_ONLY = { administrator: 200, agent: 403, custom_role: 403, agent_bot: 403, other_account: 404 };
const MEMBERS = { administrator: 200, agent: 200, custom_role: 200, agent_bot: 403, other_account: 404 };
const INBOX_MEMBERS = { administrator: 200, agent: 200, custom_role: 403, agent_bot: 403, other_account: 404 };

const CASES: Case[] = [
  { name: "GET account", expected: MEMBERS, request: () => ({ method: "GET", path: "" }) },
  { name: "PATCH account", expected: ADMIN_ONLY, request: () => ({ method: "PATCH", path: "", json: { name: "Matrix Inc" } }) },
  { name: "GET agents", expected: MEMBERS, request: () => ({ method: "GET", path: "/agents" }) },
  { name: "POST agents", expected: ADMIN_ONLY, request: () => ({ method: "POST", path: "/agents", json: { name: "New", email: `${unique()}@example.com`, role: "agent" } }) },
  { name: "POST agents/bulk_create", expected: ADMIN_ONLY, request: () => ({ method: "POST", path: "/agents/bulk_create", json: { emails: [`${unique()}@example.com`] } }) },
  { name: "PATCH agents/:id", expected: ADMIN_ONLY, request: () => ({ method: "PATCH", path: `/agents/${agentId}`, json: { availability: "busy" } }) },
  { name: "DELETE agents/:id", expected: ADMIN_ONLY, request: async () => ({ method: "DELETE", path: `/agents/${await freshAgent()}` }) },
  {
    name: "POST agents/:id/resend_invitation",
    expected: ADMIN_ONLY,
    request: async () => {
      const pending = await asAdmin("POST", "/agents", { name: "Pending", email: `${unique()}@example.com`, role: "agent" });
      return { method: "POST", path: `/agents/${pending.id}/resend_invitation` };
    },
  },
  { name: "POST agents/:id/reset_password", expected: ADMIN_ONLY, request: () => ({ method: "POST", path: `/agents/${agentId}/reset_password` }) },
  { name: "GET custom_roles", expected: ADMIN_ONLY, request: () => ({ method: "GET", path: "/custom_roles" }) },
  { name: "POST custom_roles", expected: ADMIN_ONLY, request: () => ({ method: "POST", path: "/custom_roles", json: { name: unique(), permissions: ["report_manage"] } }) },
  { name: "GET custom_roles/:id", expected: ADMIN_ONLY, request: () => ({ method: "GET", path: `/custom_roles/${roleId}` }) },
  { name: "PATCH custom_roles/:id", expected: ADMIN_ONLY, request: () => ({ method: "PATCH", path: `/custom_roles/${roleId}`, json: { description: unique() } }) },
  {
    name: "DELETE custom_roles/:id",
    expected: ADMIN_ONLY,
    request: async () => ({ method: "DELETE", path: `/custom_roles/${(await asAdmin("POST", "/custom_roles", { name: unique(), permissions: [] })).id}` }),
  },
  { name: "GET teams", expected: MEMBERS, request: () => ({ method: "GET", path: "/teams" }) },
  { name: "POST teams", expected: ADMIN_ONLY, request: () => ({ method: "POST", path: "/teams", json: { name: unique() } }) },
  { name: "GET teams/:id", expected: MEMBERS, request: () => ({ method: "GET", path: `/teams/${teamId}` }) },
  { name: "PATCH teams/:id", expected: ADMIN_ONLY, request: () => ({ method: "PATCH", path: `/teams/${teamId}`, json: { description: unique() } }) },
  { name: "DELETE teams/:id", expected: ADMIN_ONLY, request: async () => ({ method: "DELETE", path: `/teams/${(await asAdmin("POST", "/teams", { name: unique() })).id}` }) },
  { name: "GET team_members", expected: MEMBERS, request: () => ({ method: "GET", path: `/teams/${teamId}/team_members` }) },
  { name: "POST team_members", expected: ADMIN_ONLY, request: () => ({ method: "POST", path: `/teams/${teamId}/team_members`, json: { user_ids: [agentId] } }) },
  { name: "PATCH team_members", expected: ADMIN_ONLY, request: () => ({ method: "PATCH", path: `/teams/${teamId}/team_members`, json: { user_ids: [agentId] } }) },
  { name: "DELETE team_members", expected: ADMIN_ONLY, request: () => ({ method: "DELETE", path: `/teams/${teamId}/team_members`, json: { user_ids: [] } }) },
  { name: "GET inbox_members/:inbox_id", expected: INBOX_MEMBERS, request: () => ({ method: "GET", path: `/inbox_members/${inboxId}` }) },
  { name: "POST inbox_members", expected: ADMIN_ONLY, request: () => ({ method: "POST", path: "/inbox_members", json: { inbox_id: inboxId, user_ids: [agentId] } }) },
  { name: "PATCH inbox_members", expected: ADMIN_ONLY, request: () => ({ method: "PATCH", path: "/inbox_members", json: { inbox_id: inboxId, user_ids: [agentId] } }) },
  { name: "DELETE inbox_members", expected: ADMIN_ONLY, request: () => ({ method: "DELETE", path: "/inbox_members", json: { inbox_id: inboxId, user_ids: [] } }) },
  { name: "GET assignable_agents", expected: INBOX_MEMBERS, request: () => ({ method: "GET", path: `/assignable_agents?inbox_ids[]=${inboxId}` }) },
];

test("the permission matrix: every endpoint × administrator / agent / custom-role agent / agent bot / another account", async () => {
  const got: string[] = [];
  const want: string[] = [];
  for (const c of CASES) {
    for (const actor of ACTORS) {
      const req = await c.request();
      const res = await server.api(base + req.path, { token: tokens[actor], method: req.method, json: req.json });
      got.push(`${c.name} as ${actor}: ${res.status}`);
      want.push(`${c.name} as ${actor}: ${c.expected[actor]}`);
    }
  }
  expect(got).toEqual(want);
}, 60_000);

test("writes refused by the matrix left nothing behind", async () => {
  const agents = await asAdmin("GET", "/agents");
  const names = agents.map((a: { name: string }) => a.name);
  // Only the administrator's POST /agents and bulk_create got through: one "New" agent and one bulk one.
  expect(names.filter((x: string) => x === "New")).toHaveLength(1);
  const account = await asAdmin("GET", "");
  expect(account.name).toBe("Matrix Inc");
  // The agent's availability was set once, by the administrator.
  expect(agents.find((a: { id: number }) => a.id === agentId).availability_status).toBe("busy");
});
