import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { accounts, users } from "./accounts.ts";
import { inboxes } from "./inboxes.ts";

export const CONTACT_TYPES = ["visitor", "lead", "customer"] as const;

export const contacts = sqliteTable(
  "contacts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    account_id: integer("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    name: text("name").notNull().default(""),
    middle_name: text("middle_name"),
    last_name: text("last_name"),
    /** Stored lower-cased; unique per account. */
    email: text("email"),
    phone_number: text("phone_number"),
    /** The integrator's own id for the person (Chatwoot's `identifier`); unique per account. */
    identifier: text("identifier"),
    avatar_url: text("avatar_url"),
    location: text("location"),
    country_code: text("country_code"),
    contact_type: text("contact_type", { enum: CONTACT_TYPES }).notNull().default("visitor"),
    blocked: integer("blocked", { mode: "boolean" }).notNull().default(false),
    additional_attributes: text("additional_attributes", { mode: "json" }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
    custom_attributes: text("custom_attributes", { mode: "json" }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
    last_activity_at: integer("last_activity_at"),
    created_at: integer("created_at").notNull(),
    updated_at: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("contacts_account_email_unique").on(t.account_id, t.email).where(sql`email IS NOT NULL`),
    uniqueIndex("contacts_account_identifier_unique").on(t.account_id, t.identifier).where(sql`identifier IS NOT NULL`),
    index("contacts_account_phone_idx").on(t.account_id, t.phone_number),
    index("contacts_account_activity_idx").on(t.account_id, t.last_activity_at),
    index("contacts_account_name_idx").on(t.account_id, t.name),
  ],
);

/** A contact's session in one inbox (Chatwoot's contact_inboxes): the source_id is how the channel knows them. */
export const contact_inboxes = sqliteTable(
  "contact_inboxes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    contact_id: integer("contact_id").notNull().references(() => contacts.id, { onDelete: "cascade" }),
    inbox_id: integer("inbox_id").notNull().references(() => inboxes.id, { onDelete: "cascade" }),
    source_id: text("source_id").notNull(),
    hmac_verified: integer("hmac_verified", { mode: "boolean" }).notNull().default(false),
    pubsub_token: text("pubsub_token").notNull(),
    created_at: integer("created_at").notNull(),
    updated_at: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("contact_inboxes_inbox_source_unique").on(t.inbox_id, t.source_id),
    uniqueIndex("contact_inboxes_pubsub_unique").on(t.pubsub_token),
    index("contact_inboxes_contact_idx").on(t.contact_id),
  ],
);

/** Agents' notes on a contact. */
export const notes = sqliteTable(
  "notes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    account_id: integer("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    contact_id: integer("contact_id").notNull().references(() => contacts.id, { onDelete: "cascade" }),
    user_id: integer("user_id").references(() => users.id, { onDelete: "set null" }),
    content: text("content").notNull(),
    created_at: integer("created_at").notNull(),
    updated_at: integer("updated_at").notNull(),
  },
  (t) => [index("notes_contact_idx").on(t.contact_id)],
);
