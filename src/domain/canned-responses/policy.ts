import { isAdministrator, type AccountScope } from "../accounts/access.ts";
import { Forbidden } from "../errors.ts";

/** Everyone in the account reads canned responses; administrators create, edit and delete them. */
export function canManageCannedResponses(scope: AccountScope): boolean {
  return isAdministrator(scope);
}

export function authorizeCannedResponseWrite(scope: AccountScope): void {
  if (!canManageCannedResponses(scope)) throw new Forbidden();
}
