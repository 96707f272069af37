// Account webhook deliveries and their log: a webhook_deliveries row per (event, webhook), written with the
// http.deliver job in the emitting transaction; one webhook_delivery_attempts row per attempt (the delivery job's
// onAttempt seam); the webhook's health (failing_since → auto-disable after days of failures, administrators
// mailed); manual redelivery; pruning of old log rows.
import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { preparedFor } from "../../db/prepared.ts";
import { cachedRead } from "../../db/read-cache.ts";
import { account_users, accounts, users } from "../../db/schema/accounts.ts";
import { webhook_deliveries, webhook_delivery_attempts, webhooks } from "../../db/schema/webhooks.ts";
import type { Tx } from "../../db/tx.ts";
import type { AppDeps } from "../../deps.ts";
import { uuid } from "../../lib/ids.ts";
import { conversationInboxId } from "../conversations/records.ts";
import { queueMail } from "../mail/commands.ts";
import { enqueueHttpDelivery, type DeliveryAttempt, type HttpDeliveryPayload } from "./delivery.ts";
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

/** The delivery row and its job, in the caller's transaction. Per webhook, one subject's events arrive in order. */
export function enqueueWebhookDelivery(tx: Tx, hook: WebhookTarget, event: string, body: string, subjectKey: string): void {
  const delivery_uuid = uuid();
  deliveryStatements(tx.db).insert.run(hook.account_id, hook.id, delivery_uuid, event, body, tx.now);
  sendDelivery(tx, hook, event, body, delivery_uuid, subjectKey);
}

function sendDelivery(tx: Tx, hook: WebhookTarget, event: string, body: string, deliveryId: string, subjectKey: string) {
  enqueueHttpDelivery(tx, {
    url: hook.url,
    payload: {},
    body,
    deliveryId,
    secret: hook.secret,
    event,
    orderingKey: `webhook:${hook.id}:${subjectKey}`,
    target: { type: "account_webhook", id: hook.id },
  });
}

/** The start of a response, cut at a character boundary to at most `bytes` UTF-8 bytes. */
export function snippet(text: string | null, bytes = RESPONSE_SNIPPET_BYTES): string | null {
  if (text == null) return null;
  const encoded = new TextEncoder().encode(text);
  if (encoded.length <= bytes) return text;
  return new TextDecoder().decode(encoded.slice(0, bytes)).replace(/\uFFFD$/, "");
}

/** http.deliver's skip hook: a delivery of a deleted or disabled webhook is dropped unsent. */
export function webhookDeliverySkip(db: Db, job: HttpDeliveryPayload): string | null {
  if (job.target?.type !== "account_webhook") return null;
  const id = job.target.id;
  const hook = cachedRead(db, `webhook-state:${id}`, () => db.select({ disabled_at: webhooks.disabled_at }).from(webhooks).where(eq(webhooks.id, id)).get());
  if (!hook) return "webhook deleted";
  if (hook.disabled_at != null) return "webhook disabled";
  return null;
}

/**
 * http.deliver's onAttempt hook for account webhooks: the attempt row, the delivery's status, the webhook's health.
 * Attempts are numbered by the delivery (a manual redelivery continues the count).
 */
export async function recordWebhookAttempt(deps: AppDeps, a: DeliveryAttempt, autoDisableAfterMs = AUTO_DISABLE_AFTER_MS): Promise<void> {
  if (a.target?.type !== "account_webhook") return;
  // Grouped: the attempts of deliveries finishing together share one COMMIT (webhook fan-out is write-heavy).
  await deps.txGrouped((tx) => {
    const st = deliveryStatements(tx.db);
    const d = st.byUuid.get(a.delivery_id);
    if (!d) return;
    const attempt = d.attempts + 1;
    st.insertAttempt.run(d.id, attempt, a.status, Math.max(0, Math.round(a.duration_ms)), snippet(a.response_body), a.error, a.at);
    const status = a.outcome === "delivered" ? "succeeded" : a.outcome === "failed" ? "failed" : "pending";
    st.update.run(d.id, attempt, status, a.status, a.error, tx.now);
    if (a.error?.endsWith(": webhook deleted") || a.error?.endsWith(": webhook disabled")) return;
    updateHealth(tx, d.webhook_id, a.outcome === "delivered", a.at, autoDisableAfterMs);
  });
}

// Raw statements: a delivery row is written per (event, webhook) and updated on every attempt.
const deliveryStatements = preparedFor((db) => ({
  insert: db.$client.prepare<never, [number, number, string, string, string, number]>(
    `INSERT INTO webhook_deliveries (account_id, webhook_id, delivery_uuid, event, body, status, attempts, created_at, updated_at)
     VALUES (?1, ?2, ?3, ?4, ?5, 'pending', 0, ?6, ?6)`,
  ),
  byUuid: db.$client.prepare<{ id: number; webhook_id: number; attempts: number }, [string]>(
    "SELECT id, webhook_id, attempts FROM webhook_deliveries WHERE delivery_uuid = ?1",
  ),
  insertAttempt: db.$client.prepare<never, [number, number, number | null, number, string | null, string | null, number]>(
    `INSERT INTO webhook_delivery_attempts (delivery_id, attempt, status_code, duration_ms, response_snippet, error, created_at)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)`,
  ),
  update: db.$client.prepare<never, [number, number, string, number | null, string | null, number]>(
    "UPDATE webhook_deliveries SET attempts = ?2, status = ?3, last_status_code = ?4, last_error = ?5, updated_at = ?6 WHERE id = ?1",
  ),
}));

function updateHealth(tx: Tx, webhookId: number, ok: boolean, at: number, autoDisableAfterMs: number) {
  // The webhook's state comes from the read cache while it is healthy: every successful attempt asks.
  const hook = cachedRead(tx.db, `webhook:${webhookId}`, () => tx.db.select().from(webhooks).where(eq(webhooks.id, webhookId)).get());
  if (!hook) return;
  if (ok) {
    if (hook.failing_since != null) tx.db.update(webhooks).set({ failing_since: null }).where(eq(webhooks.id, webhookId)).run();
    return;
  }
  if (hook.failing_since == null) {
    tx.db.update(webhooks).set({ failing_since: at }).where(eq(webhooks.id, webhookId)).run();
    return;
  }
  if (hook.disabled_at != null || at - hook.failing_since < autoDisableAfterMs) return;
  const days = Math.round(autoDisableAfterMs / 86_400_000);
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

/** Deliveries (and, by cascade, their attempts) created before the retention window. Returns how many went. */
export function pruneWebhookLog(db: Db, now: number, retentionDays: number): number {
  const cutoff = now - retentionDays * 86_400_000;
  return db.$client.prepare("DELETE FROM webhook_deliveries WHERE created_at < ?1").run(cutoff).changes;
}

/** A manual redelivery: the same body and the same X-Chatwoot-Delivery (receivers dedupe by it), a new job. */
export function redeliver(tx: Tx, hook: typeof webhooks.$inferSelect, deliveryId: number): typeof webhook_deliveries.$inferSelect | null {
  const d = tx.db
    .select()
    .from(webhook_deliveries)
    .where(and(eq(webhook_deliveries.id, deliveryId), eq(webhook_deliveries.webhook_id, hook.id), eq(webhook_deliveries.account_id, hook.account_id)))
    .get();
  if (!d) return null;
  // Its own ordering key: a manual redelivery does not wait behind (or hold up) the live stream.
  sendDelivery(tx, hook, d.event, d.body, d.delivery_uuid, `redeliver:${d.id}:${tx.now}`);
  return tx.db.update(webhook_deliveries).set({ status: "pending", updated_at: tx.now }).where(eq(webhook_deliveries.id, d.id)).returning().get();
}
