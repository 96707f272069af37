import { unixSeconds } from "../../lib/clock.ts";
import type { ContactRow, ConversationRow, MessageRow, Records } from "../conversations/records.ts";
import { senderPushData } from "../messages/push.ts";

// Chatwoot's search views (api/v1/accounts/search/*.json.jbuilder): small result records, timestamps in seconds.

function inboxJson(records: Records, inboxId: number) {
  const r = records.inbox(inboxId);
  return r ? { id: r.inbox.id, name: r.inbox.name, channel_type: r.channel.channel_type } : {};
}

export function searchContactJson(c: ContactRow) {
  return {
    email: c.email,
    id: c.id,
    name: c.name,
    phone_number: c.phone_number,
    identifier: c.identifier,
    additional_attributes: c.additional_attributes,
    last_activity_at: c.last_activity_at == null ? null : unixSeconds(c.last_activity_at),
  };
}

export function searchMessageJson(records: Records, m: MessageRow & { display_id: number }) {
  const sender = senderPushData(records, m);
  return {
    id: m.id,
    content: m.content,
    message_type: m.message_type,
    content_type: m.content_type,
    source_id: m.source_id,
    inbox_id: m.inbox_id,
    conversation_id: m.display_id,
    created_at: unixSeconds(m.created_at),
    ...(sender ? { sender } : {}),
    inbox: inboxJson(records, m.inbox_id),
  };
}

export function searchConversationJson(records: Records, c: ConversationRow, firstMessage: (MessageRow & { display_id: number }) | undefined) {
  const contact = records.contact(c.contact_id);
  const assignee = records.user(c.assignee_id);
  return {
    id: c.display_id,
    account_id: c.account_id,
    created_at: unixSeconds(c.created_at),
    message: firstMessage ? searchMessageJson(records, firstMessage) : {},
    contact: contact ? searchContactJson(contact) : {},
    inbox: inboxJson(records, c.inbox_id),
    agent: assignee
      ? { id: assignee.user.id, available_name: assignee.user.display_name?.trim() || assignee.user.name, email: assignee.user.email, name: assignee.user.name }
      : {},
  };
}
