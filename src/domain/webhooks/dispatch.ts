// The fan-out of one webhook event (a durable listener, inside the emitting transaction): the API channel's
// callback (conversation events of an API inbox) and every enabled account webhook subscribed to the event.
// The payload is built once, only when someone listens, and the same bytes go to every target.
import type { Tx } from "../../db/tx.ts";
import { apiCallbackTarget, sendApiCallback } from "./callbacks.ts";
import { enqueueWebhookEvent } from "./fanout.ts";
import { subscribedWebhooks } from "./log.ts";
import { buildWebhookPayload, isWebhookWorthy, webhookEventName, webhookSubject, type WebhookSourceEvent } from "./payloads.ts";

/** Contact and inbox events go to account webhooks only (Chatwoot's deliver_account_webhooks). */
function reachesApiCallback(e: WebhookSourceEvent): boolean {
  return e.name.startsWith("message.") || e.name.startsWith("conversation.");
}

export function dispatchWebhookEvent(tx: Tx, publicUrl: string, e: WebhookSourceEvent): void {
  const event = webhookEventName(e.name);
  const subject = webhookSubject(e);
  const accountId = e.data.account_id;
  const callback = reachesApiCallback(e) && subject.conversation_id != null ? apiCallbackTarget(tx, accountId, subject.conversation_id) : null;
  const hooks = subscribedWebhooks(tx, accountId, event, e);
  if (!callback && !hooks.length) return;
  if (!isWebhookWorthy(tx, e)) return;
  const payload = buildWebhookPayload(tx, publicUrl, e);
  if (!payload) return;
  if (callback) sendApiCallback(tx, callback, subject.conversation_id!, event, payload);
  // Serialized and stored once: every webhook gets the same bytes.
  if (hooks.length) enqueueWebhookEvent(tx, accountId, hooks, event, JSON.stringify(payload), subject.key);
}
