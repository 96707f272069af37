// The API channel's callback URL (Chatwoot's WebhookListener#deliver_api_inbox_webhooks): every webhook event of
// an API inbox (message_created / message_updated for incoming, outgoing and template messages, private notes
// included; conversation_created / _updated / _status_changed; conversation_typing_on / _off) is POSTed to the
// channel's webhook_url, signed with the channel's secret. There is no subscription filter.
// Which events and which payloads: payloads.ts (shared with account webhooks); the fan-out: dispatch.ts.
import type { Statement } from "bun:sqlite";
import type { Db } from "../../db/client.ts";
import type { Tx } from "../../db/tx.ts";
import { enqueueHttpDelivery } from "./delivery.ts";

export { changedAttributesList, webhookEventName } from "./payloads.ts";

export const API_CHANNEL_TYPE = "Channel::Api";

export type CallbackTarget = { inbox_id: number; url: string; secret: string };

const statements = new WeakMap<Db, Statement>();

/** The callback of the conversation's inbox when it is an API channel with a webhook_url; otherwise null. */
export function apiCallbackTarget(tx: Tx, accountId: number, conversationId: number): CallbackTarget | null {
  let st = statements.get(tx.db);
  if (!st) {
    // One indexed lookup per event: this runs inside every message and conversation write.
    st = tx.db.$client.prepare(`
      SELECT i.id AS inbox_id, ch.webhook_url AS url, ch.secret AS secret
      FROM conversations cv
      JOIN inboxes i ON i.id = cv.inbox_id AND i.account_id = cv.account_id
      JOIN channels ch ON ch.id = i.channel_id AND ch.account_id = i.account_id
      WHERE cv.id = ?1 AND cv.account_id = ?2 AND ch.channel_type = '${API_CHANNEL_TYPE}'`);
    statements.set(tx.db, st);
  }
  const row = st.get(conversationId, accountId) as CallbackTarget | null;
  if (!row || !row.url?.trim()) return null;
  return { ...row, url: row.url.trim() };
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
