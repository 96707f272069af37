import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { preparedFor } from "../../db/prepared.ts";
import { account_users } from "../../db/schema/accounts.ts";
import { conversation_participants, conversations } from "../../db/schema/conversations.ts";
import { inboxes } from "../../db/schema/inboxes.ts";
import { applied_slas, sla_events, type SlaEventType, type SlaStatus } from "../../db/schema/sla.ts";
import type { Tx } from "../../db/tx.ts";
import type { ChangedAttributes, EventPerformer } from "../../events/types.ts";
import { cancelPendingJobs, enqueue } from "../../jobs/queue.ts";
import type { AccountScope } from "../accounts/access.ts";
import type { ConversationRow } from "../conversations/records.ts";
import { performerOf } from "../messages/commands.ts";
import { Validation } from "../errors.ts";
import { businessHoursOf, type BusinessHoursInbox } from "../inboxes/business-hours.ts";
import { notify, type NotificationType } from "../notifications/commands.ts";
import { addBusinessSeconds } from "./business-time.ts";
import { findSlaPolicy, type SlaPolicyRow } from "./policies.ts";

export type AppliedSlaRow = typeof applied_slas.$inferSelect;
export type SlaEventRow = typeof sla_events.$inferSelect;

export const SLA_EVALUATE_JOB = "sla.evaluate";
export type SlaJobPayload = { conversation_id: number };

const NOTIFICATION_OF: Record<SlaEventType, NotificationType> = {
  frt: "sla_missed_first_response",
  nrt: "sla_missed_next_response",
  rt: "sla_missed_resolution",
};

/** The due times of a conversation's targets under a policy (epoch ms), null when not tracked or not running. */
export type DueTimes = { frt: number | null; nrt: number | null; rt: number | null };

/**
 * Chatwoot's thresholds: first response from the conversation's creation, next response from waiting_since (only
 * after a first reply: before it, the first response target covers the wait), resolution from the creation. With
 * only_during_business_hours the seconds count only the inbox's working time (plain time when its business hours
 * are off).
 */
export function dueTimes(policy: SlaPolicyRow, conv: Pick<ConversationRow, "created_at" | "first_reply_created_at" | "waiting_since">, hours: BusinessHoursInbox | null): DueTimes {
  const add = (start: number, seconds: number) => (policy.only_during_business_hours && hours ? addBusinessSeconds(start, seconds, hours) : start + Math.round(seconds * 1000));
  const frt = policy.first_response_time_threshold;
  const nrt = policy.next_response_time_threshold;
  const rt = policy.resolution_time_threshold;
  return {
    frt: frt != null ? add(conv.created_at, frt) : null,
    nrt: nrt != null && conv.first_reply_created_at != null && conv.waiting_since != null ? add(conv.waiting_since, nrt) : null,
    rt: rt != null ? add(conv.created_at, rt) : null,
  };
}

/** The inbox's week when the policy counts business hours (no query otherwise). */
export function hoursFor(db: Db, policy: SlaPolicyRow, inboxId: number): BusinessHoursInbox | null {
  if (!policy.only_during_business_hours) return null;
  const inbox = db.select({ id: inboxes.id, working_hours_enabled: inboxes.working_hours_enabled, timezone: inboxes.timezone }).from(inboxes).where(eq(inboxes.id, inboxId)).get();
  return inbox ? businessHoursOf(db, inbox) : null;
}

// Raw statements: a conversation under an SLA is evaluated with every reply and every customer message.
const statements = preparedFor((db) => ({
  conversation: db.$client.prepare<Omit<ConversationRow, "additional_attributes" | "custom_attributes"> & { additional_attributes: string; custom_attributes: string }, [number]>(
    "SELECT * FROM conversations WHERE id = ?1",
  ),
  applied: db.$client.prepare<AppliedSlaRow, [number, number, number]>("SELECT * FROM applied_slas WHERE account_id = ?1 AND conversation_id = ?2 AND sla_policy_id = ?3"),
  events: db.$client.prepare<Omit<SlaEventRow, "meta"> & { meta: string }, [number]>("SELECT * FROM sla_events WHERE applied_sla_id = ?1 ORDER BY id"),
  lastIncoming: db.$client.prepare<{ id: number }, [number]>("SELECT id FROM messages WHERE conversation_id = ?1 AND message_type = 0 ORDER BY id DESC LIMIT 1"),
}));

function conversationById(db: Db, id: number): ConversationRow | null {
  const row = statements(db).conversation.get(id);
  return row ? { ...row, additional_attributes: JSON.parse(row.additional_attributes), custom_attributes: JSON.parse(row.custom_attributes) } : null;
}

export function appliedSlaOf(db: Db, conv: Pick<ConversationRow, "id" | "account_id" | "sla_policy_id">): AppliedSlaRow | null {
  if (conv.sla_policy_id == null) return null;
  return statements(db).applied.get(conv.account_id, conv.id, conv.sla_policy_id) ?? null;
}

export function slaEventsOf(db: Db, appliedSlaId: number): SlaEventRow[] {
  return statements(db).events.all(appliedSlaId).map((e) => ({ ...e, meta: JSON.parse(e.meta) as Record<string, unknown> }));
}

function lastIncomingMessageId(db: Db, conversationId: number): number | null {
  return statements(db).lastIncoming.get(conversationId)?.id ?? null;
}

/** Who hears of a miss (SlaEvent#create_notifications): the participants, every administrator and the assignee. */
function missRecipients(db: Db, conv: ConversationRow): number[] {
  const ids = new Set<number>();
  for (const p of db.select({ id: conversation_participants.user_id }).from(conversation_participants).where(eq(conversation_participants.conversation_id, conv.id)).all()) ids.add(p.id);
  for (const a of db
    .select({ id: account_users.user_id })
    .from(account_users)
    .where(and(eq(account_users.account_id, conv.account_id), eq(account_users.role, "administrator")))
    .all())
    ids.add(a.id);
  if (conv.assignee_id != null) ids.add(conv.assignee_id);
  return [...ids].sort((a, b) => a - b);
}

function sameMeta(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Stores a new status. With `announce` (a timer found it) the conversation's payload goes out again as
 * conversation.updated (AppliedSla#push_conversation_event); without (the evaluation runs inside a conversation
 * event already), that event's payloads, built after this, carry the new status and no second event is sent.
 */
function setStatus(tx: Tx, conv: ConversationRow, applied: AppliedSlaRow, status: SlaStatus, announce: boolean): AppliedSlaRow {
  if (applied.sla_status === status) return applied;
  const updated = tx.db.update(applied_slas).set({ sla_status: status, updated_at: tx.now }).where(eq(applied_slas.id, applied.id)).returning().get();
  if (announce) {
    const changed: ChangedAttributes = { sla_status: { previous_value: applied.sla_status, current_value: status } };
    tx.emit("conversation.updated", { account_id: conv.account_id, conversation_id: conv.id, changed_attributes: changed });
  }
  return updated;
}

/**
 * Checks a conversation's applied SLA against the clock (Sla::EvaluateAppliedSlaService) and plans the next check:
 * each target past due and not met becomes one sla_events row (an nrt miss per customer message waited on), with
 * notifications and the status active_with_misses; a resolved conversation ends as hit (no miss) or missed; a
 * reopened one runs again (hit → active, missed → active_with_misses). `endedWait` is the waiting_since a reply
 * just cleared, so a late next response is caught even when it came before its timer ran. Idempotent: a timer
 * that is stale finds nothing new and only re-plans.
 */
export function evaluateSla(tx: Tx, conversationId: number, opts: { endedWait?: number | null; announce?: boolean } = {}): void {
  const announce = opts.announce ?? true;
  const conv = conversationById(tx.db, conversationId);
  if (!conv || conv.sla_policy_id == null) return;
  const policy = findSlaPolicy(tx.db, conv.account_id, conv.sla_policy_id);
  let applied = appliedSlaOf(tx.db, conv);
  if (!policy || !applied) return;
  const hours = hoursFor(tx.db, policy, conv.inbox_id);
  const due = dueTimes(policy, conv, hours);
  const now = tx.now;
  const resolved = conv.status === "resolved";

  if (!resolved && (applied.sla_status === "hit" || applied.sla_status === "missed")) {
    applied = setStatus(tx, conv, applied, applied.sla_status === "hit" ? "active" : "active_with_misses", announce);
  }

  const events = slaEventsOf(tx.db, applied.id);
  const missed = (type: SlaEventType, meta: Record<string, unknown>) => events.some((e) => e.event_type === type && sameMeta(e.meta, meta));
  const misses: { type: SlaEventType; meta: Record<string, unknown> }[] = [];

  if (due.frt != null) {
    const repliedInTime = conv.first_reply_created_at != null && conv.first_reply_created_at <= due.frt;
    if (!repliedInTime && now >= due.frt && !missed("frt", {})) misses.push({ type: "frt", meta: {} });
  }
  let lastIncoming: number | null | undefined;
  const nrtMeta = () => ({ message_id: lastIncoming === undefined ? (lastIncoming = lastIncomingMessageId(tx.db, conv.id)) : lastIncoming });
  if (due.nrt != null && now >= due.nrt) {
    const meta = nrtMeta();
    if (!missed("nrt", meta)) misses.push({ type: "nrt", meta });
  }
  if (opts.endedWait != null && policy.next_response_time_threshold != null && conv.first_reply_created_at != null && conv.first_reply_created_at <= opts.endedWait) {
    const endedDue = dueTimes(policy, { ...conv, waiting_since: opts.endedWait }, hours).nrt;
    const meta = nrtMeta();
    if (endedDue != null && now >= endedDue && !missed("nrt", meta) && !misses.some((m) => m.type === "nrt")) misses.push({ type: "nrt", meta });
  }
  if (due.rt != null && !resolved && now >= due.rt && !missed("rt", {})) misses.push({ type: "rt", meta: {} });

  for (const miss of misses) {
    const event = tx.db
      .insert(sla_events)
      .values({
        account_id: conv.account_id,
        applied_sla_id: applied.id,
        conversation_id: conv.id,
        inbox_id: conv.inbox_id,
        sla_policy_id: policy.id,
        event_type: miss.type,
        meta: miss.meta,
        created_at: now,
        updated_at: now,
      })
      .returning()
      .get();
    events.push(event);
    for (const userId of missRecipients(tx.db, conv)) notify(tx, { userId, type: NOTIFICATION_OF[miss.type], conversation: conv, secondary: null });
    applied = setStatus(tx, conv, applied, "active_with_misses", announce);
  }

  if (resolved && (applied.sla_status === "active" || applied.sla_status === "active_with_misses")) {
    applied = setStatus(tx, conv, applied, applied.sla_status === "active" ? "hit" : "missed", announce);
  }

  // The next moment something can be missed: a timer then, replacing the SLA's other waiting timers (one already
  // running re-checks and stops; a chatty conversation would otherwise leave one timer per message).
  const pending: number[] = [];
  if (due.frt != null && conv.first_reply_created_at == null && !missed("frt", {})) pending.push(due.frt);
  if (due.nrt != null && !resolved && !missed("nrt", nrtMeta())) pending.push(due.nrt);
  if (due.rt != null && !resolved && !missed("rt", {})) pending.push(due.rt);
  const next = pending.filter((t) => t > now).sort((a, b) => a - b)[0];
  const key = `${SLA_EVALUATE_JOB}:${applied.id}:`;
  cancelPendingJobs(tx.db, key, next == null ? null : `${key}${next}`);
  if (next != null) {
    enqueue(tx, {
      kind: SLA_EVALUATE_JOB,
      payload: { conversation_id: conv.id } satisfies SlaJobPayload,
      delayMs: next - now,
      idempotencyKey: `${key}${next}`,
      maxAttempts: 5,
    });
  }
}

const slaPolicyOfConversation = preparedFor((db) => db.$client.prepare<{ sla_policy_id: number | null }, [number]>("SELECT sla_policy_id FROM conversations WHERE id = ?1"));
const TIMING_KEYS = ["status", "waiting_since", "first_reply_created_at"];

/**
 * conversation.updated (durable listener): when what the due times depend on changed (a reply, the customer
 * writing again, resolve or reopen) on a conversation with an SLA, evaluate it now and re-plan its timer. Other
 * changes, and conversations without an SLA, cost nothing beyond one primary-key read.
 */
export function onConversationUpdated(tx: Tx, e: { conversation_id: number; changed_attributes: ChangedAttributes }): void {
  const changed = e.changed_attributes;
  if (!TIMING_KEYS.some((k) => k in changed)) return;
  if (slaPolicyOfConversation(tx.db).get(e.conversation_id)?.sla_policy_id == null) return;
  const wait = changed.waiting_since;
  let endedWait: number | null = null;
  if (wait && wait.previous_value != null && wait.current_value == null && !("first_reply_created_at" in changed)) {
    const t = Date.parse(String(wait.previous_value));
    endedWait = Number.isFinite(t) ? t : null;
  }
  evaluateSla(tx, e.conversation_id, { endedWait, announce: false });
}

/**
 * Applies a policy to a conversation (automation add_sla, PATCH sla_policy_id, the sidebar). As Chatwoot EE: the
 * policy must be the account's, an SLA once set can be neither removed nor replaced (422 on sla_policy_id),
 * applying the same one again changes nothing. Creates the applied SLA, announces the change and evaluates at once.
 */
export function applySlaPolicy(tx: Tx, conv: ConversationRow, policyId: number | null, by?: EventPerformer): ConversationRow {
  if (policyId === conv.sla_policy_id) return conv;
  if (policyId == null) throw Validation.field("sla_policy_id", "cannot remove sla policy from conversation");
  if (conv.sla_policy_id != null) throw Validation.field("sla_policy_id", "conversation already has a different sla");
  const policy = findSlaPolicy(tx.db, conv.account_id, policyId);
  if (!policy) throw Validation.field("sla_policy_id", "is not an SLA policy of this account");
  tx.db.update(conversations).set({ sla_policy_id: policy.id, updated_at: tx.now }).where(and(eq(conversations.id, conv.id), eq(conversations.account_id, conv.account_id))).run();
  tx.db
    .insert(applied_slas)
    .values({ account_id: conv.account_id, sla_policy_id: policy.id, conversation_id: conv.id, sla_status: "active", created_at: tx.now, updated_at: tx.now })
    .onConflictDoNothing()
    .run();
  const changed: ChangedAttributes = { sla_policy_id: { previous_value: null, current_value: policy.id } };
  tx.emit("conversation.updated", { account_id: conv.account_id, conversation_id: conv.id, changed_attributes: changed, ...(by ? { performer: by } : {}) });
  evaluateSla(tx, conv.id, { announce: false });
  return { ...conv, sla_policy_id: policy.id, updated_at: tx.now };
}

/** Applied SLAs and their events for the conversations that have one (one query each; none when no row has an SLA). */
export function slaDataFor(db: Db, rows: Pick<ConversationRow, "id" | "sla_policy_id">[]): Map<number, { applied: AppliedSlaRow; events: SlaEventRow[] }> {
  const out = new Map<number, { applied: AppliedSlaRow; events: SlaEventRow[] }>();
  const withSla = rows.filter((r) => r.sla_policy_id != null);
  if (!withSla.length) return out;
  const applied = db.select().from(applied_slas).where(inArray(applied_slas.conversation_id, withSla.map((r) => r.id))).all();
  const policyOf = new Map(withSla.map((r) => [r.id, r.sla_policy_id]));
  const current = applied.filter((a) => policyOf.get(a.conversation_id) === a.sla_policy_id);
  if (!current.length) return out;
  const events = db.select().from(sla_events).where(inArray(sla_events.applied_sla_id, current.map((a) => a.id))).orderBy(sla_events.id).all();
  for (const a of current) out.set(a.conversation_id, { applied: a, events: events.filter((e) => e.applied_sla_id === a.id) });
  return out;
}

/**
 * PATCH /conversations/{id} with `sla_policy_id` and the sidebar's picker (Chatwoot EE's permitted update param):
 * an id (number or digits) or null, applied by the acting user or bot.
 */
export function setConversationSlaPolicy(tx: Tx, scope: AccountScope, conv: ConversationRow, value: unknown): ConversationRow {
  let id: number | null;
  if (value === null || value === "") id = null;
  else if (typeof value === "number" && Number.isInteger(value) && value > 0) id = value;
  else if (typeof value === "string" && /^\d{1,12}$/.test(value)) id = Number(value);
  else throw Validation.field("sla_policy_id", "must be the id of an SLA policy");
  const by = performerOf(scope);
  return applySlaPolicy(tx, conv, id, by ? { type: by.type as EventPerformer["type"], id: by.id } : undefined);
}

/**
 * A policy's thresholds changed: every running SLA under it is evaluated again now, which records what the new
 * targets make missed already and plans timers for the new due times (the old timers re-check and stop).
 */
export function reevaluatePolicy(tx: Tx, accountId: number, policyId: number): void {
  const running = tx.db
    .select({ conversation_id: applied_slas.conversation_id })
    .from(applied_slas)
    .where(and(eq(applied_slas.account_id, accountId), eq(applied_slas.sla_policy_id, policyId), inArray(applied_slas.sla_status, ["active", "active_with_misses"])))
    .all();
  for (const r of running) evaluateSla(tx, r.conversation_id);
}
