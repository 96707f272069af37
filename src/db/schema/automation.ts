import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { accounts, users } from "./accounts.ts";

/** One action of a macro or an automation rule (Chatwoot's `{action_name, action_params}`). */
export type RuleAction = { action_name: string; action_params: unknown[] };
/** One condition of an automation rule (Chatwoot's filter condition). */
export type RuleCondition = { attribute_key: string; filter_operator: string; values: unknown[]; query_operator?: string | null; custom_attribute_type?: string };

/** Macros: named, ordered actions an agent runs on conversations in one click (personal or for the whole account). */
export const macros = sqliteTable(
  "macros",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    account_id: integer("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    visibility: text("visibility", { enum: ["personal", "global"] }).notNull().default("personal"),
    actions: text("actions", { mode: "json" }).$type<RuleAction[]>().notNull(),
    created_by_id: integer("created_by_id").references(() => users.id, { onDelete: "set null" }),
    updated_by_id: integer("updated_by_id").references(() => users.id, { onDelete: "set null" }),
    created_at: integer("created_at").notNull(),
    updated_at: integer("updated_at").notNull(),
  },
  (t) => [index("macros_account_idx").on(t.account_id)],
);

/** Automation rules: on an event, when the conditions match, the actions run (as a durable job). */
export const automationRules = sqliteTable(
  "automation_rules",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    account_id: integer("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description"),
    event_name: text("event_name").notNull(),
    conditions: text("conditions", { mode: "json" }).$type<RuleCondition[]>().notNull(),
    actions: text("actions", { mode: "json" }).$type<RuleAction[]>().notNull(),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    created_at: integer("created_at").notNull(),
    updated_at: integer("updated_at").notNull(),
  },
  (t) => [index("automation_rules_account_event_idx").on(t.account_id, t.event_name, t.active)],
);

/**
 * Files a macro or an automation rule sends with send_attachment (Chatwoot's attach_file blobs): uploaded once,
 * copied into each message that sends them, so deleting a message never takes the rule's file with it.
 */
export const automationFiles = sqliteTable(
  "automation_files",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    account_id: integer("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    storage_key: text("storage_key").notNull(),
    file_name: text("file_name").notNull(),
    content_type: text("content_type").notNull(),
    byte_size: integer("byte_size").notNull(),
    extension: text("extension"),
    file_type: text("file_type").notNull(),
    meta: text("meta", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    created_by_id: integer("created_by_id").references(() => users.id, { onDelete: "set null" }),
    created_at: integer("created_at").notNull(),
  },
  (t) => [index("automation_files_account_idx").on(t.account_id)],
);
