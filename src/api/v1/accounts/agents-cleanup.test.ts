import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startParleyServer, type ParleyServer } from "../../../testing/fixtures/parley-process.ts";
import { apiClient, type ApiClient, createAdmin, createAgent, startTestServer, TEST_PLATFORM_TOKEN, type TestServer } from "../../../testing/server.ts";

/** The raw membership rows of a user (the API lists only current members of the account, so it cannot show leftovers). */
function rowsOf(db: Database, userId: number) {
  const teams = db.query("SELECT team_id FROM team_members WHERE user_id = ? ORDER BY team_id").all(userId) as { team_id: number }[];
  const inboxes = db.query("SELECT inbox_id FROM inbox_members WHERE user_id = ? ORDER BY inbox_id").all(userId) as { inbox_id: number }[];
  return { teams: teams.map((r) => r.team_id), inboxes: inboxes.map((r) => r.inbox_id) };
}

// "What happens when an agent is deleted?": a background job removes them from every team and inbox of the
// account and unassigns their conversations, atomically; it survives a crash between the delete and the job.

type Admin = Awaited<ReturnType<typeof createAdmin>>;

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(50);
  }
}

async function json(client: ApiClient, token: string, method: string, path: string, body?: unknown) {
  const res = await client.api(path, { token, method, json: body });
  expect(res.status).toBe(200);
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

/** Two teams and two inboxes of the admin's account, with the agent (and the admin) in all of them. */
async function staffAccount(client: ApiClient, admin: Admin, agentId: number) {
  const base = `/api/v1/accounts/${admin.account.id}`;
  const teams = [];
  const inboxes = [];
  for (const name of ["Front", "Back"]) {
    const team = await json(client, admin.token, "POST", `${base}/teams`, { name });
    await json(client, admin.token, "POST", `${base}/teams/${team.id}/team_members`, { user_ids: [agentId, admin.user.id] });
    teams.push(team.id as number);
    const inbox = await json(client, admin.token, "POST", `${base}/inboxes`, { name, channel: { type: "api" } });
    await json(client, admin.token, "POST", `${base}/inbox_members`, { inbox_id: inbox.id, user_ids: [agentId, admin.user.id] });
    inboxes.push(inbox.id as number);
  }
  return { teams, inboxes };
}

/** A conversation in the inbox, with a new contact, assigned to the given agent. Returns its display id. */
async function openConversation(client: ApiClient, admin: Admin, inboxId: number, assigneeId: number): Promise<number> {
  const base = `/api/v1/accounts/${admin.account.id}`;
  const contact = (await json(client, admin.token, "POST", `${base}/contacts`, { name: "Carla Customer", inbox_id: inboxId })).payload;
  const conversation = await json(client, admin.token, "POST", `${base}/conversations`, {
    source_id: contact.contact_inbox.source_id,
    inbox_id: inboxId,
    contact_id: contact.contact.id,
    assignee_id: assigneeId,
  });
  expect(conversation.meta.assignee.id).toBe(assigneeId);
  return conversation.id;
}

async function assigneeOf(client: ApiClient, admin: Admin, displayId: number): Promise<{ assignee: number | null; status: string }> {
  const c = await json(client, admin.token, "GET", `/api/v1/accounts/${admin.account.id}/conversations/${displayId}`);
  return { assignee: c.meta.assignee?.id ?? null, status: c.status };
}

async function membership(client: ApiClient, admin: Admin, staff: { teams: number[]; inboxes: number[] }) {
  const base = `/api/v1/accounts/${admin.account.id}`;
  const teams = await Promise.all(staff.teams.map(async (id) => (await json(client, admin.token, "GET", `${base}/teams/${id}/team_members`)).map((a: { id: number }) => a.id)));
  const inboxes = await Promise.all(
    staff.inboxes.map(async (id) => (await json(client, admin.token, "GET", `${base}/inbox_members/${id}`)).payload.map((a: { id: number }) => a.id)),
  );
  return { teams, inboxes };
}

describe("agent deletion cleanup (in process)", () => {
  let server: TestServer;
  beforeAll(() => {
    server = startTestServer();
  });
  afterAll(() => server.close());

  test("the job strips every team and inbox of that account, and leaves the agent's other account alone", async () => {
    const admin = await createAdmin(server);
    const agent = await createAgent(server, admin);
    const staff = await staffAccount(server, admin, agent.user.id);
    // The same person works in a second account too.
    const elsewhere = await createAdmin(server);
    await json(server, elsewhere.token, "POST", `/api/v1/accounts/${elsewhere.account.id}/agents`, { name: "Alan", email: agent.email, role: "agent" });
    const otherStaff = await staffAccount(server, elsewhere, agent.user.id);
    // Their conversations: two here (one resolved), one in the other account. A teammate is online in the
    // inbox (auto-assignment is on), yet nothing may be re-assigned.
    const teammate = await createAgent(server, admin);
    await json(server, admin.token, "POST", `/api/v1/accounts/${admin.account.id}/inbox_members`, { inbox_id: staff.inboxes[0], user_ids: [teammate.user.id] });
    await json(server, teammate.token, "POST", "/api/v1/profile/availability", { profile: { availability: "online", account_id: admin.account.id } });
    const open = await openConversation(server, admin, staff.inboxes[0], agent.user.id);
    const resolved = await openConversation(server, admin, staff.inboxes[1], agent.user.id);
    await json(server, admin.token, "POST", `/api/v1/accounts/${admin.account.id}/conversations/${resolved}/toggle_status`, { status: "resolved" });
    const teammates = await openConversation(server, admin, staff.inboxes[0], teammate.user.id);
    const foreign = await openConversation(server, elsewhere, otherStaff.inboxes[0], agent.user.id);

    const sqlite = server.deps.db.$client;
    expect(rowsOf(sqlite, agent.user.id)).toEqual({ teams: [...staff.teams, ...otherStaff.teams], inboxes: [...staff.inboxes, ...otherStaff.inboxes] });

    await json(server, admin.token, "DELETE", `/api/v1/accounts/${admin.account.id}/agents/${agent.user.id}`);
    // The cleanup is a background job: right after the delete the rows are still there.
    expect(rowsOf(sqlite, agent.user.id).teams).toHaveLength(4);
    // Then it leaves only the other account's teams and inboxes.
    await waitFor("the cleanup", async () => rowsOf(sqlite, agent.user.id).teams.length === 2);
    expect(rowsOf(sqlite, agent.user.id)).toEqual({ teams: otherStaff.teams, inboxes: otherStaff.inboxes });
    // Their conversations sit unassigned, with their status, in the unassigned queue; others' stay as they were.
    expect(await assigneeOf(server, admin, open)).toEqual({ assignee: null, status: "open" });
    expect(await assigneeOf(server, admin, resolved)).toEqual({ assignee: null, status: "resolved" });
    expect(await assigneeOf(server, admin, teammates)).toEqual({ assignee: teammate.user.id, status: "open" });
    expect(await assigneeOf(server, elsewhere, foreign)).toEqual({ assignee: agent.user.id, status: "open" });
    const queue = await json(server, admin.token, "GET", `/api/v1/accounts/${admin.account.id}/conversations?assignee_type=unassigned`);
    expect(queue.data.payload.map((c: { id: number }) => c.id)).toEqual([open]);
    const everybodyElse = { teams: [[admin.user.id], [admin.user.id]], inboxes: [[admin.user.id, teammate.user.id], [admin.user.id]] };
    // Everybody else stays.
    expect(await membership(server, admin, staff)).toEqual(everybodyElse);
    const untouched = await membership(server, elsewhere, otherStaff);
    for (const ids of [...untouched.teams, ...untouched.inboxes]) expect(ids).toContain(agent.user.id);
    // The agent still works in the other account; invited back here, they start with no team and no inbox.
    expect((await server.api(`/api/v1/accounts/${elsewhere.account.id}/agents`, { token: agent.token })).status).toBe(200);
    await json(server, admin.token, "POST", `/api/v1/accounts/${admin.account.id}/agents`, { name: "Alan", email: agent.email, role: "agent" });
    expect(await membership(server, admin, staff)).toEqual(everybodyElse);
  });

  test("removal through the Platform API cleans up the same way", async () => {
    const admin = await createAdmin(server);
    const agent = await createAgent(server, admin);
    const staff = await staffAccount(server, admin, agent.user.id);
    const res = await server.api(`/platform/api/v1/accounts/${admin.account.id}/account_users`, { token: TEST_PLATFORM_TOKEN, method: "DELETE", json: { user_id: agent.user.id } });
    expect(res.status).toBe(200);
    expect(rowsOf(server.deps.db.$client, agent.user.id).inboxes).toEqual(staff.inboxes);
    await waitFor("the cleanup", async () => rowsOf(server.deps.db.$client, agent.user.id).inboxes.length === 0);
    expect(rowsOf(server.deps.db.$client, agent.user.id)).toEqual({ teams: [], inboxes: [] });
  });

  test("an agent invited back before the job runs keeps their teams and inboxes", async () => {
    const admin = await createAdmin(server);
    const agent = await createAgent(server, admin);
    const staff = await staffAccount(server, admin, agent.user.id);
    const base = `/api/v1/accounts/${admin.account.id}`;
    await json(server, admin.token, "DELETE", `${base}/agents/${agent.user.id}`);
    await json(server, admin.token, "POST", `${base}/agents`, { name: "Back Again", email: agent.email, role: "agent" });
    await Bun.sleep(2_500);
    const m = await membership(server, admin, staff);
    for (const ids of [...m.teams, ...m.inboxes]) expect(ids).toContain(agent.user.id);
  });
});

describe("agent deletion cleanup survives SIGKILL between the delete and the job", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "parley-agent-crash-"));
  const env = { PARLEY_DATA_DIR: dataDir, PARLEY_PLATFORM_TOKEN: TEST_PLATFORM_TOKEN, PARLEY_JOB_CONCURRENCY: "1" };
  const servers: ParleyServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.stop("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  });


  function withDb<T>(fn: (db: Database) => T): T {
    const db = new Database(join(dataDir, "parley.db"), { readonly: true });
    try {
      db.exec("PRAGMA busy_timeout = 5000");
      return fn(db);
    } finally {
      db.close();
    }
  }

  function cleanupJobs() {
    const db = new Database(join(dataDir, "parley.db"), { readonly: true });
    try {
      db.exec("PRAGMA busy_timeout = 5000");
      return db.query("SELECT status, attempts FROM jobs WHERE kind = 'agent.cleanup'").all() as { status: string; attempts: number }[];
    } finally {
      db.close();
    }
  }

  test("delete, SIGKILL at once, restart: the cleanup happens after the restart", async () => {
    const first = await startParleyServer(env);
    servers.push(first);
    const client = apiClient(first.url);
    const admin = await createAdmin(client as TestServer);
    const agent = await createAgent(client as TestServer, admin);
    const staff = await staffAccount(client, admin, agent.user.id);
    const conversation = await openConversation(client, admin, staff.inboxes[0], agent.user.id);

    const del = await client.api(`/api/v1/accounts/${admin.account.id}/agents/${agent.user.id}`, { token: admin.token, method: "DELETE" });
    expect(del.status).toBe(200);
    first.proc.kill("SIGKILL");
    await first.proc.exited;
    expect(first.proc.signalCode).toBe("SIGKILL");

    // The deletion and its job committed together; the job had not run, the rows are still there.
    expect(cleanupJobs()).toEqual([{ status: "pending", attempts: 0 }]);
    expect(withDb((db) => rowsOf(db, agent.user.id))).toEqual(staff);
    expect(withDb((db) => db.query("SELECT assignee_id FROM conversations").all())).toEqual([{ assignee_id: agent.user.id }]);

    const second = await startParleyServer(env);
    servers.push(second);
    const again = apiClient(second.url);
    // The membership is gone (it was part of the delete's transaction)...
    expect((await again.api(`/api/v1/accounts/${admin.account.id}/agents`, { token: agent.token })).status).toBe(404);
    // ...and the job, run by the restarted server, strips every team and inbox.
    await waitFor("the job to be done after the restart", async () => cleanupJobs()[0]?.status === "done");
    expect(cleanupJobs()).toEqual([{ status: "done", attempts: 1 }]);
    expect(withDb((db) => rowsOf(db, agent.user.id))).toEqual({ teams: [], inboxes: [] });
    expect(await membership(again, admin, staff)).toEqual({ teams: [[admin.user.id], [admin.user.id]], inboxes: [[admin.user.id], [admin.user.id]] });
    expect(await assigneeOf(again, admin, conversation)).toEqual({ assignee: null, status: "open" });
    expect(withDb((db) => db.query("SELECT assignee_id, status FROM conversations").all())).toEqual([{ assignee_id: null, status: "open" }]);
    expect(await second.stop("SIGTERM")).toBe(0);
  }, 30_000);
});
