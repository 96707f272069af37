import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createAdmin, createAgent, startTestServer, type TestServer } from "../../../testing/server.ts";
import { accountPath, caller, type Admin } from "./conversation-test-kit.ts";

let server: TestServer;
let admin: Admin;
let other: Admin;
let agent: Awaited<ReturnType<typeof createAgent>>;
let call: ReturnType<typeof caller>;

beforeAll(async () => {
  server = startTestServer();
  call = caller(server);
  admin = await createAdmin(server, { accountName: "Views Co" });
  other = await createAdmin(server, { accountName: "Elsewhere" });
  agent = await createAgent(server, admin, { name: "Vera Views" });
  const def = await call(admin.token, "POST", accountPath(admin.account.id, "/custom_attribute_definitions"), {
    attribute_display_name: "Tier",
    attribute_key: "tier",
    attribute_display_type: "list",
    attribute_model: "conversation_attribute",
    attribute_values: ["gold", "silver"],
  });
  expect(def.status).toBe(200);
}, 30_000);
afterAll(() => server.close());

const filters = (rest = "") => accountPath(admin.account.id, `/custom_filters${rest}`);
const openQuery = { payload: [{ attribute_key: "status", filter_operator: "equal_to", values: ["open"], query_operator: null }] };

describe("custom filters API", () => {
  test("CRUD of the user's own saved views, listed by filter_type (conversation by default)", async () => {
    const created = await call(agent.token, "POST", filters(), { custom_filter: { name: "Open ones", filter_type: "conversation", query: openQuery } });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({ id: expect.any(Number), name: "Open ones", filter_type: "conversation", query: openQuery, created_at: expect.any(String), updated_at: expect.any(String) });
    const contactView = await call(agent.token, "POST", filters(), {
      name: "Gmail people",
      filter_type: 1,
      query: { payload: [{ attribute_key: "email", filter_operator: "contains", values: ["gmail"] }] },
    });
    expect(contactView.status).toBe(200);
    expect(contactView.body.filter_type).toBe("contact");

    expect((await call(agent.token, "GET", filters())).body.map((f: { name: string }) => f.name)).toEqual(["Open ones"]);
    expect((await call(agent.token, "GET", filters("?filter_type=contact"))).body.map((f: { name: string }) => f.name)).toEqual(["Gmail people"]);
    expect((await call(agent.token, "GET", filters(`/${created.body.id}`))).body.name).toBe("Open ones");

    const renamed = await call(agent.token, "PATCH", filters(`/${created.body.id}`), { custom_filter: { name: "Still open" } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: "Still open", query: openQuery });
    const gold = { payload: [{ attribute_key: "tier", attribute_model: "conversation_attribute", filter_operator: "equal_to", values: ["gold"] }] };
    const requeried = await call(agent.token, "PATCH", filters(`/${created.body.id}`), { query: gold });
    expect(requeried.body.query).toEqual(gold);

    expect((await call(agent.token, "DELETE", filters(`/${contactView.body.id}`))).status).toBe(204);
    expect((await call(agent.token, "GET", filters(`/${contactView.body.id}`))).status).toBe(404);
  });

  test("each user sees only their own views; another account is 404", async () => {
    const mine = await call(admin.token, "POST", filters(), { name: "Admin view", query: openQuery });
    expect(mine.status).toBe(200);
    expect((await call(agent.token, "GET", filters())).body.map((f: { id: number }) => f.id)).not.toContain(mine.body.id);
    expect((await call(agent.token, "GET", filters(`/${mine.body.id}`))).status).toBe(404);
    expect((await call(agent.token, "PATCH", filters(`/${mine.body.id}`), { name: "taken" })).status).toBe(404);
    expect((await call(agent.token, "DELETE", filters(`/${mine.body.id}`))).status).toBe(404);
    expect((await call(admin.token, "GET", filters(`/${mine.body.id}`))).body.name).toBe("Admin view");

    const theirs = (rest: string) => accountPath(other.account.id, `/custom_filters${rest}`);
    expect((await call(other.token, "GET", theirs(`/${mine.body.id}`))).status).toBe(404);
    expect((await call(other.token, "DELETE", theirs(`/${mine.body.id}`))).status).toBe(404);
    expect((await call(admin.token, "GET", theirs(""))).status).toBe(404);
  });

  test("the saved query is validated with the filter engine; 422 names the field", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ query: openQuery }, "name"],
      [{ name: "  ", query: openQuery }, "name"],
      [{ name: "x", filter_type: "board", query: openQuery }, "filter_type"],
      [{ name: "x" }, "query"],
      [{ name: "x", query: { payload: [] } }, "query.payload"],
      [{ name: "x", query: { payload: [{ attribute_key: "nope", filter_operator: "equal_to", values: ["1"] }] } }, "query.payload[0].attribute_key"],
      [{ name: "x", query: { payload: [{ attribute_key: "status", filter_operator: "like", values: ["open"] }] } }, "query.payload[0].filter_operator"],
      [{ name: "x", query: { payload: [{ attribute_key: "status", filter_operator: "equal_to", values: [] }] } }, "query.payload[0].values"],
      [{ name: "x", query: { payload: [{ attribute_key: "tier", attribute_model: "conversation_attribute", filter_operator: "is_greater_than", values: ["a"] }] } }, "query.payload[0].filter_operator"],
      [{ name: "x", filter_type: "contact", query: { payload: [{ attribute_key: "status", filter_operator: "equal_to", values: ["open"] }] } }, "query.payload[0].attribute_key"],
    ];
    for (const [body, field] of cases) {
      const res = await call(agent.token, "POST", filters(), body);
      expect({ body, status: res.status }).toEqual({ body, status: 422 });
      expect(res.body.errors[0].field).toBe(field);
    }
    const view = await call(agent.token, "POST", filters(), { name: "ok", query: openQuery });
    const bad = await call(agent.token, "PATCH", filters(`/${view.body.id}`), { query: { payload: [{ attribute_key: "priority", filter_operator: "equal_to", values: ["huge"] }] } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].field).toMatch(/^query\.payload/);
  });

  test("at most 50 saved views per user per account", async () => {
    const user = await createAgent(server, admin, { name: "Many Views" });
    for (let i = 0; i < 50; i++) expect((await call(user.token, "POST", filters(), { name: `v${i}`, query: openQuery })).status).toBe(200);
    const refused = await call(user.token, "POST", filters(), { name: "one too many", query: openQuery });
    expect(refused.status).toBe(422);
    expect(refused.body.errors[0].field).toBe("custom_filter");
  });
});
