import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { custom_roles } from "../../db/schema/accounts.ts";
import type { AccountScope } from "../accounts/access.ts";
import { NotFound } from "../errors.ts";
import { authorizeManageCustomRoles } from "./policy.ts";

export type CustomRoleRow = typeof custom_roles.$inferSelect;

export function listCustomRoles(db: Db, scope: AccountScope): CustomRoleRow[] {
  authorizeManageCustomRoles(scope);
  return db.select().from(custom_roles).where(eq(custom_roles.account_id, scope.account.id)).orderBy(asc(custom_roles.id)).all();
}

export function showCustomRole(db: Db, scope: AccountScope, id: number): CustomRoleRow {
  authorizeManageCustomRoles(scope);
  return getCustomRole(db, scope.account.id, id);
}

export function findCustomRole(db: Db, accountId: number, id: number): CustomRoleRow | undefined {
  return db.select().from(custom_roles).where(and(eq(custom_roles.account_id, accountId), eq(custom_roles.id, id))).get();
}

export function getCustomRole(db: Db, accountId: number, id: number): CustomRoleRow {
  const role = findCustomRole(db, accountId, id);
  if (!role) throw new NotFound("Custom role");
  return role;
}

/** Names compare case-insensitively, so "Supervisor" and "supervisor" cannot both exist. */
export function findCustomRoleByName(db: Db, accountId: number, name: string): CustomRoleRow | undefined {
  return db
    .select()
    .from(custom_roles)
    .where(and(eq(custom_roles.account_id, accountId), eq(sql`lower(${custom_roles.name})`, name.trim().toLowerCase())))
    .get();
}
