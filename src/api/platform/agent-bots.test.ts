import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { DomainEvent } from "../../events/types.ts";
import { startTestServer, TEST_PLATFORM_TOKEN, type TestServer } from "../../testing/server.ts";

let server: TestServer;
beforeAll(() => {
  server = startTestServer();
});
afterAll(() => server.close());

const P = { token: TEST_PLATFORM_TOKEN };
const BASE = "/platform/api/v1/agent_bots";

async function call(method: string, path: string, json?: unknown) {
  const res = await server.api(path, { ...P, method, json });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, text };
}

const FULL = {
  name: "Helper Bot",
  description: "Answers FAQs",
  outgoing_url: "https://bots.example.com/hook",
  avatar_url: "https://cdn.example.com/bot.png",
  bot_type: "webhook",
  bot_config: { greeting: "hi" },
};

describe("POST /platform/api/v1/agent_bots", () => {
  test("creates a global bot with its API access token", async () => {
    const { status, body } = await call("POST", BASE, FULL);
    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(
      ["access_token", "account_id", "bot_config", "bot_type", "description", "id", "name", "outgoing_url", "thumbnail"].sort(),
    );
    expect(body).toMatchObject({
      name: "Helper Bot",
      description: "Answers FAQs",
      outgoing_url: "https://bots.example.com/hook",
      thumbnail: "https://cdn.example.com/bot.png",
      bot_type: "webhook",
      bot_config: { greeting: "hi" },
      account_id: null,
    });
    expect(body.access_token).toMatchObject({ owner_type: "AgentBot", owner_id: body.id });
    expect(body.access_token.token).toMatch(/^[A-Za-z0-9]{24}$/);
  });

  test("only a name is needed", async () => {
    const { status, body } = await call("POST", BASE, { name: "Minimal" });
    expect(status).toBe(200);
    expect(body).toMatchObject({ name: "Minimal", description: null, outgoing_url: null, thumbnail: "", bot_type: "webhook", bot_config: {}, account_id: null });
  });

  test("the bot's token authenticates as the bot (profile needs a user: 403)", async () => {
    const { body } = await call("POST", BASE, { name: "Token Bot" });
    const res = await server.api("/api/v1/profile", { token: body.access_token.token });
    expect(res.status).toBe(403);
    expect((await res.json()).message).toBe("This endpoint needs a user access token");
    expect((await server.api("/api/v1/profile", { token: body.access_token.token + "x" })).status).toBe(401);
  });

  test("may belong to an account", async () => {
    const account = (await call("POST", "/platform/api/v1/accounts", { name: "Bot Home" })).body;
    const { status, body } = await call("POST", BASE, { name: "Account Bot", account_id: account.id });
    expect(status).toBe(200);
    expect(body.account_id).toBe(account.id);
  });

  test("accepts an uploaded avatar (multipart) and serves it as the thumbnail", async () => {
    const png = Uint8Array.from(
      atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="),
      (ch) => ch.charCodeAt(0),
    );
    const form = new FormData();
    form.set("name", "Pictured");
    form.set("avatar", new File([png], "bot.png", { type: "image/png" }));
    const res = await server.api(BASE, { ...P, method: "POST", body: form });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.thumbnail).toMatch(/\/uploads\/avatars\/[A-Za-z0-9]+\.png$/);

    const bad = new FormData();
    bad.set("name", "Scripted");
    bad.set("avatar", new File(["<svg onload=alert(1)>"], "x.svg", { type: "image/svg+xml" }));
    const rejected = await server.api(BASE, { ...P, method: "POST", body: bad });
    expect(rejected.status).toBe(422);
    expect((await rejected.json()).errors[0].field).toBe("avatar");
  });

  test("rejects bad input naming the field", async () => {
    const cases: [unknown, string][] = [
      [{}, "name"],
      [{ name: "" }, "name"],
      [{ name: 7 }, "name"],
      [{ name: "B", outgoing_url: "ftp://example.com/hook" }, "outgoing_url"],
      [{ name: "B", outgoing_url: "not a url" }, "outgoing_url"],
      [{ name: "B", outgoing_url: "javascript:alert(1)" }, "outgoing_url"],
      [{ name: "B", outgoing_url: 5 }, "outgoing_url"],
      [{ name: "B", avatar_url: "file:///etc/passwd" }, "avatar_url"],
      [{ name: "B", bot_type: "csml" }, "bot_type"],
      [{ name: "B", bot_config: "x" }, "bot_config"],
      [{ name: "B", account_id: 999999 }, "account_id"],
      [{ name: "B", account_id: "x" }, "account_id"],
    ];
    for (const [json, field] of cases) {
      const res = await call("POST", BASE, json);
      expect({ json, status: res.status }).toEqual({ json, status: 422 });
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([field]);
    }
    const malformed = await server.api(BASE, { ...P, method: "POST", headers: { "content-type": "application/json" }, body: "nope" });
    expect(malformed.status).toBe(400);
  });
});

describe("GET, PATCH and DELETE /platform/api/v1/agent_bots/{id}", () => {
  test("full lifecycle with events", async () => {
    const seen: DomainEvent[] = [];
    const off = server.deps.bus.onCommitted("*", (e) => {
      if (e.name.startsWith("agent_bot.")) seen.push(e);
    });
    try {
      const created = (await call("POST", BASE, FULL)).body;

      expect(await call("GET", `${BASE}/${created.id}`)).toMatchObject({ status: 200, body: created });
      const list = await call("GET", BASE);
      expect(list.status).toBe(200);
      expect(list.body).toContainEqual(created);

      const patched = await call("PATCH", `${BASE}/${created.id}`, {
        name: "Renamed Bot",
        description: null,
        outgoing_url: "http://localhost:9999/bot",
        bot_config: { greeting: "hello" },
      });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({
        id: created.id,
        name: "Renamed Bot",
        description: null,
        outgoing_url: "http://localhost:9999/bot",
        thumbnail: "https://cdn.example.com/bot.png",
        bot_config: { greeting: "hello" },
        access_token: created.access_token,
      });
      expect((await call("GET", `${BASE}/${created.id}`)).body).toEqual(patched.body);

      const put = await call("PUT", `${BASE}/${created.id}`, { outgoing_url: "" });
      expect(put.status).toBe(200);
      expect(put.body.outgoing_url).toBeNull();

      const avatar = await call("DELETE", `${BASE}/${created.id}/avatar`);
      expect(avatar.status).toBe(200);
      expect(avatar.body.thumbnail).toBe("");

      const deleted = await call("DELETE", `${BASE}/${created.id}`);
      expect(deleted.status).toBe(200);
      expect(deleted.text).toBe("");
      expect(await call("GET", `${BASE}/${created.id}`)).toMatchObject({ status: 404, body: { message: "Agent bot not found" } });
      expect((await call("GET", BASE)).body.map((b: { id: number }) => b.id)).not.toContain(created.id);
      expect((await server.api("/api/v1/profile", { token: created.access_token.token })).status).toBe(401);

      expect(seen.map((e) => [e.name, e.data])).toEqual([
        ["agent_bot.created", { agent_bot_id: created.id, account_id: null }],
        ["agent_bot.updated", { agent_bot_id: created.id, account_id: null }],
        ["agent_bot.updated", { agent_bot_id: created.id, account_id: null }],
        ["agent_bot.updated", { agent_bot_id: created.id, account_id: null }],
        ["agent_bot.deleted", { agent_bot_id: created.id, account_id: null }],
      ]);
    } finally {
      off();
    }
  });

  test("update validates like create", async () => {
    const bot = (await call("POST", BASE, { name: "Strict" })).body;
    for (const [json, field] of [
      [{ name: "" }, "name"],
      [{ outgoing_url: "gopher://x" }, "outgoing_url"],
      [{ bot_type: "rasa" }, "bot_type"],
    ] as const) {
      const res = await call("PATCH", `${BASE}/${bot.id}`, json);
      expect(res.status).toBe(422);
      expect(res.body.errors[0].field).toBe(field);
    }
    expect((await call("GET", `${BASE}/${bot.id}`)).body.name).toBe("Strict");
  });

  test("unknown or malformed ids are 404 JSON", async () => {
    for (const [method, path, json] of [
      ["GET", "/999999"],
      ["PATCH", "/999999", { name: "x" }],
      ["DELETE", "/999999"],
      ["DELETE", "/999999/avatar"],
      ["GET", "/bot-1"],
    ] as const) {
      const res = await call(method, BASE + path, json);
      expect({ method, path, status: res.status }).toEqual({ method, path, status: 404 });
      expect(typeof res.body.message).toBe("string");
    }
  });
});
