import { eq } from "drizzle-orm";
import { mail_outbox } from "../../db/schema/mail.ts";
import type { Db } from "../../db/client.ts";
import type { Tx } from "../../db/tx.ts";
import { enqueue } from "../../jobs/queue.ts";
import type { Mailer, OutgoingMail } from "../../lib/mailer.ts";

export const MAIL_JOB = "mail.send";

/** Stores the mail and schedules its sending in the caller's transaction. */
export function queueMail(tx: Tx, mail: OutgoingMail): number {
  const row = tx.db
    .insert(mail_outbox)
    .values({
      to_address: mail.to,
      subject: mail.subject,
      text_body: mail.text,
      html_body: mail.html ?? null,
      created_at: tx.now,
    })
    .returning({ id: mail_outbox.id })
    .get();
  enqueue(tx, { kind: MAIL_JOB, payload: { mail_id: row.id }, maxAttempts: 8 });
  return row.id;
}

/** The mail job: sends through SMTP when configured, otherwise leaves the mail readable in the outbox. */
export async function deliverMail(db: Db, mailer: Mailer, mailId: number, now: () => number, lastAttempt: boolean): Promise<void> {
  const mail = db.select().from(mail_outbox).where(eq(mail_outbox.id, mailId)).get();
  if (!mail || mail.status === "sent" || mail.status === "stored") return;
  if (!mailer.enabled) {
    db.update(mail_outbox).set({ status: "stored" }).where(eq(mail_outbox.id, mailId)).run();
    return;
  }
  try {
    await mailer.send({ to: mail.to_address, subject: mail.subject, text: mail.text_body, html: mail.html_body });
    db.update(mail_outbox).set({ status: "sent", sent_at: now(), error: null }).where(eq(mail_outbox.id, mailId)).run();
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    db.update(mail_outbox).set({ status: lastAttempt ? "failed" : "queued", error }).where(eq(mail_outbox.id, mailId)).run();
    throw err;
  }
}
