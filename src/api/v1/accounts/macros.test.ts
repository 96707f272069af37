import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mail_outbox } from "../../../db/schema/mail.ts";
import { startReceiver } from "../../../testing/receiver.ts";
import { createAdmin, createAgent, startTestServer, type TestServer } from "../../../testing/server.ts";
import { accountPath, addInboxMembers, caller, createApiInbox, startConversation, type Admin } from "./conversation-test-kit.ts";

let server: TestServer;
let admin: Admin;
let other: Admin;
let agent: Awaited<ReturnType<typeof createAgent>>;
let agent2: Awaited<ReturnType<typeof createAgent>>;
let call: ReturnType<typeof caller>;
let inbox: { id: number };
let hiddenInbox: { id: number };
let team: { id: number };

const macros = (rest = "") => accountPath(admin.account.id, `/macros${rest}`);
const conv = (id: number, rest = "") => accountPath(admin.account.id, `/conversations/${id}${rest}`);

beforeAll(async () => {
  server = startTestServer();
  call = caller(server);
  admin = await createAdmin(server, { name: "Ada Admin" });
  other = await createAdmin(server, { accountName: "Elsewhere" });
  agent = await createAgent(server, admin, { name: "Mia Macro" });
  agent2 = await createAgent(server, admin, { name: "Noah Next" });
  inbox = await createApiInbox(server, admin);
  hiddenInbox = await createApiInbox(server, admin, { name: "Private inbox" });
  await addInboxMembers(server, admin, inbox.id, [agent.user.id, agent2.user.id]);
  team = (await call(admin.token, "POST", accountPath(admin.account.id, "/teams"), { name: "Escalations" })).body;
  for (const title of ["urgent", "billing"]) await call(admin.token, "POST", accountPath(admin.account.id, "/labels"), { title });
}, 30_000);
afterAll(() => server.close());

describe("macros API", () => {
  test("visibility and permissions: agents make personal macros only; global ones are the administrators'", async () => {
    const actions = [{ action_name: "add_label", action_params: ["urgent"] }];
    const global = await call(admin.token, "POST", macros(), { name: "Team macro", visibility: "global", actions });
    expect(global.status).toBe(200);
    expect(global.body.payload).toMatchObject({ name: "Team macro", visibility: "global", actions, account_id: admin.account.id });
    expect(global.body.payload.created_by).toMatchObject({ id: admin.user.id, type: "user" });

    const mine = await call(agent.token, "POST", macros(), { macro: { name: "Mine", visibility: "global", actions } });
    expect(mine.status).toBe(200);
    expect(mine.body.payload.visibility).toBe("personal");

    const names = async (token: string) => (await call(token, "GET", macros())).body.payload.map((m: { name: string }) => m.name);
    expect(await names(agent.token)).toEqual(["Team macro", "Mine"]);
    expect(await names(agent2.token)).toEqual(["Team macro"]);
    expect(await names(admin.token)).toEqual(["Team macro"]);

    const gid = global.body.payload.id;
    const mid = mine.body.payload.id;
    expect((await call(agent2.token, "GET", macros(`/${mid}`))).status).toBe(404);
    expect((await call(agent2.token, "PATCH", macros(`/${mid}`), { name: "stolen" })).status).toBe(404);
    expect((await call(agent2.token, "DELETE", macros(`/${mid}`))).status).toBe(404);
    expect((await call(agent.token, "PATCH", macros(`/${gid}`), { name: "renamed" })).status).toBe(403);
    expect((await call(agent.token, "DELETE", macros(`/${gid}`))).status).toBe(403);
    const renamed = await call(agent.token, "PATCH", macros(`/${mid}`), { name: "Mine, renamed" });
    expect(renamed.status).toBe(200);
    expect(renamed.body.payload).toMatchObject({ name: "Mine, renamed", visibility: "personal" });
    expect((await call(agent.token, "DELETE", macros(`/${mid}`))).status).toBe(200);

    const foreign = accountPath(other.account.id, `/macros/${gid}`);
    expect((await call(other.token, "GET", foreign)).status).toBe(404);
    expect((await call(other.token, "POST", `${foreign}/execute`, { conversation_ids: [1] })).status).toBe(404);
  });

  test("bad macros are 422 naming the offending part", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name: "", actions: [{ action_name: "resolve_conversation" }] }, "name"],
      [{ name: "x", visibility: "public", actions: [{ action_name: "resolve_conversation" }] }, "visibility"],
      [{ name: "x", actions: [] }, "actions"],
      [{ name: "x", actions: [{ action_name: "explode" }] }, "actions[0].action_name"],
      [{ name: "x", actions: [{ action_name: "resolve_conversation" }, { action_name: "add_label", action_params: ["nope"] }] }, "actions[1].action_params"],
      [{ name: "x", actions: [{ action_name: "assign_agent", action_params: [other.user.id] }] }, "actions[0].action_params"],
    ];
    for (const [body, field] of cases) {
      const res = await call(admin.token, "POST", macros(), body);
      expect({ field, status: res.status }).toEqual({ field, status: 422 });
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const m = await call(admin.token, "POST", macros(), { name: "ok", actions: [{ action_name: "resolve_conversation" }] });
    expect((await call(admin.token, "POST", macros(`/${m.body.payload.id}/execute`), { conversation_ids: "all" })).status).toBe(422);
  });

  test("execute runs every action in order on each visible conversation, logged as the agent via the macro", async () => {
    const created = await call(agent.token, "POST", macros(), {
      name: "Escalate",
      actions: [
        { action_name: "assign_team", action_params: [team.id] },
        { action_name: "assign_agent", action_params: ["self"] },
        { action_name: "add_label", action_params: ["urgent", "billing"] },
        { action_name: "remove_label", action_params: ["billing"] },
        { action_name: "change_priority", action_params: ["urgent"] },
        { action_name: "add_private_note", action_params: ["Escalated, see the ticket"] },
        { action_name: "send_message", action_params: ["We have escalated your request."] },
        { action_name: "send_email_transcript", action_params: ["boss@example.com"] },
        { action_name: "change_status", action_params: ["pending"] },
      ],
    });
    expect(created.status).toBe(200);
    const a = await startConversation(server, admin, inbox.id);
    const b = await startConversation(server, admin, inbox.id);
    const hidden = await startConversation(server, admin, hiddenInbox.id);
    const res = await call(agent.token, "POST", macros(`/${created.body.payload.id}/execute`), { conversation_ids: [a.id, b.id, hidden.id] });
    expect(res.status).toBe(200);

    for (const c of [a, b]) {
      const after = (await call(admin.token, "GET", conv(c.id))).body;
      expect(after.meta.assignee.id).toBe(agent.user.id);
      expect(after.labels).toEqual(["urgent"]);
      expect(after.priority).toBe("urgent");
      expect(after.status).toBe("pending");
      const msgs = (await call(admin.token, "GET", conv(c.id, "/messages"))).body.payload as { content: string; private: boolean; sender?: { id: number } }[];
      const texts = msgs.map((m) => m.content);
      expect(texts).toEqual(
        expect.arrayContaining([
          "Assigned to escalations by Mia Macro via macro Escalate",
          "Mia Macro via macro Escalate self-assigned this conversation",
          "Mia Macro via macro Escalate added urgent, billing",
          "Mia Macro via macro Escalate removed billing",
          "Mia Macro via macro Escalate set the priority to urgent",
          "Mia Macro via macro Escalate sent the conversation transcript to boss@example.com",
          "Conversation was marked as pending by Mia Macro via macro Escalate",
        ]),
      );
      const reply = msgs.find((m) => m.content === "We have escalated your request.")!;
      expect(reply.private).toBe(false);
      expect(reply.sender?.id).toBe(agent.user.id);
      expect(msgs.find((m) => m.content === "Escalated, see the ticket")!.private).toBe(true);
    }
    // The inbox the agent is not a member of is out of reach: nothing happened there.
    const untouched = (await call(admin.token, "GET", conv(hidden.id))).body;
    expect(untouched.labels).toEqual([]);
    expect(untouched.meta.assignee ?? null).toBeNull();
    expect(server.deps.db.select().from(mail_outbox).all().filter((m) => m.to_address === "boss@example.com").length).toBe(2);
  });

  test("snooze, mute and resolve actions; a failing action does not stop the next", async () => {
    const m = await call(admin.token, "POST", macros(), {
      name: "Park it",
      visibility: "global",
      actions: [
        { action_name: "snooze_conversation" },
        // Noah is an agent of the account but not of the private inbox: this assignment fails.
        { action_name: "assign_agent", action_params: [agent2.user.id] },
        { action_name: "mute_conversation" },
      ],
    });
    const c = await startConversation(server, admin, hiddenInbox.id);
    expect((await call(admin.token, "POST", macros(`/${m.body.payload.id}/execute`), { conversation_ids: [c.id] })).status).toBe(200);
    const after = (await call(admin.token, "GET", conv(c.id))).body;
    expect(after.muted).toBe(true);
    expect(after.status).toBe("resolved");
    expect(after.meta.assignee ?? null).toBeNull();
    const texts = (await call(admin.token, "GET", conv(c.id, "/messages"))).body.payload.map((x: { content: string }) => x.content);
    expect(texts).toContain("Conversation was snoozed by Ada Admin via macro Park it");
    expect(texts).toContain("Ada Admin via macro Park it has muted the conversation");

    // A macro naming a label deleted since refuses to run, naming the action.
    const label = await call(admin.token, "POST", accountPath(admin.account.id, "/labels"), { title: "gone-soon" });
    const stale = await call(admin.token, "POST", macros(), { name: "Stale", actions: [{ action_name: "add_label", action_params: ["gone-soon"] }] });
    await call(admin.token, "DELETE", accountPath(admin.account.id, `/labels/${label.body.id}`));
    const refused = await call(admin.token, "POST", macros(`/${stale.body.payload.id}/execute`), { conversation_ids: [c.id] });
    expect(refused.status).toBe(422);
    expect(refused.body.errors[0].field).toBe("actions[0].action_params");

    // send_attachment: any user may attach a file to their macro.
    const form = new FormData();
    form.append("attachment", new File(["hello"], "hello.txt", { type: "text/plain" }));
    const blob = await (await server.api(macros("/attach_file"), { method: "POST", token: agent.token, body: form })).json();
    const withFile = await call(agent.token, "POST", macros(), { name: "Send file", actions: [{ action_name: "send_attachment", action_params: [blob.blob_id] }] });
    expect(withFile.status).toBe(200);
    const e = await startConversation(server, admin, inbox.id);
    expect((await call(agent.token, "POST", macros(`/${withFile.body.payload.id}/execute`), { conversation_ids: [e.id] })).status).toBe(200);
    const sent = (await call(admin.token, "GET", conv(e.id, "/messages"))).body.payload.find((m: { attachments?: unknown[] }) => m.attachments?.length);
    expect(sent.sender.id).toBe(agent.user.id);
    expect(sent.attachments[0].file_size).toBe(5);

    // send_webhook_event posts the conversation with event macro.executed.
    const receiver = startReceiver();
    try {
      const hook = await call(admin.token, "POST", macros(), { name: "Notify", actions: [{ action_name: "send_webhook_event", action_params: [`${receiver.url}/macro`] }] });
      const f = await startConversation(server, admin, inbox.id);
      await call(admin.token, "POST", macros(`/${hook.body.payload.id}/execute`), { conversation_ids: [f.id] });
      const [got] = await receiver.waitFor(1, 10_000, (r) => r.path === "/macro");
      expect(JSON.parse(got.body)).toMatchObject({ event: "macro.executed", id: f.id });
    } finally {
      await receiver.close();
    }

    const r = await call(admin.token, "POST", macros(), { name: "Close", actions: [{ action_name: "resolve_conversation" }] });
    const d = await startConversation(server, admin, inbox.id);
    await call(admin.token, "POST", macros(`/${r.body.payload.id}/execute`), { conversation_ids: [d.id] });
    expect((await call(admin.token, "GET", conv(d.id))).body.status).toBe("resolved");
  });
});
