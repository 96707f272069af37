import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { accounts, users } from "./accounts.ts";
import { contacts } from "./contacts.ts";
import { conversations, messages } from "./conversations.ts";
import { inboxes } from "./inboxes.ts";

/** An inbox's weekly schedule (Chatwoot's working_hours): one row per day of the week, 0 = Sunday. */
export const working_hours = sqliteTable(
  "working_hours",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    account_id: integer("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    inbox_id: integer("inbox_id").notNull().references(() => inboxes.id, { onDelete: "cascade" }),
    day_of_week: integer("day_of_week").notNull(),
    closed_all_day: integer("closed_all_day", { mode: "boolean" }).notNull().default(false),
    open_all_day: integer("open_all_day", { mode: "boolean" }).notNull().default(false),
    open_hour: integer("open_hour"),
    open_minutes: integer("open_minutes"),
    close_hour: integer("close_hour"),
    close_minutes: integer("close_minutes"),
    created_at: integer("created_at").notNull(),
    updated_at: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("working_hours_inbox_day_unique").on(t.inbox_id, t.day_of_week), index("working_hours_account_idx").on(t.account_id)],
);

/** A contact's answer to a CSAT survey (an input_csat message): a 1–5 rating and optional feedback. */
export const csat_survey_responses = sqliteTable(
  "csat_survey_responses",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    account_id: integer("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    conversation_id: integer("conversation_id").notNull().references(() => conversations.id, { onDelete: "cascade" }),
    message_id: integer("message_id").notNull().references(() => messages.id, { onDelete: "cascade" }),
    contact_id: integer("contact_id").notNull().references(() => contacts.id, { onDelete: "cascade" }),
    assigned_agent_id: integer("assigned_agent_id").references(() => users.id, { onDelete: "set null" }),
    rating: integer("rating").notNull(),
    feedback_message: text("feedback_message"),
    created_at: integer("created_at").notNull(),
    updated_at: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("csat_survey_responses_message_unique").on(t.message_id),
    index("csat_survey_responses_account_created_idx").on(t.account_id, t.created_at),
    index("csat_survey_responses_conversation_idx").on(t.conversation_id),
  ],
);
