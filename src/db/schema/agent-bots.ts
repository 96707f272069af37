import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { accounts } from "./accounts.ts";

export const agent_bots = sqliteTable(
  "agent_bots",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** Null for a bot provisioned through the Platform API and shared by every account. */
    account_id: integer("account_id").references(() => accounts.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description"),
    outgoing_url: text("outgoing_url"),
    avatar_url: text("avatar_url"),
    bot_type: text("bot_type").notNull().default("webhook"),
    /** Signs the events POSTed to outgoing_url (X-Chatwoot-Signature), like a webhook secret. */
    secret: text("secret").notNull().default(""),
    bot_config: text("bot_config", { mode: "json" }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
    created_at: integer("created_at").notNull(),
    updated_at: integer("updated_at").notNull(),
  },
  (t) => [index("agent_bots_account_idx").on(t.account_id)],
);
