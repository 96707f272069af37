// Inbound email, whichever way it arrived (IMAP, the built-in SMTP receiver): the contact by the sender's address,
// the conversation by the reply address or the thread headers (else a new one with the subject), dedup by
// Message-ID, sanitized HTML and the reply text without the quoted history, attachments stored. Chatwoot's
// Imap::ImapMailbox, ReplyMailbox and SupportMailbox in one pipeline.
import { and, eq } from "drizzle-orm";
import { contacts } from "../../db/schema/contacts.ts";
import { conversations } from "../../db/schema/conversations.ts";
import { channels, inboxes } from "../../db/schema/inboxes.ts";
import type { Tx } from "../../db/tx.ts";
import type { AppDeps } from "../../deps.ts";
import { removeStored, storeUploads, type StoredFile } from "../../domain/attachments/storage.ts";
import { createSelfContact } from "../../domain/contacts/commands.ts";
import { openConversation } from "../../domain/conversations/commands.ts";
import { findOrCreateContactInbox } from "../../domain/conversations/contact-inbox.ts";
import type { ContactRow, ConversationRow, InboxRecord, MessageRow } from "../../domain/conversations/records.ts";
import { addMessage, MAX_ATTACHMENTS } from "../../domain/messages/commands.ts";
import { contactPerformer } from "../../domain/public-client/commands.ts";
import { widgetConfigOf } from "../web-widget/config.ts";
import { findMessageBySource } from "../framework/inbound.ts";
import { conversationUuidOfAddress, conversationUuidOfMessageId } from "./addresses.ts";
import { parseEmail, serializedEmail, type ParsedEmail } from "./parse.ts";
import { emailConfigOf } from "./settings.ts";

export const EMAIL_CHANNEL_TYPE = "Channel::Email";
export const WEB_WIDGET_CHANNEL_TYPE = "Channel::WebWidget";

export type ReceiveOutcome =
  | { status: "created"; message: MessageRow; conversation: ConversationRow }
  | { status: "duplicate"; message: MessageRow }
  | { status: "ignored"; reason: string };

/** Where a mail is going: an inbox (its mailbox or forwarding address), or only a reply address (the receiver). */
export type EmailDestination = { inbox: InboxRecord | null; envelopeRecipients?: string[] };

function conversationByUuid(tx: Pick<Tx, "db">, uuid: string): ConversationRow | undefined {
  return tx.db.select().from(conversations).where(eq(conversations.uuid, uuid)).get();
}

function inboxRecord(tx: Pick<Tx, "db">, inboxId: number): InboxRecord | null {
  return (
    tx.db
      .select({ inbox: inboxes, channel: channels })
      .from(inboxes)
      .innerJoin(channels, eq(channels.id, inboxes.channel_id))
      .where(eq(inboxes.id, inboxId))
      .get() ?? null
  );
}

/**
 * The conversation a reply address names (`…+{uuid}@…`): within the inbox when there is one, else (the receiver) in
 * an email inbox or a website inbox with conversation continuity by email on.
 */
export function replyAddressConversation(tx: Pick<Tx, "db">, addresses: string[], inboxId: number | null): { conversation: ConversationRow; where: InboxRecord } | null {
  for (const address of addresses) {
    const uuid = conversationUuidOfAddress(address);
    if (!uuid) continue;
    const conversation = conversationByUuid(tx, uuid);
    if (!conversation || (inboxId != null && conversation.inbox_id !== inboxId)) continue;
    const where = inboxRecord(tx, conversation.inbox_id);
    if (!where) continue;
    const type = where.channel.channel_type;
    if (type === EMAIL_CHANNEL_TYPE || (type === WEB_WIDGET_CHANNEL_TYPE && widgetConfigOf(where.channel).continuity_via_email)) return { conversation, where };
  }
  return null;
}

/** In-Reply-To, then References from the newest: a message of the inbox with that Message-ID, or one of our own ids. */
function threadedConversation(tx: Tx, inboxId: number, p: ParsedEmail): ConversationRow | null {
  const ids = [...(p.in_reply_to ? [p.in_reply_to] : []), ...[...p.references].reverse()];
  for (const id of ids) {
    const hit = findMessageBySource(tx.db, inboxId, id);
    if (hit) {
      const c = tx.db.select().from(conversations).where(eq(conversations.id, hit.conversation_id)).get();
      if (c) return c;
    }
    const uuid = conversationUuidOfMessageId(id);
    const c = uuid ? conversationByUuid(tx, uuid) : undefined;
    if (c && c.inbox_id === inboxId) return c;
  }
  return null;
}

/** The account's contact with the sender's address, or a new one named from the From header (else the local part). */
function senderContact(tx: Tx, accountId: number, p: ParsedEmail): ContactRow {
  const address = p.sender!.address;
  const found = tx.db.select().from(contacts).where(and(eq(contacts.account_id, accountId), eq(contacts.email, address))).get();
  if (found) return found;
  return createSelfContact(tx, accountId, {
    name: (p.sender!.name || address.split("@")[0]).slice(0, 255),
    email: address,
    additional_attributes: { source_id: `email:${p.message_id}` },
  });
}

function newConversation(tx: Tx, where: InboxRecord, contact: ContactRow, p: ParsedEmail): ConversationRow {
  const email = contact.email;
  const taken = email
    ? tx.db.$client.query("SELECT contact_id FROM contact_inboxes WHERE inbox_id = ?1 AND source_id = ?2").get(where.inbox.id, email) as { contact_id: number } | null
    : null;
  const contactInbox = findOrCreateContactInbox(tx, contact, where.inbox, email && (!taken || taken.contact_id === contact.id) ? email : undefined);
  return openConversation(tx, contactPerformer(contact), where.inbox, contactInbox, {
    additional_attributes: {
      source: "email",
      mail_subject: p.subject,
      in_reply_to: p.in_reply_to,
      initiated_at: { timestamp: new Date(tx.now).toISOString() },
    },
  });
}

/** Files of the mail, stored before the transaction: at most 15 (the last ones, as Chatwoot), none above the upload limit. */
async function storeMailFiles(deps: AppDeps, p: ParsedEmail): Promise<{ files: StoredFile[]; skipped: string[] }> {
  const skipped: string[] = [];
  const fitting = p.attachments.filter((a) => {
    if (a.bytes.byteLength > deps.config.maxUploadBytes) {
      skipped.push(a.file_name || "attachment");
      return false;
    }
    return true;
  });
  const chosen = fitting.slice(-MAX_ATTACHMENTS);
  const files = await storeUploads(
    deps.config.dataDir,
    chosen.map((a, i) => new File([a.bytes as Uint8Array<ArrayBuffer>], a.file_name || `attachment-${i + 1}${extensionFor(a.content_type)}`, { type: a.content_type })),
    deps.config.maxUploadBytes,
  );
  return { files, skipped };
}

function extensionFor(type: string): string {
  const known: Record<string, string> = { "image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "application/pdf": ".pdf", "text/plain": ".txt" };
  return known[type.toLowerCase()] ?? "";
}

/** The whole pipeline for one raw message. */
export async function receiveEmail(deps: AppDeps, destination: EmailDestination, raw: Uint8Array | string): Promise<ReceiveOutcome> {
  const p = await parseEmail(raw);
  return receiveParsedEmail(deps, destination, p);
}

export async function receiveParsedEmail(deps: AppDeps, destination: EmailDestination, p: ParsedEmail): Promise<ReceiveOutcome> {
  if (!p.sender) return { status: "ignored", reason: "no sender address" };
  const own = destination.inbox ? emailConfigOf(destination.inbox.channel).email : null;
  const appSender = /<([^<>]+)>/.exec(deps.config.mailFrom)?.[1]?.toLowerCase() ?? deps.config.mailFrom.toLowerCase();
  // Loop guards: our own mail coming back (a copy in the mailbox, an auto-forward of a notification).
  if (p.sender.address === own || p.sender.address === appSender) return { status: "ignored", reason: "sent by Parley" };

  const addresses = [...(destination.envelopeRecipients ?? []), ...p.recipients];
  const inboxId = destination.inbox?.inbox.id ?? null;
  const byAddress = replyAddressConversation(deps, addresses, inboxId);
  const where = byAddress?.where ?? destination.inbox;
  if (!where) return { status: "ignored", reason: "no inbox or conversation for the recipients" };
  const earlier = findMessageBySource(deps.db, where.inbox.id, p.message_id);
  if (earlier) return { status: "duplicate", message: earlier };

  const { files, skipped } = await storeMailFiles(deps, p);
  const outcome = deps.tx((tx): ReceiveOutcome => {
    const again = findMessageBySource(tx.db, where.inbox.id, p.message_id);
    if (again) return { status: "duplicate", message: again };
    const contact = senderContact(tx, where.inbox.account_id, p);
    let conversation =
      (byAddress ? tx.db.select().from(conversations).where(eq(conversations.id, byAddress.conversation.id)).get() : null) ??
      threadedConversation(tx, where.inbox.id, p) ??
      newConversation(tx, where, contact, p);
    const message = addMessage(tx, contactPerformer(contact), conversation, {
      message_type: 0,
      content: p.content || (files.length ? null : p.subject || null),
      content_type: "incoming_email",
      content_attributes: {
        email: serializedEmail(p),
        cc_email: p.cc,
        bcc_email: p.bcc,
        ...(skipped.length ? { skipped_attachments: skipped } : {}),
      },
      source_id: p.message_id,
      sender: { type: "Contact", id: contact.id },
      files,
    });
    conversation = tx.db.select().from(conversations).where(eq(conversations.id, conversation.id)).get()!;
    return { status: "created", message, conversation };
  });
  if (outcome.status !== "created") await removeStored(deps.config.dataDir, files.map((f) => f.storage_key));
  return outcome;
}
