import type { Db } from "../db/client.ts";
import { preparedFor } from "../db/prepared.ts";
import type { Tx } from "../db/tx.ts";

export type EnqueueOptions = {
  kind: string;
  /** The runner that takes it: "main" (default) or a queue with a runner of its own (WEBHOOK_QUEUE). */
  queue?: string;
  payload?: unknown;
  /** Delay before the first attempt. */
  delayMs?: number;
  /** Jobs sharing this key run strictly one after another in enqueue order. */
  orderingKey?: string;
  /** A second enqueue with the same key is ignored (returns null). */
  idempotencyKey?: string;
  maxAttempts?: number;
};

export const MAIN_QUEUE = "main";

/** Wakes the in-process runners after a commit that enqueued work, so jobs start without waiting for a poll. */
export const jobSignal = new EventTarget();

/** Writes the job row inside the caller's transaction: it exists exactly when the change it belongs to commits. */
export function enqueue(tx: Tx, opts: EnqueueOptions): number | null {
  const id = insertJobRow(tx.db, tx.now, opts);
  tx.afterCommit(() => wakeQueue(opts.queue ?? MAIN_QUEUE));
  return id;
}

/** The job row of enqueue, for a caller already inside a write transaction that wakes no runner (a runner's own intake). */
export function insertJobRow(db: Db, now: number, opts: EnqueueOptions): number | null {
  // Behind an unfinished job of the same key it waits as 'blocked', so claiming never has to look past it.
  const behind = opts.orderingKey ? unfinishedWithKey(db).get(opts.orderingKey) !== null : false;
  // Raw statements: message creates enqueue here (bots, channel sends) inside the request's transaction.
  const { changes, lastInsertRowid } = insertJob(db).run(
    opts.kind,
    opts.queue ?? MAIN_QUEUE,
    behind ? "blocked" : "pending",
    JSON.stringify(opts.payload ?? {}),
    now + (opts.delayMs ?? 0),
    opts.orderingKey ?? null,
    opts.idempotencyKey ?? null,
    opts.maxAttempts ?? 10,
    now,
  );
  return changes ? Number(lastInsertRowid) : null;
}

/**
 * Deletes the pending jobs whose idempotency key starts with `prefix`, except the one keyed `keep` (a timer that replaces
 * the earlier ones). The keys between the prefix and the prefix with its last character raised are found through the
 * unique index.
 */
export function cancelPendingJobs(db: Db, prefix: string, keep: string | null): number {
  const upper = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
  return cancelPendingInRange(db).run(prefix, upper, keep ?? "").changes;
}

const cancelPendingInRange = preparedFor((db) =>
  db.$client.prepare<never, [string, string, string]>(
    "DELETE FROM jobs WHERE idempotency_key >= ?1 AND idempotency_key < ?2 AND idempotency_key != ?3 AND status = 'pending'",
  ),
);

const insertJob = preparedFor((db) =>
  // No RETURNING (it doubles an insert's cost): every message with webhooks, bots or channel sends enqueues.
  db.$client.prepare<never, [string, string, string, string, number, string | null, string | null, number, number]>(
    `INSERT INTO jobs (kind, queue, status, payload, run_at, ordering_key, idempotency_key, max_attempts, created_at, updated_at)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9) ON CONFLICT DO NOTHING`,
  ),
);

const unfinishedWithKey = preparedFor((db) =>
  db.$client.prepare<{ id: number }, [string]>(
    "SELECT id FROM jobs WHERE ordering_key = ?1 AND status IN ('pending', 'blocked', 'running') LIMIT 1",
  ),
);

/** Which of these ordering keys still have a job to run (pending, blocked behind another, or running): one query. */
export function keysWithUnfinishedJobs(db: Db, orderingKeys: string[]): Set<string> {
  if (!orderingKeys.length) return new Set();
  return new Set(unfinishedOfKeys(db).all(JSON.stringify(orderingKeys)).map((r) => r.ordering_key));
}

const unfinishedOfKeys = preparedFor((db) =>
  db.$client.prepare<{ ordering_key: string }, [string]>(
    `SELECT DISTINCT ordering_key FROM jobs
     WHERE ordering_key IN (SELECT value FROM json_each(?1)) AND status IN ('pending', 'blocked', 'running')`,
  ),
);

/** When the oldest job of a queue that is due now became due, or null if none is. */
export function oldestDueJobAt(db: Db, queue: string, now: number): number | null {
  return oldestDue(db).get(queue, now)?.run_at ?? null;
}

const oldestDue = preparedFor((db) =>
  db.$client.prepare<{ run_at: number }, [string, number]>(
    "SELECT run_at FROM jobs WHERE queue = ?1 AND status = 'pending' AND run_at <= ?2 ORDER BY run_at, id LIMIT 1",
  ),
);

/** Whether a queue has work waiting (due now or later) or running. */
export function hasQueuedJobs(db: Db, queue: string): boolean {
  return db.$client.query("SELECT 1 FROM jobs WHERE queue = ?1 AND status IN ('pending', 'blocked', 'running') LIMIT 1").get(queue) !== null;
}

/** Wakes the runner of a queue that got work (the event's type is the queue's name). */
export function wakeQueue(queue: string): void {
  jobSignal.dispatchEvent(new Event(queue));
}
