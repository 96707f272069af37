import { and, desc, eq, ne, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { preparedFor } from "../../db/prepared.ts";
import { contact_inboxes, contacts } from "../../db/schema/contacts.ts";
import { conversations, messages, type CONTENT_TYPES } from "../../db/schema/conversations.ts";
import { channels, inboxes } from "../../db/schema/inboxes.ts";
import type { Tx } from "../../db/tx.ts";
import type { AppDeps } from "../../deps.ts";
import { removeStored, storeUploads } from "../../domain/attachments/storage.ts";
import { createSelfContact } from "../../domain/contacts/commands.ts";
import { openConversation } from "../../domain/conversations/commands.ts";
import { findOrCreateContactInbox } from "../../domain/conversations/contact-inbox.ts";
import type { ContactInboxRow, ContactRow, ConversationRow, InboxRecord, MessageRow } from "../../domain/conversations/records.ts";
import { addMessage, type NewAttachment } from "../../domain/messages/commands.ts";
import { contactPerformer } from "../../domain/public-client/commands.ts";

/** The contact a provider message comes from. `source_id` is the provider's id of them in this inbox (chat id, phone, address). */
export type InboundContact = {
  source_id: string;
  name?: string | null;
  email?: string | null;
  /** E.164 ("+4915…"); anything else is ignored. */
  phone_number?: string | null;
  avatar_url?: string | null;
  additional_attributes?: Record<string, unknown>;
};

/** A file the provider sent (downloaded by the channel) or an attachment without bytes (location, contact card, link). */
export type InboundAttachment =
  | { kind: "file"; bytes: Uint8Array; content_type: string; file_name: string }
  | { kind: "location"; latitude: number; longitude: number; title?: string | null }
  | { kind: "contact"; phone_number: string; first_name?: string | null; last_name?: string | null; meta?: Record<string, unknown> }
  | { kind: "link"; url: string; title?: string | null; file_type?: "fallback" | "share" | "story_mention" | "ig_reel" };

/** One provider message, normalized by the channel. */
export type InboundMessage = {
  contact: InboundContact;
  /** The provider's message id: a second delivery with the same id in the same inbox is ignored (dedup). */
  source_id: string | null;
  content: string | null;
  content_type?: (typeof CONTENT_TYPES)[number];
  content_attributes?: Record<string, unknown>;
  /** Files and such; a function is called only when the message is new (so duplicates download nothing). */
  attachments?: InboundAttachment[] | (() => Promise<InboundAttachment[]>);
  /** The provider id of the message this one replies to (stored as in_reply_to / in_reply_to_external_id). */
  in_reply_to?: string | null;
  /** When the provider says it was sent (ms); kept in content_attributes.external_created_at. */
  timestamp?: number | null;
  /** "outgoing" records a message the business sent from elsewhere (an echo): stored, never sent again. */
  direction?: "incoming" | "outgoing";
  /** The conversation the channel threaded this message into (email References…); must be in the same inbox. */
  conversation_id?: number | null;
  /** additional_attributes of a conversation this message opens (Telegram chat_id, email subject…). */
  conversation_attributes?: Record<string, unknown>;
};

export type InboundResult = {
  /** True when a message with this source_id was already stored: nothing was written. */
  duplicate: boolean;
  message: MessageRow;
  conversation: ConversationRow;
  contact: ContactRow | null;
};

const inboxByIdentifier = preparedFor((db) =>
  db.$client.prepare<{ inbox_id: number; channel_id: number }, [string, string]>(
    "SELECT i.id AS inbox_id, c.id AS channel_id FROM channels c JOIN inboxes i ON i.channel_id = c.id WHERE c.channel_type = ?1 AND c.identifier = ?2",
  ),
);

// Prepared once: every inbound webhook and its job look their inbox up (building the SQL each time cost more than the rest of a webhook).
const inboxById = preparedFor((db) => db.select().from(inboxes).where(eq(inboxes.id, sql.placeholder("id"))).prepare());
const channelById = preparedFor((db) => db.select().from(channels).where(eq(channels.id, sql.placeholder("id"))).prepare());
const messageById = preparedFor((db) => db.select().from(messages).where(eq(messages.id, sql.placeholder("id"))).prepare());

/** The inbox (and channel) of a kind with the given channel identifier: how an inbound webhook route finds its inbox. */
export function findChannelInbox(db: Db, channelType: string, identifier: string): InboxRecord | null {
  const hit = inboxByIdentifier(db).get(channelType, identifier);
  if (!hit) return null;
  const inbox = inboxById(db).get({ id: hit.inbox_id });
  const channel = channelById(db).get({ id: hit.channel_id });
  return inbox && channel ? { inbox, channel } : null;
}

// Prepared once: the IMAP supervisor asks every few seconds, and building this wide join's SQL was most of its cost.
const inboxesOfKindQuery = preparedFor((db) =>
  db
    .select({ inbox: inboxes, channel: channels })
    .from(channels)
    .innerJoin(inboxes, eq(inboxes.channel_id, channels.id))
    .where(eq(channels.channel_type, sql.placeholder("type")))
    .orderBy(inboxes.id)
    .prepare(),
);

/** Every inbox of a kind (pollers iterate them). */
export function inboxesOfKind(db: Db, channelType: string): InboxRecord[] {
  return inboxesOfKindQuery(db).all({ type: channelType });
}

const messageBySource = preparedFor((db) =>
  db.$client.prepare<{ id: number }, [number, string]>("SELECT id FROM messages WHERE inbox_id = ?1 AND source_id = ?2 ORDER BY id LIMIT 1"),
);

/** The message with a provider id in an inbox (dedup, replies, delivery receipts). */
export function findMessageBySource(db: Db, inboxId: number, sourceId: string): MessageRow | null {
  const hit = messageBySource(db).get(inboxId, sourceId);
  return hit ? (messageById(db).get({ id: hit.id }) ?? null) : null;
}

const EMAIL = /^[^@\s]+@[^@\s]+$/;
const E164 = /^\+[1-9]\d{1,14}$/;

function clean(c: InboundContact) {
  const email = c.email?.trim().toLowerCase() || null;
  const phone = c.phone_number?.trim() || null;
  return {
    name: c.name?.trim().slice(0, 255) || "",
    email: email && EMAIL.test(email) ? email : null,
    phone_number: phone && E164.test(phone) ? phone : null,
    avatar_url: c.avatar_url?.trim() || null,
  };
}

/**
 * ContactInboxWithContactBuilder: the contact's session in the inbox by the provider's id of them; a first message
 * finds the account's contact by email or phone number, or creates one.
 */
function resolveContact(tx: Tx, inbox: InboxRecord["inbox"], c: InboundContact): { contact: ContactRow; contactInbox: ContactInboxRow } {
  const found = tx.db
    .select({ contactInbox: contact_inboxes, contact: contacts })
    .from(contact_inboxes)
    .innerJoin(contacts, eq(contacts.id, contact_inboxes.contact_id))
    .where(and(eq(contact_inboxes.inbox_id, inbox.id), eq(contact_inboxes.source_id, c.source_id)))
    .get();
  if (found) return found;
  const values = clean(c);
  const by = (column: "email" | "phone_number", value: string | null) =>
    value ? tx.db.select().from(contacts).where(and(eq(contacts.account_id, inbox.account_id), eq(contacts[column], value))).get() : undefined;
  const contact =
    by("email", values.email) ??
    by("phone_number", values.phone_number) ??
    createSelfContact(tx, inbox.account_id, { ...values, additional_attributes: c.additional_attributes ?? {} });
  return { contact, contactInbox: findOrCreateContactInbox(tx, contact, inbox, c.source_id) };
}

/** The conversation a contact's message goes to: the channel's choice, the inbox's single one, the latest unresolved, or a new one. */
function resolveConversation(tx: Tx, inbox: InboxRecord["inbox"], contact: ContactRow, contactInbox: ContactInboxRow, m: InboundMessage): ConversationRow {
  if (m.conversation_id != null) {
    const chosen = tx.db
      .select()
      .from(conversations)
      .where(and(eq(conversations.id, m.conversation_id), eq(conversations.inbox_id, inbox.id), eq(conversations.account_id, inbox.account_id)))
      .get();
    if (chosen) return chosen;
  }
  const latest = tx.db
    .select()
    .from(conversations)
    .where(
      and(
        eq(conversations.account_id, inbox.account_id),
        // The contact's own conversations (an index), not a walk over every conversation of the account.
        eq(conversations.contact_id, contact.id),
        eq(conversations.contact_inbox_id, contactInbox.id),
        inbox.lock_to_single_conversation ? undefined : ne(conversations.status, "resolved"),
      ),
    )
    .orderBy(desc(conversations.id))
    .get();
  if (latest) return latest;
  return openConversation(tx, contactPerformer(contact), inbox, contactInbox, { additional_attributes: m.conversation_attributes ?? {} });
}

async function storeAttachments(deps: AppDeps, list: InboundAttachment[]): Promise<NewAttachment[]> {
  const files = list.filter((a): a is Extract<InboundAttachment, { kind: "file" }> => a.kind === "file");
  const stored = await storeUploads(
    deps.config.dataDir,
    files.map((f) => new File([f.bytes as Uint8Array<ArrayBuffer>], f.file_name || "file", { type: f.content_type })),
    deps.config.maxUploadBytes,
  );
  const out: NewAttachment[] = [...stored];
  for (const a of list) {
    const base = { file_name: "", content_type: "", byte_size: 0, extension: null, storage_key: null };
    if (a.kind === "location") {
      out.push({ ...base, file_type: "location", meta: {}, coordinates_lat: a.latitude, coordinates_long: a.longitude, fallback_title: a.title ?? "" });
    } else if (a.kind === "contact") {
      out.push({ ...base, file_type: "contact", meta: { first_name: a.first_name ?? null, last_name: a.last_name ?? null, ...a.meta }, fallback_title: a.phone_number });
    } else if (a.kind === "link") {
      out.push({ ...base, file_type: a.file_type ?? "fallback", meta: {}, external_url: a.url, fallback_title: a.title ?? null });
    }
  }
  return out;
}

/**
 * The inbound pipeline every channel calls with a normalized provider message: finds or creates the contact, their
 * session (contact_inbox) and the conversation, and adds the message (with its attachments) in one transaction,
 * through addMessage, so webhooks, bots, automations, notifications and realtime hear of it as of any other
 * message. A message whose provider id (source_id) the inbox already has is not stored again.
 */
export async function receiveInbound(deps: AppDeps, where: InboxRecord, m: InboundMessage): Promise<InboundResult> {
  const { inbox } = where;
  const existing = m.source_id ? findMessageBySource(deps.db, inbox.id, m.source_id) : null;
  if (existing) return duplicateOf(deps.db, existing);

  const list = typeof m.attachments === "function" ? await m.attachments() : (m.attachments ?? []);
  const files = await storeAttachments(deps, list);
  const outcome = deps.tx((tx) => {
    // Checked again inside the (serialized) write transaction: two deliveries racing each other store one message.
    const again = m.source_id ? findMessageBySource(tx.db, inbox.id, m.source_id) : null;
    if (again) return null;
    const { contact, contactInbox } = resolveContact(tx, inbox, m.contact);
    let conversation = resolveConversation(tx, inbox, contact, contactInbox, m);
    const replyTo = m.in_reply_to ? findMessageBySource(tx.db, inbox.id, m.in_reply_to) : null;
    const attrs: Record<string, unknown> = { ...m.content_attributes };
    if (m.in_reply_to) attrs.in_reply_to_external_id = m.in_reply_to;
    if (replyTo && replyTo.conversation_id === conversation.id) attrs.in_reply_to = replyTo.id;
    if (m.timestamp != null) attrs.external_created_at = Math.floor(m.timestamp / 1000);
    const incoming = (m.direction ?? "incoming") === "incoming";
    const message = addMessage(tx, incoming ? contactPerformer(contact) : null, conversation, {
      message_type: incoming ? 0 : 1,
      content: m.content,
      content_type: m.content_type,
      content_attributes: attrs,
      source_id: m.source_id,
      sender: incoming ? { type: "Contact", id: contact.id } : null,
      files,
    });
    conversation = tx.db.select().from(conversations).where(eq(conversations.id, conversation.id)).get()!;
    return { duplicate: false, message, conversation, contact } satisfies InboundResult;
  });
  if (outcome) return outcome;
  await removeStored(deps.config.dataDir, files.flatMap((f) => (f.storage_key ? [f.storage_key] : [])));
  return duplicateOf(deps.db, findMessageBySource(deps.db, inbox.id, m.source_id!)!);
}

function duplicateOf(db: Db, message: MessageRow): InboundResult {
  const conversation = db.select().from(conversations).where(eq(conversations.id, message.conversation_id)).get()!;
  const contact = db.select().from(contacts).where(eq(contacts.id, conversation.contact_id)).get() ?? null;
  return { duplicate: true, message, conversation, contact };
}

/**
 * The provider says a contact edited a message (Telegram edited_message, WhatsApp edits): the stored message gets
 * the new content, with content_attributes.is_edited and previous_content (message.updated). Null when the inbox
 * has no message with that id.
 */
export function editInboundMessage(deps: AppDeps, where: InboxRecord, input: { source_id: string; content: string | null }): MessageRow | null {
  return deps.tx((tx) => {
    const m = findMessageBySource(tx.db, where.inbox.id, input.source_id);
    if (!m || m.content === input.content) return m;
    const attrs = { ...m.content_attributes, is_edited: true, previous_content: m.content };
    const row = tx.db.update(messages).set({ content: input.content, content_attributes: attrs, updated_at: tx.now }).where(eq(messages.id, m.id)).returning().get();
    tx.emit("message.updated", {
      account_id: m.account_id,
      conversation_id: m.conversation_id,
      message_id: m.id,
      changed_attributes: {
        content: { previous_value: m.content, current_value: row.content },
        content_attributes: { previous_value: m.content_attributes, current_value: attrs },
      },
    });
    return row;
  });
}
