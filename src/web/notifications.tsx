/** @jsxImportSource hono/jsx */
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../deps.ts";
import { resolveAccountScope } from "../domain/accounts/access.ts";
import type { Actor } from "../domain/auth/actor.ts";
import { Records } from "../domain/conversations/records.ts";
import {
  deleteNotification,
  markNotificationRead,
  markNotificationUnread,
  readAllNotifications,
  snoozeNotification,
} from "../domain/notifications/commands.ts";
import { listNotifications, NOTIFICATIONS_PER_PAGE, getOwnNotification } from "../domain/notifications/queries.ts";
import { notificationsJson } from "../domain/notifications/serialize.ts";
import { NotificationsPage, type NotificationItem } from "../../views/pages/notifications/index.tsx";
import { accountPath } from "../../views/layouts/app.tsx";
import { currentUser, render, shellOf, type WebContext } from "./context.ts";
import { readForm } from "./forms.ts";
import { snoozePresetUntil } from "./workspace/conversation.tsx";

// A bad filter or page in the address falls back to the first page of all notifications.
const listQuery = z.object({
  filter: z.enum(["all", "unread"]).catch("all"),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

const scopeOf = (c: WebContext) => resolveAccountScope(c.var.deps.db, c.get("actor") as Actor, c.var.membership.account_id);

// Row actions come back to the page they were taken on (`back`: this account's notifications page only).
const backField = z.string().max(300).optional().catch(undefined);
const actionForm = z.object({ back: backField });
const snoozeForm = z.object({
  back: backField,
  snooze: z.enum(["hour", "tomorrow", "next_week"], { error: "must be hour, tomorrow or next_week" }),
  tz_offset: z.coerce.number().int().min(-840).max(840).catch(0),
});

function backTo(c: WebContext, back: string | undefined) {
  const page = accountPath(c.var.membership.account_id, "notifications");
  const ok = back !== undefined && (back === page || back.startsWith(`${page}?`)) && !/[\s\\]/.test(back);
  return c.redirect(ok ? back : page, 303);
}

function idOf(c: WebContext): number {
  const id = Number(c.req.param("id"));
  return Number.isSafeInteger(id) && id > 0 ? id : 0;
}

/** /app/accounts/:accountId/notifications — the viewer's own notifications (the same domain as the notifications API). */
export const notificationRoutes = new Hono<AppEnv>()
  .get("/", (c) => {
    const { filter, page } = listQuery.parse(c.req.query());
    const { deps, membership } = c.var;
    const userId = currentUser(c)!.id;
    const found = listNotifications(deps.db, membership.account_id, userId, { page, includes: filter === "unread" ? [] : ["read"] });
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
    const { deps, membership } = c.var;
    const n = getOwnNotification(deps.db, membership.account_id, currentUser(c)!.id, idOf(c));
    deps.tx((tx) => markNotificationRead(tx, scopeOf(c), n.id));
    const conversation =
      n.primary_actor_type === "Conversation"
        ? (deps.db.$client.query("SELECT display_id FROM conversations WHERE id = ?1 AND account_id = ?2").get(n.primary_actor_id, membership.account_id) as { display_id: number } | null)
        : null;
    return c.redirect(accountPath(membership.account_id, conversation ? `conversations/${conversation.display_id}` : "notifications"), 303);
  })
  .post("/:id/read", async (c) => {
    const form = await readForm(c, actionForm);
    c.var.deps.tx((tx) => markNotificationRead(tx, scopeOf(c), idOf(c)));
    return backTo(c, form.back);
  })
  .post("/:id/unread", async (c) => {
    const form = await readForm(c, actionForm);
    c.var.deps.tx((tx) => markNotificationUnread(tx, scopeOf(c), idOf(c)));
    return backTo(c, form.back);
  })
  .post("/:id/snooze", async (c) => {
    const form = await readForm(c, snoozeForm);
    const until = snoozePresetUntil(form.snooze, c.var.deps.clock.now(), form.tz_offset);
    c.var.deps.tx((tx) => snoozeNotification(tx, scopeOf(c), idOf(c), until));
    return backTo(c, form.back);
  })
  .post("/:id/delete", async (c) => {
    const form = await readForm(c, actionForm);
    c.var.deps.tx((tx) => deleteNotification(tx, scopeOf(c), idOf(c)));
    return backTo(c, form.back);
  })
  .post("/read_all", (c) => {
    c.var.deps.tx((tx) => readAllNotifications(tx, scopeOf(c)));
    return c.redirect(accountPath(c.var.membership.account_id, "notifications"), 303);
  });
