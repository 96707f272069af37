import { isAdministrator, type AccountScope } from "../accounts/access.ts";
import { Forbidden } from "../errors.ts";

/** Chatwoot's LabelPolicy: everyone in the account reads labels; administrators create, edit and delete them. */
export function canWriteLabels(scope: AccountScope): boolean {
  return isAdministrator(scope);
}

export function authorizeLabelWrite(scope: AccountScope): void {
  if (!canWriteLabels(scope)) throw new Forbidden();
}
