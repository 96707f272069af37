import type { Db } from "../../db/client.ts";
import type { AppDeps } from "../../deps.ts";
import { preparedFor } from "../../db/prepared.ts";
import type { Tx } from "../../db/tx.ts";
import type { DomainEvent } from "../../events/types.ts";
import { applyAction, type ActionContext } from "./actions.ts";
import { disableInvalidRule, ruleProblem, ruleReferences, type AutomationEvent } from "./commands.ts";
import { changesMatch, conditionsMatch, type ChangedValues, type ConditionMessage } from "./conditions.ts";
import { planFor, ruleMayHold, type Plan, type RulePlan } from "./plans.ts";

/** The job kind earlier versions evaluated rules in (runAutomation runs those still queued). */
export const AUTOMATION_JOB = "automation.run";

/** One event the rules look at. */
export type AutomationEventRef = {
  event_name: AutomationEvent;
  message_id?: number;
  /** conversation_updated: what changed (for attribute_changed conditions). */
  changed_attributes?: ChangedValues;
};

/**
 * That job's payload: the events of one transaction for one conversation, in the order they happened; the oldest
 * jobs carry a single event at the top level.
 */
export type AutomationJobPayload = { account_id: number; conversation_id: number } & ({ events: AutomationEventRef[] } | AutomationEventRef);

/** The name activity messages give a rule's changes (Chatwoot's). */
export const AUTOMATION_SYSTEM = "Automation System";

/** The message message_created rules look at (its automation_rule_id: a rule's own message). */
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
 * active rules for it, is evaluated before its transaction commits — with the conversation as the transaction leaves
 * it — and the matching rules act in that transaction. So automation costs no job, sees every event in order, and
 * its changes commit (and are announced) with the change that caused them or not at all.
 */
export function automateInTx(deps: AppDeps, tx: Tx, e: DomainEvent): void {
  const mapped = automationEventOf(e);
  if (!mapped) return;
  const data = e.data as { account_id: number; performer?: { type: string } };
  if (data.performer?.type === "AutomationRule") return;
  const event: AutomationEventRef = {
    event_name: mapped.event,
    ...(mapped.message_id ? { message_id: mapped.message_id } : {}),
    ...(mapped.changed_attributes ? { changed_attributes: mapped.changed_attributes } : {}),
  };
  const start = startEvent(tx.db, data.account_id, event);
  if (start) tx.beforeCommit(() => runEvent(deps, tx, data.account_id, mapped.conversation_id, event, start));
}

/**
 * The automation.run job of earlier versions, which evaluated rules after the commit: jobs still queued when
 * Parley was upgraded run as the listener now does, in a transaction of their own.
 */
export function runAutomation(deps: AppDeps, payload: AutomationJobPayload): void {
  const events = "events" in payload ? payload.events : [payload];
  deps.tx((tx) => {
    for (const event of events) {
      const start = startEvent(tx.db, payload.account_id, event);
      if (start) runEvent(deps, tx, payload.account_id, payload.conversation_id, event, start);
    }
  });
}

/** What the event's message and changes tell about the account's rules for it, before the conversation is asked. */
type EventStart = {
  plan: Plan;
  message: ConditionMessage | null;
  /** The message's conditions' truths, by the plan's columns. */
  byMessage: (boolean | null)[];
  /** Per rule: not ruled out by the message and the changes. */
  open: boolean[];
};

/** Null when there is nothing to do: no active rule, an activity message or a rule's own, or every rule ruled out. */
function startEvent(db: Db, accountId: number, event: AutomationEventRef): EventStart | null {
  const plan = planFor(db, accountId, event.event_name);
  if (!plan.rules.length) return null;
  let message: ConditionMessage | null = null;
  if (event.message_id != null) {
    message = messageForRules(db, event.message_id, accountId);
    if (!message) return null;
  }
  const byMessage = plan.evaluateMessage(message);
  const open = plan.rules.map((r) => mayHold(r, event.changed_attributes ?? null, byMessage));
  return open.includes(true) ? { plan, message, byMessage, open } : null;
}

/**
 * Each active rule of the event whose conditions match the conversation (and message) runs its actions in order,
 * each in a savepoint: a failing action is logged and undone, and the next one still runs. The conditions are
 * evaluated by prepared statements (plans.ts): the message's, then — for the rules the message and the changes did
 * not rule out — the conversation's, read again after a rule acted, so each rule sees what the rules before it changed.
 */
function runEvent(deps: AppDeps, tx: Tx, account_id: number, conversation_id: number, event: AutomationEventRef, start: EventStart): void {
  const { plan, message, byMessage, open } = start;
  const { event_name } = event;
  const changed = event.changed_attributes ?? null;
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
        matches = conditionsMatch(tx.db, account_id, rule.conditions, conversation_id, message, tx.now, changed);
      } else if (open[r.index] && ruleMayHold(r, changed, byMessage) !== false) {
        byConversation ??= plan.matchConversation(conversation_id, message, plan.rules.slice(i).filter((x) => !x.compileError && !x.dependsOnNow && open[x.index]));
        matches = byConversation.found && byConversation.holds.has(r.index);
      }
    } catch (err) {
      deps.log.warn("automation rule conditions could not be evaluated", { rule_id: rule.id, err: String(err) });
    }
    if (!matches) continue;
    // A label, agent or team it names was deleted since it was saved: disable it rather than act half-way.
    const problem = problemOf(tx, r);
    if (problem) {
      deps.log.warn("automation rule disabled: no longer valid", { rule_id: rule.id, problem });
      disableInvalidRule(tx, rule);
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
        tx.savepoint(() => applyAction(tx, ctx, conversation_id, action));
      } catch (err) {
        deps.log.warn("automation action failed", { rule_id: rule.id, action: i, action_name: action.action_name, conversation_id, err: err instanceof Error ? err.message : String(err) });
      }
    }
    // Its actions may have changed what the next rules look at.
    byConversation = null;
  }
}

/** A matched rule's problem (ruleProblem), kept with its plan while nothing the rule can name changed. */
const problems = new WeakMap<RulePlan, { references: string; problem: string | null }>();

function problemOf(tx: Tx, r: RulePlan): string | null {
  const references = ruleReferences(tx.db, r.rule.account_id);
  const known = problems.get(r);
  if (known?.references === references) return known.problem;
  const problem = ruleProblem(tx.db, r.rule, tx.now);
  problems.set(r, { references, problem });
  return problem;
}

/** Whether a rule may match the event, as far as the message and the changes tell (the conversation decides). */
function mayHold(r: RulePlan, changed: ChangedValues | null, byMessage: (boolean | null)[]): boolean {
  if (r.dependsOnNow || r.compileError) return true;
  try {
    return ruleMayHold(r, changed, byMessage) !== false;
  } catch {
    // An attribute_changed condition that no longer reads: the job logs it.
    return true;
  }
}
