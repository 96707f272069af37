import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { preparedFor } from "../../db/prepared.ts";
import { notifications } from "../../db/schema/notifications.ts";
import { NotFound } from "../errors.ts";

export type NotificationRow = typeof notifications.$inferSelect;

export const NOTIFICATIONS_PER_PAGE = 15;

/** The acting user's own notification in the account; anyone else's is not found. */
export function getOwnNotification(db: Db, accountId: number, userId: number, id: number): NotificationRow {
  const n = db
    .select()
    .from(notifications)
    .where(and(eq(notifications.id, id), eq(notifications.account_id, accountId), eq(notifications.user_id, userId)))
    .get();
  if (!n) throw new NotFound("Notification");
  return n;
}

export type NotificationListParams = { page?: number; includes?: string[]; sort_order?: "asc" | "desc" };

/** Chatwoot's NotificationFinder filters: read and snoozed notifications are left out unless `includes` names them. */
function baseWhere(accountId: number, userId: number, p: NotificationListParams) {
  return and(
    eq(notifications.account_id, accountId),
    eq(notifications.user_id, userId),
    p.includes?.includes("snoozed") ? undefined : isNull(notifications.snoozed_until),
    p.includes?.includes("read") ? undefined : isNull(notifications.read_at),
  );
}

/** Chatwoot's NotificationFinder: 15 a page by last activity; read and snoozed ones only when asked for. */
export function listNotifications(db: Db, accountId: number, userId: number, p: NotificationListParams) {
  const where = baseWhere(accountId, userId, p);
  const counts = db
    .select({ count: sql<number>`count(*)`, unread: sql<number>`coalesce(sum(${notifications.read_at} IS NULL), 0)` })
    .from(notifications)
    .where(where)
    .get()!;
  const page = p.page ?? 1;
  const order = p.sort_order === "asc" ? [notifications.last_activity_at, notifications.id] : [desc(notifications.last_activity_at), desc(notifications.id)];
  const rows = db
    .select()
    .from(notifications)
    .where(where)
    .orderBy(...order)
    .limit(NOTIFICATIONS_PER_PAGE)
    .offset((page - 1) * NOTIFICATIONS_PER_PAGE)
    .all();
  return { rows, count: counts.count, unread_count: counts.unread, page };
}

export function unreadNotificationCount(db: Db, accountId: number, userId: number): number {
  return db
    .select({ n: sql<number>`count(*)` })
    .from(notifications)
    .where(and(baseWhere(accountId, userId, {}), isNull(notifications.read_at)))
    .get()!.n;
}

const unreadCapped = preparedFor((db) =>
  db.$client.prepare<{ n: number }, [number, number]>(
    `SELECT count(*) AS n FROM (SELECT 1 FROM notifications
       WHERE account_id = ?1 AND user_id = ?2 AND read_at IS NULL AND snoozed_until IS NULL LIMIT 100)`,
  ),
);

/** Unread notifications for the dashboard's badge, counted up to 100 (every page shows it; the badge says 99+). */
export function unreadNotificationBadge(db: Db, accountId: number, userId: number): number {
  return unreadCapped(db).get(accountId, userId)!.n;
}
