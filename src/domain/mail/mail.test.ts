import { afterEach, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { jobs } from "../../db/schema/jobs.ts";
import { mail_outbox } from "../../db/schema/mail.ts";
import { ManualClock } from "../../lib/clock.ts";
import { closedPort, startSmtpSink, type SmtpSink } from "../../testing/fixtures/smtp-sink.ts";
import { startTestServer, type TestServer } from "../../testing/server.ts";
import { MAIL_JOB, queueMail } from "./commands.ts";

const servers: TestServer[] = [];
const sinks: SmtpSink[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await Promise.all(sinks.splice(0).map((s) => s.close()));
});

async function sink() {
  const s = await startSmtpSink();
  sinks.push(s);
  return s;
}

function server(smtpUrl: string | null, options: Parameters<typeof startTestServer>[1] = {}) {
  const env: Record<string, string> = { PARLEY_MAIL_FROM: "Parley Support <support@parley.test>" };
  if (smtpUrl) env.PARLEY_SMTP_URL = smtpUrl;
  const s = startTestServer(env, options);
  servers.push(s);
  return s;
}

const MAIL = {
  to: "ada@example.com",
  subject: "Reset your Parley password",
  text: "Hello Ada,\n\nfollow this link to choose a new password: https://parley.test/reset/abc123\n",
  html: "<p>Hello Ada, <a href=\"https://parley.test/reset/abc123\">choose a new password</a></p>",
};

function outbox(s: TestServer, id: number) {
  return s.deps.db.select().from(mail_outbox).where(eq(mail_outbox.id, id)).get()!;
}

function mailJob(s: TestServer) {
  const rows = s.deps.db.select().from(jobs).where(eq(jobs.kind, MAIL_JOB)).all();
  expect(rows).toHaveLength(1);
  return rows[0];
}

async function waitFor(cond: () => boolean, ms = 5_000) {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await Bun.sleep(10);
  }
}

test("a queued mail is delivered over SMTP with the right envelope, headers and body, and the row becomes sent", async () => {
  const smtp = await sink();
  const clock = new ManualClock(Date.UTC(2030, 5, 1, 12));
  const s = server(smtp.url, { startJobs: false, clock });
  const id = s.deps.tx((tx) => queueMail(tx, MAIL));
  expect(outbox(s, id)).toMatchObject({ status: "queued", sent_at: null });
  expect(smtp.received).toHaveLength(0); // nothing leaves before the job runs

  expect(await s.runner.runUntilEmpty()).toBe(1);
  expect(smtp.received).toHaveLength(1);
  const got = smtp.received[0];
  expect(got.from).toBe("support@parley.test");
  expect(got.to).toEqual(["ada@example.com"]);
  expect(got.headers.to).toBe("ada@example.com");
  expect(got.headers.from).toBe("Parley Support <support@parley.test>");
  expect(got.headers.subject).toBe(MAIL.subject);
  expect(got.headers["content-type"]).toContain("multipart/alternative");
  expect(got.raw).toContain("follow this link to choose a new password: https://parley.test/reset/abc123");
  expect(got.raw).toContain("text/html");
  const decoded = got.raw.replace(/=\r\n/g, "").replace(/=3D/g, "="); // quoted-printable
  expect(decoded).toContain(MAIL.html);

  expect(outbox(s, id)).toMatchObject({ status: "sent", sent_at: clock.now(), error: null });
  expect(mailJob(s)).toMatchObject({ status: "done", attempts: 1 });
});

test("a mail queued in a transaction that rolls back is neither stored nor sent", async () => {
  const smtp = await sink();
  const s = server(smtp.url, { startJobs: false });
  expect(() =>
    s.deps.tx((tx) => {
      queueMail(tx, MAIL);
      throw new Error("the request failed after queueing the mail");
    }),
  ).toThrow();
  expect(s.deps.db.select().from(mail_outbox).all()).toEqual([]);
  expect(await s.runner.runUntilEmpty()).toBe(0);
  expect(smtp.received).toHaveLength(0);
});

test("the running job loop sends the mail shortly after commit", async () => {
  const smtp = await sink();
  const s = server(smtp.url); // real clock, runner started
  const id = s.deps.tx((tx) => queueMail(tx, { to: "bob@example.com", subject: "Welcome", text: "Hi Bob" }));
  await waitFor(() => outbox(s, id).status === "sent");
  expect(smtp.received.map((m) => [m.to, m.headers.subject])).toEqual([[["bob@example.com"], "Welcome"]]);
  expect(smtp.received[0].raw).toContain("Hi Bob");
});

test("an SMTP server refusing the recipient: the job retries, the row keeps the error, a later attempt delivers", async () => {
  const smtp = await sink();
  smtp.reject = { code: 451, message: "Mailbox temporarily unavailable" };
  const clock = new ManualClock(Date.UTC(2030, 5, 1, 12));
  const s = server(smtp.url, { startJobs: false, clock, jobOptions: { backoffBaseMs: 1_000 } });
  const id = s.deps.tx((tx) => queueMail(tx, MAIL));

  await s.runner.runUntilEmpty();
  expect(smtp.received).toHaveLength(0);
  const row = outbox(s, id);
  expect(row.status).toBe("queued");
  expect(row.error).toContain("Mailbox temporarily unavailable");
  const job = mailJob(s);
  expect(job).toMatchObject({ status: "pending", attempts: 1 });
  expect(job.last_error).toContain("Mailbox temporarily unavailable");
  expect(job.run_at).toBeGreaterThan(clock.now());

  // Not retried before the backoff; retried after it.
  expect(await s.runner.runUntilEmpty()).toBe(0);
  smtp.reject = null;
  clock.advance(1_000);
  expect(await s.runner.runUntilEmpty()).toBe(1);
  expect(smtp.received).toHaveLength(1);
  expect(outbox(s, id)).toMatchObject({ status: "sent", error: null, sent_at: clock.now() });
  expect(mailJob(s)).toMatchObject({ status: "done", attempts: 2 });
});

test("an unreachable SMTP server: retried up to max attempts, then the job is dead and the row failed with the error", async () => {
  const port = await closedPort();
  const clock = new ManualClock(Date.UTC(2030, 5, 1, 12));
  const s = server(`smtp://127.0.0.1:${port}?ignoreTLS=true&connectionTimeout=2000`, { startJobs: false, clock });
  const id = s.deps.tx((tx) => queueMail(tx, MAIL));

  let attempts = 0;
  for (let i = 0; i < 12; i++) {
    attempts += await s.runner.runUntilEmpty();
    const row = outbox(s, id);
    if (attempts < 8) {
      expect(row.status).toBe("queued");
      expect(row.error).toContain("ECONNREFUSED");
    }
    clock.advance(7 * 3600_000);
  }
  expect(attempts).toBe(8); // queueMail's maxAttempts
  expect(mailJob(s)).toMatchObject({ status: "dead", attempts: 8 });
  expect(mailJob(s).last_error).toContain("ECONNREFUSED");
  expect(outbox(s, id).status).toBe("failed");
  expect(outbox(s, id).error).toContain("ECONNREFUSED");
}, 15_000);

test("without PARLEY_SMTP_URL the mail is kept in the outbox as stored and nothing is sent", async () => {
  const smtp = await sink(); // running, but not configured: must receive nothing
  const s = server(null, { startJobs: false });
  expect(s.deps.config.smtpUrl).toBeNull();
  const id = s.deps.tx((tx) => queueMail(tx, MAIL));
  expect(await s.runner.runUntilEmpty()).toBe(1);
  expect(outbox(s, id)).toMatchObject({ status: "stored", sent_at: null, error: null, to_address: MAIL.to, subject: MAIL.subject });
  expect(mailJob(s)).toMatchObject({ status: "done" });
  expect(smtp.received).toHaveLength(0);
});

test("a mail already sent is not sent twice when its job runs again (at-least-once delivery)", async () => {
  const smtp = await sink();
  const s = server(smtp.url, { startJobs: false });
  const id = s.deps.tx((tx) => queueMail(tx, MAIL));
  await s.runner.runUntilEmpty();
  expect(smtp.received).toHaveLength(1);
  // Simulate a redelivery of the same job (e.g. the process died after SMTP accepted, before the job was marked done).
  s.deps.db.$client.query("UPDATE jobs SET status = 'pending', finished_at = NULL WHERE kind = ?").run(MAIL_JOB);
  expect(await s.runner.runUntilEmpty()).toBe(1);
  expect(smtp.received).toHaveLength(1);
  expect(outbox(s, id).status).toBe("sent");
});
