import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { preparedFor } from "../../db/prepared.ts";
import { cachedRead } from "../../db/read-cache.ts";
import { account_users, accounts, custom_roles, type Permission } from "../../db/schema/accounts.ts";
import { inbox_members, inboxes } from "../../db/schema/inboxes.ts";
import { team_members, teams } from "../../db/schema/teams.ts";
import type { Actor } from "../auth/actor.ts";
import { Forbidden, NotFound } from "../errors.ts";
import type { AccountRow } from "./queries.ts";

/**
 * Who is acting inside one account, resolved once per request: the account, the membership and the
 * effective permissions. Every policy function of every area takes this, so role changes apply on the
 * very next request and tenant scoping is never forgotten.
 */
export type AccountScope = {
  account: AccountRow;
  actor: Actor;
  /** The acting user's id, or null for an agent bot. */
  userId: number | null;
  role: "administrator" | "agent" | "agent_bot";
  customRoleId: number | null;
  /** Chatwoot's AccountUser#permissions: ['administrator'], ['agent'], or a custom role's keys plus 'custom_role'. */
  permissions: ReadonlySet<string>;
};

// Prepared once per connection: every account-scoped request runs these two lookups.
const accountById = preparedFor((db) => db.select().from(accounts).where(eq(accounts.id, sql.placeholder("accountId"))).prepare());
const membershipWithRole = preparedFor((db) =>
  db
    .select({ membership: account_users, custom: custom_roles })
    .from(account_users)
    .leftJoin(custom_roles, eq(custom_roles.id, account_users.custom_role_id))
    .where(and(eq(account_users.account_id, sql.placeholder("accountId")), eq(account_users.user_id, sql.placeholder("userId"))))
    .prepare(),
);

/** Resolves the actor's standing in an account; an account they do not belong to is "not found". */
export function resolveAccountScope(db: Db, actor: Actor, accountId: number): AccountScope {
  const account = cachedRead(db, `account:${accountId}`, () => accountById(db).get({ accountId }));
  if (!account) throw new NotFound("Account");
  if (actor.type === "agent_bot") {
    if (actor.bot.account_id !== accountId) throw new NotFound("Account");
    return { account, actor, userId: null, role: "agent_bot", customRoleId: null, permissions: new Set(["agent_bot"]) };
  }
  const userId = actor.user.id;
  const row = cachedRead(db, `membership:${accountId}:${userId}`, () => membershipWithRole(db).get({ accountId, userId }));
  if (!row) throw new NotFound("Account");
  const { membership, custom } = row;
  if (account.status === "suspended") throw new Forbidden("This account is suspended");
  const permissions = effectivePermissions(membership.role, custom?.permissions ?? null);
  return {
    account,
    actor,
    userId: actor.user.id,
    role: membership.role,
    customRoleId: custom?.id ?? null,
    permissions: new Set(permissions),
  };
}

/** Chatwoot's AccountUser#permissions: a custom role replaces the built-in agent role. */
export function effectivePermissions(role: "administrator" | "agent", customRolePermissions: readonly string[] | null): string[] {
  if (role === "administrator") return ["administrator"];
  return customRolePermissions ? [...customRolePermissions, "custom_role"] : ["agent"];
}

export function isAdministrator(scope: AccountScope): boolean {
  return scope.permissions.has("administrator");
}

export function requireAdministrator(scope: AccountScope): void {
  if (!isAdministrator(scope)) throw new Forbidden();
}

export function hasPermission(scope: AccountScope, permission: Permission): boolean {
  return isAdministrator(scope) || scope.permissions.has(permission);
}

/**
 * How much of the conversations in the actor's inboxes they may see: all of them, only unassigned
 * plus their own, or only their own and those they participate in (custom roles narrow it).
 */
export type ConversationReach = "all" | "unassigned_and_mine" | "mine_and_participating";

export function conversationReach(scope: Pick<AccountScope, "permissions">): ConversationReach {
  if (!scope.permissions.has("custom_role")) return "all";
  if (scope.permissions.has("conversation_manage")) return "all";
  if (scope.permissions.has("conversation_unassigned_manage")) return "unassigned_and_mine";
  return "mine_and_participating";
}

/**
 * The inboxes whose conversations the actor may work: every inbox of the account for administrators and
 * bots, otherwise the inboxes they are a member of, directly or through a team ("all" means no filter).
 */
export function accessibleInboxIds(db: Db, scope: AccountScope): number[] | "all" {
  if (isAdministrator(scope) || scope.userId === null) return "all";
  const userId = scope.userId;
  return cachedRead(db, `inbox-ids:${scope.account.id}:${userId}`, () =>
    db
      .select({ id: inbox_members.inbox_id })
      .from(inbox_members)
      .innerJoin(inboxes, eq(inboxes.id, inbox_members.inbox_id))
      .where(and(eq(inbox_members.user_id, userId), eq(inboxes.account_id, scope.account.id)))
      .all()
      .map((r) => r.id),
  )!;
}

/** Teams the acting user belongs to in this account (team conversations are visible to their members). */
export function memberTeamIds(db: Db, scope: AccountScope): number[] {
  if (scope.userId === null) return [];
  const userId = scope.userId;
  return cachedRead(db, `team-ids:${scope.account.id}:${userId}`, () =>
    db
      .select({ id: team_members.team_id })
      .from(team_members)
      .innerJoin(teams, eq(teams.id, team_members.team_id))
      .where(and(eq(team_members.user_id, userId), eq(teams.account_id, scope.account.id)))
      .all()
      .map((r) => r.id),
  )!;
}
