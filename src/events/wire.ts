import type { AppDeps } from "../deps.ts";
import { enqueueAgentCleanup } from "../domain/agents/commands.ts";
import { scheduleSnoozeReopen } from "../domain/conversations/snooze.ts";

/**
 * The one list of who hears which event. Durable reactions (webhooks, bots, channel sends, automation)
 * register with bus.onDurable and enqueue jobs; in-memory reactions (realtime) with bus.onCommitted.
 * Later areas add their listeners here.
 */
export function wireListeners(deps: AppDeps): void {
  // A membership removed (agents API or Platform API): strip teams, inboxes and assignments in a job.
  deps.bus.onDurable("agent.removed", (tx, e) => enqueueAgentCleanup(tx, e.data));
  deps.bus.onDurable("account_user.deleted", (tx, e) => enqueueAgentCleanup(tx, e.data));
  // Snoozed until a time: a job reopens the conversation then.
  deps.bus.onDurable("conversation.created", (tx, e) => scheduleSnoozeReopen(tx, e.data.conversation_id));
  deps.bus.onDurable("conversation.status_changed", (tx, e) => scheduleSnoozeReopen(tx, e.data.conversation_id));
  deps.bus.onDurable("conversation.updated", (tx, e) => {
    if ("snoozed_until" in e.data.changed_attributes) scheduleSnoozeReopen(tx, e.data.conversation_id);
  });
}
