import { and, eq, inArray } from "drizzle-orm";
import { preparedSettings, type PreparedChannel } from "../../channels/framework/setup.ts";
import { channelKindForParam, channelKindOf } from "../../channels/registry.ts";
import { contact_inboxes } from "../../db/schema/contacts.ts";
import { attachments, conversations, messages } from "../../db/schema/conversations.ts";
import { channels, inboxes } from "../../db/schema/inboxes.ts";
import { taggings } from "../../db/schema/labels.ts";
import { notifications } from "../../db/schema/notifications.ts";
import type { Tx } from "../../db/tx.ts";
import { randomToken } from "../../lib/ids.ts";
import type { AccountScope } from "../accounts/access.ts";
import { Validation } from "../errors.ts";
import { eventPerformer, performerOf } from "../messages/commands.ts";
import { parseWorkingHours, saveWorkingHours, workingHoursOf } from "./business-hours.ts";
import { assertCanManageInboxes } from "./policy.ts";
import { getInbox, type InboxWithChannel } from "./queries.ts";

/** The inbox settings of Chatwoot's POST/PATCH /inboxes (channel settings are validated by the channel kind). */
export type InboxInput = {
  name?: string;
  avatar_url?: string | null;
  greeting_enabled?: boolean;
  greeting_message?: string | null;
  enable_email_collect?: boolean;
  csat_survey_enabled?: boolean;
  enable_auto_assignment?: boolean;
  auto_assignment_config?: Record<string, unknown>;
  working_hours_enabled?: boolean;
  out_of_office_message?: string | null;
  timezone?: string;
  allow_messages_after_resolved?: boolean;
  lock_to_single_conversation?: boolean;
  sender_name_type?: "friendly" | "professional";
  business_name?: string | null;
  /** Chatwoot's `working_hours` param: days `{ day_of_week, closed_all_day, open_all_day, open_hour, open_minutes, close_hour, close_minutes }`. */
  working_hours?: unknown[];
  /** `{ display_type: "emoji" | "star", message, survey_rules: { operator: "contains" | "does_not_contain", values: [label titles] } }`. */
  csat_config?: Record<string, unknown>;
  /** `{ type: "api", webhook_url, hmac_mandatory, additional_attributes }`; type is required on create only. */
  channel?: Record<string, unknown>;
};

function checkInboxInput(input: InboxInput) {
  if (input.name !== undefined && !input.name.trim()) throw Validation.field("name", "can't be blank");
  if (input.timezone !== undefined && !isTimeZone(input.timezone)) throw Validation.field("timezone", "is not a valid time zone");
  if (input.csat_config !== undefined) checkCsatConfig(input.csat_config);
}

function checkCsatConfig(config: Record<string, unknown>) {
  const { display_type, message, survey_rules } = config;
  if (display_type !== undefined && display_type !== "emoji" && display_type !== "star") throw Validation.field("csat_config.display_type", "must be emoji or star");
  if (message !== undefined && message !== null && (typeof message !== "string" || message.length > 10_000)) throw Validation.field("csat_config.message", "must be a string of at most 10000 characters");
  if (survey_rules === undefined || survey_rules === null) return;
  if (typeof survey_rules !== "object" || Array.isArray(survey_rules)) throw Validation.field("csat_config.survey_rules", "must be an object");
  const { operator, values } = survey_rules as Record<string, unknown>;
  if (operator !== undefined && operator !== "contains" && operator !== "does_not_contain") throw Validation.field("csat_config.survey_rules.operator", "must be contains or does_not_contain");
  if (values !== undefined && (!Array.isArray(values) || values.some((v) => typeof v !== "string"))) throw Validation.field("csat_config.survey_rules.values", "must be a list of label names");
}

function isTimeZone(value: string): boolean {
  if (!value || value.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

function inboxColumns(input: InboxInput): Partial<typeof inboxes.$inferInsert> {
  const set: Partial<typeof inboxes.$inferInsert> = {};
  if (input.name !== undefined) set.name = input.name.trim();
  if (input.avatar_url !== undefined) set.avatar_url = input.avatar_url || null;
  if (input.greeting_enabled !== undefined) set.greeting_enabled = input.greeting_enabled;
  if (input.greeting_message !== undefined) set.greeting_message = input.greeting_message;
  if (input.enable_email_collect !== undefined) set.enable_email_collect = input.enable_email_collect;
  if (input.csat_survey_enabled !== undefined) set.csat_survey_enabled = input.csat_survey_enabled;
  if (input.enable_auto_assignment !== undefined) set.enable_auto_assignment = input.enable_auto_assignment;
  if (input.auto_assignment_config !== undefined) set.auto_assignment_config = input.auto_assignment_config;
  if (input.working_hours_enabled !== undefined) set.working_hours_enabled = input.working_hours_enabled;
  if (input.out_of_office_message !== undefined) set.out_of_office_message = input.out_of_office_message;
  if (input.timezone !== undefined) set.timezone = input.timezone;
  if (input.allow_messages_after_resolved !== undefined) set.allow_messages_after_resolved = input.allow_messages_after_resolved;
  if (input.lock_to_single_conversation !== undefined) set.lock_to_single_conversation = input.lock_to_single_conversation;
  if (input.sender_name_type !== undefined) set.sender_name_type = input.sender_name_type;
  if (input.business_name !== undefined) set.business_name = input.business_name;
  if (input.csat_config !== undefined) set.csat_config = input.csat_config;
  return set;
}

/**
 * POST /inboxes: the channel row (with its generated identifier and secrets) and the inbox, in one transaction.
 * Kinds with a connect step (Telegram, WhatsApp…) need `prepared` from prepareChannelCreate (src/channels/framework).
 */
export function createInbox(tx: Tx, scope: AccountScope, input: InboxInput & { name: string }, prepared?: PreparedChannel): InboxWithChannel {
  checkInboxInput(input);
  if (!input.channel) throw Validation.field("channel", "can't be blank");
  const kind = channelKindForParam(input.channel.type);
  const settings = preparedSettings(kind, prepared, input.channel);
  assertCanManageInboxes(scope);

  const channel = tx.db
    .insert(channels)
    .values({
      account_id: scope.account.id,
      channel_type: kind.channelType,
      identifier: randomToken(24),
      hmac_token: randomToken(24),
      secret: randomToken(24),
      ...kind.columnsForCreate(settings),
      created_at: tx.now,
      updated_at: tx.now,
    })
    .returning()
    .get();
  const inbox = tx.db
    .insert(inboxes)
    .values({ ...inboxColumns(input), name: input.name.trim(), account_id: scope.account.id, channel_id: channel.id, created_at: tx.now, updated_at: tx.now })
    .returning()
    .get();
  if (input.working_hours !== undefined) saveWorkingHours(tx, scope.account.id, inbox.id, parseWorkingHours(input.working_hours, workingHoursOf(tx.db, inbox.id)));
  tx.emit("inbox.created", { account_id: scope.account.id, inbox_id: inbox.id });
  inboxesChanged(tx, scope);
  return { inbox, channel };
}

/** PATCH /inboxes/:id: inbox settings and the channel's own settings (Chatwoot's `channel: {…}`; `prepared` as for createInbox). */
export function updateInbox(tx: Tx, scope: AccountScope, inboxId: number, input: InboxInput, prepared?: PreparedChannel): InboxWithChannel {
  checkInboxInput(input);
  const current = getInbox(tx.db, scope.account.id, inboxId);
  const kind = channelKindOf(current.channel.channel_type);
  const { type: _ignored, ...rawSettings } = input.channel ?? {};
  const settings = kind && input.channel ? preparedSettings(kind, prepared, rawSettings) : undefined;
  assertCanManageInboxes(scope);

  let channel = current.channel;
  if (kind && settings !== undefined) {
    const patch = kind.columnsForUpdate(current.channel, settings);
    if (Object.keys(patch).length) {
      channel = tx.db
        .update(channels)
        .set({ ...patch, updated_at: tx.now })
        .where(and(eq(channels.id, current.channel.id), eq(channels.account_id, scope.account.id)))
        .returning()
        .get();
    }
  }
  const inbox = tx.db
    .update(inboxes)
    .set({ ...inboxColumns(input), updated_at: tx.now })
    .where(and(eq(inboxes.id, inboxId), eq(inboxes.account_id, scope.account.id)))
    .returning()
    .get();
  if (input.working_hours !== undefined) saveWorkingHours(tx, scope.account.id, inbox.id, parseWorkingHours(input.working_hours, workingHoursOf(tx.db, inbox.id)));
  tx.emit("inbox.updated", { account_id: scope.account.id, inbox_id: inbox.id });
  inboxesChanged(tx, scope);
  return { inbox, channel };
}

/**
 * DELETE /inboxes/:id. Chatwoot destroys the inbox's conversations and contact sessions in a background job;
 * Parley does it in the one transaction: conversations (their messages, attachments, participants and
 * mentions go by foreign key), the labels and notifications that point at them, the contact_inboxes, the
 * members, the inbox and its channel. Contacts stay. Returns the storage keys of the attachments that went
 * with it, for the caller to remove from disk after the commit.
 */
export function deleteInbox(tx: Tx, scope: AccountScope, inboxId: number): string[] {
  const { inbox, channel } = getInbox(tx.db, scope.account.id, inboxId);
  assertCanManageInboxes(scope);
  const accountId = scope.account.id;
  const keys = tx.db
    .select({ key: attachments.storage_key })
    .from(attachments)
    .innerJoin(messages, eq(messages.id, attachments.message_id))
    .where(and(eq(messages.account_id, accountId), eq(messages.inbox_id, inbox.id)))
    .all()
    .flatMap((r) => (r.key ? [r.key] : []));
  const conversationIds = tx.db
    .select({ id: conversations.id })
    .from(conversations)
    .where(and(eq(conversations.account_id, accountId), eq(conversations.inbox_id, inbox.id)))
    .all()
    .map((r) => r.id);
  for (let i = 0; i < conversationIds.length; i += 500) {
    const chunk = conversationIds.slice(i, i + 500);
    tx.db
      .delete(taggings)
      .where(and(eq(taggings.account_id, accountId), eq(taggings.taggable_type, "Conversation"), inArray(taggings.taggable_id, chunk)))
      .run();
    tx.db
      .delete(notifications)
      .where(and(eq(notifications.account_id, accountId), eq(notifications.primary_actor_type, "Conversation"), inArray(notifications.primary_actor_id, chunk)))
      .run();
  }
  tx.db.delete(conversations).where(and(eq(conversations.account_id, accountId), eq(conversations.inbox_id, inbox.id))).run();
  tx.db.delete(contact_inboxes).where(eq(contact_inboxes.inbox_id, inbox.id)).run();
  tx.db.delete(inboxes).where(and(eq(inboxes.id, inbox.id), eq(inboxes.account_id, accountId))).run();
  tx.db.delete(channels).where(and(eq(channels.id, channel.id), eq(channels.account_id, accountId))).run();
  tx.emit("inbox.deleted", { account_id: accountId, inbox_id: inbox.id });
  inboxesChanged(tx, scope);
  return keys;
}

/** Chatwoot's AccountCacheRevalidator: every inbox write invalidates the account's cached inbox list. */
function inboxesChanged(tx: Tx, scope: AccountScope): void {
  tx.emit("account.cache_invalidated", { account_id: scope.account.id, cache_key: "inbox", ...eventPerformer(performerOf(scope)) });
}
