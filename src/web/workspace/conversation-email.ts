// What the conversation pane shows of email (views/pages/conversations/conversation/email.tsx): a mail's header
// block and body (HTML only through the email channel's sanitizer, re-applied on every render because
// content_attributes can also come from API clients), the channel of the header, and the reply box's Cc / Bcc.
import { z } from "zod";
import { conversationUuidOfAddress, isEmailAddress } from "../../channels/email/addresses.ts";
import { sanitizeEmailHtml } from "../../channels/email/html.ts";
import { emailConfigOf } from "../../channels/email/settings.ts";
import type { ChannelRow } from "../../channels/registry.ts";
import type { MessageRow } from "../../domain/conversations/records.ts";
import type { ChannelKind, EmailBodyView, EmailMessageView, ReplyEmailView, SanitizedEmailHtml } from "../../../views/pages/conversations/conversation/email.tsx";

export const EMAIL_CHANNEL = "Channel::Email";

const KINDS: Record<string, ChannelKind> = {
  "Channel::Email": "email",
  "Channel::Whatsapp": "whatsapp",
  "Channel::Telegram": "telegram",
  "Channel::WebWidget": "website",
  "Channel::Api": "api",
};

export function channelKindOf(channelType: string | null | undefined): ChannelKind {
  return KINDS[channelType ?? ""] ?? "other";
}

/** The largest body part rendered (a mail's HTML can be megabytes; sanitizing a cut document is still safe). */
const MAX_BODY_CHARS = 512 * 1024;
const MAX_ADDRESSES = 50;

function record(v: unknown): Record<string, unknown> {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** A list of addresses as stored: an array of strings, or a comma-separated string (API clients). */
function addressesOf(v: unknown): string[] {
  const parts = Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : typeof v === "string" ? v.split(/[,;]/) : [];
  return parts
    .map((a) => a.trim().slice(0, 320))
    .filter(Boolean)
    .slice(0, MAX_ADDRESSES);
}

function textOf(v: unknown, max: number): string | null {
  return typeof v === "string" && v.trim() ? v.slice(0, max) : null;
}

function sanitized(html: string): SanitizedEmailHtml {
  return sanitizeEmailHtml(html.slice(0, MAX_BODY_CHARS)) as SanitizedEmailHtml;
}

/** The new part of a mail and its quoted history: the HTML part (sanitized) when it has any, else the text part. */
function bodyOf(email: Record<string, unknown>): EmailBodyView | null {
  const html = record(email.html_content);
  const replyHtml = textOf(html.reply, Infinity);
  if (replyHtml) {
    const reply = sanitized(replyHtml);
    if (reply.trim()) {
      const quotedHtml = textOf(html.quoted, Infinity);
      const quoted = quotedHtml ? sanitized(quotedHtml) : null;
      return { format: "html", reply, quoted: quoted?.trim() ? quoted : null };
    }
  }
  const text = record(email.text_content);
  const reply = textOf(text.reply, MAX_BODY_CHARS);
  if (!reply) return null;
  return { format: "text", reply: reply.trim(), quoted: textOf(text.quoted, MAX_BODY_CHARS)?.trim() || null };
}

export type EmailContext = {
  /** The conversation's inbox is an email inbox (agents' public replies go out as mail). */
  emailInbox: boolean;
  /** The conversation's contact: where a reply goes when it names no To. */
  contactEmail: string | null;
  /** The sending contact of an incoming message (name shown with the From address when it is theirs). */
  sender: { name: string | null; email: string | null } | null;
};

/** The email view of a message: incoming mail (content_attributes.email), or an agent's public reply in an email inbox. */
export function emailMessageView(m: MessageRow, ctx: EmailContext): EmailMessageView | null {
  if (m.private || m.message_type === 2) return null;
  const attrs = m.content_attributes ?? {};
  const email = attrs.email;
  if (m.message_type === 0 && email && typeof email === "object" && !Array.isArray(email)) {
    const e = email as Record<string, unknown>;
    const address = addressesOf(e.from)[0] ?? null;
    const name = address && ctx.sender?.email && ctx.sender.email.toLowerCase() === address.toLowerCase() ? ctx.sender.name : null;
    return {
      from: address ? { address, name: name?.trim() || null } : null,
      to: addressesOf(e.to),
      cc: addressesOf(e.cc),
      bcc: addressesOf(e.bcc),
      subject: textOf(e.subject, 1000)?.trim() || null,
      body: bodyOf(e),
      skipped: addressesOf(attrs.skipped_attachments).slice(0, 15),
    };
  }
  if ((m.message_type === 1 || m.message_type === 3) && ctx.emailInbox) {
    const to = addressesOf(attrs.to_emails);
    return {
      from: null,
      to: to.length ? to : ctx.contactEmail ? [ctx.contactEmail] : [],
      cc: addressesOf(attrs.cc_emails),
      bcc: addressesOf(attrs.bcc_emails),
      subject: null,
      body: null,
      skipped: [],
    };
  }
  return null;
}

/**
 * The reply box's email fields. Cc is prefilled as Chatwoot's reply box does from the last incoming mail: its
 * other recipients (To and Cc) and its sender when that is not the contact, without the inbox's own addresses,
 * reply addresses (`…+{uuid}@…`) or the contact (who gets the reply as To). `rows` are the timeline's latest page.
 */
export function replyEmailView(channel: Pick<ChannelRow, "config">, contactEmail: string | null, rows: MessageRow[]): ReplyEmailView {
  const config = emailConfigOf(channel);
  const own = new Set([config.email, config.forward_to_email].filter(Boolean).map((a) => a.toLowerCase()));
  const contact = contactEmail?.toLowerCase() ?? null;
  let last: Record<string, unknown> | null = null;
  for (let i = rows.length - 1; i >= 0 && !last; i--) {
    const e = rows[i].message_type === 0 ? rows[i].content_attributes?.email : null;
    if (e && typeof e === "object" && !Array.isArray(e)) last = e as Record<string, unknown>;
  }
  const cc: string[] = [];
  if (last) {
    for (const raw of [...addressesOf(last.from), ...addressesOf(last.to), ...addressesOf(last.cc)]) {
      const a = raw.toLowerCase();
      if (!isEmailAddress(a) || a === contact || own.has(a) || conversationUuidOfAddress(a) || cc.includes(a)) continue;
      cc.push(a);
    }
  }
  return { to: contactEmail ?? "", cc: cc.join(", "), bcc: "" };
}

/** A Cc / Bcc field of the reply box: addresses separated by commas (or semicolons), lower-cased. */
export const emailListField = z
  .string({ error: "must be text" })
  .max(5000, { error: "is too long (maximum is 5000 characters)" })
  .optional()
  .transform((v) =>
    (v ?? "")
      .split(/[,;]/)
      .map((a) => a.trim().toLowerCase())
      .filter(Boolean),
  )
  .refine((list) => list.length <= MAX_ADDRESSES, { error: `has too many addresses (at most ${MAX_ADDRESSES})` })
  .refine((list) => list.every(isEmailAddress), { error: "must be email addresses separated by commas" });

/** The content_attributes of a public reply with the reply box's Cc / Bcc (as the messages API stores them). */
export function replyEmailAttributes(form: { cc_emails: string[]; bcc_emails: string[] }, isPrivate: boolean): Record<string, unknown> | undefined {
  if (isPrivate || (!form.cc_emails.length && !form.bcc_emails.length)) return undefined;
  return { ...(form.cc_emails.length ? { cc_emails: form.cc_emails } : {}), ...(form.bcc_emails.length ? { bcc_emails: form.bcc_emails } : {}) };
}
