import { and, eq, inArray } from "drizzle-orm";
import { account_users, type Availability, type Role } from "../../db/schema/accounts.ts";
import { conversations } from "../../db/schema/conversations.ts";
import { inbox_members, inboxes } from "../../db/schema/inboxes.ts";
import { team_members, teams } from "../../db/schema/teams.ts";
import type { Tx } from "../../db/tx.ts";
import type { AppDeps } from "../../deps.ts";
import { enqueue } from "../../jobs/queue.ts";
import type { AccountScope } from "../accounts/access.ts";
import { addAccountUser, removeAccountUser } from "../accounts/commands.ts";
import { sendPasswordResetLink } from "../auth/commands.ts";
import { findCustomRole, findCustomRoleByName } from "../custom-roles/queries.ts";
import { Conflict, Validation } from "../errors.ts";
import { createUser, setAutoOffline, setAvailability, updateUser } from "../users/commands.ts";
import { findUserByEmail } from "../users/queries.ts";
import { assertEmail, normalizeEmail } from "../users/rules.ts";
import { authorizeManageAgents } from "./policy.ts";
import { findAgentRow, getAgentRow, otherVerifiedAdministrators, type AgentRow } from "./queries.ts";

export const AGENT_CLEANUP_JOB = "agent.cleanup";
/** The cleanup starts a moment after the deletion commits, as Chatwoot's perform_later does. */
export const AGENT_CLEANUP_DELAY_MS = 1500;

/**
 * A role as clients name it: `administrator`, `agent`, or a custom role (by `custom_role_id`, or by its name
 * in `role`). A custom role replaces the built-in one, so its holder's built-in role is `agent`.
 */
export type RoleChoice = { role?: string; customRoleId?: number | null };
type ResolvedRole = { role: Role; customRoleId: number | null };

function resolveRole(tx: Tx, accountId: number, choice: RoleChoice): ResolvedRole | null {
  if (choice.customRoleId !== undefined && choice.customRoleId !== null) {
    if (!findCustomRole(tx.db, accountId, choice.customRoleId)) throw Validation.field("custom_role_id", "does not exist in this account");
    return { role: "agent", customRoleId: choice.customRoleId };
  }
  if (choice.role === undefined) return choice.customRoleId === null ? { role: "agent", customRoleId: null } : null;
  if (choice.role === "administrator" || choice.role === "agent") return { role: choice.role, customRoleId: null };
  const custom = findCustomRoleByName(tx.db, accountId, choice.role);
  if (!custom) throw Validation.field("role", "must be administrator, agent or the name of a custom role");
  return { role: "agent", customRoleId: custom.id };
}

function checkName(name: string) {
  if (!name.trim()) throw Validation.field("name", "can't be blank");
  if (name.length > 255) throw Validation.field("name", "is too long (maximum is 255 characters)");
}

export type InviteInput = RoleChoice & { name?: string; email: string; availability?: Availability; autoOffline?: boolean };

/**
 * Chatwoot's AgentBuilder: finds the user by email or creates an unconfirmed one without a password, adds the
 * membership (offline unless given) and, for a user who has not confirmed yet, emails an invitation whose link
 * sets the password and confirms the account.
 */
export async function inviteAgent(deps: AppDeps, scope: AccountScope, input: InviteInput): Promise<AgentRow> {
  authorizeManageAgents(scope);
  const email = normalizeEmail(input.email);
  assertEmail(email);
  const name = input.name?.trim() || email.split("@")[0];
  checkName(name);
  const accountId = scope.account.id;
  const { userId, invite } = deps.tx((tx) => {
    const resolved = resolveRole(tx, accountId, input) ?? { role: "agent", customRoleId: null };
    const user = findUserByEmail(tx.db, email) ?? createUser(tx, { name, email, passwordHash: null, confirmed: false });
    if (findAgentRow(tx.db, accountId, user.id)) throw new Conflict("Email is already a member of this account", "email");
    addAccountUser(tx, { accountId, userId: user.id, role: resolved.role, inviterId: scope.userId });
    tx.db
      .update(account_users)
      .set({ custom_role_id: resolved.customRoleId, availability: input.availability ?? "offline", auto_offline: input.autoOffline ?? false })
      .where(and(eq(account_users.account_id, accountId), eq(account_users.user_id, user.id)))
      .run();
    return { userId: user.id, invite: user.confirmed_at === null };
  });
  if (invite) await sendPasswordResetLink(deps, userId, "invite");
  return getAgentRow(deps.db, accountId, userId);
}

/** Chatwoot's bulk_create: each email becomes an agent named after its local part; bad or taken emails are skipped. */
export async function inviteAgents(deps: AppDeps, scope: AccountScope, emails: string[]): Promise<AgentRow[]> {
  authorizeManageAgents(scope);
  const invited: AgentRow[] = [];
  for (const email of emails) {
    try {
      invited.push(await inviteAgent(deps, scope, { email }));
    } catch (err) {
      if (!(err instanceof Validation || err instanceof Conflict)) throw err;
    }
  }
  return invited;
}

export type AgentPatch = RoleChoice & { name?: string; availability?: Availability; autoOffline?: boolean };

/**
 * Edit name, role and availability. The new role applies from the agent's next request. The last verified
 * administrator cannot be demoted. Saving an agent who has not confirmed yet sends the invitation again
 * (the help center's "resend the invite by re-saving").
 */
export async function updateAgent(deps: AppDeps, scope: AccountScope, userId: number, patch: AgentPatch): Promise<AgentRow> {
  authorizeManageAgents(scope);
  if (patch.name !== undefined) checkName(patch.name);
  const accountId = scope.account.id;
  const agent = deps.tx((tx) => {
    const current = getAgentRow(tx.db, accountId, userId);
    const resolved = resolveRole(tx, accountId, patch);
    if (resolved && (resolved.role !== current.membership.role || resolved.customRoleId !== current.membership.custom_role_id)) {
      if (resolved.role !== "administrator") assertNotLastVerifiedAdministrator(tx, current, "role", "demoted");
      tx.db
        .update(account_users)
        .set({ role: resolved.role, custom_role_id: resolved.customRoleId, updated_at: tx.now })
        .where(eq(account_users.id, current.membership.id))
        .run();
      tx.emit("account_user.updated", { account_id: accountId, user_id: userId, role: resolved.role });
    }
    if (patch.name !== undefined) updateUser(tx, userId, { name: patch.name });
    if (patch.availability !== undefined) setAvailability(tx, userId, accountId, patch.availability);
    if (patch.autoOffline !== undefined) setAutoOffline(tx, userId, accountId, patch.autoOffline);
    return getAgentRow(tx.db, accountId, userId);
  });
  if (agent.user.confirmed_at === null) await sendPasswordResetLink(deps, userId, "invite");
  return agent;
}

/** Removes the agent from the account; teams, inboxes and assignments are cleaned up by a durable job. */
export function removeAgent(tx: Tx, scope: AccountScope, userId: number): void {
  authorizeManageAgents(scope);
  const agent = getAgentRow(tx.db, scope.account.id, userId);
  if (userId === scope.userId) throw Validation.field("id", "is you: you cannot delete yourself");
  assertNotLastVerifiedAdministrator(tx, agent, "id", "deleted");
  removeAccountUser(tx, scope.account.id, userId);
}

function assertNotLastVerifiedAdministrator(tx: Tx, agent: AgentRow, field: string, verb: string) {
  const verifiedAdmin = agent.membership.role === "administrator" && agent.user.confirmed_at !== null;
  if (verifiedAdmin && otherVerifiedAdministrators(tx.db, agent.membership.account_id, agent.user.id) === 0) {
    throw Validation.field(field, `is the last verified administrator of the account and cannot be ${verb}`);
  }
}

/** Sends the invitation again to an agent who has not set a password yet. */
export async function resendInvitation(deps: AppDeps, scope: AccountScope, userId: number): Promise<AgentRow> {
  authorizeManageAgents(scope);
  const agent = getAgentRow(deps.db, scope.account.id, userId);
  if (agent.user.confirmed_at !== null) throw Validation.field("id", "has already confirmed their account");
  await sendPasswordResetLink(deps, userId, "invite");
  return agent;
}

/** The edit modal's Reset Password: emails the agent a fresh password-reset link. */
export async function sendAgentPasswordReset(deps: AppDeps, scope: AccountScope, userId: number): Promise<AgentRow> {
  authorizeManageAgents(scope);
  const agent = getAgentRow(deps.db, scope.account.id, userId);
  await sendPasswordResetLink(deps, userId, agent.user.confirmed_at === null ? "invite" : "reset");
  return agent;
}

/** The durable reaction to a removed membership (agents API or Platform API): one cleanup job per removal. */
export function enqueueAgentCleanup(tx: Tx, data: { account_id: number; user_id: number }): void {
  enqueue(tx, {
    kind: AGENT_CLEANUP_JOB,
    payload: { account_id: data.account_id, user_id: data.user_id },
    delayMs: AGENT_CLEANUP_DELAY_MS,
    orderingKey: `${AGENT_CLEANUP_JOB}:${data.account_id}:${data.user_id}`,
  });
}

export type CleanupResult = { teams: number; inboxes: number; unassigned: number; skipped: boolean };

/**
 * Chatwoot's Agents::DestroyJob, in one transaction: the former agent leaves every team and inbox of the
 * account and every conversation of the account they were assigned is left unassigned (not deleted, not
 * re-routed, not re-assigned). Idempotent; does nothing if the user has joined the account again since.
 */
export function cleanupRemovedAgent(tx: Tx, input: { account_id: number; user_id: number }): CleanupResult {
  const { account_id: accountId, user_id: userId } = input;
  if (findAgentRow(tx.db, accountId, userId)) return { teams: 0, inboxes: 0, unassigned: 0, skipped: true };
  const accountTeams = tx.db.select({ id: teams.id }).from(teams).where(eq(teams.account_id, accountId));
  const accountInboxes = tx.db.select({ id: inboxes.id }).from(inboxes).where(eq(inboxes.account_id, accountId));
  const teamCount = tx.db
    .delete(team_members)
    .where(and(eq(team_members.user_id, userId), inArray(team_members.team_id, accountTeams)))
    .returning({ id: team_members.id })
    .all().length;
  const inboxCount = tx.db
    .delete(inbox_members)
    .where(and(eq(inbox_members.user_id, userId), inArray(inbox_members.inbox_id, accountInboxes)))
    .returning({ id: inbox_members.id })
    .all().length;
  const assigned = tx.db
    .update(conversations)
    .set({ assignee_id: null, updated_at: tx.now })
    .where(and(eq(conversations.account_id, accountId), eq(conversations.assignee_id, userId)))
    .returning({ id: conversations.id })
    .all();
  for (const c of assigned) {
    tx.emit("assignee.changed", { account_id: accountId, conversation_id: c.id, previous_assignee_id: userId, assignee_id: null });
  }
  return { teams: teamCount, inboxes: inboxCount, unassigned: assigned.length, skipped: false };
}
