import { and, eq, inArray, lte } from "drizzle-orm";
import { contact_inboxes, contacts } from "../../db/schema/contacts.ts";
import { conversations, messages } from "../../db/schema/conversations.ts";
import type { Tx } from "../../db/tx.ts";
import type { StoredFile } from "../attachments/storage.ts";
import { createSelfContact, updateSelfContact, type ContactInput } from "../contacts/commands.ts";
import { takenBy } from "../contacts/queries.ts";
import type { Performer } from "../conversations/changes.ts";
import { changeConversation } from "../conversations/changes.ts";
import { openConversation } from "../conversations/commands.ts";
import { findOrCreateContactInbox } from "../conversations/contact-inbox.ts";
import type { ContactRow, ConversationRow, MessageRow } from "../conversations/records.ts";
import { NotFound, Validation } from "../errors.ts";
import { addMessage } from "../messages/commands.ts";
import type { ContactSession, PublicInbox } from "./session.ts";

/** The contact acting through their own session (activity messages and notifications name them). */
export function contactPerformer(contact: Pick<ContactRow, "id" | "name">): Performer {
  return { type: "Contact", id: contact.id, name: contact.name };
}

export type SessionContactInput = Pick<ContactInput, "name" | "email" | "phone_number" | "avatar_url" | "custom_attributes" | "additional_attributes"> & {
  identifier?: string | null;
};

/** An existing contact of the account the new session belongs to (ContactInboxWithContactBuilder's lookup). */
function existingContact(tx: Tx, accountId: number, input: SessionContactInput, verified: boolean): ContactRow | undefined {
  const by = (column: "identifier" | "email" | "phone_number", value: string | null | undefined) =>
    value?.trim()
      ? tx.db
          .select()
          .from(contacts)
          .where(and(eq(contacts.account_id, accountId), eq(contacts[column], column === "email" ? value.trim().toLowerCase() : value.trim())))
          .get()
      : undefined;
  // The identifier is what identity validation vouches for: an unverified caller never claims a contact by it.
  return (verified ? by("identifier", input.identifier) : undefined) ?? by("email", input.email) ?? by("phone_number", input.phone_number);
}

/**
 * POST /public/api/v1/inboxes/{inbox_identifier}/contacts: a new contact session (source_id given or a
 * UUID, and its own pubsub_token). A session with that source_id already in the inbox is returned as is; a
 * known contact (verified identifier, email or phone number) gets a new session, otherwise a contact is
 * created. `verified` (a valid identifier_hash) marks the session hmac_verified.
 */
export function createSession(
  tx: Tx,
  where: PublicInbox,
  input: SessionContactInput & { source_id?: string | null },
  verified: boolean,
): ContactSession {
  const accountId = where.inbox.account_id;
  const sourceId = input.source_id?.trim() || null;
  if (sourceId) {
    const current = tx.db
      .select({ contactInbox: contact_inboxes, contact: contacts })
      .from(contact_inboxes)
      .innerJoin(contacts, eq(contacts.id, contact_inboxes.contact_id))
      .where(and(eq(contact_inboxes.inbox_id, where.inbox.id), eq(contact_inboxes.source_id, sourceId)))
      .get();
    if (current) return { ...where, ...current, contactInbox: markVerified(tx, current.contactInbox, verified) };
  }
  let contact = existingContact(tx, accountId, input, verified);
  if (!contact) {
    const identifier = input.identifier?.trim() || null;
    // An unverified identifier that another contact already holds is not taken over (nor is it an error).
    const keepIdentifier = identifier && (verified || !takenBy(tx.db, accountId, "identifier", identifier));
    contact = createSelfContact(tx, accountId, {
      name: input.name,
      email: input.email,
      phone_number: input.phone_number,
      avatar_url: input.avatar_url,
      identifier: keepIdentifier ? identifier : undefined,
      custom_attributes: input.custom_attributes,
      additional_attributes: input.additional_attributes,
    });
  }
  const contactInbox = sourceId
    ? findOrCreateContactInbox(tx, contact, where.inbox, sourceId)
    : findOrCreateContactInbox(tx, contact, where.inbox, crypto.randomUUID());
  return { ...where, contact, contactInbox: markVerified(tx, contactInbox, verified) };
}

function markVerified<T extends { id: number; hmac_verified: boolean }>(tx: Tx, contactInbox: T, verified: boolean): T {
  if (!verified || contactInbox.hmac_verified) return contactInbox;
  tx.db.update(contact_inboxes).set({ hmac_verified: true, updated_at: tx.now }).where(eq(contact_inboxes.id, contactInbox.id)).run();
  return { ...contactInbox, hmac_verified: true };
}

/**
 * PATCH …/contacts/{contact_identifier}: the contact updates themself. The identifier can only be set by a
 * verified caller (a valid identifier_hash), as it is what identity validation vouches for.
 */
export function updateSessionContact(tx: Tx, s: ContactSession, input: SessionContactInput, verified: boolean): ContactSession {
  const { identifier, ...rest } = input;
  const contactInbox = markVerified(tx, s.contactInbox, verified);
  const contact = updateSelfContact(tx, s.contact, { ...rest, ...(verified && identifier !== undefined ? { identifier } : {}) });
  return { ...s, contact, contactInbox };
}

/** POST …/conversations: a new conversation in the contact's session (ConversationBuilder). */
export function startConversation(tx: Tx, s: ContactSession, input: { custom_attributes?: Record<string, unknown> }): ConversationRow {
  return openConversation(tx, contactPerformer(s.contact), s.inbox, s.contactInbox, { custom_attributes: input.custom_attributes });
}

/** POST …/messages: an incoming message from the contact, content stored verbatim, with uploaded files. */
export function postContactMessage(tx: Tx, s: ContactSession, conversation: ConversationRow, input: { content?: string | null; echo_id?: string | null }, files: StoredFile[] = []): MessageRow {
  const content = input.content ?? null;
  if ((content === null || content === "") && files.length === 0) throw Validation.field("content", "can't be blank");
  return addMessage(tx, contactPerformer(s.contact), conversation, {
    message_type: 0,
    content,
    sender: { type: "Contact", id: s.contact.id },
    files,
    echo_id: input.echo_id,
  });
}

/** POST …/toggle_status: the contact resolves the conversation (already resolved: nothing happens). */
export function resolveByContact(tx: Tx, s: ContactSession, c: ConversationRow): ConversationRow {
  if (c.status === "resolved") return c;
  return changeConversation(tx, contactPerformer(s.contact), c, { status: "resolved" });
}

/** POST …/toggle_typing: the contact starts or stops typing (realtime only, nothing stored). */
export function contactTyping(tx: Tx, s: ContactSession, c: ConversationRow, on: boolean): void {
  tx.emit(on ? "conversation.typing_on" : "conversation.typing_off", {
    account_id: c.account_id,
    conversation_id: c.id,
    user_id: null,
    contact_id: s.contact.id,
    is_private: false,
  });
}

/**
 * POST …/update_last_seen: the contact has read the conversation; agents' messages sent until now become
 * "read" (Conversations::UpdateMessageStatusJob) and conversation.read is announced.
 */
export function markSeenByContact(tx: Tx, c: ConversationRow): void {
  tx.db.update(conversations).set({ contact_last_seen_at: tx.now }).where(eq(conversations.id, c.id)).run();
  tx.db
    .update(messages)
    .set({ status: "read" })
    .where(
      and(
        eq(messages.conversation_id, c.id),
        eq(messages.account_id, c.account_id),
        eq(messages.message_type, 1),
        inArray(messages.status, ["sent", "delivered"]),
        lte(messages.created_at, tx.now),
      ),
    )
    .run();
  tx.emit("conversation.read", { account_id: c.account_id, conversation_id: c.id, by: "contact", user_id: null });
}

/** Interactive messages a contact answers (Chatwoot's submitted_values). */
const SUBMITTABLE = new Set(["input_select", "form", "cards"]);

export type SubmittedValue = { name?: string; title?: string; value?: string };

/**
 * PATCH …/messages/{id} { submitted_values }: the contact's answer to an input_select, form or cards
 * message, kept in content_attributes.submitted_values (message.updated).
 */
export function submitMessageValues(tx: Tx, c: ConversationRow, messageId: number, values: SubmittedValue[]): MessageRow {
  const m = tx.db
    .select()
    .from(messages)
    .where(and(eq(messages.id, messageId), eq(messages.conversation_id, c.id), eq(messages.account_id, c.account_id), eq(messages.private, false)))
    .get();
  if (!m) throw new NotFound("Message");
  if (!SUBMITTABLE.has(m.content_type)) throw Validation.field("submitted_values", "can only answer input_select, form or cards messages");
  const attrs = { ...m.content_attributes, submitted_values: values };
  const row = tx.db.update(messages).set({ content_attributes: attrs, updated_at: tx.now }).where(eq(messages.id, m.id)).returning().get();
  tx.emit("message.updated", {
    account_id: m.account_id,
    conversation_id: m.conversation_id,
    message_id: m.id,
    changed_attributes: { content_attributes: { previous_value: m.content_attributes, current_value: attrs } },
  });
  return row;
}
