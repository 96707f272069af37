import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../deps.ts";
import { deleteNotification, destroyAllNotifications, markNotificationRead, markNotificationUnread, readAllNotifications, snoozeNotification } from "../../../domain/notifications/commands.ts";
import { listNotifications, unreadNotificationCount } from "../../../domain/notifications/queries.ts";
import { notificationRecordJson, notificationsJson } from "../../../domain/notifications/serialize.ts";
import { requireUser } from "../../middleware/auth.ts";
import { idParam, parseWith, readBody } from "../../validate.ts";
import { id, recordsFor, timestamp } from "./conversation-params.ts";

const listQuery = z.object({
  page: z.coerce.number({ error: "must be a positive integer" }).int().min(1).max(1_000_000).optional(),
  includes: z.array(z.enum(["snoozed", "read"])).optional(),
  sort_order: z.enum(["asc", "desc"]).optional(),
});

/** /api/v1/accounts/:account_id/notifications — the acting user's own notifications in the account. */
export const notificationRoutes = new Hono<AppEnv>()
  .get("/", (c) => {
    const user = requireUser(c.var.actor);
    const q = parseWith(listQuery, { ...c.req.query(), includes: c.req.queries("includes[]") ?? c.req.queries("includes") });
    const page = listNotifications(c.var.deps.db, c.var.scope.account.id, user.id, q);
    return c.json({
      data: { meta: { unread_count: page.unread_count, count: page.count, current_page: page.page }, payload: notificationsJson(recordsFor(c), page.rows) },
    });
  })
  .get("/unread_count", (c) => c.json(unreadNotificationCount(c.var.deps.db, c.var.scope.account.id, requireUser(c.var.actor).id)))
  .post("/read_all", async (c) => {
    const body = await readBody(c, z.object({ primary_actor_type: z.string().max(40).optional(), primary_actor_id: id.optional() }));
    const conversationId = body.primary_actor_type === "Conversation" ? body.primary_actor_id : undefined;
    c.var.deps.tx((tx) => readAllNotifications(tx, c.var.scope, conversationId));
    return c.body(null, 200);
  })
  // Every notification of the user in the account, or only the read ones (type=read).
  .on(["POST", "DELETE"], "/destroy_all", async (c) => {
    const body = c.req.method === "POST" ? await readBody(c, z.object({ type: z.string().max(20).optional() })) : {};
    const type = body.type ?? c.req.query("type");
    c.var.deps.tx((tx) => destroyAllNotifications(tx, c.var.scope, type === "read"));
    return c.body(null, 200);
  })
  .on(["PATCH", "PUT"], "/:id", (c) => {
    const nid = idParam(c, "id");
    return c.json(notificationRecordJson(c.var.deps.tx((tx) => markNotificationRead(tx, c.var.scope, nid))));
  })
  .post("/:id/unread", (c) => {
    const nid = idParam(c, "id");
    return c.json(notificationRecordJson(c.var.deps.tx((tx) => markNotificationUnread(tx, c.var.scope, nid))));
  })
  .post("/:id/snooze", async (c) => {
    const nid = idParam(c, "id");
    const body = await readBody(c, z.object({ snoozed_until: timestamp }));
    return c.json(notificationRecordJson(c.var.deps.tx((tx) => snoozeNotification(tx, c.var.scope, nid, body.snoozed_until))));
  })
  .delete("/:id", (c) => {
    const nid = idParam(c, "id");
    c.var.deps.tx((tx) => deleteNotification(tx, c.var.scope, nid));
    return c.body(null, 200);
  });
