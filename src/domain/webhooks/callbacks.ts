// The API channel's callback URL (Chatwoot's WebhookListener#deliver_api_inbox_webhooks): every webhook event of
// an API inbox (message_created / message_updated for incoming, outgoing and template messages, private notes
// included; conversation_created / _updated / _status_changed; conversation_typing_on / _off) is POSTed to the
// channel's webhook_url, signed with the channel's secret. There is no subscription filter.
// Which events and which payloads: payloads.ts (shared with account webhooks); the fan-out: dispatch.ts.
import { preparedFor } from "../../db/prepared.ts";
import { cachedRead } from "../../db/read-cache.ts";
import type { Tx } from "../../db/tx.ts";
import { conversationInboxId } from "../conversations/records.ts";
import { enqueueHttpDelivery } from "./delivery.ts";

export { changedAttributesList, webhookEventName } from "./payloads.ts";

export const API_CHANNEL_TYPE = "Channel::Api";

export type CallbackTarget = { inbox_id: number; url: string; secret: string };

const callbackOfInbox = preparedFor((db) =>
  db.$client.prepare<{ url: string | null; secret: string }, [number, number]>(`
    SELECT ch.webhook_url AS url, ch.secret AS secret
    FROM inboxes i JOIN channels ch ON ch.id = i.channel_id AND ch.account_id = i.account_id
    WHERE i.id = ?1 AND i.account_id = ?2 AND ch.channel_type = '${API_CHANNEL_TYPE}'`),
);

/** The callback of the conversation's inbox when it is an API channel with a webhook_url; otherwise null. */
export function apiCallbackTarget(tx: Tx, accountId: number, conversationId: number): CallbackTarget | null {
  const inboxId = conversationInboxId(tx.db, accountId, conversationId);
  if (inboxId == null) return null;
  // Runs inside every message and conversation write: the inbox's channel settings come from the read cache.
  return cachedRead(tx.db, `inbox-callback:${accountId}:${inboxId}`, () => {
    const row = callbackOfInbox(tx.db).get(inboxId, accountId);
    const url = row?.url?.trim();
    return row && url ? { inbox_id: inboxId, url, secret: row.secret } : null;
  });
}

/** Enqueues one callback delivery: one conversation's callbacks arrive in order, others are not held up by it. */
export function sendApiCallback(tx: Tx, target: CallbackTarget, conversationId: number, event: string, payload: Record<string, unknown>): void {
  enqueueHttpDelivery(tx, {
    url: target.url,
    payload,
    secret: target.secret,
    event,
    orderingKey: `callback:${target.inbox_id}:${conversationId}`,
    target: { type: "api_inbox", id: target.inbox_id },
  });
}
