/** @jsxImportSource hono/jsx */
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../deps.ts";
import { resolveAccountScope } from "../domain/accounts/access.ts";
import type { Actor } from "../domain/auth/actor.ts";
import { Records } from "../domain/conversations/records.ts";
import { markNotificationRead, readAllNotifications } from "../domain/notifications/commands.ts";
import { listNotifications, NOTIFICATIONS_PER_PAGE, getOwnNotification } from "../domain/notifications/queries.ts";
import { notificationsJson } from "../domain/notifications/serialize.ts";
import { NotificationsPage, type NotificationItem } from "../../views/pages/notifications/index.tsx";
import { accountPath } from "../../views/layouts/app.tsx";
import { currentUser, render, shellOf, type WebContext } from "./context.ts";

// A bad filter or page in the address falls back to the first page of all notifications.
const listQuery = z.object({
  filter: z.enum(["all", "unread"]).catch("all"),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

const scopeOf = (c: WebContext) => resolveAccountScope(c.var.deps.db, c.get("actor") as Actor, c.var.membership.account_id);

/** /app/accounts/:accountId/notifications — the viewer's own notifications (the same domain as the notifications API). */
export const notificationRoutes = new Hono<AppEnv>()
  .get("/", (c) => {
    const { filter, page } = listQuery.parse(c.req.query());
    const { deps, membership } = c.var;
    const userId = currentUser(c)!.id;
    const found = listNotifications(deps.db, membership.account_id, userId, { page, unreadOnly: filter === "unread" });
    const records = new Records(deps.db, membership.account_id, deps.config.publicUrl);
    const items: NotificationItem[] = notificationsJson(records, found.rows).map((n) => ({
      id: n.id,
      type: n.notification_type,
      title: n.push_message_title,
      body: n.push_message_body,
      read: n.read_at !== null,
      at: n.last_activity_at * 1000,
      conversationId: n.primary_actor?.id ?? null,
      contactName: n.primary_actor?.meta.sender?.name ?? null,
    }));
    const unread = filter === "unread" ? found.count : found.unread_count;
    const view = { filter, page, hasMore: page * NOTIFICATIONS_PER_PAGE < found.count, unread, items, now: deps.clock.now() };
    return render(c, <NotificationsPage shell={shellOf(c, "notifications", "Notifications")} view={view} />);
  })
  // Opening a notification marks it read and goes to its conversation.
  .post("/:id/open", (c) => {
    const id = Number(c.req.param("id"));
    const { deps, membership } = c.var;
    const n = getOwnNotification(deps.db, membership.account_id, currentUser(c)!.id, Number.isSafeInteger(id) ? id : 0);
    deps.tx((tx) => markNotificationRead(tx, scopeOf(c), n.id));
    const conversation =
      n.primary_actor_type === "Conversation"
        ? (deps.db.$client.query("SELECT display_id FROM conversations WHERE id = ?1 AND account_id = ?2").get(n.primary_actor_id, membership.account_id) as { display_id: number } | null)
        : null;
    return c.redirect(accountPath(membership.account_id, conversation ? `conversations/${conversation.display_id}` : "notifications"), 303);
  })
  .post("/read_all", (c) => {
    c.var.deps.tx((tx) => readAllNotifications(tx, scopeOf(c)));
    return c.redirect(accountPath(c.var.membership.account_id, "notifications"), 303);
  });
