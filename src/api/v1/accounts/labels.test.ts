import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createAdmin, createAgent, startTestServer, type TestServer } from "../../../testing/server.ts";
import { accountPath, addInboxMembers, caller, createApiInbox, startConversation, type Admin } from "./conversation-test-kit.ts";

let server: TestServer;
let admin: Admin;
let agent: Awaited<ReturnType<typeof createAgent>>;
let call: ReturnType<typeof caller>;
let inbox: { id: number };

beforeAll(async () => {
  server = startTestServer();
  call = caller(server);
  admin = await createAdmin(server);
  agent = await createAgent(server, admin, { name: "Lou Labeler" });
  inbox = await createApiInbox(server, admin, { enable_auto_assignment: false });
  await addInboxMembers(server, admin, inbox.id, [agent.user.id]);
});
afterAll(() => server.close());

const labels = (rest = "") => accountPath(admin.account.id, `/labels${rest}`);
const conv = (rest = "") => accountPath(admin.account.id, `/conversations${rest}`);

describe("account labels", () => {
  test("administrators create, update and delete; everyone in the account lists and shows", async () => {
    const created = await call(admin.token, "POST", labels(), { label: { title: "Billing-Issue", description: "Money", color: "#ff0000", show_on_sidebar: false } });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({ id: created.body.id, title: "billing-issue", description: "Money", color: "#ff0000", show_on_sidebar: false });
    const flat = await call(admin.token, "POST", labels(), { title: "vip" });
    expect(flat.body).toMatchObject({ title: "vip", color: "#1f93ff", show_on_sidebar: true });

    const list = await call(agent.token, "GET", labels());
    expect(list.status).toBe(200);
    expect(list.body.payload.map((l: { title: string }) => l.title)).toEqual(["billing-issue", "vip"]);
    expect((await call(agent.token, "GET", labels(`/${flat.body.id}`))).body.title).toBe("vip");

    expect((await call(agent.token, "POST", labels(), { title: "nope" })).status).toBe(403);
    expect((await call(agent.token, "PATCH", labels(`/${flat.body.id}`), { color: "#000000" })).status).toBe(403);
    expect((await call(agent.token, "DELETE", labels(`/${flat.body.id}`))).status).toBe(403);

    const updated = await call(admin.token, "PATCH", labels(`/${flat.body.id}`), { label: { description: "Important" } });
    expect(updated.body).toMatchObject({ title: "vip", description: "Important" });
    expect((await call(admin.token, "DELETE", labels(`/${created.body.id}`))).status).toBe(200);
    expect((await call(admin.token, "GET", labels(`/${created.body.id}`))).status).toBe(404);
  });

  test("titles are unique per account and limited to letters, digits, - and _; other accounts' labels are 404", async () => {
    await call(admin.token, "POST", labels(), { title: "unique" });
    const dup = await call(admin.token, "POST", labels(), { title: "UNIQUE" });
    expect(dup.status).toBe(422);
    expect(dup.body.errors[0].field).toBe("title");
    for (const body of [{ title: "two words" }, { title: "" }, { title: 5 }, { title: "ok", color: "red" }, {}]) {
      const res = await call(admin.token, "POST", labels(), body);
      expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), 422]);
    }
    const other = await createAdmin(server, { accountName: "Other" });
    const theirs = await call(other.token, "POST", accountPath(other.account.id, "/labels"), { title: "unique" });
    expect(theirs.status).toBe(200);
    expect((await call(admin.token, "GET", labels(`/${theirs.body.id}`))).status).toBe(404);
    expect((await call(admin.token, "DELETE", labels(`/${theirs.body.id}`))).status).toBe(404);
  });
});

describe("conversation labels", () => {
  test("POST replaces the list, GET returns it, the conversation shows it, activity messages name the change", async () => {
    const c = await startConversation(server, admin, inbox.id);
    const set = await call(agent.token, "POST", conv(`/${c.id}/labels`), { labels: ["billing", "vip"] });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ payload: ["billing", "vip"] });
    const replaced = await call(agent.token, "POST", conv(`/${c.id}/labels`), { labels: ["vip", "refund"] });
    expect(replaced.body.payload).toEqual(["vip", "refund"]);
    expect((await call(agent.token, "GET", conv(`/${c.id}/labels`))).body).toEqual({ payload: ["vip", "refund"] });
    expect((await call(agent.token, "GET", conv(`/${c.id}`))).body.labels).toEqual(["vip", "refund"]);
    const messages = await call(agent.token, "GET", conv(`/${c.id}/messages`));
    expect(messages.body.meta.labels).toEqual(["vip", "refund"]);
    expect(messages.body.payload.filter((m: { message_type: number }) => m.message_type === 2).map((m: { content: string }) => m.content)).toEqual([
      "Lou Labeler added billing, vip",
      "Lou Labeler added refund",
      "Lou Labeler removed billing",
    ]);
    expect((await call(agent.token, "POST", conv(`/${c.id}/labels`), { labels: "vip" })).status).toBe(422);
    expect((await call(agent.token, "POST", conv("/999999/labels"), { labels: [] })).status).toBe(404);
  });

  test("renaming or deleting an account label follows on its conversations", async () => {
    const label = await call(admin.token, "POST", labels(), { title: "old-name" });
    const c = await startConversation(server, admin, inbox.id);
    await call(admin.token, "POST", conv(`/${c.id}/labels`), { labels: ["old-name", "keep"] });
    await call(admin.token, "PATCH", labels(`/${label.body.id}`), { title: "new-name" });
    expect((await call(admin.token, "GET", conv(`/${c.id}/labels`))).body.payload.sort()).toEqual(["keep", "new-name"]);
    expect((await call(admin.token, "GET", conv(`/${c.id}`))).body.labels.sort()).toEqual(["keep", "new-name"]);
    await call(admin.token, "DELETE", labels(`/${label.body.id}`));
    expect((await call(admin.token, "GET", conv(`/${c.id}`))).body.labels).toEqual(["keep"]);
    const listed = await call(admin.token, "GET", conv("?labels[]=new-name"));
    expect(listed.body.data.payload).toHaveLength(0);
  });
});
