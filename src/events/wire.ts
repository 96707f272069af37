import type { AppDeps } from "../deps.ts";
import { enqueueAgentCleanup } from "../domain/agents/commands.ts";

/**
 * The one list of who hears which event. Durable reactions (webhooks, bots, channel sends, automation)
 * register with bus.onDurable and enqueue jobs; in-memory reactions (realtime) with bus.onCommitted.
 * Later areas add their listeners here.
 */
export function wireListeners(deps: AppDeps): void {
  // A membership removed (agents API or Platform API): strip teams, inboxes and assignments in a job.
  deps.bus.onDurable("agent.removed", (tx, e) => enqueueAgentCleanup(tx, e.data));
  deps.bus.onDurable("account_user.deleted", (tx, e) => enqueueAgentCleanup(tx, e.data));
}
