import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const timestamps = {
  created_at: integer("created_at").notNull(),
  updated_at: integer("updated_at").notNull(),
};

export const accounts = sqliteTable("accounts", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull(),
  locale: text("locale").notNull().default("en"),
  domain: text("domain"),
  support_email: text("support_email"),
  status: text("status", { enum: ["active", "suspended"] }).notNull().default("active"),
  auto_resolve_duration: integer("auto_resolve_duration"),
  settings: text("settings", { mode: "json" }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
  custom_attributes: text("custom_attributes", { mode: "json" }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
  /** Per-account feature switches that differ from the defaults ({ name: on }). */
  feature_flags: text("feature_flags", { mode: "json" }).$type<Record<string, boolean>>().notNull().default(sql`'{}'`),
  /** Chatwoot's account limits, e.g. { agents: 5, inboxes: 10 }. */
  limits: text("limits", { mode: "json" }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
  ...timestamps,
});

export const users = sqliteTable(
  "users",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    name: text("name").notNull(),
    display_name: text("display_name"),
    email: text("email").notNull(),
    encrypted_password: text("encrypted_password"),
    avatar_url: text("avatar_url"),
    message_signature: text("message_signature"),
    confirmed_at: integer("confirmed_at"),
    pubsub_token: text("pubsub_token").notNull(),
    /** Bumped when the password changes: sessions and links signed before it stop working. */
    password_changed_at: integer("password_changed_at"),
    type: text("type", { enum: ["SuperAdmin"] }),
    ui_settings: text("ui_settings", { mode: "json" }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
    custom_attributes: text("custom_attributes", { mode: "json" }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
    ...timestamps,
  },
  (t) => [uniqueIndex("users_email_unique").on(t.email), uniqueIndex("users_pubsub_token_unique").on(t.pubsub_token)],
);

export const ROLES = ["agent", "administrator"] as const;
export const AVAILABILITIES = ["online", "busy", "offline"] as const;
export type Role = (typeof ROLES)[number];
export type Availability = (typeof AVAILABILITIES)[number];

export const account_users = sqliteTable(
  "account_users",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    account_id: integer("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    user_id: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: ROLES }).notNull().default("agent"),
    availability: text("availability", { enum: AVAILABILITIES }).notNull().default("offline"),
    auto_offline: integer("auto_offline", { mode: "boolean" }).notNull().default(true),
    inviter_id: integer("inviter_id").references(() => users.id, { onDelete: "set null" }),
    /** When set, the custom role's permissions replace the built-in role's. */
    custom_role_id: integer("custom_role_id").references(() => custom_roles.id, { onDelete: "set null" }),
    active_at: integer("active_at"),
    ...timestamps,
  },
  (t) => [uniqueIndex("account_users_account_user_unique").on(t.account_id, t.user_id), index("account_users_user_idx").on(t.user_id)],
);

export const PERMISSIONS = [
  "conversation_manage",
  "conversation_unassigned_manage",
  "conversation_participating_manage",
  "contact_manage",
  "report_manage",
  "knowledge_base_manage",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const custom_roles = sqliteTable(
  "custom_roles",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    account_id: integer("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description"),
    permissions: text("permissions", { mode: "json" }).$type<Permission[]>().notNull(),
    created_at: integer("created_at").notNull(),
    updated_at: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("custom_roles_account_name_unique").on(t.account_id, t.name)],
);

/** API tokens, as in Chatwoot: owned by a User or an AgentBot. */
export const access_tokens = sqliteTable(
  "access_tokens",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    owner_type: text("owner_type", { enum: ["User", "AgentBot"] }).notNull(),
    owner_id: integer("owner_id").notNull(),
    token: text("token").notNull(),
    /** SHA-256 of the token: lookups go through the digest so index timing reveals nothing about the token. */
    token_digest: text("token_digest").notNull(),
    ...timestamps,
  },
  (t) => [uniqueIndex("access_tokens_digest_unique").on(t.token_digest), uniqueIndex("access_tokens_owner_unique").on(t.owner_type, t.owner_id)],
);

/** Dashboard sessions. The cookie carries a random token; only its SHA-256 is stored. */
export const sessions = sqliteTable(
  "sessions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    token_hash: text("token_hash").notNull(),
    user_id: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    account_id: integer("account_id").references(() => accounts.id, { onDelete: "set null" }),
    ip: text("ip"),
    user_agent: text("user_agent"),
    expires_at: integer("expires_at").notNull(),
    last_seen_at: integer("last_seen_at").notNull(),
    created_at: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("sessions_token_hash_unique").on(t.token_hash), index("sessions_user_idx").on(t.user_id)],
);

/** Ids (jti) of signed single-use links that were already used (password reset, SSO login). */
export const used_tokens = sqliteTable("used_tokens", {
  jti: text("jti").primaryKey(),
  purpose: text("purpose").notNull(),
  expires_at: integer("expires_at").notNull(),
  used_at: integer("used_at").notNull(),
});
