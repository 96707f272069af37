// Conversation transcripts by email, end to end: the widget's POST /api/v1/widget/conversations/transcript and the
// agents' POST /api/v1/accounts/{id}/conversations/{id}/transcript, delivered through the mail outbox to a real
// SMTP server and parsed back as a mail client would.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { simpleParser, type ParsedMail } from "mailparser";
import { startSmtpSink, type SmtpSink } from "../../testing/fixtures/smtp-sink.ts";
import { createAdmin, createAgent, startTestServer, type TestServer } from "../../testing/server.ts";
import { WebClient } from "../../web/test-client.ts";
import { TRANSCRIPT_LIMITS } from "./transcript.ts";

let smtp: SmtpSink;
let server: TestServer;
let admin: Awaited<ReturnType<typeof createAdmin>>;
let websiteToken = "";

async function app(method: string, path: string, json?: unknown, token = admin.token) {
  const res = await server.api(`/api/v1/accounts/${admin.account.id}${path}`, { token, method, json });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function widget(method: string, path: string, auth: string, json?: unknown, headers: Record<string, string> = {}) {
  const res = await server.api(`/api/v1/widget/${path}?website_token=${websiteToken}`, { method, json, headers: { "X-Auth-Token": auth, ...headers } });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

/** A new anonymous visitor (its own client address, so the per-IP limit of one test does not leak into another). */
async function visitor(ip: string) {
  const r = await widget("POST", "config", "", undefined, { "X-Forwarded-For": ip });
  expect(r.status).toBe(200);
  return r.body.website_channel_config.auth_token as string;
}

/** Waits until the SMTP sink has received a mail for `to`, and parses it. */
async function mailTo(to: string, count = 1): Promise<ParsedMail[]> {
  const until = Date.now() + 5000;
  let got = smtp.received.filter((m) => m.to.includes(to));
  while (got.length < count && Date.now() < until) {
    await Bun.sleep(20);
    got = smtp.received.filter((m) => m.to.includes(to));
  }
  expect(got.length).toBe(count);
  return Promise.all(got.map((m) => simpleParser(m.raw)));
}

const errorFields = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);

beforeAll(async () => {
  smtp = await startSmtpSink();
  server = startTestServer({ PARLEY_SMTP_URL: smtp.url, PARLEY_MAIL_FROM: "Acme Support <support@acme.test>" });
  admin = await createAdmin(server, { accountName: "Acme", name: "Ada Admin" });
  const inbox = await app("POST", "/inboxes", { name: "Acme <Web>", channel: { type: "web_widget", website_url: "https://shop.example" } });
  expect(inbox.status).toBe(200);
  websiteToken = inbox.body.website_token;
});
afterAll(async () => {
  await server.close();
  await smtp.close();
});

/** A conversation from the widget with a visitor message, an agent reply, a private note and an activity line. */
async function conversationWithNote(ip: string, email: string | null) {
  const auth = await visitor(ip);
  if (email) expect((await widget("PATCH", "contact", auth, { email, name: "Vera <b>Visitor</b>" }, { "X-Forwarded-For": ip })).status).toBe(200);
  const created = await widget("POST", "conversations", auth, { message: { content: 'Hello <script>alert("x")</script> & "friends"\nsecond line' } }, { "X-Forwarded-For": ip });
  expect(created.status).toBe(200);
  const id = created.body.id as number;
  expect((await app("POST", `/conversations/${id}/messages`, { content: "Hi Vera, <img src=x onerror=alert(1)> it ships today", message_type: "outgoing" })).status).toBe(200);
  expect((await app("POST", `/conversations/${id}/messages`, { content: "SECRET internal note: refund later", private: true })).status).toBe(200);
  expect((await app("POST", `/conversations/${id}/toggle_status`, { status: "resolved" })).status).toBe(200);
  return { auth, id };
}

describe("widget: POST /api/v1/widget/conversations/transcript", () => {
  test("mails the public messages to the contact's email: plain text and escaped HTML, no private notes", async () => {
    const { auth } = await conversationWithNote("203.0.113.1", "vera@shop.test");
    const r = await widget("POST", "conversations/transcript", auth, {}, { "X-Forwarded-For": "203.0.113.1" });
    expect(r.status).toBe(200);
    const [mail] = await mailTo("vera@shop.test");
    expect(mail.subject).toMatch(/^\[Acme <Web>\] Conversation transcript #\d+$/);
    expect(mail.from?.text).toBe('"Acme Support" <support@acme.test>');

    // Plain text: both sides of the conversation in order, with names and times; no private note, no activity.
    const text = mail.text ?? "";
    expect(text).toContain("Your conversation with Acme <Web>");
    expect(text).toContain('Hello <script>alert("x")</script> & "friends"\nsecond line');
    expect(text).toContain("Ada Admin — ");
    expect(text).toContain("Hi Vera, <img src=x onerror=alert(1)> it ships today");
    expect(text.indexOf("Hello <script>")).toBeLessThan(text.indexOf("Hi Vera"));
    expect(text).not.toContain("SECRET");
    expect(text).not.toContain("resolved");

    // HTML: the same messages, every piece of user text escaped.
    const html = typeof mail.html === "string" ? mail.html : "";
    expect(html).toContain("Hello &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;friends&quot;");
    expect(html).toContain("Hi Vera, &lt;img src=x onerror=alert(1)&gt; it ships today");
    expect(html).toContain("Vera &lt;b&gt;Visitor&lt;/b&gt;");
    expect(html).toContain("Your conversation with Acme &lt;Web&gt;");
    expect(html).not.toContain("<script");
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<b>");
    expect(html).not.toContain("SECRET");
  });

  test("4xx naming the field: no email on the contact, an invalid address, someone else's address; unknown session 404", async () => {
    const { auth } = await conversationWithNote("203.0.113.2", null);
    const none = await widget("POST", "conversations/transcript", auth, {}, { "X-Forwarded-For": "203.0.113.2" });
    expect(none.status).toBe(422);
    expect(errorFields(none.body)).toEqual(["email"]);

    const withEmail = await conversationWithNote("203.0.113.3", "own@shop.test");
    const bad = await widget("POST", "conversations/transcript", withEmail.auth, { email: "not-an-email" }, { "X-Forwarded-For": "203.0.113.3" });
    expect(bad.status).toBe(422);
    expect(errorFields(bad.body)).toEqual(["email"]);
    const other = await widget("POST", "conversations/transcript", withEmail.auth, { email: "victim@elsewhere.test" }, { "X-Forwarded-For": "203.0.113.3" });
    expect(other.status).toBe(422);
    expect(errorFields(other.body)).toEqual(["email"]);
    const notString = await widget("POST", "conversations/transcript", withEmail.auth, { email: 42 }, { "X-Forwarded-For": "203.0.113.3" });
    expect(notString.status).toBe(422);
    expect(errorFields(notString.body)).toEqual(["email"]);
    // The contact's own address, given explicitly (any case), is fine.
    expect((await widget("POST", "conversations/transcript", withEmail.auth, { email: "OWN@shop.test" }, { "X-Forwarded-For": "203.0.113.3" })).status).toBe(200);
    await mailTo("own@shop.test");
    expect(smtp.received.some((m) => m.to.includes("victim@elsewhere.test"))).toBe(false);

    // A visitor without a conversation has nothing to send.
    const fresh = await visitor("203.0.113.4");
    expect((await widget("POST", "conversations/transcript", fresh, {}, { "X-Forwarded-For": "203.0.113.4" })).status).toBe(404);
    expect((await widget("POST", "conversations/transcript", "not-a-token", {}, { "X-Forwarded-For": "203.0.113.4" })).status).toBe(404);
  });

  test(`rate limited: at most ${TRANSCRIPT_LIMITS.perContact} an hour for one contact, then 429 with Retry-After`, async () => {
    const { auth } = await conversationWithNote("203.0.113.5", "many@shop.test");
    for (let i = 0; i < TRANSCRIPT_LIMITS.perContact; i++) {
      expect((await widget("POST", "conversations/transcript", auth, {}, { "X-Forwarded-For": "203.0.113.5" })).status).toBe(200);
    }
    const limited = await widget("POST", "conversations/transcript", auth, {}, { "X-Forwarded-For": "203.0.113.5" });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    // the agent endpoint counts against the same contact
    const conv = (await app("GET", `/conversations?status=all`)).body.data.payload.find((c: any) => c.meta.sender.email === "many@shop.test");
    expect((await app("POST", `/conversations/${conv.id}/transcript`, { email: "boss@acme.test" })).status).toBe(429);
    await mailTo("many@shop.test", TRANSCRIPT_LIMITS.perContact);
  });
});

describe("agents: POST /api/v1/accounts/{id}/conversations/{id}/transcript", () => {
  test("mails the transcript to the given address; private notes stay out", async () => {
    const { id } = await conversationWithNote("198.51.100.1", "carl@shop.test");
    const r = await app("POST", `/conversations/${id}/transcript`, { email: "Team-Lead@Acme.test" });
    expect(r.status).toBe(200);
    const [mail] = await mailTo("team-lead@acme.test");
    expect(mail.subject).toBe(`[Acme <Web>] Conversation transcript #${id}`);
    expect(mail.text).toContain("it ships today");
    expect(mail.text).not.toContain("SECRET");
    expect(String(mail.html)).not.toContain("SECRET");
    expect(String(mail.html)).toContain("&lt;script&gt;");
  });

  test("422 naming email when it is missing or invalid; 404 for a conversation the agent cannot see", async () => {
    const { id } = await conversationWithNote("198.51.100.2", "dora@shop.test");
    for (const body of [{}, { email: "" }, { email: "nope" }, { email: "a@b.c, d@e.f" }, { email: 7 }]) {
      const r = await app("POST", `/conversations/${id}/transcript`, body);
      expect(r.status).toBe(422);
      expect(errorFields(r.body)).toEqual(["email"]);
    }
    const agent = await createAgent(server, admin);
    expect((await app("POST", `/conversations/${id}/transcript`, { email: "x@acme.test" }, agent.token)).status).toBe(404);
    expect((await app("POST", `/conversations/999999/transcript`, { email: "x@acme.test" })).status).toBe(404);
    expect(smtp.received.some((m) => m.to.includes("x@acme.test"))).toBe(false);
  });
});

describe("dashboard: Send transcript in the conversation's actions", () => {
  async function login(email: string, password: string): Promise<WebClient> {
    const client = new WebClient(server);
    await client.page("/app/login");
    expect((await client.post("/app/login", { email, password })).status).toBe(302);
    return client;
  }
  /** As conversation.js posts it: htmx and CSRF headers, session cookie, same origin. */
  function xhr(client: WebClient, path: string, values: Record<string, string>) {
    const body = new FormData();
    for (const [k, v] of Object.entries(values)) body.append(k, v);
    const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    return fetch(server.url + path, { method: "POST", redirect: "manual", headers: { cookie, origin: server.url, "x-csrf-token": client.csrf, "hx-request": "true" }, body });
  }

  test("the menu is prefilled with the contact's email; sending answers in place; bad input names the field", async () => {
    const { id } = await conversationWithNote("192.0.2.1", "erin@shop.test");
    const owner = await login(admin.email, admin.password);
    const base = `/app/accounts/${admin.account.id}/conversations/${id}`;
    const { res, html } = await owner.page(base);
    expect(res.status).toBe(200);
    expect(html).toContain(`action="${base}/transcript"`);
    expect(html).toMatch(/<input type="email" id="transcript-email" name="email" value="erin@shop.test"/);

    const sent = await xhr(owner, `${base}/transcript`, { email: "erin@shop.test" });
    expect(sent.status).toBe(200);
    expect(await sent.text()).toBe("Transcript sent to erin@shop.test.");
    const [mail] = await mailTo("erin@shop.test");
    expect(mail.text).toContain("it ships today");
    expect(mail.text).not.toContain("SECRET");

    const bad = await xhr(owner, `${base}/transcript`, { email: "erin at shop" });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toBe("Email is invalid.");
    const blank = await xhr(owner, `${base}/transcript`, {});
    expect(blank.status).toBe(422);
    expect(await blank.text()).toContain("Email");

    // Without JavaScript the form posts and comes back to the conversation.
    const plain = await owner.post(`${base}/transcript`, { email: "desk@acme.test" });
    expect(plain.status).toBe(303);
    expect(plain.headers.get("location")).toBe(base);
    await mailTo("desk@acme.test");
  });

  test("an agent who is not a member of the conversation's inbox gets a 404 and no mail leaves", async () => {
    const { id } = await conversationWithNote("192.0.2.2", "finn@shop.test");
    const agent = await createAgent(server, admin, { password: "Passw0rd!long" });
    const client = await login(agent.email, agent.password);
    await client.page(`/app/accounts/${admin.account.id}/dashboard`);
    const res = await xhr(client, `/app/accounts/${admin.account.id}/conversations/${id}/transcript`, { email: "leak@evil.test" });
    expect(res.status).toBe(404);
    await Bun.sleep(100);
    expect(smtp.received.some((m) => m.to.includes("leak@evil.test"))).toBe(false);
  });
});
