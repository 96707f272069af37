import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { accounts, users } from "./accounts.ts";

export const NOTIFICATION_TYPES = [
  "conversation_creation",
  "conversation_assignment",
  "assigned_conversation_new_message",
  "conversation_mention",
  "participating_conversation_new_message",
  "sla_missed_first_response",
  "sla_missed_next_response",
  "sla_missed_resolution",
] as const;

export const notifications = sqliteTable(
  "notifications",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    account_id: integer("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    user_id: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    notification_type: text("notification_type", { enum: NOTIFICATION_TYPES }).notNull(),
    primary_actor_type: text("primary_actor_type").notNull(),
    primary_actor_id: integer("primary_actor_id").notNull(),
    secondary_actor_type: text("secondary_actor_type"),
    secondary_actor_id: integer("secondary_actor_id"),
    meta: text("meta", { mode: "json" }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
    read_at: integer("read_at"),
    snoozed_until: integer("snoozed_until"),
    last_activity_at: integer("last_activity_at").notNull(),
    created_at: integer("created_at").notNull(),
    updated_at: integer("updated_at").notNull(),
  },
  (t) => [index("notifications_user_idx").on(t.account_id, t.user_id, t.last_activity_at)],
);

/**
 * Chatwoot's notification_settings: one row per user and account, the notification types the user wants by
 * email and by push (Chatwoot keeps them as bit flags; Parley keeps the type names). No row = the defaults.
 */
export const notification_settings = sqliteTable(
  "notification_settings",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    account_id: integer("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    user_id: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    email_flags: text("email_flags", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    push_flags: text("push_flags", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    created_at: integer("created_at").notNull(),
    updated_at: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("notification_settings_account_user_unique").on(t.account_id, t.user_id)],
);
