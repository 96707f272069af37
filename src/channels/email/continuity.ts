// Conversation continuity by email (Chatwoot's ConversationReplyMailer for website inboxes with
// continuity_via_email): a visitor who has given an email address and is no longer on the site gets an agent's
// reply by email, with the conversation's reply address as Reply-To; their answer comes back through the built-in
// SMTP receiver into the same widget conversation (inbound.ts, replyAddressConversation).
import { eq } from "drizzle-orm";
import { agent_bots } from "../../db/schema/agent-bots.ts";
import { users } from "../../db/schema/accounts.ts";
import { contacts } from "../../db/schema/contacts.ts";
import { attachments, conversations, messages } from "../../db/schema/conversations.ts";
import { channels, inboxes } from "../../db/schema/inboxes.ts";
import type { Tx } from "../../db/tx.ts";
import type { AppDeps } from "../../deps.ts";
import { readFile } from "node:fs/promises";
import { storagePath } from "../../domain/attachments/storage.ts";
import { enqueue } from "../../jobs/queue.ts";
import { isContactOnline } from "../../realtime/presence.ts";
import { widgetConfigOf } from "../web-widget/config.ts";
import { conversationThreadId, isEmailAddress, outgoingMessageId, replyAddress, replySubject } from "./addresses.ts";
import { WEB_WIDGET_CHANNEL_TYPE } from "./inbound.ts";
import { defaultSubject, emailBody, mailbox, senderName, smtpFailure, transportFor } from "./outbound.ts";

export const CONTINUITY_JOB = "email.continuity";

const candidate = (tx: Tx, messageId: number) =>
  tx.db.$client
    .query(
      `SELECT m.message_type, m.private, m.sender_type, m.conversation_id, c.channel_type, c.config, ct.email
         FROM messages m JOIN inboxes i ON i.id = m.inbox_id JOIN channels c ON c.id = i.channel_id
         JOIN conversations cv ON cv.id = m.conversation_id JOIN contacts ct ON ct.id = cv.contact_id
        WHERE m.id = ?1`,
    )
    .get(messageId) as
    | { message_type: number; private: number; sender_type: string | null; conversation_id: number; channel_type: string; config: string; email: string | null }
    | null;

/**
 * message.created (durable): an agent's or bot's public reply in a website inbox with continuity by email on, to a
 * contact with an email address, gets a job after the continuity delay. Whether the visitor is still there is
 * decided when it runs. Needs the SMTP receiver (PARLEY_SMTP_RECEIVER_PORT) for the answers to come back.
 */
export function enqueueContinuityEmail(tx: Tx, deps: AppDeps, e: { message_id: number }): void {
  if (deps.config.smtpReceiverPort == null) return;
  const m = candidate(tx, e.message_id);
  if (!m || m.private || m.message_type !== 1 || (m.sender_type !== "User" && m.sender_type !== "AgentBot")) return;
  if (m.channel_type !== WEB_WIDGET_CHANNEL_TYPE || !m.email || !isEmailAddress(m.email)) return;
  if (!widgetConfigOf({ config: JSON.parse(m.config) }).continuity_via_email) return;
  enqueue(tx, {
    kind: CONTINUITY_JOB,
    payload: { message_id: e.message_id },
    delayMs: deps.config.emailContinuityDelayMs,
    idempotencyKey: `${CONTINUITY_JOB}:${e.message_id}`,
    orderingKey: `${CONTINUITY_JOB}:${m.conversation_id}`,
    maxAttempts: 8,
  });
}

export type ContinuityOutcome = "sent" | "online" | "seen" | "gone" | "no-mailer";

/** The job: skips a visitor who is online or has seen the reply; otherwise mails it through the app's mailer. */
export async function sendContinuityEmail(deps: AppDeps, messageId: number): Promise<ContinuityOutcome> {
  const { db } = deps;
  const message = db.select().from(messages).where(eq(messages.id, messageId)).get();
  if (!message || message.content_attributes.deleted) return "gone";
  const conversation = db.select().from(conversations).where(eq(conversations.id, message.conversation_id)).get();
  const inbox = conversation ? db.select().from(inboxes).where(eq(inboxes.id, conversation.inbox_id)).get() : undefined;
  const channel = inbox ? db.select().from(channels).where(eq(channels.id, inbox.channel_id)).get() : undefined;
  const contact = conversation ? db.select().from(contacts).where(eq(contacts.id, conversation.contact_id)).get() : undefined;
  if (!conversation || !inbox || !channel || !contact?.email) return "gone";
  if (!widgetConfigOf(channel).continuity_via_email) return "gone";
  if (isContactOnline(db, contact.id)) return "online";
  if (conversation.contact_last_seen_at != null && conversation.contact_last_seen_at >= message.created_at) return "seen";
  const transport = transportFor(deps, null);
  if (!transport) return "no-mailer";

  const domain = deps.config.inboundEmailDomain;
  const fromAddress = /<([^<>]+)>/.exec(deps.config.mailFrom)?.[1] ?? deps.config.mailFrom;
  let agentName: string | null = null;
  if (message.sender_type === "User" && message.sender_id != null) {
    const u = db.select({ name: users.name, display_name: users.display_name }).from(users).where(eq(users.id, message.sender_id)).get();
    agentName = u ? u.display_name?.trim() || u.name : null;
  } else if (message.sender_type === "AgentBot" && message.sender_id != null) {
    agentName = db.select({ name: agent_bots.name }).from(agent_bots).where(eq(agent_bots.id, message.sender_id)).get()?.name ?? null;
  }
  const files = db.select().from(attachments).where(eq(attachments.message_id, message.id)).all();
  const mailFiles: { filename: string; content: Buffer; contentType: string }[] = [];
  for (const f of files) {
    if (!f.storage_key) continue;
    mailFiles.push({ filename: f.file_name || "attachment", content: await readFile(storagePath(deps.config.dataDir, f.storage_key)), contentType: f.content_type || "application/octet-stream" });
  }
  const subjectBase = typeof conversation.additional_attributes.mail_subject === "string" ? conversation.additional_attributes.mail_subject : "";
  const body = emailBody(message.content ?? "", []);
  const thread = conversationThreadId(conversation.account_id, conversation.uuid, domain);
  try {
    await transport.sendMail({
      from: mailbox(senderName(inbox, agentName), fromAddress),
      to: contact.email,
      replyTo: replyAddress(conversation.uuid, { receiverDomain: domain })!,
      subject: subjectBase ? replySubject(subjectBase) : defaultSubject(conversation.display_id),
      messageId: `<${outgoingMessageId(conversation.uuid, message.id, domain)}>`,
      inReplyTo: `<${thread}>`,
      references: [`<${thread}>`],
      text: body.text,
      html: body.html,
      attachments: mailFiles,
    });
  } catch (err) {
    throw smtpFailure(err);
  } finally {
    transport.close();
  }
  return "sent";
}
