import type { Db } from "../../db/client.ts";
import { inbox_members } from "../../db/schema/inboxes.ts";
import { and, eq } from "drizzle-orm";
import { isAdministrator, type AccountScope } from "../accounts/access.ts";
import { Forbidden } from "../errors.ts";

/**
 * Chatwoot's InboxPolicy: everyone may list (the list is scoped), an inbox is shown to administrators and
 * its members (and to agent bots), and only administrators create, update, delete or attach bots.
 */
export function canViewInbox(db: Db, scope: AccountScope, inboxId: number): boolean {
  if (isAdministrator(scope) || scope.userId === null) return true;
  return Boolean(
    db
      .select({ id: inbox_members.id })
      .from(inbox_members)
      .where(and(eq(inbox_members.inbox_id, inboxId), eq(inbox_members.user_id, scope.userId)))
      .get(),
  );
}

export function assertCanViewInbox(db: Db, scope: AccountScope, inboxId: number): void {
  if (!canViewInbox(db, scope, inboxId)) throw new Forbidden("You are not a member of this inbox");
}

export function canManageInboxes(scope: AccountScope): boolean {
  return isAdministrator(scope);
}

export function assertCanManageInboxes(scope: AccountScope): void {
  if (!canManageInboxes(scope)) throw new Forbidden();
}
