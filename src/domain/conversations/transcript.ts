import { and, asc, eq, ne } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { messages } from "../../db/schema/conversations.ts";
import type { Tx } from "../../db/tx.ts";
import type { AppDeps } from "../../deps.ts";
import { createRateLimiter, type SlidingRateLimiter } from "../../lib/rate-limit.ts";
import type { AccountScope } from "../accounts/access.ts";
import { attachmentPushData } from "../attachments/serialize.ts";
import { TooManyRequests, Validation } from "../errors.ts";
import { queueMail } from "../mail/commands.ts";
import { loadAttachments } from "../messages/push.ts";
import { Records, type ConversationRow, type MessageRow } from "./records.ts";

/**
 * Conversation transcripts by email (Chatwoot's ConversationReplyMailer#conversation_transcript): the public
 * messages of a conversation — incoming, outgoing and templates; never private notes, never activity lines — as a
 * plain-text and an HTML mail, queued in the mail outbox. Everything a person wrote is escaped in the HTML part.
 * Asked for by the contact from the widget (to their own address) or by an agent (to any address).
 */

const EMAIL = /^[^@\s<>,;"]+@[^@\s<>,;"]+\.[^@\s<>,;"]+$/;
const HOUR = 60 * 60 * 1000;

/** At most this many transcripts per hour for one contact (whoever asks) and per client address. */
export const TRANSCRIPT_LIMITS = { perContact: 10, perIp: 20, windowMs: HOUR } as const;

export type TranscriptMail = { subject: string; text: string; html: string };

/** A recipient address: trimmed, lower-cased, one address; 422 naming `field` otherwise. */
export function transcriptRecipient(email: string | null | undefined, field = "email"): string {
  const to = (email ?? "").trim().toLowerCase();
  if (!to) throw Validation.field(field, "can't be blank");
  if (to.length > 255 || !EMAIL.test(to)) throw Validation.field(field, "is invalid");
  return to;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);
}

/** "Nov 26, 2026, 14:05 UTC" in the inbox's time zone (UTC when the zone is unknown). */
function formatTime(ms: number, timeZone: string): string {
  const opts: Intl.DateTimeFormatOptions = { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hour12: false, timeZoneName: "short" };
  try {
    return new Intl.DateTimeFormat("en-US", { ...opts, timeZone }).format(ms);
  } catch {
    return new Intl.DateTimeFormat("en-US", { ...opts, timeZone: "UTC" }).format(ms);
  }
}

function senderName(r: Records, m: MessageRow): string {
  if (m.sender_type === "User") {
    const u = r.user(m.sender_id)?.user;
    return u ? u.display_name?.trim() || u.name : "Agent";
  }
  if (m.sender_type === "Contact") return r.contact(m.sender_id)?.name?.trim() || "Contact";
  if (m.sender_type === "AgentBot") return r.bot(m.sender_id)?.name || "Bot";
  return m.message_type === 0 ? "Contact" : "Agent";
}

/** The public messages of the conversation, oldest first. */
export function transcriptMessages(db: Db, conversation: Pick<ConversationRow, "id">): MessageRow[] {
  return db
    .select()
    .from(messages)
    .where(and(eq(messages.conversation_id, conversation.id), eq(messages.private, false), ne(messages.message_type, 2)))
    .orderBy(asc(messages.created_at), asc(messages.id))
    .all();
}

/** The transcript mail of a conversation (nothing is sent here). */
export function buildTranscript(db: Db, conversation: ConversationRow, publicUrl: string): TranscriptMail {
  const r = new Records(db, conversation.account_id, publicUrl);
  const inbox = r.inbox(conversation.inbox_id)?.inbox;
  const inboxName = inbox?.name ?? "Support";
  const timeZone = inbox?.timezone ?? "UTC";
  const rows = transcriptMessages(db, conversation).filter((m) => !(m.content_attributes as { deleted?: boolean }).deleted);
  r.loadUsers(rows.filter((m) => m.sender_type === "User").map((m) => m.sender_id));
  r.loadContacts(rows.filter((m) => m.sender_type === "Contact").map((m) => m.sender_id));
  const files = loadAttachments(r, rows.map((m) => m.id));

  const subject = `[${inboxName}] Conversation transcript #${conversation.display_id}`;
  const heading = `Your conversation with ${inboxName}`;
  const text: string[] = [heading, "=".repeat(Math.min(heading.length, 72)), ""];
  const html: string[] = [];
  for (const m of rows) {
    const who = senderName(r, m);
    const when = formatTime(m.created_at, timeZone);
    const links = (files.get(m.id) ?? [])
      .map((a) => ({ name: a.file_name || `attachment.${a.extension ?? "bin"}`, url: String(attachmentPushData(a, publicUrl).data_url ?? "") }))
      .filter((a) => /^https?:\/\//.test(a.url));
    text.push(`${who} — ${when}`);
    if (m.content) text.push(m.content);
    for (const a of links) text.push(`Attachment: ${a.name} <${a.url}>`);
    text.push("");
    html.push(
      `<tr><td style="padding:0 0 18px"><p style="margin:0 0 4px;font-weight:600">${escapeHtml(who)} <span style="font-weight:400;color:#6b7280;font-size:12px">${escapeHtml(when)}</span></p>` +
        (m.content ? `<div style="white-space:pre-wrap;margin:0">${escapeHtml(m.content)}</div>` : "") +
        links.map((a) => `<p style="margin:4px 0 0">Attachment: <a href="${escapeHtml(a.url)}">${escapeHtml(a.name)}</a></p>`).join("") +
        `</td></tr>`,
    );
  }
  if (!rows.length) {
    text.push("(no messages yet)", "");
    html.push(`<tr><td style="color:#6b7280">(no messages yet)</td></tr>`);
  }
  text.push("--", `Sent by ${inboxName}`);
  const body =
    `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>` +
    `<body style="margin:0;padding:24px;background:#f4f6fb;font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1f2937">` +
    `<table role="presentation" style="max-width:640px;margin:0 auto;background:#ffffff;border-radius:12px;padding:24px;border-collapse:separate" width="100%">` +
    `<tr><td style="padding:0 0 16px"><h1 style="margin:0;font-size:20px">${escapeHtml(heading)}</h1></td></tr>` +
    html.join("") +
    `<tr><td style="padding-top:8px;border-top:1px solid #e5e7eb;color:#6b7280;font-size:12px">Sent by ${escapeHtml(inboxName)}</td></tr>` +
    `</table></body></html>`;
  return { subject, text: text.join("\n"), html: body };
}

/** Builds the transcript and queues it to `to` (an address already checked by transcriptRecipient). */
export function queueTranscript(tx: Tx, conversation: ConversationRow, to: string, publicUrl: string): number {
  return queueMail(tx, { to, ...buildTranscript(tx.db, conversation, publicUrl) });
}

/** POST /api/v1/accounts/{id}/conversations/{id}/transcript: an agent mails the transcript to `email`. */
export function sendConversationTranscript(tx: Tx, scope: AccountScope, conversation: ConversationRow, email: string | null | undefined, publicUrl: string, beforeQueue?: () => void): string {
  if (conversation.account_id !== scope.account.id) throw Validation.field("conversation_id", "is not in this account");
  const to = transcriptRecipient(email);
  beforeQueue?.();
  queueTranscript(tx, conversation, to, publicUrl);
  return to;
}

const limiters = new WeakMap<AppDeps, { contact: SlidingRateLimiter; ip: SlidingRateLimiter } | null>();

/**
 * Counts one transcript for the conversation's contact and for the client address; 429 with Retry-After when
 * either is over its hourly limit. Off with PARLEY_PUBLIC_API_RATE_LIMITS=false, like the other public limits.
 */
export function limitTranscripts(deps: AppDeps, contactId: number, ip: string): void {
  if (!limiters.has(deps)) {
    const now = () => deps.clock.now();
    limiters.set(
      deps,
      deps.config.publicApiRateLimits
        ? {
            contact: createRateLimiter({ limit: TRANSCRIPT_LIMITS.perContact, windowMs: TRANSCRIPT_LIMITS.windowMs, now }),
            ip: createRateLimiter({ limit: TRANSCRIPT_LIMITS.perIp, windowMs: TRANSCRIPT_LIMITS.windowMs, now }),
          }
        : null,
    );
  }
  const l = limiters.get(deps);
  if (!l) return;
  for (const result of [l.contact.hit(String(contactId)), l.ip.hit(ip)]) {
    if (!result.ok) throw new TooManyRequests(Math.ceil(result.retryAfterMs / 1000), "Too many transcripts requested, try again later");
  }
}
