import { isAdministrator, type AccountScope } from "../accounts/access.ts";
import { Forbidden } from "../errors.ts";

// Chatwoot's UserPolicy: everyone in the account may see the team list; only administrators manage it.

export function canListAgents(scope: AccountScope): boolean {
  return scope.userId !== null;
}

export function canManageAgents(scope: AccountScope): boolean {
  return isAdministrator(scope);
}

export function authorizeListAgents(scope: AccountScope): void {
  if (!canListAgents(scope)) throw new Forbidden();
}

export function authorizeManageAgents(scope: AccountScope): void {
  if (!canManageAgents(scope)) throw new Forbidden("Only administrators can manage agents");
}
