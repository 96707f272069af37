import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { inbox_members, inboxes } from "../../db/schema/inboxes.ts";
import type { AccountScope } from "../accounts/access.ts";
import { listAgentRows, type AgentRow } from "../agents/queries.ts";
import { NotFound } from "../errors.ts";
import { authorizeSeeInboxMembers } from "./policy.ts";

/** The inbox's id if it belongs to the account; any other id is "not found". */
export function getInboxId(db: Db, accountId: number, inboxId: number): number {
  const row = db.select({ id: inboxes.id }).from(inboxes).where(and(eq(inboxes.account_id, accountId), eq(inboxes.id, inboxId))).get();
  if (!row) throw new NotFound("Inbox");
  return row.id;
}

export function inboxMemberIds(db: Db, inboxId: number): number[] {
  return db.select({ id: inbox_members.user_id }).from(inbox_members).where(eq(inbox_members.inbox_id, inboxId)).all().map((r) => r.id);
}

/** Agents of the account who are members of the inbox. */
export function listInboxMembers(db: Db, scope: AccountScope, inboxId: number): AgentRow[] {
  const id = getInboxId(db, scope.account.id, inboxId);
  authorizeSeeInboxMembers(db, scope, id);
  return listAgentRows(db, scope.account.id, inboxMemberIds(db, id));
}

/**
 * Chatwoot's assignable_agents: the agents who are members of every given inbox, plus the account's
 * administrators. The actor must be able to see each inbox.
 */
export function listAssignableAgents(db: Db, scope: AccountScope, inboxIds: number[]): AgentRow[] {
  const ids = [...new Set(inboxIds)].map((id) => getInboxId(db, scope.account.id, id));
  for (const id of ids) authorizeSeeInboxMembers(db, scope, id);
  let common = null as Set<number> | null;
  for (const id of ids) {
    const members = new Set(inboxMemberIds(db, id));
    common = common === null ? members : new Set([...common].filter((u) => members.has(u)));
  }
  const agents = listAgentRows(db, scope.account.id, [...(common ?? [])]);
  const admins = listAgentRows(db, scope.account.id).filter((a) => a.membership.role === "administrator");
  const seen = new Set(agents.map((a) => a.user.id));
  return [...agents, ...admins.filter((a) => !seen.has(a.user.id))];
}

