import { and, eq, inArray } from "drizzle-orm";
import { channelKindOf } from "../../channels/registry.ts";
import { contact_inboxes, contacts, notes } from "../../db/schema/contacts.ts";
import { attachments, conversations, messages } from "../../db/schema/conversations.ts";
import { taggings } from "../../db/schema/labels.ts";
import { notifications } from "../../db/schema/notifications.ts";
import type { Tx } from "../../db/tx.ts";
import type { ChangedAttributes } from "../../events/types.ts";
import { randomToken } from "../../lib/ids.ts";
import type { AccountScope } from "../accounts/access.ts";
import { Conflict, Validation } from "../errors.ts";
import { checkCustomAttributes } from "../custom-attributes/values.ts";
import { assertCanViewInbox } from "../inboxes/policy.ts";
import { getInbox } from "../inboxes/queries.ts";
import { eventPerformer, performerOf } from "../messages/commands.ts";
import { assertCanDeleteContacts, assertCanWriteContacts } from "./policy.ts";
import { getContact, getNote, labelsOf, takenBy } from "./queries.ts";
import { contactWebhookData, type ContactInboxRow, type ContactRow, type NoteRow } from "./serialize.ts";

/** The attributes of Chatwoot's POST/PUT /contacts (permitted_params). */
export type ContactInput = {
  name?: string | null;
  email?: string | null;
  phone_number?: string | null;
  identifier?: string | null;
  avatar_url?: string | null;
  blocked?: boolean;
  additional_attributes?: Record<string, unknown>;
  custom_attributes?: Record<string, unknown>;
};

const EMAIL = /^[^@\s]+@[^@\s]+$/;
/** Chatwoot's Contact validation: E.164, a "+" and up to 15 digits. */
const E164 = /^\+[1-9]\d{1,14}$/;

type Normalized = Partial<Pick<ContactRow, "name" | "email" | "phone_number" | "identifier" | "avatar_url" | "blocked">>;

/** Trims, lower-cases the email, turns blanks into null and checks formats (fields named as Chatwoot names them). */
function normalize(input: ContactInput): Normalized {
  const out: Normalized = {};
  const blankToNull = (v: string | null | undefined) => (v == null || v.trim() === "" ? null : v.trim());
  if (input.name !== undefined) out.name = input.name?.trim() ?? "";
  if (input.email !== undefined) {
    out.email = blankToNull(input.email)?.toLowerCase() ?? null;
    if (out.email && !EMAIL.test(out.email)) throw Validation.field("email", "is invalid");
  }
  if (input.phone_number !== undefined) {
    out.phone_number = blankToNull(input.phone_number);
    if (out.phone_number && !E164.test(out.phone_number)) throw Validation.field("phone_number", "should be in e164 format");
  }
  if (input.identifier !== undefined) out.identifier = blankToNull(input.identifier);
  if (input.avatar_url !== undefined) out.avatar_url = blankToNull(input.avatar_url);
  if (input.blocked !== undefined) out.blocked = input.blocked;
  return out;
}

/** Email, phone number and identifier are unique within the account (Chatwoot's Contact validations). */
function checkUnique(tx: Tx, accountId: number, values: Normalized, exceptId?: number) {
  for (const column of ["email", "phone_number", "identifier"] as const) {
    const value = values[column];
    if (value && takenBy(tx.db, accountId, column, value, exceptId)) throw new Conflict(`${column} has already been taken`, column);
  }
}

/**
 * POST /contacts. With `inbox_id` it also opens the contact's session in that inbox (a contact_inbox with
 * the given or a generated source_id), the first step of the API-channel article.
 */
export function createContact(
  tx: Tx,
  scope: AccountScope,
  input: ContactInput & { inbox_id?: number; source_id?: string | null },
): { contact: ContactRow; contactInbox: ContactInboxRow | null } {
  const values = normalize(input);
  const accountId = scope.account.id;
  const inbox = input.inbox_id !== undefined ? getInbox(tx.db, accountId, input.inbox_id) : null;
  assertCanWriteContacts(scope);
  if (inbox) assertCanViewInbox(tx.db, scope, inbox.inbox.id);
  const contact = insertContact(tx, accountId, values, input, eventPerformer(performerOf(scope)));
  const contactInbox = inbox ? openContactInbox(tx, contact, inbox.inbox.id, inbox.channel.channel_type, input.source_id ?? null) : null;
  return { contact, contactInbox };
}

/** PUT/PATCH /contacts/:id: attributes replace, additional and custom attributes merge into the stored ones. */
export function updateContact(tx: Tx, scope: AccountScope, contactId: number, input: ContactInput): ContactRow {
  const values = normalize(input);
  const current = getContact(tx.db, scope.account.id, contactId);
  assertCanWriteContacts(scope);
  checkUnique(tx, scope.account.id, values, current.id);

  const next: Partial<typeof contacts.$inferInsert> = { ...values };
  if (input.additional_attributes !== undefined) next.additional_attributes = { ...current.additional_attributes, ...input.additional_attributes };
  if (input.custom_attributes !== undefined) next.custom_attributes = checkCustomAttributes(tx.db, current.account_id, "contact_attribute", { ...current.custom_attributes, ...input.custom_attributes }, current.custom_attributes);
  return writeChanges(tx, scope, current, next);
}

/**
 * A contact who introduces themself (client API, widget) rather than being created by an agent: the same
 * normalization, uniqueness rules and contact.created event as POST /contacts, without an acting user.
 */
export function createSelfContact(tx: Tx, accountId: number, input: ContactInput): ContactRow {
  return insertContact(tx, accountId, normalize(input), input);
}

/** The one insert of a new contact (agents' POST /contacts and a visitor's own): unique keys checked, contact.created. */
function insertContact(tx: Tx, accountId: number, values: ReturnType<typeof normalize>, input: ContactInput, performer: ReturnType<typeof eventPerformer> = {}): ContactRow {
  checkUnique(tx, accountId, values);
  const contact = tx.db
    .insert(contacts)
    .values({
      ...values,
      name: values.name ?? "",
      account_id: accountId,
      additional_attributes: input.additional_attributes ?? {},
      custom_attributes: input.custom_attributes ? checkCustomAttributes(tx.db, accountId, "contact_attribute", input.custom_attributes) : {},
      created_at: tx.now,
      updated_at: tx.now,
    })
    .returning()
    .get();
  tx.emit("contact.created", { account_id: accountId, contact_id: contact.id, ...performer });
  return contact;
}

/** The contact's own changes (client API, widget): the same rules as PUT /contacts/:id, attributes merge. */
export function updateSelfContact(tx: Tx, current: ContactRow, input: ContactInput): ContactRow {
  const values = normalize(input);
  checkUnique(tx, current.account_id, values, current.id);
  const next: Partial<typeof contacts.$inferInsert> = { ...values };
  if (input.additional_attributes !== undefined) next.additional_attributes = { ...current.additional_attributes, ...input.additional_attributes };
  if (input.custom_attributes !== undefined) next.custom_attributes = checkCustomAttributes(tx.db, current.account_id, "contact_attribute", { ...current.custom_attributes, ...input.custom_attributes }, current.custom_attributes);
  return writeChanges(tx, { account: { id: current.account_id } }, current, next);
}

/** POST /contacts/:id/destroy_custom_attributes { custom_attributes: [keys] }: removes those keys. */
export function removeCustomAttributes(tx: Tx, scope: AccountScope, contactId: number, keys: string[]): ContactRow {
  const current = getContact(tx.db, scope.account.id, contactId);
  assertCanWriteContacts(scope);
  const next = Object.fromEntries(Object.entries(current.custom_attributes).filter(([k]) => !keys.includes(k)));
  return writeChanges(tx, scope, current, { custom_attributes: next });
}

/** DELETE /contacts/:id/avatar: forgets the contact's avatar. */
export function removeContactAvatar(tx: Tx, scope: AccountScope, contactId: number): ContactRow {
  const current = getContact(tx.db, scope.account.id, contactId);
  assertCanWriteContacts(scope);
  return writeChanges(tx, scope, current, { avatar_url: null });
}

/** Writes the changed attributes and emits contact.updated with them; nothing changed, nothing written. */
function writeChanges(tx: Tx, scope: AccountScope | { account: { id: number } }, current: ContactRow, next: Partial<typeof contacts.$inferInsert>): ContactRow {
  const changed = changedAttributes(current, next);
  if (Object.keys(changed).length === 0) return current;
  const updated = tx.db
    .update(contacts)
    .set({ ...next, updated_at: tx.now })
    .where(and(eq(contacts.id, current.id), eq(contacts.account_id, scope.account.id)))
    .returning()
    .get();
  // An agent's or bot's edit names them; a visitor's own (no AccountScope) has no performer.
  tx.emit("contact.updated", { account_id: scope.account.id, contact_id: updated.id, changed_attributes: changed, ..."actor" in scope ? eventPerformer(performerOf(scope)) : {} });
  return updated;
}

function changedAttributes(current: ContactRow, next: Partial<typeof contacts.$inferInsert>): ChangedAttributes {
  const changed: ChangedAttributes = {};
  for (const [key, value] of Object.entries(next)) {
    const previous = current[key as keyof ContactRow];
    if (JSON.stringify(previous) !== JSON.stringify(value)) changed[key] = { previous_value: previous, current_value: value };
  }
  return changed;
}

/**
 * DELETE /contacts/:id (administrators). The contact's conversations (with their messages), sessions and
 * notes go with it by foreign key; labels and notifications, which point at them polymorphically, are
 * removed here. Returns the storage keys of the attachments that went with it (removed from disk by the
 * caller after the commit).
 */
export function deleteContact(tx: Tx, scope: AccountScope, contactId: number): string[] {
  const contact = getContact(tx.db, scope.account.id, contactId);
  assertCanDeleteContacts(scope);
  const keys = tx.db
    .select({ key: attachments.storage_key })
    .from(attachments)
    .innerJoin(messages, eq(messages.id, attachments.message_id))
    .innerJoin(conversations, eq(conversations.id, messages.conversation_id))
    .where(and(eq(conversations.account_id, scope.account.id), eq(conversations.contact_id, contact.id)))
    .all()
    .flatMap((r) => (r.key ? [r.key] : []));
  removeContact(tx, scope, contact);
  return keys;
}

/** Deletes a contact already authorized for deletion (also the mergee of a merge). */
export function removeContact(tx: Tx, scope: AccountScope, contact: ContactRow): void {
  const accountId = scope.account.id;
  const conversationIds = tx.db
    .select({ id: conversations.id })
    .from(conversations)
    .where(and(eq(conversations.account_id, accountId), eq(conversations.contact_id, contact.id)))
    .all()
    .map((r) => r.id);
  for (let i = 0; i < conversationIds.length; i += 500) {
    const chunk = conversationIds.slice(i, i + 500);
    tx.db.delete(taggings).where(and(eq(taggings.account_id, accountId), eq(taggings.taggable_type, "Conversation"), inArray(taggings.taggable_id, chunk))).run();
    tx.db
      .delete(notifications)
      .where(and(eq(notifications.account_id, accountId), eq(notifications.primary_actor_type, "Conversation"), inArray(notifications.primary_actor_id, chunk)))
      .run();
  }
  tx.db.delete(taggings).where(and(eq(taggings.account_id, accountId), eq(taggings.taggable_type, "Contact"), eq(taggings.taggable_id, contact.id))).run();
  tx.db.delete(contacts).where(and(eq(contacts.id, contact.id), eq(contacts.account_id, accountId))).run();
  tx.emit("contact.deleted", { account_id: accountId, contact_id: contact.id, snapshot: contactWebhookData(contact, scope.account), ...eventPerformer(performerOf(scope)) });
}

/** Inserts a session of the contact in an inbox (ContactInboxBuilder); the channel kind makes up a source_id. */
function openContactInbox(tx: Tx, contact: ContactRow, inboxId: number, channelType: string, sourceId: string | null): ContactInboxRow {
  const kind = channelKindOf(channelType);
  const source = sourceId?.trim() || (kind ? kind.newSourceId(contact) : crypto.randomUUID());
  const existing = tx.db
    .select()
    .from(contact_inboxes)
    .where(and(eq(contact_inboxes.inbox_id, inboxId), eq(contact_inboxes.source_id, source)))
    .get();
  if (existing) {
    if (existing.contact_id === contact.id) return existing;
    throw new Conflict("source_id has already been taken", "source_id");
  }
  return tx.db
    .insert(contact_inboxes)
    .values({ contact_id: contact.id, inbox_id: inboxId, source_id: source, pubsub_token: randomToken(24), created_at: tx.now, updated_at: tx.now })
    .returning()
    .get();
}

/** POST /contacts/:id/contact_inboxes { inbox_id, source_id? }: a session in an inbox the actor may see. */
export function createContactInbox(tx: Tx, scope: AccountScope, contactId: number, input: { inbox_id: number; source_id?: string | null }): ContactInboxRow {
  const contact = getContact(tx.db, scope.account.id, contactId);
  const inbox = getInbox(tx.db, scope.account.id, input.inbox_id);
  assertCanWriteContacts(scope);
  assertCanViewInbox(tx.db, scope, inbox.inbox.id);
  return openContactInbox(tx, contact, inbox.inbox.id, inbox.channel.channel_type, input.source_id ?? null);
}

/** POST /contacts/:id/labels { labels }: replaces the contact's labels (Chatwoot's update_labels). */
export function setContactLabels(tx: Tx, scope: AccountScope, contactId: number, labels: string[]): string[] {
  const wanted = [...new Set(labels.map((l) => l.trim()).filter(Boolean))];
  const contact = getContact(tx.db, scope.account.id, contactId);
  assertCanWriteContacts(scope);
  const accountId = scope.account.id;
  const current = labelsOf(tx.db, accountId, contact.id);
  const removed = current.filter((l) => !wanted.includes(l));
  const added = wanted.filter((l) => !current.includes(l));
  if (removed.length) {
    tx.db
      .delete(taggings)
      .where(and(eq(taggings.account_id, accountId), eq(taggings.taggable_type, "Contact"), eq(taggings.taggable_id, contact.id), inArray(taggings.label, removed)))
      .run();
  }
  for (const label of added) {
    tx.db.insert(taggings).values({ account_id: accountId, taggable_type: "Contact", taggable_id: contact.id, label, created_at: tx.now }).run();
  }
  if (removed.length || added.length) {
    tx.emit("contact.updated", {
      account_id: accountId,
      contact_id: contact.id,
      changed_attributes: { label_list: { previous_value: current, current_value: labelsOf(tx.db, accountId, contact.id) } },
      ...eventPerformer(performerOf(scope)),
    });
  }
  return labelsOf(tx.db, accountId, contact.id);
}

/** POST /contacts/:id/notes. */
export function createNote(tx: Tx, scope: AccountScope, contactId: number, content: string): NoteRow {
  if (!content.trim()) throw Validation.field("content", "can't be blank");
  const contact = getContact(tx.db, scope.account.id, contactId);
  assertCanWriteContacts(scope);
  return tx.db
    .insert(notes)
    .values({ account_id: scope.account.id, contact_id: contact.id, user_id: scope.userId, content, created_at: tx.now, updated_at: tx.now })
    .returning()
    .get();
}

/** PATCH /contacts/:id/notes/:note_id. */
export function updateNote(tx: Tx, scope: AccountScope, contactId: number, noteId: number, content: string): NoteRow {
  if (!content.trim()) throw Validation.field("content", "can't be blank");
  const note = getNote(tx.db, scope, contactId, noteId);
  assertCanWriteContacts(scope);
  return tx.db
    .update(notes)
    .set({ content, updated_at: tx.now })
    .where(and(eq(notes.id, note.id), eq(notes.account_id, scope.account.id)))
    .returning()
    .get();
}

/** DELETE /contacts/:id/notes/:note_id. */
export function deleteNote(tx: Tx, scope: AccountScope, contactId: number, noteId: number): void {
  const note = getNote(tx.db, scope, contactId, noteId);
  assertCanWriteContacts(scope);
  tx.db.delete(notes).where(and(eq(notes.id, note.id), eq(notes.account_id, scope.account.id))).run();
}
