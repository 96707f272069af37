import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { accounts, users } from "./accounts.ts";

/**
 * One row per connected channel, whatever its kind. Chatwoot keeps a table per channel type; Parley keeps
 * the columns every channel needs for lookup and signing here and the kind-specific settings in `config`,
 * validated by the channel's own zod schema (src/channels/<name>/config.ts).
 */
export const channels = sqliteTable(
  "channels",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    account_id: integer("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    /** Chatwoot's class name: Channel::Api, Channel::WebWidget, Channel::Whatsapp, Channel::Email, Channel::Telegram. */
    channel_type: text("channel_type").notNull(),
    /** The public key a channel is reached by: the API inbox_identifier, a widget's website_token, … */
    identifier: text("identifier").notNull(),
    /** Secret for HMAC identity verification of contacts (identifier_hash). */
    hmac_token: text("hmac_token").notNull(),
    hmac_mandatory: integer("hmac_mandatory", { mode: "boolean" }).notNull().default(false),
    /** API channel: where message events are POSTed. */
    webhook_url: text("webhook_url"),
    /** Signs the callbacks sent to webhook_url (X-Chatwoot-Signature). */
    secret: text("secret").notNull(),
    config: text("config", { mode: "json" }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
    additional_attributes: text("additional_attributes", { mode: "json" }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
    /** The provider connection as last seen (src/channels/framework/status.ts): null (never checked), connected, error, reauthorization_required. */
    connection_status: text("connection_status"),
    /** The provider's last error (shown on the inbox page); null once the connection works again. */
    connection_error: text("connection_error"),
    connection_checked_at: integer("connection_checked_at"),
    created_at: integer("created_at").notNull(),
    updated_at: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("channels_type_identifier_unique").on(t.channel_type, t.identifier), index("channels_account_idx").on(t.account_id)],
);

export const inboxes = sqliteTable(
  "inboxes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    account_id: integer("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    channel_id: integer("channel_id").notNull().references(() => channels.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    avatar_url: text("avatar_url"),
    enable_auto_assignment: integer("enable_auto_assignment", { mode: "boolean" }).notNull().default(true),
    auto_assignment_config: text("auto_assignment_config", { mode: "json" }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
    greeting_enabled: integer("greeting_enabled", { mode: "boolean" }).notNull().default(false),
    greeting_message: text("greeting_message"),
    enable_email_collect: integer("enable_email_collect", { mode: "boolean" }).notNull().default(true),
    csat_survey_enabled: integer("csat_survey_enabled", { mode: "boolean" }).notNull().default(false),
    /** Chatwoot's csat_config: { display_type: "emoji" | "star", message, survey_rules: { operator, values } }. */
    csat_config: text("csat_config", { mode: "json" }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
    allow_messages_after_resolved: integer("allow_messages_after_resolved", { mode: "boolean" }).notNull().default(true),
    lock_to_single_conversation: integer("lock_to_single_conversation", { mode: "boolean" }).notNull().default(false),
    working_hours_enabled: integer("working_hours_enabled", { mode: "boolean" }).notNull().default(false),
    out_of_office_message: text("out_of_office_message"),
    timezone: text("timezone").notNull().default("UTC"),
    business_name: text("business_name"),
    sender_name_type: text("sender_name_type", { enum: ["friendly", "professional"] }).notNull().default("friendly"),
    /** Round-robin cursor: the user id last given a conversation by auto-assignment. */
    /** No longer written: the round-robin cursor moved to assignment_cursors (0023), out of the read cache's way. */
    last_assigned_user_id: integer("last_assigned_user_id"),
    created_at: integer("created_at").notNull(),
    updated_at: integer("updated_at").notNull(),
  },
  (t) => [index("inboxes_account_idx").on(t.account_id), uniqueIndex("inboxes_channel_unique").on(t.channel_id)],
);

export const inbox_members = sqliteTable(
  "inbox_members",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    inbox_id: integer("inbox_id").notNull().references(() => inboxes.id, { onDelete: "cascade" }),
    user_id: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    created_at: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("inbox_members_unique").on(t.inbox_id, t.user_id), index("inbox_members_user_idx").on(t.user_id)],
);
