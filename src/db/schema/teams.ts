import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { accounts, users } from "./accounts.ts";

export const teams = sqliteTable(
  "teams",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    account_id: integer("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description"),
    allow_auto_assign: integer("allow_auto_assign", { mode: "boolean" }).notNull().default(true),
    created_at: integer("created_at").notNull(),
    updated_at: integer("updated_at").notNull(),
  },
  // Chatwoot keeps team names unique per account, compared case-insensitively (stored downcased).
  (t) => [uniqueIndex("teams_account_name_unique").on(t.account_id, t.name)],
);

export const team_members = sqliteTable(
  "team_members",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    team_id: integer("team_id").notNull().references(() => teams.id, { onDelete: "cascade" }),
    user_id: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    created_at: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("team_members_unique").on(t.team_id, t.user_id), index("team_members_user_idx").on(t.user_id)],
);

