import { and, asc, eq, inArray } from "drizzle-orm";
import { account_users } from "../../db/schema/accounts.ts";
import { inbox_members, inboxes } from "../../db/schema/inboxes.ts";
import type { Tx } from "../../db/tx.ts";
import type { InboxRow } from "../conversations/records.ts";

/**
 * Chatwoot's round robin (AutoAssignment::AgentAssignmentService + InboxRoundRobinService): the next
 * agent after the inbox's cursor among its members who are `online` in the account — busy and offline
 * agents are skipped — optionally narrowed to allowed ids (a team's members). Moves the cursor.
 */
export function pickRoundRobinAssignee(tx: Tx, inbox: InboxRow, allowedUserIds?: number[]): number | null {
  if (allowedUserIds && !allowedUserIds.length) return null;
  const candidates = tx.db
    .select({ id: inbox_members.user_id })
    .from(inbox_members)
    .innerJoin(account_users, and(eq(account_users.user_id, inbox_members.user_id), eq(account_users.account_id, inbox.account_id)))
    .where(
      and(
        eq(inbox_members.inbox_id, inbox.id),
        eq(account_users.availability, "online"),
        allowedUserIds ? inArray(inbox_members.user_id, allowedUserIds) : undefined,
      ),
    )
    .orderBy(asc(inbox_members.user_id))
    .all()
    .map((r) => r.id);
  if (!candidates.length) return null;
  const cursor = tx.db.select({ last: inboxes.last_assigned_user_id }).from(inboxes).where(eq(inboxes.id, inbox.id)).get()?.last ?? null;
  const next = candidates.find((id) => cursor === null || id > cursor) ?? candidates[0];
  tx.db.update(inboxes).set({ last_assigned_user_id: next }).where(eq(inboxes.id, inbox.id)).run();
  return next;
}

/** Whether the user may be assigned conversations of the inbox: a member of it, or an administrator. */
export function isAssignable(tx: Tx, inbox: InboxRow, userId: number): boolean {
  const membership = tx.db
    .select({ role: account_users.role })
    .from(account_users)
    .where(and(eq(account_users.account_id, inbox.account_id), eq(account_users.user_id, userId)))
    .get();
  if (!membership) return false;
  if (membership.role === "administrator") return true;
  return isInboxMember(tx, inbox.id, userId);
}

export function isInboxMember(tx: Tx, inboxId: number, userId: number): boolean {
  return !!tx.db
    .select({ id: inbox_members.id })
    .from(inbox_members)
    .where(and(eq(inbox_members.inbox_id, inboxId), eq(inbox_members.user_id, userId)))
    .get();
}
