import { and, eq } from "drizzle-orm";
import { jobs } from "../../db/schema/jobs.ts";
import type { Tx } from "../../db/tx.ts";
import { wakeQueue } from "../../jobs/queue.ts";
import { Forbidden, NotFound } from "../errors.ts";
import type { UserRow } from "../users/queries.ts";

/** Background jobs are installation-wide: only a SuperAdmin may look at them or act on them. */
export function assertCanManageJobs(user: Pick<UserRow, "type">): void {
  if (user.type !== "SuperAdmin") throw new Forbidden("Only the installation's super administrators can manage background jobs");
}

/**
 * Puts a dead job back in the queue: pending, due now, with a fresh set of attempts. The last error is
 * kept until the next attempt overwrites it, so the operator can still see why it died.
 */
export function retryDeadJob(tx: Tx, user: Pick<UserRow, "type">, jobId: number) {
  assertCanManageJobs(user);
  const row = tx.db
    .update(jobs)
    .set({ status: "pending", run_at: tx.now, attempts: 0, locked_until: null, lock_token: null, locked_by: null, finished_at: null, updated_at: tx.now })
    .where(and(eq(jobs.id, jobId), eq(jobs.status, "dead")))
    .returning({ id: jobs.id, kind: jobs.kind, queue: jobs.queue })
    .get();
  if (!row) throw new NotFound("Dead job");
  tx.afterCommit(() => wakeQueue(row.queue));
  return { id: row.id, kind: row.kind };
}
