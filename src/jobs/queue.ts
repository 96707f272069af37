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
  const row = tx.db
    .insert(jobs)
    .values({
      kind: opts.kind,
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

function wakeRunners() {
  jobSignal.dispatchEvent(new Event("enqueued"));
}
