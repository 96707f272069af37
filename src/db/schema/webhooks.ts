import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { accounts } from "./accounts.ts";
import { agent_bots } from "./agent-bots.ts";
import { inboxes } from "./inboxes.ts";

/** Account webhooks (Chatwoot's webhooks table) plus what Parley adds: auto-disable after persistent failure. */
export const webhooks = sqliteTable(
  "webhooks",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    account_id: integer("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    /** Chatwoot's inbox-scoped webhooks (webhook_type inbox_type); null for account webhooks. */
    inbox_id: integer("inbox_id").references(() => inboxes.id, { onDelete: "cascade" }),
    name: text("name"),
    url: text("url").notNull(),
    /** Subscribed event names (conversation_created, message_created, …). */
    subscriptions: text("subscriptions", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    secret: text("secret").notNull(),
    /** Null while active; set when disabled by hand or automatically after failing for days. */
    disabled_at: integer("disabled_at"),
    disabled_reason: text("disabled_reason"),
    /** Start of the current run of failed deliveries (null after a success). */
    failing_since: integer("failing_since"),
    created_at: integer("created_at").notNull(),
    updated_at: integer("updated_at").notNull(),
  },
  (t) => [index("webhooks_account_idx").on(t.account_id)],
);

/**
 * One row per webhook event that had subscribers: the body is stored once and sent to every webhook subscribed when
 * the event happened (webhook_ids). Its `webhook.fanout` job delivers it; deleting it (pruning) removes its deliveries.
 */
export const webhook_events = sqliteTable(
  "webhook_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    account_id: integer("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    /** Random; each delivery's X-Chatwoot-Delivery is derived from it and the webhook id. */
    uuid: text("uuid").notNull(),
    event: text("event").notNull(),
    /** What the event is about (conversation:ID, contact:ID, inbox:ID): per webhook, one subject's events arrive in order. */
    subject: text("subject").notNull(),
    /** The domain event ({name, data}); the fan-out builds the body from it, off the request path. */
    source: text("source"),
    /** The exact JSON body sent, stored by the fan-out (kept for redelivery and inspection until pruned). */
    body: text("body"),
    webhook_ids: text("webhook_ids", { mode: "json" }).$type<number[]>().notNull(),
    /**
     * Whether the event has its fan-out job. The intake writes events with their job (queued); rows an earlier version
     * wrote from the request (queued = 0) get theirs from the intake too (src/domain/webhooks/fanout.ts).
     */
    queued: integer("queued", { mode: "boolean" }).notNull().default(false),
    created_at: integer("created_at").notNull(),
  },
  (t) => [index("webhook_events_created_idx").on(t.created_at), index("webhook_events_unqueued_idx").on(t.id).where(sql`queued = 0`)],
);

/**
 * The webhook events of one COMMIT, as the request wrote them: a JSON array of {account_id, event, subject, source,
 * webhook_ids}. The webhooks queue's intake turns each batch into webhook_events rows and their fan-out jobs, then
 * deletes it (src/domain/webhooks/fanout.ts). One insert per COMMIT instead of one per event keeps webhooks cheap for
 * the request that causes them.
 */
export const webhook_event_batches = sqliteTable("webhook_event_batches", {
  id: integer("id").primaryKey(),
  events: text("events").notNull(),
  created_at: integer("created_at").notNull(),
});

/** One row per (event, webhook) delivery, written with its first attempt; its attempts are in webhook_delivery_attempts. */
export const webhook_deliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    account_id: integer("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    webhook_id: integer("webhook_id").notNull().references(() => webhooks.id, { onDelete: "cascade" }),
    /** Null only while migrating rows of the earlier layout (0011 fills it for every row). */
    event_id: integer("event_id").references(() => webhook_events.id, { onDelete: "cascade" }),
    /** X-Chatwoot-Delivery: the same for every attempt of this delivery. */
    delivery_uuid: text("delivery_uuid").notNull(),
    event: text("event").notNull(),
    status: text("status", { enum: ["pending", "succeeded", "failed"] }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    last_status_code: integer("last_status_code"),
    last_error: text("last_error"),
    created_at: integer("created_at").notNull(),
    updated_at: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_event_webhook_unique").on(t.event_id, t.webhook_id),
    index("webhook_deliveries_webhook_idx").on(t.webhook_id, t.id),
  ],
);

export const webhook_delivery_attempts = sqliteTable(
  "webhook_delivery_attempts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    delivery_id: integer("delivery_id").notNull().references(() => webhook_deliveries.id, { onDelete: "cascade" }),
    attempt: integer("attempt").notNull(),
    status_code: integer("status_code"),
    duration_ms: integer("duration_ms").notNull(),
    response_snippet: text("response_snippet"),
    error: text("error"),
    created_at: integer("created_at").notNull(),
  },
  (t) => [index("webhook_delivery_attempts_delivery_idx").on(t.delivery_id)],
);

/** The agent bot connected to an inbox (at most one per inbox). */
export const agent_bot_inboxes = sqliteTable(
  "agent_bot_inboxes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    account_id: integer("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    inbox_id: integer("inbox_id").notNull().references(() => inboxes.id, { onDelete: "cascade" }),
    agent_bot_id: integer("agent_bot_id").notNull().references(() => agent_bots.id, { onDelete: "cascade" }),
    status: text("status", { enum: ["active", "inactive"] }).notNull().default("active"),
    created_at: integer("created_at").notNull(),
    updated_at: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("agent_bot_inboxes_inbox_unique").on(t.inbox_id), index("agent_bot_inboxes_bot_idx").on(t.agent_bot_id)],
);
