// Settings → Custom attributes through the dashboard's forms, as a browser posts them.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createAdmin, createAgent, startTestServer, type TestServer } from "../../testing/server.ts";
import { WebClient } from "../test-client.ts";

let server: TestServer;
let admin: Awaited<ReturnType<typeof createAdmin>>;
let adminWeb: WebClient;
let agentWeb: WebClient;
let base: string;

async function login(email: string, password: string): Promise<WebClient> {
  const client = new WebClient(server);
  await client.page("/app/login");
  expect((await client.post("/app/login", { email, password })).status).toBe(302);
  return client;
}

beforeAll(async () => {
  server = startTestServer({}, { startJobs: false });
  admin = await createAdmin(server);
  const agent = await createAgent(server, admin, { name: "Agnes Agent" });
  adminWeb = await login(admin.email, admin.password);
  agentWeb = await login(agent.email, agent.password);
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
