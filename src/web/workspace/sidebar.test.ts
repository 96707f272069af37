// The conversation sidebar's HTML: eligible agents only, actions through htmx forms (same domain functions as the
// API), previous conversations limited to what the viewer may see, and no access for agents outside the inbox.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestServer, type TestServer } from "../../testing/server.ts";
import type { WebClient } from "../test-client.ts";
import { setUpKit, type Kit } from "./sidebar-test-kit.ts";

let server: TestServer;
let kit: Kit;
let member: Awaited<ReturnType<Kit["agent"]>>;
let outsider: Awaited<ReturnType<Kit["agent"]>>;
let inboxId: number;
let otherInboxId: number;
let conv: { contactId: number; displayId: number };
let hiddenConv: number;
let base: string;

const HX = { "hx-request": "true" };
const post = (client: WebClient, path: string, fields: Record<string, string>, htmx = true) => client.post(path, fields, { headers: htmx ? HX : {} });
const options = (html: string, id: string) => {
  const select = new RegExp(`<select[^>]*id="${id}"[^>]*>([\\s\\S]*?)</select>`).exec(html)?.[1] ?? "";
  return [...select.matchAll(/<option value="([^"]*)"( selected="")?[^>]*>([^<]*)/g)].map((m) => ({ value: m[1], selected: !!m[2], text: m[3].trim() }));
};

beforeAll(async () => {
  server = startTestServer({}, { startJobs: false });
  kit = await setUpKit(server);
  member = await kit.agent("Mia Member");
  outsider = await kit.agent("Otto Outsider");
  inboxId = (await kit.inbox("Support", [member.id])).id;
  otherInboxId = (await kit.inbox("Billing", [outsider.id])).id;
  conv = await kit.conversation(
    inboxId,
    {
      name: "Carla <b>Contact</b>",
      email: "carla@example.com",
      phone_number: "+15550001111",
      additional_attributes: { company_name: "Acme Corp", city: "Lisbon", country: "Portugal", social_profiles: { github: "carla-gh", twitter: "" } },
      custom_attributes: { plan: "gold" },
    },
    { additional_attributes: { browser: { browser_name: "Firefox" }, referer: "https://shop.example.com/cart" } },
  );
  hiddenConv = (await kit.api("POST", "/conversations", { contact_id: conv.contactId, inbox_id: otherInboxId })).id;
  await kit.api("POST", `/conversations/${hiddenConv}/messages`, { content: "Invoice  #77 is <wrong>", message_type: "incoming" });
  await kit.api("POST", "/labels", { title: "vip", color: "#ff0000" });
  await kit.api("POST", "/labels", { title: "billing", color: "#00ff00" });
  await kit.api("POST", "/teams", { name: "Tier 2" });
  base = `${kit.accountPath}/conversations/${conv.displayId}/sidebar`;
  await member.client.page(`${kit.accountPath}/dashboard`);
  await kit.owner.page(`${kit.accountPath}/dashboard`);
}, 60_000);
afterAll(() => server.close());

describe("conversation sidebar", () => {
  test("contact card: name (escaped), email, phone, company, location, social, attributes, link to the contact page", async () => {
    const { res, html } = await member.client.page(base);
    expect(res.status).toBe(200);
    expect(html).toContain('id="sidebar-pane"');
    expect(html).toContain("Carla &lt;b&gt;Contact&lt;/b&gt;");
    expect(html).not.toContain("<b>Contact</b>");
    expect(html).toContain(`href="${kit.accountPath}/contacts/${conv.contactId}"`);
    for (const s of ["carla@example.com", "+15550001111", "Acme Corp", "Lisbon, Portugal", "https://github.com/carla-gh", "plan", "gold"]) expect(html).toContain(s);
    // Conversation attributes and information.
    expect(html).toContain("referer");
    expect(html).toContain("https://shop.example.com/cart");
    expect(html).toContain("browser name: Firefox");
    expect(html).toContain(`#${conv.displayId}`);
    expect(html).toContain("Support");
  });

  test("assignee dropdown lists only inbox members and administrators; Assign to me, None, a refused agent", async () => {
    let { html } = await member.client.page(base);
    const agents = options(html, "sidebar-assignee");
    expect(agents.map((o) => o.text)).toEqual(["None", "Mia Member", "Olivia Owner"]);
    expect(agents[0].selected).toBe(true);
    expect(html).not.toContain("Otto Outsider");
    expect(html).toContain('data-shortcut="assign-self"');

    let res = await post(member.client, `${base}/assignee`, { assign_self: "1", assignee_id: "" });
    expect(res.status).toBe(200);
    html = await res.text();
    expect(html).toStartWith('<section class="sidebar-section" id="sidebar-section-actions"');
    expect(options(html, "sidebar-assignee").find((o) => o.selected)?.text).toBe("Mia Member");
    expect((await kit.api("GET", `/conversations/${conv.displayId}`)).meta.assignee.id).toBe(member.id);

    res = await post(member.client, `${base}/assignee`, { assignee_id: String(kit.ownerId) });
    expect((await kit.api("GET", `/conversations/${conv.displayId}`)).meta.assignee.id).toBe(kit.ownerId);

    res = await post(member.client, `${base}/assignee`, { assignee_id: String(outsider.id) });
    expect(res.status).toBe(422);
    html = await res.text();
    expect(html).toContain("assignee id: must be a member of the conversation");
    expect((await kit.api("GET", `/conversations/${conv.displayId}`)).meta.assignee.id).toBe(kit.ownerId);

    res = await post(member.client, `${base}/assignee`, { assignee_id: "" });
    expect(res.status).toBe(200);
    expect((await kit.api("GET", `/conversations/${conv.displayId}`)).meta.assignee).toBeUndefined();
  });

  test("team and priority", async () => {
    const { html } = await member.client.page(base);
    const team = options(html, "sidebar-team").find((o) => o.text === "tier 2")!;
    let res = await post(member.client, `${base}/team`, { team_id: team.value });
    expect(res.status).toBe(200);
    expect(options(await res.text(), "sidebar-team").find((o) => o.selected)?.text).toBe("tier 2");
    expect((await kit.api("GET", `/conversations/${conv.displayId}`)).meta.team.name).toBe("tier 2");
    await post(member.client, `${base}/team`, { team_id: "" });
    expect((await kit.api("GET", `/conversations/${conv.displayId}`)).meta.team).toBeUndefined();

    expect(options(html, "sidebar-priority").map((o) => o.value)).toEqual(["none", "low", "medium", "high", "urgent"]);
    res = await post(member.client, `${base}/priority`, { priority: "urgent" });
    expect(options(await res.text(), "sidebar-priority").find((o) => o.selected)?.value).toBe("urgent");
    expect((await kit.api("GET", `/conversations/${conv.displayId}`)).priority).toBe("urgent");
    res = await post(member.client, `${base}/priority`, { priority: "extreme" });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("priority: must be none, low, medium, high or urgent");
    await post(member.client, `${base}/priority`, { priority: "none" });
    expect((await kit.api("GET", `/conversations/${conv.displayId}`)).priority).toBeNull();
  });

  test("labels: add from the account's labels, remove; an unknown label is refused", async () => {
    let { html } = await member.client.page(`${base}/labels`);
    expect(options(html, "sidebar-add-label").map((o) => o.value).sort()).toEqual(["billing", "vip"]);
    let res = await post(member.client, `${base}/labels`, { label: "vip" });
    html = await res.text();
    expect(html).toContain('data-label="vip"');
    expect(options(html, "sidebar-add-label").map((o) => o.value)).toEqual(["billing"]);
    await post(member.client, `${base}/labels`, { label: "billing" });
    expect((await kit.api("GET", `/conversations/${conv.displayId}/labels`)).payload).toEqual(["vip", "billing"]);
    res = await post(member.client, `${base}/labels`, { label: "made-up" });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("label: is not a label of this account");
    res = await post(member.client, `${base}/labels/remove`, { label: "vip" });
    expect(await res.text()).not.toContain('data-label="vip"');
    expect((await kit.api("GET", `/conversations/${conv.displayId}/labels`)).payload).toEqual(["billing"]);
  });

  test("participants: add and remove agents who may see it; others are neither offered nor accepted", async () => {
    const ids = async () => (await kit.api("GET", `/conversations/${conv.displayId}/participants`)).map((p: { id: number }) => p.id);
    // Assigning made the assignees participants (as Chatwoot does): start from none.
    for (const id of await ids()) expect((await post(member.client, `${base}/participants/remove`, { user_id: String(id) })).status).toBe(200);
    expect(await ids()).toEqual([]);
    let { html } = await member.client.page(`${base}/participants`);
    expect(options(html, "sidebar-add-participant").map((o) => o.text)).toEqual(["Mia Member", "Olivia Owner"]);
    let res = await post(member.client, `${base}/participants`, { user_id: String(member.id) });
    html = await res.text();
    expect(html).toContain(`data-participant-id="${member.id}"`);
    expect(options(html, "sidebar-add-participant").map((o) => o.text)).toEqual(["Olivia Owner"]);
    expect(await ids()).toEqual([member.id]);
    res = await post(member.client, `${base}/participants`, { user_id: String(outsider.id) });
    expect(res.status).toBe(422);
    expect(await ids()).toEqual([member.id]);
    res = await post(member.client, `${base}/participants/remove`, { user_id: String(member.id) });
    expect(await res.text()).not.toContain(`data-participant-id="${member.id}"`);
    expect(await ids()).toEqual([]);
  });

  test("custom attributes: set and remove as key/value; a bad key names the field", async () => {
    let res = await post(member.client, `${base}/custom-attributes`, { key: "order_id", value: "A-1001" });
    let html = await res.text();
    expect(html).toContain("order_id");
    expect(html).toContain("A-1001");
    expect((await kit.api("GET", `/conversations/${conv.displayId}`)).custom_attributes).toEqual({ order_id: "A-1001" });
    res = await post(member.client, `${base}/custom-attributes`, { key: "bad key!", value: "x" });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("key: may contain only letters");
    res = await post(member.client, `${base}/custom-attributes/remove`, { key: "order_id" });
    html = await res.text();
    expect(html).toContain("No custom attributes.");
    expect((await kit.api("GET", `/conversations/${conv.displayId}`)).custom_attributes).toEqual({});
  });

  test("previous conversations: only those the viewer may see, linking to them", async () => {
    const forMember = (await member.client.page(`${base}/previous`)).html;
    expect(forMember).not.toContain(`data-previous-conversation="${hiddenConv}"`);
    expect(forMember).toContain("No other conversations with this contact.");
    const forOwner = (await kit.owner.page(`${base}/previous`)).html;
    expect(forOwner).toContain(`href="${kit.accountPath}/conversations/${hiddenConv}"`);
    expect(forOwner).toContain("Billing");
    expect(forOwner).toContain("Invoice #77 is &lt;wrong&gt;");
  });

  test("an agent without access gets 404 for the sidebar, its sections and its actions; nothing changes", async () => {
    await outsider.client.page(`${kit.accountPath}/dashboard`);
    expect((await outsider.client.get(base)).status).toBe(404);
    expect((await outsider.client.get(`${base}/contact`)).status).toBe(404);
    const res = await post(outsider.client, `${base}/priority`, { priority: "high" });
    expect(res.status).toBe(404);
    expect((await kit.api("GET", `/conversations/${conv.displayId}`)).priority).toBeNull();
    expect((await member.client.get(`${kit.accountPath}/conversations/${hiddenConv}/sidebar`)).status).toBe(404);
  });

  test("without htmx a form post redirects back to the conversation; an unknown section is 404", async () => {
    const res = await post(member.client, `${base}/priority`, { priority: "low" }, false);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`${kit.accountPath}/conversations/${conv.displayId}`);
    expect((await kit.api("GET", `/conversations/${conv.displayId}`)).priority).toBe("low");
    expect((await member.client.get(`${base}/nonsense`)).status).toBe(404);
    // htmx posts need the CSRF token too.
    expect((await member.client.post(`${base}/priority`, { priority: "high" }, { csrf: "bad", headers: HX })).status).toBe(403);
    expect((await kit.api("GET", `/conversations/${conv.displayId}`)).priority).toBe("low");
  });
});
