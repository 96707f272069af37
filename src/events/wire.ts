import { wireChannelListeners } from "../channels/framework/setup.ts";
import type { AppDeps } from "../deps.ts";
import { sendMessageToBot, sendStatusToBot } from "../domain/agent-bots/events.ts";
import { enqueueAgentCleanup } from "../domain/agents/commands.ts";
import { scheduleSnoozeReopen } from "../domain/conversations/snooze.ts";
import { runMessageTemplateHooks, sendCsatSurveyOnResolve } from "../domain/message-templates/hooks.ts";
import { automateInTx } from "../domain/automation/runner.ts";
import { onConversationUpdated as evaluateSlaOnChange } from "../domain/sla/engine.ts";
import { dispatchWebhookEvent } from "../domain/webhooks/dispatch.ts";
import { WEBHOOK_SOURCE_EVENTS } from "../domain/webhooks/payloads.ts";
import { realtimeFor } from "../realtime/index.ts";

/**
 * The one list of who hears which event. Durable reactions (webhooks, bots, channel sends, automation)
 * register with bus.onDurable and enqueue jobs; in-memory reactions (realtime) with bus.onCommitted.
 * Later areas add their listeners here.
 */
export function wireListeners(deps: AppDeps): void {
  // A membership removed (agents API or Platform API): strip teams, inboxes and assignments in a job.
  deps.bus.onDurable("account_user.deleted", (tx, e) => enqueueAgentCleanup(tx, e.data));
  // Snoozed until a time: a job reopens the conversation then.
  deps.bus.onDurable("conversation.created", (tx, e) => scheduleSnoozeReopen(tx, e.data.conversation_id));
  deps.bus.onDurable("conversation.status_changed", (tx, e) => scheduleSnoozeReopen(tx, e.data.conversation_id));
  deps.bus.onDurable("conversation.updated", (tx, e) => {
    if ("snoozed_until" in e.data.changed_attributes) scheduleSnoozeReopen(tx, e.data.conversation_id);
  });
  // SLA: a reply, the customer writing again, resolve or reopen re-evaluates the conversation's SLA and its timer.
  deps.bus.onDurable("conversation.updated", (tx, e) => evaluateSlaOnChange(tx, e.data));
  // Webhook events: the API channel's webhook_url (every event of its inbox) and the account's subscribed webhooks
  // (signed, durable, retried, logged). One payload per event, built in the transaction.
  const url = deps.config.publicUrl;
  for (const name of WEBHOOK_SOURCE_EVENTS) deps.bus.onDurable(name, (tx, e) => dispatchWebhookEvent(tx, url, e));
  // Agent bots: the inbox's active bot gets its events on outgoing_url (signed with the bot's secret).
  deps.bus.onDurable("message.created", (tx, e) => sendMessageToBot(tx, deps.config.publicUrl, e));
  deps.bus.onDurable("message.updated", (tx, e) => sendMessageToBot(tx, deps.config.publicUrl, e));
  deps.bus.onDurable("conversation.status_changed", (tx, e) => sendStatusToBot(tx, deps.config.publicUrl, e));
  // Automatic messages (MessageTemplates::HookExecutionService, CsatSurveyService), written in the same transaction
  // (after the webhooks and bots above, so they hear the contact's message first):
  // out-of-office, greeting and email collect on a contact's message; the CSAT survey when a conversation is resolved.
  deps.bus.onDurable("message.created", (tx, e) => runMessageTemplateHooks(tx, e.data, realtimeFor(deps).agentOnline));
  deps.bus.onDurable("conversation.status_changed", (tx, e) => sendCsatSurveyOnResolve(tx, e.data));
  // Automation rules: an event a rule listens to (not caused by a rule) is evaluated, and the matching rules act,
  // before its transaction commits.
  deps.bus.onDurable("*", (tx, e) => automateInTx(deps, tx, e));
  // Channels (src/channels/*): an outgoing message in an inbox whose kind has a sender becomes a channel.send job.
  wireChannelListeners(deps);
  // Realtime (/cable): after commit, each event's Chatwoot payload goes to the sockets allowed to see it.
  realtimeFor(deps).broadcaster.wire();
}
