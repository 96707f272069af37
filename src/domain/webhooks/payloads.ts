// Which domain events are webhook events, and the payload each one carries (Chatwoot's WebhookListener). One place
// for the mapping: the API-channel callback, account webhooks (and agent bots, where their events overlap) send
// the same bytes for the same event. Everything here reads inside the emitting transaction.
import type { Statement } from "bun:sqlite";
import type { Db } from "../../db/client.ts";
import { NotFound } from "../errors.ts";
import type { ChangedAttributes, DomainEvent } from "../../events/types.ts";
import { contactWebhookData } from "../contacts/serialize.ts";
import { Records } from "../conversations/records.ts";
import { conversationWebhookData } from "../conversations/serialize.ts";
import { inboxWebhookData } from "../inboxes/serialize.ts";
import { isWebhookSendable, messageWebhookData } from "../messages/serialize.ts";

/** Chatwoot's Webhook::ALLOWED_WEBHOOK_EVENTS: what a webhook may subscribe to. */
export const WEBHOOK_EVENTS = [
  "conversation_created",
  "conversation_status_changed",
  "conversation_updated",
  "contact_created",
  "contact_updated",
  "message_created",
  "message_updated",
  "webwidget_triggered",
  "inbox_created",
  "inbox_updated",
  "conversation_typing_on",
  "conversation_typing_off",
  "agent_added",
  "faq_catalog_updated",
  "product_catalog_updated",
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** The domain events that become webhook events. */
export const WEBHOOK_SOURCE_EVENTS = [
  "message.created",
  "message.updated",
  "conversation.created",
  "conversation.updated",
  "conversation.status_changed",
  "conversation.typing_on",
  "conversation.typing_off",
  "contact.created",
  "contact.updated",
  "inbox.created",
  "inbox.updated",
  "webwidget.triggered",
] as const;
export type WebhookSourceEvent = DomainEvent<(typeof WEBHOOK_SOURCE_EVENTS)[number]>;

/** Chatwoot's event name for ours: message.created → message_created. */
export function webhookEventName(name: string): string {
  return name.replace(".", "_");
}

/** What a webhook event is about: its conversation (kept in order per conversation) or its contact / inbox. */
export function webhookSubject(e: WebhookSourceEvent): { conversation_id: number | null; key: string } {
  if ("conversation_id" in e.data) return { conversation_id: e.data.conversation_id, key: `conversation:${e.data.conversation_id}` };
  if ("contact_id" in e.data) return { conversation_id: null, key: `contact:${e.data.contact_id}` };
  return { conversation_id: null, key: `inbox:${e.data.inbox_id}` };
}

const messageTypes = new WeakMap<Db, Statement>();

/** Message events go out only for incoming, outgoing and template messages (Message#webhook_sendable?). */
export function isWebhookWorthy(db: Db, e: WebhookSourceEvent): boolean {
  if (e.name !== "message.created" && e.name !== "message.updated") return true;
  let st = messageTypes.get(db);
  if (!st) messageTypes.set(db, (st = db.$client.prepare("SELECT message_type FROM messages WHERE id = ?1 AND account_id = ?2")));
  const m = st.get(e.data.message_id, e.data.account_id) as { message_type: number } | null;
  return !!m && isWebhookSendable(m);
}

/** The JSON body of the event, or null when its record is gone. Call isWebhookWorthy first for message events. */
export function buildWebhookPayload(db: Db, publicUrl: string, e: WebhookSourceEvent): Record<string, unknown> | null {
  try {
    return payloadOf(db, publicUrl, e);
  } catch (err) {
    if (err instanceof NotFound) return null;
    throw err;
  }
}

function payloadOf(db: Db, publicUrl: string, e: WebhookSourceEvent): Record<string, unknown> | null {
  const event = webhookEventName(e.name);
  switch (e.name) {
    case "message.created":
    case "message.updated":
      // Message#webhook_data + event.
      return { ...messageWebhookData(db, e.data.message_id, publicUrl), event };
    case "conversation.created":
    case "conversation.updated":
    case "conversation.status_changed": {
      // Conversation#webhook_data + event (+ changed_attributes in the list form).
      const payload: Record<string, unknown> = { ...conversationWebhookData(db, e.data.conversation_id, publicUrl), event };
      if (e.name === "conversation.updated") payload.changed_attributes = changedAttributesList(e.data.changed_attributes);
      if (e.name === "conversation.status_changed") {
        payload.changed_attributes = changedAttributesList({ status: { previous_value: e.data.previous, current_value: e.data.status } });
      }
      return payload;
    }
    case "conversation.typing_on":
    case "conversation.typing_off": {
      // {event, user, conversation, is_private}; user is the agent (User#webhook_data) or the contact typing.
      const { account_id, conversation_id, user_id, contact_id, is_private } = e.data;
      const records = new Records(db, account_id, publicUrl);
      let user: Record<string, unknown> | null = null;
      if (user_id != null) {
        const u = records.user(user_id);
        if (u) user = { id: u.user.id, name: u.user.name, email: u.user.email, type: "user" };
      } else if (contact_id != null) {
        const c = records.contact(contact_id);
        if (c) user = { ...contactWebhookData(c, records.account()), type: "contact" };
      }
      return { event, user, conversation: conversationWebhookData(db, conversation_id, publicUrl), is_private: is_private ?? false };
    }
    case "contact.created":
    case "contact.updated": {
      // Contact#webhook_data + event (+ changed_attributes for updates).
      const records = new Records(db, e.data.account_id, publicUrl);
      const c = records.contact(e.data.contact_id);
      if (!c) return null;
      const payload: Record<string, unknown> = { ...contactWebhookData(c, records.account()), event };
      if (e.name === "contact.updated") payload.changed_attributes = changedAttributesList(e.data.changed_attributes);
      return payload;
    }
    case "webwidget.triggered": {
      // ContactInbox#webhook_data + event + event_info.
      const records = new Records(db, e.data.account_id, publicUrl);
      const contact = records.contact(e.data.contact_id);
      const ci = db.$client.query("SELECT id, source_id FROM contact_inboxes WHERE id = ?1").get(e.data.contact_inbox_id) as { id: number; source_id: string } | null;
      const inbox = db.$client.query("SELECT id, name FROM inboxes WHERE id = ?1 AND account_id = ?2").get(e.data.inbox_id, e.data.account_id) as { id: number; name: string } | null;
      if (!ci || !inbox) return null;
      const current = db.$client.query("SELECT id FROM conversations WHERE contact_inbox_id = ?1 ORDER BY id DESC LIMIT 1").get(ci.id) as { id: number } | null;
      return {
        event,
        id: ci.id,
        contact: contact ? contactWebhookData(contact, records.account()) : null,
        inbox: inboxWebhookData(inbox),
        account: records.account(),
        current_conversation: current ? conversationWebhookData(db, current.id, publicUrl) : null,
        source_id: ci.source_id,
        event_info: e.data.event_info,
      };
    }
    case "inbox.created":
    case "inbox.updated": {
      const row = db.$client.query("SELECT id, name FROM inboxes WHERE id = ?1 AND account_id = ?2").get(e.data.inbox_id, e.data.account_id) as
        | { id: number; name: string }
        | null;
      return row ? { ...inboxWebhookData(row), event } : null;
    }
  }
}

/** Chatwoot's webhook form of changed_attributes: a list of one-key objects, {attr: {previous_value, current_value}}. */
export function changedAttributesList(changed: ChangedAttributes): Record<string, { previous_value: unknown; current_value: unknown }>[] | null {
  const entries = Object.entries(changed);
  if (!entries.length) return null;
  return entries.map(([k, v]) => ({ [k]: { previous_value: v.previous_value, current_value: v.current_value } }));
}
