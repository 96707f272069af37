import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { parseCsv } from "../domain/contacts/csv.ts";
import { createAdmin, createAgent, startTestServer, type TestServer } from "../testing/server.ts";
import { WebClient } from "./test-client.ts";

let server: TestServer;
let admin: Awaited<ReturnType<typeof createAdmin>>;
let agentToken: string;
let owner: WebClient;
let agent: WebClient;
let base: string;
let api: string;
const ids: Record<string, number> = {};
const convs: Record<string, number> = {};

async function login(email: string, password: string) {
  const client = new WebClient(server);
  await client.page("/app/login");
  expect((await client.post("/app/login", { email, password })).status).toBe(302);
  return client;
}

async function call(method: string, path: string, json?: unknown, token = admin.token) {
  const res = await server.api(`${api}${path}`, { token, method, json });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function contact(key: string, json: Record<string, unknown>) {
  const res = await call("POST", "/contacts", json);
  expect(res.status).toBe(200);
  ids[key] = res.body.payload.contact.id;
}

/** A multipart form post from the browser (the import form). */
async function upload(client: WebClient, path: string, csv: string, name = "people.csv") {
  const form = new FormData();
  form.set("_csrf", client.csrf);
  form.set("import_file", new File([csv], name, { type: "text/csv" }));
  const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  return fetch(server.url + path, { method: "POST", body: form, redirect: "manual", headers: { cookie, origin: server.url } });
}

const htmx = (target: string) => ({ "hx-request": "true", "hx-target": target });

beforeAll(async () => {
  server = startTestServer({}, { startJobs: false });
  admin = await createAdmin(server);
  const agentUser = await createAgent(server, admin);
  agentToken = agentUser.token;
  api = `/api/v1/accounts/${admin.account.id}`;
  base = `/app/accounts/${admin.account.id}/contacts`;
  owner = await login(admin.email, admin.password);
  agent = await login(agentUser.email, agentUser.password);

  // Inbox "Shared" has the agent as member, inbox "Private" does not.
  const shared = (await call("POST", "/inboxes", { name: "Shared", channel: { type: "api", webhook_url: "" } })).body;
  const secret = (await call("POST", "/inboxes", { name: "Zeta Restricted", channel: { type: "api", webhook_url: "" } })).body;
  expect((await call("POST", "/inbox_members", { inbox_id: shared.id, user_ids: [agentUser.user.id] })).status).toBe(200);
  ids.sharedInbox = shared.id;
  ids.secretInbox = secret.id;
  expect((await call("POST", "/labels", { title: "vip" })).status).toBe(200);
  expect((await call("POST", "/labels", { title: "churned" })).status).toBe(200);
}, 60_000);
afterAll(() => server.close());

describe("contacts list", () => {
  test("an empty account explains where contacts come from; the Import button is for administrators", async () => {
    const { res, html } = await owner.page(base);
    expect(res.status).toBe(200);
    expect(html).toContain("No contacts yet");
    expect(html).toContain("website widget");
    expect(html).toContain(`href="${base}/import"`);
    const agentHtml = (await agent.page(base)).html;
    expect(agentHtml).toContain("No contacts yet");
    expect(agentHtml).not.toContain(`href="${base}/import"`);
    expect(agentHtml).not.toContain("Export CSV");
  });

  test("setup: contacts with conversations in both inboxes", async () => {
    await contact("ada", { name: "Ada Lovelace", email: "ada@example.com", phone_number: "+441234567890", additional_attributes: { company_name: "Analytical", city: "London", country: "United Kingdom" } });
    await contact("bob", { name: "Bob Builder", email: "bob@builder.example", additional_attributes: { country_code: "DE", city: "Berlin" } });
    await contact("eve", { name: "<script>alert(1)</script>Eve", identifier: "eve-1", custom_attributes: { plan: "=1+1" } });
    await contact("dup", { name: "Ada Duplicate", phone_number: "+15550001111" });
    expect((await call("POST", `/contacts/${ids.bob}/labels`, { labels: ["vip"] })).status).toBe(200);
    for (const [key, inbox] of [["shared", ids.sharedInbox], ["secret", ids.secretInbox]] as const) {
      const res = await call("POST", "/conversations", { inbox_id: inbox, contact_id: ids.ada });
      expect(res.status).toBe(200);
      convs[key] = res.body.id;
    }
  });

  test("rows show name, email, phone, company and location; user content is escaped", async () => {
    const { html } = await owner.page(base);
    for (const text of ["Ada Lovelace", "ada@example.com", "+441234567890", "Analytical", "London, United Kingdom", "Berlin, DE"]) expect(html).toContain(text);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;Eve");
    expect(html).not.toContain("<script>alert(1)");
    expect(html).toContain("1–4 of 4");
  });

  test("search goes through the index; htmx asks for the results fragment only", async () => {
    const { html } = await owner.page(`${base}?q=builder`);
    expect(html).toContain("Bob Builder");
    expect(html).not.toContain("Ada Lovelace");
    expect(html).toContain('value="builder"');
    const res = await owner.get(`${base}?q=lovel`, htmx("div#contacts-results"));
    const fragment = await res.text();
    expect(fragment.startsWith('<div id="contacts-results"')).toBe(true);
    expect(fragment).toContain("Ada Lovelace");
    expect(fragment).not.toContain("Bob Builder");
    expect((await owner.page(`${base}?q=nobody-here`)).html).toContain("No contacts match");
  });

  test("filters: has email, has phone, label, country, created since; bad dates are named", async () => {
    const names = (html: string) => ["Ada Lovelace", "Bob Builder", "Eve", "Ada Duplicate"].filter((n) => html.includes(`>${n}<`) || html.includes(`;${n}<`));
    expect(names((await owner.page(`${base}?has_email=1`)).html)).toEqual(["Ada Lovelace", "Bob Builder"]);
    expect(names((await owner.page(`${base}?has_phone=1`)).html)).toEqual(["Ada Lovelace", "Ada Duplicate"]);
    expect(names((await owner.page(`${base}?label=vip`)).html)).toEqual(["Bob Builder"]);
    expect(names((await owner.page(`${base}?country=de`)).html)).toEqual(["Bob Builder"]);
    expect(names((await owner.page(`${base}?country=United%20Kingdom&has_phone=1`)).html)).toEqual(["Ada Lovelace"]);
    expect(names((await owner.page(`${base}?created_since=2000-01-01&q=ada`)).html)).toEqual(["Ada Lovelace", "Ada Duplicate"]);
    expect((await owner.page(`${base}?created_since=2999-01-01`)).html).toContain("No contacts match");
    const bad = await owner.page(`${base}?created_since=2024-13-45`);
    expect(bad.res.status).toBe(422);
    expect(bad.html).toContain("created since must be a date");
  });

  test("sort by name both ways, state kept in links", async () => {
    const order = (html: string) => [...html.matchAll(/data-contact-id="(\d+)"/g)].map((m) => Number(m[1]));
    const asc = order((await owner.page(`${base}?sort=name`)).html);
    expect(asc).toEqual([ids.eve, ids.dup, ids.ada, ids.bob]);
    const { html } = await owner.page(`${base}?sort=-name&has_email=1`);
    expect(order(html)).toEqual([ids.bob, ids.ada]);
    expect(html).toContain(`href="${base}?has_email=1&amp;sort=name"`);
  });

  test("export: administrators download the filtered list as formula-safe CSV; agents may not", async () => {
    const res = await owner.get(`${base}/export.csv?has_email=1&sort=name`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="contacts-\d{4}-\d{2}-\d{2}\.csv"$/);
    const rows = parseCsv(await res.text()).map((r) => r.fields);
    expect(rows.length).toBe(3);
    expect(rows[1].slice(1, 9)).toEqual(["Ada Lovelace", "ada@example.com", "'+441234567890", "", "Analytical", "London", "United Kingdom", ""]);
    expect(rows[2].slice(1, 3).concat(rows[2][8])).toEqual(["Bob Builder", "bob@builder.example", "vip"]);
    expect((await agent.get(`${base}/export.csv`)).status).toBe(403);
  });
});

describe("contact page", () => {
  test("attributes, conversations the viewer may see, linking to the workspace", async () => {
    const { res, html } = await owner.page(`${base}/${ids.ada}`);
    expect(res.status).toBe(200);
    for (const text of ["Ada Lovelace", "ada@example.com", "Analytical", "London, United Kingdom"]) expect(html).toContain(text);
    const convLink = (n: number) => `href="/app/accounts/${admin.account.id}/conversations/${n}"`;
    expect(html).toContain(convLink(convs.shared));
    expect(html).toContain(convLink(convs.secret));
    const agentHtml = (await agent.page(`${base}/${ids.ada}`)).html;
    expect(agentHtml).toContain(convLink(convs.shared));
    expect(agentHtml).not.toContain(convLink(convs.secret));
    expect(agentHtml).not.toContain("Zeta Restricted");
    expect(html).toContain("Zeta Restricted");
    expect(agentHtml).not.toContain("Delete contact");
    const eve = (await owner.page(`${base}/${ids.eve}`)).html;
    expect(eve).toContain("<dt>plan</dt><dd>=1+1<form");
    expect(eve).toContain("&lt;script&gt;alert(1)&lt;/script&gt;Eve");
    expect((await owner.get(`${base}/999999`)).status).toBe(404);
    expect((await owner.get(`${base}/abc`)).status).toBe(404);
  });

  test("edit: invalid fields are shown inline with what was typed; valid ones are saved", async () => {
    await owner.page(`${base}/${ids.bob}`);
    const bad = await owner.post(`${base}/${ids.bob}`, { name: "Bob B.", email: "not-an-email", phone_number: "", identifier: "", company: "Builders", city: "Berlin", country: "Germany" });
    expect(bad.status).toBe(422);
    const badHtml = await bad.text();
    expect(badHtml).toContain("Is invalid.");
    expect(badHtml).toContain('value="not-an-email"');
    expect(badHtml).toContain('value="Builders"');
    const taken = await owner.post(`${base}/${ids.bob}`, { name: "Bob", email: "ada@example.com" });
    expect(taken.status).toBe(422);
    expect(await taken.text()).toContain("Email has already been taken.");
    const ok = await owner.post(`${base}/${ids.bob}`, { name: "Bob B.", email: "bob@builder.example", company: "Builders", city: "Berlin", country: "Germany", social_github: "@bobb" });
    expect(ok.status).toBe(303);
    const { html } = await owner.page(ok.headers.get("location")!);
    expect(html).toContain("Contact saved");
    expect(html).toContain("Builders");
    expect(html).toContain("https://github.com/bobb");
    const apiView = (await call("GET", `/contacts/${ids.bob}`)).body.payload;
    expect(apiView.name).toBe("Bob B.");
    expect(apiView.additional_attributes).toMatchObject({ company_name: "Builders", city: "Berlin", country: "Germany", country_code: "DE" });
  });

  test("custom attributes: add one (key checked inline), remove it", async () => {
    await owner.page(`${base}/${ids.bob}`);
    const bad = await owner.post(`${base}/${ids.bob}/custom_attributes`, { key: "tier level", value: "gold" });
    expect(bad.status).toBe(422);
    const badHtml = await bad.text();
    expect(badHtml).toContain("Use letters, digits and _ only.");
    expect(badHtml).toContain('value="tier level"');
    const ok = await owner.post(`${base}/${ids.bob}/custom_attributes`, { key: "tier", value: "gold" });
    expect(ok.status).toBe(303);
    expect((await owner.page(ok.headers.get("location")!)).html).toContain("<dt>tier</dt><dd>gold<form");
    expect((await call("GET", `/contacts/${ids.bob}`)).body.payload.custom_attributes).toEqual({ tier: "gold" });
    expect((await owner.post(`${base}/${ids.bob}/custom_attributes/remove`, { key: "tier" })).status).toBe(303);
    expect((await call("GET", `/contacts/${ids.bob}`)).body.payload.custom_attributes).toEqual({});
  });

  test("notes: add (htmx fragment), blank refused, delete", async () => {
    await owner.page(`${base}/${ids.ada}`);
    const res = await owner.post(`${base}/${ids.ada}/notes`, { content: "Prefers <b>email</b>" }, { headers: htmx("section#contact-notes") });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html.startsWith('<section class="card" id="contact-notes"')).toBe(true);
    expect(html).toContain("Prefers &lt;b&gt;email&lt;/b&gt;");
    const blank = await owner.post(`${base}/${ids.ada}/notes`, { content: "  " }, { headers: htmx("section#contact-notes") });
    expect(await blank.text()).toContain("Can&#39;t be blank");
    const notes = (await call("GET", `/contacts/${ids.ada}/notes`)).body;
    expect(notes.map((n: { content: string }) => n.content)).toEqual(["Prefers <b>email</b>"]);
    // Agents add notes too (no JavaScript: redirect back).
    await agent.page(`${base}/${ids.ada}`);
    const plain = await agent.post(`${base}/${ids.ada}/notes`, { content: "Called back" });
    expect(plain.status).toBe(303);
    expect((await agent.page(plain.headers.get("location")!)).html).toContain("Called back");
    const del = await owner.post(`${base}/${ids.ada}/notes/${notes[0].id}/delete`, {}, { headers: htmx("section#contact-notes") });
    expect(await del.text()).not.toContain("Prefers");
    expect((await call("GET", `/contacts/${ids.ada}/notes`)).body.length).toBe(1);
  });

  test("labels: add and remove account labels; unknown labels refused", async () => {
    await owner.page(`${base}/${ids.ada}`);
    const add = await owner.post(`${base}/${ids.ada}/labels`, { label: "churned" }, { headers: htmx("section#contact-labels") });
    expect(await add.text()).toContain("Remove label churned");
    expect((await call("GET", `/contacts/${ids.ada}/labels`)).body.payload).toEqual(["churned"]);
    expect((await owner.post(`${base}/${ids.ada}/labels`, { label: "made-up" })).status).toBe(422);
    const remove = await owner.post(`${base}/${ids.ada}/labels/remove`, { label: "churned" });
    expect(remove.status).toBe(303);
    expect((await call("GET", `/contacts/${ids.ada}/labels`)).body.payload).toEqual([]);
  });

  test("merge: find the duplicate by search, merge it in; it is gone and its details fill the blanks", async () => {
    const candidates = await owner.get(`${base}/${ids.ada}/merge_candidates?merge_q=ada`, htmx("div#merge-candidates"));
    const html = await candidates.text();
    expect(html).toContain("Ada Duplicate");
    expect(html).not.toContain(`value="${ids.ada}"`);
    expect((await owner.page(`${base}/${ids.bob}?merge_q=duplicate`)).html).toContain(`value="${ids.dup}"`);
    const res = await owner.post(`${base}/${ids.bob}/merge`, { mergee_id: String(ids.dup) });
    expect(res.status).toBe(303);
    expect((await owner.page(res.headers.get("location")!)).html).toContain("Contacts merged");
    expect((await owner.get(`${base}/${ids.dup}`)).status).toBe(404);
    expect((await call("GET", `/contacts/${ids.bob}`)).body.payload.phone_number).toBe("+15550001111");
    expect((await owner.post(`${base}/${ids.bob}/merge`, { mergee_id: "" })).status).toBe(422);
  });

  test("delete is for administrators only", async () => {
    await agent.page(`${base}/${ids.eve}`);
    expect((await agent.post(`${base}/${ids.eve}/delete`)).status).toBe(403);
    expect((await owner.get(`${base}/${ids.eve}`)).status).toBe(200);
    await owner.page(`${base}/${ids.eve}`);
    const res = await owner.post(`${base}/${ids.eve}/delete`);
    expect(res.status).toBe(303);
    expect((await owner.page(res.headers.get("location")!)).html).toContain("Contact deleted");
    expect((await owner.get(`${base}/${ids.eve}`)).status).toBe(404);
  });
});

describe("import", () => {
  test("administrators upload a CSV, watch the progress and read the per-row errors", async () => {
    await owner.page(`${base}/import`);
    const csv = "name,email,phone_number\nNew One,new1@example.com,+15550002222\nAda Again,ADA@example.com,\nBroken,broken@,\n";
    const res = await upload(owner, `${base}/import`, csv);
    expect(res.status).toBe(303);
    const location = res.headers.get("location")!;
    const before = (await owner.page(location)).html;
    expect(before).toContain("people.csv");
    expect(before).toContain('hx-trigger="every 1s"');
    expect(before).toContain("Queued");
    await server.runner.runUntilEmpty();
    const progress = await owner.get(`${location}/progress`, htmx("section#import-progress"));
    const html = await progress.text();
    expect(html).toContain("Completed");
    expect(html).not.toContain("every 1s");
    expect(html).toMatch(/data-testid="import-created">1</);
    expect(html).toMatch(/data-testid="import-updated">1</);
    expect(html).toMatch(/data-testid="import-failed">1</);
    expect(html).toMatch(/<td>4<\/td><td><code>email<\/code><\/td><td>is invalid<\/td>/);
    expect((await owner.page(`${base}?q=new1`)).html).toContain("New One");
    expect((await owner.page(`${base}/import`)).html).toContain("Recent imports");
  });

  test("bad files are refused inline; agents cannot import", async () => {
    await owner.page(`${base}/import`);
    const bad = await upload(owner, `${base}/import`, "colour,size\nred,xl\n");
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain("Needs a name, email, phone_number or identifier column.");
    await agent.page(base);
    expect((await agent.get(`${base}/import`)).status).toBe(403);
    expect((await upload(agent, `${base}/import`, "name\nX\n")).status).toBe(403);
  });

  test("POST /api/v1/accounts/:id/contacts/import (multipart import_file), administrators only", async () => {
    const form = () => {
      const f = new FormData();
      f.set("import_file", new File(["name,email\nApi Person,api.person@example.com\n"], "api.csv", { type: "text/csv" }));
      return f;
    };
    const res = await server.api(`${api}/contacts/import`, { token: admin.token, method: "POST", body: form() });
    expect(res.status).toBe(200);
    const blank = await server.api(`${api}/contacts/import`, { token: admin.token, method: "POST", body: new FormData() });
    expect(blank.status).toBe(422);
    expect((await blank.json()).errors[0].field).toBe("import_file");
    expect((await server.api(`${api}/contacts/import`, { token: agentToken, method: "POST", body: form() })).status).toBe(403);
    await server.runner.runUntilEmpty();
    expect((await call("GET", "/contacts/search?q=api.person")).body.meta.count).toBe(1);
  });

  test("POST /api/v1/accounts/:id/contacts/export: chosen columns of the filtered contacts as CSV, administrators only", async () => {
    const res = await server.api(`${api}/contacts/export`, {
      token: admin.token,
      method: "POST",
      json: { column_names: ["name", "email"], payload: [{ attribute_key: "email", filter_operator: "contains", values: ["api.person"] }] },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    expect(await res.text()).toBe("name,email\r\nApi Person,api.person@example.com\r\n");
    const all = parseCsv(await (await server.api(`${api}/contacts/export`, { token: admin.token, method: "POST", json: {} })).text());
    expect(all[0].fields[0]).toBe("id");
    expect(all.length).toBeGreaterThan(4);
    const badColumn = await server.api(`${api}/contacts/export`, { token: admin.token, method: "POST", json: { column_names: ["password"] } });
    expect(badColumn.status).toBe(422);
    expect((await badColumn.json()).errors[0].field).toBe("column_names");
    const badFilter = await server.api(`${api}/contacts/export`, { token: admin.token, method: "POST", json: { payload: [{ attribute_key: "nope", filter_operator: "equal_to", values: [1] }] } });
    expect(badFilter.status).toBe(422);
    expect((await server.api(`${api}/contacts/export`, { token: agentToken, method: "POST", json: {} })).status).toBe(403);
  });
});
