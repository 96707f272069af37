import { channelJobHandlers } from "../channels/framework/setup.ts";
import type { AppDeps } from "../deps.ts";
import { openAfterBotFailure } from "../domain/agent-bots/failures.ts";
import { CONTACT_IMPORT_JOB, runContactImport } from "../domain/contacts/import.ts";
import { AGENT_CLEANUP_JOB, cleanupRemovedAgent } from "../domain/agents/commands.ts";
import { reopenSnoozed } from "../domain/conversations/commands.ts";
import { SNOOZE_REOPEN_JOB } from "../domain/conversations/snooze.ts";
import { deliverMail, MAIL_JOB } from "../domain/mail/commands.ts";
import { AUTOMATION_JOB, runAutomation, type AutomationJobPayload } from "../domain/automation/runner.ts";
import { createHttpDeliveryHandler, HTTP_DELIVER_JOB } from "../domain/webhooks/delivery.ts";
import { webhookJobHandlers } from "../domain/webhooks/fanout.ts";
import { NOTIFICATION_EMAIL_JOB, NOTIFICATION_UNSNOOZE_JOB, setNotificationEmails, unsnoozeNotification } from "../domain/notifications/commands.ts";
import { sendNotificationEmail } from "../domain/notifications/email.ts";
import { assignmentJobHandlers } from "../domain/assignment/handover.ts";
import { SLA_EVALUATE_JOB, evaluateSla, type SlaJobPayload } from "../domain/sla/engine.ts";
import type { JobHandlers } from "./runner.ts";

/** Every job kind Parley runs, and its handler. */
export function createJobHandlers(deps: AppDeps): JobHandlers {
  setNotificationEmails(deps.db, deps.mailer.enabled);
  return {
    // channel.send and every channel kind's own jobs (src/channels/*).
    ...channelJobHandlers(deps),
    [MAIL_JOB]: (payload: { mail_id: number }, ctx) =>
      deliverMail(deps.db, deps.mailer, payload.mail_id, () => deps.clock.now(), ctx.attempt >= ctx.job.max_attempts),
    [HTTP_DELIVER_JOB]: createHttpDeliveryHandler(deps, { onAttempt: (a) => openAfterBotFailure(deps, a) }),
    ...webhookJobHandlers(deps),
    ...assignmentJobHandlers(deps),
    [AGENT_CLEANUP_JOB]: (payload: { account_id: number; user_id: number }) => void deps.tx((tx) => cleanupRemovedAgent(tx, payload)),
    [CONTACT_IMPORT_JOB]: (payload: { import_id: number }, ctx) => runContactImport(deps, payload.import_id, { lastAttempt: ctx.attempt >= ctx.job.max_attempts }),
    [AUTOMATION_JOB]: (payload: AutomationJobPayload) => runAutomation(deps, payload),
    [SNOOZE_REOPEN_JOB]: (payload: { conversation_id: number; snoozed_until: number }) =>
      void deps.tx((tx) => reopenSnoozed(tx, payload.conversation_id, payload.snoozed_until)),
    [SLA_EVALUATE_JOB]: (payload: SlaJobPayload) => void deps.tx((tx) => evaluateSla(tx, payload.conversation_id)),
    [NOTIFICATION_EMAIL_JOB]: (payload: { notification_id: number }) => void deps.tx((tx) => sendNotificationEmail(tx, deps.config.publicUrl, payload.notification_id)),
    [NOTIFICATION_UNSNOOZE_JOB]: (payload: { notification_id: number; snoozed_until: number }) =>
      void deps.tx((tx) => unsnoozeNotification(tx, payload.notification_id, payload.snoozed_until)),
  };
}
