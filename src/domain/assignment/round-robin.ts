import { and, eq } from "drizzle-orm";
import { account_users } from "../../db/schema/accounts.ts";
import { inbox_members } from "../../db/schema/inboxes.ts";
import type { Tx } from "../../db/tx.ts";
import type { InboxRow } from "../conversations/records.ts";

// The legacy round robin (Chatwoot's InboxRoundRobinService: a cursor, assignment_cursors, over online
// members) is the picker's order when an inbox has no policy: src/domain/assignment/picker.ts.

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
