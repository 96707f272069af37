import type { webhook_deliveries, webhook_delivery_attempts, webhooks } from "../../db/schema/webhooks.ts";

export type WebhookRow = typeof webhooks.$inferSelect;
/** A delivery with its event's body. */
export type DeliveryRow = typeof webhook_deliveries.$inferSelect & { body: string | null };
export type AttemptRow = typeof webhook_delivery_attempts.$inferSelect;

const seconds = (ms: number | null) => (ms == null ? null : Math.floor(ms / 1000));

/**
 * Chatwoot's _webhook.json.jbuilder (id, name, url, account_id, subscriptions, inbox) plus the secret (only
 * administrators reach these endpoints) and Parley's health fields (enabled, disabled_at, disabled_reason, failing_since).
 */
export function webhookJson(w: WebhookRow, inbox: { id: number; name: string; channel_type: string } | null) {
  return {
    id: w.id,
    name: w.name,
    url: w.url,
    account_id: w.account_id,
    subscriptions: w.subscriptions,
    ...(inbox ? { inbox } : {}),
    secret: w.secret,
    enabled: w.disabled_at == null,
    disabled_at: seconds(w.disabled_at),
    disabled_reason: w.disabled_reason,
    failing_since: seconds(w.failing_since),
    created_at: seconds(w.created_at),
    updated_at: seconds(w.updated_at),
  };
}

/** One delivery of the log with its attempts (oldest first). */
export function deliveryJson(d: DeliveryRow, attempts: AttemptRow[]) {
  return {
    id: d.id,
    webhook_id: d.webhook_id,
    delivery_id: d.delivery_uuid,
    event: d.event,
    status: d.status,
    attempts: d.attempts,
    last_status_code: d.last_status_code,
    last_error: d.last_error,
    body: d.body,
    created_at: seconds(d.created_at),
    updated_at: seconds(d.updated_at),
    attempt_log: attempts.map((a) => ({
      attempt: a.attempt,
      status_code: a.status_code,
      duration_ms: a.duration_ms,
      response_snippet: a.response_snippet,
      error: a.error,
      created_at: seconds(a.created_at),
    })),
  };
}
