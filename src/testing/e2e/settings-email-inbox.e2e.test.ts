// Settings → Inboxes → Add inbox → Email in a real browser, against a real IMAP server (dovecot) and a real SMTP
// server (smtp-server): a wrong IMAP password shown under its field, then a working mailbox; the inbox page's channel
// card with the address and servers, connected once the IMAP watcher is in; a mail appended to the mailbox shows up
// as a conversation with its subject. Screenshots: SCREENSHOTS (browser.ts).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { ImapFlow } from "imapflow";
import type { Browser, Page } from "playwright-core";
import { startDovecot, type Dovecot } from "../fakes/dovecot.ts";
import { startSmtpSink, type SmtpSink } from "../fixtures/smtp-sink.ts";
import { startTestServer, type TestServer } from "../server.ts";
import { launchBrowser, screenshot, SCREENSHOTS, submitOnboarding, watchForErrors } from "./browser.ts";

const MAILBOX = { login: "hello@shop.test", password: "Mailbox-Pass-7" };

let server: TestServer;
let browser: Browser;
let dovecot: Dovecot;
let sink: SmtpSink;

beforeAll(async () => {
  dovecot = await startDovecot([MAILBOX]);
  sink = await startSmtpSink();
  server = startTestServer({ PARLEY_IMAP_POLL_SECONDS: "30" });
  browser = await launchBrowser();
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await sink?.close();
  await dovecot?.stop();
});

async function fillMailbox(page: Page, password: string) {
  await page.fill("#f-name", "Shop support");
  await page.fill("#f-email", MAILBOX.login);
  await page.check('input[name="imap_enabled"]');
  await page.fill("#f-imap_address", "127.0.0.1");
  await page.fill("#f-imap_port", String(dovecot.port));
  await page.fill("#f-imap_login", MAILBOX.login);
  await page.fill("#f-imap_password", password);
  await page.check('input[name="smtp_enabled"]');
  await page.fill("#f-smtp_address", "127.0.0.1");
  await page.fill("#f-smtp_port", String(sink.port));
  await page.fill("#f-signature", "The Shop team");
}

test("Add inbox: Email with IMAP and SMTP; a refused password, then the mailbox is read and its mail becomes a conversation", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = watchForErrors(page);

  await page.goto(server.url + "/");
  const { accountBase } = await submitOnboarding(page, { name: "Erin Email", account: "Shop", email: "erin@shop.test" });

  await page.goto(`${accountBase}/settings/inboxes/new`);
  const picker = page.locator('[data-testid="channel-picker"]');
  await picker.waitFor();
  await Promise.all([page.waitForURL(/\/settings\/inboxes\/new\/email$/), picker.locator('[data-testid="channel-email"]').click()]);
  expect(await page.locator('[data-testid="channel-steps"] li').count()).toBe(3);

  await fillMailbox(page, "not-the-password");
  await Promise.all([page.waitForLoadState("load"), page.click('#new-channel-form button[type="submit"]')]);
  expect(await page.locator("#f-imap_password-error").textContent()).toContain("Could not connect to the IMAP server: login failed");
  expect(await page.inputValue("#f-imap_password")).toBe("");
  expect(await page.inputValue("#f-email")).toBe(MAILBOX.login);
  await page.locator("#f-imap_password").scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, 200));
  await screenshot(page, "settings-inbox-email-form");

  await page.fill("#f-imap_password", MAILBOX.password);
  await page.fill("#f-smtp_port", String(sink.port));
  await Promise.all([page.waitForURL(/\/settings\/inboxes\/\d+\?created=1$/), page.click('#new-channel-form button[type="submit"]')]);
  const card = page.locator('[data-testid="channel-card"]');
  const text = (await card.textContent()) ?? "";
  expect(text).toContain(MAILBOX.login);
  expect(text).toContain(`IMAP 127.0.0.1:${dovecot.port}`);
  expect(text).toContain(`SMTP 127.0.0.1:${sink.port}`);
  expect(text).not.toContain(MAILBOX.password);

  // The watcher logs in (IDLE) and reports the connection; a mail appended to the mailbox becomes a conversation.
  const deadline = Date.now() + 15_000;
  for (;;) {
    await page.reload();
    if ((await card.locator('[data-testid="channel-status"]').textContent())?.trim() === "Connected") break;
    if (Date.now() > deadline) throw new Error("the IMAP watcher did not connect");
    await Bun.sleep(300);
  }
  await screenshot(page, "settings-inbox-email-connected");

  const client = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user: MAILBOX.login, pass: MAILBOX.password }, logger: false });
  await client.connect();
  await client.append("INBOX", ["From: Olga Order <olga@buyer.test>", "To: hello@shop.test", "Subject: Where is my parcel?", "Message-ID: <parcel-1@buyer.test>", "", "Ordered last week, nothing yet.", ""].join("\r\n"));
  await client.logout();
  const until = Date.now() + 15_000;
  for (;;) {
    await page.goto(`${accountBase}/dashboard?assignee_type=all`);
    if ((await page.content()).includes("Olga Order")) break;
    if (Date.now() > until) throw new Error("the mail did not become a conversation");
    await Bun.sleep(500);
  }
  // The conversation pane shows the mail's text.
  await page.goto(`${accountBase}/conversations/1?assignee_type=all`);
  await page.getByText("Ordered last week, nothing yet.").first().waitFor();
  await screenshot(page, "workspace-email-conversation");

  // The refused password's page is answered 422 on purpose; Chromium logs that status as a console error.
  expect(problems.filter((p) => !p.includes("status of 422"))).toEqual([]);
  await context.close();
}, 120_000);
