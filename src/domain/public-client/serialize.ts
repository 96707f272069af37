import type { AttachmentRow } from "../attachments/serialize.ts";
import { attachmentPushData } from "../attachments/serialize.ts";
import type { WorkingHourSlot } from "../inboxes/business-hours.ts";
import type { ContactRow, ConversationRow, MessageRow, Records } from "../conversations/records.ts";
import { loadAttachments, senderPushData } from "../messages/push.ts";
import type { ContactSession, PublicInbox } from "./session.ts";

const unix = (ms: number | null | undefined) => (ms == null ? 0 : Math.floor(ms / 1000));

/** public/api/v1/inboxes/show.json.jbuilder: what a client may know about the inbox. */
export function publicInboxJson({ inbox, channel }: PublicInbox, workingHours: readonly WorkingHourSlot[]) {
  return {
    identifier: channel.identifier,
    identity_validation_enabled: channel.hmac_mandatory,
    name: inbox.name,
    timezone: inbox.timezone,
    working_hours: workingHours,
    working_hours_enabled: inbox.working_hours_enabled,
    csat_survey_enabled: inbox.csat_survey_enabled,
    greeting_enabled: inbox.greeting_enabled,
  };
}

/**
 * The contact as a client sees it (public/api/v1/models/_contact.json.jbuilder): id, name and email only. A
 * session may belong to a contact found by email, so nothing else of the record is shown to the caller.
 */
function contactSummary(c: ContactRow) {
  return { id: c.id, name: c.name, email: c.email, thumbnail: c.avatar_url ?? "" };
}

/** public/api/v1/inboxes/contacts/*.json.jbuilder: the contact and the session's source_id and pubsub_token. */
export function publicContactJson(s: Pick<ContactSession, "contact" | "contactInbox">) {
  const { thumbnail: _thumbnail, ...contact } = contactSummary(s.contact);
  return { ...contact, source_id: s.contactInbox.source_id, pubsub_token: s.contactInbox.pubsub_token };
}

/** public/api/v1/models/_message.json.jbuilder. */
export function publicMessageJson(records: Records, m: MessageRow, conversation: Pick<ConversationRow, "display_id">, files: AttachmentRow[] | undefined) {
  const sender = senderPushData(records, m);
  return {
    id: m.id,
    content: m.content,
    message_type: m.message_type,
    content_type: m.content_type,
    content_attributes: m.content_attributes,
    created_at: unix(m.created_at),
    conversation_id: conversation.display_id,
    ...(files?.length ? { attachments: files.map((f) => attachmentPushData(f, records.publicUrl)) } : {}),
    ...(sender ? { sender } : {}),
  };
}

export function publicMessagesJson(records: Records, conversation: Pick<ConversationRow, "display_id">, rows: MessageRow[]) {
  const files = loadAttachments(records, rows.map((m) => m.id));
  return rows.map((m) => publicMessageJson(records, m, conversation, files.get(m.id)));
}

/** public/api/v1/models/_conversation.json.jbuilder, with the conversation's public messages (`chat`). */
export function publicConversationJson(records: Records, c: ConversationRow, chat: MessageRow[]) {
  const contact = records.contact(c.contact_id);
  return {
    id: c.display_id,
    uuid: c.uuid,
    inbox_id: c.inbox_id,
    contact_last_seen_at: unix(c.contact_last_seen_at),
    status: c.status,
    agent_last_seen_at: unix(c.agent_last_seen_at),
    messages: publicMessagesJson(records, c, chat),
    contact: contact ? contactSummary(contact) : null,
  };
}
