import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { accounts, users } from "./accounts.ts";

export const ATTRIBUTE_MODELS = ["conversation_attribute", "contact_attribute"] as const;
export const ATTRIBUTE_DISPLAY_TYPES = ["text", "number", "currency", "percent", "link", "date", "list", "checkbox"] as const;
export type AttributeModel = (typeof ATTRIBUTE_MODELS)[number];
export type AttributeDisplayType = (typeof ATTRIBUTE_DISPLAY_TYPES)[number];

/** Chatwoot's custom_attribute_definitions: a typed custom attribute of contacts or conversations. */
export const customAttributeDefinitions = sqliteTable(
  "custom_attribute_definitions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    account_id: integer("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    attribute_display_name: text("attribute_display_name").notNull(),
    attribute_key: text("attribute_key").notNull(),
    attribute_model: text("attribute_model", { enum: ATTRIBUTE_MODELS }).notNull(),
    attribute_display_type: text("attribute_display_type", { enum: ATTRIBUTE_DISPLAY_TYPES }).notNull(),
    attribute_description: text("attribute_description"),
    /** List options (display type list). */
    attribute_values: text("attribute_values", { mode: "json" }).$type<string[]>().notNull(),
    regex_pattern: text("regex_pattern"),
    regex_cue: text("regex_cue"),
    default_value: text("default_value"),
    position: integer("position").notNull().default(0),
    created_at: integer("created_at").notNull(),
    updated_at: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("custom_attribute_definitions_key_unique").on(t.account_id, t.attribute_model, t.attribute_key)],
);

export const CUSTOM_FILTER_TYPES = ["conversation", "contact", "report"] as const;
export type CustomFilterType = (typeof CUSTOM_FILTER_TYPES)[number];

/** Chatwoot's custom_filters: a user's saved view (a filter payload under `query.payload`). */
export const customFilters = sqliteTable(
  "custom_filters",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    account_id: integer("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    user_id: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    filter_type: text("filter_type", { enum: CUSTOM_FILTER_TYPES }).notNull(),
    query: text("query", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    created_at: integer("created_at").notNull(),
    updated_at: integer("updated_at").notNull(),
  },
  (t) => [index("custom_filters_account_user_idx").on(t.account_id, t.user_id, t.filter_type)],
);
