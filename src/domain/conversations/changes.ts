import type { SQLQueryBindings } from "bun:sqlite";
import { and, eq } from "drizzle-orm";
import { users } from "../../db/schema/accounts.ts";
import { conversation_participants, conversations } from "../../db/schema/conversations.ts";
import { inboxes } from "../../db/schema/inboxes.ts";
import { team_members, teams } from "../../db/schema/teams.ts";
import type { Tx } from "../../db/tx.ts";
import type { ChangedAttributes } from "../../events/types.ts";
import { isoTime } from "../../lib/clock.ts";
import { pickAssignee } from "../assignment/picker.ts";
import { isInboxMember } from "../assignment/round-robin.ts";
import { capacityMayHaveFreed } from "../assignment/triggers.ts";
import { addActivityMessage, eventPerformer } from "../messages/commands.ts";
import { notify, notifyConversationCreated } from "../notifications/commands.ts";
import { ACTIVITY, fill } from "./activity.ts";
import type { ConversationRow } from "./records.ts";
import { priorityName } from "./serialize.ts";

/** Who made a change: shown in activity messages ("… by Ada") and used to skip self-notifications. */
export type Performer = { type: "User" | "AgentBot" | "Contact" | "AutomationRule"; id: number; name: string } | null;

export type ConversationPatch = Partial<
  Pick<
    ConversationRow,
    | "status"
    | "snoozed_until"
    | "assignee_id"
    | "assignee_agent_bot_id"
    | "team_id"
    | "priority"
    | "custom_attributes"
    | "additional_attributes"
    | "cached_label_list"
    | "waiting_since"
    | "first_reply_created_at"
    | "agent_last_seen_at"
    | "assignee_last_seen_at"
    | "contact_last_seen_at"
    | "contact_id"
    | "last_activity_at"
  >
>;

/** Attributes whose change Chatwoot announces with conversation_updated (Conversation#list_of_keys). */
const ANNOUNCED = ["team_id", "assignee_id", "assignee_agent_bot_id", "status", "snoozed_until", "custom_attributes", "cached_label_list", "waiting_since", "first_reply_created_at", "priority"] as const;
const TIME_KEYS = new Set(["snoozed_until", "waiting_since", "first_reply_created_at"]);

function announcedValue(key: string, value: unknown): unknown {
  if (value == null) return null;
  if (TIME_KEYS.has(key)) return isoTime(value as number);
  if (key === "priority") return priorityName(value as number);
  if (key === "cached_label_list") return String(value).split(",").filter(Boolean);
  return value;
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a && b && typeof a === "object" && typeof b === "object") return JSON.stringify(a) === JSON.stringify(b);
  return false;
}

function teamMemberIds(tx: Tx, teamId: number): number[] {
  return tx.db
    .select({ id: team_members.user_id })
    .from(team_members)
    .where(eq(team_members.team_id, teamId))
    .all()
    .map((r) => r.id);
}

/**
 * The rules Chatwoot runs around saving a conversation (AssignmentHandler, AutoAssignmentHandler):
 * a new team drops an assignee who is not in it and, with allow_auto_assign, picks one of its online
 * members; a conversation that becomes open without an assignee goes round-robin in an inbox with
 * auto-assignment on.
 */
function settleAssignment(tx: Tx, before: ConversationRow | null, next: ConversationRow): void {
  const teamChanged = before ? before.team_id !== next.team_id : next.team_id != null;
  const opened = next.status === "open" && (!before || before.status !== "open");
  if (!(teamChanged && next.team_id != null) && !opened) {
    if (next.assignee_id != null) next.assignee_agent_bot_id = null;
    return;
  }
  const inbox = tx.db.select().from(inboxes).where(eq(inboxes.id, next.inbox_id)).get();
  if (!inbox) return;
  if (teamChanged && next.team_id != null) {
    const team = tx.db.select().from(teams).where(eq(teams.id, next.team_id)).get();
    const members = team ? teamMemberIds(tx, team.id) : [];
    if (next.assignee_id != null && !members.includes(next.assignee_id)) next.assignee_id = null;
    if (next.assignee_id == null && team?.allow_auto_assign) next.assignee_id = pickAssignee(tx, inbox, { teamId: team.id, conversationId: next.id });
  }
  if (opened && inbox.enable_auto_assignment && (next.assignee_id == null || !isInboxMember(tx, inbox.id, next.assignee_id))) {
    const picked = pickAssignee(tx, inbox, { teamId: next.team_id, conversationId: next.id });
    if (picked != null) next.assignee_id = picked;
  }
  if (next.assignee_id != null) next.assignee_agent_bot_id = null;
}

function userName(tx: Tx, id: number | null): string {
  if (id == null) return "";
  const u = tx.db.select({ name: users.name, display_name: users.display_name }).from(users).where(eq(users.id, id)).get();
  return u ? u.display_name?.trim() || u.name : "";
}

function teamName(tx: Tx, id: number | null): string {
  if (id == null) return "";
  return tx.db.select({ name: teams.name }).from(teams).where(eq(teams.id, id)).get()?.name ?? "";
}

/** UPDATE of just these columns, as one statement compiled once per column set (this runs in every message write). */
function updateConversationColumns(tx: Tx, id: number, accountId: number, values: Record<string, unknown>): void {
  const columns = Object.keys(values).sort();
  const sql = `UPDATE conversations SET ${columns.map((c, i) => `"${c}" = ?${i + 3}`).join(", ")} WHERE id = ?1 AND account_id = ?2`;
  const params = columns.map((c) => {
    const v = values[c];
    return v !== null && typeof v === "object" ? JSON.stringify(v) : (v as SQLQueryBindings);
  });
  tx.db.$client.prepare(sql).run(id, accountId, ...params);
}

/**
 * Applies a change to a conversation with everything that follows from it in Chatwoot: assignment
 * rules, snooze reset, participants, assignment notifications, events (status_changed, assignee.changed,
 * team.changed, conversation.updated) and activity messages. With `created` the row was just inserted
 * and conversation.created is emitted first. Returns the row as stored.
 */
export function changeConversation(tx: Tx, by: Performer, current: ConversationRow, patch: ConversationPatch, opts: { created?: boolean } = {}): ConversationRow {
  const before = opts.created ? null : current;
  const next: ConversationRow = { ...current, ...patch };
  if (next.status !== "snoozed") next.snoozed_until = null;
  if (before && next.status === "resolved" && before.status !== "resolved") next.waiting_since = null;
  settleAssignment(tx, before, next);
  capacityMayHaveFreed(tx, before, next);

  const base = before ?? current;
  const changed = Object.keys(next).filter((k) => !same((next as Record<string, unknown>)[k], (current as Record<string, unknown>)[k]));
  if (changed.length || !before) {
    next.updated_at = tx.now;
    // Only the columns that changed: SQLite rewrites the entries of every index whose columns are SET.
    const values: Record<string, unknown> = { updated_at: tx.now };
    for (const k of changed) if (!["id", "account_id", "display_id", "uuid", "created_at"].includes(k)) values[k] = (next as Record<string, unknown>)[k];
    updateConversationColumns(tx, next.id, next.account_id, values);
  }

  const assigneeChanged = before ? base.assignee_id !== next.assignee_id : next.assignee_id != null;
  const teamChanged = before ? base.team_id !== next.team_id : next.team_id != null;
  const statusChanged = !!before && base.status !== next.status;

  const ev = { account_id: next.account_id, conversation_id: next.id, ...eventPerformer(by) };
  if (!before) tx.emit("conversation.created", ev);
  // The inbox's members hear of a new conversation, or of a bot's pending one handed over to them.
  if (!before || (statusChanged && base.status === "pending" && next.status === "open")) notifyConversationCreated(tx, next);
  if (statusChanged) tx.emit("conversation.status_changed", { ...ev, previous: base.status, status: next.status });
  if (assigneeChanged) tx.emit("assignee.changed", { ...ev, previous_assignee_id: before ? base.assignee_id : null, assignee_id: next.assignee_id });
  if (teamChanged) tx.emit("team.changed", { ...ev, previous_team_id: before ? base.team_id : null, team_id: next.team_id });
  if (before) {
    const changedAttributes: ChangedAttributes = {};
    for (const key of ANNOUNCED) {
      if (!same(base[key], next[key])) {
        changedAttributes[key === "cached_label_list" ? "label_list" : key] = {
          previous_value: announcedValue(key, base[key]),
          current_value: announcedValue(key, next[key]),
        };
      }
    }
    if (Object.keys(changedAttributes).length) tx.emit("conversation.updated", { ...ev, changed_attributes: changedAttributes });
  }

  if (assigneeChanged && next.assignee_id != null) {
    tx.db
      .insert(conversation_participants)
      .values({ account_id: next.account_id, conversation_id: next.id, user_id: next.assignee_id, created_at: tx.now })
      .onConflictDoNothing()
      .run();
    const selfAssigned = by?.type === "User" && by.id === next.assignee_id;
    if (!selfAssigned) {
      notify(tx, {
        userId: next.assignee_id,
        type: "conversation_assignment",
        conversation: next,
        secondary: by && (by.type === "User" || by.type === "AgentBot") ? { type: by.type, id: by.id } : null,
      });
    }
  }

  // Activity messages, as Chatwoot writes them when someone (a user or a bot) made the change.
  let wroteActivity = false;
  if (by && by.type !== "Contact" && (teamChanged || assigneeChanged || statusChanged || (before && base.priority !== next.priority))) {
    wroteActivity = true;
    const name = by.name;
    if (teamChanged) {
      const content =
        next.team_id == null
          ? fill(ACTIVITY.team.removed, { team_name: teamName(tx, base.team_id), user_name: name })
          : next.assignee_id != null && assigneeChanged
            ? fill(ACTIVITY.team.assigned_with_assignee, { assignee_name: userName(tx, next.assignee_id), team_name: teamName(tx, next.team_id), user_name: name })
            : fill(ACTIVITY.team.assigned, { team_name: teamName(tx, next.team_id), user_name: name });
      addActivityMessage(tx, next, content);
    } else if (assigneeChanged) {
      const content =
        next.assignee_id == null
          ? fill(ACTIVITY.assignee.removed, { user_name: name })
          : by.type === "User" && by.id === next.assignee_id
            ? fill(ACTIVITY.assignee.self_assigned, { user_name: name })
            : fill(ACTIVITY.assignee.assigned, { assignee_name: userName(tx, next.assignee_id), user_name: name });
      addActivityMessage(tx, next, content);
    }
    if (statusChanged) addActivityMessage(tx, next, fill(ACTIVITY.status[next.status], { user_name: name }));
    if (before && base.priority !== next.priority) {
      const content =
        next.priority == null
          ? fill(ACTIVITY.priority.removed, { user_name: name })
          : base.priority == null
            ? fill(ACTIVITY.priority.added, { user_name: name, new_priority: priorityName(next.priority)! })
            : fill(ACTIVITY.priority.updated, { user_name: name, old_priority: priorityName(base.priority)!, new_priority: priorityName(next.priority)! });
      addActivityMessage(tx, next, content);
    }
  }
  return wroteActivity ? tx.db.select().from(conversations).where(eq(conversations.id, next.id)).get()! : next;
}
