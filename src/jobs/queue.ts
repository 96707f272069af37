import { and, eq, inArray, sql } from "drizzle-orm";
import { preparedFor } from "../db/prepared.ts";
import { jobs } from "../db/schema/jobs.ts";
import type { Tx } from "../db/tx.ts";

export type EnqueueOptions = {
  kind: string;
  payload?: unknown;
  /** Delay before the first attempt. */
  delayMs?: number;
  /** Jobs sharing this key run strictly one after another in enqueue order. */
  orderingKey?: string;
  /** A second enqueue with the same key is ignored (returns null). */
  idempotencyKey?: string;
  maxAttempts?: number;
};

/** Wakes the in-process runners after a commit that enqueued work, so jobs start without waiting for a poll. */
export const jobSignal = new EventTarget();

/** Writes the job row inside the caller's transaction: it exists exactly when the change it belongs to commits. */
export function enqueue(tx: Tx, opts: EnqueueOptions): number | null {
  // Behind an unfinished job of the same key it waits as 'blocked', so claiming never has to look past it.
  const behind = opts.orderingKey ? unfinishedWithKey(tx.db).get({ key: opts.orderingKey }) !== undefined : false;
  const row = tx.db
    .insert(jobs)
    .values({
      kind: opts.kind,
      status: behind ? "blocked" : "pending",
      payload: opts.payload ?? {},
      run_at: tx.now + (opts.delayMs ?? 0),
      ordering_key: opts.orderingKey ?? null,
      idempotency_key: opts.idempotencyKey ?? null,
      max_attempts: opts.maxAttempts ?? 10,
      created_at: tx.now,
      updated_at: tx.now,
    })
    .onConflictDoNothing()
    .returning({ id: jobs.id })
    .get();
  tx.afterCommit(wakeRunners);
  return row?.id ?? null;
}

const unfinishedWithKey = preparedFor((db) =>
  db
    .select({ id: jobs.id })
    .from(jobs)
    .where(and(eq(jobs.ordering_key, sql.placeholder("key")), inArray(jobs.status, ["pending", "blocked", "running"])))
    .limit(1)
    .prepare(),
);

function wakeRunners() {
  jobSignal.dispatchEvent(new Event("enqueued"));
}
