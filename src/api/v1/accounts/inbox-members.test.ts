import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createAdmin, createAgent, startTestServer, type TestServer } from "../../../testing/server.ts";

let server: TestServer;
beforeAll(() => {
  server = startTestServer();
});
afterAll(() => server.close());

type Admin = Awaited<ReturnType<typeof createAdmin>>;
const membersPath = (admin: Admin) => `/api/v1/accounts/${admin.account.id}/inbox_members`;

async function createInbox(admin: Admin, name = "API Inbox"): Promise<{ id: number }> {
  const res = await server.api(`/api/v1/accounts/${admin.account.id}/inboxes`, {
    token: admin.token,
    method: "POST",
    json: { name, channel: { type: "api", webhook_url: "https://example.com/callback" } },
  });
  expect(res.status).toBe(200);
  return res.json();
}

const ids = (body: { payload: { id: number }[] }) => body.payload.map((a) => a.id);

describe("inbox members", () => {
  test("add, list, replace and remove agents; lists come in `payload`", async () => {
    const admin = await createAdmin(server);
    const a = await createAgent(server, admin, { name: "Anna" });
    const b = await createAgent(server, admin, { name: "Ben" });
    const inbox = await createInbox(admin);

    expect(await (await server.api(`${membersPath(admin)}/${inbox.id}`, { token: admin.token })).json()).toEqual({ payload: [] });
    const added = await server.api(membersPath(admin), { token: admin.token, method: "POST", json: { inbox_id: inbox.id, user_ids: [a.user.id] } });
    expect(added.status).toBe(200);
    const body = await added.json();
    expect(ids(body)).toEqual([a.user.id]);
    expect(body.payload[0]).toMatchObject({ name: "Anna", email: a.email, role: "agent", confirmed: true });
    // POST adds (Chatwoot's current create), it does not replace.
    const more = await server.api(membersPath(admin), { token: admin.token, method: "POST", json: { inbox_id: String(inbox.id), user_ids: [b.user.id] } });
    expect(ids(await more.json())).toEqual([a.user.id, b.user.id]);

    const replaced = await server.api(membersPath(admin), { token: admin.token, method: "PATCH", json: { inbox_id: inbox.id, user_ids: [b.user.id] } });
    expect(ids(await replaced.json())).toEqual([b.user.id]);

    expect((await server.api(membersPath(admin), { token: admin.token, method: "DELETE", json: { inbox_id: inbox.id, user_ids: [b.user.id] } })).status).toBe(200);
    expect(ids(await (await server.api(`${membersPath(admin)}/${inbox.id}`, { token: admin.token })).json())).toEqual([]);
  });

  test("joining the account grants no inbox; inbox membership does, and only for that inbox", async () => {
    const admin = await createAdmin(server);
    const agent = await createAgent(server, admin);
    const mine = await createInbox(admin, "Mine");
    const theirs = await createInbox(admin, "Theirs");
    const visible = async () =>
      ((await (await server.api(`/api/v1/accounts/${admin.account.id}/inboxes`, { token: agent.token })).json()).payload as { id: number }[]).map((i) => i.id);
    expect(await visible()).toEqual([]);
    expect((await server.api(`${membersPath(admin)}/${mine.id}`, { token: agent.token })).status).toBe(403);

    await server.api(membersPath(admin), { token: admin.token, method: "POST", json: { inbox_id: mine.id, user_ids: [agent.user.id] } });
    expect(await visible()).toEqual([mine.id]);
    expect(ids(await (await server.api(`${membersPath(admin)}/${mine.id}`, { token: agent.token })).json())).toEqual([agent.user.id]);
    expect((await server.api(`${membersPath(admin)}/${theirs.id}`, { token: agent.token })).status).toBe(403);
  });

  test("administrators only write; strangers to the account are 422; unknown and foreign inboxes 404", async () => {
    const admin = await createAdmin(server);
    const agent = await createAgent(server, admin);
    const other = await createAdmin(server);
    const inbox = await createInbox(admin);
    const foreignInbox = await createInbox(other);
    for (const method of ["POST", "PATCH", "DELETE"]) {
      expect((await server.api(membersPath(admin), { token: agent.token, method, json: { inbox_id: inbox.id, user_ids: [agent.user.id] } })).status).toBe(403);
    }
    const stranger = await server.api(membersPath(admin), { token: admin.token, method: "POST", json: { inbox_id: inbox.id, user_ids: [agent.user.id, other.user.id] } });
    expect(stranger.status).toBe(422);
    expect((await stranger.json()).errors[0].field).toBe("user_ids");
    expect(ids(await (await server.api(`${membersPath(admin)}/${inbox.id}`, { token: admin.token })).json())).toEqual([]);

    expect((await server.api(membersPath(admin), { token: admin.token, method: "POST", json: { inbox_id: foreignInbox.id, user_ids: [admin.user.id] } })).status).toBe(404);
    expect((await server.api(`${membersPath(admin)}/${foreignInbox.id}`, { token: admin.token })).status).toBe(404);
    expect((await server.api(`${membersPath(admin)}/999999`, { token: admin.token })).status).toBe(404);
    expect((await server.api(`${membersPath(other)}/${foreignInbox.id}`, { token: other.token })).status).toBe(200);

    const missing = await server.api(membersPath(admin), { token: admin.token, method: "POST", json: { user_ids: [agent.user.id] } });
    expect(missing.status).toBe(422);
    expect((await missing.json()).errors[0].field).toBe("inbox_id");
  });
});

describe("assignable agents", () => {
  test("members of every given inbox plus the administrators", async () => {
    const admin = await createAdmin(server, { name: "Ada Admin" });
    const a = await createAgent(server, admin, { name: "Anna" });
    const b = await createAgent(server, admin, { name: "Ben" });
    await createAgent(server, admin, { name: "Cleo" });
    const one = await createInbox(admin, "One");
    const two = await createInbox(admin, "Two");
    await server.api(membersPath(admin), { token: admin.token, method: "POST", json: { inbox_id: one.id, user_ids: [a.user.id, b.user.id] } });
    await server.api(membersPath(admin), { token: admin.token, method: "POST", json: { inbox_id: two.id, user_ids: [b.user.id] } });
    const path = `/api/v1/accounts/${admin.account.id}/assignable_agents`;
    const both = await server.api(`${path}?inbox_ids[]=${one.id}&inbox_ids[]=${two.id}`, { token: admin.token });
    expect(both.status).toBe(200);
    expect(ids(await both.json())).toEqual([b.user.id, admin.user.id]);
    expect(ids(await (await server.api(`${path}?inbox_ids[]=${one.id}`, { token: a.token })).json())).toEqual([a.user.id, b.user.id, admin.user.id]);
    // An inbox the agent is not a member of, or none at all, is refused.
    expect((await server.api(`${path}?inbox_ids[]=${two.id}`, { token: a.token })).status).toBe(403);
    expect((await server.api(path, { token: admin.token })).status).toBe(422);
    expect((await server.api(`${path}?inbox_ids[]=999999`, { token: admin.token })).status).toBe(404);
  });
});
