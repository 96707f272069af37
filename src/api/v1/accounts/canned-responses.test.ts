import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createAdmin, createAgent, startTestServer, type TestServer } from "../../../testing/server.ts";
import { accountPath, caller, type Admin } from "./conversation-test-kit.ts";

let server: TestServer;
let admin: Admin;
let agent: Awaited<ReturnType<typeof createAgent>>;
let call: ReturnType<typeof caller>;

beforeAll(async () => {
  server = startTestServer();
  call = caller(server);
  admin = await createAdmin(server);
  agent = await createAgent(server, admin, { name: "Cass Canned" });
}, 30_000);
afterAll(() => server.close());

const canned = (rest = "") => accountPath(admin.account.id, `/canned_responses${rest}`);

describe("canned responses API", () => {
  test("administrators create, update and delete; agents list and search but cannot change", async () => {
    const created = await call(admin.token, "POST", canned(), { canned_response: { short_code: "hello", content: "Hello there, how can we help?" } });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ id: expect.any(Number), account_id: admin.account.id, short_code: "hello", content: "Hello there, how can we help?" });
    expect(typeof created.body.created_at).toBe("string");
    const bare = await call(admin.token, "POST", canned(), { short_code: "bye", content: "Goodbye, hello again soon" });
    expect(bare.status).toBe(200);

    const list = await call(agent.token, "GET", canned());
    expect(list.status).toBe(200);
    expect(list.body.map((r: { short_code: string }) => r.short_code)).toEqual(["bye", "hello"]);
    const search = await call(agent.token, "GET", canned("?search=hel"));
    expect(search.body.map((r: { short_code: string }) => r.short_code)).toEqual(["hello", "bye"]);

    expect((await call(agent.token, "POST", canned(), { short_code: "x", content: "y" })).status).toBe(403);
    expect((await call(agent.token, "PATCH", canned(`/${bare.body.id}`), { content: "nope" })).status).toBe(403);
    expect((await call(agent.token, "DELETE", canned(`/${bare.body.id}`))).status).toBe(403);

    const updated = await call(admin.token, "PATCH", canned(`/${bare.body.id}`), { canned_response: { content: "See you" } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id: bare.body.id, short_code: "bye", content: "See you" });
    expect((await call(admin.token, "DELETE", canned(`/${bare.body.id}`))).status).toBe(200);
    expect((await call(admin.token, "GET", canned())).body.map((r: { id: number }) => r.id)).toEqual([created.body.id]);
    expect((await call(admin.token, "DELETE", canned(`/${bare.body.id}`))).status).toBe(404);
  });

  test("validation names the field; short codes are unique per account; other accounts' records are 404", async () => {
    await call(admin.token, "POST", canned(), { short_code: "unique", content: "one" });
    const dup = await call(admin.token, "POST", canned(), { short_code: "unique", content: "two" });
    expect(dup.status).toBe(422);
    expect(dup.body.errors[0].field).toBe("short_code");
    const cases: [unknown, string][] = [
      [{ short_code: "", content: "x" }, "short_code"],
      [{ short_code: "two words", content: "x" }, "short_code"],
      [{ short_code: "ok" }, "content"],
      [{ short_code: "ok", content: "   " }, "content"],
      [{ short_code: 5, content: "x" }, "short_code"],
    ];
    for (const [body, field] of cases) {
      const res = await call(admin.token, "POST", canned(), body);
      expect([JSON.stringify(body), res.status, res.body.errors?.[0]?.field]).toEqual([JSON.stringify(body), 422, field]);
    }
    const other = await createAdmin(server, { accountName: "Other" });
    const theirs = await call(other.token, "POST", accountPath(other.account.id, "/canned_responses"), { short_code: "unique", content: "theirs" });
    expect(theirs.status).toBe(200);
    expect((await call(admin.token, "PATCH", canned(`/${theirs.body.id}`), { content: "mine" })).status).toBe(404);
    expect((await call(admin.token, "DELETE", canned(`/${theirs.body.id}`))).status).toBe(404);
    expect((await call(admin.token, "GET", canned("?search=theirs"))).body).toEqual([]);
    expect((await call(agent.token, "GET", accountPath(other.account.id, "/canned_responses"))).status).toBe(404);
  });
});
