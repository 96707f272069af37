import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createAdmin, createAgent, startTestServer, TEST_PLATFORM_TOKEN, type TestServer } from "../../../testing/server.ts";

let server: TestServer;
type Admin = Awaited<ReturnType<typeof createAdmin>>;
let admin: Admin;
let agent: Awaited<ReturnType<typeof createAgent>>;
let other: Admin;
let apiInbox: { id: number; inbox_identifier: string; hmac_token: string };
let otherInbox: { id: number };

beforeAll(async () => {
  server = startTestServer();
  admin = await createAdmin(server, { accountName: "Acme" });
  agent = await createAgent(server, admin);
  other = await createAdmin(server, { accountName: "Globex" });
  apiInbox = (await call(admin.token, "POST", `/api/v1/accounts/${admin.account.id}/inboxes`, { name: "API Channel", channel: { type: "api", webhook_url: "https://example.com/cb" } })).body;
  otherInbox = (await call(other.token, "POST", `/api/v1/accounts/${other.account.id}/inboxes`, { name: "Theirs", channel: { type: "api" } })).body;
});
afterAll(() => server.close());

async function call(token: string, method: string, path: string, json?: unknown) {
  const res = await server.api(path, { token, method, json });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, type: res.headers.get("content-type") };
}
const path = (rest = "", account: { id: number } = admin.account) => `/api/v1/accounts/${account.id}/contacts${rest}`;
const fields = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);

async function newContact(json: Record<string, unknown>, as: Admin = admin) {
  const res = await call(as.token, "POST", path("", as.account), json);
  if (res.status !== 200) throw new Error(`newContact ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.payload.contact;
}

async function addMember(inboxId: number, userId: number) {
  const res = await call(admin.token, "POST", `/api/v1/accounts/${admin.account.id}/inbox_members`, { inbox_id: inboxId, user_ids: [userId] });
  expect(res.status).toBe(200);
}

async function createRole(permissions: string[]) {
  const res = await call(admin.token, "POST", `/api/v1/accounts/${admin.account.id}/custom_roles`, { name: `Role ${permissions.join("+") || "none"}`, permissions });
  expect(res.status).toBe(200);
  return res.body.id as number;
}

/** A conversation through the conversations API; returns its display id. */
async function createConversation(contactId: number, inboxId: number = apiInbox.id, as: Admin = admin): Promise<number> {
  const res = await call(as.token, "POST", `/api/v1/accounts/${as.account.id}/conversations`, { contact_id: contactId, inbox_id: inboxId });
  if (res.status !== 200) throw new Error(`createConversation ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

/** A message with one attachment in a conversation; returns the attachment's file path under the data dir. */
async function attachFile(displayId: number): Promise<string> {
  const form = new FormData();
  form.append("content", "file attached");
  form.append("attachments[]", new File(["%PDF-1.4 test"], "doc.pdf", { type: "application/pdf" }));
  const res = await server.api(`/api/v1/accounts/${admin.account.id}/conversations/${displayId}/messages`, { token: admin.token, method: "POST", body: form });
  expect(res.status).toBe(200);
  const { id } = (await res.json()).attachments[0];
  const row = server.deps.db.$client.query("SELECT storage_key FROM attachments WHERE id = ?").get(id) as { storage_key: string };
  const file = `${server.dataDir}/uploads/${row.storage_key}`;
  expect(await Bun.file(file).exists()).toBe(true);
  return file;
}

describe("API-channel article, step 1: create a contact with the inbox id", () => {
  test("opens a session in the inbox: contact_inboxes[0].source_id and the inbox", async () => {
    const { status, body } = await call(admin.token, "POST", path(), { name: "Pranav", email: "Pranav@Example.com", phone_number: "+14155552671", inbox_id: apiInbox.id });
    expect(status).toBe(200);
    const { contact, contact_inbox } = body.payload;
    expect(contact).toMatchObject({ name: "Pranav", email: "pranav@example.com", phone_number: "+14155552671", availability_status: "offline", blocked: false, thumbnail: "" });
    expect(typeof contact.id).toBe("number");
    expect(typeof contact.created_at).toBe("number");
    expect(contact.contact_inboxes).toHaveLength(1);
    const session = contact.contact_inboxes[0];
    expect(session.source_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(session.inbox).toMatchObject({ id: apiInbox.id, name: "API Channel", channel_type: "Channel::Api", inbox_identifier: apiInbox.inbox_identifier });
    expect(contact_inbox.source_id).toBe(session.source_id);
    expect(contact_inbox.inbox).toMatchObject({ id: apiInbox.id });
  });

  test("takes a given source_id; without inbox_id there is no session", async () => {
    const { body } = await call(admin.token, "POST", path(), { name: "Own session", inbox_id: String(apiInbox.id), source_id: "my-session-1" });
    expect(body.payload.contact.contact_inboxes[0].source_id).toBe("my-session-1");
    const bare = await call(admin.token, "POST", path(), { name: "No session" });
    expect(bare.status).toBe(200);
    expect(bare.body.payload.contact.contact_inboxes).toEqual([]);
    expect(bare.body.payload.contact_inbox).toEqual({ inbox: null, source_id: null });
  });
});

describe("POST /contacts validation", () => {
  test("422 naming the field", async () => {
    await newContact({ name: "Taken", email: "taken@example.com", identifier: "ext-taken", phone_number: "+4915112345678" });
    const cases: [unknown, string][] = [
      [{ email: "not-an-email" }, "email"],
      [{ email: "TAKEN@example.com" }, "email"],
      [{ identifier: "ext-taken" }, "identifier"],
      [{ phone_number: "+4915112345678" }, "phone_number"],
      [{ phone_number: "0151 123" }, "phone_number"],
      [{ phone_number: "+0123" }, "phone_number"],
      [{ name: "x".repeat(256) }, "name"],
      [{ name: ["array"] }, "name"],
      [{ custom_attributes: "nope" }, "custom_attributes"],
      [{ additional_attributes: [1, 2] }, "additional_attributes"],
      [{ blocked: "maybe" }, "blocked"],
      [{ inbox_id: "abc" }, "inbox_id"],
      [{ avatar_url: "javascript:alert(1)" }, "avatar_url"],
    ];
    for (const [json, field] of cases) {
      const res = await call(admin.token, "POST", path(), json);
      expect({ json, status: res.status }).toEqual({ json, status: 422 });
      expect(fields(res.body)).toContain(field);
    }
  });

  test("another account's inbox is 404; malformed JSON 400; nothing is half-created", async () => {
    const res = await call(admin.token, "POST", path(), { name: "Ghost", email: "ghost@example.com", inbox_id: otherInbox.id });
    expect(res.status).toBe(404);
    const search = await call(admin.token, "GET", path("/search?q=ghost@example.com"));
    expect(search.body.payload).toEqual([]);
    const bad = await server.api(path(), { token: admin.token, method: "POST", body: "{nope", headers: { "content-type": "application/json" } });
    expect(bad.status).toBe(400);
  });

  test("HTML and script content is stored verbatim and returned as JSON", async () => {
    const evil = `<script>alert("x")</script><img src=x onerror=alert(1)>`;
    const c = await newContact({ name: evil, custom_attributes: { note: evil, nested: { deep: [evil] } }, additional_attributes: { company_name: "<b>Bold</b> & Co" } });
    const shown = await call(admin.token, "GET", path(`/${c.id}`));
    expect(shown.type).toContain("application/json");
    expect(shown.body.payload).toMatchObject({ name: evil, custom_attributes: { note: evil, nested: { deep: [evil] } }, additional_attributes: { company_name: "<b>Bold</b> & Co" } });
  });
});

describe("GET/PUT/PATCH/DELETE /contacts/:id", () => {
  test("show includes contact_inboxes; another account's id and unknown ids are 404", async () => {
    const c = await newContact({ name: "Shown", email: "shown@example.com", inbox_id: apiInbox.id });
    const res = await call(agent.token, "GET", path(`/${c.id}`));
    expect(res.status).toBe(200);
    expect(res.body.payload).toMatchObject({ id: c.id, name: "Shown", email: "shown@example.com" });
    expect(res.body.payload.contact_inboxes[0].inbox).not.toHaveProperty("hmac_token");
    const asAdmin = await call(admin.token, "GET", path(`/${c.id}`));
    expect(asAdmin.body.payload.contact_inboxes[0].inbox.hmac_token).toBe(apiInbox.hmac_token);
    expect((await call(other.token, "GET", path(`/${c.id}`, other.account))).status).toBe(404);
    expect((await call(other.token, "GET", path(`/${c.id}`))).status).toBe(404);
    expect((await call(admin.token, "GET", path("/987654"))).status).toBe(404);
    expect((await call(admin.token, "GET", path("/x1"))).status).toBe(404);
  });

  test("update replaces attributes and merges custom and additional attributes (PUT and PATCH)", async () => {
    const c = await newContact({ name: "Before", custom_attributes: { plan: "free", seats: 1 }, additional_attributes: { city: "Oslo" } });
    const put = await call(admin.token, "PUT", path(`/${c.id}`), { name: "After", email: "after@example.com", custom_attributes: { plan: "pro" }, blocked: true });
    expect(put.status).toBe(200);
    expect(put.body.payload).toMatchObject({ name: "After", email: "after@example.com", blocked: true, custom_attributes: { plan: "pro", seats: 1 }, additional_attributes: { city: "Oslo" } });
    const patch = await call(agent.token, "PATCH", path(`/${c.id}`), { additional_attributes: { company_name: "Initech" }, phone_number: "" });
    expect(patch.status).toBe(200);
    expect(patch.body.payload).toMatchObject({ name: "After", phone_number: null, additional_attributes: { city: "Oslo", company_name: "Initech" } });
    const dup = await call(admin.token, "PATCH", path(`/${c.id}`), { email: "shown@example.com" });
    expect(dup.status).toBe(422);
    expect(fields(dup.body)).toEqual(["email"]);
    expect((await call(admin.token, "PATCH", path(`/${c.id}`), { email: "after@example.com" })).status).toBe(200);
    expect((await call(other.token, "PATCH", path(`/${c.id}`, other.account), { name: "stolen" })).status).toBe(404);
  });

  test("destroy_custom_attributes removes keys; DELETE avatar forgets it; include_contact_inboxes=false", async () => {
    const c = await newContact({ name: "Attrs", avatar_url: "https://cdn.example.com/a.png", custom_attributes: { a: 1, b: 2, c: 3 }, inbox_id: apiInbox.id });
    expect(c.thumbnail).toBe("https://cdn.example.com/a.png");
    const res = await call(agent.token, "POST", path(`/${c.id}/destroy_custom_attributes`), { custom_attributes: ["a", "c", "missing"] });
    expect(res.status).toBe(200);
    expect(res.body.payload.custom_attributes).toEqual({ b: 2 });
    expect(res.body.payload.contact_inboxes).toHaveLength(1);
    const bad = await call(admin.token, "POST", path(`/${c.id}/destroy_custom_attributes`), { custom_attributes: "a" });
    expect(fields(bad.body)).toEqual(["custom_attributes"]);
    const avatar = await call(admin.token, "DELETE", path(`/${c.id}/avatar`));
    expect(avatar.status).toBe(200);
    expect(avatar.body.payload.thumbnail).toBe("");
    expect(avatar.body.payload).not.toHaveProperty("contact_inboxes");
    const slim = await call(admin.token, "GET", path(`/${c.id}?include_contact_inboxes=false`));
    expect(slim.body.payload).not.toHaveProperty("contact_inboxes");
    expect((await call(other.token, "POST", path(`/${c.id}/destroy_custom_attributes`, other.account), { custom_attributes: ["b"] })).status).toBe(404);
  });

  test("only administrators delete; the contact's sessions and conversations go with it", async () => {
    const c = await newContact({ name: "Leaving", email: "leaving@example.com", inbox_id: apiInbox.id });
    const displayId = await createConversation(c.id);
    const file = await attachFile(displayId);
    await call(admin.token, "POST", path(`/${c.id}/labels`), { labels: ["vip"] });
    expect((await call(agent.token, "DELETE", path(`/${c.id}`))).status).toBe(403);
    expect((await call(other.token, "DELETE", path(`/${c.id}`, other.account))).status).toBe(404);
    const res = await call(admin.token, "DELETE", path(`/${c.id}`));
    expect(res.status).toBe(200);
    expect((await call(admin.token, "GET", path(`/${c.id}`))).status).toBe(404);
    const db = server.deps.db.$client;
    expect((await call(admin.token, "GET", `/api/v1/accounts/${admin.account.id}/conversations/${displayId}`)).status).toBe(404);
    expect(await Bun.file(file).exists()).toBe(false);
    expect(db.query("SELECT count(*) n FROM contact_inboxes WHERE contact_id = ?").get(c.id)).toEqual({ n: 0 });
    expect(db.query("SELECT count(*) n FROM taggings WHERE taggable_type = 'Contact' AND taggable_id = ?").get(c.id)).toEqual({ n: 0 });
    expect((await call(admin.token, "DELETE", path(`/${c.id}`))).status).toBe(404);
  });

  test("events: contact.created, contact.updated with changed_attributes, contact.deleted", async () => {
    const seen: { name: string; data: Record<string, unknown> }[] = [];
    const off = server.deps.bus.onCommitted("*", (e) => {
      if (e.name.startsWith("contact.")) seen.push({ name: e.name, data: e.data as Record<string, unknown> });
    });
    try {
      const c = await newContact({ name: "Evented" });
      await call(admin.token, "PATCH", path(`/${c.id}`), { name: "Evented 2", custom_attributes: { a: 1 } });
      await call(admin.token, "PATCH", path(`/${c.id}`), { name: "Evented 2" });
      await call(admin.token, "DELETE", path(`/${c.id}`));
      expect(seen.map((e) => e.name)).toEqual(["contact.created", "contact.updated", "contact.deleted"]);
      expect(seen[1].data.changed_attributes).toEqual({
        name: { previous_value: "Evented", current_value: "Evented 2" },
        custom_attributes: { previous_value: {}, current_value: { a: 1 } },
      });
      expect(seen[2].data.snapshot).toMatchObject({ id: c.id, name: "Evented 2", account: { id: admin.account.id } });
    } finally {
      off();
    }
  });
});

describe("GET /contacts: pagination, sorting, resolved contacts, labels", () => {
  let acct: Admin;
  beforeAll(async () => {
    acct = await createAdmin(server, { accountName: "Listing" });
    for (let i = 0; i < 32; i++) {
      await newContact({ name: `Person ${String(i).padStart(2, "0")}`, email: `p${i}@example.com`, ...(i % 2 ? { phone_number: `+1555000${String(i).padStart(4, "0")}` } : {}) }, acct);
    }
    await newContact({ name: "Anonymous visitor" }, acct);
  });

  test("15 per page with meta count and current_page; only contacts with email, phone or identifier", async () => {
    const p1 = await call(acct.token, "GET", path("", acct.account));
    expect(p1.status).toBe(200);
    expect(p1.body.meta).toEqual({ count: 32, current_page: 1 });
    expect(p1.body.payload).toHaveLength(15);
    const p3 = await call(acct.token, "GET", path("?page=3", acct.account));
    expect(p3.body.meta).toEqual({ count: 32, current_page: 3 });
    expect(p3.body.payload).toHaveLength(2);
    const all = [...p1.body.payload, ...(await call(acct.token, "GET", path("?page=2", acct.account))).body.payload, ...p3.body.payload];
    expect(new Set(all.map((c: { id: number }) => c.id)).size).toBe(32);
    expect(all.map((c: { name: string }) => c.name)).not.toContain("Anonymous visitor");
    expect((await call(acct.token, "GET", path("?page=4", acct.account))).body.payload).toEqual([]);
  });

  test("sort by name, -name, phone_number and created_at; bad sort or page is 422", async () => {
    const asc = (await call(acct.token, "GET", path("?sort=name", acct.account))).body.payload.map((c: { name: string }) => c.name);
    expect(asc[0]).toBe("Person 00");
    expect(asc).toEqual([...asc].sort());
    const desc = (await call(acct.token, "GET", path("?sort=-name", acct.account))).body.payload.map((c: { name: string }) => c.name);
    expect(desc[0]).toBe("Person 31");
    const phones = (await call(acct.token, "GET", path("?sort=phone_number", acct.account))).body.payload.map((c: { phone_number: string | null }) => c.phone_number);
    expect(phones[0]).toBe("+15550000001");
    expect(phones.slice(0, 15).every((p: string | null) => p !== null)).toBe(true);
    const newest = (await call(acct.token, "GET", path("?sort=-created_at", acct.account))).body.payload;
    expect(newest[0].created_at).toBeGreaterThanOrEqual(newest[14].created_at);
    for (const q of ["?sort=password", "?sort=name;drop", "?page=0", "?page=-1", "?page=abc"]) {
      const res = await call(acct.token, "GET", path(q, acct.account));
      expect({ q, status: res.status }).toEqual({ q, status: 422 });
    }
  });

  test("labels[] narrows the list; include_contact_inboxes=false leaves sessions out", async () => {
    const first = (await call(acct.token, "GET", path("?sort=name", acct.account))).body.payload[0];
    await call(acct.token, "POST", path(`/${first.id}/labels`, acct.account), { labels: ["vip", "beta"] });
    const res = await call(acct.token, "GET", path("?labels[]=vip&include_contact_inboxes=false", acct.account));
    expect(res.body.meta.count).toBe(1);
    expect(res.body.payload[0].id).toBe(first.id);
    expect(res.body.payload[0]).not.toHaveProperty("contact_inboxes");
  });

  test("another account sees none of these contacts", async () => {
    const res = await call(other.token, "GET", path("?sort=name", other.account));
    expect(res.body.payload.map((c: { name: string }) => c.name)).not.toContain("Person 00");
    expect((await call(other.token, "GET", path("", acct.account))).status).toBe(404);
  });
});

describe("GET /contacts/search", () => {
  let acct: Admin;
  beforeAll(async () => {
    acct = await createAdmin(server, { accountName: "Searching" });
    await newContact({ name: "Jürgen Müller", email: "jm@muller.de", phone_number: "+4930123456", identifier: "crm-777", additional_attributes: { company_name: "Müller GmbH" } }, acct);
    await newContact({ name: "Jane Smith", email: "jane.smith@example.com", phone_number: "+14155550100", identifier: "crm-100" }, acct);
    await newContact({ name: "John Smithers", email: "john@other.org" }, acct);
    await newContact({ name: "Xi", email: "xi@example.com" }, acct);
    await newContact({ name: "Percent 100% literal", email: "pct@example.com" }, acct);
  });
  const names = (res: { body: { payload: { name: string }[] } }) => res.body.payload.map((c) => c.name).sort();
  const search = (q: string, extra = "") => call(acct.token, "GET", path(`/search?q=${encodeURIComponent(q)}${extra}`, acct.account));

  test("substring of name, email, phone, identifier or company, case-insensitively", async () => {
    expect(names(await search("smith"))).toEqual(["Jane Smith", "John Smithers"]);
    expect(names(await search("SMITH"))).toEqual(["Jane Smith", "John Smithers"]);
    expect(names(await search("other.org"))).toEqual(["John Smithers"]);
    expect(names(await search("5550100"))).toEqual(["Jane Smith"]);
    expect(names(await search("crm-7"))).toEqual(["Jürgen Müller"]);
    expect(names(await search("GmbH"))).toEqual(["Jürgen Müller"]);
    expect(names(await search("muller"))).toEqual(["Jürgen Müller"]);
    expect(names(await search("Xi"))).toEqual(["Xi"]);
    expect(names(await search("100%"))).toEqual(["Percent 100% literal"]);
    expect(names(await search('"; DROP TABLE contacts; --'))).toEqual([]);
    expect(names(await search("nobody-here"))).toEqual([]);
    const res = await search("smith");
    expect(res.body.meta).toEqual({ count: 2, current_page: 1 });
    expect(res.body.payload[0].contact_inboxes).toEqual([]);
  });

  test("a numeric q also matches the contact id; results follow sort", async () => {
    const jane = (await search("jane")).body.payload[0];
    expect((await search(String(jane.id))).body.payload.map((c: { id: number }) => c.id)).toContain(jane.id);
    expect((await search("smith", "&sort=-name")).body.payload.map((c: { name: string }) => c.name)).toEqual(["John Smithers", "Jane Smith"]);
  });

  test("stays in step with updates and deletes", async () => {
    const c = await newContact({ name: "Renamed Before", email: "rename@example.com" }, acct);
    await call(acct.token, "PATCH", path(`/${c.id}`, acct.account), { name: "Zanzibar Quux" });
    expect(names(await search("Renamed"))).toEqual([]);
    expect(names(await search("zanzibar"))).toEqual(["Zanzibar Quux"]);
    await call(acct.token, "DELETE", path(`/${c.id}`, acct.account));
    expect(names(await search("zanzibar"))).toEqual([]);
  });

  test("blank q is 422 naming q; other accounts' contacts are not found", async () => {
    const res = await call(acct.token, "GET", path("/search", acct.account));
    expect(res.status).toBe(422);
    expect(fields(res.body)).toEqual(["q"]);
    expect((await call(other.token, "GET", path("/search?q=smith", other.account))).body.payload).toEqual([]);
  });

  test("paginates 15 per page", async () => {
    const many = await createAdmin(server, { accountName: "Many" });
    for (let i = 0; i < 17; i++) await newContact({ name: `Common Name ${i}`, email: `c${i}@x.io` }, many);
    const p1 = await call(many.token, "GET", path("/search?q=common", many.account));
    const p2 = await call(many.token, "GET", path("/search?q=common&page=2", many.account));
    expect(p1.body.meta).toEqual({ count: 17, current_page: 1 });
    expect(p1.body.payload).toHaveLength(15);
    expect(p2.body.payload).toHaveLength(2);
  });
});

describe("POST /contacts/filter", () => {
  let acct: Admin;
  const ids: Record<string, number> = {};
  beforeAll(async () => {
    acct = await createAdmin(server, { accountName: "Filtering" });
    ids.ann = (await newContact({ name: "Ann", email: "ann@alpha.io", phone_number: "+4915100000001", identifier: "A-1", custom_attributes: { plan: "pro", seats: 12, trial: false, signed_up: "2024-03-01" }, additional_attributes: { city: "Berlin", company_name: "Alpha", country_code: "de" } }, acct)).id;
    ids.bob = (await newContact({ name: "Bob", email: "bob@beta.io", phone_number: "+14155550001", custom_attributes: { plan: "free", seats: 2, trial: true }, additional_attributes: { city: "Boston" }, blocked: true }, acct)).id;
    ids.cid = (await newContact({ name: "Cid", phone_number: "+4915100000002", custom_attributes: { plan: "PRO" } }, acct)).id;
    ids.dee = (await newContact({ name: "Dee", email: "dee@alpha.io" }, acct)).id;
    await call(acct.token, "POST", path(`/${ids.ann}/labels`, acct.account), { labels: ["vip"] });
    await call(acct.token, "POST", path(`/${ids.dee}/labels`, acct.account), { labels: ["churn-risk"] });
    // An old contact, for the date operators.
    server.deps.db.$client.query("UPDATE contacts SET created_at = ?, last_activity_at = ? WHERE id = ?").run(Date.parse("2020-01-15T12:00:00Z"), Date.parse("2020-01-20T12:00:00Z"), ids.dee);
  });
  const filter = async (payload: unknown, query = "") => call(acct.token, "POST", path(`/filter${query}`, acct.account), { payload });
  const found = async (payload: unknown) => {
    const res = await filter(payload);
    expect(res.status).toBe(200);
    return res.body.payload.map((c: { name: string }) => c.name).sort();
  };
  const cond = (attribute_key: string, filter_operator: string, values: unknown, query_operator: string | null = null, extra = {}) => ({ attribute_key, filter_operator, values, query_operator, ...extra });

  test("standard attributes and operators", async () => {
    expect(await found([cond("name", "equal_to", ["ann"])])).toEqual(["Ann"]);
    expect(await found([cond("name", "not_equal_to", ["ann"])])).toEqual(["Bob", "Cid", "Dee"]);
    expect(await found([cond("email", "contains", ["ALPHA"])])).toEqual(["Ann", "Dee"]);
    expect(await found([cond("email", "does_not_contain", ["alpha"])])).toEqual(["Bob", "Cid"]);
    expect(await found([cond("email", "not_equal_to", ["ann@alpha.io"])])).toEqual(["Bob", "Cid", "Dee"]);
    expect(await found([cond("phone_number", "starts_with", ["+49"])])).toEqual(["Ann", "Cid"]);
    expect(await found([cond("phone_number", "equal_to", ["14155550001"])])).toEqual(["Bob"]);
    expect(await found([cond("identifier", "equal_to", ["a-1"])])).toEqual(["Ann"]);
    expect(await found([cond("city", "contains", ["bo"])])).toEqual(["Bob"]);
    expect(await found([cond("company", "equal_to", ["alpha"])])).toEqual(["Ann"]);
    expect(await found([cond("country_code", "equal_to", ["DE"])])).toEqual(["Ann"]);
    expect(await found([cond("blocked", "equal_to", [true])])).toEqual(["Bob"]);
    expect(await found([cond("blocked", "not_equal_to", ["true"])])).toEqual(["Ann", "Cid", "Dee"]);
    expect(await found([cond("labels", "equal_to", ["vip"])])).toEqual(["Ann"]);
    expect(await found([cond("labels", "not_equal_to", ["vip"])])).toEqual(["Bob", "Cid", "Dee"]);
    expect(await found([cond("labels", "is_present", [])])).toEqual(["Ann", "Dee"]);
    expect(await found([cond("labels", "is_not_present", null)])).toEqual(["Bob", "Cid"]);
  });

  test("dates: is_greater_than, is_less_than, days_before", async () => {
    expect(await found([cond("created_at", "is_less_than", ["2021-01-01"])])).toEqual(["Dee"]);
    expect(await found([cond("created_at", "is_greater_than", ["2021-01-01"])])).toEqual(["Ann", "Bob", "Cid"]);
    expect(await found([cond("created_at", "is_greater_than", ["2020-01-15"])])).toEqual(["Ann", "Bob", "Cid"]);
    expect(await found([cond("created_at", "is_greater_than", ["2020-01-14"])])).toEqual(["Ann", "Bob", "Cid", "Dee"]);
    expect(await found([cond("last_activity_at", "days_before", [30])])).toEqual(["Dee"]);
    expect(await found([cond("created_at", "days_before", ["1"])])).toEqual(["Dee"]);
  });

  test("custom attributes (attribute_model customer_attributes)", async () => {
    const custom = { attribute_model: "customer_attributes" };
    expect(await found([cond("plan", "equal_to", ["pro"], null, custom)])).toEqual(["Ann", "Cid"]);
    expect(await found([cond("plan", "not_equal_to", ["pro"], null, custom)])).toEqual(["Bob", "Dee"]);
    expect(await found([cond("seats", "is_greater_than", ["5"], null, custom)])).toEqual(["Ann"]);
    expect(await found([cond("seats", "is_less_than", [5], null, custom)])).toEqual(["Bob"]);
    expect(await found([cond("trial", "equal_to", [true], null, custom)])).toEqual(["Bob"]);
    expect(await found([cond("trial", "equal_to", ["false"], null, custom)])).toEqual(["Ann"]);
    expect(await found([cond("plan", "is_present", [], null, custom)])).toEqual(["Ann", "Bob", "Cid"]);
    expect(await found([cond("plan", "is_not_present", [], null, custom)])).toEqual(["Dee"]);
    expect(await found([cond("signed_up", "is_greater_than", ["2024-01-01"], null, { custom_attribute_type: "date" })])).toEqual(["Ann"]);
  });

  test("query_operator joins conditions; AND binds tighter than OR", async () => {
    expect(await found([cond("email", "contains", ["alpha"], "AND"), cond("name", "equal_to", ["dee"])])).toEqual(["Dee"]);
    expect(await found([cond("name", "equal_to", ["bob"], "or"), cond("name", "equal_to", ["cid"])])).toEqual(["Bob", "Cid"]);
    // bob OR (cid AND email contains ".io") → Bob only, because Cid has no email.
    expect(await found([cond("name", "equal_to", ["bob"], "OR"), cond("name", "equal_to", ["cid"], "AND"), cond("email", "contains", [".io"])])).toEqual(["Bob"]);
    expect(await found([cond("name", "equal_to", ["bob"], "OR"), cond("name", "equal_to", ["cid"], "AND"), cond("phone_number", "starts_with", ["+49"])])).toEqual(["Bob", "Cid"]);
    const res = await filter([cond("name", "contains", ["d"])]);
    expect(res.body.meta).toEqual({ count: 2, current_page: 1 });
  });

  test("rejects unknown keys and operators naming payload[i]; injection attempts stay data", async () => {
    const bad: [unknown, string][] = [
      [[cond("name", "equal_to", ["x"], "AND"), cond("password", "equal_to", ["x"])], "payload[1].attribute_key"],
      [[cond("name); DROP TABLE contacts; --", "equal_to", ["x"])], "payload[0].attribute_key"],
      [[cond("plan' OR '1'='1", "equal_to", ["x"], null, { attribute_model: "customer_attributes" })], "payload[0].attribute_key"],
      [[cond('a"].b', "equal_to", ["x"], null, { attribute_model: "customer_attributes" })], "payload[0].attribute_key"],
      [[cond("name", "is_greater_than", ["x"])], "payload[0].filter_operator"],
      [[cond("name", "LIKE", ["x"])], "payload[0].filter_operator"],
      [[cond("name", "equal_to", ["x"], "AND 1=1 --"), cond("name", "equal_to", ["y"])], "payload[0].query_operator"],
      [[cond("name", "equal_to", [])], "payload[0].values"],
      [[cond("created_at", "is_less_than", ["yesterday"])], "payload[0].values"],
      [[cond("blocked", "equal_to", ["perhaps"])], "payload[0].values"],
      [[{ filter_operator: "equal_to", values: ["x"] }], "payload[0].attribute_key"],
      [["not an object"], "payload[0]"],
      [[cond("name", "equal_to", [{ $gt: "" }])], "payload[0].values"],
      [[], "payload"],
      ["name = 1", "payload"],
    ];
    for (const [payload, field] of bad) {
      const res = await filter(payload);
      expect({ payload, status: res.status }).toEqual({ payload, status: 422 });
      expect(fields(res.body)).toContain(field);
    }
    expect(await found([cond("name", "equal_to", ["' OR '1'='1"])])).toEqual([]);
    expect(await found([cond("name", "contains", ["%"])])).toEqual([]);
    expect(await found([cond("email", "contains", ["_"])])).toEqual([]);
    expect((await call(acct.token, "GET", path("?sort=name", acct.account))).body.meta.count).toBe(4);
  });

  test("another account's contacts never match", async () => {
    const res = await call(other.token, "POST", path("/filter", other.account), { payload: [cond("name", "equal_to", ["ann"])] });
    expect(res.status).toBe(200);
    expect(res.body.payload).toEqual([]);
  });
});

describe("contact_inboxes, contactable_inboxes, conversations", () => {
  test("POST /contacts/:id/contact_inboxes opens a session; source_id unique per inbox", async () => {
    const c = await newContact({ name: "Sessions" });
    const res = await call(admin.token, "POST", path(`/${c.id}/contact_inboxes`), { inbox_id: apiInbox.id });
    expect(res.status).toBe(200);
    expect(res.body.source_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.inbox).toMatchObject({ id: apiInbox.id, channel_type: "Channel::Api" });
    const own = await call(admin.token, "POST", path(`/${c.id}/contact_inboxes`), { inbox_id: apiInbox.id, source_id: "session-xyz" });
    expect(own.body.source_id).toBe("session-xyz");
    const again = await call(admin.token, "POST", path(`/${c.id}/contact_inboxes`), { inbox_id: apiInbox.id, source_id: "session-xyz" });
    expect(again.status).toBe(200);
    const d = await newContact({ name: "Other person" });
    const clash = await call(admin.token, "POST", path(`/${d.id}/contact_inboxes`), { inbox_id: apiInbox.id, source_id: "session-xyz" });
    expect(clash.status).toBe(422);
    expect(fields(clash.body)).toEqual(["source_id"]);
    expect((await call(admin.token, "POST", path(`/${c.id}/contact_inboxes`), { inbox_id: otherInbox.id })).status).toBe(404);
    const missing = await call(admin.token, "POST", path(`/${c.id}/contact_inboxes`), {});
    expect(missing.status).toBe(422);
    expect(fields(missing.body)).toEqual(["inbox_id"]);
    const shown = await call(admin.token, "GET", path(`/${c.id}`));
    expect(shown.body.payload.contact_inboxes.map((s: { source_id: string }) => s.source_id)).toEqual([res.body.source_id, "session-xyz"]);
  });

  test("agents open sessions only in inboxes they are members of", async () => {
    const inbox = (await call(admin.token, "POST", `/api/v1/accounts/${admin.account.id}/inboxes`, { name: "Members only", channel: { type: "api" } })).body;
    const c = await newContact({ name: "Agent's contact" });
    expect((await call(agent.token, "POST", path(`/${c.id}/contact_inboxes`), { inbox_id: inbox.id })).status).toBe(403);
    expect((await call(agent.token, "POST", path(), { name: "Via agent", inbox_id: inbox.id })).status).toBe(403);
    await addMember(inbox.id, agent.user.id);
    expect((await call(agent.token, "POST", path(`/${c.id}/contact_inboxes`), { inbox_id: inbox.id })).status).toBe(200);
  });

  test("contactable_inboxes lists the visible API inboxes with the latest or a fresh source_id", async () => {
    const c = await newContact({ name: "Reachable", inbox_id: apiInbox.id, source_id: "reach-1" });
    const res = await call(admin.token, "GET", path(`/${c.id}/contactable_inboxes`));
    expect(res.status).toBe(200);
    const entry = res.body.payload.find((e: { inbox: { id: number } }) => e.inbox.id === apiInbox.id);
    expect(entry.source_id).toBe("reach-1");
    const others = res.body.payload.filter((e: { inbox: { id: number } }) => e.inbox.id !== apiInbox.id);
    for (const e of others) expect(e.source_id).toMatch(/^[0-9a-f-]{36}$/);
    const asAgent = await call(agent.token, "GET", path(`/${c.id}/contactable_inboxes`));
    expect(asAgent.body.payload.map((e: { inbox: { id: number } }) => e.inbox.id)).not.toContain(apiInbox.id);
    expect((await call(other.token, "GET", path(`/${c.id}/contactable_inboxes`, other.account))).status).toBe(404);
  });

  test("conversations: the contact's conversations the actor may see", async () => {
    const c = await newContact({ name: "Talkative", inbox_id: apiInbox.id });
    expect((await call(admin.token, "GET", path(`/${c.id}/conversations`))).body).toEqual({ payload: [] });
    const first = await createConversation(c.id);
    const second = await createConversation(c.id);
    const res = await call(admin.token, "GET", path(`/${c.id}/conversations`));
    expect(res.status).toBe(200);
    expect(res.body.payload.map((x: { id: number }) => x.id).sort((a: number, b: number) => a - b)).toEqual([first, second]);
    expect(res.body.payload[0]).toMatchObject({ inbox_id: apiInbox.id, status: "open", meta: { sender: { id: c.id } } });
    const lonely = await createAgent(server, admin);
    expect((await call(lonely.token, "GET", path(`/${c.id}/conversations`))).body.payload).toEqual([]);
    await addMember(apiInbox.id, lonely.user.id);
    expect((await call(lonely.token, "GET", path(`/${c.id}/conversations`))).body.payload).toHaveLength(2);
    expect((await call(other.token, "GET", path(`/${c.id}/conversations`, other.account))).status).toBe(404);
  });
});

describe("labels and notes", () => {
  test("POST /labels replaces the contact's labels; GET lists them", async () => {
    const c = await newContact({ name: "Labelled" });
    expect((await call(admin.token, "GET", path(`/${c.id}/labels`))).body).toEqual({ payload: [] });
    const set = await call(agent.token, "POST", path(`/${c.id}/labels`), { labels: ["vip", "beta", "vip", " "] });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ payload: ["vip", "beta"] });
    expect((await call(admin.token, "POST", path(`/${c.id}/labels`), { labels: ["beta", "gold"] })).body).toEqual({ payload: ["beta", "gold"] });
    expect((await call(admin.token, "GET", path(`/${c.id}/labels`))).body).toEqual({ payload: ["beta", "gold"] });
    const bad = await call(admin.token, "POST", path(`/${c.id}/labels`), { labels: "vip" });
    expect(bad.status).toBe(422);
    expect(fields(bad.body)).toEqual(["labels"]);
    expect((await call(other.token, "POST", path(`/${c.id}/labels`, other.account), { labels: ["x"] })).status).toBe(404);
  });

  test("notes: create, list newest first, show, update, delete", async () => {
    const c = await newContact({ name: "Noted" });
    const notes = path(`/${c.id}/notes`);
    const first = await call(admin.token, "POST", notes, { content: "First <b>note</b>" });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ content: "First <b>note</b>", contact_id: c.id, account_id: admin.account.id, user: { id: admin.user.id, email: admin.email } });
    expect(typeof first.body.created_at).toBe("number");
    const second = await call(agent.token, "POST", notes, { note: { content: "Second" } });
    expect(second.body.user.id).toBe(agent.user.id);
    const list = await call(agent.token, "GET", notes);
    expect(list.body.map((n: { id: number }) => n.id)).toEqual([second.body.id, first.body.id]);
    expect((await call(admin.token, "GET", `${notes}/${first.body.id}`)).body.content).toBe("First <b>note</b>");
    const updated = await call(admin.token, "PATCH", `${notes}/${first.body.id}`, { content: "Edited" });
    expect(updated.body).toMatchObject({ id: first.body.id, content: "Edited" });
    expect((await call(admin.token, "DELETE", `${notes}/${first.body.id}`)).status).toBe(200);
    expect((await call(admin.token, "GET", `${notes}/${first.body.id}`)).status).toBe(404);
    const blank = await call(admin.token, "POST", notes, { content: "   " });
    expect(blank.status).toBe(422);
    expect(fields(blank.body)).toEqual(["content"]);
    expect(fields((await call(admin.token, "POST", notes, {})).body)).toEqual(["content"]);
    expect((await call(other.token, "GET", path(`/${c.id}/notes`, other.account))).status).toBe(404);
    expect((await call(other.token, "POST", path(`/${c.id}/notes`, other.account), { content: "x" })).status).toBe(404);
    const d = await newContact({ name: "Other noted" });
    expect((await call(admin.token, "GET", path(`/${d.id}/notes/${second.body.id}`))).status).toBe(404);
  });
});

describe("POST /actions/contact_merge", () => {
  const merge = (token: string, json: unknown, account = admin.account) => call(token, "POST", `/api/v1/accounts/${account.id}/actions/contact_merge`, json);

  test("moves sessions, conversations, notes and labels to the base contact and deletes the mergee", async () => {
    const base = await newContact({ name: "Base", email: "base@example.com", custom_attributes: { plan: "pro" }, additional_attributes: { city: "Paris", social: { x: "@base" } }, inbox_id: apiInbox.id, source_id: "base-s" });
    const mergee = await newContact({
      name: "Mergee",
      phone_number: "+33123456789",
      identifier: "mergee-ext",
      custom_attributes: { plan: "free", seats: 3 },
      additional_attributes: { city: "Lyon", company_name: "Mergeco", social: { x: "@m", y: "@y" } },
      inbox_id: apiInbox.id,
      source_id: "mergee-s",
    });
    const displayId = await createConversation(mergee.id);
    await call(admin.token, "POST", path(`/${mergee.id}/notes`), { content: "about mergee" });
    await call(admin.token, "POST", path(`/${base.id}/labels`), { labels: ["a"] });
    await call(admin.token, "POST", path(`/${mergee.id}/labels`), { labels: ["a", "b"] });

    const res = await merge(agent.token, { base_contact_id: base.id, mergee_contact_id: mergee.id });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: base.id,
      name: "Base",
      email: "base@example.com",
      phone_number: "+33123456789",
      identifier: "mergee-ext",
      custom_attributes: { plan: "pro", seats: 3 },
      additional_attributes: { city: "Paris", company_name: "Mergeco", social: { x: "@base", y: "@y" } },
    });
    expect((await call(admin.token, "GET", path(`/${mergee.id}`))).status).toBe(404);
    const shown = await call(admin.token, "GET", path(`/${base.id}`));
    expect(shown.body.payload.contact_inboxes.map((s: { source_id: string }) => s.source_id).sort()).toEqual(["base-s", "mergee-s"]);
    expect((await call(admin.token, "GET", path(`/${base.id}/notes`))).body.map((n: { content: string }) => n.content)).toEqual(["about mergee"]);
    expect((await call(admin.token, "GET", path(`/${base.id}/labels`))).body.payload.sort()).toEqual(["a", "b"]);
    const moved = await call(admin.token, "GET", `/api/v1/accounts/${admin.account.id}/conversations/${displayId}`);
    expect(moved.body.meta.sender.id).toBe(base.id);
    expect((await call(admin.token, "GET", path(`/${base.id}/conversations`))).body.payload.map((x: { id: number }) => x.id)).toEqual([displayId]);
    expect((await call(admin.token, "GET", path(`/search?q=mergee-ext`))).body.payload.map((c: { id: number }) => c.id)).toEqual([base.id]);
  });

  test("validates ids: missing 422, unknown or another account's 404, same id is a no-op", async () => {
    const a = await newContact({ name: "Solo" });
    const missing = await merge(admin.token, { base_contact_id: a.id });
    expect(missing.status).toBe(422);
    expect(fields(missing.body)).toEqual(["mergee_contact_id"]);
    const theirs = await newContact({ name: "Theirs" }, other);
    expect((await merge(admin.token, { base_contact_id: a.id, mergee_contact_id: theirs.id })).status).toBe(404);
    expect((await call(other.token, "GET", path(`/${theirs.id}`, other.account))).status).toBe(200);
    expect((await merge(other.token, { base_contact_id: theirs.id, mergee_contact_id: a.id }, other.account)).status).toBe(404);
    expect((await call(admin.token, "GET", path(`/${a.id}`))).status).toBe(200);
    const same = await merge(admin.token, { base_contact_id: a.id, mergee_contact_id: a.id });
    expect(same.status).toBe(200);
    expect(same.body.id).toBe(a.id);
  });
});

describe("permissions by role", () => {
  test("custom roles: contact_manage or a conversation permission to write; reading needs none; delete is admin only", async () => {
    const readerRole = await createRole(["report_manage"]);
    const managerRole = await createRole(["contact_manage"]);
    const reader = await createAgent(server, admin, { customRoleId: readerRole });
    const manager = await createAgent(server, admin, { customRoleId: managerRole });
    const c = await newContact({ name: "Guarded", email: "guarded@example.com" });

    expect((await call(reader.token, "GET", path(`/${c.id}`))).status).toBe(200);
    expect((await call(reader.token, "GET", path("/search?q=guarded"))).body.payload).toHaveLength(1);
    expect((await call(reader.token, "POST", path("/filter"), { payload: [{ attribute_key: "name", filter_operator: "equal_to", values: ["guarded"] }] })).status).toBe(200);
    expect((await call(reader.token, "POST", path(), { name: "Nope" })).status).toBe(403);
    expect((await call(reader.token, "PATCH", path(`/${c.id}`), { name: "Nope" })).status).toBe(403);
    expect((await call(reader.token, "POST", path(`/${c.id}/notes`), { content: "Nope" })).status).toBe(403);
    expect((await call(reader.token, "POST", path(`/${c.id}/labels`), { labels: ["x"] })).status).toBe(403);
    const other2 = await newContact({ name: "Other guarded" });
    expect((await call(reader.token, "POST", `/api/v1/accounts/${admin.account.id}/actions/contact_merge`, { base_contact_id: c.id, mergee_contact_id: other2.id })).status).toBe(403);

    expect((await call(manager.token, "POST", path(), { name: "Managed" })).status).toBe(200);
    expect((await call(manager.token, "PATCH", path(`/${c.id}`), { name: "Managed too" })).status).toBe(200);
    expect((await call(manager.token, "DELETE", path(`/${c.id}`))).status).toBe(403);
    expect((await call(admin.token, "DELETE", path(`/${c.id}`))).status).toBe(200);
  });

  test("agent-bot tokens reach no contact or inbox endpoint (403)", async () => {
    const bot = await server.api("/platform/api/v1/agent_bots", { token: TEST_PLATFORM_TOKEN, method: "POST", json: { name: "Bot", account_id: admin.account.id } });
    const token = (await bot.json()).access_token.token as string;
    const c = await newContact({ name: "Bot target" });
    for (const [method, url, json] of [
      ["GET", path(), undefined],
      ["POST", path(), { name: "From bot" }],
      ["GET", path(`/${c.id}`), undefined],
      ["GET", path("/search?q=bot"), undefined],
      ["POST", path("/filter"), { payload: [] }],
      ["POST", path(`/${c.id}/notes`), { content: "x" }],
      ["POST", `/api/v1/accounts/${admin.account.id}/actions/contact_merge`, { base_contact_id: c.id, mergee_contact_id: c.id }],
      ["GET", `/api/v1/accounts/${admin.account.id}/inboxes`, undefined],
      ["POST", `/api/v1/accounts/${admin.account.id}/inboxes`, { name: "x", channel: { type: "api" } }],
    ] as [string, string, unknown][]) {
      const res = await call(token, method, url, json);
      expect({ method, url, status: res.status }).toEqual({ method, url, status: 403 });
    }
  });

  test("no token is 401; another account's member gets 404 on this account", async () => {
    expect((await server.api(path())).status).toBe(401);
    expect((await call(other.token, "GET", path())).status).toBe(404);
    expect((await call(other.token, "POST", path(), { name: "Intruder" })).status).toBe(404);
  });
});

test("a contact's website inbox carries the embed snippet with this server's public URL", async () => {
  const site = (await call(admin.token, "POST", `/api/v1/accounts/${admin.account.id}/inboxes`, { name: "Site", channel: { type: "web_widget", website_url: "https://shop.example" } })).body;
  const created = await call(admin.token, "POST", path(), { name: "Snippet Sam", inbox_id: site.id });
  expect(created.status).toBe(200);
  const shown = await call(admin.token, "GET", path(`/${created.body.payload.contact.id}`));
  const script = shown.body.payload.contact_inboxes[0].inbox.web_widget_script as string;
  expect(script).toContain(`var BASE_URL=${JSON.stringify(server.deps.config.publicUrl)};`);
  expect(server.deps.config.publicUrl).not.toBe("");
  const listed = await call(admin.token, "GET", path(`/${created.body.payload.contact.id}/contactable_inboxes`));
  expect(listed.status).toBe(200);
});
