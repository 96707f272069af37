import { isAdministrator, type AccountScope } from "../accounts/access.ts";
import { Forbidden } from "../errors.ts";

// Chatwoot's TeamPolicy and TeamMemberPolicy: everyone in the account reads teams and their members;
// administrators create, change and delete them.

export function canReadTeams(scope: AccountScope): boolean {
  return scope.userId !== null;
}

export function canManageTeams(scope: AccountScope): boolean {
  return isAdministrator(scope);
}

export function authorizeReadTeams(scope: AccountScope): void {
  if (!canReadTeams(scope)) throw new Forbidden();
}

export function authorizeManageTeams(scope: AccountScope): void {
  if (!canManageTeams(scope)) throw new Forbidden("Only administrators can manage teams");
}
