// Saved views in the dashboard: the builder page, the chips above the conversation and contact lists, opening a
// view by its id in the URL, renaming and deleting — as a browser posts the forms.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestServer, type TestServer } from "../testing/server.ts";
import { settingsKit, type SettingsKit, type WebClient } from "./test-client.ts";

let server: TestServer;
let admin: SettingsKit["admin"];
let adminWeb: WebClient;
let agentWeb: WebClient;
let app: string;

/** Several rows of the builder as the browser sends them (repeated field names). */
function builderBody(name: string, rows: [string, string, string, string][]): [string, string][] {
  const pairs: [string, string][] = [["name", name]];
  for (const [join, attribute, operator, value] of rows) pairs.push(["join", join], ["attribute", attribute], ["operator", operator], ["value", value]);
  return pairs;
}

/** A builder form post with the client's session and CSRF token (read from the builder page first if need be). */
async function postBuilder(client: WebClient, path: string, pairs: [string, string][]) {
  if (!client.csrf) await client.page(`${app}/custom-views/new`);
  return client.post(path, pairs);
}

const call = (method: string, path: string, json?: unknown) => server.api(`/api/v1/accounts/${admin.account.id}${path}`, { token: admin.token, method, json });

beforeAll(async () => {
  server = startTestServer({}, { startJobs: false });
  ({ admin, adminWeb, agentWeb } = await settingsKit(server));
  app = `/app/accounts/${admin.account.id}`;
  expect((await call("POST", "/custom_attribute_definitions", { attribute_display_name: "Tier", attribute_key: "tier", attribute_display_type: "list", attribute_values: ["gold", "silver"], attribute_model: "conversation_attribute" })).status).toBe(200);
  expect((await call("POST", "/custom_attribute_definitions", { attribute_display_name: "Seats", attribute_key: "seats", attribute_display_type: "number", attribute_model: "contact_attribute" })).status).toBe(200);
  const inbox = (await (await call("POST", "/inboxes", { name: "API", channel: { type: "api" } })).json()) as { id: number };
  for (const [name, tier] of [["Gold Gina", "gold"], ["Silver Sam", "silver"], ["Plain Pat", null]] as const) {
    const contact = (await (await call("POST", "/contacts", { name, inbox_id: inbox.id, custom_attributes: { seats: name.length } })).json()) as { payload: { contact: { id: number } } };
    const res = await call("POST", "/conversations", { inbox_id: inbox.id, contact_id: contact.payload.contact.id, assignee_id: admin.user.id, custom_attributes: tier ? { tier } : {} });
    expect(res.status).toBe(200);
  }
}, 30_000);
afterAll(() => server.close());

describe("saved views", () => {
  test("build a conversation view over a typed custom attribute, open it from its chip, rename and delete it", async () => {
    const list = await adminWeb.page(`${app}/dashboard`);
    expect(list.html).toContain('data-saved-views="conversation"');
    expect(list.html).toContain("Save filter as view");

    const form = await adminWeb.page(`${app}/custom-views/new?type=conversation&status=open`);
    expect(form.html).toContain('data-saved-view-builder');
    expect(form.html).toContain('value="conversation_attribute:tier"');
    expect(form.html).toContain('data-operators="equal_to,not_equal_to,is_present,is_not_present"');
    expect(form.html).toMatch(/<option value="standard:status" selected/);

    const bad = await postBuilder(adminWeb, `${app}/custom-views?type=conversation`, builderBody("Gold", [["and", "standard:status", "equal_to", "open"], ["and", "conversation_attribute:tier", "is_greater_than", "gold"]]));
    expect(bad.status).toBe(422);
    const badHtml = await bad.text();
    expect(badHtml).toMatch(/sv-condition has-error" data-row="1"/);
    expect(badHtml).toContain("filter operator is not allowed for tier");

    const created = await postBuilder(adminWeb, `${app}/custom-views?type=conversation`, builderBody("Gold customers", [["and", "standard:status", "equal_to", "open"], ["and", "conversation_attribute:tier", "equal_to", "gold"], ["and", "", "equal_to", ""]]));
    expect(created.status).toBe(303);
    const [view] = (await (await call("GET", "/custom_filters")).json()) as { id: number; name: string; query: { payload: unknown[] } }[];
    expect(view.name).toBe("Gold customers");
    expect(view.query.payload).toEqual([
      { attribute_key: "status", attribute_model: "standard", filter_operator: "equal_to", values: ["open"], query_operator: "and" },
      { attribute_key: "tier", attribute_model: "conversation_attribute", filter_operator: "equal_to", values: ["gold"], query_operator: null },
    ]);
    expect(created.headers.get("location")).toBe(`${app}/dashboard?assignee_type=all&status=all&custom_view=${view.id}`);

    const opened = await adminWeb.page(created.headers.get("location")!);
    expect(opened.res.status).toBe(200);
    expect(opened.html).toContain(`class="sv-chip is-current" href="${app}/dashboard?assignee_type=all&amp;status=all&amp;custom_view=${view.id}"`);
    expect(opened.html).toContain("Gold Gina");
    expect(opened.html).not.toContain("Silver Sam");
    expect(opened.html).not.toContain("Plain Pat");
    expect(opened.html).toContain(`name="custom_view" value="${view.id}"`);
    // The list fragment (htmx filter changes) keeps the view.
    const fragment = await adminWeb.get(`${app}/conversation-list?status=all&custom_view=${view.id}`);
    const fragmentHtml = await fragment.text();
    expect(fragmentHtml).toContain("Gold Gina");
    expect(fragmentHtml).not.toContain("Silver Sam");

    const edit = await adminWeb.page(`${app}/custom-views/${view.id}`);
    expect(edit.html).toContain('value="Gold customers"');
    expect(edit.html).toMatch(/<option value="conversation_attribute:tier"[^>]*selected/);
    const renamed = await postBuilder(adminWeb, `${app}/custom-views/${view.id}`, builderBody("Gold or silver", [["and", "conversation_attribute:tier", "equal_to", "gold"], ["or", "conversation_attribute:tier", "equal_to", "silver"]]));
    expect(renamed.status).toBe(303);
    const reopened = await adminWeb.page(`${app}/dashboard?assignee_type=all&status=all&custom_view=${view.id}`);
    expect(reopened.html).toContain("Gold or silver");
    expect(reopened.html).toContain("Silver Sam");
    expect(reopened.html).not.toContain("Plain Pat");

    // Only its owner sees or opens it.
    expect((await agentWeb.page(`${app}/dashboard`)).html).not.toContain("Gold or silver");
    expect((await agentWeb.get(`${app}/dashboard?custom_view=${view.id}`)).status).toBe(404);
    expect((await agentWeb.get(`${app}/custom-views/${view.id}`)).status).toBe(404);

    const deleted = await postBuilder(adminWeb, `${app}/custom-views/${view.id}/delete`, []);
    expect(deleted.status).toBe(303);
    expect(await (await call("GET", "/custom_filters")).json()).toEqual([]);
  });

  test("an attribute with options takes several comma-separated values; an API-saved view round-trips through the editor", async () => {
    const created = await postBuilder(adminWeb, `${app}/custom-views?type=conversation`, builderBody("Tiers", [["and", "conversation_attribute:tier", "equal_to", "gold, silver"]]));
    expect(created.status).toBe(303);
    const views = (await (await call("GET", "/custom_filters")).json()) as { id: number; name: string; query: { payload: { values: string[] }[] } }[];
    const tiers = views.find((v) => v.name === "Tiers")!;
    expect(tiers.query.payload[0].values).toEqual(["gold", "silver"]);
    const edit = await adminWeb.page(`${app}/custom-views/${tiers.id}`);
    expect(edit.html).toContain('value="gold, silver"');
    const opened = await adminWeb.page(`${app}/dashboard?assignee_type=all&status=all&custom_view=${tiers.id}`);
    expect(opened.html).toContain("Gold Gina");
    expect(opened.html).toContain("Silver Sam");
    expect(opened.html).not.toContain("Plain Pat");
    expect((await postBuilder(adminWeb, `${app}/custom-views/${tiers.id}/delete`, [])).status).toBe(303);
  });

  test("a contact view over a number attribute, opened on the contacts page", async () => {
    const contacts = await adminWeb.page(`${app}/contacts`);
    expect(contacts.html).toContain('data-saved-views="contact"');
    const created = await postBuilder(adminWeb, `${app}/custom-views?type=contact`, builderBody("Big names", [["and", "contact_attribute:seats", "is_greater_than", "9"]]));
    expect(created.status).toBe(303);
    const location = created.headers.get("location")!;
    expect(location).toMatch(/\/contacts\?custom_view=\d+$/);
    const opened = await adminWeb.page(location);
    // seats is the name's length: 10 for Silver Sam, 9 for the others (compared as numbers, not text).
    expect(opened.html).toContain("Silver Sam");
    expect(opened.html).not.toContain("Gold Gina");
    expect(opened.html).not.toContain("Plain Pat");
    expect(opened.html).toContain("sv-chip is-current");
  });
});
