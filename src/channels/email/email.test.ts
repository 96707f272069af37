// The email channel end to end against real servers: Debian's dovecot (IMAP, with IDLE) started from a generated
// config, smtp-server as the inbox's SMTP server and the app's mailer, and Parley's own SMTP receiver.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ImapFlow } from "imapflow";
import nodemailer, { type SendMailOptions } from "nodemailer";
import { CableClient } from "../../realtime/test-client.ts";
import { closedPort, startSmtpSink, type ReceivedMail, type SmtpSink } from "../../testing/fixtures/smtp-sink.ts";
import { startDovecot, type Dovecot } from "../../testing/fakes/dovecot.ts";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../config.ts";
import { startServer } from "../../server.ts";
import { apiClient, createAdmin, startTestServer, TEST_PLATFORM_TOKEN, type TestServer } from "../../testing/server.ts";
import { simpleParser } from "mailparser";
import { emailServicesOf } from "./config.ts";

const MAILBOX = { login: "support@acme.test", password: "imap-Secret-42" };
const INBOUND_DOMAIN = "inbound.parley.test";
// A 1×1 PNG.
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

let dovecot: Dovecot;
let sink: SmtpSink;
let server: TestServer;
let receiverPort: number;
let admin: Awaited<ReturnType<typeof createAdmin>>;
let base: string;

async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(100);
  }
}

async function api(path: string, init: { method?: string; json?: unknown; body?: FormData } = {}) {
  const res = await server.api(`${base}${path}`, { token: admin.token, method: init.method, json: init.json, body: init.body });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, text };
}

async function append(raw: string) {
  const client = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user: MAILBOX.login, pass: MAILBOX.password }, logger: false });
  await client.connect();
  await client.append("INBOX", raw);
  await client.logout();
}

function mime(lines: string[]): string {
  return lines.join("\r\n");
}

async function conversationsOf(inboxId: number) {
  const r = await api(`/conversations?inbox_id=${inboxId}&status=all`);
  return r.body.data.payload as { id: number; meta: { sender: { email: string; name: string } }; additional_attributes: Record<string, unknown> }[];
}

async function messagesOf(displayId: number) {
  const r = await api(`/conversations/${displayId}/messages`);
  return r.body.payload as {
    id: number;
    content: string | null;
    content_type: string;
    message_type: number;
    status: string;
    source_id: string | null;
    content_attributes: Record<string, any>;
    attachments?: { file_name?: string; data_url: string; file_type: string }[];
  }[];
}

async function receivedMatching(pred: (m: ReceivedMail) => boolean): Promise<ReceivedMail> {
  return waitFor("a mail at the SMTP sink", () => sink.received.find(pred));
}

async function sendToReceiver(mail: SendMailOptions) {
  const transport = nodemailer.createTransport({ host: "127.0.0.1", port: receiverPort, secure: false, ignoreTLS: true });
  try {
    return await transport.sendMail(mail);
  } finally {
    transport.close();
  }
}

let imapInbox: { id: number; forward_to_email: string };

beforeAll(async () => {
  dovecot = await startDovecot([MAILBOX]);
  sink = await startSmtpSink();
  receiverPort = await closedPort();
  server = startTestServer({
    PARLEY_SMTP_URL: sink.url,
    PARLEY_MAIL_FROM: "Parley <notifications@parley.test>",
    PARLEY_SMTP_RECEIVER_PORT: String(receiverPort),
    PARLEY_SMTP_RECEIVER_HOST: "127.0.0.1",
    PARLEY_INBOUND_EMAIL_DOMAIN: INBOUND_DOMAIN,
    // Long enough that only IDLE (EXISTS pushed by dovecot) can bring new mail in within a test's wait.
    PARLEY_IMAP_POLL_SECONDS: "30",
    PARLEY_EMAIL_CONTINUITY_DELAY_SECONDS: "0",
  });
  admin = await createAdmin(server, { name: "Ada Admin" });
  base = `/api/v1/accounts/${admin.account.id}`;
  // The receiver binds asynchronously at start-up.
  await waitFor("the SMTP receiver", async () => {
    try {
      const t = nodemailer.createTransport({ host: "127.0.0.1", port: receiverPort, secure: false, ignoreTLS: true });
      await t.verify();
      t.close();
      return true;
    } catch {
      return false;
    }
  });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await sink?.close();
  await dovecot?.stop();
});

describe("email inbox settings", () => {
  test("a wrong IMAP password is refused with 422 naming the field; nothing is stored", async () => {
    const r = await api("/inboxes", {
      method: "POST",
      json: {
        name: "Wrong",
        channel: { type: "email", email: "wrong@acme.test", imap_enabled: true, imap_address: "127.0.0.1", imap_port: dovecot.port, imap_login: MAILBOX.login, imap_password: "nope", imap_enable_ssl: false },
      },
    });
    expect(r.status).toBe(422);
    expect(r.text).toContain("channel.imap_password");
    const list = await api("/inboxes");
    expect(list.body.payload.some((i: { name: string }) => i.name === "Wrong")).toBe(false);
  });

  test("an IMAP + SMTP inbox is created; its JSON never carries the passwords", async () => {
    const r = await api("/inboxes", {
      method: "POST",
      json: {
        name: "Support",
        channel: {
          type: "email",
          email: "Support@Acme.test",
          imap_enabled: true,
          imap_address: "127.0.0.1",
          imap_port: dovecot.port,
          imap_login: MAILBOX.login,
          imap_password: MAILBOX.password,
          imap_enable_ssl: false,
          smtp_enabled: true,
          smtp_address: "127.0.0.1",
          smtp_port: sink.port,
          smtp_enable_ssl_tls: false,
          smtp_enable_starttls_auto: false,
          smtp_login: "",
          signature: "Acme Support — we answer within a day",
        },
      },
    });
    expect(r.status).toBe(200);
    expect(r.body.channel_type).toBe("Channel::Email");
    expect(r.body.email).toBe("support@acme.test");
    expect(r.body.imap_enabled).toBe(true);
    expect(r.body.imap_address).toBe("127.0.0.1");
    expect(r.body.forward_to_email).toMatch(new RegExp(`^[a-z0-9_-]+@${INBOUND_DOMAIN.replace(/\./g, "\\.")}$`));
    expect(r.text).not.toContain(MAILBOX.password);
    expect(r.body.imap_password).toBeUndefined();
    expect(r.body.smtp_password).toBeUndefined();
    imapInbox = r.body;
    // Stored sealed, not in clear.
    const row = server.deps.db.$client.query("SELECT config FROM channels WHERE id = ?1").get(r.body.channel_id) as { config: string };
    expect(row.config).not.toContain(MAILBOX.password);
    expect(row.config).toContain("sealed:v1:");
    // The same address twice is refused.
    const again = await api("/inboxes", { method: "POST", json: { name: "Twice", channel: { type: "email", email: "support@acme.test" } } });
    expect(again.status).toBe(422);
    expect(again.text).toContain("channel.email");
  });

  test("updates: a blank password keeps the stored one, a wrong new one is refused and changes nothing", async () => {
    const before = (server.deps.db.$client.query("SELECT config FROM channels WHERE id = ?1").get((imapInbox as any).channel_id) as { config: string }).config;
    const ok = await api(`/inboxes/${imapInbox.id}`, { method: "PATCH", json: { channel: { signature: "Acme Support — we answer within a day", imap_password: "" } } });
    expect(ok.status).toBe(200);
    expect(ok.body.signature).toBe("Acme Support — we answer within a day");
    const bad = await api(`/inboxes/${imapInbox.id}`, { method: "PATCH", json: { channel: { imap_password: "wrong-again" } } });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain("channel.imap_password");
    const after = (server.deps.db.$client.query("SELECT config FROM channels WHERE id = ?1").get((imapInbox as any).channel_id) as { config: string }).config;
    expect(JSON.parse(after).imap_password).toBe(JSON.parse(before).imap_password);
  }, 30_000);
});

describe("IMAP inbound, threading and replies", () => {
  let displayId: number;
  let firstMessageId: string;

  test("a new mail (IMAP APPEND) opens a conversation: contact from From, subject kept, HTML sanitized, attachment stored", async () => {
    // The watcher is in IDLE once the inbox exists.
    await waitFor("the IMAP watcher", () => (server.deps.db.$client.query("SELECT connection_status AS s FROM channels WHERE id = ?1").get((imapInbox as any).channel_id) as { s: string | null })?.s === "connected");
    // dovecot announces IDLE: the watcher waits in IDLE (polling is every 30 s here, longer than any wait below).
    expect(emailServicesOf(server.deps)?.imap.watcher(imapInbox.id)?.idle).toBe(true);
    firstMessageId = `first-${crypto.randomUUID()}@customer.test`;
    await append(
      mime([
        `From: "Carla Customer" <Carla@Customer.test>`,
        "To: support@acme.test",
        "Subject: Printer on fire",
        `Message-ID: <${firstMessageId}>`,
        "Date: Mon, 23 Nov 2026 10:00:00 +0000",
        "MIME-Version: 1.0",
        'Content-Type: multipart/mixed; boundary="mixed"',
        "",
        "--mixed",
        'Content-Type: multipart/alternative; boundary="alt"',
        "",
        "--alt",
        "Content-Type: text/plain; charset=utf-8",
        "",
        "My printer is on fire. Please help!",
        "--alt",
        "Content-Type: text/html; charset=utf-8",
        "",
        '<p onclick="steal()">My printer is <b>on fire</b>. Please help!</p><script>alert("x")</script><img src="x" onerror="alert(1)"><a href="javascript:alert(2)">click</a>',
        "--alt--",
        "--mixed",
        'Content-Type: image/png; name="fire.png"',
        'Content-Disposition: attachment; filename="fire.png"',
        "Content-Transfer-Encoding: base64",
        "",
        PNG.toString("base64"),
        "--mixed--",
        "",
      ]),
    );
    const conversation = await waitFor("the conversation", async () => (await conversationsOf(imapInbox.id))[0]);
    displayId = conversation.id;
    expect(conversation.meta.sender.email).toBe("carla@customer.test");
    expect(conversation.meta.sender.name).toBe("Carla Customer");
    expect(conversation.additional_attributes.mail_subject).toBe("Printer on fire");
    const [m] = await messagesOf(displayId);
    expect(m.message_type).toBe(0);
    expect(m.content_type).toBe("incoming_email");
    expect(m.content).toBe("My printer is on fire. Please help!");
    expect(m.source_id).toBe(firstMessageId);
    const email = m.content_attributes.email;
    expect(email.subject).toBe("Printer on fire");
    expect(email.message_id).toBe(firstMessageId);
    expect(email.from).toEqual(["carla@customer.test"]);
    expect(email.to).toEqual(["support@acme.test"]);
    const html = email.html_content.full as string;
    expect(html).toContain("<b>on fire</b>");
    for (const bad of ["<script", "onerror", "onclick", "javascript:", 'src="x"']) expect(html).not.toContain(bad);
    expect(m.attachments?.length).toBe(1);
    expect(m.attachments![0].file_type).toBe("image");
    const file = await fetch(m.attachments![0].data_url.replace(/^https?:\/\/[^/]+/, server.url));
    expect(Buffer.from(await file.arrayBuffer()).equals(PNG)).toBe(true);
  }, 30_000);

  test("the same Message-ID delivered again is not stored twice", async () => {
    await append(mime([`From: Carla <carla@customer.test>`, "To: support@acme.test", "Subject: Printer on fire", `Message-ID: <${firstMessageId}>`, "", "My printer is on fire. Please help!", ""]));
    // A later, different mail is fetched after the duplicate (UID order): once it is in, the duplicate was seen.
    await append(mime([`From: Dan <dan@customer.test>`, "To: support@acme.test", "Subject: Other question", `Message-ID: <other-${crypto.randomUUID()}@customer.test>`, "", "Unrelated.", ""]));
    await waitFor("the second conversation", async () => (await conversationsOf(imapInbox.id)).length === 2);
    expect((await messagesOf(displayId)).length).toBe(1);
  }, 30_000);

  let replyId: string;
  test("an agent's reply goes out through the inbox's SMTP server with threading headers, signatures and an attachment", async () => {
    server.deps.db.$client.query("UPDATE users SET message_signature = ?1 WHERE id = ?2").run("Ada, Acme Support", admin.user.id);
    const form = new FormData();
    form.set("content", "Please **unplug** it and step away.");
    form.append("attachments[]", new File([PNG], "steps.png", { type: "image/png" }));
    const sent = await api(`/conversations/${displayId}/messages`, { method: "POST", body: form });
    expect(sent.status).toBe(200);
    const mail = await receivedMatching((m) => m.raw.includes("unplug"));
    const conversationUuid = server.deps.db.$client.query("SELECT uuid FROM conversations WHERE account_id = ?1 AND display_id = ?2").get(admin.account.id, displayId) as { uuid: string };
    replyId = `conversation/${conversationUuid.uuid}/messages/${sent.body.id}@acme.test`;
    expect(mail.to).toEqual(["carla@customer.test"]);
    expect(mail.from).toBe("support@acme.test");
    expect(mail.headers.from).toBe("Ada Admin from Support <support@acme.test>");
    expect(mail.headers["reply-to"]).toBe(`support+${conversationUuid.uuid}@acme.test`);
    expect(mail.headers["message-id"]).toBe(`<${replyId}>`);
    expect(mail.headers["in-reply-to"]).toBe(`<${firstMessageId}>`);
    expect(mail.headers.references).toBe(`<${firstMessageId}>`);
    expect(mail.headers.subject).toBe("Re: Printer on fire");
    const parsed = await simpleParser(mail.raw);
    expect(parsed.text).toContain("Please **unplug** it and step away.");
    expect(parsed.text).toContain("-- \nAda, Acme Support\n\nAcme Support — we answer within a day");
    expect(parsed.html).toContain("<strong>unplug</strong>");
    expect(parsed.attachments.map((a) => a.filename)).toEqual(["steps.png"]);
    expect(parsed.attachments[0].content.equals(PNG)).toBe(true);
    // The message records the Message-ID it went out with.
    const stored = await waitFor("the sent status", async () => (await messagesOf(displayId)).find((m) => m.id === sent.body.id && m.source_id));
    expect(stored.source_id).toBe(replyId);
    expect(stored.status).toBe("sent");
  }, 30_000);

  test("the customer's answer (In-Reply-To our Message-ID) threads into the conversation with the quote collapsed", async () => {
    await append(
      mime([
        `From: Carla <carla@customer.test>`,
        "To: support@acme.test",
        "Subject: Re: Printer on fire",
        `Message-ID: <answer-${crypto.randomUUID()}@customer.test>`,
        `In-Reply-To: <${replyId}>`,
        `References: <${firstMessageId}> <${replyId}>`,
        "",
        "Done, the fire is out.",
        "",
        "On Mon, 23 Nov 2026 at 10:05, Ada Admin from Support <support@acme.test> wrote:",
        "> Please **unplug** it and step away.",
        "",
      ]),
    );
    const answer = await waitFor("the threaded answer", async () => (await messagesOf(displayId)).find((m) => m.content?.startsWith("Done")));
    expect(answer.content).toBe("Done, the fire is out.");
    expect(answer.content_attributes.email.text_content.quoted).toContain("wrote:");
    expect(answer.content_attributes.email.text_content.full).toContain("> Please **unplug**");
    expect((await conversationsOf(imapInbox.id)).length).toBe(2);
  }, 30_000);

  test("a mail to the conversation's reply address threads without any thread headers", async () => {
    const uuid = (server.deps.db.$client.query("SELECT uuid FROM conversations WHERE account_id = ?1 AND display_id = ?2").get(admin.account.id, displayId) as { uuid: string }).uuid;
    await append(mime([`From: Carla <carla@customer.test>`, `To: support+${uuid}@acme.test`, "Subject: one more thing", `Message-ID: <more-${crypto.randomUUID()}@customer.test>`, "", "It smells of smoke.", ""]));
    await waitFor("the reply-address mail", async () => (await messagesOf(displayId)).find((m) => m.content === "It smells of smoke."));
  }, 30_000);

  test("an SMTP refusal marks the message failed with the server's answer", async () => {
    sink.reject = { code: 550, message: "5.1.1 Mailbox unavailable" };
    try {
      const sent = await api(`/conversations/${displayId}/messages`, { method: "POST", json: { content: "Are you still there?" } });
      expect(sent.status).toBe(200);
      const failed = await waitFor("the failed status", async () => (await messagesOf(displayId)).find((m) => m.id === sent.body.id && m.status === "failed"));
      expect(String(failed.content_attributes.external_error)).toContain("Mailbox unavailable");
    } finally {
      sink.reject = null;
    }
  }, 30_000);

  test("cc_emails and bcc_emails of the message API go out as Cc and (envelope-only) Bcc", async () => {
    const bad = await api(`/conversations/${displayId}/messages`, { method: "POST", json: { content: "x", cc_emails: "not an address" } });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain("cc_emails");
    const sent = await api(`/conversations/${displayId}/messages`, { method: "POST", json: { content: "Copying my manager.", cc_emails: "Boss@Customer.test", bcc_emails: "audit@acme.test" } });
    expect(sent.status).toBe(200);
    const mail = await receivedMatching((m) => m.raw.includes("Copying my manager."));
    expect(mail.to.sort()).toEqual(["audit@acme.test", "boss@customer.test", "carla@customer.test"]);
    expect(mail.headers.cc).toBe("boss@customer.test");
    expect(mail.headers.bcc).toBeUndefined();
  }, 30_000);
});

describe("forwarding to the built-in SMTP receiver", () => {
  let forward: { id: number; forward_to_email: string };
  test("a forwarding inbox receives mail sent to its Parley address; unknown recipients are refused", async () => {
    const r = await api("/inboxes", { method: "POST", json: { name: "Help desk", channel: { type: "email", email: "help@other.test" } } });
    expect(r.status).toBe(200);
    forward = r.body;
    expect(forward.forward_to_email.endsWith(`@${INBOUND_DOMAIN}`)).toBe(true);
    await sendToReceiver({
      from: '"Eve Example" <eve@example.test>',
      to: "help@other.test",
      envelope: { from: "eve@example.test", to: [forward.forward_to_email] },
      subject: "Forwarded question",
      text: "Do you ship to Mars?",
      messageId: `<fwd-${crypto.randomUUID()}@example.test>`,
    });
    const conversation = await waitFor("the forwarded conversation", async () => (await conversationsOf(forward.id))[0]);
    expect(conversation.meta.sender.email).toBe("eve@example.test");
    expect(conversation.additional_attributes.mail_subject).toBe("Forwarded question");
    const status = server.deps.db.$client.query("SELECT c.connection_status AS s FROM channels c JOIN inboxes i ON i.channel_id = c.id WHERE i.id = ?1").get(forward.id) as { s: string };
    expect(status.s).toBe("connected");
    await expect(sendToReceiver({ from: "eve@example.test", to: `nobody@${INBOUND_DOMAIN}`, subject: "x", text: "x" })).rejects.toThrow(/550/);
  }, 30_000);

  test("replies go out through the app's mailer with a reply+uuid address that brings the answer back", async () => {
    const [conversation] = await conversationsOf(forward.id);
    const sent = await api(`/conversations/${conversation.id}/messages`, { method: "POST", json: { content: "Only to the Moon, sorry." } });
    expect(sent.status).toBe(200);
    const mail = await receivedMatching((m) => m.raw.includes("Only to the Moon"));
    const uuid = (server.deps.db.$client.query("SELECT uuid FROM conversations WHERE account_id = ?1 AND display_id = ?2").get(admin.account.id, conversation.id) as { uuid: string }).uuid;
    expect(mail.headers["reply-to"]).toBe(`reply+${uuid}@${INBOUND_DOMAIN}`);
    expect(mail.headers.from).toBe("Ada Admin from Help desk <help@other.test>");
    await sendToReceiver({ from: "eve@example.test", to: `reply+${uuid}@${INBOUND_DOMAIN}`, subject: "Re: Forwarded question", text: "Fine, the Moon then." });
    await waitFor("the answer in the same conversation", async () => (await messagesOf(conversation.id)).find((m) => m.content === "Fine, the Moon then."));
    expect((await conversationsOf(forward.id)).length).toBe(1);
  }, 30_000);
});

describe("conversation continuity by email (website inbox)", () => {
  let websiteToken: string;

  /** A website visitor through the widget API: a session, then a conversation with the pre-chat email. */
  async function visitor(name: string, email: string, first: string) {
    const widget = async (method: string, path: string, auth?: string, json?: unknown) => {
      const res = await server.api(`/api/v1/widget/${path}?website_token=${websiteToken}`, { method, json, headers: auth ? { "X-Auth-Token": auth } : {} });
      expect(res.status).toBe(200);
      return res.json();
    };
    const config = await widget("POST", "config");
    const auth = config.website_channel_config.auth_token as string;
    const created = await widget("POST", "conversations", auth, { contact: { name, email }, message: { content: first } });
    const displayId = created.id as number;
    const uuid = (server.deps.db.$client.query("SELECT uuid FROM conversations WHERE account_id = ?1 AND display_id = ?2").get(admin.account.id, displayId) as { uuid: string }).uuid;
    return { auth, pubsub: config.contact.pubsub_token as string, displayId, uuid };
  }

  async function continuityJobDone(messageId: number) {
    await waitFor("the continuity job", () =>
      server.deps.db.$client.query("SELECT 1 FROM jobs WHERE kind = 'email.continuity' AND json_extract(payload, '$.message_id') = ?1 AND status = 'done'").get(messageId),
    );
  }

  test("a visitor still on the site (present on /cable) gets no email", async () => {
    const inbox = await api("/inboxes", { method: "POST", json: { name: "Website", channel: { type: "web_widget", website_url: "https://acme.test" } } });
    expect(inbox.status).toBe(200);
    expect(inbox.body.continuity_via_email).toBe(true);
    websiteToken = inbox.body.website_token;
    const present = await visitor("Pia Present", "pia@visitor.test", "hello");
    const cable = await CableClient.open(server.url.replace(/^http/, "ws") + "/cable", { pubsub_token: present.pubsub });
    try {
      expect(cable.state).toBe("connected");
      cable.sub.perform("update_presence", {});
      await cable.waitFor((e) => e.event === "presence.update", "presence");
      const reply = await api(`/conversations/${present.displayId}/messages`, { method: "POST", json: { content: "Seen in the widget" } });
      expect(reply.status).toBe(200);
      await continuityJobDone(reply.body.id);
      expect(sink.received.some((m) => m.raw.includes("Seen in the widget"))).toBe(false);
    } finally {
      cable.close();
    }
  }, 30_000);

  test("a visitor who left gets the agent's reply by email; their email answer lands in the widget conversation", async () => {
    const away = await visitor("Vera Visitor", "vera@visitor.test", "hi, anyone?");
    const reply = await api(`/conversations/${away.displayId}/messages`, { method: "POST", json: { content: "We will call you back tomorrow." } });
    expect(reply.status).toBe(200);
    const mail = await receivedMatching((m) => m.raw.includes("call you back tomorrow"));
    expect(mail.to).toEqual(["vera@visitor.test"]);
    expect(mail.headers["reply-to"]).toBe(`reply+${away.uuid}@${INBOUND_DOMAIN}`);
    expect(mail.headers.from).toBe("Ada Admin from Website <notifications@parley.test>");

    await sendToReceiver({
      from: "Vera <vera@visitor.test>",
      to: `reply+${away.uuid}@${INBOUND_DOMAIN}`,
      subject: mail.headers.subject,
      inReplyTo: mail.headers["message-id"],
      text: "Tomorrow works.\n\nOn Tue, Ada wrote:\n> We will call you back tomorrow.\n",
    });
    const answer = await waitFor("the email answer in the widget conversation", async () => (await messagesOf(away.displayId)).find((m) => m.content === "Tomorrow works."));
    expect(answer.message_type).toBe(0);
    expect(answer.content_type).toBe("incoming_email");
    // The visitor sees it in the widget too.
    const inWidget = await server.api(`/api/v1/widget/messages?website_token=${websiteToken}`, { headers: { "X-Auth-Token": away.auth } });
    expect(JSON.stringify(await inWidget.json())).toContain("Tomorrow works.");
  }, 30_000);
});

describe("an IMAP server without IDLE", () => {
  test("is polled every PARLEY_IMAP_POLL_SECONDS", async () => {
    const mailbox = { login: "poll@acme.test", password: "poll-Secret-9" };
    const plain = await startDovecot([mailbox], { idle: false });
    const polled = startTestServer({ PARLEY_IMAP_POLL_SECONDS: "0.3" });
    try {
      const owner = await createAdmin(polled);
      const created = await polled.api(`/api/v1/accounts/${owner.account.id}/inboxes`, {
        token: owner.token,
        method: "POST",
        json: { name: "Polled", channel: { type: "email", email: mailbox.login, imap_enabled: true, imap_address: "127.0.0.1", imap_port: plain.port, imap_login: mailbox.login, imap_password: mailbox.password, imap_enable_ssl: false } },
      });
      expect(created.status).toBe(200);
      const inbox = await created.json();
      const watcher = await waitFor("the watcher", () => emailServicesOf(polled.deps)?.imap.watcher(inbox.id));
      await waitFor("the IMAP connection", () => (polled.deps.db.$client.query("SELECT connection_status AS s FROM channels WHERE id = ?1").get(inbox.channel_id) as { s: string | null })?.s === "connected");
      expect(watcher.idle).toBe(false);
      const client = new ImapFlow({ host: plain.host, port: plain.port, secure: false, auth: { user: mailbox.login, pass: mailbox.password }, logger: false });
      await client.connect();
      expect(client.capabilities.has("IDLE")).toBe(false);
      await client.append("INBOX", mime(["From: Paul <paul@customer.test>", `To: ${mailbox.login}`, "Subject: Polled", "Message-ID: <polled-1@customer.test>", "", "Found by polling.", ""]));
      await client.logout();
      await waitFor("the polled mail", () => polled.deps.db.$client.query("SELECT id FROM messages WHERE content = 'Found by polling.'").get());
    } finally {
      await polled.close();
      await plain.stop();
    }
  }, 30_000);
});

describe("IMAP across a restart", () => {
  test("mail that arrived while Parley was down is read on start; what was read before is not read again", async () => {
    const mailbox = { login: "restart@acme.test", password: "restart-Secret-3" };
    const imap = await startDovecot([mailbox]);
    const dataDir = mkdtempSync(join(tmpdir(), "parley-email-restart-"));
    const env = { PORT: "0", PARLEY_DATA_DIR: dataDir, PARLEY_LOG_LEVEL: "silent", PARLEY_PLATFORM_TOKEN: TEST_PLATFORM_TOKEN, PARLEY_IMAP_POLL_SECONDS: "30" };
    const put = async (id: string, text: string) => {
      const client = new ImapFlow({ host: imap.host, port: imap.port, secure: false, auth: { user: mailbox.login, pass: mailbox.password }, logger: false });
      await client.connect();
      await client.append("INBOX", mime([`From: Rita <rita@customer.test>`, `To: ${mailbox.login}`, `Subject: ${text}`, `Message-ID: <${id}@customer.test>`, "", text, ""]));
      await client.logout();
    };
    const count = (s: { deps: { db: { $client: { query(q: string): { get(): unknown } } } } }) =>
      (s.deps.db.$client.query("SELECT count(*) AS n FROM messages WHERE message_type = 0").get() as { n: number }).n;
    let first = startServer(loadConfig(env), { checkpointer: false });
    try {
      const owner = await createAdmin(apiClient(first.url));
      const created = await apiClient(first.url).api(`/api/v1/accounts/${owner.account.id}/inboxes`, {
        token: owner.token,
        method: "POST",
        json: { name: "Restart", channel: { type: "email", email: mailbox.login, imap_enabled: true, imap_address: "127.0.0.1", imap_port: imap.port, imap_login: mailbox.login, imap_password: mailbox.password, imap_enable_ssl: false } },
      });
      expect(created.status).toBe(200);
      await waitFor("the watcher", () => emailServicesOf(first.deps)?.imap.watcher(1)?.idle);
      await put("before-restart", "Before the restart");
      await waitFor("the first mail", () => count(first) === 1);
      await first.stop();
      await put("while-down", "While Parley was down");
      first = startServer(loadConfig(env), { checkpointer: false });
      await waitFor("the mail that came while down", () => count(first) === 2);
      await Bun.sleep(500);
      expect(count(first)).toBe(2);
      // The reader resumed after the last UID it had stored (UIDVALIDITY unchanged), not from the past day.
      const state = (first.deps.db.$client.query("SELECT additional_attributes AS a FROM channels").get() as { a: string }).a;
      expect(JSON.parse(state).imap.last_uid).toBe(2);
    } finally {
      await first.stop();
      await imap.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 40_000);
});
