import { channelKindOf, COMMON_CHANNEL_FIELDS } from "../../channels/registry.ts";
import { DEFAULT_WORKING_HOURS, type WorkingHourSlot } from "./business-hours.ts";
import type { InboxWithChannel } from "./queries.ts";

/**
 * The inbox as api/v1/models/_inbox.json.jbuilder renders it: the inbox's own settings, then the keys every
 * channel answers (nil when it lacks them), then the channel kind's fields (secrets only for administrators).
 */
export function serializeInbox({ inbox, channel, working_hours }: InboxWithChannel & { working_hours?: WorkingHourSlot[] }, viewer: { administrator: boolean; publicUrl: string }) {
  const kind = channelKindOf(channel.channel_type);
  return {
    id: inbox.id,
    avatar_url: inbox.avatar_url ?? "",
    channel_id: inbox.channel_id,
    name: inbox.name,
    channel_type: channel.channel_type,
    greeting_enabled: inbox.greeting_enabled,
    greeting_message: inbox.greeting_message,
    working_hours_enabled: inbox.working_hours_enabled,
    enable_email_collect: inbox.enable_email_collect,
    csat_survey_enabled: inbox.csat_survey_enabled,
    csat_config: inbox.csat_config ?? {},
    enable_auto_assignment: inbox.enable_auto_assignment,
    auto_assignment_config: inbox.auto_assignment_config,
    out_of_office_message: inbox.out_of_office_message,
    working_hours: working_hours ?? DEFAULT_WORKING_HOURS,
    timezone: inbox.timezone,
    callback_webhook_url: null,
    allow_messages_after_resolved: inbox.allow_messages_after_resolved,
    lock_to_single_conversation: inbox.lock_to_single_conversation,
    sender_name_type: inbox.sender_name_type,
    business_name: inbox.business_name,
    ...COMMON_CHANNEL_FIELDS,
    hmac_mandatory: channel.hmac_mandatory,
    ...(kind ? kind.inboxFields(channel, viewer) : {}),
  };
}

/** Inbox#webhook_data. */
export function inboxWebhookData(inbox: { id: number; name: string }) {
  return { id: inbox.id, name: inbox.name };
}
