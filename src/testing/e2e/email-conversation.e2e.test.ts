// An email conversation in a real browser: a mail with a quoted history, Cc and files arrives at the built-in SMTP
// receiver; the pane shows the channel and subject, the mail's header block, the quote collapsed until "Show quoted
// text" is clicked, the files; the agent replies with the prefilled Cc plus a Bcc, and the mail reaches the SMTP sink.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import nodemailer from "nodemailer";
import type { Browser } from "playwright-core";
import { closedPort, startSmtpSink, type SmtpSink } from "../fixtures/smtp-sink.ts";
import { startTestServer, type TestServer } from "../server.ts";
import { apiTokenFromProfile, launchBrowser, SCREENSHOTS, submitOnboarding, watchForErrors } from "./browser.ts";

const INBOUND_DOMAIN = "inbound.parley.test";
// A 48×48 PNG (a blue square), so the preview is visible in the screenshot.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAADAAAAAwCAIAAADYYG7QAAAAOklEQVR42u3OQQ0AAAgEoGtoAHPbxxbOBxsBSPW8EiEhISEhISEhISEhISEhISEhISEhISEhISGhOwvHEXfEdmLyzwAAAABJRU5ErkJggg==",
  "base64",
);

let server: TestServer;
let browser: Browser;
let sink: SmtpSink;
let receiverPort: number;

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
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await sink?.close();
});

async function until<T>(what: string, fn: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(100);
  }
}

test("an email conversation: header block, collapsed quote, files, and a reply with Cc and Bcc", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1200 } });
  const page = await context.newPage();
  const problems = watchForErrors(page);

  await page.goto(server.url + "/");
  const { accountBase, accountId } = await submitOnboarding(page, { name: "Olivia Owner", account: "Acme", email: "olivia@acme.test" });
  const token = await apiTokenFromProfile(page, accountBase);
  const api = async (method: string, path: string, json?: unknown) => (await server.api(`/api/v1/accounts/${accountId}${path}`, { method, token, json })).json() as Promise<any>;
  const inbox = await api("POST", "/inboxes", { name: "Help desk", channel: { type: "email", email: "help@acme.test" } });
  expect(inbox.forward_to_email).toEndWith(`@${INBOUND_DOMAIN}`);

  const transport = nodemailer.createTransport({ host: "127.0.0.1", port: receiverPort, secure: false, ignoreTLS: true });
  await until("the SMTP receiver", async () => transport.verify().catch(() => false));
  await transport.sendMail({
    from: '"Carla Customer" <carla@customer.test>',
    to: "help@acme.test",
    cc: "boss@customer.test",
    envelope: { from: "carla@customer.test", to: [inbox.forward_to_email] },
    subject: "Printer on fire",
    text: "The printer is on fire again.",
    html:
      "<p>Hello,</p><p>the printer in room 4 is <b>on fire</b> again. I attached a photo and the invoice.</p><p>Carla</p>" +
      '<div class="gmail_quote">On Mon, 23 Nov 2026 at 10:00, Help desk &lt;help@acme.test&gt; wrote:<blockquote>Please turn it off and on again.</blockquote></div>',
    attachments: [
      { filename: "printer.png", content: PNG, contentType: "image/png" },
      { filename: "invoice-4711.txt", content: Buffer.from("Invoice 4711\n".repeat(80)), contentType: "text/plain" },
    ],
  });
  transport.close();
  const conversation = await until("the email conversation", async () => (await api("GET", `/conversations?inbox_id=${inbox.id}&status=all`)).data.payload[0]);

  await page.goto(`${accountBase}/conversations/${conversation.id}`);
  await page.locator('#conversation-pane[data-ready="true"]').waitFor();
  expect((await page.locator('[data-testid="conversation-channel"]').textContent())?.trim()).toBe("Help desk · Email");
  expect(await page.locator('[data-testid="conversation-subject"]').textContent()).toBe("Subject: Printer on fire");

  const mail = page.locator(".message-email.message-in");
  await mail.waitFor();
  expect(await mail.locator('[data-testid="email-from"] dd').textContent()).toBe("Carla Customer <carla@customer.test>");
  expect(await mail.locator('[data-testid="email-cc"] dd').textContent()).toBe("boss@customer.test");
  expect(await mail.locator('[data-testid="email-subject"] dd').textContent()).toBe("Printer on fire");
  expect(await mail.locator(".email-reply").textContent()).toContain("the printer in room 4 is on fire again.");
  await mail.locator('[data-testid="email-attachment"] img[alt="printer.png"]').waitFor();
  expect(await mail.locator('[data-testid="email-attachment"]', { hasText: "invoice-4711.txt" }).textContent()).toContain("1.0 KB");

  // The quoted history is collapsed until asked for.
  const quoted = mail.locator('[data-testid="email-quoted"]');
  const toggle = mail.locator('[data-testid="email-quote-toggle"]');
  expect(await quoted.isVisible()).toBe(false);
  expect((await toggle.innerText()).trim()).toBe("Show quoted text");
  await toggle.click();
  await quoted.waitFor({ state: "visible" });
  expect(await quoted.textContent()).toContain("Please turn it off and on again.");
  expect((await toggle.innerText()).trim()).toBe("Hide quoted text");
  expect(await toggle.getAttribute("aria-expanded")).toBe("true");

  // Cc is prefilled from the mail; the fields hide in note mode and come back for a reply.
  const cc = page.locator('[data-testid="reply-cc"]');
  expect(await cc.inputValue()).toBe("boss@customer.test");
  expect(await page.locator('[data-testid="reply-email-to"]').textContent()).toBe("carla@customer.test");
  await page.locator(".reply-tab-note").click();
  expect(await cc.isVisible()).toBe(false);
  await page.locator(".reply-tab").first().click();
  expect(await cc.isVisible()).toBe(true);

  await page.fill('[data-testid="reply-bcc"]', "audit@acme.test");
  await page.click("#reply-content");
  await page.keyboard.type("Sorry, Carla! A technician is on the way.");
  await page.keyboard.press("Enter");
  const sent = await until("the reply at the SMTP sink", () => sink.received.find((m) => m.raw.includes("A technician is on the way")));
  expect(sent.headers.cc).toBe("boss@customer.test");
  expect(sent.headers.bcc).toBeUndefined();
  expect(sent.to.sort()).toEqual(["audit@acme.test", "boss@customer.test", "carla@customer.test"]);

  const reply = page.locator(".message-email.message-out", { hasText: "A technician is on the way" });
  await reply.waitFor();
  expect(await reply.locator('[data-testid="email-to"] dd').textContent()).toBe("carla@customer.test");
  expect(await reply.locator('[data-testid="email-bcc"] dd').textContent()).toBe("audit@acme.test");
  await page.screenshot({ path: join(SCREENSHOTS, "conversation-email.png") });

  // Carla's answer threads in and appears live; its quote toggle works in the appended message too.
  const again = nodemailer.createTransport({ host: "127.0.0.1", port: receiverPort, secure: false, ignoreTLS: true });
  await again.sendMail({
    from: '"Carla Customer" <carla@customer.test>',
    to: sent.headers["reply-to"],
    envelope: { from: "carla@customer.test", to: [inbox.forward_to_email] },
    subject: "Re: Printer on fire",
    inReplyTo: sent.headers["message-id"],
    text: "Thanks, he is here.\n\nOn Thu, 26 Nov 2026 at 10:00, Olivia Owner from Help desk <help@acme.test> wrote:\n> Sorry, Carla! A technician is on the way.",
  });
  again.close();
  const answer = page.locator(".message-email.message-in", { hasText: "Thanks, he is here." });
  await answer.waitFor({ timeout: 10_000 });
  const answerQuote = answer.locator('[data-testid="email-quoted"]');
  expect(await answerQuote.isVisible()).toBe(false);
  await answer.locator('[data-testid="email-quote-toggle"]').click();
  await answerQuote.waitFor({ state: "visible" });
  expect(await answerQuote.textContent()).toContain("A technician is on the way.");

  expect(problems).toEqual([]);
  await context.close();
}, 90_000);
