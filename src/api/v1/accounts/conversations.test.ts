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
