import { eq, and } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { account_users, users } from "../../db/schema/accounts.ts";
import { inboxes } from "../../db/schema/inboxes.ts";
import { inbox_members } from "../../db/schema/inboxes.ts";
import { unixSeconds } from "../../lib/clock.ts";
import { attachmentPushData } from "../attachments/serialize.ts";
import { workingHoursOf } from "../inboxes/business-hours.ts";
import { Records } from "../conversations/records.ts";
import type { ContactInboxRow, ContactRow, ConversationRow, MessageRow } from "../conversations/records.ts";
import { loadAttachments, senderPushData } from "../messages/push.ts";
import type { WebWidget } from "./session.ts";

/** configs/create.json.jbuilder: the widget's settings, the visitor and their session token. */
/** ActiveSupport's formatted_offset of a time zone now ("+05:30", "-04:00", "+00:00"). */
export function utcOffset(timeZone: string, at: number): string {
  try {
    const name = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" }).formatToParts(at).find((p) => p.type === "timeZoneName")?.value ?? "GMT";
    const m = /GMT([+-]\d{2}):?(\d{2})?/.exec(name);
    return m ? `${m[1]}:${m[2] ?? "00"}` : "+00:00";
  } catch {
    return "+00:00";
  }
}

export function widgetConfigJson(db: Db, w: WebWidget, contact: ContactRow, contactInbox: ContactInboxRow, authToken: string, publicUrl: string, now: number) {
  return {
    website_channel_config: {
      allow_messages_after_resolved: w.inbox.allow_messages_after_resolved,
      api_host: publicUrl,
      auth_token: authToken,
      avatar_url: w.inbox.avatar_url ?? "",
      channel_avatar_url: w.inbox.avatar_url ?? "",
      csat_survey_enabled: w.inbox.csat_survey_enabled,
      disable_branding: false,
      enabled_features: w.widget.selected_feature_flags,
      enabled_languages: [{ name: "English (en)", iso_639_1_code: "en" }],
      locale: w.account.locale,
      out_of_office_message: w.inbox.out_of_office_message,
      portal: null,
      pre_chat_form_enabled: w.widget.pre_chat_form_enabled,
      pre_chat_form_options: w.widget.pre_chat_form_options,
      reply_time: w.widget.reply_time,
      timezone: w.inbox.timezone,
      utc_off_set: utcOffset(w.inbox.timezone, now),
      website_name: w.inbox.name,
      website_token: w.channel.identifier,
      welcome_tagline: w.widget.welcome_tagline,
      welcome_title: w.widget.welcome_title,
      widget_color: w.widget.widget_color,
      working_hours: workingHoursOf(db, w.inbox.id),
      working_hours_enabled: w.inbox.working_hours_enabled,
      account_id: w.inbox.account_id,
    },
    contact: visitorContactJson(contact, contactInbox),
    global_config: { brand_name: "Parley", installation_name: "Parley", widget_brand_url: publicUrl },
  };
}

/** widget contacts show / set_user: the visitor's own contact and their pubsub token. */
export function visitorContactJson(contact: ContactRow, contactInbox: ContactInboxRow) {
  return {
    id: contact.id,
    name: contact.name,
    email: contact.email,
    phone_number: contact.phone_number,
    identifier: contact.identifier,
    avatar_url: contact.avatar_url ?? "",
    custom_attributes: contact.custom_attributes,
    additional_attributes: contact.additional_attributes,
    pubsub_token: contactInbox.pubsub_token,
  };
}

/** api/v1/widget/models/_message.json.jbuilder. */
export function widgetMessagesJson(db: Db, publicUrl: string, conversation: ConversationRow, rows: MessageRow[], echoId?: string | null) {
  const records = new Records(db, conversation.account_id, publicUrl);
  const files = loadAttachments(records, rows.map((m) => m.id));
  return rows.map((m) => {
    const sender = senderPushData(records, m);
    const atts = files.get(m.id);
    return {
      id: m.id,
      content: m.content,
      message_type: m.message_type,
      content_type: m.content_type,
      content_attributes: m.content_attributes,
      created_at: unixSeconds(m.created_at),
      conversation_id: conversation.display_id,
      ...(echoId ? { echo_id: echoId } : {}),
      ...(atts?.length ? { attachments: atts.map((a) => attachmentPushData(a, publicUrl)) } : {}),
      ...(sender ? { sender } : {}),
    };
  });
}

/** widget conversations index: the visitor's current conversation (an empty object when none). */
export function widgetConversationJson(c: ConversationRow | null) {
  if (!c) return {};
  return {
    id: c.display_id,
    inbox_id: c.inbox_id,
    status: c.status,
    contact_last_seen_at: c.contact_last_seen_at != null ? unixSeconds(c.contact_last_seen_at) : 0,
    custom_attributes: c.custom_attributes,
    labels: (c.cached_label_list ?? "").split(",").filter(Boolean),
  };
}

/** widget inbox_members index: who answers in this inbox. */
export function inboxMembersJson(db: Db, inboxId: number) {
  const rows = db
    .select({ id: users.id, name: users.name, display_name: users.display_name, avatar_url: users.avatar_url, availability: account_users.availability })
    .from(inbox_members)
    .innerJoin(inboxes, eq(inboxes.id, inbox_members.inbox_id))
    .innerJoin(users, eq(users.id, inbox_members.user_id))
    .innerJoin(account_users, and(eq(account_users.user_id, users.id), eq(account_users.account_id, inboxes.account_id)))
    .where(eq(inbox_members.inbox_id, inboxId))
    .all();
  return {
    payload: rows.map((u) => ({ id: u.id, name: u.display_name?.trim() || u.name, avatar_url: u.avatar_url ?? "", availability_status: u.availability })),
  };
}
