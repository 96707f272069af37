import { desc, eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { jobs } from "../../db/schema/jobs.ts";
import { mail_outbox } from "../../db/schema/mail.ts";

export function jobCounts(db: Db): { pending: number; running: number; dead: number } {
  const rows = db.$client
    .query("SELECT status, count(*) AS n FROM jobs WHERE status IN ('pending', 'blocked', 'running', 'dead') GROUP BY status")
    .all() as { status: string; n: number }[];
  const count = (s: string) => rows.find((r) => r.status === s)?.n ?? 0;
  // Blocked jobs (waiting behind another of their ordering key) are pending work too.
  return { pending: count("pending") + count("blocked"), running: count("running"), dead: count("dead") };
}

export function listDeadJobs(db: Db, limit = 100) {
  return db.select().from(jobs).where(eq(jobs.status, "dead")).orderBy(desc(jobs.id)).limit(limit).all();
}

export function listOutbox(db: Db, limit = 100) {
  return db.select().from(mail_outbox).orderBy(desc(mail_outbox.id)).limit(limit).all();
}

export function databaseOk(db: Db): boolean {
  try {
    return (db.$client.query("SELECT 1 AS ok").get() as { ok: number }).ok === 1;
  } catch {
    return false;
  }
}
