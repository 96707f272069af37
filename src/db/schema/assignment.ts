import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";
import { accounts, users } from "./accounts.ts";
import { conversations } from "./conversations.ts";
import { inboxes } from "./inboxes.ts";

export const ASSIGNMENT_ORDERS = ["round_robin", "balanced"] as const;
export const CONVERSATION_PRIORITIES = ["earliest_created", "longest_waiting"] as const;
export type AssignmentOrder = (typeof ASSIGNMENT_ORDERS)[number];
export type ConversationPriority = (typeof CONVERSATION_PRIORITIES)[number];

/** Chatwoot's assignment policies (assignment v2): how an inbox's new conversations find an agent. */
export const assignment_policies = sqliteTable(
  "assignment_policies",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    account_id: integer("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description"),
    assignment_order: text("assignment_order", { enum: ASSIGNMENT_ORDERS }).notNull().default("round_robin"),
    conversation_priority: text("conversation_priority", { enum: CONVERSATION_PRIORITIES }).notNull().default("earliest_created"),
    fair_distribution_limit: integer("fair_distribution_limit").notNull().default(100),
    fair_distribution_window: integer("fair_distribution_window").notNull().default(3600),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    created_at: integer("created_at").notNull(),
    updated_at: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("assignment_policies_account_name_unique").on(t.account_id, t.name)],
);

/** The one policy of an inbox. */
export const inbox_assignment_policies = sqliteTable(
  "inbox_assignment_policies",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    inbox_id: integer("inbox_id").notNull().references(() => inboxes.id, { onDelete: "cascade" }),
    assignment_policy_id: integer("assignment_policy_id").notNull().references(() => assignment_policies.id, { onDelete: "cascade" }),
    created_at: integer("created_at").notNull(),
    updated_at: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("inbox_assignment_policies_inbox_unique").on(t.inbox_id), index("inbox_assignment_policies_policy_idx").on(t.assignment_policy_id)],
);

/** Chatwoot EE agent capacity policies: per-inbox limits of open conversations for the agents who have the policy. */
export const agent_capacity_policies = sqliteTable(
  "agent_capacity_policies",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    account_id: integer("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description"),
    exclusion_rules: text("exclusion_rules", { mode: "json" }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
    created_at: integer("created_at").notNull(),
    updated_at: integer("updated_at").notNull(),
  },
  (t) => [index("agent_capacity_policies_account_idx").on(t.account_id)],
);

export const inbox_capacity_limits = sqliteTable(
  "inbox_capacity_limits",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    agent_capacity_policy_id: integer("agent_capacity_policy_id").notNull().references(() => agent_capacity_policies.id, { onDelete: "cascade" }),
    inbox_id: integer("inbox_id").notNull().references(() => inboxes.id, { onDelete: "cascade" }),
    conversation_limit: integer("conversation_limit").notNull(),
    created_at: integer("created_at").notNull(),
    updated_at: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("inbox_capacity_limits_policy_inbox_unique").on(t.agent_capacity_policy_id, t.inbox_id), index("inbox_capacity_limits_inbox_idx").on(t.inbox_id)],
);

/**
 * Which capacity policy an account member has (Chatwoot's account_users.agent_capacity_policy_id, kept in a table
 * of its own: at most one row per member of an account).
 */
export const agent_capacity_policy_users = sqliteTable(
  "agent_capacity_policy_users",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    account_id: integer("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    user_id: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    agent_capacity_policy_id: integer("agent_capacity_policy_id").notNull().references(() => agent_capacity_policies.id, { onDelete: "cascade" }),
    created_at: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("agent_capacity_policy_users_account_user_unique").on(t.account_id, t.user_id), index("agent_capacity_policy_users_policy_idx").on(t.agent_capacity_policy_id)],
);

/** Auto-assignments of the last fair-distribution window (Chatwoot keeps them in Redis with a TTL): the rate limiter's count. */
export const auto_assignments = sqliteTable(
  "auto_assignments",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    inbox_id: integer("inbox_id").notNull().references(() => inboxes.id, { onDelete: "cascade" }),
    user_id: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    conversation_id: integer("conversation_id").notNull().references(() => conversations.id, { onDelete: "cascade" }),
    assigned_at: integer("assigned_at").notNull(),
  },
  (t) => [index("auto_assignments_inbox_user_at_idx").on(t.inbox_id, t.user_id, t.assigned_at), index("auto_assignments_conversation_idx").on(t.conversation_id)],
);

/**
 * Each inbox's round-robin cursor: the agent picked last. A table of its own, not a column of `inboxes`: a write to
 * `inboxes` bumps config_version and empties every request's read cache (migration 0007), and the cursor moves
 * with every auto-assignment. (inboxes.last_assigned_user_id held it until migration 0023 and is no longer written.)
 */
export const assignment_cursors = sqliteTable("assignment_cursors", {
  inbox_id: integer("inbox_id")
    .primaryKey()
    .references(() => inboxes.id, { onDelete: "cascade" }),
  user_id: integer("user_id").notNull(),
});
