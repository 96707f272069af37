import { and, asc, count, desc, eq, getTableColumns, inArray } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { channels, inboxes } from "../../db/schema/inboxes.ts";
import { webhook_deliveries, webhook_delivery_attempts, webhook_events, webhooks } from "../../db/schema/webhooks.ts";
import { NotFound } from "../errors.ts";
import { deliveryJson, webhookJson, type WebhookRow } from "./serialize.ts";

export function getWebhook(db: Db, accountId: number, id: number): WebhookRow {
  const row = db.select().from(webhooks).where(and(eq(webhooks.id, id), eq(webhooks.account_id, accountId))).get();
  if (!row) throw new NotFound("Webhook");
  return row;
}

function inboxInfo(db: Db, accountId: number, inboxId: number | null) {
  if (inboxId == null) return null;
  const row = db
    .select({ id: inboxes.id, name: inboxes.name, channel_type: channels.channel_type })
    .from(inboxes)
    .innerJoin(channels, eq(channels.id, inboxes.channel_id))
    .where(and(eq(inboxes.id, inboxId), eq(inboxes.account_id, accountId)))
    .get();
  return row ?? null;
}

export function webhookView(db: Db, w: WebhookRow) {
  return webhookJson(w, inboxInfo(db, w.account_id, w.inbox_id));
}

export function listWebhooks(db: Db, accountId: number) {
  return db.select().from(webhooks).where(eq(webhooks.account_id, accountId)).orderBy(asc(webhooks.id)).all().map((w) => webhookView(db, w));
}

export const DELIVERIES_PER_PAGE = 25;

/** The webhook's deliveries, newest first, each with its attempts. */
export function listDeliveries(db: Db, accountId: number, webhookId: number, page: number, perPage = DELIVERIES_PER_PAGE) {
  const hook = getWebhook(db, accountId, webhookId);
  const where = and(eq(webhook_deliveries.webhook_id, hook.id), eq(webhook_deliveries.account_id, accountId));
  const total = db.select({ n: count() }).from(webhook_deliveries).where(where).get()?.n ?? 0;
  const rows = db
    .select({ ...getTableColumns(webhook_deliveries), body: webhook_events.body })
    .from(webhook_deliveries)
    .innerJoin(webhook_events, eq(webhook_events.id, webhook_deliveries.event_id))
    .where(where)
    .orderBy(desc(webhook_deliveries.id))
    .limit(perPage)
    .offset((page - 1) * perPage)
    .all();
  const attempts = rows.length
    ? db
        .select()
        .from(webhook_delivery_attempts)
        .where(inArray(webhook_delivery_attempts.delivery_id, rows.map((r) => r.id)))
        .orderBy(asc(webhook_delivery_attempts.id))
        .all()
    : [];
  return {
    deliveries: rows.map((d) => deliveryJson(d, attempts.filter((a) => a.delivery_id === d.id))),
    meta: { current_page: page, per_page: perPage, count: total },
  };
}

export function getDeliveryView(db: Db, accountId: number, deliveryId: number) {
  const d = db
    .select({ ...getTableColumns(webhook_deliveries), body: webhook_events.body })
    .from(webhook_deliveries)
    .innerJoin(webhook_events, eq(webhook_events.id, webhook_deliveries.event_id))
    .where(and(eq(webhook_deliveries.id, deliveryId), eq(webhook_deliveries.account_id, accountId)))
    .get();
  if (!d) throw new NotFound("Delivery");
  const attempts = db.select().from(webhook_delivery_attempts).where(eq(webhook_delivery_attempts.delivery_id, d.id)).orderBy(asc(webhook_delivery_attempts.id)).all();
  return deliveryJson(d, attempts);
}
