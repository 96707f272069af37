// Agent replies as proper emails (Chatwoot's ConversationReplyMailer): From "Agent from Inbox <inbox address>",
// Reply-To the conversation's reply address, a Message-ID of our own, In-Reply-To the customer's last mail and
// References the thread (RFC 5322 §3.6.4), Subject "Re: …", text and HTML parts with the signatures, attachments.
// Sent through the inbox's SMTP server, or the app's mailer (PARLEY_SMTP_URL) for forwarding inboxes.
import { and, asc, eq, lt } from "drizzle-orm";
import type { Transporter } from "nodemailer";
import { nodemailer } from "../../lib/mailer.ts";
import type SMTPTransport from "nodemailer/lib/smtp-transport";
import { users } from "../../db/schema/accounts.ts";
import { messages } from "../../db/schema/conversations.ts";
import type { AppDeps } from "../../deps.ts";
import type { ConversationRow, InboxRow } from "../../domain/conversations/records.ts";
import { escapeHtml, renderMarkdown } from "../../lib/markdown.ts";
import { ChannelSendError } from "../framework/provider.ts";
import { openSecret } from "../framework/secrets.ts";
import type { OutboundAttachment, SendContext, SendResult } from "../framework/types.ts";
import { conversationThreadId, domainOf, isEmailAddress, normalizeMessageId, outgoingMessageId, replyAddress, replySubject } from "./addresses.ts";
import { emailConfigOf, type EmailConfig } from "./settings.ts";

/** Chatwoot's subject for a conversation that did not start with an email. */
export function defaultSubject(displayId: number): string {
  return `[#${displayId}] New messages on this conversation`;
}

/** The display name of the From header (Inbox#friendly / professional sender names). */
export function senderName(inbox: Pick<InboxRow, "name" | "sender_name_type" | "business_name">, agentName: string | null): string {
  const business = inbox.business_name?.trim() || inbox.name;
  if (inbox.sender_name_type === "professional" || !agentName) return business;
  return `${agentName} from ${business}`;
}

/** An address with a display name, quoted for the header (nodemailer encodes non-ASCII names). */
export function mailbox(name: string, address: string): { name: string; address: string } {
  return { name: name.replace(/[\r\n"]/g, " ").trim(), address };
}

/**
 * The thread headers of an outgoing message: In-Reply-To is the customer's last email before it (else the
 * conversation's own thread id), References every earlier email of the conversation, oldest first.
 */
export function threadHeaders(deps: AppDeps, conversation: ConversationRow, beforeMessageId: number, domain: string) {
  const earlier = deps.db
    .select({ id: messages.id, message_type: messages.message_type, source_id: messages.source_id, content_attributes: messages.content_attributes })
    .from(messages)
    .where(and(eq(messages.conversation_id, conversation.id), lt(messages.id, beforeMessageId)))
    .orderBy(asc(messages.id))
    .all();
  const ids: string[] = [];
  let lastIncoming: string | null = null;
  for (const m of earlier) {
    const email = m.content_attributes.email as { message_id?: string } | undefined;
    const id = normalizeMessageId(email?.message_id ?? (m.source_id?.includes("@") ? m.source_id : null));
    if (!id) continue;
    if (!ids.includes(id)) ids.push(id);
    if (m.message_type === 0) lastIncoming = id;
  }
  const inReplyTo = lastIncoming ?? ids[ids.length - 1] ?? conversationThreadId(conversation.account_id, conversation.uuid, domain);
  if (!ids.includes(inReplyTo)) ids.unshift(inReplyTo);
  // Long threads: the first id and the latest ones (RFC 5322 suggests keeping the first and the last few).
  const references = ids.length > 20 ? [ids[0], ...ids.slice(-19)] : ids;
  return { inReplyTo, references, hadIncoming: lastIncoming !== null };
}

function signatures(deps: AppDeps, ctx: SendContext, config: EmailConfig): string[] {
  const out: string[] = [];
  if (ctx.sender?.type === "User") {
    const u = deps.db.select({ s: users.message_signature }).from(users).where(eq(users.id, ctx.sender.id)).get();
    if (u?.s?.trim()) out.push(u.s.trim());
  }
  if (config.signature?.trim()) out.push(config.signature.trim());
  return out;
}

export type EmailBody = { text: string; html: string };

/** The text and HTML parts: the message (markdown rendered safely), then the signatures after the "-- " line. */
export function emailBody(content: string, signatureTexts: string[]): EmailBody {
  const sig = signatureTexts.join("\n\n");
  const text = sig ? `${content}\n\n-- \n${sig}\n` : `${content}\n`;
  const sigHtml = sig ? `<div class="signature">-- <br>${signatureTexts.map((s) => renderMarkdown(s) || escapeHtml(s)).join("")}</div>` : "";
  const html = `<!doctype html><html><body><div>${renderMarkdown(content)}</div>${sigHtml}</body></html>`;
  return { text, html };
}

async function mailAttachments(list: OutboundAttachment[]) {
  const out: { filename: string; content: Buffer; contentType: string }[] = [];
  for (const a of list) {
    const bytes = await a.read();
    if (!bytes) continue;
    out.push({ filename: a.row.file_name || "attachment", content: Buffer.from(bytes), contentType: a.row.content_type || "application/octet-stream" });
  }
  return out;
}

const AUTH_METHODS = { plain: "PLAIN", login: "LOGIN", cram_md5: "CRAM-MD5" } as const;

/** The inbox's SMTP server, or the app's mailer; null when neither is configured. */
export function transportFor(deps: AppDeps, config: EmailConfig | null): Transporter<SMTPTransport.SentMessageInfo> | null {
  if (config?.smtp_enabled && config.smtp_address) {
    return nodemailer().createTransport({
      host: config.smtp_address,
      port: config.smtp_port,
      secure: config.smtp_enable_ssl_tls,
      ignoreTLS: !config.smtp_enable_ssl_tls && !config.smtp_enable_starttls_auto,
      auth: config.smtp_login ? { user: config.smtp_login, pass: config.smtp_password ? openSecret(deps.config.secretKey, config.smtp_password) : "" } : undefined,
      authMethod: AUTH_METHODS[config.smtp_authentication],
      name: config.smtp_domain || undefined,
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 60_000,
    });
  }
  if (deps.config.smtpUrl) return nodemailer().createTransport(deps.config.smtpUrl);
  return null;
}

/** An SMTP failure as the agent sees it: the server's reply ("550 5.1.1 …"); 5xx replies are permanent. */
export function smtpFailure(err: unknown): ChannelSendError {
  const e = err as { response?: string; responseCode?: number; message?: string; code?: string };
  const text = e?.response || e?.message || String(err);
  const permanent = typeof e?.responseCode === "number" && e.responseCode >= 500 && e.responseCode < 600;
  return new ChannelSendError(text.slice(0, 1000), permanent || e?.code === "EAUTH" || e?.code === "EENVELOPE");
}

function addressList(value: unknown): string[] {
  const parts = Array.isArray(value) ? value.map(String) : typeof value === "string" ? value.split(/[,;]/) : [];
  return parts.map((p) => p.trim().toLowerCase()).filter(isEmailAddress);
}

/** The email channel's sender (the framework's channel.send job). */
export async function sendEmailReply(ctx: SendContext): Promise<SendResult> {
  const { deps, conversation, message, contact, inbox } = ctx;
  const config = emailConfigOf(ctx.channel);
  const attrs = message.content_attributes;
  const to = addressList(attrs.to_emails);
  if (!to.length) {
    const address = contact.email ?? (ctx.contactInbox?.source_id && isEmailAddress(ctx.contactInbox.source_id) ? ctx.contactInbox.source_id : null);
    if (address) to.push(address.toLowerCase());
  }
  if (!to.length) throw new ChannelSendError("The contact has no email address", true);
  const transport = transportFor(deps, config);
  if (!transport) throw new ChannelSendError("No SMTP server to send with: turn on this inbox's SMTP settings or set PARLEY_SMTP_URL", true);

  const domain = domainOf(config.email);
  const id = outgoingMessageId(conversation.uuid, message.id, domain);
  const thread = threadHeaders(deps, conversation, message.id, domain);
  const subjectBase = typeof conversation.additional_attributes.mail_subject === "string" ? conversation.additional_attributes.mail_subject.trim() : "";
  const subject = subjectBase ? (thread.hadIncoming ? replySubject(subjectBase) : subjectBase) : defaultSubject(conversation.display_id);
  const reply =
    replyAddress(conversation.uuid, {
      inboxAddress: config.imap_enabled ? config.email : null,
      receiverDomain: deps.config.smtpReceiverPort != null ? deps.config.inboundEmailDomain : null,
    }) ?? config.email;
  const body = emailBody(message.content ?? "", signatures(deps, ctx, config));
  try {
    await transport.sendMail({
      from: mailbox(senderName(inbox, ctx.sender?.name ?? null), config.email),
      to,
      cc: addressList(attrs.cc_emails),
      bcc: addressList(attrs.bcc_emails),
      replyTo: reply,
      subject,
      messageId: `<${id}>`,
      inReplyTo: `<${thread.inReplyTo}>`,
      references: thread.references.map((r) => `<${r}>`),
      text: body.text,
      html: body.html,
      attachments: await mailAttachments(ctx.attachments),
      headers: { "Auto-Submitted": "no" },
    });
  } catch (err) {
    throw smtpFailure(err);
  } finally {
    transport.close();
  }
  return { source_id: id };
}
