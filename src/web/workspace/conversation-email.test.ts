// Email in the conversation pane, through the dashboard's routes: a real mail arrives at the built-in SMTP receiver
// (a forwarding inbox), the page shows the channel, subject, the mail's header block, its body with the quote
// collapsed and its files; nothing active in the mail reaches the page; a reply with Cc / Bcc reaches the SMTP sink.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import nodemailer, { type SendMailOptions } from "nodemailer";
import { closedPort, startSmtpSink, type ReceivedMail, type SmtpSink } from "../../testing/fixtures/smtp-sink.ts";
import { startTestServer, type TestServer } from "../../testing/server.ts";
import { WebClient, onboard } from "../test-client.ts";

const INBOUND_DOMAIN = "inbound.parley.test";
// A 1×1 PNG.
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

let sink: SmtpSink;
let server: TestServer;
let receiverPort: number;
let owner: WebClient;
let accountPath: string;
let accountId: number;
let token: string;
let inbox: { id: number; forward_to_email: string };

async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(100);
  }
}

async function api(method: string, path: string, json?: unknown) {
  const res = await server.api(`/api/v1/accounts/${accountId}${path}`, { method, token, json });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, text };
}

async function sendToReceiver(mail: SendMailOptions) {
  const transport = nodemailer.createTransport({ host: "127.0.0.1", port: receiverPort, secure: false, ignoreTLS: true });
  try {
    return await transport.sendMail(mail);
  } finally {
    transport.close();
  }
}

/** A request as conversation.js sends it: htmx header, CSRF header, session cookie, same origin. */
function xhr(client: WebClient, method: string, path: string, body?: FormData) {
  const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  return fetch(server.url + path, { method, redirect: "manual", headers: { cookie, origin: server.url, "x-csrf-token": client.csrf, "hx-request": "true" }, body });
}

function fields(values: Record<string, string>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(values)) f.append(k, v);
  return f;
}

/** The element with this data-testid and everything up to its closing tag (the first one of its tag name). */
function byTestId(html: string, testid: string): string {
  const at = html.indexOf(`data-testid="${testid}"`);
  if (at < 0) return "";
  const start = html.lastIndexOf("<", at);
  const tag = /^<([a-z0-9]+)/i.exec(html.slice(start))![1];
  const end = html.indexOf(`</${tag}>`, at);
  return html.slice(start, end + tag.length + 3);
}

function all(html: string, testid: string): string[] {
  const out: string[] = [];
  let rest = html;
  for (;;) {
    const one = byTestId(rest, testid);
    if (!one) return out;
    out.push(one);
    rest = rest.slice(rest.indexOf(one) + one.length);
  }
}

/** The list item of one message in the page. */
function messageItem(html: string, text: string): string {
  const at = html.indexOf(text);
  expect(at).toBeGreaterThan(-1);
  const start = html.lastIndexOf('<li class="message ', at);
  // Up to the next message or the end of the timeline (messages nest lists of their own).
  const ends = [html.indexOf('<li class="message ', at), html.indexOf("</ol>", at)].filter((i) => i > 0);
  return html.slice(start, ends.length ? Math.min(...ends) : undefined);
}

async function emailConversation(subject: string): Promise<number> {
  return waitFor(`the conversation "${subject}"`, async () => {
    const r = await api("GET", `/conversations?inbox_id=${inbox.id}&status=all`);
    return (r.body.data.payload as { id: number; additional_attributes: { mail_subject?: string } }[]).find((c) => c.additional_attributes.mail_subject === subject)?.id;
  });
}

async function receivedMatching(pred: (m: ReceivedMail) => boolean): Promise<ReceivedMail> {
  return waitFor("a mail at the SMTP sink", () => sink.received.find(pred));
}

beforeAll(async () => {
  sink = await startSmtpSink();
  receiverPort = await closedPort();
  server = startTestServer(
    {
      PARLEY_SMTP_URL: sink.url,
      PARLEY_MAIL_FROM: "Parley <notifications@parley.test>",
      PARLEY_SMTP_RECEIVER_PORT: String(receiverPort),
      PARLEY_SMTP_RECEIVER_HOST: "127.0.0.1",
      PARLEY_INBOUND_EMAIL_DOMAIN: INBOUND_DOMAIN,
    },
    { jobOptions: { pollMs: 100 } },
  );
  ({ client: owner, accountPath } = await onboard(server));
  accountId = Number(accountPath.split("/").pop());
  const profile = await owner.page(`${accountPath}/settings/profile`);
  token = /data-value="([^"]+)"/.exec(profile.html)![1];
  const created = await api("POST", "/inboxes", { name: "Help desk", channel: { type: "email", email: "help@acme.test" } });
  expect(created.status).toBe(200);
  inbox = created.body;
  await waitFor("the SMTP receiver", async () => {
    const t = nodemailer.createTransport({ host: "127.0.0.1", port: receiverPort, secure: false, ignoreTLS: true });
    try {
      await t.verify();
      return true;
    } catch {
      return false;
    } finally {
      t.close();
    }
  });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await sink?.close();
});

describe("an email conversation in the pane", () => {
  let displayId: number;
  let page: string;

  beforeAll(async () => {
    await sendToReceiver({
      from: '"Carla Customer" <carla@customer.test>',
      to: "help@acme.test",
      cc: "Boss@Customer.test, help@acme.test",
      envelope: { from: "carla@customer.test", to: [inbox.forward_to_email] },
      subject: "Printer on fire",
      messageId: `<fire-${crypto.randomUUID()}@customer.test>`,
      text: "The printer is on fire again.\n\nOn Mon, 23 Nov 2026 at 10:00, Help <help@acme.test> wrote:\n> Turn it off and on.",
      html:
        '<div><p>The printer is <b>on fire</b> again.</p><script>alert("xss-script")</script>' +
        '<img src="https://cdn.example.test/x.png" onerror="alert(\'xss-onerror\')">' +
        '<a href="javascript:alert(\'xss-href\')">click</a> <a href="https://acme.test/status" onclick="alert(\'xss-onclick\')">status page</a></div>' +
        '<div class="gmail_quote">On Mon, 23 Nov 2026 at 10:00, Help &lt;help@acme.test&gt; wrote:<blockquote>Turn it off and on.</blockquote></div>',
      attachments: [
        { filename: "photo.png", content: PNG, contentType: "image/png" },
        { filename: "invoice.txt", content: Buffer.from("Invoice 4711\n".repeat(100)), contentType: "text/plain" },
      ],
    });
    displayId = await emailConversation("Printer on fire");
    page = (await owner.page(`${accountPath}/conversations/${displayId}`)).html;
  }, 30_000);

  test("the header shows the channel (icon and name) and the mail's subject", () => {
    const channel = byTestId(page, "conversation-channel");
    expect(channel).toContain('data-channel="email"');
    expect(channel).toContain("Help desk · Email");
    expect(channel).toContain("channel-icon");
    expect(byTestId(page, "conversation-subject")).toContain("Printer on fire");
  });

  test("the mail's header block: From with the contact's name, To, Cc and Subject", () => {
    const item = messageItem(page, "The printer is");
    expect(item).toContain("message-email");
    expect(byTestId(item, "email-from")).toContain("Carla Customer &lt;carla@customer.test&gt;");
    expect(byTestId(item, "email-to")).toContain("help@acme.test");
    expect(byTestId(item, "email-cc")).toContain("boss@customer.test, help@acme.test");
    expect(byTestId(item, "email-bcc")).toBe("");
    expect(byTestId(item, "email-subject")).toContain("Printer on fire");
  });

  test("the body shows the new part; the quoted history is collapsed behind Show quoted text", () => {
    const item = messageItem(page, "The printer is");
    const body = byTestId(item, "email-body");
    expect(body).toContain("<b>on fire</b>");
    const quoted = byTestId(item, "email-quoted");
    expect(quoted).toContain("Turn it off and on.");
    expect(quoted).toContain('x-show="open"');
    expect(quoted).toContain("x-cloak");
    // The new part is outside the collapsed block; the quote is only inside it.
    expect(quoted).not.toContain("The printer is");
    expect(body.split(quoted).join("")).not.toContain("Turn it off and on.");
    expect(item).toContain('x-data="emailQuote"');
    expect(byTestId(item, "email-quote-toggle")).toContain("Show quoted text");
  });

  test("scripts, event handlers and javascript: links in the mail never reach the page", () => {
    expect(page).not.toContain("xss-");
    expect(page).not.toContain("onerror=");
    expect(page).not.toContain("onclick=");
    expect(page).not.toContain("javascript:");
    const item = messageItem(page, "The printer is");
    expect(item).toContain('href="https://acme.test/status"');
    expect(item).toContain('rel="noopener noreferrer nofollow"');
  });

  test("attachments are listed with name, size and a link; images are previewed", () => {
    const item = messageItem(page, "The printer is");
    const files = all(item, "email-attachment");
    expect(files.length).toBe(2);
    const png = files.find((f) => f.includes("photo.png"))!;
    expect(png).toMatch(/<img src="\/app\/accounts\/\d+\/conversation-attachments\/\d+" alt="photo.png"/);
    expect(png).toContain(`${PNG.length} B`);
    const txt = files.find((f) => f.includes("invoice.txt"))!;
    expect(txt).toMatch(/href="\/app\/accounts\/\d+\/conversation-attachments\/\d+"/);
    expect(txt).toContain('download="invoice.txt"');
    expect(txt).toContain("1.3 KB");
    expect(item).toContain("2 attachments");
  });

  test("the reply box offers To, and Cc prefilled from the last incoming mail (without the inbox or the contact)", () => {
    expect(byTestId(page, "reply-email-to")).toContain("carla@customer.test");
    expect(page).toMatch(/<input type="text" id="reply-cc" name="cc_emails" value="boss@customer.test"/);
    expect(page).toMatch(/<input type="text" id="reply-bcc" name="bcc_emails" value=""/);
  });

  test("a reply with Cc and Bcc goes out with those headers, and the timeline shows To, Cc and Bcc", async () => {
    const path = `${accountPath}/conversations/${displayId}/messages`;
    const bad = await xhr(owner, "POST", path, fields({ content: "x", private: "false", cc_emails: "boss@customer.test, not-an-address" }));
    expect(bad.status).toBe(422);
    expect(await bad.text()).toBe("Cc must be email addresses separated by commas");

    const res = await xhr(owner, "POST", path, fields({ content: "We are sending **help**.", private: "false", cc_emails: "boss@customer.test; Second@Customer.test", bcc_emails: "audit@acme.test" }));
    expect(res.status).toBe(200);
    const fragment = await res.text();
    expect(byTestId(fragment, "email-to")).toContain("carla@customer.test");
    expect(byTestId(fragment, "email-cc")).toContain("boss@customer.test, second@customer.test");
    expect(byTestId(fragment, "email-bcc")).toContain("audit@acme.test");

    const mail = await receivedMatching((m) => m.raw.includes("We are sending"));
    expect(mail.headers.cc).toBe("boss@customer.test, second@customer.test");
    expect(mail.headers.bcc).toBeUndefined();
    expect(mail.headers.subject).toBe("Re: Printer on fire");
    expect(mail.to.sort()).toEqual(["audit@acme.test", "boss@customer.test", "carla@customer.test", "second@customer.test"]);

    const again = (await owner.page(`${accountPath}/conversations/${displayId}`)).html;
    const item = messageItem(again, "We are sending");
    expect(byTestId(item, "email-cc")).toContain("boss@customer.test, second@customer.test");
    expect(byTestId(item, "email-bcc")).toContain("audit@acme.test");
  }, 30_000);

  test("a private note ignores Cc / Bcc and shows no email header", async () => {
    const path = `${accountPath}/conversations/${displayId}/messages`;
    const res = await xhr(owner, "POST", path, fields({ content: "Internal: check the warranty", private: "true", cc_emails: "boss@customer.test" }));
    expect(res.status).toBe(200);
    expect(await res.text()).not.toContain("email-meta");
    const messages = (await api("GET", `/conversations/${displayId}/messages`)).body.payload as { content: string; content_attributes: Record<string, unknown> }[];
    const note = messages.find((m) => m.content === "Internal: check the warranty")!;
    expect(note.content_attributes.cc_emails).toBeUndefined();
  });
});

describe("text mail and mail content from API clients", () => {
  test("a text-only mail is shown as text: markup in it is escaped, its quote collapsed", async () => {
    await sendToReceiver({
      from: "dan@customer.test",
      to: "help@acme.test",
      envelope: { from: "dan@customer.test", to: [inbox.forward_to_email] },
      subject: "Plain question",
      text: 'Is <script>alert("xss-text")</script> safe?\n\n-----Original Message-----\nFrom: Help\nOld text here',
    });
    const displayId = await emailConversation("Plain question");
    const html = (await owner.page(`${accountPath}/conversations/${displayId}`)).html;
    const item = messageItem(html, "safe?");
    expect(item).toContain("&lt;script&gt;");
    expect(item).not.toContain("<script>alert");
    expect(byTestId(item, "email-from")).toContain("dan@customer.test");
    expect(byTestId(item, "email-body")).toContain("email-text");
    expect(byTestId(item, "email-quoted")).toContain("Old text here");
    // Nobody else was on the mail: no Cc to prefill.
    expect(html).toMatch(/name="cc_emails" value=""/);
  }, 30_000);

  test("content_attributes.email set through the API is sanitized when shown; API inboxes have no email fields", async () => {
    const apiInbox = (await api("POST", "/inboxes", { name: "Backend", channel: { type: "api", webhook_url: "" } })).body;
    const contact = await api("POST", "/contacts", { name: "Eve", email: "eve@customer.test", inbox_id: apiInbox.id });
    const conv = await api("POST", "/conversations", { inbox_id: apiInbox.id, contact_id: contact.body.payload.contact.id });
    const msg = await api("POST", `/conversations/${conv.body.id}/messages`, {
      content: "Hello from the API",
      message_type: "incoming",
      content_attributes: {
        email: {
          from: ["eve@customer.test"],
          subject: "<img src=x onerror=alert('xss-subject')>",
          html_content: { reply: "<p>Hello</p><script>alert('xss-api')</script><img src=\"https://x.test/a.png\" onerror=\"alert('xss-api2')\">", quoted: "<iframe src=\"javascript:alert('xss-api3')\"></iframe><p>older</p>" },
        },
      },
    });
    expect(msg.status).toBe(200);
    const html = (await owner.page(`${accountPath}/conversations/${conv.body.id}`)).html;
    const item = messageItem(html, "<p>Hello</p>");
    expect(byTestId(item, "email-subject")).toContain("&lt;img src=x onerror=alert(&#39;xss-subject&#39;)&gt;");
    expect(item).not.toContain("<script");
    expect(item).not.toContain("<iframe");
    expect(item).not.toMatch(/onerror="/);
    expect(byTestId(item, "email-quoted")).toContain("<p>older</p>");
    expect(byTestId(html, "conversation-channel")).toContain('data-channel="api"');
    expect(html).not.toContain("reply-email-fields");
    expect(html).not.toContain("conversation-subject");
  });
});
