import { isAdministrator, type AccountScope } from "../accounts/access.ts";
import { Forbidden } from "../errors.ts";

/**
 * Chatwoot's ContactPolicy: every member of the account sees contacts (list, search, filter, show);
 * deleting is for administrators. Custom roles narrow writes: a custom-role agent changes contacts, their
 * notes, labels and sessions only with contact_manage or one of the conversation permissions (they create
 * contacts while handling conversations). Merging follows Chatwoot's ContactMergesController, which has no
 * administrator check: whoever may change contacts may merge them.
 */
const WRITE_PERMISSIONS = ["contact_manage", "conversation_manage", "conversation_unassigned_manage", "conversation_participating_manage"];

export function canViewContacts(scope: AccountScope): boolean {
  return scope.userId !== null || isAdministrator(scope);
}

export function canWriteContacts(scope: AccountScope): boolean {
  if (isAdministrator(scope)) return true;
  if (scope.userId === null) return false;
  if (!scope.permissions.has("custom_role")) return true;
  return WRITE_PERMISSIONS.some((p) => scope.permissions.has(p));
}

export function canDeleteContacts(scope: AccountScope): boolean {
  return isAdministrator(scope);
}

export function assertCanViewContacts(scope: AccountScope): void {
  if (!canViewContacts(scope)) throw new Forbidden();
}

export function assertCanWriteContacts(scope: AccountScope): void {
  if (!canWriteContacts(scope)) throw new Forbidden("You are not allowed to manage contacts");
}

export function assertCanDeleteContacts(scope: AccountScope): void {
  if (!canDeleteContacts(scope)) throw new Forbidden("Only administrators can delete contacts");
}
