import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { team_members, teams } from "../../db/schema/teams.ts";
import type { AccountScope } from "../accounts/access.ts";
import { listAgentRows, type AgentRow } from "../agents/queries.ts";
import { NotFound } from "../errors.ts";
import { authorizeReadTeams } from "./policy.ts";

export type TeamRow = typeof teams.$inferSelect;
export type TeamView = { team: TeamRow; isMember: boolean };

export function findTeam(db: Db, accountId: number, id: number): TeamRow | undefined {
  return db.select().from(teams).where(and(eq(teams.account_id, accountId), eq(teams.id, id))).get();
}

export function getTeam(db: Db, accountId: number, id: number): TeamRow {
  const team = findTeam(db, accountId, id);
  if (!team) throw new NotFound("Team");
  return team;
}

function memberTeamIdSet(db: Db, scope: AccountScope): Set<number> {
  if (scope.userId === null) return new Set();
  return new Set(
    db
      .select({ id: team_members.team_id })
      .from(team_members)
      .innerJoin(teams, eq(teams.id, team_members.team_id))
      .where(and(eq(teams.account_id, scope.account.id), eq(team_members.user_id, scope.userId)))
      .all()
      .map((r) => r.id),
  );
}

export function listTeams(db: Db, scope: AccountScope): TeamView[] {
  authorizeReadTeams(scope);
  const mine = memberTeamIdSet(db, scope);
  return db
    .select()
    .from(teams)
    .where(eq(teams.account_id, scope.account.id))
    .orderBy(asc(teams.name), asc(teams.id))
    .all()
    .map((team) => ({ team, isMember: mine.has(team.id) }));
}

export function showTeam(db: Db, scope: AccountScope, id: number): TeamView {
  authorizeReadTeams(scope);
  return teamView(db, scope, getTeam(db, scope.account.id, id));
}

export function teamView(db: Db, scope: AccountScope, team: TeamRow): TeamView {
  return { team, isMember: memberTeamIdSet(db, scope).has(team.id) };
}

export function teamMemberIds(db: Db, teamId: number): number[] {
  return db.select({ id: team_members.user_id }).from(team_members).where(eq(team_members.team_id, teamId)).all().map((r) => r.id);
}

/** The team's members as agents of the account. */
export function listTeamMembers(db: Db, scope: AccountScope, teamId: number): AgentRow[] {
  authorizeReadTeams(scope);
  const team = getTeam(db, scope.account.id, teamId);
  return listAgentRows(db, scope.account.id, teamMemberIds(db, team.id));
}
