import { contactPushEventData } from "../contacts/serialize.ts";
import { asc, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { attachments } from "../../db/schema/conversations.ts";
import { isoTime, unixSeconds } from "../../lib/clock.ts";
import { attachmentPushData, type AttachmentRow } from "../attachments/serialize.ts";
import { unreadIncomingCount, type ConversationRow, type MessageRow, type Records, type UserRecord } from "../conversations/records.ts";

// Payload pieces shared by conversations and messages: how users, contacts and bots appear as senders,
// and Chatwoot's Message#push_event_data and api/v1/models/_message.

export function userPushData(r: UserRecord) {
  const { user, membership } = r;
  const name = user.display_name?.trim() || user.name;
  return {
    id: user.id,
    name: user.name,
    available_name: name,
    avatar_url: user.avatar_url ?? "",
    type: "user" as const,
    availability_status: membership?.availability ?? "offline",
    thumbnail: user.avatar_url ?? "",
  };
}

export function botPushData(b: { id: number; name: string; avatar_url: string | null }) {
  return { id: b.id, name: b.name, avatar_url: b.avatar_url ?? "", type: "agent_bot" as const };
}

/** The sender of a message as push data, or undefined when it has none (activity) or it is gone. */
export function senderPushData(records: Records, m: Pick<MessageRow, "sender_type" | "sender_id">) {
  if (m.sender_id == null) return undefined;
  if (m.sender_type === "User") {
    const u = records.user(m.sender_id);
    return u ? userPushData(u) : undefined;
  }
  if (m.sender_type === "Contact") {
    const c = records.contact(m.sender_id);
    return c ? contactPushEventData(c) : undefined;
  }
  if (m.sender_type === "AgentBot") {
    const b = records.bot(m.sender_id);
    return b ? botPushData(b) : undefined;
  }
  return undefined;
}

const attachmentStatements = new WeakMap<Db, ReturnType<typeof buildAttachmentStatement>>();
function buildAttachmentStatement(db: Db) {
  return db
    .select()
    .from(attachments)
    .where(sql`${attachments.message_id} IN (SELECT value FROM json_each(${sql.placeholder("ids")}))`)
    .orderBy(asc(attachments.id))
    .prepare();
}
function attachmentStatement(db: Db) {
  let st = attachmentStatements.get(db);
  if (!st) {
    st = buildAttachmentStatement(db);
    attachmentStatements.set(db, st);
  }
  return st;
}

/** Attachments of the given messages, grouped by message id. */
export function loadAttachments(records: Records, messageIds: number[]): Map<number, AttachmentRow[]> {
  const out = new Map<number, AttachmentRow[]>();
  if (!messageIds.length) return out;
  const rows = attachmentStatement(records.db).all({ ids: JSON.stringify(messageIds) });
  for (const row of rows) {
    if (row.account_id !== records.accountId) continue;
    const list = out.get(row.message_id) ?? [];
    list.push(row);
    out.set(row.message_id, list);
  }
  return out;
}

/** Transient values that exist only in the response to the request that created the message. */
export type MessageExtras = { echo_id?: string | null };

/** api/v1/models/_message.json.jbuilder: what the messages API returns for each message. */
export function messageJson(
  records: Records,
  m: MessageRow,
  conversation: Pick<ConversationRow, "display_id">,
  files: AttachmentRow[] | undefined,
  extras: MessageExtras = {},
) {
  const sender = senderPushData(records, m);
  return {
    id: m.id,
    content: m.content,
    inbox_id: m.inbox_id,
    ...(extras.echo_id ? { echo_id: extras.echo_id } : {}),
    conversation_id: conversation.display_id,
    message_type: m.message_type,
    content_type: m.content_type,
    status: m.status,
    content_attributes: m.content_attributes,
    created_at: unixSeconds(m.created_at),
    private: m.private,
    source_id: m.source_id,
    ...(sender ? { sender } : {}),
    ...(files?.length ? { attachments: files.map((f) => attachmentPushData(f, records.publicUrl)) } : {}),
  };
}

/** Message#push_event_data: every column, Chatwoot's conversation summary, the sender and attachments. */
export function messagePushData(
  records: Records,
  m: MessageRow,
  conversation: ConversationRow,
  files: AttachmentRow[] | undefined,
  extras: MessageExtras = {},
) {
  const sender = senderPushData(records, m);
  const contactInbox = records.contactInbox(conversation.contact_inbox_id);
  return {
    id: m.id,
    content: m.content,
    account_id: m.account_id,
    inbox_id: m.inbox_id,
    conversation_id: conversation.display_id,
    message_type: m.message_type,
    created_at: unixSeconds(m.created_at),
    updated_at: isoTime(m.updated_at),
    private: m.private,
    status: m.status,
    source_id: m.source_id,
    content_type: m.content_type,
    content_attributes: m.content_attributes,
    sender_type: m.sender_type,
    sender_id: m.sender_id,
    external_source_ids: m.external_source_ids,
    additional_attributes: m.additional_attributes,
    processed_message_content: m.processed_message_content ?? m.content,
    sentiment: {},
    conversation: {
      assignee_id: conversation.assignee_id,
      unread_count: unreadIncomingCount(records.db, conversation),
      last_activity_at: unixSeconds(conversation.last_activity_at),
      contact_inbox: { source_id: contactInbox?.source_id ?? null },
    },
    ...(extras.echo_id ? { echo_id: extras.echo_id } : {}),
    ...(sender ? { sender } : {}),
    ...(files?.length ? { attachments: files.map((f) => attachmentPushData(f, records.publicUrl)) } : {}),
  };
}
