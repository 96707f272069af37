import { and, eq } from "drizzle-orm";
import { contacts } from "../../db/schema/contacts.ts";
import { conversations, messages } from "../../db/schema/conversations.ts";
import { inboxes } from "../../db/schema/inboxes.ts";
import { accounts, users } from "../../db/schema/accounts.ts";
import { notifications } from "../../db/schema/notifications.ts";
import type { Tx } from "../../db/tx.ts";
import type { OutgoingMail } from "../../lib/mailer.ts";
import { escapeHtml } from "../../lib/markdown.ts";
import { queueMail } from "../mail/commands.ts";
import { renderMentions } from "../messages/mentions.ts";
import { subscriptionOf } from "./settings.ts";

/**
 * Notification emails (Chatwoot's Notification::EmailNotificationJob + AgentNotifications::ConversationNotificationsMailer):
 * due a couple of minutes after the notification, sent only if it is still unread and not snoozed, to a confirmed
 * member who still wants this type by email. The mail goes through the outbox (queueMail), so SMTP failures retry there.
 */

export type NotificationMailFacts = {
  type: string;
  recipientName: string;
  displayId: number;
  inboxName: string;
  contactName: string;
  accountName: string;
  /** Who did it: the mentioning / assigning user, or the message's sender. */
  actorName: string | null;
  /** The message that caused it (plain text, mentions as @Name), if any. */
  content: string | null;
  conversationUrl: string;
  preferencesUrl: string;
};

const SUBJECTS: Record<string, (f: NotificationMailFacts) => string> = {
  conversation_creation: (f) => `New conversation #${f.displayId} in ${f.inboxName}`,
  conversation_assignment: (f) => `Conversation #${f.displayId} is assigned to you`,
  conversation_mention: (f) => `${f.actorName ?? "A teammate"} mentioned you in conversation #${f.displayId}`,
  assigned_conversation_new_message: (f) => `New message in conversation #${f.displayId} (assigned to you)`,
  participating_conversation_new_message: (f) => `New message in conversation #${f.displayId} (you participate in it)`,
  sla_missed_first_response: (f) => `SLA missed: first response in conversation #${f.displayId}`,
  sla_missed_next_response: (f) => `SLA missed: next response in conversation #${f.displayId}`,
  sla_missed_resolution: (f) => `SLA missed: resolution of conversation #${f.displayId}`,
};

const LEADS: Record<string, (f: NotificationMailFacts) => string> = {
  conversation_creation: (f) => `${f.contactName} started a new conversation (#${f.displayId}) in ${f.inboxName}.`,
  conversation_assignment: (f) =>
    `${f.actorName ? `${f.actorName} assigned` : "Parley assigned"} conversation #${f.displayId} with ${f.contactName} (${f.inboxName}) to you.`,
  conversation_mention: (f) => `${f.actorName ?? "A teammate"} mentioned you in a private note in conversation #${f.displayId} with ${f.contactName} (${f.inboxName}):`,
  assigned_conversation_new_message: (f) => `${f.actorName ?? f.contactName} wrote in conversation #${f.displayId}, which is assigned to you (${f.inboxName}):`,
  participating_conversation_new_message: (f) => `${f.actorName ?? f.contactName} wrote in conversation #${f.displayId}, which you participate in (${f.inboxName}):`,
  sla_missed_first_response: (f) => `Conversation #${f.displayId} with ${f.contactName} (${f.inboxName}) missed its SLA target for the first response.`,
  sla_missed_next_response: (f) => `Conversation #${f.displayId} with ${f.contactName} (${f.inboxName}) missed its SLA target for the next response.`,
  sla_missed_resolution: (f) => `Conversation #${f.displayId} with ${f.contactName} (${f.inboxName}) missed its SLA target for resolution.`,
};

const MAX_CONTENT = 2000;

/** The mail for one notification: plain text and HTML (everything a person wrote is escaped). */
export function notificationMail(to: string, f: NotificationMailFacts): OutgoingMail {
  const subject = `[${f.accountName}] ${(SUBJECTS[f.type] ?? SUBJECTS.conversation_assignment)(f)}`;
  const lead = (LEADS[f.type] ?? LEADS.conversation_assignment)(f);
  const content = f.content ? (f.content.length > MAX_CONTENT ? `${f.content.slice(0, MAX_CONTENT)}…` : f.content) : null;
  const footer = `You get this email because of your notification preferences in ${f.accountName}. Change them: ${f.preferencesUrl}`;
  const text = [
    `Hi ${f.recipientName},`,
    "",
    lead,
    ...(content ? ["", ...content.split("\n").map((l) => `> ${l}`)] : []),
    "",
    `Open the conversation: ${f.conversationUrl}`,
    "",
    "--",
    footer,
  ].join("\n");
  const e = escapeHtml;
  const html = [
    `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#1f2937;line-height:1.5">`,
    `<p>Hi ${e(f.recipientName)},</p>`,
    `<p>${e(lead)}</p>`,
    content ? `<blockquote style="margin:0 0 16px;padding:8px 12px;border-left:3px solid #d1d5db;color:#374151;white-space:pre-wrap">${e(content)}</blockquote>` : "",
    `<p><a href="${e(f.conversationUrl)}">Open conversation #${f.displayId}</a></p>`,
    `<hr style="border:none;border-top:1px solid #e5e7eb"><p style="font-size:12px;color:#6b7280">You get this email because of your notification preferences in ${e(f.accountName)}. `,
    `<a href="${e(f.preferencesUrl)}">Change your notification preferences</a>.</p>`,
    `</body></html>`,
  ].join("");
  return { to, subject, text, html };
}

/**
 * The notification.email job: queues the mail if the notification is still unread, not snoozed, its user still a
 * confirmed member who wants this type by email, and its conversation still there. Returns the mail id or null.
 */
export function sendNotificationEmail(tx: Tx, publicUrl: string, notificationId: number): number | null {
  const n = tx.db.select().from(notifications).where(eq(notifications.id, notificationId)).get();
  if (!n || n.read_at != null || n.snoozed_until != null || n.primary_actor_type !== "Conversation") return null;
  if (!subscriptionOf(tx.db, n.account_id, n.user_id, n.notification_type)?.email) return null;
  const user = tx.db.select({ name: users.name, display_name: users.display_name, email: users.email, confirmed_at: users.confirmed_at }).from(users).where(eq(users.id, n.user_id)).get();
  if (!user || user.confirmed_at == null) return null;
  const c = tx.db
    .select({ display_id: conversations.display_id, inbox: inboxes.name, contact: contacts.name, account: accounts.name })
    .from(conversations)
    .innerJoin(inboxes, eq(inboxes.id, conversations.inbox_id))
    .innerJoin(contacts, eq(contacts.id, conversations.contact_id))
    .innerJoin(accounts, eq(accounts.id, conversations.account_id))
    .where(and(eq(conversations.id, n.primary_actor_id), eq(conversations.account_id, n.account_id)))
    .get();
  if (!c) return null;
  let actorName: string | null = null;
  let content: string | null = null;
  if (n.secondary_actor_type === "Message" && n.secondary_actor_id != null) {
    const m = tx.db
      .select({ content: messages.content, sender_type: messages.sender_type, sender_id: messages.sender_id })
      .from(messages)
      .where(and(eq(messages.id, n.secondary_actor_id), eq(messages.account_id, n.account_id)))
      .get();
    if (m) {
      content = m.content ? renderMentions(m.content) : null;
      actorName = senderName(tx, m.sender_type, m.sender_id);
    }
  } else if (n.secondary_actor_type === "User" && n.secondary_actor_id != null) {
    actorName = senderName(tx, "User", n.secondary_actor_id);
  }
  const base = `${publicUrl}/app/accounts/${n.account_id}`;
  const mail = notificationMail(user.email, {
    type: n.notification_type,
    recipientName: user.display_name || user.name,
    displayId: c.display_id,
    inboxName: c.inbox,
    contactName: c.contact || "A contact",
    accountName: c.account,
    actorName,
    content,
    conversationUrl: `${base}/conversations/${c.display_id}`,
    preferencesUrl: `${base}/settings/profile#notifications-heading`,
  });
  return queueMail(tx, mail);
}

function senderName(tx: Tx, type: string | null, id: number | null): string | null {
  if (id == null) return null;
  if (type === "User") {
    const u = tx.db.select({ name: users.name, display_name: users.display_name }).from(users).where(eq(users.id, id)).get();
    return u ? u.display_name || u.name : null;
  }
  if (type === "Contact") return tx.db.select({ name: contacts.name }).from(contacts).where(eq(contacts.id, id)).get()?.name || null;
  return null;
}
