import { and, eq } from "drizzle-orm";
import { account_users, custom_roles, PERMISSIONS, type Permission } from "../../db/schema/accounts.ts";
import type { Tx } from "../../db/tx.ts";
import type { AccountScope } from "../accounts/access.ts";
import { Conflict, Validation } from "../errors.ts";
import { authorizeManageCustomRoles } from "./policy.ts";
import { findCustomRoleByName, getCustomRole, type CustomRoleRow } from "./queries.ts";

export type CustomRoleInput = { name?: string; description?: string | null; permissions?: string[] };

const BUILT_IN = new Set(["administrator", "agent"]);

/** Chatwoot's permission keys only; duplicates collapse. */
export function checkPermissions(permissions: string[]): Permission[] {
  const unknown = permissions.filter((p) => !(PERMISSIONS as readonly string[]).includes(p));
  if (unknown.length) {
    throw Validation.field("permissions", `contains unknown permissions: ${unknown.join(", ")} (allowed: ${PERMISSIONS.join(", ")})`);
  }
  return [...new Set(permissions)] as Permission[];
}

function checkName(tx: Tx, accountId: number, name: string, exceptId: number | null): string {
  const trimmed = name.trim();
  if (!trimmed) throw Validation.field("name", "can't be blank");
  if (trimmed.length > 255) throw Validation.field("name", "is too long (maximum is 255 characters)");
  if (BUILT_IN.has(trimmed.toLowerCase())) throw Validation.field("name", "is the name of a built-in role");
  const taken = findCustomRoleByName(tx.db, accountId, trimmed);
  if (taken && taken.id !== exceptId) throw new Conflict("Name has already been taken", "name");
  return trimmed;
}

function checkDescription(description: string | null | undefined) {
  if (description && description.length > 10_000) throw Validation.field("description", "is too long (maximum is 10000 characters)");
}

export function createCustomRole(tx: Tx, scope: AccountScope, input: CustomRoleInput): CustomRoleRow {
  authorizeManageCustomRoles(scope);
  const name = checkName(tx, scope.account.id, input.name ?? "", null);
  checkDescription(input.description);
  const permissions = checkPermissions(input.permissions ?? []);
  return tx.db
    .insert(custom_roles)
    .values({
      account_id: scope.account.id,
      name,
      description: input.description ?? null,
      permissions,
      created_at: tx.now,
      updated_at: tx.now,
    })
    .returning()
    .get();
}

/** Permission changes reach every holder of the role on their next request (the scope is read per request). */
export function updateCustomRole(tx: Tx, scope: AccountScope, id: number, input: CustomRoleInput): CustomRoleRow {
  authorizeManageCustomRoles(scope);
  getCustomRole(tx.db, scope.account.id, id);
  const set: Partial<typeof custom_roles.$inferInsert> = { updated_at: tx.now };
  if (input.name !== undefined) set.name = checkName(tx, scope.account.id, input.name, id);
  if (input.description !== undefined) {
    checkDescription(input.description);
    set.description = input.description;
  }
  if (input.permissions !== undefined) set.permissions = checkPermissions(input.permissions);
  const role = tx.db
    .update(custom_roles)
    .set(set)
    .where(and(eq(custom_roles.id, id), eq(custom_roles.account_id, scope.account.id)))
    .returning()
    .get();
  for (const holder of holdersOf(tx, scope.account.id, id)) {
    tx.emit("account_user.updated", { account_id: scope.account.id, user_id: holder.user_id, role: holder.role });
  }
  return role;
}

/** Agents who held the role fall back to the built-in agent role (the foreign key clears custom_role_id). */
export function deleteCustomRole(tx: Tx, scope: AccountScope, id: number): void {
  authorizeManageCustomRoles(scope);
  getCustomRole(tx.db, scope.account.id, id);
  const holders = holdersOf(tx, scope.account.id, id);
  tx.db.delete(custom_roles).where(and(eq(custom_roles.id, id), eq(custom_roles.account_id, scope.account.id))).run();
  for (const holder of holders) {
    tx.emit("account_user.updated", { account_id: scope.account.id, user_id: holder.user_id, role: holder.role });
  }
}

function holdersOf(tx: Tx, accountId: number, roleId: number) {
  return tx.db
    .select({ user_id: account_users.user_id, role: account_users.role })
    .from(account_users)
    .where(and(eq(account_users.account_id, accountId), eq(account_users.custom_role_id, roleId)))
    .all();
}
