import { and, asc, eq, inArray, isNotNull, ne, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { account_users, custom_roles, users } from "../../db/schema/accounts.ts";
import { NotFound } from "../errors.ts";
import type { AccountUserRow, UserRow } from "../users/queries.ts";

import type { CustomRoleRow } from "../custom-roles/queries.ts";

/** A member of one account: the user, their membership in that account and their custom role, if any. */
export type AgentRow = { user: UserRow; membership: AccountUserRow; customRole: CustomRoleRow | null };

/**
 * Members of the account, ordered by name as Chatwoot's agent list is. With userIds, only those of them
 * who are members (ids of other accounts' users simply do not match).
 */
export function listAgentRows(db: Db, accountId: number, userIds?: number[]): AgentRow[] {
  if (userIds && userIds.length === 0) return [];
  const where = userIds
    ? and(eq(account_users.account_id, accountId), inArray(account_users.user_id, userIds))
    : eq(account_users.account_id, accountId);
  return db
    .select({ user: users, membership: account_users, customRole: custom_roles })
    .from(account_users)
    .innerJoin(users, eq(users.id, account_users.user_id))
    .leftJoin(custom_roles, and(eq(custom_roles.id, account_users.custom_role_id), eq(custom_roles.account_id, accountId)))
    .where(where)
    .orderBy(asc(sql`lower(${users.name})`), asc(users.id))
    .all();
}

export function findAgentRow(db: Db, accountId: number, userId: number): AgentRow | undefined {
  return listAgentRows(db, accountId, [userId])[0];
}

export function getAgentRow(db: Db, accountId: number, userId: number): AgentRow {
  const row = findAgentRow(db, accountId, userId);
  if (!row) throw new NotFound("Agent");
  return row;
}

/** The ids among userIds that are not members of the account. */
export function nonMembers(db: Db, accountId: number, userIds: number[]): number[] {
  const members = new Set(
    userIds.length
      ? db
          .select({ id: account_users.user_id })
          .from(account_users)
          .where(and(eq(account_users.account_id, accountId), inArray(account_users.user_id, userIds)))
          .all()
          .map((r) => r.id)
      : [],
  );
  return [...new Set(userIds)].filter((id) => !members.has(id));
}

/** Verified (confirmed) administrators of the account other than the given user. */
export function otherVerifiedAdministrators(db: Db, accountId: number, exceptUserId: number): number {
  const row = db
    .select({ n: sql<number>`count(*)` })
    .from(account_users)
    .innerJoin(users, eq(users.id, account_users.user_id))
    .where(
      and(
        eq(account_users.account_id, accountId),
        eq(account_users.role, "administrator"),
        ne(account_users.user_id, exceptUserId),
        isNotNull(users.confirmed_at),
      ),
    )
    .get();
  return row?.n ?? 0;
}
