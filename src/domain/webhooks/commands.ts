// Account webhooks: create, update (including enabling again after an automatic disable), delete, rotate secret,
// redeliver. Administrators only.
import { and, eq, ne } from "drizzle-orm";
import { inboxes } from "../../db/schema/inboxes.ts";
import type { Tx } from "../../db/tx.ts";
import { randomToken } from "../../lib/ids.ts";
import { requireAdministrator, type AccountScope } from "../accounts/access.ts";
import { NotFound, Validation } from "../errors.ts";
import { webhook_deliveries, webhooks } from "../../db/schema/webhooks.ts";
import { enqueueRedelivery } from "./fanout.ts";
import { WEBHOOK_EVENTS } from "./payloads.ts";
import { getWebhook } from "./queries.ts";
import type { WebhookRow } from "./serialize.ts";

/** Chatwoot's column default: what a webhook created without subscriptions listens to. */
export const DEFAULT_SUBSCRIPTIONS = ["conversation_status_changed", "conversation_updated", "conversation_created", "message_created", "message_updated", "webwidget_triggered"];

export type WebhookInput = { url?: string; name?: string | null; subscriptions?: string[]; inbox_id?: number | null; enabled?: boolean };

export function newWebhookSecret(): string {
  return randomToken(32);
}

function checkUrl(tx: Tx, accountId: number, raw: string, exceptId?: number): string {
  const url = raw.trim();
  if (!url) throw Validation.field("url", "can't be blank");
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw Validation.field("url", "is invalid");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw Validation.field("url", "must be an http or https URL");
  if (url.length > 2048) throw Validation.field("url", "is too long (maximum is 2048 characters)");
  const taken = tx.db
    .select({ id: webhooks.id })
    .from(webhooks)
    .where(and(eq(webhooks.account_id, accountId), eq(webhooks.url, url), exceptId ? ne(webhooks.id, exceptId) : undefined))
    .get();
  if (taken) throw Validation.field("url", "has already been taken");
  return url;
}

function checkSubscriptions(subs: string[]): string[] {
  const unique = [...new Set(subs)];
  if (!unique.length) throw Validation.field("subscriptions", "can't be blank");
  const unknown = unique.filter((s) => !(WEBHOOK_EVENTS as readonly string[]).includes(s));
  if (unknown.length) throw Validation.field("subscriptions", `has unknown events: ${unknown.join(", ")} (allowed: ${WEBHOOK_EVENTS.join(", ")})`);
  return unique;
}

function checkInbox(tx: Tx, accountId: number, inboxId: number | null | undefined): number | null {
  if (inboxId == null) return null;
  const row = tx.db.select({ id: inboxes.id }).from(inboxes).where(and(eq(inboxes.id, inboxId), eq(inboxes.account_id, accountId))).get();
  if (!row) throw Validation.field("inbox_id", "is not an inbox of this account");
  return row.id;
}

export function createWebhook(tx: Tx, scope: AccountScope, input: WebhookInput & { url: string }): WebhookRow {
  requireAdministrator(scope);
  const accountId = scope.account.id;
  return tx.db
    .insert(webhooks)
    .values({
      account_id: accountId,
      url: checkUrl(tx, accountId, input.url),
      name: input.name?.trim() || null,
      subscriptions: checkSubscriptions(input.subscriptions ?? DEFAULT_SUBSCRIPTIONS),
      inbox_id: checkInbox(tx, accountId, input.inbox_id),
      secret: newWebhookSecret(),
      disabled_at: input.enabled === false ? tx.now : null,
      disabled_reason: input.enabled === false ? "Disabled by an administrator" : null,
      created_at: tx.now,
      updated_at: tx.now,
    })
    .returning()
    .get();
}

export function updateWebhook(tx: Tx, scope: AccountScope, id: number, input: WebhookInput): WebhookRow {
  requireAdministrator(scope);
  const hook = getWebhook(tx.db, scope.account.id, id);
  const set: Partial<WebhookRow> = { updated_at: tx.now };
  if (input.url !== undefined) set.url = checkUrl(tx, hook.account_id, input.url, hook.id);
  if (input.name !== undefined) set.name = input.name?.trim() || null;
  if (input.subscriptions !== undefined) set.subscriptions = checkSubscriptions(input.subscriptions);
  if (input.inbox_id !== undefined) set.inbox_id = checkInbox(tx, hook.account_id, input.inbox_id);
  if (input.enabled === true && hook.disabled_at != null) Object.assign(set, { disabled_at: null, disabled_reason: null, failing_since: null });
  if (input.enabled === false && hook.disabled_at == null) Object.assign(set, { disabled_at: tx.now, disabled_reason: "Disabled by an administrator" });
  return tx.db.update(webhooks).set(set).where(eq(webhooks.id, hook.id)).returning().get();
}

export function deleteWebhook(tx: Tx, scope: AccountScope, id: number): void {
  requireAdministrator(scope);
  const hook = getWebhook(tx.db, scope.account.id, id);
  tx.db.delete(webhooks).where(eq(webhooks.id, hook.id)).run();
}

export function rotateWebhookSecret(tx: Tx, scope: AccountScope, id: number): WebhookRow {
  requireAdministrator(scope);
  const hook = getWebhook(tx.db, scope.account.id, id);
  return tx.db.update(webhooks).set({ secret: newWebhookSecret(), updated_at: tx.now }).where(eq(webhooks.id, hook.id)).returning().get();
}

/** POST …/deliveries/:id/redeliver: the logged body again, under the same X-Chatwoot-Delivery. */
export function redeliverWebhookDelivery(tx: Tx, scope: AccountScope, webhookId: number, deliveryId: number) {
  requireAdministrator(scope);
  const hook = getWebhook(tx.db, scope.account.id, webhookId);
  const where = and(eq(webhook_deliveries.id, deliveryId), eq(webhook_deliveries.webhook_id, hook.id), eq(webhook_deliveries.account_id, hook.account_id));
  const d = tx.db.update(webhook_deliveries).set({ status: "pending", updated_at: tx.now }).where(where).returning().get();
  if (!d) throw new NotFound("Delivery");
  enqueueRedelivery(tx, d.id);
  return d;
}
