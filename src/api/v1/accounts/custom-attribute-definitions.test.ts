import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createAdmin, createAgent, startTestServer, type TestServer } from "../../../testing/server.ts";
import { accountPath, caller, createApiInbox, createContact, startConversation, type Admin } from "./conversation-test-kit.ts";

let server: TestServer;
let admin: Admin;
let other: Admin;
let agent: Awaited<ReturnType<typeof createAgent>>;
let call: ReturnType<typeof caller>;
let apiInbox: { id: number; inbox_identifier?: string };

beforeAll(async () => {
  server = startTestServer({ PARLEY_PUBLIC_API_RATE_LIMITS: "false" });
  call = caller(server);
  admin = await createAdmin(server, { accountName: "Typed Co" });
  other = await createAdmin(server, { accountName: "Other Co" });
  agent = await createAgent(server, admin, { name: "Ari Agent" });
  apiInbox = await createApiInbox(server, admin);
  const defs: Record<string, unknown>[] = [
    { attribute_display_name: "Seats", attribute_key: "seats", attribute_display_type: "number", attribute_model: "contact_attribute" },
    { attribute_display_name: "MRR", attribute_key: "mrr", attribute_display_type: "currency", attribute_model: "contact_attribute" },
    { attribute_display_name: "Website", attribute_key: "website", attribute_display_type: "link", attribute_model: "contact_attribute" },
    { attribute_display_name: "Renewal", attribute_key: "renewal", attribute_display_type: "date", attribute_model: "contact_attribute" },
    { attribute_display_name: "Plan", attribute_key: "plan", attribute_display_type: "list", attribute_model: "contact_attribute", attribute_values: ["free", "pro", "enterprise"] },
    { attribute_display_name: "VIP", attribute_key: "vip", attribute_display_type: "checkbox", attribute_model: "contact_attribute" },
    { attribute_display_name: "Order", attribute_key: "order_ref", attribute_display_type: "text", attribute_model: "conversation_attribute", regex_pattern: "^ORD-\\d+$", regex_cue: "Order numbers look like ORD-123" },
    { attribute_display_name: "Discount", attribute_key: "discount", attribute_display_type: "percent", attribute_model: "conversation_attribute" },
    { attribute_display_name: "Due", attribute_key: "due", attribute_display_type: "date", attribute_model: "conversation_attribute" },
  ];
  for (const d of defs) expect((await call(admin.token, "POST", defsPath(), { custom_attribute_definition: d })).status).toBe(200);
}, 30_000);
afterAll(() => server.close());

const defsPath = (rest = "") => accountPath(admin.account.id, `/custom_attribute_definitions${rest}`);

describe("custom attribute definitions API", () => {
  test("administrators create, update and delete; agents read; Chatwoot's JSON shape; list filtered by model", async () => {
    const created = await call(admin.token, "POST", defsPath(), {
      custom_attribute_definition: { attribute_display_name: " Tier ", attribute_key: "tier", attribute_display_type: 6, attribute_model: 1, attribute_values: ["gold", "silver", " "], attribute_description: "Support tier" },
    });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      id: expect.any(Number),
      attribute_display_name: "Tier",
      attribute_display_type: "list",
      attribute_description: "Support tier",
      attribute_key: "tier",
      regex_pattern: null,
      regex_cue: null,
      attribute_values: ["gold", "silver"],
      attribute_model: "contact_attribute",
      default_value: null,
      account_id: admin.account.id,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const id = created.body.id;

    const contactDefs = await call(agent.token, "GET", defsPath("?attribute_model=contact_attribute"));
    expect(contactDefs.status).toBe(200);
    expect(contactDefs.body.map((d: { attribute_key: string }) => d.attribute_key)).toEqual(["seats", "mrr", "website", "renewal", "plan", "vip", "tier"]);
    const convDefs = await call(agent.token, "GET", defsPath("?attribute_model=conversation_attribute"));
    expect(convDefs.body.map((d: { attribute_key: string }) => d.attribute_key)).toEqual(["order_ref", "discount", "due"]);
    expect((await call(agent.token, "GET", defsPath())).body).toHaveLength(10);
    expect((await call(agent.token, "GET", defsPath(`/${id}`))).body.attribute_key).toBe("tier");

    expect((await call(agent.token, "POST", defsPath(), { attribute_display_name: "X", attribute_key: "x" })).status).toBe(403);
    expect((await call(agent.token, "PATCH", defsPath(`/${id}`), { attribute_display_name: "Nope" })).status).toBe(403);
    expect((await call(agent.token, "DELETE", defsPath(`/${id}`))).status).toBe(403);

    const updated = await call(admin.token, "PATCH", defsPath(`/${id}`), { custom_attribute_definition: { attribute_display_name: "Support tier", attribute_values: ["gold", "silver", "bronze"] } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id, attribute_display_name: "Support tier", attribute_key: "tier", attribute_values: ["gold", "silver", "bronze"] });
    expect((await call(admin.token, "DELETE", defsPath(`/${id}`))).status).toBe(204);
    expect((await call(admin.token, "GET", defsPath(`/${id}`))).status).toBe(404);
    expect((await call(admin.token, "DELETE", defsPath(`/${id}`))).status).toBe(404);
  });

  test("validation names the field; keys unique per model and account; another account's definitions are 404", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ attribute_key: "k1" }, "attribute_display_name"],
      [{ attribute_display_name: "K" }, "attribute_key"],
      [{ attribute_display_name: "K", attribute_key: "has space" }, "attribute_key"],
      [{ attribute_display_name: "K", attribute_key: "k2", attribute_display_type: "colour" }, "attribute_display_type"],
      [{ attribute_display_name: "K", attribute_key: "k3", attribute_model: "company" }, "attribute_model"],
      [{ attribute_display_name: "K", attribute_key: "k4", attribute_display_type: "list" }, "attribute_values"],
      [{ attribute_display_name: "K", attribute_key: "k5", attribute_display_type: "text", regex_pattern: "([a-z" }, "regex_pattern"],
      [{ attribute_display_name: "K", attribute_key: "email", attribute_model: "contact_attribute" }, "attribute_key"],
      [{ attribute_display_name: "K", attribute_key: "seats", attribute_model: "contact_attribute" }, "attribute_key"],
      [{ attribute_display_name: 5, attribute_key: "k6" }, "attribute_display_name"],
    ];
    for (const [body, field] of cases) {
      const res = await call(admin.token, "POST", defsPath(), body);
      expect({ body, status: res.status }).toEqual({ body, status: 422 });
      expect(res.body.errors[0].field).toBe(field);
    }
    // The same key on the other model is fine; the key format allows dots, hyphens and any letters.
    expect((await call(admin.token, "POST", defsPath(), { attribute_display_name: "Seats", attribute_key: "seats", attribute_model: "conversation_attribute", attribute_display_type: "number" })).status).toBe(200);
    expect((await call(admin.token, "POST", defsPath(), { attribute_display_name: "Größe", attribute_key: "größe.v-2", attribute_model: "contact_attribute" })).status).toBe(200);

    const mine = (await call(admin.token, "GET", defsPath())).body[0].id;
    const theirs = (p: string) => accountPath(other.account.id, `/custom_attribute_definitions${p}`);
    expect((await call(other.token, "GET", theirs(`/${mine}`))).status).toBe(404);
    expect((await call(other.token, "PATCH", theirs(`/${mine}`), { attribute_display_name: "x" })).status).toBe(404);
    expect((await call(other.token, "DELETE", theirs(`/${mine}`))).status).toBe(404);
    expect((await call(other.token, "GET", theirs(""))).body).toEqual([]);
    expect((await call(admin.token, "GET", accountPath(other.account.id, "/custom_attribute_definitions"))).status).toBe(404);
  });
});

describe("custom attribute values are validated by type on every write", () => {
  test("contacts: create and update (API), typed values normalized, free keys accepted", async () => {
    const bad: [Record<string, unknown>, string, string?][] = [
      [{ seats: "many" }, "custom_attributes.seats", "must be a number"],
      [{ mrr: { amount: 1 } }, "custom_attributes.mrr"],
      [{ website: "not a url" }, "custom_attributes.website"],
      [{ website: "javascript:alert(1)" }, "custom_attributes.website"],
      [{ renewal: "next week" }, "custom_attributes.renewal"],
      [{ renewal: "2026-13-45" }, "custom_attributes.renewal"],
      [{ plan: "platinum" }, "custom_attributes.plan", "must be one of free, pro, enterprise"],
      [{ vip: "yes" }, "custom_attributes.vip"],
    ];
    for (const [attrs, field, message] of bad) {
      const res = await call(admin.token, "POST", accountPath(admin.account.id, "/contacts"), { name: "Bad", custom_attributes: attrs });
      expect({ attrs, status: res.status }).toEqual({ attrs, status: 422 });
      expect(res.body.errors[0].field).toBe(field);
      if (message) expect(res.body.errors[0].message).toBe(message);
    }
    const ok = await call(admin.token, "POST", accountPath(admin.account.id, "/contacts"), {
      name: "Good",
      custom_attributes: { seats: "12", mrr: 99.5, website: "https://good.example", renewal: "2026-12-01", plan: "pro", vip: "true", anything: { free: ["form"] } },
    });
    expect(ok.status).toBe(200);
    const contact = ok.body.payload.contact;
    expect(contact.custom_attributes).toEqual({ seats: 12, mrr: 99.5, website: "https://good.example", renewal: "2026-12-01", plan: "pro", vip: true, anything: { free: ["form"] } });

    const upd = await call(agent.token, "PATCH", accountPath(admin.account.id, `/contacts/${contact.id}`), { custom_attributes: { plan: "gold" } });
    expect(upd.status).toBe(422);
    expect(upd.body.errors[0].field).toBe("custom_attributes.plan");
    const cleared = await call(admin.token, "PATCH", accountPath(admin.account.id, `/contacts/${contact.id}`), { custom_attributes: { plan: null, seats: 3 } });
    expect(cleared.status).toBe(200);
    expect(cleared.body.payload.custom_attributes).toMatchObject({ plan: null, seats: 3, vip: true });
  });

  test("conversations: create and POST custom_attributes; text patterns answer with regex_cue", async () => {
    const refused = await call(admin.token, "POST", accountPath(admin.account.id, "/conversations"), {
      inbox_id: apiInbox.id,
      contact_id: (await createContact(server, admin, apiInbox.id)).contact.id,
      custom_attributes: { order_ref: "12345" },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.errors[0]).toEqual({ field: "custom_attributes.order_ref", message: "Order numbers look like ORD-123" });

    const conv = await startConversation(server, admin, apiInbox.id, { custom_attributes: { order_ref: "ORD-9", discount: "15" } });
    expect(conv.custom_attributes).toEqual({ order_ref: "ORD-9", discount: 15 });
    const path = accountPath(admin.account.id, `/conversations/${conv.id}/custom_attributes`);
    const badDate = await call(admin.token, "POST", path, { custom_attributes: { order_ref: "ORD-9", due: "soon" } });
    expect(badDate.status).toBe(422);
    expect(badDate.body.errors[0].field).toBe("custom_attributes.due");
    const badPattern = await call(admin.token, "POST", path, { custom_attributes: { order_ref: "ord 1" } });
    expect(badPattern.body.errors[0]).toEqual({ field: "custom_attributes.order_ref", message: "Order numbers look like ORD-123" });
    const good = await call(admin.token, "POST", path, { custom_attributes: { order_ref: "ORD-10", due: "2026-05-01", note: "free text" } });
    expect(good.status).toBe(200);
    expect(good.body.custom_attributes).toEqual({ order_ref: "ORD-10", due: "2026-05-01", note: "free text" });
  });

  test("a value stored before its definition does not block unrelated writes", async () => {
    const conv = await startConversation(server, admin, apiInbox.id, { custom_attributes: { legacy_score: "high" } });
    const def = await call(admin.token, "POST", defsPath(), { attribute_display_name: "Score", attribute_key: "legacy_score", attribute_display_type: "number" });
    expect(def.status).toBe(200);
    const path = accountPath(admin.account.id, `/conversations/${conv.id}/custom_attributes`);
    expect((await call(admin.token, "POST", path, { custom_attributes: { legacy_score: "high", other: 1 } })).status).toBe(200);
    expect((await call(admin.token, "POST", path, { custom_attributes: { legacy_score: "higher" } })).status).toBe(422);
  });

  test("public client API: contact create/update and conversation create", async () => {
    const pub = (method: string, path: string, json?: unknown) => caller(server)("", method, `/public/api/v1/inboxes/${apiInbox.inbox_identifier}${path}`, json);
    const refused = await pub("POST", "/contacts", { name: "Pub", custom_attributes: { seats: "lots" } });
    expect(refused.status).toBe(422);
    expect(refused.body.errors[0].field).toBe("custom_attributes.seats");
    const created = await pub("POST", "/contacts", { name: "Pub", custom_attributes: { seats: 4 } });
    expect(created.status).toBe(200);
    const sourceId = created.body.source_id;
    const upd = await pub("PATCH", `/contacts/${sourceId}`, { custom_attributes: { vip: "maybe" } });
    expect(upd.status).toBe(422);
    expect(upd.body.errors[0].field).toBe("custom_attributes.vip");
    const conv = await pub("POST", `/contacts/${sourceId}/conversations`, { custom_attributes: { discount: "half" } });
    expect(conv.status).toBe(422);
    expect(conv.body.errors[0].field).toBe("custom_attributes.discount");
    expect((await pub("POST", `/contacts/${sourceId}/conversations`, { custom_attributes: { discount: 50 } })).status).toBe(200);
  });

  test("widget: setUser / contact update and setConversationCustomAttributes", async () => {
    const site = await call(admin.token, "POST", accountPath(admin.account.id, "/inboxes"), { name: "Site", channel: { type: "web_widget", website_url: "https://typed.example" } });
    const token = site.body.website_token;
    const widget = async (method: string, path: string, auth?: string, json?: unknown) => {
      const res = await server.api(`/api/v1/widget/${path}?website_token=${token}`, { method, json, headers: auth ? { "X-Auth-Token": auth } : {} });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    };
    const auth = (await widget("POST", "config")).body.website_channel_config.auth_token;
    const badUser = await widget("PATCH", "contact", auth, { custom_attributes: { plan: "diamond" } });
    expect(badUser.status).toBe(422);
    expect(badUser.body.errors[0].field).toBe("custom_attributes.plan");
    expect((await widget("PATCH", "contact", auth, { custom_attributes: { plan: "free" } })).status).toBe(200);
    await widget("POST", "conversations", auth, { message: { content: "hello" } });
    const bad = await widget("POST", "conversations/set_custom_attributes", auth, { custom_attributes: { order_ref: "nope" } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0]).toEqual({ field: "custom_attributes.order_ref", message: "Order numbers look like ORD-123" });
    const good = await widget("POST", "conversations/set_custom_attributes", auth, { custom_attributes: { order_ref: "ORD-77" } });
    expect(good.status).toBe(200);
    expect(good.body.custom_attributes).toEqual({ order_ref: "ORD-77" });
  });
});

describe("filters on defined custom attributes", () => {
  test("contacts/filter compares by the definition's type and refuses operators that do not fit it", async () => {
    const mk = async (name: string, attrs: Record<string, unknown>) => {
      const res = await call(admin.token, "POST", accountPath(admin.account.id, "/contacts"), { name, custom_attributes: attrs });
      expect(res.status).toBe(200);
    };
    await mk("Nine seats", { seats: 9, renewal: "2026-03-01", plan: "enterprise", vip: false });
    await mk("Eighty seats", { seats: 80, renewal: "2026-06-15", plan: "enterprise", vip: true });
    const filter = async (payload: unknown[]) => call(admin.token, "POST", accountPath(admin.account.id, "/contacts/filter"), { payload });
    const names = (r: { body: { payload: { name: string }[] } }) => r.body.payload.map((c) => c.name).sort();
    // Numeric, not text, comparison: "80" > "10" but also 9 < 10.
    const big = await filter([{ attribute_key: "seats", attribute_model: "customer_attributes", filter_operator: "is_greater_than", values: ["10"] }]);
    expect(big.status).toBe(200);
    expect(names(big)).toContain("Eighty seats");
    expect(names(big)).not.toContain("Nine seats");
    const onDay = await filter([{ attribute_key: "renewal", attribute_model: "customer_attributes", filter_operator: "equal_to", values: ["2026-06-15"] }]);
    expect(names(onDay)).toEqual(["Eighty seats"]);
    const vip = await filter([
      { attribute_key: "plan", attribute_model: "customer_attributes", filter_operator: "equal_to", values: ["enterprise"], query_operator: "and" },
      { attribute_key: "vip", attribute_model: "customer_attributes", filter_operator: "equal_to", values: [true] },
    ]);
    expect(names(vip)).toEqual(["Eighty seats"]);
    const wrongOp = await filter([{ attribute_key: "plan", attribute_model: "customer_attributes", filter_operator: "contains", values: ["ent"] }]);
    expect(wrongOp.status).toBe(422);
    expect(wrongOp.body.errors[0].field).toBe("payload[0].filter_operator");
    const wrongValue = await filter([{ attribute_key: "seats", attribute_model: "customer_attributes", filter_operator: "is_less_than", values: ["ten"] }]);
    expect(wrongValue.status).toBe(422);
    expect(wrongValue.body.errors[0].field).toBe("payload[0].values");
  });

  test("conversations/filter on a defined percent attribute", async () => {
    await startConversation(server, admin, apiInbox.id, { custom_attributes: { discount: 5 } });
    await startConversation(server, admin, apiInbox.id, { custom_attributes: { discount: 40 } });
    const res = await call(admin.token, "POST", accountPath(admin.account.id, "/conversations/filter"), {
      payload: [{ attribute_key: "discount", attribute_model: "conversation_attribute", filter_operator: "is_less_than", values: [20] }],
    });
    expect(res.status).toBe(200);
    const discounts = res.body.payload.map((c: { custom_attributes: { discount: number } }) => c.custom_attributes.discount);
    expect(discounts).toContain(5);
    expect(discounts.every((d: number) => d < 20)).toBe(true);
    const bad = await call(admin.token, "POST", accountPath(admin.account.id, "/conversations/filter"), {
      payload: [{ attribute_key: "discount", attribute_model: "conversation_attribute", filter_operator: "days_before", values: [3] }],
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].field).toBe("payload[0].filter_operator");
  });
});
