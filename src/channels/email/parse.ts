// MIME parsing of an inbound email (mailparser) into what the channel stores: the sender, the thread headers,
// the reply text shown to agents, and Chatwoot's content_attributes.email (MailPresenter#serialized_data).
import { createHash } from "node:crypto";
import type { AddressObject, ParsedMail } from "mailparser";
import { isEmailAddress, messageIdList, normalizeMessageId } from "./addresses.ts";
import { htmlToText, splitHtml, splitText, type Split } from "./html.ts";

export type EmailAttachment = { file_name: string; content_type: string; bytes: Uint8Array; inline: boolean; content_id: string | null };

export type ParsedEmail = {
  /** The Message-ID without brackets; a digest of the raw message when the header is missing (so redelivery dedups). */
  message_id: string;
  in_reply_to: string | null;
  references: string[];
  /** Who the contact is: Reply-To, else X-Original-Sender, else From (MailPresenter#original_sender). */
  sender: { address: string; name: string | null } | null;
  from: string[];
  to: string[];
  cc: string[];
  bcc: string[];
  /** Every address the mail was delivered to: To, Cc, Delivered-To, X-Original-To, Envelope-To. */
  recipients: string[];
  subject: string;
  date: string | null;
  auto_reply: boolean;
  text: Split | null;
  html: Split | null;
  /** The part agents read: the reply text without the quoted history. */
  content: string;
  attachments: EmailAttachment[];
};

function addresses(value: AddressObject | AddressObject[] | undefined): { address: string; name: string }[] {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  const out: { address: string; name: string }[] = [];
  const walk = (entries: NonNullable<AddressObject["value"]>) => {
    for (const e of entries) {
      if (e.group) walk(e.group);
      else if (e.address) out.push({ address: e.address.trim().toLowerCase(), name: (e.name ?? "").trim() });
    }
  };
  for (const obj of list) walk(obj.value);
  return out;
}

function headerText(mail: ParsedMail, name: string): string | null {
  const v = mail.headers.get(name);
  if (v == null) return null;
  if (typeof v === "string") return v;
  if (typeof v === "object" && "text" in (v as object)) return String((v as { text: unknown }).text);
  if (typeof v === "object" && "value" in (v as object)) return String((v as { value: unknown }).value);
  return String(v);
}

function headerAddresses(mail: ParsedMail, name: string): string[] {
  const v = mail.headers.get(name);
  if (v && typeof v === "object" && "value" in (v as object) && Array.isArray((v as AddressObject).value)) return addresses(v as AddressObject).map((a) => a.address);
  const text = headerText(mail, name);
  return text ? (text.match(/[^\s<>,;"]+@[^\s<>,;"]+/g) ?? []).map((a) => a.toLowerCase()) : [];
}

export async function parseEmail(raw: Uint8Array | string): Promise<ParsedEmail> {
  const buffer = typeof raw === "string" ? Buffer.from(raw) : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  // Loaded on first use: only installations that receive email pay for mailparser (tens of MB).
  const { simpleParser } = await import("mailparser");
  const mail = await simpleParser(buffer, { skipImageLinks: true, keepCidLinks: true, skipTextToHtml: true, skipTextLinks: true });
  const from = addresses(mail.from);
  const replyTo = addresses(mail.replyTo);
  const originalSender = headerAddresses(mail, "x-original-sender");
  const sender = [...replyTo, ...originalSender.map((address) => ({ address, name: "" })), ...from].find((a) => isEmailAddress(a.address)) ?? null;
  const to = addresses(mail.to).map((a) => a.address);
  const cc = addresses(mail.cc).map((a) => a.address);
  const bcc = addresses(mail.bcc).map((a) => a.address);
  const delivered = ["delivered-to", "x-original-to", "envelope-to", "x-forwarded-to"].flatMap((h) => headerAddresses(mail, h));
  const text = mail.text?.trim() ? splitText(mail.text) : null;
  const html = typeof mail.html === "string" && mail.html.trim() ? splitHtml(mail.html) : null;
  const autoSubmitted = headerText(mail, "auto-submitted");
  const content = text?.reply || (html ? htmlToText(html.reply) : "");
  return {
    message_id: normalizeMessageId(mail.messageId) ?? `parley-${createHash("sha256").update(buffer).digest("hex").slice(0, 40)}@generated.invalid`,
    in_reply_to: messageIdList(mail.inReplyTo)[0] ?? null,
    references: messageIdList(mail.references),
    sender: sender ? { address: sender.address, name: sender.name || null } : null,
    from: from.map((a) => a.address),
    to,
    cc,
    bcc,
    recipients: [...new Set([...to, ...cc, ...delivered])],
    subject: (mail.subject ?? "").trim(),
    date: mail.date ? mail.date.toISOString() : null,
    auto_reply: (autoSubmitted != null && autoSubmitted.toLowerCase() !== "no") || headerText(mail, "x-autoreply")?.toLowerCase() === "yes",
    text,
    html,
    content,
    attachments: mail.attachments.map((a) => ({
      file_name: (a.filename ?? "").trim(),
      content_type: a.contentType || "application/octet-stream",
      bytes: new Uint8Array(a.content),
      inline: a.contentDisposition === "inline" || a.related === true,
      content_id: a.cid ?? null,
    })),
  };
}

/** content_attributes.email of the stored message, in Chatwoot's shape (MailPresenter#serialized_data). */
export function serializedEmail(p: ParsedEmail) {
  return {
    bcc: p.bcc,
    cc: p.cc,
    content_type: p.html ? "text/html" : "text/plain",
    date: p.date,
    from: p.from,
    html_content: p.html ?? {},
    in_reply_to: p.in_reply_to,
    message_id: p.message_id,
    multipart: !!(p.html && p.text) || p.attachments.length > 0,
    number_of_attachments: p.attachments.length,
    references: p.references,
    subject: p.subject,
    text_content: p.text ?? {},
    to: p.to,
    auto_reply: p.auto_reply,
  };
}
