import type { Db } from "../../db/client.ts";
import type { contact_inboxes, contacts, notes } from "../../db/schema/contacts.ts";
import { Records } from "../conversations/records.ts";
import { agentJson } from "../conversations/serialize.ts";
import { contactInboxesFor } from "./queries.ts";
import { unixSeconds } from "../../lib/clock.ts";
import { serializeInbox } from "../inboxes/serialize.ts";
import type { InboxWithChannel } from "../inboxes/queries.ts";

export type ContactRow = typeof contacts.$inferSelect;
export type ContactInboxRow = typeof contact_inboxes.$inferSelect;
export type NoteRow = typeof notes.$inferSelect;
/** Who looks: administrators see channel secrets; publicUrl goes into embed snippets. */
export type Viewer = { administrator: boolean; publicUrl: string };

/** A contact_inbox with its inbox, as api/v1/models/_contact_inbox renders it. */
export type ContactInboxView = { contactInbox: ContactInboxRow; inbox: InboxWithChannel };

export function serializeContactInbox({ contactInbox, inbox }: ContactInboxView, viewer: Viewer) {
  return { source_id: contactInbox.source_id, inbox: serializeInbox(inbox, viewer) };
}

/** api/v1/models/_contact.json.jbuilder (also a conversation's meta.sender). Contact presence is not tracked yet: always "offline". */
export function contactModelJson(c: ContactRow) {
  return {
    additional_attributes: c.additional_attributes,
    availability_status: "offline",
    email: c.email,
    id: c.id,
    name: c.name,
    phone_number: c.phone_number,
    blocked: c.blocked,
    identifier: c.identifier,
    thumbnail: c.avatar_url ?? "",
    custom_attributes: c.custom_attributes,
    ...(c.last_activity_at != null ? { last_activity_at: unixSeconds(c.last_activity_at) } : {}),
    created_at: unixSeconds(c.created_at),
  };
}

/** The contact as the /contacts endpoints return it: with its inboxes when asked (with_contact_inboxes). */
export function serializeContact(c: ContactRow, contactInboxes: ContactInboxView[] | undefined, viewer: Viewer) {
  return {
    ...contactModelJson(c),
    ...(contactInboxes ? { contact_inboxes: contactInboxes.map((ci) => serializeContactInbox(ci, viewer)) } : {}),
  };
}

/** Contact#webhook_data (contact_created / contact_updated payloads). */
export function contactWebhookData(c: ContactRow, account: { id: number; name: string }) {
  return {
    account: { id: account.id, name: account.name },
    additional_attributes: c.additional_attributes,
    avatar: c.avatar_url ?? "",
    custom_attributes: c.custom_attributes,
    email: c.email,
    id: c.id,
    identifier: c.identifier,
    name: c.name,
    phone_number: c.phone_number,
    thumbnail: c.avatar_url ?? "",
    blocked: c.blocked,
  };
}

/** Contact#push_event_data (realtime contact.* events). */
export function contactPushEventData(c: ContactRow) {
  return {
    additional_attributes: c.additional_attributes,
    custom_attributes: c.custom_attributes,
    email: c.email,
    id: c.id,
    identifier: c.identifier,
    name: c.name,
    phone_number: c.phone_number,
    thumbnail: c.avatar_url ?? "",
    blocked: c.blocked,
    type: "contact" as const,
  };
}

/** api/v1/models/_note.json.jbuilder; `user` is the author as api/v1/models/_agent (absent when deleted). */
export function serializeNote(n: NoteRow, user: Record<string, unknown> | null) {
  return {
    id: n.id,
    content: n.content,
    account_id: n.account_id,
    contact_id: n.contact_id,
    ...(user ? { user } : {}),
    created_at: unixSeconds(n.created_at),
    updated_at: unixSeconds(n.updated_at),
  };
}

/** Notes with their authors rendered as api/v1/models/_agent (read once per author). */
export function serializeNotes(db: Db, accountId: number, rows: NoteRow[]) {
  const records = new Records(db, accountId, "");
  records.loadUsers(rows.map((n) => n.user_id));
  return rows.map((n) => {
    const author = records.user(n.user_id);
    return serializeNote(n, author ? agentJson(author, accountId) : null);
  });
}

/** Contacts for a response, with their contact_inboxes loaded in one pass when wanted. */
export function serializeContacts(db: Db, accountId: number, rows: ContactRow[], opts: { withContactInboxes: boolean; viewer: Viewer }) {
  const sessions = opts.withContactInboxes ? contactInboxesFor(db, accountId, rows.map((r) => r.id)) : null;
  return rows.map((c) => serializeContact(c, sessions ? (sessions.get(c.id) ?? []) : undefined, opts.viewer));
}
