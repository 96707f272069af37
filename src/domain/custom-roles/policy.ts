import { isAdministrator, type AccountScope } from "../accounts/access.ts";
import { Forbidden } from "../errors.ts";

/** Custom roles are account settings: administrators only, reading included (Chatwoot's CustomRolePolicy). */
export function canManageCustomRoles(scope: AccountScope): boolean {
  return isAdministrator(scope);
}

export function authorizeManageCustomRoles(scope: AccountScope): void {
  if (!canManageCustomRoles(scope)) throw new Forbidden("Only administrators can manage custom roles");
}
