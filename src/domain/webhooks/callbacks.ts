// The API channel's callback URL (Chatwoot's WebhookListener#deliver_api_inbox_webhooks): every webhook event of
// an API inbox (message_created / message_updated for incoming, outgoing and template messages, private notes
// included; conversation_created / _updated / _status_changed; conversation_typing_on / _off) is POSTed to the
// channel's webhook_url, signed with the channel's secret. There is no subscription filter.
//
// These run inside the emitting transaction (durable listeners): the body is serialized there, so the
// receiver sees the state the event describes, and the job exists exactly when the change commits.
// Account webhooks (issue #4) will hang off the same entry points: deliverWebhookPayload is the fan-out seam.
import type { Statement } from "bun:sqlite";
import type { Db } from "../../db/client.ts";
import type { Tx } from "../../db/tx.ts";
import type { ChangedAttributes, DomainEvent } from "../../events/types.ts";
import { contactWebhookData } from "../contacts/serialize.ts";
import { Records } from "../conversations/records.ts";
import { conversationWebhookData } from "../conversations/serialize.ts";
import { isWebhookSendable, messageWebhookData } from "../messages/serialize.ts";
import { enqueueHttpDelivery } from "./delivery.ts";

export const API_CHANNEL_TYPE = "Channel::Api";

type CallbackTarget = { inbox_id: number; url: string; secret: string };

type Statements = { target: Statement; messageType: Statement };
const statements = new WeakMap<Db, Statements>();

function prepared(db: Db): Statements {
  let st = statements.get(db);
  if (!st) {
    st = {
      // One indexed lookup per event: this runs inside every message and conversation write.
      target: db.$client.prepare(`
        SELECT i.id AS inbox_id, ch.webhook_url AS url, ch.secret AS secret
        FROM conversations cv
        JOIN inboxes i ON i.id = cv.inbox_id AND i.account_id = cv.account_id
        JOIN channels ch ON ch.id = i.channel_id AND ch.account_id = i.account_id
        WHERE cv.id = ?1 AND cv.account_id = ?2 AND ch.channel_type = '${API_CHANNEL_TYPE}'`),
      messageType: db.$client.prepare("SELECT message_type FROM messages WHERE id = ?1 AND account_id = ?2"),
    };
    statements.set(db, st);
  }
  return st;
}

/** The callback of the conversation's inbox when it is an API channel with a webhook_url; otherwise null. */
export function apiCallbackTarget(tx: Tx, accountId: number, conversationId: number): CallbackTarget | null {
  const row = prepared(tx.db).target.get(conversationId, accountId) as CallbackTarget | null;
  if (!row || !row.url?.trim()) return null;
  return { ...row, url: row.url.trim() };
}

/** Chatwoot's event name for ours: message.created → message_created. */
export function webhookEventName(name: string): string {
  return name.replace(".", "_");
}

/**
 * Fans one webhook payload out to every target of the conversation's inbox. Today: the API channel's callback.
 * Issue #4 adds the account's webhooks subscribed to the event here.
 */
function deliverWebhookPayload(tx: Tx, target: CallbackTarget, conversationId: number, event: string, payload: Record<string, unknown>) {
  enqueueHttpDelivery(tx, {
    url: target.url,
    payload,
    secret: target.secret,
    event,
    // One conversation's callbacks arrive in order; other conversations are not held up by a failing one.
    orderingKey: `callback:${target.inbox_id}:${conversationId}`,
    target: { type: "api_inbox", id: target.inbox_id },
  });
}

/** message_created / message_updated: Message#webhook_data + event, only for incoming, outgoing and template messages. */
export function sendMessageCallback(tx: Tx, publicUrl: string, e: DomainEvent<"message.created" | "message.updated">): void {
  const { account_id, conversation_id, message_id } = e.data;
  const target = apiCallbackTarget(tx, account_id, conversation_id);
  if (!target) return;
  const m = prepared(tx.db).messageType.get(message_id, account_id) as { message_type: number } | null;
  if (!m || !isWebhookSendable(m)) return;
  const event = webhookEventName(e.name);
  deliverWebhookPayload(tx, target, conversation_id, event, { ...messageWebhookData(tx.db, message_id, publicUrl), event });
}

/** conversation_created / conversation_updated / conversation_status_changed: Conversation#webhook_data + event (+ changed_attributes). */
export function sendConversationCallback(
  tx: Tx,
  publicUrl: string,
  e: DomainEvent<"conversation.created" | "conversation.updated" | "conversation.status_changed">,
): void {
  const { account_id, conversation_id } = e.data;
  const target = apiCallbackTarget(tx, account_id, conversation_id);
  if (!target) return;
  const event = webhookEventName(e.name);
  const payload: Record<string, unknown> = { ...conversationWebhookData(tx.db, conversation_id, publicUrl), event };
  if (e.name === "conversation.updated") payload.changed_attributes = changedAttributesList(e.data.changed_attributes);
  if (e.name === "conversation.status_changed") {
    payload.changed_attributes = changedAttributesList({ status: { previous_value: e.data.previous, current_value: e.data.status } });
  }
  deliverWebhookPayload(tx, target, conversation_id, event, payload);
}

/** conversation_typing_on / _off: {event, user, conversation, is_private}; user is the agent (or the contact typing). */
export function sendTypingCallback(tx: Tx, publicUrl: string, e: DomainEvent<"conversation.typing_on" | "conversation.typing_off">): void {
  const { account_id, conversation_id, user_id, contact_id, is_private } = e.data;
  const target = apiCallbackTarget(tx, account_id, conversation_id);
  if (!target) return;
  const records = new Records(tx.db, account_id, publicUrl);
  let user: Record<string, unknown> | null = null;
  if (user_id != null) {
    const u = records.user(user_id);
    // User#webhook_data
    if (u) user = { id: u.user.id, name: u.user.name, email: u.user.email, type: "user" };
  } else if (contact_id != null) {
    const c = records.contact(contact_id);
    if (c) user = { ...contactWebhookData(c, records.account()), type: "contact" };
  }
  const event = webhookEventName(e.name);
  deliverWebhookPayload(tx, target, conversation_id, event, {
    event,
    user,
    conversation: conversationWebhookData(tx.db, conversation_id, publicUrl),
    is_private: is_private ?? false,
  });
}

/** Chatwoot's webhook form of changed_attributes: a list of one-key objects, {attr: {previous_value, current_value}}. */
export function changedAttributesList(changed: ChangedAttributes): Record<string, { previous_value: unknown; current_value: unknown }>[] | null {
  const entries = Object.entries(changed);
  if (!entries.length) return null;
  return entries.map(([k, v]) => ({ [k]: { previous_value: v.previous_value, current_value: v.current_value } }));
}
