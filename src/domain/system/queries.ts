import { desc, eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { jobs } from "../../db/schema/jobs.ts";
import { mail_outbox } from "../../db/schema/mail.ts";
import { MAIN_QUEUE } from "../../jobs/queue.ts";
import { WEBHOOK_QUEUE } from "../webhooks/fanout.ts";

export function jobCounts(db: Db): { pending: number; running: number; dead: number } {
  // Through the queues' index (queue, status, run_at): finished jobs, however many, are never read.
  const rows = db.$client
    .query("SELECT status, count(*) AS n FROM jobs WHERE queue IN (?1, ?2) AND status IN ('pending', 'blocked', 'running', 'dead') GROUP BY status")
    .all(MAIN_QUEUE, WEBHOOK_QUEUE) as { status: string; n: number }[];
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
