import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { accounts } from "./accounts.ts";

export const labels = sqliteTable(
  "labels",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    account_id: integer("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    /** Lower-case, no spaces (Chatwoot's rule), unique per account. */
    title: text("title").notNull(),
    description: text("description"),
    color: text("color").notNull().default("#1f93ff"),
    show_on_sidebar: integer("show_on_sidebar", { mode: "boolean" }).notNull().default(true),
    created_at: integer("created_at").notNull(),
    updated_at: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("labels_account_title_unique").on(t.account_id, t.title)],
);

/** A label on a conversation or a contact (Chatwoot's taggings), by title as Chatwoot stores it. */
export const taggings = sqliteTable(
  "taggings",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    account_id: integer("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    taggable_type: text("taggable_type", { enum: ["Conversation", "Contact"] }).notNull(),
    taggable_id: integer("taggable_id").notNull(),
    label: text("label").notNull(),
    created_at: integer("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("taggings_unique").on(t.taggable_type, t.taggable_id, t.label),
    index("taggings_account_label_idx").on(t.account_id, t.taggable_type, t.label),
  ],
);
