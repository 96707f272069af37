import { and, asc, eq, ne } from "drizzle-orm";
import { contact_inboxes, contacts } from "../../db/schema/contacts.ts";
import { conversations, messages } from "../../db/schema/conversations.ts";
import { labels, taggings } from "../../db/schema/labels.ts";
import type { Tx } from "../../db/tx.ts";
import { safeEqual, hmacSha256Hex } from "../../lib/crypto.ts";
import { uuid } from "../../lib/ids.ts";
import { activeInboxBot } from "../agent-bots/inboxes.ts";
import type { StoredFile } from "../attachments/storage.ts";
import { changeConversation, type ConversationPatch, type Performer } from "../conversations/changes.ts";
import type { ContactRow, ConversationRow, MessageRow } from "../conversations/records.ts";
import type { ChangedAttributes } from "../../events/types.ts";
import { Forbidden, NotFound, Unauthorized, Validation } from "../errors.ts";
import { recordCsatResponse, type CsatAnswer } from "../csat/commands.ts";
import { queueTranscript, transcriptRecipient } from "../conversations/transcript.ts";
import { addMessage } from "../messages/commands.ts";
import { currentConversation, findVisitor, openSession, visitorConversations, type Visitor, type WebWidget } from "./session.ts";
import { checkCustomAttributes } from "../custom-attributes/values.ts";

export const HMAC_FAILED = "HMAC failed: Invalid Identifier Hash Provided";

const EMAIL = /^[^@\s]+@[^@\s]+$/;
const E164 = /^\+[1-9]\d{1,14}$/;

export type VisitorAttributes = {
  name?: string | null;
  email?: string | null;
  phone_number?: string | null;
  avatar_url?: string | null;
  identifier?: string | null;
  custom_attributes?: Record<string, unknown>;
  additional_attributes?: Record<string, unknown>;
};

function performer(v: Visitor): Performer {
  return { type: "Contact", id: v.contact.id, name: v.contact.name };
}

function reloadContact(tx: Tx, id: number): ContactRow {
  return tx.db.select().from(contacts).where(eq(contacts.id, id)).get()!;
}

function reloadConversation(tx: Tx, id: number): ConversationRow {
  return tx.db.select().from(conversations).where(eq(conversations.id, id)).get()!;
}

function takenByOther(tx: Tx, accountId: number, column: "email" | "phone_number" | "identifier", value: string, contactId: number): ContactRow | undefined {
  return tx.db
    .select()
    .from(contacts)
    .where(and(eq(contacts.account_id, accountId), eq(contacts[column], value), ne(contacts.id, contactId)))
    .get();
}

/**
 * ContactIdentifyAction with discard_invalid_attrs: what the visitor tells about themselves. Invalid or
 * already-taken email and phone number are dropped, never an error; custom and additional attributes merge.
 */
export function identifyContact(tx: Tx, accountId: number, contact: ContactRow, input: VisitorAttributes, opts: { retainName?: boolean } = {}): ContactRow {
  const next: Partial<typeof contacts.$inferInsert> = {};
  const blank = (s: string | null | undefined) => (s == null || s.trim() === "" ? null : s.trim());
  const email = blank(input.email)?.toLowerCase();
  if (email && EMAIL.test(email) && email !== contact.email && !takenByOther(tx, accountId, "email", email, contact.id)) next.email = email;
  const phone = blank(input.phone_number);
  if (phone && E164.test(phone) && phone !== contact.phone_number && !takenByOther(tx, accountId, "phone_number", phone, contact.id)) next.phone_number = phone;
  const name = blank(input.name);
  if (name && !(opts.retainName && (contact.email || contact.phone_number || contact.identifier))) next.name = name.slice(0, 255);
  const avatar = blank(input.avatar_url);
  if (avatar && /^https?:\/\//.test(avatar)) next.avatar_url = avatar.slice(0, 2048);
  const identifier = blank(input.identifier);
  if (identifier && !contact.identifier && !takenByOther(tx, accountId, "identifier", identifier, contact.id)) next.identifier = identifier.slice(0, 255);
  if (input.custom_attributes && Object.keys(input.custom_attributes).length) {
    next.custom_attributes = checkCustomAttributes(tx.db, accountId, "contact_attribute", { ...contact.custom_attributes, ...input.custom_attributes }, contact.custom_attributes);
  }
  if (input.additional_attributes && Object.keys(input.additional_attributes).length) next.additional_attributes = { ...contact.additional_attributes, ...input.additional_attributes };
  return writeContact(tx, accountId, contact, next);
}

function writeContact(tx: Tx, accountId: number, current: ContactRow, next: Partial<typeof contacts.$inferInsert>): ContactRow {
  const changed: ChangedAttributes = {};
  for (const [key, value] of Object.entries(next)) {
    const previous = current[key as keyof ContactRow];
    if (JSON.stringify(previous) !== JSON.stringify(value)) changed[key] = { previous_value: previous, current_value: value };
  }
  if (!Object.keys(changed).length) return current;
  const updated = tx.db
    .update(contacts)
    .set({ ...next, updated_at: tx.now })
    .where(and(eq(contacts.id, current.id), eq(contacts.account_id, accountId)))
    .returning()
    .get();
  tx.emit("contact.updated", { account_id: accountId, contact_id: updated.id, changed_attributes: changed });
  return updated;
}

/** POST contact/destroy_custom_attributes {custom_attributes: [keys]}. */
export function removeVisitorCustomAttributes(tx: Tx, w: WebWidget, v: Visitor, keys: string[]): ContactRow {
  const next = Object.fromEntries(Object.entries(v.contact.custom_attributes).filter(([k]) => !keys.includes(k)));
  return writeContact(tx, w.inbox.account_id, v.contact, { custom_attributes: next });
}

/** identifier_hash == HMAC-SHA256(hmac_token, identifier), compared in constant time. */
export function validIdentifierHash(w: WebWidget, identifier: string, hash: string): boolean {
  return safeEqual(hmacSha256Hex(w.channel.hmac_token, identifier), hash.toLowerCase());
}

export type SetUserInput = VisitorAttributes & { identifier: string; identifier_hash?: string | null };

/**
 * PATCH contact/set_user ($chatwoot.setUser): checks the identity hash (401 on a mismatch, or when the inbox
 * makes it mandatory and none is sent), then identifies the visitor. A session already identified as someone
 * else gets a new session (and token) for this identifier; an anonymous session is handed to the contact who
 * already has the identifier. A valid hash marks the session verified. Unlike Chatwoot, an existing contact is
 * only ever reached with a valid hash: without one a visitor cannot claim someone's identifier and read their
 * details; they stay (or start) an unidentified contact of their own.
 */
export function setUser(tx: Tx, w: WebWidget, v: Visitor, input: SetUserInput): { visitor: Visitor; newSession: boolean } {
  const hash = input.identifier_hash?.trim() || null;
  const mustVerify = !!hash || w.channel.hmac_mandatory;
  if (mustVerify && !(hash && validIdentifierHash(w, input.identifier, hash))) throw new Unauthorized(HMAC_FAILED);
  const accountId = w.inbox.account_id;
  let visitor = v;
  let newSession = false;
  const owner = tx.db.select().from(contacts).where(and(eq(contacts.account_id, accountId), eq(contacts.identifier, input.identifier))).get();
  const reachable = owner && (hash || owner.id === v.contact.id) ? owner : null;
  if (v.contact.identifier && v.contact.identifier !== input.identifier) {
    // A different person on this browser: a fresh session for them (their own contact, existing or new).
    let contact = reachable;
    if (!contact) {
      const identifier = owner ? null : input.identifier;
      contact = tx.db.insert(contacts).values({ account_id: accountId, name: "", identifier, created_at: tx.now, updated_at: tx.now }).returning().get();
      tx.emit("contact.created", { account_id: accountId, contact_id: contact.id });
    }
    visitor = { contact, contactInbox: openSession(tx, w, contact.id) };
    newSession = true;
  } else if (!v.contact.identifier && reachable && reachable.id !== v.contact.id) {
    const owner = reachable;
    // The anonymous session (and its conversations) now belongs to the known contact.
    tx.db.update(contact_inboxes).set({ contact_id: owner.id, updated_at: tx.now }).where(eq(contact_inboxes.id, v.contactInbox.id)).run();
    for (const c of tx.db.select().from(conversations).where(eq(conversations.contact_inbox_id, v.contactInbox.id)).all()) {
      changeConversation(tx, null, c, { contact_id: owner.id });
    }
    visitor = { contact: owner, contactInbox: { ...v.contactInbox, contact_id: owner.id } };
  }
  if (hash) {
    tx.db.update(contact_inboxes).set({ hmac_verified: true, updated_at: tx.now }).where(eq(contact_inboxes.id, visitor.contactInbox.id)).run();
    visitor = { ...visitor, contactInbox: { ...visitor.contactInbox, hmac_verified: true } };
  }
  const contact = identifyContact(tx, accountId, visitor.contact, input);
  return { visitor: { ...visitor, contact }, newSession };
}

export type WidgetMessageInput = { content?: string | null; echo_id?: string | null; referer_url?: string | null; timestamp?: string | null; reply_to?: number | null };

export type ConversationContext = { browser_language?: string | null; browser?: Record<string, unknown>; user_agent?: string | null };

/** A new conversation of the visitor's session (BaseController#conversation_params + Conversation defaults). */
export function startConversation(
  tx: Tx,
  w: WebWidget,
  v: Visitor,
  input: { message?: WidgetMessageInput; custom_attributes?: Record<string, unknown> },
  ctx: ConversationContext = {},
): ConversationRow {
  const accountId = w.inbox.account_id;
  const status = v.contact.blocked ? "resolved" : activeInboxBot(tx.db, accountId, w.inbox.id) ? "pending" : "open";
  const next = tx.db.$client.query("SELECT coalesce(max(display_id), 0) + 1 AS n FROM conversations WHERE account_id = ?1").get(accountId) as { n: number };
  const additional: Record<string, unknown> = {
    browser_language: ctx.browser_language ?? null,
    browser: ctx.browser ?? {},
    initiated_at: { timestamp: input.message?.timestamp ?? null },
    referer: input.message?.referer_url ?? null,
  };
  const row = tx.db
    .insert(conversations)
    .values({
      account_id: accountId,
      display_id: next.n,
      uuid: uuid(),
      inbox_id: w.inbox.id,
      contact_id: v.contact.id,
      contact_inbox_id: v.contactInbox.id,
      status,
      additional_attributes: additional,
      custom_attributes: input.custom_attributes ?? {},
      waiting_since: tx.now,
      last_activity_at: tx.now,
      created_at: tx.now,
      updated_at: tx.now,
    })
    .returning()
    .get();
  return changeConversation(tx, performer(v), row, {}, { created: true });
}

/** An incoming message from the visitor (text, files, or both). */
export function postVisitorMessage(tx: Tx, v: Visitor, c: ConversationRow, input: WidgetMessageInput, files: StoredFile[] = []): MessageRow {
  const content = input.content?.toString() ?? "";
  if (!content.trim() && !files.length) throw Validation.field("message.content", "can't be blank");
  return addMessage(tx, performer(v), c, {
    message_type: 0,
    content: content || null,
    files,
    content_attributes: input.reply_to != null ? { in_reply_to: input.reply_to } : {},
    sender: { type: "Contact", id: v.contact.id },
    echo_id: input.echo_id,
  });
}

/** POST conversations: the pre-chat form's contact details, a new conversation and its first message. */
export function createVisitorConversation(
  tx: Tx,
  w: WebWidget,
  v: Visitor,
  input: { contact?: VisitorAttributes; message?: WidgetMessageInput; custom_attributes?: Record<string, unknown> },
  ctx: ConversationContext = {},
): { conversation: ConversationRow; contact: ContactRow; message: MessageRow | null } {
  const c = input.contact ?? {};
  const email = c.email?.toLowerCase() ?? null;
  const name = c.name || (email ? email.split("@")[0] : null);
  // The pre-chat form's fields only: an identifier is set through set_user (and its HMAC check), never here.
  const fields = { name, email, phone_number: c.phone_number, custom_attributes: c.custom_attributes };
  const contact = identifyContact(tx, w.inbox.account_id, v.contact, fields, { retainName: true });
  const visitor = { ...v, contact };
  let conversation = startConversation(tx, w, visitor, input, ctx);
  const message = input.message?.content ? postVisitorMessage(tx, visitor, conversation, input.message) : null;
  conversation = reloadConversation(tx, conversation.id);
  return { conversation, contact, message };
}

/** POST messages: into the visitor's latest conversation, or a new one (MessagesController#set_conversation). */
export function createVisitorMessage(
  tx: Tx,
  w: WebWidget,
  v: Visitor,
  input: WidgetMessageInput,
  ctx: ConversationContext = {},
  files: StoredFile[] = [],
): { conversation: ConversationRow; message: MessageRow } {
  if (files.length && !w.widget.selected_feature_flags.includes("attachments")) throw Validation.field("message.attachments", "are not enabled for this inbox");
  let conversation = currentConversation(tx.db, w, v) ?? startConversation(tx, w, v, { message: input }, ctx);
  const message = postVisitorMessage(tx, v, conversation, input, files);
  conversation = reloadConversation(tx, conversation.id);
  return { conversation, message };
}

function requireConversation(tx: Tx, w: WebWidget, v: Visitor): ConversationRow {
  const c = currentConversation(tx.db, w, v);
  if (!c) throw new NotFound("Conversation");
  return c;
}

export function patchCurrentConversation(tx: Tx, w: WebWidget, v: Visitor, patch: (c: ConversationRow) => ConversationPatch): ConversationRow {
  const c = requireConversation(tx, w, v);
  const next = patch(c);
  if (next.custom_attributes) next.custom_attributes = checkCustomAttributes(tx.db, c.account_id, "conversation_attribute", next.custom_attributes, c.custom_attributes);
  changeConversation(tx, performer(v), c, next);
  return reloadConversation(tx, c.id);
}

/** POST conversations/update_last_seen: the visitor has read the conversation (nothing to do without one). */
export function markSeenByVisitor(tx: Tx, w: WebWidget, v: Visitor): void {
  const c = currentConversation(tx.db, w, v);
  if (!c) return;
  changeConversation(tx, performer(v), c, { contact_last_seen_at: tx.now });
  tx.emit("conversation.read", { account_id: c.account_id, conversation_id: c.id, by: "contact", user_id: null });
}

/** POST conversations/toggle_typing {typing_status: on|off}: realtime only. */
export function visitorTyping(tx: Tx, w: WebWidget, v: Visitor, on: boolean): void {
  const c = requireConversation(tx, w, v);
  tx.emit(on ? "conversation.typing_on" : "conversation.typing_off", { account_id: c.account_id, conversation_id: c.id, user_id: null, contact_id: v.contact.id, is_private: false });
}

/** GET conversations/toggle_status: the visitor ends the chat (only when the inbox allows it). */
export function resolveByVisitor(tx: Tx, w: WebWidget, v: Visitor): ConversationRow {
  if (!w.widget.selected_feature_flags.includes("end_conversation")) throw new Forbidden("Ending the conversation is not enabled for this inbox");
  return patchCurrentConversation(tx, w, v, (c) => (c.status === "resolved" ? {} : { status: "resolved" }));
}

/**
 * POST conversations/transcript: mails the conversation's public messages to the visitor's own email address.
 * A visitor cannot send a transcript anywhere else (the mail would be a spam relay): an `email` that is not the
 * contact's is refused, and a contact without an email gets a 422 naming `email`.
 */
export function sendTranscript(tx: Tx, w: WebWidget, v: Visitor, publicUrl: string, email?: string | null, beforeQueue?: () => void): string {
  const c = requireConversation(tx, w, v);
  const own = v.contact.email?.trim().toLowerCase() || "";
  if (email != null && email.trim() !== "") {
    const asked = transcriptRecipient(email);
    if (asked !== own) throw Validation.field("email", "must be the contact's own email address");
  }
  if (!own) throw Validation.field("email", "can't be blank: the contact has no email address");
  const to = transcriptRecipient(own);
  beforeQueue?.();
  queueTranscript(tx, c, to, publicUrl);
  return to;
}

/**
 * PATCH messages/:id: the visitor's answer to a message of one of their own conversations (Chatwoot looks the
 * message up in the whole inbox): the email of an input_email box (which also becomes the contact's email when
 * free), the rating of an input_csat survey (stored as a CSAT response), or the chosen values of a form or options
 * message.
 */
export function submitMessageValues(tx: Tx, w: WebWidget, v: Visitor, messageId: number, input: { submitted_values?: unknown; submitted_email?: string | null }): MessageRow {
  const mine = visitorConversations(tx.db, w, v).map((c) => c.id);
  const m = tx.db.select().from(messages).where(and(eq(messages.id, messageId), eq(messages.inbox_id, w.inbox.id))).get();
  if (!m || !mine.includes(m.conversation_id) || m.private) throw new NotFound("Message");
  const reload = () => tx.db.select().from(messages).where(eq(messages.id, m.id)).get()!;
  if (m.content_type === "input_csat") {
    const answer = (input.submitted_values as { csat_survey_response?: unknown } | undefined)?.csat_survey_response;
    if (!answer || typeof answer !== "object") throw Validation.field("message.submitted_values.csat_survey_response", "can't be blank");
    recordCsatResponse(tx, m, answer as CsatAnswer);
    return reload();
  }
  const attrs: Record<string, unknown> = { ...m.content_attributes };
  if (m.content_type === "input_email") {
    const email = input.submitted_email?.trim().toLowerCase() ?? "";
    if (!EMAIL.test(email)) throw Validation.field("contact.email", "is invalid");
    attrs.submitted_email = email;
    identifyContact(tx, w.inbox.account_id, v.contact, { email, name: email.split("@")[0] }, { retainName: true });
  } else {
    if (!Array.isArray(input.submitted_values)) throw Validation.field("message.submitted_values", "must be a list");
    attrs.submitted_values = input.submitted_values;
  }
  if (JSON.stringify(attrs) === JSON.stringify(m.content_attributes)) return m;
  const updated = tx.db.update(messages).set({ content_attributes: attrs, updated_at: tx.now }).where(eq(messages.id, m.id)).returning().get();
  tx.emit("message.updated", {
    account_id: m.account_id,
    conversation_id: m.conversation_id,
    message_id: m.id,
    changed_attributes: { content_attributes: { previous_value: m.content_attributes, current_value: attrs } },
  });
  return updated;
}

function conversationLabels(tx: Tx, conversationId: number): string[] {
  return tx.db
    .select({ label: taggings.label })
    .from(taggings)
    .where(and(eq(taggings.taggable_type, "Conversation"), eq(taggings.taggable_id, conversationId)))
    .orderBy(asc(taggings.id))
    .all()
    .map((r) => r.label);
}

/** POST labels {label} / DELETE labels/:id: only labels the account has defined (LabelsController#valid_label?). */
export function setVisitorLabel(tx: Tx, w: WebWidget, v: Visitor, label: string, add: boolean): string[] {
  const c = requireConversation(tx, w, v);
  const known = tx.db.select({ title: labels.title }).from(labels).where(and(eq(labels.account_id, c.account_id), eq(labels.title, label))).get();
  if (!known) return conversationLabels(tx, c.id);
  if (add) {
    tx.db.insert(taggings).values({ account_id: c.account_id, taggable_type: "Conversation", taggable_id: c.id, label, created_at: tx.now }).onConflictDoNothing().run();
  } else {
    tx.db.delete(taggings).where(and(eq(taggings.taggable_type, "Conversation"), eq(taggings.taggable_id, c.id), eq(taggings.label, label))).run();
  }
  const list = conversationLabels(tx, c.id);
  changeConversation(tx, performer(v), c, { cached_label_list: list.join(",") });
  return list;
}

/** POST events {name, event_info}: `webwidget_triggered` (the widget was opened) for webhooks. */
export function triggerWidgetEvent(tx: Tx, w: WebWidget, v: Visitor, name: string, eventInfo: Record<string, unknown>): void {
  if (name !== "webwidget.triggered" && name !== "webwidget_triggered") throw Validation.field("name", "must be webwidget.triggered");
  tx.emit("webwidget.triggered", {
    account_id: w.inbox.account_id,
    inbox_id: w.inbox.id,
    contact_id: v.contact.id,
    contact_inbox_id: v.contactInbox.id,
    event_info: eventInfo,
  });
}

export { findVisitor };
