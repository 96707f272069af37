import { and, eq, isNotNull, isNull } from "drizzle-orm";
import { notifications, type NOTIFICATION_TYPES } from "../../db/schema/notifications.ts";
import type { Db } from "../../db/client.ts";
import { preparedFor } from "../../db/prepared.ts";
import type { Tx } from "../../db/tx.ts";
import { enqueue } from "../../jobs/queue.ts";
import type { AccountScope } from "../accounts/access.ts";
import type { ConversationRow } from "../conversations/records.ts";
import { Forbidden } from "../errors.ts";
import { getOwnNotification, type NotificationRow } from "./queries.ts";
import { subscriptionOf } from "./settings.ts";

/** The email about a notification, sent if it is still unread when due (notifications/email.ts). */
export const NOTIFICATION_EMAIL_JOB = "notification.email";
/** Chatwoot queues the email 2 minutes after the notification, so one read meanwhile sends nothing. */
export const NOTIFICATION_EMAIL_DELAY_MS = 2 * 60 * 1000;
/**
 * Whether an app on this database sends mail (SMTP configured), told when its job handlers are built. Without SMTP no
 * notification email is queued: the outbox administrators read keeps the mail they may have to pass on by hand
 * (invitations, password resets), not every agent's notifications.
 */
const mailEnabled = new WeakMap<Db, boolean>();
export function setNotificationEmails(db: Db, enabled: boolean): void {
  mailEnabled.set(db, enabled);
}

/** A snoozed notification comes back (unread, on top) when its snooze ends. */
export const NOTIFICATION_UNSNOOZE_JOB = "notification.unsnooze";

export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

// Raw statements: a notification is written with most messages (the assignee's and participants').
export const contactBlocked = preparedFor((db) => db.$client.prepare<{ blocked: number }, [number]>("SELECT blocked FROM contacts WHERE id = ?1"));
const insertNotification = preparedFor((db) =>
  db.$client.prepare<never, [number, number, string, string, number, string | null, number | null, string, number]>(
    `INSERT INTO notifications (account_id, user_id, notification_type, primary_actor_type, primary_actor_id, secondary_actor_type,
       secondary_actor_id, meta, last_activity_at, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?9)`,
  ),
);

/**
 * Chatwoot's NotificationBuilder: a notification for one agent about a conversation, with the message or
 * user that caused it as secondary actor, if the agent is a member of the account who subscribed to its type by
 * email or in-app; an email job follows when they chose email. Blocked contacts' conversations notify only on mentions.
 */
export function notify(
  tx: Tx,
  input: { userId: number; type: NotificationType; conversation: ConversationRow; secondary: { type: "Message" | "User" | "AgentBot" | "SlaPolicy"; id: number } | null },
): NotificationRow | null {
  const c = input.conversation;
  if (input.type !== "conversation_mention" && contactBlocked(tx.db).get(c.contact_id)?.blocked) return null;
  const wants = subscriptionOf(tx.db, c.account_id, input.userId, input.type);
  const byEmail = !!wants?.email && mailEnabled.get(tx.db) === true;
  if (!wants || (!wants.inApp && !byEmail)) return null;
  const row: NotificationRow = {
    id: 0,
    account_id: c.account_id,
    user_id: input.userId,
    notification_type: input.type,
    primary_actor_type: "Conversation",
    primary_actor_id: c.id,
    secondary_actor_type: input.secondary?.type ?? null,
    secondary_actor_id: input.secondary?.id ?? null,
    meta: {},
    read_at: null,
    snoozed_until: null,
    last_activity_at: tx.now,
    created_at: tx.now,
    updated_at: tx.now,
  };
  const { lastInsertRowid } = insertNotification(tx.db).run(
    row.account_id, row.user_id, row.notification_type, row.primary_actor_type, row.primary_actor_id,
    row.secondary_actor_type, row.secondary_actor_id, "{}", tx.now,
  );
  row.id = Number(lastInsertRowid);
  tx.emit("notification.created", { account_id: c.account_id, user_id: input.userId, notification_id: row.id });
  if (byEmail) {
    enqueue(tx, {
      kind: NOTIFICATION_EMAIL_JOB,
      payload: { notification_id: row.id },
      delayMs: NOTIFICATION_EMAIL_DELAY_MS,
      idempotencyKey: `${NOTIFICATION_EMAIL_JOB}:${row.id}`,
      maxAttempts: 5,
    });
  }
  return row;
}

const inboxMemberIds = preparedFor((db) =>
  db.$client.prepare<{ user_id: number }, [number]>("SELECT user_id FROM inbox_members WHERE inbox_id = ?1 ORDER BY user_id"),
);

/**
 * Chatwoot's NotificationListener#conversation_created / #conversation_bot_handoff: every member of the inbox hears
 * of a new conversation (not while it is pending with a bot; when the bot hands it over, they hear then).
 */
export function notifyConversationCreated(tx: Tx, conversation: ConversationRow): void {
  if (conversation.status === "pending") return;
  for (const { user_id } of inboxMemberIds(tx.db).all(conversation.inbox_id)) {
    notify(tx, { userId: user_id, type: "conversation_creation", conversation, secondary: null });
  }
}

function requireUserScope(scope: AccountScope): number {
  if (scope.userId === null) throw new Forbidden();
  return scope.userId;
}

function touch(tx: Tx, n: NotificationRow, patch: Partial<NotificationRow>): NotificationRow {
  const row = tx.db
    .update(notifications)
    .set({ ...patch, updated_at: tx.now })
    .where(eq(notifications.id, n.id))
    .returning()
    .get();
  // Only their user reads, snoozes or deletes a notification: they are the performer.
  tx.emit("notification.updated", { account_id: n.account_id, user_id: n.user_id, notification_id: n.id, performer: { type: "User", id: n.user_id } });
  return row;
}

/** PATCH /notifications/{id}: read (and no longer snoozed). */
export function markNotificationRead(tx: Tx, scope: AccountScope, id: number): NotificationRow {
  const n = getOwnNotification(tx.db, scope.account.id, requireUserScope(scope), id);
  return touch(tx, n, { read_at: tx.now, snoozed_until: null });
}

export function markNotificationUnread(tx: Tx, scope: AccountScope, id: number): NotificationRow {
  const n = getOwnNotification(tx.db, scope.account.id, requireUserScope(scope), id);
  return touch(tx, n, { read_at: null });
}

/** POST /notifications/{id}/snooze: hidden until `until`, then back unread (a job due then; see unsnoozeNotification). */
export function snoozeNotification(tx: Tx, scope: AccountScope, id: number, until: number): NotificationRow {
  const n = getOwnNotification(tx.db, scope.account.id, requireUserScope(scope), id);
  const row = touch(tx, n, { snoozed_until: until, meta: { ...n.meta, last_snoozed_at: null } });
  enqueue(tx, {
    kind: NOTIFICATION_UNSNOOZE_JOB,
    payload: { notification_id: n.id, snoozed_until: until },
    delayMs: Math.max(0, until - tx.now),
    idempotencyKey: `${NOTIFICATION_UNSNOOZE_JOB}:${n.id}:${until}`,
    maxAttempts: 5,
  });
  return row;
}

/**
 * The snooze job (Chatwoot's ReopenSnoozedNotificationsJob): a notification still snoozed until that time comes
 * back unread, on top (last activity now), remembering when its snooze ended. A snooze changed or lifted
 * meanwhile, or a deleted notification, leaves nothing to do.
 */
export function unsnoozeNotification(tx: Tx, notificationId: number, snoozedUntil: number): NotificationRow | null {
  const n = tx.db.select().from(notifications).where(eq(notifications.id, notificationId)).get();
  if (!n || n.snoozed_until !== snoozedUntil) return null;
  const row = tx.db
    .update(notifications)
    .set({ snoozed_until: null, read_at: null, last_activity_at: tx.now, updated_at: tx.now, meta: { ...n.meta, last_snoozed_at: snoozedUntil } })
    .where(eq(notifications.id, n.id))
    .returning()
    .get();
  tx.emit("notification.updated", { account_id: n.account_id, user_id: n.user_id, notification_id: n.id });
  return row;
}

export function deleteNotification(tx: Tx, scope: AccountScope, id: number): void {
  const n = getOwnNotification(tx.db, scope.account.id, requireUserScope(scope), id);
  tx.db.delete(notifications).where(eq(notifications.id, n.id)).run();
  tx.emit("notification.deleted", { account_id: n.account_id, user_id: n.user_id, notification_id: n.id, performer: { type: "User", id: n.user_id } });
}

/** POST /notifications/destroy_all: every notification of the user in the account, or only the read ones. */
export function destroyAllNotifications(tx: Tx, scope: AccountScope, onlyRead: boolean): number {
  const userId = requireUserScope(scope);
  const rows = tx.db
    .delete(notifications)
    .where(
      and(
        eq(notifications.account_id, scope.account.id),
        eq(notifications.user_id, userId),
        onlyRead ? isNotNull(notifications.read_at) : undefined,
      ),
    )
    .returning({ id: notifications.id })
    .all();
  for (const r of rows) tx.emit("notification.deleted", { account_id: scope.account.id, user_id: userId, notification_id: r.id, performer: { type: "User", id: userId } });
  return rows.length;
}

/** POST /notifications/read_all, optionally only those about one conversation. */
export function readAllNotifications(tx: Tx, scope: AccountScope, conversationId?: number): number {
  const userId = requireUserScope(scope);
  const rows = tx.db
    .update(notifications)
    .set({ read_at: tx.now, updated_at: tx.now })
    .where(
      and(
        eq(notifications.account_id, scope.account.id),
        eq(notifications.user_id, userId),
        isNull(notifications.read_at),
        conversationId !== undefined ? and(eq(notifications.primary_actor_type, "Conversation"), eq(notifications.primary_actor_id, conversationId)) : undefined,
      ),
    )
    .returning({ id: notifications.id })
    .all();
  for (const r of rows) tx.emit("notification.updated", { account_id: scope.account.id, user_id: userId, notification_id: r.id, performer: { type: "User", id: userId } });
  return rows.length;
}
