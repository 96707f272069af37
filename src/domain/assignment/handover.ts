import { and, asc, eq, isNull } from "drizzle-orm";
import { account_users, users } from "../../db/schema/accounts.ts";
import { agent_capacity_policies, inbox_capacity_limits } from "../../db/schema/assignment.ts";
import { conversations } from "../../db/schema/conversations.ts";
import { inboxes } from "../../db/schema/inboxes.ts";
import type { Tx } from "../../db/tx.ts";
import { ACTIVITY, fill } from "../conversations/activity.ts";
import { changeConversation } from "../conversations/changes.ts";
import type { ConversationRow, InboxRow } from "../conversations/records.ts";
import { addActivityMessage } from "../messages/commands.ts";
import type { AppDeps } from "../../deps.ts";
import { AGENT_OFFLINE_JOB, ASSIGN_WAITING_JOB } from "./triggers.ts";
import { activePolicy, isAgentOnline, pickAssignee, reassignsOnOffline } from "./picker.ts";

/**
 * Chatwoot EE's exclusion rules for waiting conversations: those of the first capacity policy with a limit for the
 * inbox — conversations with an excluded label, or created more than exclude_older_than_hours ago, are left alone.
 */
function exclusionRulesFor(tx: Tx, inboxId: number): { labels: Set<string>; olderThanHours: number | null } {
  const row = tx.db
    .select({ rules: agent_capacity_policies.exclusion_rules })
    .from(inbox_capacity_limits)
    .innerJoin(agent_capacity_policies, eq(agent_capacity_policies.id, inbox_capacity_limits.agent_capacity_policy_id))
    .where(eq(inbox_capacity_limits.inbox_id, inboxId))
    .orderBy(asc(inbox_capacity_limits.id))
    .limit(1)
    .get();
  const rules = row?.rules ?? {};
  const labels = Array.isArray(rules.excluded_labels) ? rules.excluded_labels.filter((l): l is string => typeof l === "string") : [];
  const hours = typeof rules.exclude_older_than_hours === "number" && rules.exclude_older_than_hours > 0 ? rules.exclude_older_than_hours : null;
  return { labels: new Set(labels), olderThanHours: hours };
}

/** How many waiting conversations one run assigns (a later change queues the next run). */
const WAITING_BATCH = 200;

/** Who an automatic assignment is by, in activity messages (Chatwoot: "Automation System via <policy>"). */
function actorName(tx: Tx, inbox: InboxRow): string {
  const policy = activePolicy(tx.db, inbox.id);
  return policy ? `Automation System via ${policy.name}` : "Automation System";
}

function userName(tx: Tx, id: number): string {
  const u = tx.db.select({ name: users.name, display_name: users.display_name }).from(users).where(eq(users.id, id)).get();
  return u ? u.display_name?.trim() || u.name : "";
}

/** Assigns one conversation to the picked agent with the activity message Chatwoot writes for a system assignment. */
function assignTo(tx: Tx, inbox: InboxRow, conversation: ConversationRow, userId: number): void {
  const saved = changeConversation(tx, null, conversation, { assignee_id: userId });
  addActivityMessage(tx, saved, fill(ACTIVITY.assignee.assigned, { assignee_name: userName(tx, userId), user_name: actorName(tx, inbox) }));
}

/**
 * Gives an inbox's waiting conversations (open, no assignee) to agents with room, oldest first — or, under a
 * policy with conversation_priority longest_waiting, the ones whose last activity is oldest. Stops when nobody
 * can take more. Idempotent: a conversation assigned meanwhile is no longer waiting. Returns how many it assigned.
 */
export function assignWaiting(tx: Tx, inboxId: number): number {
  const inbox = tx.db.select().from(inboxes).where(eq(inboxes.id, inboxId)).get();
  if (!inbox || !inbox.enable_auto_assignment) return 0;
  const policy = activePolicy(tx.db, inbox.id);
  const order =
    policy?.conversation_priority === "longest_waiting"
      ? [asc(conversations.last_activity_at), asc(conversations.created_at), asc(conversations.id)]
      : [asc(conversations.created_at), asc(conversations.id)];
  const waiting = tx.db
    .select()
    .from(conversations)
    .where(and(eq(conversations.account_id, inbox.account_id), eq(conversations.inbox_id, inbox.id), eq(conversations.status, "open"), isNull(conversations.assignee_id)))
    .orderBy(...order)
    .limit(WAITING_BATCH)
    .all();
  const rules = exclusionRulesFor(tx, inbox.id);
  const tooOld = rules.olderThanHours ? tx.now - rules.olderThanHours * 3_600_000 : null;
  let assigned = 0;
  let teamless: boolean | null = null;
  for (const c of waiting) {
    if (tooOld != null && c.created_at < tooOld) continue;
    if (rules.labels.size && (c.cached_label_list ?? "").split(",").some((l) => rules.labels.has(l))) continue;
    // Once nobody is free for a teamless conversation, nobody is free for any (team ones only narrow the pool).
    if (teamless === false) break;
    const picked = pickAssignee(tx, inbox, { teamId: c.team_id, conversationId: c.id });
    if (picked == null) {
      if (c.team_id == null) teamless = false;
      continue;
    }
    assignTo(tx, inbox, c, picked);
    assigned++;
  }
  return assigned;
}

/**
 * An agent went offline: in each of their inboxes that asks for it (auto_assignment_config.reassign_on_offline),
 * their open conversations go to another agent picked by the inbox's policy. A conversation nobody can take stays
 * with them. Does nothing if they are online again by the time it runs (idempotent, safe to repeat).
 */
export function handOverFromOfflineAgent(tx: Tx, accountId: number, userId: number): number {
  const member = tx.db
    .select({ availability: account_users.availability, auto_offline: account_users.auto_offline })
    .from(account_users)
    .where(and(eq(account_users.account_id, accountId), eq(account_users.user_id, userId)))
    .get();
  if (member && isAgentOnline(tx.db, accountId, userId, member.auto_offline, member.availability)) return 0;
  const held = tx.db
    .select()
    .from(conversations)
    .where(and(eq(conversations.account_id, accountId), eq(conversations.assignee_id, userId), eq(conversations.status, "open")))
    .orderBy(asc(conversations.created_at), asc(conversations.id))
    .all();
  const inboxCache = new Map<number, InboxRow | null>();
  let moved = 0;
  for (const c of held) {
    if (!inboxCache.has(c.inbox_id)) inboxCache.set(c.inbox_id, tx.db.select().from(inboxes).where(eq(inboxes.id, c.inbox_id)).get() ?? null);
    const inbox = inboxCache.get(c.inbox_id);
    if (!inbox || !inbox.enable_auto_assignment || !reassignsOnOffline(inbox)) continue;
    const picked = pickAssignee(tx, inbox, { teamId: c.team_id, conversationId: c.id, exclude: [userId] });
    if (picked == null) continue;
    assignTo(tx, inbox, c, picked);
    moved++;
  }
  return moved;
}

/** The assignment job kinds and their handlers (registered in src/jobs/kinds.ts). */
export function assignmentJobHandlers(deps: Pick<AppDeps, "tx">) {
  return {
    [ASSIGN_WAITING_JOB]: (payload: { inbox_id: number }) => void deps.tx((tx) => assignWaiting(tx, payload.inbox_id)),
    [AGENT_OFFLINE_JOB]: (payload: { account_id: number; user_id: number }) => void deps.tx((tx) => handOverFromOfflineAgent(tx, payload.account_id, payload.user_id)),
  };
}
