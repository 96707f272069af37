import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex, real } from "drizzle-orm/sqlite-core";
import { accounts, users } from "./accounts.ts";
import { agent_bots } from "./agent-bots.ts";
import { contact_inboxes, contacts } from "./contacts.ts";
import { inboxes } from "./inboxes.ts";
import { teams } from "./teams.ts";
import { sla_policies } from "./sla.ts";

export const CONVERSATION_STATUSES = ["open", "resolved", "pending", "snoozed"] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];
/** Stored as 0..3 so that sorting by priority uses an index; null is "none". */
export const PRIORITIES = ["low", "medium", "high", "urgent"] as const;

export const conversations = sqliteTable(
  "conversations",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    account_id: integer("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    /** The number agents and the API use, counted per account. */
    display_id: integer("display_id").notNull(),
    uuid: text("uuid").notNull(),
    inbox_id: integer("inbox_id").notNull().references(() => inboxes.id, { onDelete: "cascade" }),
    contact_id: integer("contact_id").notNull().references(() => contacts.id, { onDelete: "cascade" }),
    contact_inbox_id: integer("contact_inbox_id").references(() => contact_inboxes.id, { onDelete: "set null" }),
    assignee_id: integer("assignee_id").references(() => users.id, { onDelete: "set null" }),
    assignee_agent_bot_id: integer("assignee_agent_bot_id").references(() => agent_bots.id, { onDelete: "set null" }),
    team_id: integer("team_id").references(() => teams.id, { onDelete: "set null" }),
    status: text("status", { enum: CONVERSATION_STATUSES }).notNull().default("open"),
    priority: integer("priority"),
    snoozed_until: integer("snoozed_until"),
    identifier: text("identifier"),
    additional_attributes: text("additional_attributes", { mode: "json" }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
    custom_attributes: text("custom_attributes", { mode: "json" }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
    /** Comma-separated label titles, kept in step with taggings for fast list rendering. */
    cached_label_list: text("cached_label_list").notNull().default(""),
    agent_last_seen_at: integer("agent_last_seen_at"),
    assignee_last_seen_at: integer("assignee_last_seen_at"),
    contact_last_seen_at: integer("contact_last_seen_at"),
    first_reply_created_at: integer("first_reply_created_at"),
    /** Since when the customer waits for a reply (null when the last word was ours). */
    waiting_since: integer("waiting_since"),
    /** The SLA policy applied to the conversation (Chatwoot EE); cleared when the policy is deleted. */
    sla_policy_id: integer("sla_policy_id").references(() => sla_policies.id, { onDelete: "set null" }),
    last_activity_at: integer("last_activity_at").notNull(),
    created_at: integer("created_at").notNull(),
    updated_at: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("conversations_account_display_unique").on(t.account_id, t.display_id),
    uniqueIndex("conversations_uuid_unique").on(t.uuid),
    // The list indexes also carry the columns the meta counts and access checks read, so an agent's counts
    // (inbox IN … OR team IN …) are answered from the index; id follows the sort key so pages need no sort.
    index("conversations_account_status_activity_idx").on(t.account_id, t.status, t.last_activity_at, t.id, t.assignee_id, t.inbox_id, t.team_id),
    // The list with status=all, newest activity first.
    index("conversations_account_activity_idx").on(t.account_id, t.last_activity_at, t.id, t.assignee_id, t.inbox_id, t.team_id),
    index("conversations_inbox_status_activity_idx").on(t.inbox_id, t.status, t.last_activity_at),
    // inbox_id too: the assignment picker counts open conversations per agent in one inbox from the index alone.
    index("conversations_assignee_status_idx").on(t.account_id, t.assignee_id, t.status, t.inbox_id),
    index("conversations_team_idx").on(t.team_id),
    index("conversations_contact_idx").on(t.contact_id),
    /** A contact session's conversations (widget, client API, channels) and the foreign key from contact_inboxes. */
    index("conversations_contact_inbox_idx").on(t.contact_inbox_id, t.id),
    index("conversations_snoozed_idx").on(t.status, t.snoozed_until),
    index("conversations_sla_policy_idx").on(t.sla_policy_id).where(sql`sla_policy_id IS NOT NULL`),
  ],
);

export const MESSAGE_TYPES = ["incoming", "outgoing", "activity", "template"] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];
export const MESSAGE_STATUSES = ["sent", "delivered", "read", "failed", "progress"] as const;
export const CONTENT_TYPES = [
  "text",
  "input_text",
  "input_textarea",
  "input_email",
  "input_select",
  "cards",
  "form",
  "article",
  "incoming_email",
  "input_csat",
  "integrations",
  "sticker",
  "voice_call",
] as const;

export const messages = sqliteTable(
  "messages",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    account_id: integer("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    inbox_id: integer("inbox_id").notNull().references(() => inboxes.id, { onDelete: "cascade" }),
    conversation_id: integer("conversation_id").notNull().references(() => conversations.id, { onDelete: "cascade" }),
    /** 0 incoming, 1 outgoing, 2 activity, 3 template: Chatwoot's enum values, which its realtime payloads expose. */
    message_type: integer("message_type").notNull(),
    content: text("content"),
    content_type: text("content_type", { enum: CONTENT_TYPES }).notNull().default("text"),
    content_attributes: text("content_attributes", { mode: "json" }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
    private: integer("private", { mode: "boolean" }).notNull().default(false),
    status: text("status", { enum: MESSAGE_STATUSES }).notNull().default("sent"),
    /** The provider's id for the message (dedup of redelivered channel webhooks). */
    source_id: text("source_id"),
    sender_type: text("sender_type", { enum: ["User", "Contact", "AgentBot"] }),
    sender_id: integer("sender_id"),
    external_source_ids: text("external_source_ids", { mode: "json" }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
    additional_attributes: text("additional_attributes", { mode: "json" }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
    processed_message_content: text("processed_message_content"),
    created_at: integer("created_at").notNull(),
    updated_at: integer("updated_at").notNull(),
  },
  (t) => [
    index("messages_conversation_idx").on(t.conversation_id, t.id),
    /** Unread counts (incoming messages since the agents last looked) without walking the whole conversation. */
    index("messages_conversation_type_created_idx").on(t.conversation_id, t.message_type, t.created_at),
    index("messages_account_created_idx").on(t.account_id, t.created_at),
    index("messages_source_idx").on(t.inbox_id, t.source_id).where(sql`source_id IS NOT NULL`),
  ],
);

export const ATTACHMENT_FILE_TYPES = ["image", "audio", "video", "file", "location", "fallback", "share", "story_mention", "contact", "ig_reel"] as const;

export const attachments = sqliteTable(
  "attachments",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    account_id: integer("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    message_id: integer("message_id").notNull().references(() => messages.id, { onDelete: "cascade" }),
    file_type: text("file_type", { enum: ATTACHMENT_FILE_TYPES }).notNull().default("file"),
    /** Where the bytes are, relative to the data dir's uploads/ folder; null for link-only attachments. */
    storage_key: text("storage_key"),
    file_name: text("file_name"),
    content_type: text("content_type"),
    byte_size: integer("byte_size"),
    extension: text("extension"),
    external_url: text("external_url"),
    coordinates_lat: real("coordinates_lat"),
    coordinates_long: real("coordinates_long"),
    fallback_title: text("fallback_title"),
    meta: text("meta", { mode: "json" }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
    created_at: integer("created_at").notNull(),
  },
  (t) => [index("attachments_message_idx").on(t.message_id)],
);

export const conversation_participants = sqliteTable(
  "conversation_participants",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    account_id: integer("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    conversation_id: integer("conversation_id").notNull().references(() => conversations.id, { onDelete: "cascade" }),
    user_id: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    created_at: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("conversation_participants_unique").on(t.conversation_id, t.user_id), index("conversation_participants_user_idx").on(t.user_id)],
);

export const mentions = sqliteTable(
  "mentions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    account_id: integer("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    conversation_id: integer("conversation_id").notNull().references(() => conversations.id, { onDelete: "cascade" }),
    user_id: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    mentioned_at: integer("mentioned_at").notNull(),
  },
  (t) => [uniqueIndex("mentions_user_conversation_unique").on(t.user_id, t.conversation_id), index("mentions_account_user_idx").on(t.account_id, t.user_id, t.mentioned_at)],
);
