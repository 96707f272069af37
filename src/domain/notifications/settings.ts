import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { preparedFor } from "../../db/prepared.ts";
import { NOTIFICATION_TYPES, notification_settings } from "../../db/schema/notifications.ts";
import type { Tx } from "../../db/tx.ts";
import type { AccountScope } from "../accounts/access.ts";
import { Forbidden, Validation } from "../errors.ts";

/** Chatwoot's flag names: the notification type prefixed by the medium (`email_conversation_creation`). */
export const ALL_EMAIL_FLAGS = NOTIFICATION_TYPES.map((t) => `email_${t}`);
export const ALL_PUSH_FLAGS = NOTIFICATION_TYPES.map((t) => `push_${t}`);

/**
 * What a member has until they save their own preferences. Email: assignments only (Chatwoot's
 * AccountUser#create_notification_setting). In-app (the push flags, see docs/decisions.md): everything but new
 * conversations, which would put every conversation of every inbox in every member's notification centre.
 */
export const DEFAULT_EMAIL: string[] = ["email_conversation_assignment"];
export const DEFAULT_PUSH: string[] = ALL_PUSH_FLAGS.filter((f) => f !== "push_conversation_creation");

export type Subscription = { inApp: boolean; email: boolean };

// One indexed row per notification on the message-create hot path: membership and settings together. No membership
// row = the user left the account (an assignee or participant may outlive their membership): not notified.
const subscriptionRow = preparedFor((db) =>
  db.$client.prepare<{ email_flags: string | null; push_flags: string | null; has_row: number }, [number, number]>(
    `SELECT ns.email_flags, ns.push_flags, ns.id IS NOT NULL AS has_row FROM account_users au
       LEFT JOIN notification_settings ns ON ns.account_id = au.account_id AND ns.user_id = au.user_id
     WHERE au.account_id = ?1 AND au.user_id = ?2`,
  ),
);

function parseFlags(json: string | null): string[] {
  try {
    const v = JSON.parse(json ?? "[]");
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
}

/**
 * Chatwoot's NotificationBuilder#user_subscribed_to_notification?, per medium: whether the user wants this type
 * in the notification centre (push flag) and by email. Null when they are not a member of the account.
 */
export function subscriptionOf(db: Db, accountId: number, userId: number, type: string): Subscription | null {
  const row = subscriptionRow(db).get(accountId, userId);
  if (!row) return null;
  const email = row.has_row ? parseFlags(row.email_flags) : DEFAULT_EMAIL;
  const push = row.has_row ? parseFlags(row.push_flags) : DEFAULT_PUSH;
  return { inApp: push.includes(`push_${type}`), email: email.includes(`email_${type}`) };
}

export type NotificationSettings = {
  id: number | null;
  user_id: number;
  account_id: number;
  selected_email_flags: string[];
  selected_push_flags: string[];
};

function userOf(scope: AccountScope): number {
  if (scope.userId === null) throw new Forbidden("Only users have notification settings");
  return scope.userId;
}

function rowOf(db: Db, accountId: number, userId: number) {
  return db
    .select()
    .from(notification_settings)
    .where(and(eq(notification_settings.account_id, accountId), eq(notification_settings.user_id, userId)))
    .get();
}

/** The acting user's notification settings in the account (the defaults until they save their own). */
export function getNotificationSettings(db: Db, scope: AccountScope): NotificationSettings {
  const userId = userOf(scope);
  const row = rowOf(db, scope.account.id, userId);
  return {
    id: row?.id ?? null,
    user_id: userId,
    account_id: scope.account.id,
    selected_email_flags: row ? row.email_flags : DEFAULT_EMAIL,
    selected_push_flags: row ? row.push_flags : DEFAULT_PUSH,
  };
}

function checkFlags(field: string, flags: string[], allowed: string[]): string[] {
  const unknown = flags.filter((f) => !allowed.includes(f));
  if (unknown.length) throw Validation.field(field, `contains unknown flags: ${unknown.join(", ")}`);
  return allowed.filter((f) => flags.includes(f));
}

/** PATCH /notification_settings: replaces the selected flags of each medium given; the other medium is kept. */
export function updateNotificationSettings(
  tx: Tx,
  scope: AccountScope,
  input: { selected_email_flags?: string[]; selected_push_flags?: string[] },
): NotificationSettings {
  const userId = userOf(scope);
  const current = getNotificationSettings(tx.db, scope);
  const email = input.selected_email_flags === undefined ? current.selected_email_flags : checkFlags("selected_email_flags", input.selected_email_flags, ALL_EMAIL_FLAGS);
  const push = input.selected_push_flags === undefined ? current.selected_push_flags : checkFlags("selected_push_flags", input.selected_push_flags, ALL_PUSH_FLAGS);
  tx.db
    .insert(notification_settings)
    .values({ account_id: scope.account.id, user_id: userId, email_flags: email, push_flags: push, created_at: tx.now, updated_at: tx.now })
    .onConflictDoUpdate({ target: [notification_settings.account_id, notification_settings.user_id], set: { email_flags: email, push_flags: push, updated_at: tx.now } })
    .run();
  return getNotificationSettings(tx.db, scope);
}

/** Chatwoot's notification_settings/show.json. */
export function serializeNotificationSettings(s: NotificationSettings) {
  return {
    id: s.id,
    user_id: s.user_id,
    account_id: s.account_id,
    all_email_flags: ALL_EMAIL_FLAGS,
    selected_email_flags: s.selected_email_flags,
    all_push_flags: ALL_PUSH_FLAGS,
    selected_push_flags: s.selected_push_flags,
  };
}
