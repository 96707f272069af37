import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { accounts, users } from "./accounts.ts";

/** Canned responses: a short code an agent types after `/` in the reply box, and the text it inserts. */
export const cannedResponses = sqliteTable(
  "canned_responses",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    account_id: integer("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    short_code: text("short_code").notNull(),
    content: text("content").notNull(),
    created_at: integer("created_at").notNull(),
    updated_at: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("canned_responses_account_code_unique").on(t.account_id, t.short_code)],
);

/** Dashboard apps: pages shown in an iframe tab of the conversation pane (Chatwoot's content `[{type: "frame", url}]`). */
export const dashboardApps = sqliteTable(
  "dashboard_apps",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    account_id: integer("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    user_id: integer("user_id").references(() => users.id, { onDelete: "set null" }),
    title: text("title").notNull(),
    content: text("content", { mode: "json" }).$type<{ type: "frame"; url: string }[]>().notNull(),
    created_at: integer("created_at").notNull(),
    updated_at: integer("updated_at").notNull(),
  },
  (t) => [index("dashboard_apps_account_idx").on(t.account_id)],
);

export const CONTACT_IMPORT_STATUSES = ["pending", "running", "completed", "failed"] as const;

/** A CSV import of contacts, run by a background job in batches; progress and counts are kept here. */
export const contactImports = sqliteTable(
  "contact_imports",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    account_id: integer("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    user_id: integer("user_id").references(() => users.id, { onDelete: "set null" }),
    status: text("status", { enum: CONTACT_IMPORT_STATUSES }).notNull().default("pending"),
    file_name: text("file_name").notNull(),
    /** The uploaded CSV, kept until the import completes. */
    data: text("data"),
    total_rows: integer("total_rows").notNull().default(0),
    processed_rows: integer("processed_rows").notNull().default(0),
    created_count: integer("created_count").notNull().default(0),
    updated_count: integer("updated_count").notNull().default(0),
    failed_count: integer("failed_count").notNull().default(0),
    error: text("error"),
    created_at: integer("created_at").notNull(),
    updated_at: integer("updated_at").notNull(),
    completed_at: integer("completed_at"),
  },
  (t) => [index("contact_imports_account_idx").on(t.account_id, t.id)],
);

/** One rejected row of a contact import: its line in the file, the field at fault and why. */
export const contactImportErrors = sqliteTable(
  "contact_import_errors",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    import_id: integer("import_id").notNull().references(() => contactImports.id, { onDelete: "cascade" }),
    row_number: integer("row_number").notNull(),
    field: text("field"),
    message: text("message").notNull(),
  },
  (t) => [index("contact_import_errors_import_idx").on(t.import_id, t.row_number)],
);
