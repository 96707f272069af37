import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { channels, inboxes } from "../../db/schema/inboxes.ts";
import type { ChannelRow } from "../../channels/registry.ts";
import { accessibleInboxIds, type AccountScope } from "../accounts/access.ts";
import { NotFound } from "../errors.ts";
import { assertCanViewInbox } from "./policy.ts";

export type InboxRow = typeof inboxes.$inferSelect;
export type InboxWithChannel = { inbox: InboxRow; channel: ChannelRow };

/** GET /inboxes: administrators see every inbox of the account, agents the inboxes they are members of. */
export function listInboxes(db: Db, scope: AccountScope): InboxWithChannel[] {
  const reach = accessibleInboxIds(db, scope);
  if (reach !== "all" && reach.length === 0) return [];
  return db
    .select({ inbox: inboxes, channel: channels })
    .from(inboxes)
    .innerJoin(channels, eq(channels.id, inboxes.channel_id))
    .where(and(eq(inboxes.account_id, scope.account.id), reach === "all" ? undefined : inArray(inboxes.id, reach)))
    .orderBy(asc(sql`lower(${inboxes.name})`), asc(inboxes.id))
    .all();
}

/** An inbox of the account with its channel; another account's or an unknown id is "not found". */
export function getInbox(db: Db, accountId: number, inboxId: number): InboxWithChannel {
  const row = db
    .select({ inbox: inboxes, channel: channels })
    .from(inboxes)
    .innerJoin(channels, eq(channels.id, inboxes.channel_id))
    .where(and(eq(inboxes.account_id, accountId), eq(inboxes.id, inboxId)))
    .get();
  if (!row) throw new NotFound("Inbox");
  return row;
}

/** An inbox the actor may see (404 outside the account, 403 for an agent who is not a member). */
export function getVisibleInbox(db: Db, scope: AccountScope, inboxId: number): InboxWithChannel {
  const row = getInbox(db, scope.account.id, inboxId);
  assertCanViewInbox(db, scope, row.inbox.id);
  return row;
}

/** Inboxes by id within the account (for serializing contact_inboxes in bulk). */
export function inboxesByIds(db: Db, accountId: number, ids: number[]): Map<number, InboxWithChannel> {
  if (ids.length === 0) return new Map();
  const rows = db
    .select({ inbox: inboxes, channel: channels })
    .from(inboxes)
    .innerJoin(channels, eq(channels.id, inboxes.channel_id))
    .where(and(eq(inboxes.account_id, accountId), inArray(inboxes.id, [...new Set(ids)])))
    .all();
  return new Map(rows.map((r) => [r.inbox.id, r]));
}
