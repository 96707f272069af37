import { and, count, eq, gt, gte, sql } from "drizzle-orm";
import { contacts } from "../../db/schema/contacts.ts";
import { conversations, messages } from "../../db/schema/conversations.ts";
import { channels, inboxes } from "../../db/schema/inboxes.ts";
import { preparedFor } from "../../db/prepared.ts";
import type { Tx } from "../../db/tx.ts";
import type { ConversationRow, MessageRow } from "../conversations/records.ts";
import { labelList } from "../conversations/serialize.ts";
import { businessHoursOf, isWithinBusinessHours, localTime } from "../inboxes/business-hours.ts";
import { addMessage } from "../messages/commands.ts";

const INCOMING = 0;
const OUTGOING = 1;
const TEMPLATE = 3;
/** An agent's public reply this recent keeps the out-of-office message back (Chatwoot: 5 minutes). */
export const OUT_OF_OFFICE_QUIET_MS = 5 * 60 * 1000;

/** Chatwoot's wording of the built-in template messages (conversations.templates.* in its en.yml, in our words). */
export const TEMPLATE_TEXT = {
  waysToReachYou: "Give the team a way to reach you.",
  emailInputBox: "Get notified by email",
  csat: "Please rate the conversation",
} as const;

/** Whether an agent who may see the inbox is online now (an administrator or inbox member, by presence). */
export type AgentOnlineCheck = (accountId: number, inboxId: number) => boolean;

type Loaded = { conversation: ConversationRow; inbox: typeof inboxes.$inferSelect; channelType: string };

// Prepared once: every incoming message loads its conversation and inbox here (building this join cost more than running it).
const loadStmt = preparedFor((db) =>
  db
    .select({ conversation: conversations, inbox: inboxes, channelType: channels.channel_type })
    .from(conversations)
    .innerJoin(inboxes, eq(inboxes.id, conversations.inbox_id))
    .innerJoin(channels, eq(channels.id, inboxes.channel_id))
    .where(and(eq(conversations.id, sql.placeholder("id")), eq(conversations.account_id, sql.placeholder("account"))))
    .prepare(),
);

function load(tx: Tx, accountId: number, conversationId: number): Loaded | null {
  return loadStmt(tx.db).get({ id: conversationId, account: accountId }) ?? null;
}

function countMessages(tx: Tx, conversationId: number, ...conditions: Parameters<typeof and>): number {
  return tx.db.select({ n: count() }).from(messages).where(and(eq(messages.conversation_id, conversationId), ...conditions)).get()?.n ?? 0;
}

function sendTemplate(tx: Tx, conversation: ConversationRow, content: string, extra: Partial<Parameters<typeof addMessage>[3]> = {}): MessageRow {
  return addMessage(tx, null, conversation, { message_type: TEMPLATE, content, sender: null, ...extra });
}

/** The epoch ms of the start of the local day of `at` in a time zone (for "no template message today"). */
function startOfLocalDay(at: number, timeZone: string): number {
  return at - localTime(at, timeZone).seconds * 1000 - (at % 1000);
}

const messageKind = preparedFor((db) =>
  db.$client.prepare<{ message_type: number; private: number }, [number, number]>("SELECT message_type, private FROM messages WHERE id = ?1 AND account_id = ?2"),
);

/**
 * MessageTemplates::HookExecutionService: a contact's incoming message may be answered by the inbox's automatic
 * messages, in Chatwoot's order:
 * - out-of-office: business hours on and the inbox closed now (its time zone), an out-of-office text set, no
 *   template message yet today in the conversation, and no public agent reply in the last 5 minutes;
 * - greeting: greeting on with a text, and nothing outgoing or templated in the conversation yet (so it goes once,
 *   and not after an out-of-office message);
 * - email collect: web-widget inboxes with enable_email_collect, a contact without email, no input_email message in
 *   the conversation yet, and no agent who may see the inbox online now (`agentOnline`, answered by the realtime
 *   presence tracker): "Give the team a way to reach you." and an input_email box.
 * Runs inside the message's transaction (a durable listener of message.created), so the replies commit with it.
 */
export function runMessageTemplateHooks(tx: Tx, event: { account_id: number; conversation_id: number; message_id: number }, agentOnline: AgentOnlineCheck): void {
  // Every message write passes here: one compiled lookup, and nothing more unless it is a contact's message.
  const message = messageKind(tx.db).get(event.message_id, event.account_id);
  if (!message || message.message_type !== INCOMING || message.private) return;
  const loaded = load(tx, event.account_id, event.conversation_id);
  if (!loaded) return;
  let { conversation } = loaded;
  const { inbox, channelType } = loaded;
  const now = tx.now;

  if (inbox.working_hours_enabled && inbox.out_of_office_message?.trim()) {
    const closed = !isWithinBusinessHours(businessHoursOf(tx.db, inbox), now);
    const agentRecently =
      countMessages(tx, conversation.id, eq(messages.message_type, OUTGOING), eq(messages.private, false), gt(messages.created_at, now - OUT_OF_OFFICE_QUIET_MS)) > 0;
    if (closed && !agentRecently) {
      const templatesToday = countMessages(tx, conversation.id, eq(messages.message_type, TEMPLATE), gte(messages.created_at, startOfLocalDay(now, inbox.timezone)));
      if (templatesToday === 0) {
        sendTemplate(tx, conversation, inbox.out_of_office_message);
        conversation = load(tx, event.account_id, event.conversation_id)!.conversation;
      }
    }
  }

  if (inbox.greeting_enabled && inbox.greeting_message?.trim()) {
    const answered = countMessages(tx, conversation.id, eq(messages.message_type, OUTGOING)) + countMessages(tx, conversation.id, eq(messages.message_type, TEMPLATE));
    if (answered === 0) {
      sendTemplate(tx, conversation, inbox.greeting_message);
      conversation = load(tx, event.account_id, event.conversation_id)!.conversation;
    }
  }

  if (inbox.enable_email_collect && channelType === "Channel::WebWidget") {
    const contact = tx.db.select({ email: contacts.email }).from(contacts).where(eq(contacts.id, conversation.contact_id)).get();
    const asked = countMessages(tx, conversation.id, eq(messages.content_type, "input_email")) > 0;
    if (!contact?.email && !asked && !agentOnline(event.account_id, inbox.id)) {
      sendTemplate(tx, conversation, TEMPLATE_TEXT.waysToReachYou);
      conversation = load(tx, event.account_id, event.conversation_id)!.conversation;
      sendTemplate(tx, conversation, TEMPLATE_TEXT.emailInputBox, { content_type: "input_email" });
    }
  }
}

/** CsatSurveyService#csat_allowed_by_survey_rules?: labels contain any / none of the rule's values (no values: allowed). */
export function csatAllowedByRules(config: Record<string, unknown>, labels: string[]): boolean {
  const rules = config.survey_rules as { operator?: unknown; values?: unknown } | undefined;
  const values = Array.isArray(rules?.values) ? rules.values.filter((v): v is string => typeof v === "string") : [];
  if (!values.length) return true;
  const operator = rules?.operator ?? "contains";
  if (operator === "contains") return values.some((v) => labels.includes(v));
  if (operator === "does_not_contain") return !values.some((v) => labels.includes(v));
  return true;
}

/**
 * CsatSurveyService: when a conversation becomes resolved in an inbox with CSAT on, the survey rules allow it and no
 * survey was sent in it yet, the contact gets an input_csat template message (csat_config.message or the default
 * text; content_attributes keep the display type and the agent to credit: the assignee at resolution).
 */
export function sendCsatSurveyOnResolve(tx: Tx, event: { account_id: number; conversation_id: number; status: string }): MessageRow | null {
  if (event.status !== "resolved") return null;
  const loaded = load(tx, event.account_id, event.conversation_id);
  if (!loaded) return null;
  const { conversation, inbox } = loaded;
  if (conversation.status !== "resolved" || !inbox.csat_survey_enabled) return null;
  if (countMessages(tx, conversation.id, eq(messages.content_type, "input_csat")) > 0) return null;
  const config = inbox.csat_config ?? {};
  if (!csatAllowedByRules(config, labelList(conversation))) return null;
  const text = typeof config.message === "string" && config.message.trim() ? config.message : TEMPLATE_TEXT.csat;
  const display = config.display_type === "star" ? "star" : "emoji";
  return sendTemplate(tx, conversation, text, {
    content_type: "input_csat",
    content_attributes: { display_type: display, assigned_agent_id: conversation.assignee_id },
  });
}
