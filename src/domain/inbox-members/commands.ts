import { and, eq, inArray } from "drizzle-orm";
import { inbox_members } from "../../db/schema/inboxes.ts";
import type { Tx } from "../../db/tx.ts";
import type { AccountScope } from "../accounts/access.ts";
import { listAgentRows, nonMembers, type AgentRow } from "../agents/queries.ts";
import { Validation } from "../errors.ts";
import { authorizeManageInboxMembers } from "./policy.ts";
import { getInboxId, inboxMemberIds } from "./queries.ts";

// Inbox membership is what gives an agent an inbox's conversations: adding someone to the account grants
// no inbox; an administrator adds them here.

function checkMembers(tx: Tx, accountId: number, userIds: number[]) {
  const strangers = nonMembers(tx.db, accountId, userIds);
  if (strangers.length) throw Validation.field("user_ids", `must be agents of this account (unknown: ${strangers.join(", ")})`);
}

function insertMembers(tx: Tx, inboxId: number, userIds: number[]) {
  for (const userId of new Set(userIds)) {
    tx.db.insert(inbox_members).values({ inbox_id: inboxId, user_id: userId, created_at: tx.now }).onConflictDoNothing().run();
  }
}

function removeMembers(tx: Tx, inboxId: number, userIds: number[]) {
  if (userIds.length) tx.db.delete(inbox_members).where(and(eq(inbox_members.inbox_id, inboxId), inArray(inbox_members.user_id, userIds))).run();
}

/** Adds the agents to the inbox; returns the inbox's members. */
export function addInboxMembers(tx: Tx, scope: AccountScope, inboxId: number, userIds: number[]): AgentRow[] {
  authorizeManageInboxMembers(scope);
  const id = getInboxId(tx.db, scope.account.id, inboxId);
  checkMembers(tx, scope.account.id, userIds);
  insertMembers(tx, id, userIds);
  return listAgentRows(tx.db, scope.account.id, inboxMemberIds(tx.db, id));
}

/** Makes the inbox's members exactly these agents; returns them. */
export function replaceInboxMembers(tx: Tx, scope: AccountScope, inboxId: number, userIds: number[]): AgentRow[] {
  authorizeManageInboxMembers(scope);
  const id = getInboxId(tx.db, scope.account.id, inboxId);
  checkMembers(tx, scope.account.id, userIds);
  const keep = new Set(userIds);
  removeMembers(tx, id, inboxMemberIds(tx.db, id).filter((u) => !keep.has(u)));
  insertMembers(tx, id, userIds);
  return listAgentRows(tx.db, scope.account.id, inboxMemberIds(tx.db, id));
}

/** Removes the agents from the inbox; ids that are not members are ignored. */
export function removeInboxMembers(tx: Tx, scope: AccountScope, inboxId: number, userIds: number[]): void {
  authorizeManageInboxMembers(scope);
  const id = getInboxId(tx.db, scope.account.id, inboxId);
  removeMembers(tx, id, userIds);
}
