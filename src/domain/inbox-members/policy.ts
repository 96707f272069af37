import { accessibleInboxIds, isAdministrator, type AccountScope } from "../accounts/access.ts";
import type { Db } from "../../db/client.ts";
import { Forbidden } from "../errors.ts";

// Chatwoot's InboxPolicy as it applies to inbox_members: seeing an inbox's agents needs access to the inbox
// (administrators, or members of it); changing them is for administrators.

export function canSeeInboxMembers(db: Db, scope: AccountScope, inboxId: number): boolean {
  if (scope.userId === null) return false;
  const reach = accessibleInboxIds(db, scope);
  return reach === "all" || reach.includes(inboxId);
}

export function canManageInboxMembers(scope: AccountScope): boolean {
  return isAdministrator(scope);
}

/** An inbox of the account that the agent is not a member of is forbidden (as the inboxes API answers). */
export function authorizeSeeInboxMembers(db: Db, scope: AccountScope, inboxId: number): void {
  if (!canSeeInboxMembers(db, scope, inboxId)) throw new Forbidden("You are not a member of this inbox");
}

export function authorizeManageInboxMembers(scope: AccountScope): void {
  if (!canManageInboxMembers(scope)) throw new Forbidden("Only administrators can manage inbox members");
}
