import type { Db } from "../../db/client.ts";

const DAY = 24 * 3600_000;
/** Finished jobs are kept a week for inspection; dead jobs stay until an administrator retries or deletes them. */
export const DONE_JOB_RETENTION_MS = 7 * DAY;

export function pruneFinishedJobs(db: Db, now: number): number {
  return db.$client.query("DELETE FROM jobs WHERE status = 'done' AND finished_at < ?").run(now - DONE_JOB_RETENTION_MS).changes;
}

export function pruneUsedTokens(db: Db, now: number): number {
  return db.$client.query("DELETE FROM used_tokens WHERE expires_at < ?").run(now).changes;
}
