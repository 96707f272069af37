// Account webhook delivery. An event with subscribers is recorded once (the event and the webhooks subscribed at that
// moment), in the transaction that made the change, together with the other events of its COMMIT as one
// webhook_event_batches row; that is all the request pays. The webhooks queue's intake (takeNewWebhookEvents) turns
// batches, oldest first, into webhook_events rows and `webhook.fanout` jobs. The job builds the body, POSTs it to every
// webhook at once and records the body and all first attempts in one write. A delivery that needs another attempt
// (or must wait behind an earlier one of its webhook) becomes a `webhook.deliver` job.
//
// Order: fan-out jobs of one subject (conversation, contact, inbox) run one after another; a webhook's retry job
// for a subject holds back that webhook's later deliveries of the subject (they queue behind it), while the other
// webhooks keep receiving. Every attempt of a delivery carries the same X-Chatwoot-Delivery.
import { createHash } from "node:crypto";
import { z } from "zod";
import type { Db } from "../../db/client.ts";
import { preparedFor } from "../../db/prepared.ts";
import type { CommitLog, Tx } from "../../db/tx.ts";
import type { AppDeps } from "../../deps.ts";
import { PermanentFailure, RetryLater } from "../../jobs/errors.ts";
import { enqueue, insertJobRow, keysWithUnfinishedJobs, oldestDueJobAt, wakeQueue } from "../../jobs/queue.ts";
import type { JobContext } from "../../jobs/runner.ts";
import { uuid } from "../../lib/ids.ts";
import { DELIVERY_MAX_ATTEMPTS, postSigned, retryDelay, type PostOutcome } from "./delivery.ts";
import { buildWebhookPayload, type WebhookSourceEvent } from "./payloads.ts";
import { insertDelivery, markDeliveryFailed, recordAttempt, webhookRow, type AttemptRecord, type DeliveryStatus, type WebhookTarget } from "./log.ts";

export const WEBHOOK_FANOUT_JOB = "webhook.fanout";
export const WEBHOOK_DELIVER_JOB = "webhook.deliver";
/** The queue of both: in the server, a thread of its own runs it (src/jobs/webhook-queue.ts). */
export const WEBHOOK_QUEUE = "webhooks";

/** What the delivery jobs need (the webhook thread has no bus, mailer or realtime). */
export type WebhookJobDeps = Pick<AppDeps, "config" | "db" | "clock" | "log" | "txGrouped">;

/** The webhooks queue's job kinds and their handlers. */
export function webhookJobHandlers(deps: WebhookJobDeps) {
  return { [WEBHOOK_FANOUT_JOB]: createWebhookFanoutHandler(deps), [WEBHOOK_DELIVER_JOB]: createWebhookDeliverHandler(deps) };
}

/** A webhook event as the request records it (webhook_event_batches); the intake gives it its row and fan-out job. */
type RecordedEvent = { account_id: number; event: string; subject: string; source: { name: string; data: unknown }; webhook_ids: number[] };

/** The events of one COMMIT, written as one webhook_event_batches row. */
const webhookEventLog: CommitLog<RecordedEvent> = {
  write: (db, now, events) => void statements(db).insertBatch.run(JSON.stringify(events), now),
};

/**
 * Records the event for its fan-out, in the caller's transaction (with the other events of its COMMIT: one insert).
 * The body is built by the fan-out, from the database as it is then (as Chatwoot's webhook listener does in its
 * background job), and stored with the first attempts: every attempt and redelivery sends those bytes.
 */
export function enqueueWebhookEvent(tx: Tx, accountId: number, hooks: WebhookTarget[], event: string, source: WebhookSourceEvent, subject: string): void {
  tx.append(webhookEventLog, { account_id: accountId, event, subject, source: { name: source.name, data: source.data }, webhook_ids: hooks.map((h) => h.id) });
  tx.afterCommit(() => wakeQueue(WEBHOOK_QUEUE));
}

/** How many new events one claim of the webhooks queue takes at most (it stops after the batch that reaches it). */
const INTAKE_EVENTS = 500;

/**
 * The webhooks queue's intake: new events, oldest first, get their webhook_events row and fan-out job (one subject's
 * fan-outs run one after another, in event order). Writing them here rather than in the request keeps both tables,
 * which this thread churns, off the request's path. Events stored one per row by an earlier version go first.
 */
export function takeNewWebhookEvents(db: Db, now: number): number {
  const st = statements(db);
  const fanOut = (eventId: number, subject: string) =>
    insertJobRow(db, now, { kind: WEBHOOK_FANOUT_JOB, queue: WEBHOOK_QUEUE, payload: { event_id: eventId }, orderingKey: `webhooks:${subject}` });
  const legacy = st.unqueued.all(INTAKE_EVENTS);
  for (const ev of legacy) {
    fanOut(ev.id, ev.subject);
    st.markQueued.run(ev.id);
  }
  let taken = legacy.length;
  // Read (oldest first, only as far as needed), then written: no write under the open cursor.
  const batches: { id: number; created_at: number; events: RecordedEvent[] }[] = [];
  for (const batch of st.oldestBatches.iterate()) {
    if (taken >= INTAKE_EVENTS) break;
    const events = JSON.parse(batch.events) as RecordedEvent[];
    batches.push({ id: batch.id, created_at: batch.created_at, events });
    taken += events.length;
  }
  for (const batch of batches) {
    for (const ev of batch.events) {
      // Nothing for an account deleted since (its webhooks went with it).
      const { changes, lastInsertRowid } = st.insertEvent.run(ev.account_id, uuid(), ev.event, ev.subject, JSON.stringify(ev.source), JSON.stringify(ev.webhook_ids), batch.created_at);
      if (changes) fanOut(Number(lastInsertRowid), ev.subject);
    }
    st.deleteBatch.run(batch.id);
  }
  return taken;
}

/** Since when the oldest webhook work due now (an event not yet taken, a due delivery job) has waited; null if none waits. */
export function oldestWebhookWorkSince(db: Db, now: number): number | null {
  const st = statements(db);
  const since = Math.min(
    st.oldestBatchAt.get()?.created_at ?? Infinity,
    st.oldestUnqueued.get()?.created_at ?? Infinity,
    oldestDueJobAt(db, WEBHOOK_QUEUE, now) ?? Infinity,
  );
  return since === Infinity ? null : since;
}

/** Whether stored events still wait for their fan-out job (the webhook thread starts at once if so). */
export function hasUnqueuedWebhookEvents(db: Db): boolean {
  const st = statements(db);
  return st.oldestBatchAt.get() !== null || st.oldestUnqueued.get() !== null;
}

/** X-Chatwoot-Delivery of one (event, webhook): derived, so a fan-out re-run after a crash sends the same id. */
export function deliveryUuid(eventUuid: string, webhookId: number): string {
  const h = createHash("sha256").update(`${eventUuid}:${webhookId}`).digest("hex");
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The ordering key of one webhook's separate deliveries of one subject. */
const retryKey = (webhookId: number, subject: string) => `webhook:${webhookId}:${subject}`;

const fanoutPayload = z.object({ event_id: z.number().int() });
const deliverPayload = z.object({
  delivery_id: z.number().int(),
  /** Attempts of this delivery before the job's own (picks the backoff step). */
  offset: z.number().int().min(0).default(0),
});

function parse<T>(schema: z.ZodType<T>, raw: unknown, kind: string): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new PermanentFailure(`invalid ${kind} payload: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

type Target = { hook: NonNullable<ReturnType<typeof webhookRow>>; delivery_uuid: string };

/** The `webhook.fanout` handler: one event to all its webhooks. */
export function createWebhookFanoutHandler(deps: WebhookJobDeps) {
  return async (raw: unknown): Promise<void> => {
    const { event_id } = parse(fanoutPayload, raw, WEBHOOK_FANOUT_JOB);
    const st = statements(deps.db);
    const ev = st.event.get(event_id);
    if (!ev) return; // pruned
    const body = ev.body ?? builtBody(deps, ev);
    if (body === null) {
      // What the event was about is gone (deleted before the fan-out ran): nothing to send.
      await deps.txGrouped((tx) => statements(tx.db).deleteEvent.run(event_id));
      return;
    }
    // A re-run after a crash skips the deliveries already recorded (their own jobs carry on).
    const recorded = new Set(st.recordedWebhooks.all(event_id).map((r) => r.webhook_id));
    const hookIds = JSON.parse(ev.webhook_ids) as number[];
    const waiting = keysWithUnfinishedJobs(deps.db, hookIds.map((id) => retryKey(id, ev.subject)));
    const send: Target[] = [];
    const held: Target[] = [];
    const disabled: Target[] = [];
    for (const id of hookIds) {
      if (recorded.has(id)) continue;
      const hook = webhookRow(deps.db, id);
      if (!hook) continue; // deleted: its log went with it
      const target = { hook, delivery_uuid: deliveryUuid(ev.uuid, id) };
      if (hook.disabled_at != null) disabled.push(target);
      else if (waiting.has(retryKey(id, ev.subject))) held.push(target);
      else send.push(target);
    }
    const at = deps.clock.now();
    const now = () => deps.clock.now();
    const outcomes = await Promise.all(
      send.map((t) => postSigned(deps, { url: t.hook.url, body, secret: t.hook.secret, deliveryId: t.delivery_uuid, at, now })),
    );
    await deps.txGrouped((tx) => {
      if (ev.body === null) statements(tx.db).storeBody.run(event_id, body);
      const row = (t: Target) => ({ account_id: ev.account_id, webhook_id: t.hook.id, event_id, delivery_uuid: t.delivery_uuid, event: ev.event });
      send.forEach((t, i) => {
        const r = outcomes[i];
        const status = statusAfter(r, true);
        const id = insertDelivery(tx, row(t), status, attemptRecord(r, status, at));
        if (id !== null && status === "pending") {
          enqueue(tx, {
            kind: WEBHOOK_DELIVER_JOB,
            queue: WEBHOOK_QUEUE,
            payload: { delivery_id: id, offset: 1 },
            delayMs: r.retryAfterMs ?? retryDelay(1),
            orderingKey: retryKey(t.hook.id, ev.subject),
            maxAttempts: DELIVERY_MAX_ATTEMPTS - 1,
          });
        }
      });
      for (const t of held) {
        const id = insertDelivery(tx, row(t), "pending", null);
        if (id !== null) enqueue(tx, { kind: WEBHOOK_DELIVER_JOB, queue: WEBHOOK_QUEUE, payload: { delivery_id: id }, orderingKey: retryKey(t.hook.id, ev.subject), maxAttempts: DELIVERY_MAX_ATTEMPTS });
      }
      for (const t of disabled) insertDelivery(tx, row(t), "failed", null, "webhook disabled");
    });
  };
}

/** The `webhook.deliver` handler: one delivery (a retry, one held behind an earlier delivery, or a manual redelivery). */
export function createWebhookDeliverHandler(deps: WebhookJobDeps) {
  return async (raw: unknown, ctx: JobContext): Promise<void> => {
    const { delivery_id, offset } = parse(deliverPayload, raw, WEBHOOK_DELIVER_JOB);
    const d = statements(deps.db).delivery.get(delivery_id);
    if (!d) return; // pruned, or its webhook was deleted
    const hook = webhookRow(deps.db, d.webhook_id);
    if (!hook) return;
    if (hook.disabled_at != null) {
      await deps.txGrouped((tx) => markDeliveryFailed(tx, d.id, "webhook disabled"));
      return;
    }
    const at = deps.clock.now();
    const r = await postSigned(deps, { url: hook.url, body: d.body, secret: hook.secret, deliveryId: d.delivery_uuid, at, now: () => deps.clock.now() });
    const status = statusAfter(r, ctx.attempt < ctx.job.max_attempts);
    await deps.txGrouped((tx) => recordAttempt(tx, d, attemptRecord(r, status, at)));
    if (r.kind === "delivered") return;
    const message = `${d.event} to ${hook.url}: ${r.error}`;
    if (r.kind === "retry") throw new RetryLater(message, r.retryAfterMs ?? retryDelay(offset + ctx.attempt));
    throw new PermanentFailure(message);
  };
}

/** A manual redelivery: the same body and X-Chatwoot-Delivery (receivers dedupe by it), a fresh retry schedule. */
export function enqueueRedelivery(tx: Tx, deliveryId: number): void {
  // Its own ordering key: a manual redelivery does not wait behind (or hold up) the live stream.
  enqueue(tx, { kind: WEBHOOK_DELIVER_JOB, queue: WEBHOOK_QUEUE, payload: { delivery_id: deliveryId }, orderingKey: `redeliver:${deliveryId}:${tx.now}`, maxAttempts: DELIVERY_MAX_ATTEMPTS });
}

function builtBody(deps: WebhookJobDeps, ev: EventRow): string | null {
  if (!ev.source) return null;
  const payload = buildWebhookPayload(deps.db, deps.config.publicUrl, JSON.parse(ev.source) as WebhookSourceEvent);
  return payload ? JSON.stringify(payload) : null;
}

function statusAfter(r: PostOutcome, mayRetry: boolean): DeliveryStatus {
  if (r.kind === "delivered") return "succeeded";
  return r.kind === "retry" && mayRetry ? "pending" : "failed";
}

function attemptRecord(r: PostOutcome, status: DeliveryStatus, at: number): AttemptRecord {
  return { status, at, status_code: r.status, error: r.error, response_body: r.response_body, duration_ms: r.duration_ms };
}

type EventRow = { id: number; account_id: number; uuid: string; event: string; subject: string; source: string | null; body: string | null; webhook_ids: string };
type DeliveryJobRow = { id: number; webhook_id: number; attempts: number; delivery_uuid: string; event: string; body: string };

const statements = preparedFor((db) => ({
  insertBatch: db.$client.prepare<never, [string, number]>("INSERT INTO webhook_event_batches (events, created_at) VALUES (?1, ?2)"),
  oldestBatches: db.$client.prepare<{ id: number; events: string; created_at: number }, []>("SELECT id, events, created_at FROM webhook_event_batches ORDER BY id"),
  oldestBatchAt: db.$client.prepare<{ created_at: number }, []>("SELECT created_at FROM webhook_event_batches ORDER BY id LIMIT 1"),
  deleteBatch: db.$client.prepare<never, [number]>("DELETE FROM webhook_event_batches WHERE id = ?1"),
  insertEvent: db.$client.prepare<never, [number, string, string, string, string, string, number]>(
    `INSERT INTO webhook_events (account_id, uuid, event, subject, source, webhook_ids, queued, created_at)
     SELECT ?1, ?2, ?3, ?4, ?5, ?6, 1, ?7 WHERE EXISTS (SELECT 1 FROM accounts WHERE id = ?1)`,
  ),
  event: db.$client.prepare<EventRow, [number]>("SELECT id, account_id, uuid, event, subject, source, body, webhook_ids FROM webhook_events WHERE id = ?1"),
  storeBody: db.$client.prepare<never, [number, string]>("UPDATE webhook_events SET body = ?2 WHERE id = ?1 AND body IS NULL"),
  deleteEvent: db.$client.prepare<never, [number]>("DELETE FROM webhook_events WHERE id = ?1"),
  unqueued: db.$client.prepare<{ id: number; subject: string }, [number]>("SELECT id, subject FROM webhook_events WHERE queued = 0 ORDER BY id LIMIT ?1"),
  oldestUnqueued: db.$client.prepare<{ created_at: number }, []>("SELECT created_at FROM webhook_events WHERE queued = 0 ORDER BY id LIMIT 1"),
  markQueued: db.$client.prepare<never, [number]>("UPDATE webhook_events SET queued = 1 WHERE id = ?1"),
  recordedWebhooks: db.$client.prepare<{ webhook_id: number }, [number]>("SELECT webhook_id FROM webhook_deliveries WHERE event_id = ?1"),
  delivery: db.$client.prepare<DeliveryJobRow, [number]>(
    `SELECT d.id, d.webhook_id, d.attempts, d.delivery_uuid, d.event, e.body
     FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id WHERE d.id = ?1`,
  ),
}));
