import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { channels, inboxes } from "../../../db/schema/inboxes.ts";
import { createAdmin, startTestServer, type TestServer } from "../../../testing/server.ts";
import { accountPath, caller, createApiInbox, startConversation, type Admin } from "./conversation-test-kit.ts";

let server: TestServer;
let admin: Admin;
let call: ReturnType<typeof caller>;
let inbox: { id: number };

beforeAll(async () => {
  server = startTestServer({ PARLEY_MAX_UPLOAD_BYTES: String(64 * 1024) });
  call = caller(server);
  admin = await createAdmin(server);
  inbox = await createApiInbox(server, admin, { enable_auto_assignment: false });
});
afterAll(() => server.close());

const conv = (rest = "") => accountPath(admin.account.id, `/conversations${rest}`);
const PNG = Uint8Array.from(
  atob("iVBORw0KGgoAAAANSUhEUgAAAAIAAAADCAYAAAC56t6BAAAAEklEQVR42mP8z8DwnwEJMOIQAAB4/Ab9xQ2BUgAAAABJRU5ErkJggg=="),
  (ch) => ch.charCodeAt(0),
);

function upload(path: string, form: FormData, token = admin.token) {
  return server.api(path, { token, method: "POST", body: form });
}

/** A web-widget inbox written straight to the database (the widget channel arrives in a later issue). */
function widgetInbox(): number {
  const db = server.deps.db;
  const now = Date.now();
  const channel = db
    .insert(channels)
    .values({ account_id: admin.account.id, channel_type: "Channel::WebWidget", identifier: crypto.randomUUID(), hmac_token: "h", secret: "s", created_at: now, updated_at: now })
    .returning()
    .get();
  return db.insert(inboxes).values({ account_id: admin.account.id, channel_id: channel.id, name: "Widget", enable_auto_assignment: false, created_at: now, updated_at: now }).returning().get().id;
}

describe("POST …/messages", () => {
  test("an agent's reply is outgoing, from them; it is the first reply and ends the wait", async () => {
    const c = await startConversation(server, admin, inbox.id);
    expect(c.waiting_since).toBeGreaterThan(0);
    expect(c.first_reply_created_at).toBe(0);
    const res = await call(admin.token, "POST", conv(`/${c.id}/messages`), { content: "Hi, how can I help?", echo_id: "e-1" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      content: "Hi, how can I help?",
      message_type: 1,
      private: false,
      status: "sent",
      echo_id: "e-1",
      conversation_id: c.id,
      source_id: null,
      sender: { id: admin.user.id, type: "user", name: "Ada Admin", available_name: "Ada Admin" },
    });
    const after = (await call(admin.token, "GET", conv(`/${c.id}`))).body;
    expect(after.first_reply_created_at).toBeGreaterThan(0);
    expect(after.waiting_since).toBe(0);
    const incoming = await call(admin.token, "POST", conv(`/${c.id}/messages`), { content: "My order is late", message_type: "incoming" });
    expect(incoming.body.message_type).toBe(0);
    expect((await call(admin.token, "GET", conv(`/${c.id}`))).body.waiting_since).toBeGreaterThan(0);
  });

  test("private notes do not count as a reply; template and content_type/content_attributes are kept", async () => {
    const c = await startConversation(server, admin, inbox.id);
    const note = await call(admin.token, "POST", conv(`/${c.id}/messages`), { content: "internal", private: true });
    expect(note.body).toMatchObject({ private: true, message_type: 1 });
    expect((await call(admin.token, "GET", conv(`/${c.id}`))).body.first_reply_created_at).toBe(0);
    const cards = await call(admin.token, "POST", conv(`/${c.id}/messages`), {
      content: "Pick one",
      content_type: "input_select",
      content_attributes: { items: [{ title: "A", value: "a" }] },
      message_type: "template",
    });
    expect(cards.status).toBe(200);
    expect(cards.body).toMatchObject({ content_type: "input_select", content_attributes: { items: [{ title: "A", value: "a" }] }, message_type: 3 });
  });

  test("incoming messages only in API inboxes; blank messages and bad fields are 422", async () => {
    const widget = widgetInbox();
    const c = await startConversation(server, admin, widget);
    const incoming = await call(admin.token, "POST", conv(`/${c.id}/messages`), { content: "x", message_type: "incoming" });
    expect(incoming.status).toBe(422);
    expect(incoming.body.errors[0].field).toBe("message_type");
    for (const [body, field] of [
      [{}, "content"],
      [{ content: "" }, "content"],
      [{ content: "x", message_type: "sideways" }, "message_type"],
      [{ content: "x", content_type: "banner" }, "content_type"],
      [{ content: "x", private: "maybe" }, "private"],
      [{ content: "x", content_attributes: [1, 2] }, "content_attributes"],
    ] as const) {
      const res = await call(admin.token, "POST", conv(`/${c.id}/messages`), body);
      expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), 422]);
      expect(res.body.errors[0].field).toBe(field);
    }
    expect((await call(admin.token, "POST", conv("/999999/messages"), { content: "x" })).status).toBe(404);
  });

  test("an agent's outgoing message renders {{contact.name}}-style variables (canned responses); incoming messages keep them", async () => {
    const c = await startConversation(server, admin, inbox.id);
    const name = c.meta.sender.name as string;
    const out = await call(admin.token, "POST", conv(`/${c.id}/messages`), {
      content: "Hi {{contact.first_name | default: 'there'}}, this is {{agent.name}} about #{{conversation.display_id}} — `{{contact.name}}` stays",
    });
    expect(out.status).toBe(200);
    expect(out.body.content).toBe(`Hi ${name.split(" ")[0]}, this is Ada Admin about #${c.id} — \`{{contact.name}}\` stays`);
    const incoming = await call(admin.token, "POST", conv(`/${c.id}/messages`), { content: "my name is {{contact.name}}", message_type: "incoming" });
    expect(incoming.body.content).toBe("my name is {{contact.name}}");
  });

  test("1 MB bodies and HTML/script content are stored verbatim and returned as JSON", async () => {
    const c = await startConversation(server, admin, inbox.id);
    const big = "é<script>alert(1)</script>".repeat(1) + "x".repeat(1_000_000 - 26);
    const res = await call(admin.token, "POST", conv(`/${c.id}/messages`), { content: big });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(res.body.content).toBe(big);
    const listed = await call(admin.token, "GET", conv(`/${c.id}/messages`));
    expect(listed.body.payload.at(-1).content).toBe(big);
    const tooBig = await call(admin.token, "POST", conv(`/${c.id}/messages`), { content: "y".repeat(1_100_000) });
    expect(tooBig.status).toBe(413);
  });
});

describe("attachments", () => {
  test("multipart upload: stored under the data dir, listed with Chatwoot's attachment fields, served to the account", async () => {
    const c = await startConversation(server, admin, inbox.id);
    const form = new FormData();
    form.append("content", "see attached");
    form.append("private", "false");
    form.append("attachments[]", new File([PNG], "dot.png", { type: "image/png" }));
    form.append("attachments[]", new File(["%PDF-1.4 fake"], "invoice.pdf", { type: "application/pdf" }));
    const res = await upload(conv(`/${c.id}/messages`), form);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.attachments).toHaveLength(2);
    const [img, pdf] = body.attachments;
    expect(img).toMatchObject({ file_type: "image", extension: "png", file_size: PNG.byteLength, width: 2, height: 3, message_id: body.id, account_id: admin.account.id });
    expect(pdf).toMatchObject({ file_type: "file", extension: "pdf", thumb_url: "" });
    expect(img.data_url).toMatch(new RegExp(`/files/${img.id}/[A-Za-z0-9]{32}/`));
    expect(readdirSync(join(server.dataDir, "uploads", "attachments")).length).toBeGreaterThanOrEqual(2);

    // data_url is a capability URL: it works without a token (visitors' browsers, webhook receivers, bots) ...
    const capability = new URL(img.data_url).pathname;
    const open = await server.api(capability);
    expect(open.status).toBe(200);
    expect(open.headers.get("content-type")).toBe("image/png");
    expect(open.headers.get("referrer-policy")).toBe("no-referrer");
    expect(new Uint8Array(await open.arrayBuffer())).toEqual(PNG);
    // ... and only with the exact capability.
    expect((await server.api(capability.replace(/\/files\/(\d+)\/[A-Za-z0-9]{32}/, "/files/$1/" + "A".repeat(32)))).status).toBe(404);
    expect((await server.api(capability.replace(`/files/${img.id}/`, `/files/${pdf.id}/`))).status).toBe(404);

    // The account API serves the same bytes to an API token of the account only.
    const path = accountPath(admin.account.id, `/attachments/${img.id}`);
    const download = await server.api(path, { token: admin.token });
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("image/png");
    expect(download.headers.get("x-content-type-options")).toBe("nosniff");
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(PNG);
    expect((await server.api(path)).status).toBe(401);
    const other = await createAdmin(server, { accountName: "Other" });
    expect((await server.api(path, { token: other.token })).status).toBe(404);
    expect((await server.api(accountPath(other.account.id, `/attachments/${img.id}`), { token: other.token })).status).toBe(404);
  });

  test("SVG and HTML (whatever they claim to be) are never served inline", async () => {
    const c = await startConversation(server, admin, inbox.id);
    const form = new FormData();
    form.append("attachments[]", new File(['<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'], "x.svg", { type: "image/svg+xml" }));
    form.append("attachments[]", new File(["<!DOCTYPE html><html><script>alert(1)</script></html>"], "cat.png", { type: "image/png" }));
    const body = await (await upload(conv(`/${c.id}/messages`), form)).json();
    expect(body.content).toBeNull();
    for (const a of body.attachments) {
      expect(a.file_type).toBe(a.extension === "svg" ? "image" : "file");
      for (const res of [await server.api(new URL(a.data_url).pathname), await server.api(accountPath(admin.account.id, `/attachments/${a.id}`), { token: admin.token })]) {
        expect(res.headers.get("content-disposition")).toStartWith("attachment;");
        expect(res.headers.get("content-type")).toBe("application/octet-stream");
        expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      }
      const res = await server.api(new URL(a.data_url).pathname);
      expect(res.headers.get("content-disposition")).toStartWith("attachment;");
      expect(res.headers.get("content-type")).toBe("application/octet-stream");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    }
  });

  test("uploads over the size limit are 413; more than 15 files are 422", async () => {
    const c = await startConversation(server, admin, inbox.id);
    const big = new FormData();
    big.append("attachments[]", new File([new Uint8Array(80 * 1024)], "big.bin"));
    expect((await upload(conv(`/${c.id}/messages`), big)).status).toBe(413);
    const many = new FormData();
    for (let i = 0; i < 16; i++) many.append("attachments[]", new File(["x"], `f${i}.txt`, { type: "text/plain" }));
    const res = await upload(conv(`/${c.id}/messages`), many);
    expect(res.status).toBe(422);
    expect((await res.json()).errors[0].field).toBe("attachments");
  });
});

describe("GET …/messages", () => {
  test("the 20 latest, oldest first; before and after page by message id; meta describes the conversation", async () => {
    const c = await startConversation(server, admin, inbox.id, { assignee_id: admin.user.id });
    const ids: number[] = [];
    for (let i = 0; i < 30; i++) ids.push((await call(admin.token, "POST", conv(`/${c.id}/messages`), { content: `m${i}` })).body.id);
    const all = [...(await call(admin.token, "GET", conv(`/${c.id}/messages?after=0`))).body.payload.map((m: { id: number }) => m.id)];
    expect(all.slice(-30)).toEqual(ids);
    const latest = await call(admin.token, "GET", conv(`/${c.id}/messages`));
    expect(latest.body.payload.map((m: { id: number }) => m.id)).toEqual(all.slice(-20));
    expect(latest.body.meta).toMatchObject({ labels: [], additional_attributes: {}, assignee: { id: admin.user.id, type: "user" }, assignee_type: "User", agent_last_seen_at: null });
    const before = await call(admin.token, "GET", conv(`/${c.id}/messages?before=${ids[10]}`));
    expect(before.body.payload.map((m: { id: number }) => m.id)).toEqual(all.slice(0, all.indexOf(ids[10])).slice(-20));
    const after = await call(admin.token, "GET", conv(`/${c.id}/messages?after=${ids[25]}`));
    expect(after.body.payload.map((m: { id: number }) => m.id)).toEqual(ids.slice(26));
    const between = await call(admin.token, "GET", conv(`/${c.id}/messages?after=${ids[3]}&before=${ids[6]}`));
    expect(between.body.payload.map((m: { id: number }) => m.id)).toEqual(ids.slice(3, 6));
    expect((await call(admin.token, "GET", conv(`/${c.id}/messages?before=abc`))).status).toBe(422);
  });
});

describe("DELETE and PATCH …/messages/{id}", () => {
  test("delete is soft: Chatwoot's text, content_attributes.deleted, attachments removed", async () => {
    const c = await startConversation(server, admin, inbox.id);
    const form = new FormData();
    form.append("content", "oops");
    form.append("attachments[]", new File([PNG], "dot.png", { type: "image/png" }));
    const m = await (await upload(conv(`/${c.id}/messages`), form)).json();
    const file = new URL(m.attachments[0].data_url).pathname;
    const res = await call(admin.token, "DELETE", conv(`/${c.id}/messages/${m.id}`));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: m.id, content: "This message was deleted", content_attributes: { deleted: true } });
    expect(res.body.attachments).toBeUndefined();
    expect((await server.api(file, { token: admin.token })).status).toBe(404);
    const listed = (await call(admin.token, "GET", conv(`/${c.id}/messages`))).body.payload.find((x: { id: number }) => x.id === m.id);
    expect(listed.content).toBe("This message was deleted");
    expect((await call(admin.token, "DELETE", conv(`/${c.id}/messages/999999`))).status).toBe(404);
    const other = await startConversation(server, admin, inbox.id);
    expect((await call(admin.token, "DELETE", conv(`/${other.id}/messages/${m.id}`))).status).toBe(404);
  });

  test("API inboxes update a message's delivery status; other inboxes may not", async () => {
    const c = await startConversation(server, admin, inbox.id);
    const m = (await call(admin.token, "POST", conv(`/${c.id}/messages`), { content: "to deliver" })).body;
    const delivered = await call(admin.token, "PATCH", conv(`/${c.id}/messages/${m.id}`), { status: "delivered" });
    expect(delivered.status).toBe(200);
    expect(delivered.body.status).toBe("delivered");
    const failed = await call(admin.token, "PATCH", conv(`/${c.id}/messages/${m.id}`), { status: "failed", external_error: "number unreachable" });
    expect(failed.body).toMatchObject({ status: "failed", content_attributes: { external_error: "number unreachable" } });
    expect((await call(admin.token, "PATCH", conv(`/${c.id}/messages/${m.id}`), { status: "lost" })).status).toBe(422);
    const widget = await startConversation(server, admin, widgetInbox());
    const wm = (await call(admin.token, "POST", conv(`/${widget.id}/messages`), { content: "x" })).body;
    expect((await call(admin.token, "PATCH", conv(`/${widget.id}/messages/${wm.id}`), { status: "read" })).status).toBe(403);
    expect(existsSync(server.dataDir)).toBe(true);
  });
});
