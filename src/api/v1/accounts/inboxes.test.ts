import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createAdmin, createAgent, startTestServer, type TestServer } from "../../../testing/server.ts";

let server: TestServer;
let admin: Awaited<ReturnType<typeof createAdmin>>;
let agent: Awaited<ReturnType<typeof createAgent>>;
let other: Awaited<ReturnType<typeof createAdmin>>;

beforeAll(async () => {
  server = startTestServer();
  admin = await createAdmin(server, { accountName: "Acme" });
  agent = await createAgent(server, admin);
  other = await createAdmin(server, { accountName: "Globex" });
});
afterAll(() => server.close());

async function call(token: string, method: string, path: string, json?: unknown) {
  const res = await server.api(path, { token, method, json });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
const base = (accountId: number = admin.account.id) => `/api/v1/accounts/${accountId}/inboxes`;

async function createApiInbox(name = "API Channel", channel: Record<string, unknown> = {}) {
  const res = await call(admin.token, "POST", base(), { name, channel: { type: "api", webhook_url: "https://example.com/callback", ...channel } });
  expect(res.status).toBe(200);
  return res.body;
}

describe("POST /inboxes (API channel)", () => {
  test("creates the channel and the inbox with Chatwoot's inbox fields, identifier and secrets", async () => {
    const { status, body } = await call(admin.token, "POST", base(), {
      name: "Support API",
      greeting_enabled: true,
      greeting_message: "Hello <b>there</b>",
      enable_auto_assignment: false,
      timezone: "Europe/Berlin",
      lock_to_single_conversation: true,
      channel: { type: "api", webhook_url: "https://hooks.example.com/chatwoot", hmac_mandatory: true, additional_attributes: { agent_reply_time_window: 12 } },
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      name: "Support API",
      channel_type: "Channel::Api",
      greeting_enabled: true,
      greeting_message: "Hello <b>there</b>",
      enable_auto_assignment: false,
      timezone: "Europe/Berlin",
      lock_to_single_conversation: true,
      allow_messages_after_resolved: true,
      webhook_url: "https://hooks.example.com/chatwoot",
      hmac_mandatory: true,
      additional_attributes: { agent_reply_time_window: 12 },
      website_token: null,
      widget_color: null,
    });
    expect(typeof body.id).toBe("number");
    expect(typeof body.channel_id).toBe("number");
    expect(body.inbox_identifier).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(body.hmac_token).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(body.secret).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(new Set([body.inbox_identifier, body.hmac_token, body.secret]).size).toBe(3);
    expect(body.working_hours).toHaveLength(7);
    for (const key of ["enable_email_collect", "csat_survey_enabled", "working_hours_enabled", "out_of_office_message", "avatar_url", "sender_name_type", "auto_assignment_config"]) {
      expect(body).toHaveProperty(key);
    }
  });

  test("the article's minimal inbox: a name and a callback URL; the webhook URL may also be empty", async () => {
    const inbox = await createApiInbox("Minimal");
    expect(inbox.webhook_url).toBe("https://example.com/callback");
    expect(inbox.enable_auto_assignment).toBe(true);
    const empty = await call(admin.token, "POST", base(), { name: "No callback", channel: { type: "api", webhook_url: "" } });
    expect(empty.status).toBe(200);
    expect(empty.body.webhook_url).toBeNull();
  });

  test("rejects bad input naming the field", async () => {
    const cases: [unknown, string][] = [
      [{ channel: { type: "api" } }, "name"],
      [{ name: "  ", channel: { type: "api" } }, "name"],
      [{ name: "X" }, "channel"],
      [{ name: "X", channel: { type: "carrier_pigeon" } }, "channel.type"],
      [{ name: "X", channel: { type: "api", webhook_url: "ftp://example.com" } }, "channel.webhook_url"],
      [{ name: "X", channel: { type: "api", webhook_url: "not a url" } }, "channel.webhook_url"],
      [{ name: "X", channel: { type: "api", hmac_mandatory: "yes" } }, "channel.hmac_mandatory"],
      [{ name: "X", timezone: "Mars/Olympus", channel: { type: "api" } }, "timezone"],
      [{ name: "X", greeting_enabled: "maybe", channel: { type: "api" } }, "greeting_enabled"],
      [{ name: "X", sender_name_type: "robot", channel: { type: "api" } }, "sender_name_type"],
      [{ name: 42, channel: { type: "api" } }, "name"],
    ];
    for (const [json, field] of cases) {
      const { status, body } = await call(admin.token, "POST", base(), json);
      expect({ json, status }).toEqual({ json, status: 422 });
      expect(body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
  });

  test("malformed JSON is 400; agents may not create (403)", async () => {
    const bad = await server.api(base(), { token: admin.token, method: "POST", body: "{", headers: { "content-type": "application/json" } });
    expect(bad.status).toBe(400);
    const res = await call(agent.token, "POST", base(), { name: "Agent's", channel: { type: "api" } });
    expect(res.status).toBe(403);
  });

  test("accepts Rails-style form bodies", async () => {
    const form = new URLSearchParams({ name: "Form inbox", "channel[type]": "api", "channel[webhook_url]": "http://localhost:9/x", "channel[hmac_mandatory]": "true", greeting_enabled: "true" });
    const res = await server.api(base(), { token: admin.token, method: "POST", body: form, headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: "Form inbox", hmac_mandatory: true, greeting_enabled: true, webhook_url: "http://localhost:9/x" });
  });
});

describe("GET /inboxes and /inboxes/:id", () => {
  test("administrators see every inbox, with secrets; agents only their inboxes, without secrets", async () => {
    const a = await createApiInbox("Alpha");
    const b = await createApiInbox("Beta");
    const list = await call(admin.token, "GET", base());
    expect(list.status).toBe(200);
    const ids = list.body.payload.map((i: { id: number }) => i.id);
    expect(ids).toEqual(expect.arrayContaining([a.id, b.id]));
    const names = list.body.payload.map((i: { name: string }) => i.name.toLowerCase());
    expect(names).toEqual([...names].sort());
    expect(list.body.payload.find((i: { id: number }) => i.id === a.id).hmac_token).toBe(a.hmac_token);

    expect((await call(agent.token, "GET", base())).body.payload).toEqual([]);
    expect((await call(agent.token, "GET", `${base()}/${a.id}`)).status).toBe(403);

    const added = await call(admin.token, "POST", `/api/v1/accounts/${admin.account.id}/inbox_members`, { inbox_id: a.id, user_ids: [agent.user.id] });
    expect(added.status).toBe(200);
    const mine = await call(agent.token, "GET", base());
    expect(mine.body.payload.map((i: { id: number }) => i.id)).toEqual([a.id]);
    const shown = await call(agent.token, "GET", `${base()}/${a.id}`);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ id: a.id, inbox_identifier: a.inbox_identifier, webhook_url: a.webhook_url });
    expect(shown.body).not.toHaveProperty("hmac_token");
    expect(shown.body).not.toHaveProperty("secret");
    expect((await call(agent.token, "GET", `${base()}/${b.id}`)).status).toBe(403);
  });

  test("another account's inbox and unknown ids are 404", async () => {
    const a = await createApiInbox("Mine");
    expect((await call(other.token, "GET", `${base(other.account.id)}/${a.id}`)).status).toBe(404);
    expect((await call(other.token, "PATCH", `${base(other.account.id)}/${a.id}`, { name: "stolen" })).status).toBe(404);
    expect((await call(other.token, "DELETE", `${base(other.account.id)}/${a.id}`)).status).toBe(404);
    expect((await call(other.token, "GET", `${base(admin.account.id)}/${a.id}`)).status).toBe(404);
    expect((await call(admin.token, "GET", `${base()}/999999`)).status).toBe(404);
    expect((await call(admin.token, "GET", `${base()}/abc`)).status).toBe(404);
    expect((await call(other.token, "GET", base(other.account.id))).body.payload.map((i: { id: number }) => i.id)).not.toContain(a.id);
  });
});

describe("PATCH /inboxes/:id", () => {
  test("updates inbox settings and channel attributes; identifier and secrets stay", async () => {
    const a = await createApiInbox("Before");
    const { status, body } = await call(admin.token, "PATCH", `${base()}/${a.id}`, {
      name: "After",
      enable_auto_assignment: false,
      greeting_enabled: true,
      greeting_message: "<script>alert(1)</script>",
      working_hours_enabled: true,
      out_of_office_message: "We are away",
      allow_messages_after_resolved: false,
      csat_survey_enabled: true,
      channel: { webhook_url: "https://new.example.com/hook", hmac_mandatory: true, additional_attributes: { x: 1 } },
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: a.id,
      name: "After",
      enable_auto_assignment: false,
      greeting_message: "<script>alert(1)</script>",
      working_hours_enabled: true,
      out_of_office_message: "We are away",
      allow_messages_after_resolved: false,
      csat_survey_enabled: true,
      webhook_url: "https://new.example.com/hook",
      hmac_mandatory: true,
      additional_attributes: { x: 1 },
      inbox_identifier: a.inbox_identifier,
      hmac_token: a.hmac_token,
      secret: a.secret,
    });
    const again = await call(admin.token, "GET", `${base()}/${a.id}`);
    expect(again.body).toMatchObject({ name: "After", webhook_url: "https://new.example.com/hook" });
  });

  test("validates, and only administrators may update", async () => {
    const a = await createApiInbox("Guarded");
    const bad = await call(admin.token, "PATCH", `${base()}/${a.id}`, { channel: { webhook_url: "javascript:alert(1)" } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].field).toBe("channel.webhook_url");
    const blank = await call(admin.token, "PATCH", `${base()}/${a.id}`, { name: "" });
    expect(blank.status).toBe(422);
    expect(blank.body.errors[0].field).toBe("name");
    await call(admin.token, "POST", `/api/v1/accounts/${admin.account.id}/inbox_members`, { inbox_id: a.id, user_ids: [agent.user.id] });
    expect((await call(agent.token, "PATCH", `${base()}/${a.id}`, { name: "Agent was here" })).status).toBe(403);
    expect((await call(admin.token, "GET", `${base()}/${a.id}`)).body.name).toBe("Guarded");
  });
});

describe("DELETE /inboxes/:id", () => {
  test("removes the inbox with its conversations, attachments and contact sessions; contacts stay; agents may not", async () => {
    const a = await createApiInbox("Doomed");
    const keep = await createApiInbox("Kept");
    const accountPath = `/api/v1/accounts/${admin.account.id}`;
    const contact = await call(admin.token, "POST", `${accountPath}/contacts`, { name: "Carla", email: "carla@example.com", inbox_id: a.id });
    expect(contact.status).toBe(200);
    const contactId = contact.body.payload.contact.id;
    const sourceId = contact.body.payload.contact_inbox.source_id;
    await call(admin.token, "POST", `${accountPath}/contacts/${contactId}/contact_inboxes`, { inbox_id: keep.id });
    const doomed = await call(admin.token, "POST", `${accountPath}/conversations`, { source_id: sourceId, inbox_id: a.id });
    expect(doomed.status).toBe(200);
    const kept = await call(admin.token, "POST", `${accountPath}/conversations`, { contact_id: contactId, inbox_id: keep.id });
    expect(kept.status).toBe(200);
    await call(admin.token, "POST", `${accountPath}/conversations/${doomed.body.id}/labels`, { labels: ["gone"] });
    const form = new FormData();
    form.append("content", "with a file");
    form.append("attachments[]", new File(["%PDF-1.4 x"], "x.pdf", { type: "application/pdf" }));
    const message = await server.api(`${accountPath}/conversations/${doomed.body.id}/messages`, { token: admin.token, method: "POST", body: form });
    expect(message.status).toBe(200);
    const db = server.deps.db.$client;
    const { storage_key } = db.query("SELECT storage_key FROM attachments WHERE id = ?").get((await message.json()).attachments[0].id) as { storage_key: string };
    const file = `${server.dataDir}/uploads/${storage_key}`;
    expect(await Bun.file(file).exists()).toBe(true);

    expect((await call(agent.token, "DELETE", `${base()}/${a.id}`)).status).toBe(403);
    const res = await call(admin.token, "DELETE", `${base()}/${a.id}`);
    expect(res.status).toBe(200);
    expect((await call(admin.token, "GET", `${base()}/${a.id}`)).status).toBe(404);
    const after = await call(admin.token, "GET", `${accountPath}/contacts/${contactId}`);
    expect(after.status).toBe(200);
    expect(after.body.payload.contact_inboxes.map((s: { inbox: { id: number } }) => s.inbox.id)).toEqual([keep.id]);
    expect((await call(admin.token, "GET", `${accountPath}/conversations/${doomed.body.id}`)).status).toBe(404);
    expect((await call(admin.token, "GET", `${accountPath}/conversations/${kept.body.id}`)).status).toBe(200);
    expect(await Bun.file(file).exists()).toBe(false);
    expect(db.query("SELECT count(*) n FROM taggings WHERE taggable_type = 'Conversation' AND label = 'gone'").get()).toEqual({ n: 0 });
    expect(db.query("SELECT count(*) n FROM channels WHERE id = ?").get(a.channel_id)).toEqual({ n: 0 });
    expect((await call(admin.token, "DELETE", `${base()}/${a.id}`)).status).toBe(404);
  });
});
