import type { Db } from "../../db/client.ts";
import { preparedFor } from "../../db/prepared.ts";
import type { AssignmentOrder, ConversationPriority } from "../../db/schema/assignment.ts";
import type { Tx } from "../../db/tx.ts";
import { presenceTracker } from "../../realtime/presence.ts";
import type { InboxRow } from "../conversations/records.ts";

/** The part of an inbox's assignment policy the picker needs (an enabled policy; a disabled one counts as none). */
export type ActivePolicy = {
  id: number;
  name: string;
  assignment_order: AssignmentOrder;
  conversation_priority: ConversationPriority;
  fair_distribution_limit: number;
  fair_distribution_window: number;
};

export type PickOptions = {
  /** The conversation's team: only its members are candidates. */
  teamId?: number | null;
  /** The conversation being assigned: the pick is recorded against it for the fair-distribution window. */
  conversationId?: number;
  /** Agents never to pick (the agent whose conversations are being handed over). */
  exclude?: number[];
};

type Candidate = { user_id: number; auto_offline: number };

const policyOfInbox = preparedFor((db) =>
  db.$client.prepare<ActivePolicy, [number]>(
    `SELECT p.id, p.name, p.assignment_order, p.conversation_priority, p.fair_distribution_limit, p.fair_distribution_window
     FROM inbox_assignment_policies iap JOIN assignment_policies p ON p.id = iap.assignment_policy_id
     WHERE iap.inbox_id = ?1 AND p.enabled = 1`,
  ),
);

const onlineMembers = preparedFor((db) =>
  db.$client.prepare<Candidate, [number, number]>(
    `SELECT im.user_id, au.auto_offline FROM inbox_members im
     JOIN account_users au ON au.user_id = im.user_id AND au.account_id = ?2
     WHERE im.inbox_id = ?1 AND au.availability = 'online'
     ORDER BY im.user_id`,
  ),
);

const teamMembers = preparedFor((db) =>
  db.$client.prepare<{ user_id: number }, [number, number]>(
    "SELECT tm.user_id FROM team_members tm JOIN teams t ON t.id = tm.team_id WHERE tm.team_id = ?1 AND t.account_id = ?2",
  ),
);

const capacityLimits = preparedFor((db) =>
  db.$client.prepare<{ user_id: number; conversation_limit: number }, [number, number]>(
    `SELECT cpu.user_id, icl.conversation_limit FROM agent_capacity_policy_users cpu
     JOIN inbox_capacity_limits icl ON icl.agent_capacity_policy_id = cpu.agent_capacity_policy_id
     WHERE cpu.account_id = ?1 AND icl.inbox_id = ?2`,
  ),
);

const openCounts = preparedFor((db) =>
  db.$client.prepare<{ assignee_id: number; n: number }, [number, string, number]>(
    `SELECT assignee_id, count(*) AS n FROM conversations
     WHERE account_id = ?1 AND assignee_id IN (SELECT value FROM json_each(?2)) AND status = 'open' AND inbox_id = ?3
     GROUP BY assignee_id`,
  ),
);

const recentAssignments = preparedFor((db) =>
  db.$client.prepare<{ user_id: number; n: number }, [number, number, string]>(
    `SELECT user_id, count(*) AS n FROM auto_assignments
     WHERE inbox_id = ?1 AND assigned_at > ?2 AND user_id IN (SELECT value FROM json_each(?3))
     GROUP BY user_id`,
  ),
);

const readCursor = preparedFor((db) => db.$client.prepare<{ last: number | null }, [number]>("SELECT user_id AS last FROM assignment_cursors WHERE inbox_id = ?1"));
const writeCursor = preparedFor((db) =>
  db.$client.prepare<never, [number, number]>(
    "INSERT INTO assignment_cursors (inbox_id, user_id) VALUES (?1, ?2) ON CONFLICT (inbox_id) DO UPDATE SET user_id = excluded.user_id",
  ),
);
const recordAssignment = preparedFor((db) =>
  db.$client.prepare<never, [number, number, number, number]>("INSERT INTO auto_assignments (inbox_id, user_id, conversation_id, assigned_at) VALUES (?1, ?2, ?3, ?4)"),
);
const pruneAssignments = preparedFor((db) =>
  db.$client.prepare<never, [number, number, number]>("DELETE FROM auto_assignments WHERE inbox_id = ?1 AND user_id = ?2 AND assigned_at <= ?3"),
);

/** The inbox's enabled assignment policy, or null (the inbox then keeps the legacy round robin). */
export function activePolicy(db: Db, inboxId: number): ActivePolicy | null {
  return policyOfInbox(db).get(inboxId) ?? null;
}

/** The inbox-wide cap of open conversations per agent (Chatwoot EE's auto_assignment_config.max_assignment_limit). */
export function inboxAssignmentLimit(inbox: Pick<InboxRow, "auto_assignment_config">): number | null {
  const raw = inbox.auto_assignment_config?.max_assignment_limit;
  const n = typeof raw === "string" && /^\d+$/.test(raw) ? Number(raw) : raw;
  return typeof n === "number" && Number.isInteger(n) && n > 0 ? n : null;
}

/** Whether the inbox hands an offline agent's open conversations to someone else (auto_assignment_config.reassign_on_offline). */
export function reassignsOnOffline(inbox: Pick<InboxRow, "auto_assignment_config">): boolean {
  const raw = inbox.auto_assignment_config?.reassign_on_offline;
  return raw === true || raw === "true" || raw === 1;
}

/**
 * Agents who count as online in an account: availability "online" and, unless they turned auto-offline off, a
 * dashboard that reported presence within the last 20 s (an agent whose tab closed is offline, as in Chatwoot).
 */
function isOnline(db: Db, accountId: number, c: Candidate): boolean {
  return !c.auto_offline || presenceTracker(db).isUserOnline(accountId, c.user_id);
}

export function isAgentOnline(db: Db, accountId: number, userId: number, autoOffline: boolean, availability: string): boolean {
  return availability === "online" && isOnline(db, accountId, { user_id: userId, auto_offline: autoOffline ? 1 : 0 });
}

function countsOf<K extends string>(rows: ({ n: number } & Record<K, number>)[], key: K): Map<number, number> {
  return new Map(rows.map((r) => [r[key], r.n]));
}

/**
 * The one auto-assignment decision, used by every path (a conversation opening, a team with auto-assign, waiting
 * conversations when capacity frees up, hand-over from an agent who went offline). Candidates are the inbox's
 * online members (narrowed to the conversation's team when it has one), minus agents at capacity — the inbox's
 * max_assignment_limit and their capacity policy's limit for the inbox — and, under a policy, agents who already
 * got fair_distribution_limit conversations within fair_distribution_window seconds. Round robin takes the next
 * candidate after the inbox's cursor; balanced the one with the fewest open conversations in the inbox, ties in
 * round-robin order. The cursor moves to the pick. Runs inside the caller's write transaction, which SQLite
 * serializes, so concurrent creations see each other's assignments and never double-count.
 */
export function pickAssignee(tx: Tx, inbox: InboxRow, opts: PickOptions = {}): number | null {
  const db = tx.db;
  const accountId = inbox.account_id;
  let candidates = onlineMembers(db)
    .all(inbox.id, accountId)
    .filter((c) => isOnline(db, accountId, c))
    .map((c) => c.user_id);
  if (opts.teamId != null) {
    const team = new Set(teamMembers(db).all(opts.teamId, accountId).map((r) => r.user_id));
    candidates = candidates.filter((id) => team.has(id));
  }
  if (opts.exclude?.length) candidates = candidates.filter((id) => !opts.exclude!.includes(id));
  if (!candidates.length) return null;

  const policy = activePolicy(db, inbox.id);
  const inboxLimit = inboxAssignmentLimit(inbox);
  const limits = new Map(capacityLimits(db).all(accountId, inbox.id).map((r) => [r.user_id, r.conversation_limit]));
  const needOpen = inboxLimit != null || candidates.some((id) => limits.has(id)) || policy?.assignment_order === "balanced";
  const open = needOpen ? countsOf(openCounts(db).all(accountId, JSON.stringify(candidates), inbox.id), "assignee_id") : new Map<number, number>();

  let eligible = candidates.filter((id) => {
    const n = open.get(id) ?? 0;
    if (inboxLimit != null && n >= inboxLimit) return false;
    const own = limits.get(id);
    return own === undefined || n < own;
  });
  if (policy && eligible.length) {
    const since = tx.now - policy.fair_distribution_window * 1000;
    const recent = countsOf(recentAssignments(db).all(inbox.id, since, JSON.stringify(eligible)), "user_id");
    eligible = eligible.filter((id) => (recent.get(id) ?? 0) < policy.fair_distribution_limit);
  }
  if (!eligible.length) return null;

  // Round-robin order: the agents after the cursor, then the ones from the start.
  const cursor = readCursor(db).get(inbox.id)?.last ?? null;
  const after = cursor == null ? 0 : eligible.findIndex((id) => id > cursor);
  const ordered = after <= 0 ? eligible : [...eligible.slice(after), ...eligible.slice(0, after)];
  let picked = ordered[0];
  if (policy?.assignment_order === "balanced") {
    for (const id of ordered) if ((open.get(id) ?? 0) < (open.get(picked) ?? 0)) picked = id;
  }
  writeCursor(db).run(inbox.id, picked);
  if (policy && opts.conversationId != null) {
    pruneAssignments(db).run(inbox.id, picked, tx.now - policy.fair_distribution_window * 1000);
    recordAssignment(db).run(inbox.id, picked, opts.conversationId, tx.now);
  }
  return picked;
}
