import { sql } from "drizzle-orm";
import { index, integer, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { accounts } from "./accounts.ts";
import { conversations } from "./conversations.ts";
import { inboxes } from "./inboxes.ts";

export const SLA_STATUSES = ["active", "hit", "missed", "active_with_misses"] as const;
export type SlaStatus = (typeof SLA_STATUSES)[number];
export const SLA_EVENT_TYPES = ["frt", "nrt", "rt"] as const;
export type SlaEventType = (typeof SLA_EVENT_TYPES)[number];

/** SLA policies (Chatwoot EE SlaPolicy): thresholds in seconds, null when the policy does not track that target. */
export const sla_policies = sqliteTable(
  "sla_policies",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    account_id: integer("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description"),
    first_response_time_threshold: real("first_response_time_threshold"),
    next_response_time_threshold: real("next_response_time_threshold"),
    resolution_time_threshold: real("resolution_time_threshold"),
    only_during_business_hours: integer("only_during_business_hours", { mode: "boolean" }).notNull().default(false),
    created_at: integer("created_at").notNull(),
    updated_at: integer("updated_at").notNull(),
  },
  (t) => [index("sla_policies_account_idx").on(t.account_id)],
);

/** A policy applied to a conversation and how it went (AppliedSla). Removed with its policy, as Chatwoot does. */
export const applied_slas = sqliteTable(
  "applied_slas",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    account_id: integer("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    sla_policy_id: integer("sla_policy_id").notNull().references(() => sla_policies.id, { onDelete: "cascade" }),
    conversation_id: integer("conversation_id").notNull().references(() => conversations.id, { onDelete: "cascade" }),
    sla_status: text("sla_status", { enum: SLA_STATUSES }).notNull().default("active"),
    created_at: integer("created_at").notNull(),
    updated_at: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("applied_slas_account_policy_conversation_unique").on(t.account_id, t.sla_policy_id, t.conversation_id),
    index("applied_slas_conversation_idx").on(t.conversation_id),
    index("applied_slas_policy_idx").on(t.sla_policy_id),
    index("applied_slas_account_created_idx").on(t.account_id, t.created_at),
  ],
);

/** One missed target of an applied SLA (SlaEvent), kept for reports; nrt misses name the customer message in meta. */
export const sla_events = sqliteTable(
  "sla_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    account_id: integer("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    applied_sla_id: integer("applied_sla_id").notNull().references(() => applied_slas.id, { onDelete: "cascade" }),
    conversation_id: integer("conversation_id").notNull().references(() => conversations.id, { onDelete: "cascade" }),
    inbox_id: integer("inbox_id").notNull().references(() => inboxes.id, { onDelete: "cascade" }),
    sla_policy_id: integer("sla_policy_id").notNull().references(() => sla_policies.id, { onDelete: "cascade" }),
    event_type: text("event_type", { enum: SLA_EVENT_TYPES }).notNull(),
    meta: text("meta", { mode: "json" }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
    created_at: integer("created_at").notNull(),
    updated_at: integer("updated_at").notNull(),
  },
  (t) => [
    index("sla_events_applied_sla_idx").on(t.applied_sla_id),
    index("sla_events_conversation_idx").on(t.conversation_id),
    index("sla_events_account_created_idx").on(t.account_id, t.created_at),
    index("sla_events_inbox_idx").on(t.inbox_id),
    index("sla_events_policy_idx").on(t.sla_policy_id),
  ],
);
