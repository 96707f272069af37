import { and, asc, eq } from "drizzle-orm";
import type { AppDeps } from "../../deps.ts";
import { preparedFor } from "../../db/prepared.ts";
import { automationRules } from "../../db/schema/automation.ts";
import { messages } from "../../db/schema/conversations.ts";
import type { Tx } from "../../db/tx.ts";
import type { DomainEvent } from "../../events/types.ts";
import { enqueue } from "../../jobs/queue.ts";
import { applyAction, type ActionContext } from "./actions.ts";
import { disableInvalidRule, ruleProblem, type AutomationEvent } from "./commands.ts";
import { conditionsMatch, type ChangedValues, type ConditionMessage } from "./conditions.ts";

/** The job that evaluates an account's rules for one event and runs the actions of those that match. */
export const AUTOMATION_JOB = "automation.run";

export type AutomationJobPayload = {
  account_id: number;
  event_name: AutomationEvent;
  conversation_id: number;
  message_id?: number;
  /** conversation_updated: what changed (for attribute_changed conditions). */
  changed_attributes?: ChangedValues;
};

/** The name activity messages give a rule's changes (Chatwoot's). */
export const AUTOMATION_SYSTEM = "Automation System";

const activeRuleCount = preparedFor((db) =>
  db.$client.prepare<{ n: number }, [number, string]>("SELECT count(*) AS n FROM automation_rules WHERE account_id = ?1 AND event_name = ?2 AND active = 1"),
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
  if ((activeRuleCount(tx.db).get(data.account_id, mapped.event)?.n ?? 0) === 0) return;
  const payload: AutomationJobPayload = {
    account_id: data.account_id,
    event_name: mapped.event,
    conversation_id: mapped.conversation_id,
    ...(mapped.message_id ? { message_id: mapped.message_id } : {}),
    ...(mapped.changed_attributes ? { changed_attributes: mapped.changed_attributes } : {}),
  };
  enqueue(tx, { kind: AUTOMATION_JOB, payload, orderingKey: `automation:${mapped.conversation_id}` });
}

/**
 * The automation.run job: each active rule of the event whose conditions match the conversation (and message) runs
 * its actions in order, each in a transaction of its own; a failing action is logged and the next one still runs.
 */
export function runAutomation(deps: AppDeps, payload: AutomationJobPayload): void {
  const { account_id, event_name, conversation_id, message_id } = payload;
  let message: ConditionMessage | null = null;
  if (message_id != null) {
    const m = deps.db
      .select({ message_type: messages.message_type, content: messages.content, private: messages.private, content_attributes: messages.content_attributes })
      .from(messages)
      .where(and(eq(messages.id, message_id), eq(messages.account_id, account_id)))
      .get();
    // Activity messages and the rules' own messages never trigger message_created rules.
    if (!m || m.message_type === 2 || m.content_attributes.automation_rule_id != null) return;
    message = { message_type: m.message_type, content: m.content, private: m.private };
  }
  const rules = deps.db
    .select()
    .from(automationRules)
    .where(and(eq(automationRules.account_id, account_id), eq(automationRules.event_name, event_name), eq(automationRules.active, true)))
    .orderBy(asc(automationRules.id))
    .all();
  for (const rule of rules) {
    let matches = false;
    try {
      matches = conditionsMatch(deps.db, account_id, rule.conditions, conversation_id, message, deps.clock.now(), payload.changed_attributes ?? null);
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
  }
}
