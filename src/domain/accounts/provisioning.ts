// Installation-level provisioning of users, as Chatwoot's Platform API does it: users are created confirmed,
// an email that already exists yields the existing user, and updates skip reconfirmation.
import type { AppDeps } from "../../deps.ts";
import type { Tx } from "../../db/tx.ts";
import { hashPassword } from "../../lib/crypto.ts";
import { issueAccessToken } from "../auth/access-tokens.ts";
import { Validation, type FieldError } from "../errors.ts";
import { createUser, deleteUser, setPassword, updateUser } from "../users/commands.ts";
import { accessTokenOf, findUserByEmail, getUser, membershipsOf, type UserRow } from "../users/queries.ts";
import { assertEmail, assertPassword, normalizeEmail, passwordProblems } from "../users/rules.ts";
import { removeAccountUser } from "./commands.ts";

export type ProvisionUserInput = {
  name?: string;
  email: string;
  password?: string;
  displayName?: string | null;
  customAttributes?: Record<string, unknown>;
};

/**
 * Creates a confirmed user, or returns the user who already has that email (confirming them, as Chatwoot's
 * skip_confirmation does); the other fields are then ignored. The password is hashed before the transaction.
 */
export async function provisionUser(deps: AppDeps, input: ProvisionUserInput): Promise<UserRow> {
  const existing = findUserByEmail(deps.db, input.email);
  if (existing) return deps.tx((tx) => confirmed(tx, existing));

  const errors: FieldError[] = [];
  if (!input.name?.trim()) errors.push({ field: "name", message: "can't be blank" });
  collect(errors, () => assertEmail(normalizeEmail(input.email)));
  const passwordProblem = input.password ? passwordProblems(input.password) : "can't be blank";
  if (passwordProblem) errors.push({ field: "password", message: passwordProblem });
  if (errors.length) throw new Validation(errors);

  const passwordHash = await hashPassword(input.password!);
  return deps.tx((tx) => {
    const raced = findUserByEmail(tx.db, input.email);
    if (raced) return confirmed(tx, raced);
    return createUser(tx, {
      name: input.name!,
      email: input.email,
      passwordHash,
      displayName: input.displayName ?? null,
      customAttributes: input.customAttributes ?? {},
      confirmed: true,
    });
  });
}

export type ProvisionedUserPatch = Partial<{
  name: string;
  email: string;
  password: string;
  displayName: string | null;
  /** Merged into the user's current custom attributes (Chatwoot's platform update merges them). */
  customAttributes: Record<string, unknown>;
}>;

/** Platform update: email changes apply at once; a new password ends every session of the user. */
export async function updateProvisionedUser(deps: AppDeps, userId: number, patch: ProvisionedUserPatch): Promise<UserRow> {
  getUser(deps.db, userId);
  if (patch.name !== undefined && !patch.name.trim()) throw Validation.field("name", "can't be blank");
  if (patch.password !== undefined) assertPassword(patch.password);
  const passwordHash = patch.password !== undefined ? await hashPassword(patch.password) : undefined;
  return deps.tx((tx) => {
    const user = getUser(tx.db, userId);
    const updated = updateUser(tx, userId, {
      name: patch.name,
      email: patch.email,
      displayName: patch.displayName,
      customAttributes: patch.customAttributes && { ...user.custom_attributes, ...patch.customAttributes },
    });
    return passwordHash ? setPassword(tx, userId, passwordHash, null) : updated;
  });
}

/** Deletes the user with their memberships (announced one by one), sessions and API token. */
export function deleteUserEverywhere(tx: Tx, userId: number): void {
  getUser(tx.db, userId);
  for (const m of membershipsOf(tx.db, userId)) removeAccountUser(tx, m.account_id, userId);
  deleteUser(tx, userId);
}

/** The user's API token, issued if the user has none yet (Platform API users/{id}/token). */
export function userAccessToken(tx: Tx, userId: number): string {
  getUser(tx.db, userId);
  return accessTokenOf(tx.db, userId) ?? issueAccessToken(tx, "User", userId);
}

function confirmed(tx: Tx, user: UserRow): UserRow {
  return user.confirmed_at === null ? updateUser(tx, user.id, { confirmed: true }) : user;
}

function collect(errors: FieldError[], check: () => void) {
  try {
    check();
  } catch (err) {
    if (!(err instanceof Validation)) throw err;
    errors.push(...err.errors);
  }
}
