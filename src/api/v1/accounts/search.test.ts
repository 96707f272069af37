import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createAdmin, createAgent, startTestServer, type TestServer } from "../../../testing/server.ts";
import { accountPath, addInboxMembers, caller, createApiInbox, createContact, type Admin } from "./conversation-test-kit.ts";

let server: TestServer;
let admin: Admin;
let agent: Awaited<ReturnType<typeof createAgent>>;
let call: ReturnType<typeof caller>;
let shared: { id: number };
let secret: { id: number };
let sharedConv: number;
let secretConv: number;

async function conversationWith(inboxId: number, contactName: string, texts: string[]) {
  const { contact } = await createContact(server, admin, inboxId, contactName);
  const conv = await call(admin.token, "POST", accountPath(admin.account.id, "/conversations"), { inbox_id: inboxId, contact_id: contact.id });
  expect(conv.status).toBe(200);
  for (const content of texts) {
    const m = await call(admin.token, "POST", accountPath(admin.account.id, `/conversations/${conv.body.id}/messages`), { content, message_type: "outgoing" });
    expect(m.status).toBe(200);
  }
  return conv.body.id as number;
}

beforeAll(async () => {
  server = startTestServer();
  call = caller(server);
  admin = await createAdmin(server);
  agent = await createAgent(server, admin, { name: "Sam Searcher" });
  shared = await createApiInbox(server, admin, { name: "Shared", enable_auto_assignment: false });
  secret = await createApiInbox(server, admin, { name: "Secret", enable_auto_assignment: false });
  await addInboxMembers(server, admin, shared.id, [agent.user.id]);
  sharedConv = await conversationWith(shared.id, "Petra Pineapple", ["Your pineapple order shipped", "<script>alert(1)</script> pineapple"]);
  secretConv = await conversationWith(secret.id, "Quentin Quiet", ["The pineapple budget is confidential"]);
}, 30_000);
afterAll(() => server.close());

const searchPath = (rest: string) => accountPath(admin.account.id, `/search${rest}`);

describe("search API", () => {
  test("GET /search returns conversations, contacts and messages of the whole account to an administrator", async () => {
    const res = await call(admin.token, "GET", searchPath("?q=pineapple"));
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.payload).sort()).toEqual(["contacts", "conversations", "messages"]);
    expect(res.body.payload.conversations.map((c: { id: number }) => c.id).sort()).toEqual([sharedConv, secretConv].sort());
    const messages = res.body.payload.messages as { content: string; conversation_id: number; inbox: { name: string } }[];
    expect(messages).toHaveLength(3);
    // Newest first; the conversation is referred to by its display id.
    expect(messages[0]).toMatchObject({ content: "The pineapple budget is confidential", conversation_id: secretConv, inbox: { name: "Secret" } });
    expect(messages.map((m) => m.content)).toContain("<script>alert(1)</script> pineapple");
    expect(res.body.payload.contacts.map((c: { name: string }) => c.name)).toEqual(["Petra Pineapple"]);
    const conv = res.body.payload.conversations.find((c: { id: number }) => c.id === sharedConv);
    expect(conv).toMatchObject({ account_id: admin.account.id, contact: { name: "Petra Pineapple" }, inbox: { name: "Shared" }, message: { content: expect.any(String) } });
  });

  test("an agent never sees conversations or messages of an inbox they are not a member of", async () => {
    const all = await call(agent.token, "GET", searchPath("?q=pineapple"));
    expect(all.status).toBe(200);
    expect(all.body.payload.conversations.map((c: { id: number }) => c.id)).toEqual([sharedConv]);
    expect(all.body.payload.messages.every((m: { conversation_id: number }) => m.conversation_id === sharedConv)).toBe(true);
    expect(JSON.stringify(all.body)).not.toContain("confidential");
    const byId = await call(agent.token, "GET", searchPath(`/conversations?q=${secretConv}`));
    expect(byId.body.payload.conversations.map((c: { id: number }) => c.id)).not.toContain(secretConv);
    const byContact = await call(agent.token, "GET", searchPath("/conversations?q=Quentin"));
    expect(byContact.body.payload.conversations).toEqual([]);
    const adminByContact = await call(admin.token, "GET", searchPath("/conversations?q=Quentin"));
    expect(adminByContact.body.payload.conversations.map((c: { id: number }) => c.id)).toEqual([secretConv]);
  });

  test("one type per path, conversation by display id, whole words, FTS syntax in the query is literal text", async () => {
    const messages = await call(admin.token, "GET", searchPath("/messages?q=shipped"));
    expect(Object.keys(messages.body.payload)).toEqual(["messages"]);
    expect(messages.body.payload.messages.map((m: { content: string }) => m.content)).toEqual(["Your pineapple order shipped"]);
    const contacts = await call(admin.token, "GET", searchPath("/contacts?q=petra"));
    expect(Object.keys(contacts.body.payload)).toEqual(["contacts"]);
    const conversations = await call(admin.token, "GET", searchPath(`/conversations?q=%23${sharedConv}`));
    expect(conversations.body.payload.conversations.map((c: { id: number }) => c.id)).toContain(sharedConv);
    for (const q of ['"', "pine*", "NEAR(a b)", "pineapple OR", "a:b", "^x", "-"]) {
      const res = await call(admin.token, "GET", searchPath(`?q=${encodeURIComponent(q)}`));
      expect([q, res.status]).toEqual([q, 200]);
    }
    expect((await call(admin.token, "GET", searchPath("/messages?q=pineapp"))).body.payload.messages).toEqual([]);
  });

  test("bad input is 422 naming the field; another account is 404", async () => {
    const noQ = await call(admin.token, "GET", searchPath(""));
    expect(noQ.status).toBe(422);
    expect(noQ.body.errors[0].field).toBe("q");
    expect((await call(admin.token, "GET", searchPath("?q=%20"))).body.errors[0].field).toBe("q");
    const badPage = await call(admin.token, "GET", searchPath("?q=pineapple&page=zero"));
    expect(badPage.status).toBe(422);
    expect(badPage.body.errors[0].field).toBe("page");
    const other = await createAdmin(server, { accountName: "Elsewhere" });
    expect((await call(other.token, "GET", searchPath("?q=pineapple"))).status).toBe(404);
  });

  test("pages of 15, newest first, without overlap", async () => {
    const texts = Array.from({ length: 20 }, (_, i) => `kiwi number ${i}`);
    await conversationWith(shared.id, "Kim Kiwi", texts);
    const p1 = await call(admin.token, "GET", searchPath("/messages?q=kiwi"));
    const p2 = await call(admin.token, "GET", searchPath("/messages?q=kiwi&page=2"));
    const p3 = await call(admin.token, "GET", searchPath("/messages?q=kiwi&page=3"));
    expect(p1.body.payload.messages).toHaveLength(15);
    expect(p2.body.payload.messages).toHaveLength(5);
    expect(p3.body.payload.messages).toEqual([]);
    expect(p1.body.payload.messages[0].content).toBe("kiwi number 19");
    const ids = [...p1.body.payload.messages, ...p2.body.payload.messages].map((m: { id: number }) => m.id);
    expect(new Set(ids).size).toBe(20);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
  });
});
