import type { SQLQueryBindings } from "bun:sqlite";
import { and, eq, inArray } from "drizzle-orm";
import { preparedFor } from "../../db/prepared.ts";
import { account_users } from "../../db/schema/accounts.ts";
import { attachments, conversation_participants, conversations, mentions, messages, type CONTENT_TYPES, type MESSAGE_STATUSES } from "../../db/schema/conversations.ts";
import { channels, inbox_members, inboxes } from "../../db/schema/inboxes.ts";
import { team_members, teams } from "../../db/schema/teams.ts";
import type { Tx } from "../../db/tx.ts";
import type { EventPerformer } from "../../events/types.ts";
import type { AccountScope } from "../accounts/access.ts";
import type { StoredFile } from "../attachments/storage.ts";
import { changeConversation, type ConversationPatch, type Performer } from "../conversations/changes.ts";
import type { ConversationRow, MessageRow } from "../conversations/records.ts";
import { Forbidden, NotFound, Validation } from "../errors.ts";
import { contactBlocked, notify } from "../notifications/commands.ts";
import { mentionedIds } from "./mentions.ts";
import { hasVariables, renderVariables, type VariableDrops } from "./variables.ts";

/** Parley stores message bodies of up to 1 MiB verbatim (Chatwoot caps them at 150,000 characters). */
export const MAX_CONTENT_LENGTH = 1024 * 1024;
/** Message::NUMBER_OF_PERMITTED_ATTACHMENTS. */
export const MAX_ATTACHMENTS = 15;
export const DELETED_CONTENT = "This message was deleted";

const TYPE_CODES = { incoming: 0, outgoing: 1, activity: 2, template: 3 } as const;

/** A stored upload, or an attachment without bytes of its own (a channel's location, contact card or link). */
export type NewAttachment = Omit<StoredFile, "storage_key"> & {
  storage_key: string | null;
  external_url?: string | null;
  coordinates_lat?: number | null;
  coordinates_long?: number | null;
  fallback_title?: string | null;
};

export type NewMessage = {
  message_type: 0 | 1 | 2 | 3;
  content: string | null;
  private?: boolean;
  content_type?: (typeof CONTENT_TYPES)[number];
  content_attributes?: Record<string, unknown>;
  additional_attributes?: Record<string, unknown>;
  source_id?: string | null;
  sender: { type: "User" | "Contact" | "AgentBot"; id: number } | null;
  status?: (typeof MESSAGE_STATUSES)[number];
  files?: NewAttachment[];
  /** The client's id for its optimistic copy: not stored, carried back by the realtime message.created only. */
  echo_id?: string | null;
};

// Every message write goes through here: one compiled statement, bound by position, no query building.
const MESSAGE_COLUMNS = [
  "account_id", "inbox_id", "conversation_id", "message_type", "content", "content_type", "content_attributes", "private", "status",
  "source_id", "sender_type", "sender_id", "external_source_ids", "additional_attributes", "processed_message_content", "created_at", "updated_at",
] as const;
const insertMessage = preparedFor((db) =>
  db.$client.prepare<never, SQLQueryBindings[]>(
    `INSERT INTO messages (${MESSAGE_COLUMNS.join(", ")}) VALUES (${MESSAGE_COLUMNS.map((_, i) => `?${i + 1}`).join(", ")})`,
  ),
);

function messageValues(row: MessageRow): SQLQueryBindings[] {
  return MESSAGE_COLUMNS.map((column) => {
    const value = row[column];
    if (value !== null && typeof value === "object") return JSON.stringify(value);
    if (typeof value === "boolean") return value ? 1 : 0;
    return value;
  });
}

/** An outgoing message's `{{contact.name}}`-style variables, rendered before it is stored (Chatwoot's Liquidable). */
function withVariables(tx: Tx, conversation: ConversationRow, m: NewMessage): string | null {
  if (m.message_type !== TYPE_CODES.outgoing || !m.content || !hasVariables(m.content)) return m.content;
  const sqlite = tx.db.$client;
  const contact = sqlite.query("SELECT id, name, email, phone_number FROM contacts WHERE id = ?1").get(conversation.contact_id) as VariableDrops["contact"];
  const sender =
    m.sender?.type === "User"
      ? (sqlite.query("SELECT id, coalesce(nullif(trim(display_name), ''), name) AS name FROM users WHERE id = ?1").get(m.sender.id) as VariableDrops["agent"])
      : m.sender?.type === "AgentBot"
        ? (sqlite.query("SELECT id, name FROM agent_bots WHERE id = ?1").get(m.sender.id) as VariableDrops["agent"])
        : null;
  const inbox = sqlite.query("SELECT id, name FROM inboxes WHERE id = ?1").get(conversation.inbox_id) as VariableDrops["inbox"];
  return renderVariables(m.content, {
    contact,
    agent: sender,
    conversation: { id: conversation.id, display_id: conversation.display_id, custom_attributes: conversation.custom_attributes },
    inbox,
  });
}

/** The acting user or bot of a request, as activity messages name them. */
export function performerOf(scope: AccountScope): Performer {
  if (scope.actor.type === "agent_bot") return { type: "AgentBot", id: scope.actor.bot.id, name: scope.actor.bot.name };
  const u = scope.actor.user;
  return { type: "User", id: u.id, name: u.display_name?.trim() || u.name };
}

/** The `performer` of an event (Chatwoot's Current.user): a user or an agent bot; contacts and the system leave it out. */
export function eventPerformer(by: Performer | undefined): { performer?: EventPerformer } {
  return by && by.type !== "Contact" ? { performer: { type: by.type, id: by.id } } : {};
}

// Chatwoot counts such replies and wants at most this one; "another one exists" stops at the first hit instead of
// walking every outgoing message of a conversation that never got first_reply_created_at (imported data).
const anotherOutgoingReply = preparedFor((db) =>
  db.$client.prepare<{ one: number }, [number, number]>(
    `SELECT 1 AS one FROM messages WHERE conversation_id = ?1 AND message_type = 1 AND id <> ?2 AND private = 0
       AND sender_type IS NOT NULL AND sender_type <> 'AgentBot' AND json_extract(additional_attributes, '$.campaign_id') IS NULL LIMIT 1`,
  ),
);

/**
 * Message#valid_first_reply?: an outgoing public message by a user (not an automation rule's, not a campaign's), the
 * conversation without a first reply yet, and no other such reply in it before this one.
 */
function isFirstReply(tx: Tx, conversation: ConversationRow, row: MessageRow): boolean {
  if (row.message_type !== TYPE_CODES.outgoing || row.private || row.sender_type !== "User") return false;
  if (row.content_attributes.automation_rule_id != null || row.additional_attributes.campaign_id != null) return false;
  if (conversation.first_reply_created_at != null) return false;
  return anotherOutgoingReply(tx.db).get(conversation.id, row.id) === null;
}

/**
 * Writes a message with everything Chatwoot does around it: the conversation's last activity, waiting
 * time and first reply; reopening on an incoming message; @-mentions in private notes; notifications to
 * the assignee and participants; and the message.created event. Any channel or API path that creates
 * a message goes through here.
 */
export function addMessage(tx: Tx, by: Performer, conversation: ConversationRow, m: NewMessage): MessageRow {
  if (m.content != null && m.content.length > MAX_CONTENT_LENGTH) throw Validation.field("content", `is too long (maximum is ${MAX_CONTENT_LENGTH} characters)`);
  if ((m.files?.length ?? 0) > MAX_ATTACHMENTS) throw Validation.field("attachments", "exceeded maximum allowed");
  const row: MessageRow = {
    id: 0,
    account_id: conversation.account_id,
    inbox_id: conversation.inbox_id,
    conversation_id: conversation.id,
    message_type: m.message_type,
    content: withVariables(tx, conversation, m),
    content_type: m.content_type ?? "text",
    content_attributes: m.content_attributes ?? {},
    private: m.private ?? false,
    status: m.status ?? "sent",
    source_id: m.source_id ?? null,
    sender_type: m.sender?.type ?? null,
    sender_id: m.sender?.id ?? null,
    external_source_ids: {},
    additional_attributes: m.additional_attributes ?? {},
    processed_message_content: null,
    created_at: tx.now,
    updated_at: tx.now,
  };
  row.id = Number(insertMessage(tx.db).run(...messageValues(row)).lastInsertRowid);
  for (const f of m.files ?? []) {
    tx.db
      .insert(attachments)
      .values({
        account_id: conversation.account_id,
        message_id: row.id,
        file_type: f.file_type,
        storage_key: f.storage_key,
        file_name: f.file_name,
        content_type: f.content_type,
        byte_size: f.byte_size,
        extension: f.extension,
        meta: f.meta,
        external_url: f.external_url ?? null,
        coordinates_lat: f.coordinates_lat ?? null,
        coordinates_long: f.coordinates_long ?? null,
        fallback_title: f.fallback_title ?? null,
        created_at: tx.now,
      })
      .run();
  }

  const patch: ConversationPatch = { last_activity_at: tx.now };
  const isPublic = !row.private;
  const firstReply = isFirstReply(tx, conversation, row);
  if (row.message_type === 0) {
    const blocked = contactBlocked(tx.db).get(conversation.contact_id);
    if (conversation.status === "snoozed" || (conversation.status === "resolved" && !blocked?.blocked)) patch.status = "open";
    if (conversation.waiting_since == null) patch.waiting_since = tx.now;
  } else if (row.message_type === 1 && isPublic && (row.sender_type === "User" || row.sender_type === "AgentBot")) {
    if (firstReply) patch.first_reply_created_at = tx.now;
    if (conversation.waiting_since != null) patch.waiting_since = null;
  }
  const contactBy: Performer = row.message_type === 0 ? (by?.type === "Contact" ? by : null) : by;
  const updated = changeConversation(tx, row.message_type === 0 ? contactBy : by, conversation, patch);

  const mentioned = row.private && row.content ? handleMentions(tx, updated, row, by) : [];
  if (row.message_type === 0 || row.message_type === 1) notifyNewMessage(tx, updated, row, new Set(mentioned));
  const performer = eventPerformer(by);
  const ev = { account_id: row.account_id, conversation_id: row.conversation_id, message_id: row.id };
  tx.emit("message.created", { ...ev, ...(m.echo_id ? { echo_id: m.echo_id } : {}), ...performer });
  if (firstReply) tx.emit("first.reply.created", { ...ev, ...performer });
  return row;
}

/** An activity message ("Conversation was marked resolved by …"): no sender, moves the conversation up. */
export function addActivityMessage(tx: Tx, conversation: ConversationRow, content: string): MessageRow {
  const row = tx.db
    .insert(messages)
    .values({
      account_id: conversation.account_id,
      inbox_id: conversation.inbox_id,
      conversation_id: conversation.id,
      message_type: TYPE_CODES.activity,
      content,
      created_at: tx.now,
      updated_at: tx.now,
    })
    .returning()
    .get();
  tx.db.update(conversations).set({ last_activity_at: tx.now, updated_at: tx.now }).where(eq(conversations.id, conversation.id)).run();
  tx.emit("message.created", { account_id: row.account_id, conversation_id: row.conversation_id, message_id: row.id });
  return row;
}

/**
 * Messages::MentionService: agents mentioned in a private note (directly or through a team) who can
 * see the inbox (its members and the administrators) get a mention, become participants and are notified.
 */
function handleMentions(tx: Tx, conversation: ConversationRow, message: MessageRow, by: Performer): number[] {
  const { userIds, teamIds } = mentionedIds(message.content ?? "");
  const candidates = new Set(userIds);
  if (teamIds.length) {
    const rows = tx.db
      .select({ id: team_members.user_id })
      .from(team_members)
      .innerJoin(teams, eq(teams.id, team_members.team_id))
      .where(and(inArray(team_members.team_id, teamIds), eq(teams.account_id, conversation.account_id)))
      .all();
    for (const r of rows) candidates.add(r.id);
  }
  if (!candidates.size) return [];
  const ids = [...candidates];
  const admins = tx.db
    .select({ id: account_users.user_id })
    .from(account_users)
    .where(and(eq(account_users.account_id, conversation.account_id), eq(account_users.role, "administrator"), inArray(account_users.user_id, ids)))
    .all();
  const members = tx.db
    .select({ id: inbox_members.user_id })
    .from(inbox_members)
    .innerJoin(account_users, and(eq(account_users.user_id, inbox_members.user_id), eq(account_users.account_id, conversation.account_id)))
    .where(and(eq(inbox_members.inbox_id, conversation.inbox_id), inArray(inbox_members.user_id, ids)))
    .all();
  const valid = [...new Set([...admins, ...members].map((r) => r.id))].sort((a, b) => a - b);
  for (const userId of valid) {
    tx.db
      .insert(mentions)
      .values({ account_id: conversation.account_id, conversation_id: conversation.id, user_id: userId, mentioned_at: tx.now })
      .onConflictDoUpdate({ target: [mentions.user_id, mentions.conversation_id], set: { mentioned_at: tx.now } })
      .run();
    tx.emit("conversation.mentioned", { account_id: conversation.account_id, conversation_id: conversation.id, user_id: userId, message_id: message.id, ...eventPerformer(by) });
    notify(tx, { userId, type: "conversation_mention", conversation, secondary: { type: "Message", id: message.id } });
    tx.db
      .insert(conversation_participants)
      .values({ account_id: conversation.account_id, conversation_id: conversation.id, user_id: userId, created_at: tx.now })
      .onConflictDoNothing()
      .run();
  }
  return valid;
}

const participantsOf = preparedFor((db) =>
  db.$client.prepare<{ id: number }, [number]>("SELECT user_id AS id FROM conversation_participants WHERE conversation_id = ?1"),
);

/**
 * Messages::NewMessageNotificationService: the assignee and the participants hear of new messages
 * (those just notified of a mention in it are not notified twice).
 */
function notifyNewMessage(tx: Tx, conversation: ConversationRow, message: MessageRow, notified: Set<number>): void {
  const senderUser = message.sender_type === "User" ? message.sender_id : null;
  const secondary = { type: "Message" as const, id: message.id };
  if (conversation.assignee_id != null && conversation.assignee_id !== senderUser && !notified.has(conversation.assignee_id)) {
    notify(tx, { userId: conversation.assignee_id, type: "assigned_conversation_new_message", conversation, secondary });
    notified.add(conversation.assignee_id);
  }
  const participants = participantsOf(tx.db).all(conversation.id);
  for (const { id } of participants) {
    if (id === senderUser || notified.has(id)) continue;
    notify(tx, { userId: id, type: "participating_conversation_new_message", conversation, secondary });
    notified.add(id);
  }
}

export type MessageInput = {
  content?: string | null;
  message_type?: "incoming" | "outgoing" | "activity" | "template";
  private?: boolean;
  content_type?: (typeof CONTENT_TYPES)[number];
  content_attributes?: Record<string, unknown>;
  template_params?: Record<string, unknown>;
  source_id?: string | null;
  echo_id?: string | null;
};

/** Messages::MessageBuilder: a message created through the Application API by the acting agent or bot. */
export function createMessage(tx: Tx, scope: AccountScope, conversation: ConversationRow, input: MessageInput, files: StoredFile[] = []): MessageRow {
  const type = input.message_type ?? "outgoing";
  if (type === "incoming") {
    const channel = tx.db
      .select({ type: channels.channel_type })
      .from(inboxes)
      .innerJoin(channels, eq(channels.id, inboxes.channel_id))
      .where(eq(inboxes.id, conversation.inbox_id))
      .get();
    if (channel?.type !== "Channel::Api") throw Validation.field("message_type", "Incoming messages are only allowed in Api inboxes");
  }
  const content = input.content ?? null;
  if ((content === null || content === "") && !files.length) throw Validation.field("content", "can't be blank");
  const by = performerOf(scope);
  const sender: NewMessage["sender"] =
    type === "incoming" ? { type: "Contact", id: conversation.contact_id } : type === "activity" ? null : by && by.type !== "AutomationRule" ? { type: by.type, id: by.id } : null;
  return addMessage(tx, by, conversation, {
    message_type: TYPE_CODES[type],
    content,
    private: input.private ?? false,
    content_type: input.content_type,
    content_attributes: input.content_attributes,
    additional_attributes: input.template_params ? { template_params: input.template_params } : {},
    source_id: input.source_id ?? null,
    sender,
    files,
    echo_id: input.echo_id,
  });
}

function getMessage(tx: Tx, conversation: ConversationRow, id: number): MessageRow {
  const m = tx.db
    .select()
    .from(messages)
    .where(and(eq(messages.id, id), eq(messages.conversation_id, conversation.id), eq(messages.account_id, conversation.account_id)))
    .get();
  if (!m) throw new NotFound("Message");
  return m;
}

/**
 * DELETE …/messages/{id}: Chatwoot keeps the message and replaces it: "This message was deleted",
 * content_attributes.deleted, attachments removed. Returns the message and the storage keys to unlink.
 */
export function deleteMessage(tx: Tx, conversation: ConversationRow, id: number, by?: Performer): { message: MessageRow; removedKeys: string[] } {
  const m = getMessage(tx, conversation, id);
  const removed = tx.db.delete(attachments).where(eq(attachments.message_id, m.id)).returning({ key: attachments.storage_key }).all();
  const row = tx.db
    .update(messages)
    .set({ content: DELETED_CONTENT, content_type: "text", content_attributes: { deleted: true }, updated_at: tx.now })
    .where(eq(messages.id, m.id))
    .returning()
    .get();
  tx.emit("message.updated", {
    account_id: m.account_id,
    conversation_id: m.conversation_id,
    message_id: m.id,
    changed_attributes: {
      content: { previous_value: m.content, current_value: DELETED_CONTENT },
      content_attributes: { previous_value: m.content_attributes, current_value: { deleted: true } },
    },
    ...eventPerformer(by),
  });
  return { message: row, removedKeys: removed.map((r) => r.key).filter((k): k is string => !!k) };
}

/**
 * PATCH …/messages/{id} (Messages::StatusUpdateService): an API-channel integration reports delivery
 * status; `failed` keeps the error text in content_attributes.external_error.
 */
export function updateMessageStatus(
  tx: Tx,
  conversation: ConversationRow,
  id: number,
  input: { status: (typeof MESSAGE_STATUSES)[number]; external_error?: string | null },
  by?: Performer,
): MessageRow {
  const channel = tx.db
    .select({ type: channels.channel_type })
    .from(inboxes)
    .innerJoin(channels, eq(channels.id, inboxes.channel_id))
    .where(eq(inboxes.id, conversation.inbox_id))
    .get();
  if (channel?.type !== "Channel::Api") throw new Forbidden("Message status update is only allowed for API inboxes");
  const m = getMessage(tx, conversation, id);
  const attrs = { ...m.content_attributes };
  if (input.status === "failed") attrs.external_error = input.external_error ?? null;
  else delete attrs.external_error;
  const row = tx.db.update(messages).set({ status: input.status, content_attributes: attrs, updated_at: tx.now }).where(eq(messages.id, m.id)).returning().get();
  if (m.status !== row.status) {
    tx.emit("message.updated", {
      account_id: m.account_id,
      conversation_id: m.conversation_id,
      message_id: m.id,
      changed_attributes: { status: { previous_value: m.status, current_value: row.status } },
      ...eventPerformer(by),
    });
  }
  return row;
}
