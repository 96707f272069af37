// The fan-out of one webhook event (a durable listener, inside the emitting transaction): the API channel's
// callback (conversation events of an API inbox) and every enabled account webhook subscribed to the event.
// Nothing is built unless someone listens; the account webhooks' body is built once by their fan-out job.
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
  if (!isWebhookWorthy(tx.db, e)) return;
  // Account webhooks: the event is stored and the fan-out builds the body once for all of them, off the request path.
  if (hooks.length) enqueueWebhookEvent(tx, accountId, hooks, event, e, subject.key);
  if (!callback) return;
  const payload = buildWebhookPayload(tx.db, publicUrl, e);
  if (payload) sendApiCallback(tx, callback, subject.conversation_id!, event, payload);
}
