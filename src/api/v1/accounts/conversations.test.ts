import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createAdmin, createAgent, startTestServer, type TestServer } from "../../../testing/server.ts";
import { accountPath, addInboxMembers, caller, createApiInbox, createContact, startConversation, type Admin } from "./conversation-test-kit.ts";

let server: TestServer;
let admin: Admin;
let call: ReturnType<typeof caller>;
let inbox: { id: number };

beforeAll(async () => {
  server = startTestServer();
  call = caller(server);
  admin = await createAdmin(server, { accountName: "Acme" });
  inbox = await createApiInbox(server, admin, { enable_auto_assignment: false });
});
afterAll(() => server.close());

const conv = (rest = "") => accountPath(admin.account.id, `/conversations${rest}`);

describe("the API-channel article, step by step", () => {
  test("contact with inbox_id → source_id → conversation → incoming message → listed", async () => {
    const { contact, sourceId } = await createContact(server, admin, inbox.id, "Pranav");
    expect(sourceId).toMatch(/^[0-9a-f-]{36}$/);
    const created = await call(admin.token, "POST", conv(), { source_id: sourceId, inbox_id: String(inbox.id) });
    expect(created.status).toBe(200);
    expect(typeof created.body.id).toBe("number");
    expect(created.body).toMatchObject({ inbox_id: inbox.id, status: "open", account_id: admin.account.id, meta: { channel: "Channel::Api", sender: { id: contact.id, name: "Pranav" } } });

    const msg = await call(admin.token, "POST", conv(`/${created.body.id}/messages`), { content: "This is a incoming message from API Channel", message_type: "incoming" });
    expect(msg.status).toBe(200);
    expect(msg.body).toMatchObject({
      content: "This is a incoming message from API Channel",
      inbox_id: inbox.id,
      conversation_id: created.body.id,
      message_type: 0,
      content_type: "text",
      content_attributes: {},
      private: false,
      sender: { id: contact.id, name: "Pranav", type: "contact" },
    });
    expect(typeof msg.body.created_at).toBe("number");

    const list = await call(admin.token, "GET", conv());
    expect(list.status).toBe(200);
    const item = list.body.data.payload.find((c: { id: number }) => c.id === created.body.id);
    expect(item.messages[0].content).toBe("This is a incoming message from API Channel");
    expect(item.unread_count).toBe(1);
    expect(item.last_non_activity_message.id).toBe(msg.body.id);

    const messages = await call(admin.token, "GET", conv(`/${created.body.id}/messages`));
    expect(messages.status).toBe(200);
    expect(messages.body.payload.map((m: { id: number }) => m.id)).toEqual([msg.body.id]);
    expect(messages.body.meta.contact).toMatchObject({ id: contact.id, type: "contact" });
  });
});

describe("POST /conversations", () => {
  test("contact_id + inbox_id creates the contact's session; with status, attributes and a first message", async () => {
    const { contact } = await createContact(server, admin, inbox.id);
    const res = await call(admin.token, "POST", conv(), {
      inbox_id: inbox.id,
      contact_id: String(contact.id),
      status: "pending",
      additional_attributes: { browser_language: "de" },
      custom_attributes: { order: 42 },
      message: { content: "Hello from the API <b>bold</b>" },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: "pending",
      additional_attributes: { browser_language: "de" },
      custom_attributes: { order: 42 },
      labels: [],
      muted: false,
      priority: null,
      can_reply: true,
      snoozed_until: null,
      meta: { sender: { id: contact.id }, hmac_verified: false },
    });
    expect(res.body.messages).toHaveLength(1);
    expect(res.body.messages[0]).toMatchObject({ content: "Hello from the API <b>bold</b>", message_type: 1, sender: { id: admin.user.id, type: "user" } });
    expect(res.body.uuid).toMatch(/^[0-9a-f-]{36}$/);
    for (const key of ["agent_last_seen_at", "assignee_last_seen_at", "contact_last_seen_at", "created_at", "timestamp", "last_activity_at", "waiting_since", "first_reply_created_at"]) {
      expect(typeof res.body[key]).toBe("number");
    }
    expect(res.body.first_reply_created_at).toBeGreaterThan(0);
  });

  test("display ids count per account, starting at 1 in each", async () => {
    const other = await createAdmin(server, { accountName: "Numbers" });
    const otherInbox = await createApiInbox(server, other);
    const first = await startConversation(server, other, otherInbox.id);
    const second = await startConversation(server, other, otherInbox.id);
    expect([first.id, second.id]).toEqual([1, 2]);
    const mine = await startConversation(server, admin, inbox.id);
    expect(mine.id).toBeGreaterThan(2);
  });

  test("lock_to_single_conversation returns the contact's existing conversation", async () => {
    const locked = await createApiInbox(server, admin, { name: "Locked", lock_to_single_conversation: true, enable_auto_assignment: false });
    const { contact } = await createContact(server, admin, locked.id);
    const a = await call(admin.token, "POST", conv(), { inbox_id: locked.id, contact_id: contact.id });
    const b = await call(admin.token, "POST", conv(), { inbox_id: locked.id, contact_id: contact.id });
    expect(b.body.id).toBe(a.body.id);
  });

  test("unknown or foreign ids are 404; missing and wrong-typed fields are 422 naming the field", async () => {
    const other = await createAdmin(server, { accountName: "Other" });
    const otherInbox = await createApiInbox(server, other);
    const foreign = await createContact(server, other, otherInbox.id);
    const { contact } = await createContact(server, admin, inbox.id);
    const cases: [unknown, number, string?][] = [
      [{ inbox_id: 999999, contact_id: contact.id }, 404],
      [{ inbox_id: otherInbox.id, contact_id: contact.id }, 404],
      [{ inbox_id: inbox.id, contact_id: foreign.contact.id }, 404],
      [{ source_id: foreign.sourceId }, 404],
      [{ source_id: "no-such-session" }, 404],
      [{ inbox_id: inbox.id, contact_id: contact.id, team_id: 999999 }, 404],
      [{ inbox_id: inbox.id, contact_id: contact.id, assignee_id: 999999 }, 404],
      [{ inbox_id: inbox.id }, 422, "source_id"],
      [{ inbox_id: "abc", contact_id: contact.id }, 422, "inbox_id"],
      [{ inbox_id: inbox.id, contact_id: contact.id, status: "closed" }, 422, "status"],
      [{ inbox_id: inbox.id, contact_id: contact.id, custom_attributes: "x" }, 422, "custom_attributes"],
      [{ inbox_id: inbox.id, contact_id: contact.id, message: { content: 5 } }, 422, "message.content"],
    ];
    for (const [body, status, field] of cases) {
      const res = await call(admin.token, "POST", conv(), body);
      expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), status]);
      if (field) expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const malformed = await server.api(conv(), { token: admin.token, method: "POST", headers: { "content-type": "application/json" }, body: "{nope" });
    expect(malformed.status).toBe(400);
  });
});

describe("GET /conversations, /conversations/meta", () => {
  let acct: Admin;
  let box: { id: number };
  let agent: Awaited<ReturnType<typeof createAgent>>;
  const path = (rest = "") => accountPath(acct.account.id, `/conversations${rest}`);

  beforeAll(async () => {
    acct = await createAdmin(server, { accountName: "Lists" });
    box = await createApiInbox(server, acct, { enable_auto_assignment: false });
    agent = await createAgent(server, acct);
    await addInboxMembers(server, acct, box.id, [agent.user.id]);
    // 30 open conversations: 3 assigned to the admin, 2 to the agent; one resolved and one pending.
    for (let i = 0; i < 30; i++) {
      const assignee = i < 3 ? acct.user.id : i < 5 ? agent.user.id : undefined;
      await startConversation(server, acct, box.id, assignee ? { assignee_id: assignee } : {});
    }
    await startConversation(server, acct, box.id, { status: "resolved" });
    const pending = await startConversation(server, acct, box.id, { status: "pending" });
    await call(acct.token, "POST", path(`/${pending.id}/toggle_priority`), { priority: "high" });
  });

  test("meta counts mine, unassigned, assigned and all for the open conversations", async () => {
    const res = await call(acct.token, "GET", path());
    expect(res.status).toBe(200);
    expect(res.body.data.meta).toEqual({ mine_count: 3, assigned_count: 5, unassigned_count: 25, all_count: 30 });
    expect(res.body.data.payload).toHaveLength(25);
    const meta = await call(acct.token, "GET", path("/meta"));
    expect(meta.body).toEqual({ data: { meta: { mine_count: 3, assigned_count: 5, unassigned_count: 25, all_count: 30 } } });
    const agentView = await call(agent.token, "GET", path("/meta?status=all"));
    expect(agentView.body.data.meta).toMatchObject({ mine_count: 2, all_count: 32 });
  });

  test("assignee_type filters the page but not the counts", async () => {
    const mine = await call(acct.token, "GET", path("?assignee_type=me"));
    expect(mine.body.data.payload).toHaveLength(3);
    expect(mine.body.data.meta.all_count).toBe(30);
    const assigned = await call(acct.token, "GET", path("?assignee_type=assigned"));
    expect(assigned.body.data.payload).toHaveLength(5);
    const unassigned = await call(acct.token, "GET", path("?assignee_type=unassigned&page=2"));
    expect(unassigned.body.data.payload).toHaveLength(0);
    const unassigned1 = await call(acct.token, "GET", path("?assignee_type=unassigned"));
    expect(unassigned1.body.data.payload).toHaveLength(25);
    expect(unassigned1.body.data.payload.every((c: { meta: { assignee?: unknown } }) => c.meta.assignee === undefined)).toBe(true);
  });

  test("status, paging (25 a page) and sorting", async () => {
    const page2 = await call(acct.token, "GET", path("?page=2"));
    expect(page2.body.data.payload).toHaveLength(5);
    const resolved = await call(acct.token, "GET", path("?status=resolved"));
    expect(resolved.body.data.payload.map((c: { status: string }) => c.status)).toEqual(["resolved"]);
    const all = await call(acct.token, "GET", path("?status=all&page=2"));
    expect(all.body.data.meta.all_count).toBe(32);
    expect(all.body.data.payload).toHaveLength(7);

    const desc = await call(acct.token, "GET", path("?sort_by=created_at_desc"));
    const asc = await call(acct.token, "GET", path("?sort_by=created_at_asc"));
    const ids = (r: { body: { data: { payload: { id: number }[] } } }) => r.body.data.payload.map((c) => c.id);
    expect(ids(desc)[0]).toBeGreaterThan(ids(asc)[0]);
    expect(ids(asc)).toEqual([...ids(asc)].sort((a, b) => a - b));
    const byActivity = await call(acct.token, "GET", path());
    const stamps = byActivity.body.data.payload.map((c: { last_activity_at: number }) => c.last_activity_at);
    expect(stamps).toEqual([...stamps].sort((a: number, b: number) => b - a));
    const pending = await call(acct.token, "GET", path("?status=pending&sort_by=priority_desc"));
    expect(pending.body.data.payload[0].priority).toBe("high");
  });

  test("inbox_id, team_id, labels and q narrow the list", async () => {
    const otherBox = await createApiInbox(server, acct, { name: "Second", enable_auto_assignment: false });
    const elsewhere = await startConversation(server, acct, otherBox.id, { message: { content: "needle in the haystack" } });
    const byInbox = await call(acct.token, "GET", path(`?inbox_id=${otherBox.id}`));
    expect(byInbox.body.data.payload.map((c: { id: number }) => c.id)).toEqual([elsewhere.id]);

    const team = await call(acct.token, "POST", accountPath(acct.account.id, "/teams"), { name: "Billing", allow_auto_assign: false });
    expect(team.status).toBe(200);
    await call(acct.token, "POST", path(`/${elsewhere.id}/assignments`), { team_id: team.body.id });
    const byTeam = await call(acct.token, "GET", path(`?team_id=${team.body.id}`));
    expect(byTeam.body.data.payload.map((c: { id: number }) => c.id)).toEqual([elsewhere.id]);
    expect((await call(acct.token, "GET", path("?team_id=999999"))).status).toBe(404);

    await call(acct.token, "POST", path(`/${elsewhere.id}/labels`), { labels: ["vip"] });
    const byLabel = await call(acct.token, "GET", path("?labels[]=vip&labels[]=other"));
    expect(byLabel.body.data.payload.map((c: { id: number }) => c.id)).toEqual([elsewhere.id]);

    const byQuery = await call(acct.token, "GET", path("?q=HAYSTACK"));
    expect(byQuery.body.data.payload.map((c: { id: number }) => c.id)).toEqual([elsewhere.id]);
    const wildcard = await call(acct.token, "GET", path("?q=%25"));
    expect(wildcard.body.data.payload).toHaveLength(0);
  });

  test("bad query parameters are 422 naming the parameter", async () => {
    for (const [q, field] of [
      ["status=closed", "status"],
      ["assignee_type=everyone", "assignee_type"],
      ["page=0", "page"],
      ["page=abc", "page"],
      ["inbox_id=x", "inbox_id"],
      ["sort_by=name", "sort_by"],
    ]) {
      const res = await call(acct.token, "GET", path(`?${q}`));
      expect([q, res.status]).toEqual([q, 422]);
      expect(res.body.errors[0].field).toBe(field);
    }
  });
});

describe("one conversation", () => {
  test("show by display id; unknown, non-numeric and other accounts' ids are 404", async () => {
    const c = await startConversation(server, admin, inbox.id);
    const res = await call(admin.token, "GET", conv(`/${c.id}`));
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(c.id);
    expect((await call(admin.token, "GET", conv("/999999"))).status).toBe(404);
    expect((await call(admin.token, "GET", conv("/abc"))).status).toBe(404);
    const other = await createAdmin(server, { accountName: "Elsewhere" });
    expect((await call(other.token, "GET", accountPath(other.account.id, `/conversations/${c.id}`))).status).toBe(404);
    expect((await call(other.token, "GET", conv(`/${c.id}`))).status).toBe(404);
  });

  test("toggle_status: explicit statuses, the open ↔ resolved toggle, activity messages", async () => {
    const c = await startConversation(server, admin, inbox.id);
    const resolved = await call(admin.token, "POST", conv(`/${c.id}/toggle_status`), { status: "resolved" });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toEqual({ meta: {}, payload: { success: true, conversation_id: c.id, current_status: "resolved", snoozed_until: null } });
    const toggled = await call(admin.token, "POST", conv(`/${c.id}/toggle_status`), {});
    expect(toggled.body.payload.current_status).toBe("open");
    const again = await call(admin.token, "POST", conv(`/${c.id}/toggle_status`));
    expect(again.body.payload.current_status).toBe("resolved");
    const pending = await call(admin.token, "POST", conv(`/${c.id}/toggle_status`), { status: "pending" });
    expect(pending.body.payload.current_status).toBe("pending");
    expect((await call(admin.token, "POST", conv(`/${c.id}/toggle_status`))).body.payload.current_status).toBe("open");
    const bad = await call(admin.token, "POST", conv(`/${c.id}/toggle_status`), { status: "archived" });
    expect(bad.status).toBe(422);

    const messages = await call(admin.token, "GET", conv(`/${c.id}/messages`));
    const activity = messages.body.payload.filter((m: { message_type: number }) => m.message_type === 2).map((m: { content: string }) => m.content);
    expect(activity).toEqual([
      "Conversation was marked resolved by Ada Admin",
      "Conversation was reopened by Ada Admin",
      "Conversation was marked resolved by Ada Admin",
      "Conversation was marked as pending by Ada Admin",
      "Conversation was reopened by Ada Admin",
    ]);
  });

  test("toggle_priority and PATCH set and clear the priority, with activity messages", async () => {
    const c = await startConversation(server, admin, inbox.id);
    expect((await call(admin.token, "POST", conv(`/${c.id}/toggle_priority`), { priority: "urgent" })).status).toBe(200);
    expect((await call(admin.token, "GET", conv(`/${c.id}`))).body.priority).toBe("urgent");
    const patched = await call(admin.token, "PATCH", conv(`/${c.id}`), { priority: "low" });
    expect(patched.body.priority).toBe("low");
    await call(admin.token, "POST", conv(`/${c.id}/toggle_priority`), { priority: "none" });
    expect((await call(admin.token, "GET", conv(`/${c.id}`))).body.priority).toBeNull();
    expect((await call(admin.token, "POST", conv(`/${c.id}/toggle_priority`), { priority: "critical" })).status).toBe(422);
    const messages = await call(admin.token, "GET", conv(`/${c.id}/messages`));
    expect(messages.body.payload.filter((m: { message_type: number }) => m.message_type === 2).map((m: { content: string }) => m.content)).toEqual([
      "Ada Admin set the priority to urgent",
      "Ada Admin changed the priority from urgent to low",
      "Ada Admin removed the priority",
    ]);
  });

  test("custom_attributes replaces the conversation's custom attributes", async () => {
    const c = await startConversation(server, admin, inbox.id, { custom_attributes: { a: 1 } });
    const res = await call(admin.token, "POST", conv(`/${c.id}/custom_attributes`), { custom_attributes: { plan: "pro", seats: 5 } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ custom_attributes: { plan: "pro", seats: 5 } });
    expect((await call(admin.token, "POST", conv(`/${c.id}/custom_attributes`), { custom_attributes: [1] })).status).toBe(422);
  });

  test("unread_count counts incoming messages after the agents last looked; update_last_seen and unread", async () => {
    const c = await startConversation(server, admin, inbox.id, { assignee_id: admin.user.id });
    for (const content of ["one", "two", "three"]) {
      await call(admin.token, "POST", conv(`/${c.id}/messages`), { content, message_type: "incoming" });
    }
    expect((await call(admin.token, "GET", conv(`/${c.id}`))).body.unread_count).toBe(3);
    const seen = await call(admin.token, "POST", conv(`/${c.id}/update_last_seen`));
    expect(seen.status).toBe(200);
    expect(seen.body.unread_count).toBe(0);
    expect(seen.body.agent_last_seen_at).toBeGreaterThan(0);
    expect(seen.body.assignee_last_seen_at).toBeGreaterThan(0);
    const unread = await call(admin.token, "POST", conv(`/${c.id}/unread`));
    expect(unread.status).toBe(200);
    expect(unread.body.unread_count).toBeGreaterThanOrEqual(1);
  });

  test("DELETE is for administrators; the conversation and its messages are gone", async () => {
    const agent = await createAgent(server, admin);
    await addInboxMembers(server, admin, inbox.id, [agent.user.id]);
    const c = await startConversation(server, admin, inbox.id, { message: { content: "bye" } });
    expect((await call(agent.token, "DELETE", conv(`/${c.id}`))).status).toBe(403);
    expect((await call(admin.token, "DELETE", conv(`/${c.id}`))).status).toBe(200);
    expect((await call(admin.token, "GET", conv(`/${c.id}`))).status).toBe(404);
    expect((await call(admin.token, "GET", conv(`/${c.id}/messages`))).status).toBe(404);
  });
});

describe("POST /conversations/filter", () => {
  test("Chatwoot's filter payload through the shared engine; bad keys and operators are 422", async () => {
    const acct = await createAdmin(server, { accountName: "Filters" });
    const box = await createApiInbox(server, acct, { enable_auto_assignment: false });
    const a = await startConversation(server, acct, box.id, { additional_attributes: { browser_language: "fr" } });
    const b = await startConversation(server, acct, box.id, { status: "pending", custom_attributes: { tier: "gold" } });
    const path = accountPath(acct.account.id, "/conversations/filter");
    const byStatus = await call(acct.token, "POST", path, { payload: [{ attribute_key: "status", filter_operator: "equal_to", values: ["pending"], query_operator: null }] });
    expect(byStatus.status).toBe(200);
    expect(byStatus.body.payload.map((c: { id: number }) => c.id)).toEqual([b.id]);
    expect(byStatus.body.meta).toMatchObject({ all_count: 1 });
    const either = await call(acct.token, "POST", path, {
      payload: [
        { attribute_key: "browser_language", filter_operator: "equal_to", values: ["fr"], query_operator: "OR" },
        { attribute_key: "tier", filter_operator: "equal_to", values: ["gold"], attribute_model: "conversation_attribute" },
      ],
    });
    expect(either.body.payload.map((c: { id: number }) => c.id).sort()).toEqual([a.id, b.id].sort());
    const bad = await call(acct.token, "POST", path, { payload: [{ attribute_key: "status; DROP TABLE conversations", filter_operator: "equal_to", values: ["open"] }] });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].field).toBe("payload[0].attribute_key");
    const badOp = await call(acct.token, "POST", path, { payload: [{ attribute_key: "status", filter_operator: "like", values: ["open"] }] });
    expect(badOp.status).toBe(422);
  });
});

describe("mute, typing, attachments, conversation types", () => {
  test("mute resolves and blocks the contact (new messages no longer reopen); unmute lifts it", async () => {
    const c = await startConversation(server, admin, inbox.id);
    expect((await call(admin.token, "POST", conv(`/${c.id}/mute`))).status).toBe(200);
    const muted = (await call(admin.token, "GET", conv(`/${c.id}`))).body;
    expect(muted).toMatchObject({ muted: true, status: "resolved" });
    await call(admin.token, "POST", conv(`/${c.id}/messages`), { content: "still there?", message_type: "incoming" });
    expect((await call(admin.token, "GET", conv(`/${c.id}`))).body.status).toBe("resolved");
    expect((await call(admin.token, "POST", conv(`/${c.id}/unmute`))).status).toBe(200);
    expect((await call(admin.token, "GET", conv(`/${c.id}`))).body.muted).toBe(false);
    const texts = (await call(admin.token, "GET", conv(`/${c.id}/messages`))).body.payload.filter((m: { message_type: number }) => m.message_type === 2).map((m: { content: string }) => m.content);
    expect(texts).toContain("Ada Admin has muted the conversation");
    expect(texts).toContain("Ada Admin has unmuted the conversation");
  });

  test("toggle_typing_status announces typing on the event bus", async () => {
    const c = await startConversation(server, admin, inbox.id);
    const seen: string[] = [];
    const off = server.deps.bus.onCommitted("*", (e) => {
      if (e.name.startsWith("conversation.typing")) seen.push(`${e.name}:${(e.data as { is_private: boolean }).is_private}`);
    });
    await call(admin.token, "POST", conv(`/${c.id}/toggle_typing_status`), { typing_status: "on", is_private: true });
    await call(admin.token, "POST", conv(`/${c.id}/toggle_typing_status`), { typing_status: "off" });
    off();
    expect(seen).toEqual(["conversation.typing_on:true", "conversation.typing_off:false"]);
    expect((await call(admin.token, "POST", conv(`/${c.id}/toggle_typing_status`), { typing_status: "maybe" })).status).toBe(422);
  });

  test("GET …/attachments lists the conversation's files, newest first, with their sender", async () => {
    const c = await startConversation(server, admin, inbox.id);
    for (const name of ["a.txt", "b.txt"]) {
      const form = new FormData();
      form.append("attachments[]", new File(["hello"], name, { type: "text/plain" }));
      expect((await server.api(conv(`/${c.id}/messages`), { token: admin.token, method: "POST", body: form })).status).toBe(200);
    }
    const res = await call(admin.token, "GET", conv(`/${c.id}/attachments`));
    expect(res.status).toBe(200);
    expect(res.body.meta).toEqual({ total_count: 2 });
    expect(res.body.payload.map((a: { extension: string }) => a.extension)).toEqual(["txt", "txt"]);
    expect(res.body.payload[0].id).toBeGreaterThan(res.body.payload[1].id);
    expect(res.body.payload[0]).toMatchObject({ file_type: "file", sender: { id: admin.user.id, type: "user" } });
  });

  test("conversation_type participating and unattended", async () => {
    const acct = await createAdmin(server, { accountName: "Types" });
    const box = await createApiInbox(server, acct, { enable_auto_assignment: false });
    const answered = await startConversation(server, acct, box.id, { message: { content: "first reply" } });
    const waiting = await startConversation(server, acct, box.id);
    await call(acct.token, "POST", accountPath(acct.account.id, `/conversations/${waiting.id}/participants`), { user_ids: [acct.user.id] });
    const list = async (q: string) => (await call(acct.token, "GET", accountPath(acct.account.id, `/conversations?${q}`))).body.data.payload.map((c: { id: number }) => c.id);
    expect(await list("conversation_type=participating")).toEqual([waiting.id]);
    expect(await list("conversation_type=unattended")).toEqual([waiting.id]);
    expect((await list("")).sort()).toEqual([answered.id, waiting.id].sort());
  });
});
