// Account webhooks' subscriptions and delivery log: which webhooks hear an event; a webhook_deliveries row per
// (event, webhook), written with its first attempt; one webhook_delivery_attempts row per attempt; the webhook's
// health (failing_since → auto-disable after days of failures, administrators mailed); pruning of old events.
// Sending is in fanout.ts.
import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { preparedFor } from "../../db/prepared.ts";
import { cachedRead } from "../../db/read-cache.ts";
import { account_users, accounts, users } from "../../db/schema/accounts.ts";
import { webhook_deliveries, webhook_delivery_attempts, webhooks } from "../../db/schema/webhooks.ts";
import type { Tx } from "../../db/tx.ts";
import type { AppDeps } from "../../deps.ts";
import { conversationInboxId } from "../conversations/records.ts";
import { queueMail } from "../mail/commands.ts";
import type { WebhookSourceEvent } from "./payloads.ts";

/** A webhook whose deliveries keep failing this long (failing_since older than this at a failure) is disabled. */
export const AUTO_DISABLE_AFTER_MS = 3 * 24 * 3600_000;
/** The stored start of each attempt's response. */
export const RESPONSE_SNIPPET_BYTES = 1024;

export type WebhookTarget = { id: number; account_id: number; url: string; secret: string };

type AccountWebhook = WebhookTarget & { inbox_id: number | null; subscriptions: ReadonlySet<string> };

const enabledWebhooks = preparedFor((db) =>
  db.$client.prepare<WebhookTarget & { inbox_id: number | null; subscriptions: string }, [number]>(
    "SELECT id, account_id, url, secret, inbox_id, subscriptions FROM webhooks WHERE account_id = ?1 AND disabled_at IS NULL ORDER BY id",
  ),
);

/** The account's enabled webhooks (from the read cache: this runs inside every webhook-worthy write). */
function accountWebhooks(db: Db, accountId: number): AccountWebhook[] {
  return cachedRead(db, `webhooks:${accountId}`, () =>
    enabledWebhooks(db)
      .all(accountId)
      .map(({ subscriptions, ...hook }) => ({ ...hook, subscriptions: new Set(JSON.parse(subscriptions) as string[]) })),
  )!;
}

/** The account's enabled webhooks subscribed to the event; inbox webhooks only for events of their inbox. */
export function subscribedWebhooks(tx: Tx, accountId: number, event: string, e: WebhookSourceEvent): WebhookTarget[] {
  const hooks = accountWebhooks(tx.db, accountId).filter((h) => h.subscriptions.has(event));
  if (!hooks.length || hooks.every((h) => h.inbox_id == null)) return hooks;
  let inboxId: number | null = null;
  if ("conversation_id" in e.data) inboxId = conversationInboxId(tx.db, accountId, e.data.conversation_id);
  else if ("inbox_id" in e.data) inboxId = e.data.inbox_id;
  return hooks.filter((h) => h.inbox_id == null || h.inbox_id === inboxId);
}

/** The start of a response, cut at a character boundary to at most `bytes` UTF-8 bytes. */
export function snippet(text: string | null, bytes = RESPONSE_SNIPPET_BYTES): string | null {
  if (text == null) return null;
  if (text.length * 3 <= bytes) return text;
  const encoded = new TextEncoder().encode(text);
  if (encoded.length <= bytes) return text;
  return new TextDecoder().decode(encoded.slice(0, bytes)).replace(/\uFFFD$/, "");
}

/** A webhook's row from the read cache (fan-out reads it for every target; health checks on every attempt). */
export function webhookRow(db: Db, id: number): typeof webhooks.$inferSelect | null {
  return cachedRead(db, `webhook:${id}`, () => db.select().from(webhooks).where(eq(webhooks.id, id)).get());
}

export type DeliveryStatus = "pending" | "succeeded" | "failed";

/** One attempt to record: the delivery's outcome after it and what the receiver answered. */
export type AttemptRecord = {
  status: DeliveryStatus;
  at: number;
  status_code: number | null;
  error: string | null;
  response_body: string | null;
  duration_ms: number;
};

/** A new delivery row of an event; with `attempt`, its first attempt too. Returns the row id (null if it exists). */
export function insertDelivery(
  tx: Tx,
  d: { account_id: number; webhook_id: number; event_id: number; delivery_uuid: string; event: string },
  status: DeliveryStatus,
  attempt: AttemptRecord | null,
  lastError: string | null = attempt?.error ?? null,
): number | null {
  const st = deliveryStatements(tx.db);
  const { changes, lastInsertRowid } = st.insert.run(d.account_id, d.webhook_id, d.event_id, d.delivery_uuid, d.event, status, attempt ? 1 : 0, attempt?.status_code ?? null, lastError, tx.now);
  if (!changes) return null;
  const id = Number(lastInsertRowid);
  if (attempt) writeAttempt(tx, id, d.webhook_id, 1, attempt);
  return id;
}

/** A further attempt of an existing delivery (numbered by the delivery: a manual redelivery continues the count). */
export function recordAttempt(tx: Tx, delivery: { id: number; webhook_id: number; attempts: number }, a: AttemptRecord): void {
  const attempt = delivery.attempts + 1;
  deliveryStatements(tx.db).update.run(delivery.id, attempt, a.status, a.status_code, a.error, tx.now);
  writeAttempt(tx, delivery.id, delivery.webhook_id, attempt, a);
}

/** A delivery that will not be sent (its webhook was disabled meanwhile). */
export function markDeliveryFailed(tx: Tx, deliveryId: number, reason: string): void {
  deliveryStatements(tx.db).fail.run(deliveryId, reason, tx.now);
}

function writeAttempt(tx: Tx, deliveryId: number, webhookId: number, attempt: number, a: AttemptRecord) {
  const duration = Math.max(0, Math.round(a.duration_ms));
  deliveryStatements(tx.db).insertAttempt.run(deliveryId, attempt, a.status_code, duration, snippet(a.response_body), a.error, a.at);
  updateHealth(tx, webhookId, a.status === "succeeded", a.at);
}

// Raw statements: a delivery row is written per (event, webhook) and updated on every further attempt.
const deliveryStatements = preparedFor((db) => ({
  // No RETURNING: it doubles the cost of this insert, the most frequent write of a fan-out.
  insert: db.$client.prepare<never, [number, number, number, string, string, string, number, number | null, string | null, number]>(
    `INSERT INTO webhook_deliveries (account_id, webhook_id, event_id, delivery_uuid, event, status, attempts, last_status_code, last_error, created_at, updated_at)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10) ON CONFLICT DO NOTHING`,
  ),
  insertAttempt: db.$client.prepare<never, [number, number, number | null, number, string | null, string | null, number]>(
    `INSERT INTO webhook_delivery_attempts (delivery_id, attempt, status_code, duration_ms, response_snippet, error, created_at)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)`,
  ),
  update: db.$client.prepare<never, [number, number, string, number | null, string | null, number]>(
    "UPDATE webhook_deliveries SET attempts = ?2, status = ?3, last_status_code = ?4, last_error = ?5, updated_at = ?6 WHERE id = ?1",
  ),
  fail: db.$client.prepare<never, [number, string, number]>("UPDATE webhook_deliveries SET status = 'failed', last_error = ?2, updated_at = ?3 WHERE id = ?1"),
}));

function updateHealth(tx: Tx, webhookId: number, ok: boolean, at: number) {
  // The webhook's state comes from the read cache while it is healthy: every successful attempt asks.
  const hook = webhookRow(tx.db, webhookId);
  if (!hook) return;
  if (ok) {
    if (hook.failing_since != null) tx.db.update(webhooks).set({ failing_since: null }).where(eq(webhooks.id, webhookId)).run();
    return;
  }
  if (hook.failing_since == null) {
    tx.db.update(webhooks).set({ failing_since: at }).where(eq(webhooks.id, webhookId)).run();
    return;
  }
  if (hook.disabled_at != null || at - hook.failing_since < AUTO_DISABLE_AFTER_MS) return;
  const days = Math.round(AUTO_DISABLE_AFTER_MS / 86_400_000);
  const reason = `Deliveries failed for ${days} days (since ${new Date(hook.failing_since).toISOString()})`;
  tx.db.update(webhooks).set({ disabled_at: tx.now, disabled_reason: reason, updated_at: tx.now }).where(eq(webhooks.id, webhookId)).run();
  const account = tx.db.select({ name: accounts.name }).from(accounts).where(eq(accounts.id, hook.account_id)).get();
  const admins = tx.db
    .select({ email: users.email })
    .from(account_users)
    .innerJoin(users, eq(users.id, account_users.user_id))
    .where(and(eq(account_users.account_id, hook.account_id), eq(account_users.role, "administrator")))
    .all();
  for (const admin of admins) {
    queueMail(tx, {
      to: admin.email,
      subject: `Webhook disabled: ${hook.name || hook.url}`,
      text:
        `The webhook ${hook.name ? `"${hook.name}" ` : ""}(${hook.url}) of ${account?.name ?? "your account"} was disabled.\n` +
        `${reason}.\n\nFix the receiver, then enable the webhook again in Settings → Webhooks (or PATCH it with enabled: true).\n`,
    });
  }
}

/** Events (and, by cascade, their deliveries and attempts) older than the retention window. Returns how many went. */
export function pruneWebhookLog(db: Db, now: number, retentionDays: number): number {
  const cutoff = now - retentionDays * 86_400_000;
  return db.$client.prepare("DELETE FROM webhook_events WHERE created_at < ?1").run(cutoff).changes;
}
