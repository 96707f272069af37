import { and, eq, inArray, ne, sql } from "drizzle-orm";
import { team_members, teams } from "../../db/schema/teams.ts";
import type { Tx } from "../../db/tx.ts";
import type { AccountScope } from "../accounts/access.ts";
import { listAgentRows, nonMembers, type AgentRow } from "../agents/queries.ts";
import { Conflict, Validation } from "../errors.ts";
import { eventPerformer, performerOf } from "../messages/commands.ts";
import { authorizeManageTeams } from "./policy.ts";
import { getTeam, teamMemberIds, type TeamRow } from "./queries.ts";

export type TeamInput = { name?: string; description?: string | null; allowAutoAssign?: boolean };

/** Chatwoot stores team names down-cased, so uniqueness per account is case-insensitive. */
function checkName(tx: Tx, accountId: number, name: string, exceptId: number | null): string {
  const normalized = name.trim().toLowerCase();
  if (!normalized) throw Validation.field("name", "can't be blank");
  if (normalized.length > 255) throw Validation.field("name", "is too long (maximum is 255 characters)");
  const clash = tx.db
    .select({ id: teams.id })
    .from(teams)
    .where(and(eq(teams.account_id, accountId), eq(teams.name, normalized), exceptId === null ? sql`1 = 1` : ne(teams.id, exceptId)))
    .get();
  if (clash) throw new Conflict("Name has already been taken", "name");
  return normalized;
}

function checkDescription(description: string | null | undefined) {
  if (description && description.length > 10_000) throw Validation.field("description", "is too long (maximum is 10000 characters)");
}

export function createTeam(tx: Tx, scope: AccountScope, input: TeamInput): TeamRow {
  authorizeManageTeams(scope);
  const name = checkName(tx, scope.account.id, input.name ?? "", null);
  checkDescription(input.description);
  const team = tx.db
    .insert(teams)
    .values({
      account_id: scope.account.id,
      name,
      description: input.description ?? null,
      allow_auto_assign: input.allowAutoAssign ?? true,
      created_at: tx.now,
      updated_at: tx.now,
    })
    .returning()
    .get();
  tx.emit("team.created", { account_id: scope.account.id, team_id: team.id });
  teamsChanged(tx, scope);
  return team;
}

export function updateTeam(tx: Tx, scope: AccountScope, id: number, input: TeamInput): TeamRow {
  authorizeManageTeams(scope);
  getTeam(tx.db, scope.account.id, id);
  const set: Partial<typeof teams.$inferInsert> = { updated_at: tx.now };
  if (input.name !== undefined) set.name = checkName(tx, scope.account.id, input.name, id);
  if (input.description !== undefined) {
    checkDescription(input.description);
    set.description = input.description;
  }
  if (input.allowAutoAssign !== undefined) set.allow_auto_assign = input.allowAutoAssign;
  const team = tx.db.update(teams).set(set).where(and(eq(teams.id, id), eq(teams.account_id, scope.account.id))).returning().get();
  tx.emit("team.updated", { account_id: scope.account.id, team_id: id });
  teamsChanged(tx, scope);
  return team;
}

/** Conversations of the team stay, without a team (the foreign key clears team_id). */
export function deleteTeam(tx: Tx, scope: AccountScope, id: number): void {
  authorizeManageTeams(scope);
  getTeam(tx.db, scope.account.id, id);
  tx.db.delete(teams).where(and(eq(teams.id, id), eq(teams.account_id, scope.account.id))).run();
  tx.emit("team.deleted", { account_id: scope.account.id, team_id: id });
  teamsChanged(tx, scope);
}

/** Only members of the account can join its teams; one stranger fails the whole request. */
function checkMembers(tx: Tx, accountId: number, userIds: number[]) {
  const strangers = nonMembers(tx.db, accountId, userIds);
  if (strangers.length) throw Validation.field("user_ids", `must be agents of this account (unknown: ${strangers.join(", ")})`);
}

function insertMembers(tx: Tx, teamId: number, userIds: number[]) {
  for (const userId of new Set(userIds)) {
    tx.db.insert(team_members).values({ team_id: teamId, user_id: userId, created_at: tx.now }).onConflictDoNothing().run();
  }
}

/** Adds the agents (existing members stay); returns the agents named in the request, as Chatwoot does. */
export function addTeamMembers(tx: Tx, scope: AccountScope, teamId: number, userIds: number[]): AgentRow[] {
  authorizeManageTeams(scope);
  const team = getTeam(tx.db, scope.account.id, teamId);
  checkMembers(tx, scope.account.id, userIds);
  insertMembers(tx, team.id, userIds);
  return listAgentRows(tx.db, scope.account.id, userIds);
}

/** Makes the team's members exactly these agents; returns the new member list. */
export function replaceTeamMembers(tx: Tx, scope: AccountScope, teamId: number, userIds: number[]): AgentRow[] {
  authorizeManageTeams(scope);
  const team = getTeam(tx.db, scope.account.id, teamId);
  checkMembers(tx, scope.account.id, userIds);
  const keep = new Set(userIds);
  const leaving = teamMemberIds(tx.db, team.id).filter((id) => !keep.has(id));
  if (leaving.length) tx.db.delete(team_members).where(and(eq(team_members.team_id, team.id), inArray(team_members.user_id, leaving))).run();
  insertMembers(tx, team.id, userIds);
  return listAgentRows(tx.db, scope.account.id, teamMemberIds(tx.db, team.id));
}

/** Removes the agents from the team; ids that are not members are ignored. */
export function removeTeamMembers(tx: Tx, scope: AccountScope, teamId: number, userIds: number[]): void {
  authorizeManageTeams(scope);
  const team = getTeam(tx.db, scope.account.id, teamId);
  if (userIds.length) tx.db.delete(team_members).where(and(eq(team_members.team_id, team.id), inArray(team_members.user_id, userIds))).run();
}

/** Chatwoot's AccountCacheRevalidator: every team write invalidates the account's cached team list. */
function teamsChanged(tx: Tx, scope: AccountScope): void {
  tx.emit("account.cache_invalidated", { account_id: scope.account.id, cache_key: "team", ...eventPerformer(performerOf(scope)) });
}
