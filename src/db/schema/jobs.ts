import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** blocked: waits behind an unfinished job with the same ordering key, promoted to pending when that one ends. */
export const JOB_STATUSES = ["pending", "blocked", "running", "done", "dead"] as const;

export const jobs = sqliteTable(
  "jobs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    kind: text("kind").notNull(),
    /** Which runner takes it: "main" (the serving process) or "webhooks" (the webhook delivery thread). */
    queue: text("queue").notNull().default("main"),
    payload: text("payload", { mode: "json" }).$type<unknown>().notNull().default(sql`'{}'`),
    status: text("status", { enum: JOB_STATUSES }).notNull().default("pending"),
    /** Jobs sharing an ordering key run one at a time, in id order (e.g. deliveries for one conversation). */
    ordering_key: text("ordering_key"),
    /** Enqueueing twice with the same key is a no-op. */
    idempotency_key: text("idempotency_key"),
    run_at: integer("run_at").notNull(),
    attempts: integer("attempts").notNull().default(0),
    max_attempts: integer("max_attempts").notNull().default(10),
    locked_until: integer("locked_until"),
    /** Fencing token of the current lease: a worker finishes a job only while its token still matches. */
    lock_token: text("lock_token"),
    locked_by: text("locked_by"),
    last_error: text("last_error"),
    created_at: integer("created_at").notNull(),
    updated_at: integer("updated_at").notNull(),
    finished_at: integer("finished_at"),
  },
  (t) => [
    index("jobs_queue_due_idx").on(t.queue, t.status, t.run_at),
    index("jobs_ordering_idx").on(t.ordering_key, t.status),
    uniqueIndex("jobs_idempotency_unique").on(t.idempotency_key),
  ],
);
