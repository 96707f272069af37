import type { Db } from "../../db/client.ts";
import type { AppDeps } from "../../deps.ts";
import { preparedFor } from "../../db/prepared.ts";
import type { Tx } from "../../db/tx.ts";
import { enqueue } from "../../jobs/queue.ts";
import type { ConversationRow } from "../conversations/records.ts";

/** Assigns an inbox's waiting conversations (open, unassigned) while agents have room: payload { inbox_id }. */
export const ASSIGN_WAITING_JOB = "assignment.assign_waiting";
/** Hands the open conversations of an agent who went offline to others, in inboxes that ask for it: { account_id, user_id }. */
export const AGENT_OFFLINE_JOB = "assignment.agent_offline";

const waitingInInbox = preparedFor((db) =>
  db.$client.prepare<{ one: number }, [number, number]>(
    "SELECT 1 AS one FROM conversations WHERE account_id = ?1 AND assignee_id IS NULL AND status = 'open' AND inbox_id = ?2 LIMIT 1",
  ),
);
const autoAssigns = preparedFor((db) => db.$client.prepare<{ on: number }, [number]>("SELECT enable_auto_assignment AS \"on\" FROM inboxes WHERE id = ?1"));
const pendingJob = preparedFor((db) =>
  db.$client.prepare<{ one: number }, [string]>("SELECT 1 AS one FROM jobs WHERE ordering_key = ?1 AND status IN ('pending', 'blocked') LIMIT 1"),
);
const inboxesOfMember = preparedFor((db) =>
  db.$client.prepare<{ inbox_id: number }, [number, number]>(
    `SELECT im.inbox_id FROM inbox_members im JOIN inboxes i ON i.id = im.inbox_id
     WHERE im.user_id = ?1 AND i.account_id = ?2 AND i.enable_auto_assignment = 1`,
  ),
);

const handsOverForMember = preparedFor((db) =>
  db.$client.prepare<{ one: number }, [number, number]>(
    `SELECT 1 AS one FROM inbox_members im JOIN inboxes i ON i.id = im.inbox_id
     WHERE im.user_id = ?1 AND i.account_id = ?2 AND i.enable_auto_assignment = 1
       AND json_extract(i.auto_assignment_config, '$.reassign_on_offline') IN (1, 'true') LIMIT 1`,
  ),
);

function waitingKey(inboxId: number): string {
  return `assignment:inbox:${inboxId}`;
}

/** Queues one run of the waiting-conversation assignment for an inbox (at most one waits at a time). */
export function enqueueAssignWaiting(tx: Tx, inboxId: number): void {
  const key = waitingKey(inboxId);
  if (pendingJob(tx.db).get(key)) return;
  enqueue(tx, { kind: ASSIGN_WAITING_JOB, payload: { inbox_id: inboxId }, orderingKey: key, maxAttempts: 5 });
}

function hasWaiting(db: Db, accountId: number, inboxId: number): boolean {
  return !!waitingInInbox(db).get(accountId, inboxId);
}

/**
 * Called by changeConversation: when an open conversation stops holding an agent's capacity (resolved, snoozed,
 * pending, or handed to someone else) in an inbox with auto-assignment, the inbox's waiting conversations get a turn.
 */
export function capacityMayHaveFreed(tx: Tx, before: ConversationRow | null, next: ConversationRow): void {
  if (!before || before.status !== "open" || before.assignee_id == null) return;
  if (next.status === "open" && next.assignee_id === before.assignee_id) return;
  if (!autoAssigns(tx.db).get(next.inbox_id)?.on) return;
  if (hasWaiting(tx.db, next.account_id, next.inbox_id)) enqueueAssignWaiting(tx, next.inbox_id);
}

/**
 * Called when an agent's availability changes (explicitly, or by presence arriving or lapsing): coming online,
 * their inboxes' waiting conversations get a turn; going offline, their open conversations may be handed over.
 */
export function availabilityChanged(tx: Tx, accountId: number, userId: number, online: boolean): void {
  if (online) {
    for (const { inbox_id } of inboxesOfMember(tx.db).all(userId, accountId)) {
      if (hasWaiting(tx.db, accountId, inbox_id)) enqueueAssignWaiting(tx, inbox_id);
    }
  } else if (handsOverForMember(tx.db).get(userId, accountId)) {
    enqueue(tx, { kind: AGENT_OFFLINE_JOB, payload: { account_id: accountId, user_id: userId }, orderingKey: `assignment:agent:${accountId}:${userId}`, maxAttempts: 5 });
  }
}

const presenceMatters = preparedFor((db) =>
  db.$client.prepare<{ one: number }, [number, number]>(
    "SELECT 1 AS one FROM account_users WHERE account_id = ?1 AND user_id = ?2 AND availability = 'online' AND auto_offline = 1",
  ),
);

/**
 * The realtime presence of an agent with auto-offline arrived (dashboard opened) or lapsed (no heartbeat for 20 s):
 * for assignment that is coming online or going offline. Called by the cable outside any transaction.
 */
export function presenceChanged(deps: Pick<AppDeps, "db" | "tx">, accountId: number, userId: number, present: boolean): void {
  if (!presenceMatters(deps.db).get(accountId, userId)) return;
  deps.tx((tx) => availabilityChanged(tx, accountId, userId, present));
}

/**
 * An inbox's assignment settings or limits changed (policy linked or unlinked, a limit raised or removed): its
 * waiting conversations get a turn, as agents may have room now.
 */
export function assignmentSettingsChanged(tx: Tx, accountId: number, inboxId: number): void {
  if (!autoAssigns(tx.db).get(inboxId)?.on) return;
  if (hasWaiting(tx.db, accountId, inboxId)) enqueueAssignWaiting(tx, inboxId);
}
