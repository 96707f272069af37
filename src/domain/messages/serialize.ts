import { eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { preparedFor } from "../../db/prepared.ts";
import { conversations, MESSAGE_TYPES, messages } from "../../db/schema/conversations.ts";
import { isoTime } from "../../lib/clock.ts";
import { attachmentPushData, type AttachmentRow } from "../attachments/serialize.ts";
import { contactWebhookData } from "../contacts/serialize.ts";
import { Records, type ConversationRow, type MessageRow } from "../conversations/records.ts";
import { conversationWebhookPayload } from "../conversations/serialize.ts";
import { NotFound } from "../errors.ts";
import { loadAttachments, messageJson, messagePushData, type MessageExtras } from "./push.ts";

export { messageJson, messagePushData } from "./push.ts";

export function messageTypeName(type: number): (typeof MESSAGE_TYPES)[number] {
  return MESSAGE_TYPES[type] ?? "incoming";
}

/** Messages of one conversation as the messages API renders them. */
export function messagesJson(
  records: Records,
  conversation: ConversationRow,
  rows: MessageRow[],
  extras: Map<number, MessageExtras> = new Map(),
  /** The messages' attachments when the caller already knows them (a message just written), else they are loaded. */
  known?: Map<number, AttachmentRow[]>,
) {
  const files =
    known ??
    loadAttachments(
      records,
      rows.map((m) => m.id),
    );
  return rows.map((m) => messageJson(records, m, conversation, files.get(m.id), extras.get(m.id)));
}

/** Message#push_event_data for one message (realtime message.created / message.updated). */
export function messageEventData(records: Records, conversation: ConversationRow, m: MessageRow, extras: MessageExtras = {}) {
  return messagePushData(records, m, conversation, loadAttachments(records, [m.id]).get(m.id), extras);
}

/** The sender as webhooks show it (User/Contact/AgentBot#webhook_data). */
function senderWebhookData(records: Records, m: MessageRow) {
  if (m.sender_id == null) return null;
  if (m.sender_type === "User") {
    const u = records.user(m.sender_id);
    return u ? { id: u.user.id, name: u.user.name, email: u.user.email, type: "user" } : null;
  }
  if (m.sender_type === "AgentBot") {
    const b = records.bot(m.sender_id);
    return b ? { id: b.id, name: b.name, type: "agent_bot" } : null;
  }
  const c = records.contact(m.sender_id);
  if (!c) return null;
  return { ...contactWebhookData(c, records.account()), type: "contact" };
}

/** Message#webhook_data from loaded rows. */
export function messageWebhookPayload(records: Records, conversation: ConversationRow, m: MessageRow) {
  const files = loadAttachments(records, [m.id]).get(m.id);
  const inbox = records.inbox(m.inbox_id)?.inbox;
  return {
    account: records.account(),
    additional_attributes: m.additional_attributes,
    content_attributes: m.content_attributes,
    content_type: m.content_type,
    content: m.content,
    conversation: conversationWebhookPayload(records, conversation),
    created_at: isoTime(m.created_at),
    id: m.id,
    inbox: { id: m.inbox_id, name: inbox?.name ?? "" },
    message_type: messageTypeName(m.message_type),
    private: m.private,
    sender: senderWebhookData(records, m),
    source_id: m.source_id,
    ...(files?.length ? { attachments: files.map((f) => attachmentPushData(f, records.publicUrl)) } : {}),
  };
}

/**
 * The body of a message_created / message_updated webhook (without "event"), read fresh from the
 * database. publicUrl makes attachment URLs absolute. Throws NotFound when the message is gone.
 */
export function messageWebhookData(db: Db, messageId: number, publicUrl = "") {
  const st = webhookRows(db);
  const m = st.message.get({ id: messageId });
  if (!m) throw new NotFound("Message");
  const c = st.conversation.get({ id: m.conversation_id });
  if (!c) throw new NotFound("Conversation");
  return messageWebhookPayload(new Records(db, m.account_id, publicUrl), c, m);
}

// Prepared once: building these wide selects is most of a webhook payload's cost (one per message event).
const webhookRows = preparedFor((db) => ({
  message: db.select().from(messages).where(eq(messages.id, sql.placeholder("id"))).prepare(),
  conversation: db.select().from(conversations).where(eq(conversations.id, sql.placeholder("id"))).prepare(),
}));

/** Chatwoot sends message webhooks only for these types (Message#webhook_sendable?). */
export function isWebhookSendable(m: Pick<MessageRow, "message_type">): boolean {
  return m.message_type === 0 || m.message_type === 1 || m.message_type === 3;
}
