import type { Db } from "../../db/client.ts";
import type { AppDeps } from "../../deps.ts";
import { preparedFor } from "../../db/prepared.ts";
import type { Tx } from "../../db/tx.ts";
import type { DomainEvent } from "../../events/types.ts";
import { enqueue } from "../../jobs/queue.ts";
import { applyAction, type ActionContext } from "./actions.ts";
import { disableInvalidRule, ruleProblem, type AutomationEvent } from "./commands.ts";
import { changesMatch, conditionsMatch, type ChangedValues, type ConditionMessage } from "./conditions.ts";
import { planFor, ruleMayHold, type RulePlan } from "./plans.ts";

/** The job that evaluates an account's rules for one event and runs the actions of those that match. */
export const AUTOMATION_JOB = "automation.run";

/** One event the rules look at. */
export type AutomationEventRef = {
  event_name: AutomationEvent;
  message_id?: number;
  /** conversation_updated: what changed (for attribute_changed conditions). */
  changed_attributes?: ChangedValues;
};

/**
 * The job's payload: the events of one transaction for one conversation, in the order they happened (a message
 * that also updates its conversation is one job, not two). Jobs written before events were grouped carry a
 * single event at the top level.
 */
export type AutomationJobPayload = { account_id: number; conversation_id: number } & ({ events: AutomationEventRef[] } | AutomationEventRef);

/** The automation job each transaction enqueued per conversation, so its further events join it. */
const enqueuedIn = new WeakMap<Tx, Map<number, { jobId: number; payload: { account_id: number; conversation_id: number; events: AutomationEventRef[] } }>>();

const updateJobPayload = preparedFor((db) => db.$client.prepare<never, [string, number]>("UPDATE jobs SET payload = ?1 WHERE id = ?2"));

/** The name activity messages give a rule's changes (Chatwoot's). */
export const AUTOMATION_SYSTEM = "Automation System";

/** The message a message_created job looks at (its automation_rule_id: a rule's own message). */
const messageOf = preparedFor((db) =>
  db.$client.prepare<{ message_type: number; content: string | null; private: number; rule_id: unknown }, [number, number]>(
    "SELECT message_type, content, private, json_extract(content_attributes, '$.automation_rule_id') AS rule_id FROM messages WHERE id = ?1 AND account_id = ?2",
  ),
);

function automationEventOf(e: DomainEvent): { event: AutomationEvent; conversation_id: number; message_id?: number; changed_attributes?: ChangedValues } | null {
  switch (e.name) {
    case "conversation.created":
      return { event: "conversation_created", conversation_id: e.data.conversation_id };
    case "conversation.updated":
      return { event: "conversation_updated", conversation_id: e.data.conversation_id, changed_attributes: e.data.changed_attributes };
    case "conversation.status_changed":
      if (e.data.status === "open") return { event: "conversation_opened", conversation_id: e.data.conversation_id };
      if (e.data.status === "resolved") return { event: "conversation_resolved", conversation_id: e.data.conversation_id };
      return null;
    case "message.created":
      return { event: "message_created", conversation_id: e.data.conversation_id, message_id: e.data.message_id };
    default:
      return null;
  }
}

/** The message message_created rules look at; null when there is none for them (activity messages and the rules' own never trigger rules). */
function messageForRules(db: Db, messageId: number, accountId: number): ConditionMessage | null {
  const m = messageOf(db).get(messageId, accountId);
  if (!m || m.message_type === 2 || m.rule_id != null) return null;
  return { message_type: m.message_type, content: m.content, private: !!m.private };
}

/**
 * Durable listener (every event): an event an automation rule listens to, not caused by a rule's own actions
 * (Chatwoot's performed_by_automation? guard, so rules never trigger each other into a loop), in an account with
 * active rules for it, becomes an automation.run job in the emitting transaction.
 */
export function enqueueAutomation(tx: Tx, e: DomainEvent): void {
  const mapped = automationEventOf(e);
  if (!mapped) return;
  const data = e.data as { account_id: number; performer?: { type: string } };
  if (data.performer?.type === "AutomationRule") return;
  const plan = planFor(tx.db, data.account_id, mapped.event);
  if (!plan.rules.length) return;
  // The job would find nothing to do: no job. (Its message is an activity or a rule's own, or the message and the
  // changes alone rule every rule out.)
  let message: ConditionMessage | null = null;
  if (mapped.message_id != null) {
    message = messageForRules(tx.db, mapped.message_id, data.account_id);
    if (!message) return;
  }
  const byMessage = plan.evaluateMessage(message);
  if (!plan.rules.some((r) => mayHold(r, mapped.changed_attributes ?? null, byMessage))) return;
  const event: AutomationEventRef = {
    event_name: mapped.event,
    ...(mapped.message_id ? { message_id: mapped.message_id } : {}),
    ...(mapped.changed_attributes ? { changed_attributes: mapped.changed_attributes } : {}),
  };
  // An event of a transaction that already enqueued a job for this conversation joins it: the row is this
  // transaction's own (not committed, so no runner has it), and its events run in order as separate jobs would.
  let mine = enqueuedIn.get(tx);
  const earlier = mine?.get(mapped.conversation_id);
  if (earlier && earlier.payload.account_id === data.account_id) {
    earlier.payload.events.push(event);
    updateJobPayload(tx.db).run(JSON.stringify(earlier.payload), earlier.jobId);
    return;
  }
  const payload = { account_id: data.account_id, conversation_id: mapped.conversation_id, events: [event] };
  const jobId = enqueue(tx, { kind: AUTOMATION_JOB, payload, orderingKey: `automation:${mapped.conversation_id}` });
  if (jobId == null) return;
  if (!mine) enqueuedIn.set(tx, (mine = new Map()));
  mine.set(mapped.conversation_id, { jobId, payload });
}

/**
 * The automation.run job, for each of its events in turn: each active rule of the event whose conditions match the conversation (and message) runs
 * its actions in order, each in a transaction of its own; a failing action is logged and the next one still runs.
 * The conditions are evaluated by prepared statements (plans.ts): the message's, then — for the rules the message
 * and the changes did not rule out — the conversation's, read again after a rule acted, so each rule sees what the
 * rules before it changed (as when each was evaluated in turn).
 */
export function runAutomation(deps: AppDeps, payload: AutomationJobPayload): void {
  const events = "events" in payload ? payload.events : [payload];
  for (const event of events) runEvent(deps, payload.account_id, payload.conversation_id, event);
}

function runEvent(deps: AppDeps, account_id: number, conversation_id: number, event: AutomationEventRef): void {
  const { event_name, message_id } = event;
  let message: ConditionMessage | null = null;
  if (message_id != null) {
    message = messageForRules(deps.db, message_id, account_id);
    if (!message) return;
  }
  const plan = planFor(deps.db, account_id, event_name);
  const changed = event.changed_attributes ?? null;
  const byMessage = plan.evaluateMessage(message);
  /** What the message and the changes leave open (the conversation decides those). */
  const open = plan.rules.map((r) => mayHold(r, changed, byMessage));
  /** The conversation's answer for the rules still undecided; read when first needed and again after a rule acted. */
  let byConversation: { found: boolean; holds: Set<number> } | null = null;
  for (const [i, r] of plan.rules.entries()) {
    const { rule } = r;
    let matches = false;
    try {
      if (r.compileError) {
        if (!changesMatch(rule.conditions, changed)) continue;
        throw r.compileError;
      }
      if (r.dependsOnNow) {
        matches = conditionsMatch(deps.db, account_id, rule.conditions, conversation_id, message, deps.clock.now(), changed);
      } else if (ruleMayHold(r, changed, byMessage) !== false) {
        byConversation ??= plan.matchConversation(conversation_id, message, plan.rules.slice(i).filter((x) => !x.compileError && !x.dependsOnNow && open[x.index]));
        matches = byConversation.found && byConversation.holds.has(r.index);
      }
    } catch (err) {
      deps.log.warn("automation rule conditions could not be evaluated", { rule_id: rule.id, err: String(err) });
    }
    if (!matches) continue;
    // A label, agent or team it names was deleted since it was saved: disable it rather than act half-way.
    const problem = ruleProblem(deps.db, rule, deps.clock.now());
    if (problem) {
      deps.log.warn("automation rule disabled: no longer valid", { rule_id: rule.id, problem });
      deps.tx((tx) => disableInvalidRule(tx, rule));
      continue;
    }
    const ctx: ActionContext = {
      by: { type: "AutomationRule", id: rule.id, name: AUTOMATION_SYSTEM },
      sender: null,
      contentAttributes: { automation_rule_id: rule.id },
      userId: null,
      publicUrl: deps.config.publicUrl,
      dataDir: deps.config.dataDir,
      webhookEvent: `automation_event.${event_name}`,
    };
    for (const [i, action] of rule.actions.entries()) {
      try {
        deps.tx((tx) => applyAction(tx, ctx, conversation_id, action));
      } catch (err) {
        deps.log.warn("automation action failed", { rule_id: rule.id, action: i, action_name: action.action_name, conversation_id, err: err instanceof Error ? err.message : String(err) });
      }
    }
    // Its actions may have changed what the next rules look at.
    byConversation = null;
  }
}

/** Whether a rule may match the event, as far as the message and the changes tell (the conversation decides). */
function mayHold(r: RulePlan, changed: ChangedValues | null, byMessage: Record<string, boolean | null>): boolean {
  if (r.dependsOnNow || r.compileError) return true;
  try {
    return ruleMayHold(r, changed, byMessage) !== false;
  } catch {
    // An attribute_changed condition that no longer reads: the job logs it.
    return true;
  }
}
