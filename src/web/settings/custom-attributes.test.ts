// Settings → Custom attributes through the dashboard's forms, as a browser posts them.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestServer, type TestServer } from "../../testing/server.ts";
import { settingsKit, type SettingsKit, type WebClient } from "../test-client.ts";

let server: TestServer;
let admin: SettingsKit["admin"];
let adminWeb: WebClient;
let agentWeb: WebClient;
let base: string;

beforeAll(async () => {
  server = startTestServer({}, { startJobs: false });
  ({ admin, adminWeb, agentWeb } = await settingsKit(server));
  base = `/app/accounts/${admin.account.id}/settings/custom-attributes`;
}, 30_000);
afterAll(() => server.close());

const api = async (model: string) => {
  const res = await server.api(`/api/v1/accounts/${admin.account.id}/custom_attribute_definitions?attribute_model=${model}`, { token: admin.token });
  return (await res.json()) as { id: number; attribute_key: string; attribute_display_type: string; attribute_values: string[]; regex_pattern: string | null }[];
};

describe("Settings → Custom attributes", () => {
  test("tabs per model; add a list and a patterned text attribute; edit; delete — the API sees every change", async () => {
    const empty = await adminWeb.page(base);
    expect(empty.res.status).toBe(200);
    expect(empty.html).toContain("No conversation attributes yet");
    expect(empty.html).toContain('id="add-attribute-form"');

    const plan = await adminWeb.post(`${base}?model=contact`, { attribute_display_name: "Plan name", attribute_key: "", attribute_display_type: "list", attribute_values: "Free\r\nPro\r\n\r\nEnterprise" });
    expect(plan.status).toBe(303);
    expect(plan.headers.get("location")).toBe(`${base}?model=contact&saved=created`);
    const [row] = await api("contact_attribute");
    expect(row).toMatchObject({ attribute_key: "plan_name", attribute_display_type: "list", attribute_values: ["Free", "Pro", "Enterprise"] });
    expect(await api("conversation_attribute")).toEqual([]);

    const order = await adminWeb.post(`${base}?model=conversation`, { attribute_display_name: "Order", attribute_key: "order_ref", attribute_display_type: "text", regex_pattern: "^ORD-\\d+$", regex_cue: "Like ORD-1" });
    expect(order.status).toBe(303);

    const contactTab = await adminWeb.page(`${base}?model=contact&saved=created`);
    expect(contactTab.html).toContain("Attribute created");
    expect(contactTab.html).toContain('data-attribute-key="plan_name"');
    expect(contactTab.html).toContain("Free, Pro, Enterprise");
    expect(contactTab.html).not.toContain('data-attribute-key="order_ref"');

    const edit = await adminWeb.page(`${base}/${row.id}`);
    expect(edit.res.status).toBe(200);
    expect(edit.html).toContain("Free\nPro\nEnterprise");
    const saved = await adminWeb.post(`${base}/${row.id}`, { attribute_display_name: "Plan", attribute_key: "plan_name", attribute_display_type: "list", attribute_values: "Free\nPro" });
    expect(saved.status).toBe(303);
    expect((await api("contact_attribute"))[0].attribute_values).toEqual(["Free", "Pro"]);

    const deleted = await adminWeb.post(`${base}/${row.id}/delete`, {});
    expect(deleted.status).toBe(303);
    expect(deleted.headers.get("location")).toBe(`${base}?model=contact&saved=deleted`);
    expect(await api("contact_attribute")).toEqual([]);
  });

  test("errors show under their field with 422; agents read but cannot change", async () => {
    const noOptions = await adminWeb.post(`${base}?model=contact`, { attribute_display_name: "Tier", attribute_display_type: "list", attribute_values: "" });
    expect(noOptions.status).toBe(422);
    const html = await noOptions.text();
    expect(html).toContain('id="f-attribute_values-error"');
    const badRegex = await adminWeb.post(`${base}?model=conversation`, { attribute_display_name: "Code", attribute_display_type: "text", regex_pattern: "([" });
    expect(badRegex.status).toBe(422);
    expect(await badRegex.text()).toContain("Is not a valid regular expression");
    const taken = await adminWeb.post(`${base}?model=conversation`, { attribute_display_name: "Order", attribute_key: "order_ref", attribute_display_type: "number" });
    expect(taken.status).toBe(422);
    expect(await taken.text()).toContain('id="f-attribute_key-error"');

    const list = await agentWeb.page(base);
    expect(list.res.status).toBe(200);
    expect(list.html).toContain('data-attribute-key="order_ref"');
    expect(list.html).not.toContain('id="add-attribute-form"');
    const [order] = await api("conversation_attribute");
    expect((await agentWeb.post(`${base}?model=conversation`, { attribute_display_name: "Nope", attribute_display_type: "text" })).status).toBe(403);
    expect((await agentWeb.post(`${base}/${order.id}/delete`, {})).status).toBe(403);
    expect((await api("conversation_attribute")).map((d) => d.attribute_key)).toEqual(["order_ref"]);
  });
});

describe("typed attribute controls", () => {
  test("the conversation sidebar edits defined attributes with their type's control and refuses bad values", async () => {
    const call = (method: string, path: string, json?: unknown) => server.api(`/api/v1/accounts/${admin.account.id}${path}`, { token: admin.token, method, json });
    for (const d of [
      { attribute_display_name: "Seats", attribute_key: "seats", attribute_display_type: "number" },
      { attribute_display_name: "Due", attribute_key: "due", attribute_display_type: "date" },
      { attribute_display_name: "Tier", attribute_key: "tier", attribute_display_type: "list", attribute_values: ["gold", "silver"] },
      { attribute_display_name: "Urgent", attribute_key: "urgent", attribute_display_type: "checkbox" },
      { attribute_display_name: "Ticket", attribute_key: "ticket", attribute_display_type: "link" },
    ]) expect((await call("POST", "/custom_attribute_definitions", { ...d, attribute_model: "conversation_attribute" })).status).toBe(200);
    const inbox = (await (await call("POST", "/inboxes", { name: "API", channel: { type: "api" } })).json()) as { id: number };
    const contact = (await (await call("POST", "/contacts", { name: "Sid", inbox_id: inbox.id })).json()) as { payload: { contact: { id: number } } };
    const conv = (await (await call("POST", "/conversations", { inbox_id: inbox.id, contact_id: contact.payload.contact.id, custom_attributes: { free_key: "kept" } })).json()) as { id: number };

    const pane = await adminWeb.page(`/app/accounts/${admin.account.id}/conversations/${conv.id}/sidebar/attributes`);
    expect(pane.html).toContain('data-attribute="seats" data-attribute-type="number"');
    expect(pane.html).toMatch(/id="sidebar-ca-due"[^>]*type="date"|type="date"[^>]*id="sidebar-ca-due"/);
    expect(pane.html).toContain('<option value="gold">gold</option>');
    expect(pane.html).toContain('type="checkbox" name="value" value="true"');
    expect(pane.html).toContain("free_key");

    const action = `/app/accounts/${admin.account.id}/conversations/${conv.id}/sidebar/custom-attributes`;
    const bad = await adminWeb.post(action, { key: "tier", value: "bronze" }, { headers: { "HX-Request": "true" } });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain("must be one of gold, silver");
    for (const [key, value] of [["seats", "12"], ["due", "2026-04-01"], ["tier", "gold"], ["urgent", "true"], ["ticket", "https://tracker.example/T-1"]]) {
      expect((await adminWeb.post(action, { key, value }, { headers: { "HX-Request": "true" } })).status).toBe(200);
    }
    const stored = (await (await call("GET", `/conversations/${conv.id}`)).json()) as { custom_attributes: Record<string, unknown> };
    expect(stored.custom_attributes).toEqual({ free_key: "kept", seats: 12, due: "2026-04-01", tier: "gold", urgent: true, ticket: "https://tracker.example/T-1" });
  });

  test("the contact page edits defined contact attributes; a bad value shows under its control with 422", async () => {
    const call = (method: string, path: string, json?: unknown) => server.api(`/api/v1/accounts/${admin.account.id}${path}`, { token: admin.token, method, json });
    expect((await call("POST", "/custom_attribute_definitions", { attribute_display_name: "Renewal", attribute_key: "renewal", attribute_display_type: "date", attribute_model: "contact_attribute" })).status).toBe(200);
    const contact = (await (await call("POST", "/contacts", { name: "Cora", custom_attributes: { nickname: "C" } })).json()) as { payload: { contact: { id: number } } };
    const page = `/app/accounts/${admin.account.id}/contacts/${contact.payload.contact.id}`;
    const shown = await adminWeb.page(page);
    expect(shown.html).toContain('data-attribute="renewal" data-attribute-type="date"');
    expect(shown.html).toContain("nickname");
    const bad = await adminWeb.post(`${page}/custom_attributes`, { key: "renewal", value: "someday" });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toMatch(/ca-typed-row has-error[^]*Must be a date/);
    const ok = await adminWeb.post(`${page}/custom_attributes`, { key: "renewal", value: "2027-01-31" });
    expect(ok.status).toBe(303);
    const after = (await (await call("GET", `/contacts/${contact.payload.contact.id}`)).json()) as { payload: { custom_attributes: Record<string, unknown> } };
    expect(after.payload.custom_attributes).toEqual({ nickname: "C", renewal: "2027-01-31" });
  });
});
