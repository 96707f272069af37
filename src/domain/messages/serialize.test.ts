// The webhook bodies other areas send (account webhooks, the API-channel callback) come from
// messageWebhookData / conversationWebhookData: checked here against the shapes of the help-center articles.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { accountPath, caller, createApiInbox, createContact, type Admin } from "../../api/v1/accounts/conversation-test-kit.ts";
import { createAdmin, startTestServer, type TestServer } from "../../testing/server.ts";
import { conversationWebhookData } from "../conversations/serialize.ts";
import { messageWebhookData } from "./serialize.ts";

let server: TestServer;
let admin: Admin;
let call: ReturnType<typeof caller>;

beforeAll(async () => {
  server = startTestServer();
  call = caller(server);
  admin = await createAdmin(server, { accountName: "API testing" });
});
afterAll(() => server.close());

test("message_created body of the API-channel article", async () => {
  const inbox = await createApiInbox(server, admin, { name: "API Channel", enable_auto_assignment: false });
  const { contact, sourceId } = await createContact(server, admin, inbox.id, "contact-name");
  const conv = await call(admin.token, "POST", accountPath(admin.account.id, "/conversations"), { source_id: sourceId, inbox_id: inbox.id });
  const msg = await call(admin.token, "POST", accountPath(admin.account.id, `/conversations/${conv.body.id}/messages`), {
    content: "This is a incoming message from API Channel",
    message_type: "incoming",
  });
  const conversationId = server.deps.db.$client.query("SELECT conversation_id AS id FROM messages WHERE id = ?").get(msg.body.id) as { id: number };

  const body = messageWebhookData(server.deps.db, msg.body.id, "https://parley.example");
  expect(body).toMatchObject({
    id: msg.body.id,
    content: "This is a incoming message from API Channel",
    message_type: "incoming",
    content_type: "text",
    content_attributes: {},
    additional_attributes: {},
    private: false,
    source_id: null,
    sender: { id: contact.id, name: "contact-name", avatar: "", type: "contact", account: { id: admin.account.id, name: "API testing" } },
    inbox: { id: inbox.id, name: "API Channel" },
    account: { id: admin.account.id, name: "API testing" },
    conversation: {
      channel: "Channel::Api",
      id: conv.body.id,
      inbox_id: inbox.id,
      status: "open",
      account_id: admin.account.id,
      labels: [],
      unread_count: 1,
      contact_inbox: { source_id: sourceId, inbox_id: inbox.id, contact_id: contact.id, hmac_verified: false },
      meta: { sender: { id: contact.id, type: "contact" }, assignee: null, team: null, hmac_verified: false },
    },
  });
  expect(body.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  for (const key of ["agent_last_seen_at", "contact_last_seen_at", "timestamp", "created_at", "last_activity_at", "waiting_since"] as const) {
    expect(typeof body.conversation[key]).toBe("number");
  }
  expect(body.conversation.messages).toHaveLength(1);
  expect(body.conversation.messages[0]).toMatchObject({ id: msg.body.id, message_type: 0, conversation_id: conv.body.id, sender: { type: "contact" } });
  // The contact's realtime token is not handed to webhook receivers.
  expect(JSON.stringify(body)).not.toContain("pubsub_token");

  const conversation = conversationWebhookData(server.deps.db, conversationId.id);
  expect(conversation).toEqual(body.conversation);
});

test("an agent's reply names the user as sender; attachments carry absolute URLs", async () => {
  const inbox = await createApiInbox(server, admin, { enable_auto_assignment: false });
  const { sourceId } = await createContact(server, admin, inbox.id);
  const conv = await call(admin.token, "POST", accountPath(admin.account.id, "/conversations"), { source_id: sourceId, inbox_id: inbox.id });
  const form = new FormData();
  form.append("content", "here you go");
  form.append("attachments[]", new File(["%PDF-1.4"], "a.pdf", { type: "application/pdf" }));
  const res = await server.api(accountPath(admin.account.id, `/conversations/${conv.body.id}/messages`), { token: admin.token, method: "POST", body: form });
  const msg = await res.json();
  const body = messageWebhookData(server.deps.db, msg.id, "https://parley.example");
  expect(body).toMatchObject({ message_type: "outgoing", sender: { id: admin.user.id, name: "Ada Admin", type: "user" } });
  expect((body.sender as { email: string }).email).toContain("@");
  expect(body.attachments?.[0]).toMatchObject({ file_type: "file", extension: "pdf", data_url: expect.stringMatching(new RegExp(`^https://parley\\.example/files/${msg.attachments[0].id}/[A-Za-z0-9]{32}/`)) });
  expect(() => messageWebhookData(server.deps.db, 999999)).toThrow("Message not found");
});
