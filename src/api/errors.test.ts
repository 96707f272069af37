import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createUser } from "../domain/users/commands.ts";
import { accessTokenOf } from "../domain/users/queries.ts";
import { enqueue } from "../jobs/queue.ts";
import { startTestServer, type TestServer } from "../testing/server.ts";
import { VERSION } from "../version.ts";

const LIMIT = 1024;
let server: TestServer;
let token: string;

beforeAll(() => {
  server = startTestServer({ PARLEY_MAX_JSON_BYTES: String(LIMIT) }, { startJobs: false });
  const user = server.deps.tx((tx) => createUser(tx, { name: "Grace", email: "grace@example.com", passwordHash: null, confirmed: true }));
  token = accessTokenOf(server.deps.db, user.id)!;
});
afterAll(() => server.close());

const put = (body: BodyInit, headers: Record<string, string> = { "content-type": "application/json" }) =>
  server.api("/api/v1/profile", { method: "PUT", token, body, headers });

async function jsonOf(res: Response) {
  expect(res.headers.get("content-type")).toContain("application/json");
  return res.json();
}

describe("malformed and invalid bodies", () => {
  test("malformed JSON → 400 with a JSON message", async () => {
    const res = await put('{"name": "Grace",');
    expect(res.status).toBe(400);
    expect(await jsonOf(res)).toEqual({ message: expect.stringContaining("JSON") });
  });

  test("JSON that is not an object → 400", async () => {
    for (const body of ["[1, 2]", '"text"', "42", "null"]) {
      const res = await put(body);
      expect(res.status).toBe(400);
      expect(await jsonOf(res)).toHaveProperty("message");
    }
  });

  test("wrong types → 422 naming each field", async () => {
    const res = await put(JSON.stringify({ name: 123, availability: "sleeping", ui_settings: "dark" }));
    expect(res.status).toBe(422);
    const body = await jsonOf(res);
    expect(typeof body.message).toBe("string");
    const fields = (body.errors as { field: string; message: string }[]).map((e) => e.field).sort();
    expect(fields).toEqual(["availability", "name", "ui_settings"]);
    for (const e of body.errors) expect(e.message).toBeString();
  });

  test("wrong types nested under profile (Chatwoot's shape) → 422 with the field named", async () => {
    const res = await put(JSON.stringify({ profile: { name: ["not", "a", "string"] } }));
    expect(res.status).toBe(422);
    const body = await jsonOf(res);
    expect(body.errors.map((e: { field: string }) => e.field)).toEqual([expect.stringMatching(/(^|\.)name$/)]);
  });

  test("a rejected request changes nothing", async () => {
    const before = await (await server.api("/api/v1/profile", { token })).json();
    await put(JSON.stringify({ name: "Changed", availability: "sleeping" }));
    const after = await (await server.api("/api/v1/profile", { token })).json();
    expect(after.name).toBe(before.name);
  });
});

describe("body size", () => {
  const big = JSON.stringify({ name: "G", message_signature: "x".repeat(LIMIT * 2) });

  test("a JSON body over PARLEY_MAX_JSON_BYTES → 413 JSON", async () => {
    const res = await put(big);
    expect(res.status).toBe(413);
    expect(await jsonOf(res)).toEqual({ message: "Request body is too large" });
  });

  test("the limit also holds for a streamed body without Content-Length", async () => {
    const bytes = new TextEncoder().encode(big);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 256) controller.enqueue(bytes.slice(i, i + 256));
        controller.close();
      },
    });
    const res = await fetch(server.url + "/api/v1/profile", {
      method: "PUT",
      headers: { api_access_token: token, "content-type": "application/json" },
      body: stream,
      // @ts-expect-error duplex is required by the fetch spec for streamed bodies but missing from the DOM types
      duplex: "half",
    });
    expect(res.status).toBe(413);
    expect(await jsonOf(res)).toEqual({ message: "Request body is too large" });
  });

  test("a body just under the limit is accepted", async () => {
    const body = JSON.stringify({ message_signature: "y".repeat(LIMIT - 100) });
    expect(body.length).toBeLessThan(LIMIT);
    const res = await put(body);
    expect(res.status).toBe(200);
    expect((await res.json()).message_signature).toBe("y".repeat(LIMIT - 100));
  });
});

describe("unknown routes", () => {
  test("→ 404 JSON, whatever the method or prefix", async () => {
    const cases: [string, string][] = [
      ["GET", "/no/such/page"],
      ["GET", "/api/v1/nothing-here"],
      ["POST", "/api/v1/nothing-here"],
      ["DELETE", "/api/v2/accounts/1/reports/nope"],
      ["GET", "/public/api/v1/inboxes/unknown/contacts"],
    ];
    for (const [method, path] of cases) {
      const res = await server.api(path, { method, token });
      expect({ method, path, status: res.status }).toEqual({ method, path, status: 404 });
      expect(await jsonOf(res)).toEqual({ message: expect.any(String) });
    }
  });
});

describe("/health", () => {
  test("has the documented shape and counts pending and dead jobs", async () => {
    const res = await server.api("/health");
    expect(res.status).toBe(200);
    const body = await jsonOf(res);
    expect(body).toEqual({ status: "ok", version: VERSION, db: "ok", jobs: { pending: expect.any(Number), dead: expect.any(Number) } });
    const { pending, dead } = body.jobs;

    server.deps.tx((tx) => {
      enqueue(tx, { kind: "health.test.pending" });
      enqueue(tx, { kind: "health.test.unknown-kind" });
    });
    let after = await (await server.api("/health")).json();
    expect(after.jobs).toEqual({ pending: pending + 2, dead });
    // The second kind has no handler, so running the queue makes it dead; the first one too.
    await server.runner.runUntilEmpty();
    after = await (await server.api("/health")).json();
    expect(after.jobs).toEqual({ pending, dead: dead + 2 });
  });

  test("after all the bad requests above the server still serves /health and real requests", async () => {
    const res = await server.api("/health");
    expect(res.status).toBe(200);
    expect((await res.json()).status).toBe("ok");
    const profile = await server.api("/api/v1/profile", { token });
    expect(profile.status).toBe(200);
    expect((await profile.json()).email).toBe("grace@example.com");
  });
});
