import type { z } from "zod";
import type { channels } from "../db/schema/inboxes.ts";
import { Validation } from "../domain/errors.ts";
import { apiChannel } from "./api/config.ts";
import { emailChannel } from "./email/config.ts";
import type { ChannelCapabilities } from "./framework/types.ts";
import { telegramChannel } from "./telegram/config.ts";
import { webWidgetChannel } from "./web-widget/config.ts";
import { whatsappChannel } from "./whatsapp/config.ts";

export type ChannelRow = typeof channels.$inferSelect;

/**
 * The kind-specific columns of a channel row. identifier, hmac_token and secret are generated for every kind;
 * a kind may set `identifier` (what its inbound webhook route finds it by, e.g. a phone number or a token digest)
 * and `secret` (e.g. the secret token it registered with the provider) itself.
 */
export type ChannelColumns = Pick<ChannelRow, "webhook_url" | "hmac_mandatory" | "additional_attributes" | "config"> &
  Partial<Pick<ChannelRow, "identifier" | "secret" | "connection_status" | "connection_error">>;

/**
 * What a channel type contributes to inboxes. Adding a channel (web widget, WhatsApp, email, Telegram) is a
 * folder src/channels/<name>/ exporting one of these, plus one line in CHANNEL_KINDS. The optional capabilities
 * (inbound routes, pollers, job kinds, an outbound sender, a connect step, dashboard form and details) are in
 * ChannelCapabilities (src/channels/framework/types.ts, docs/channels.md).
 */
export type ChannelKind<S> = ChannelCapabilities<S> & {
  /** Chatwoot's `channel.type` param of POST /inboxes ("api", "web_widget", "email", …). */
  param: string;
  /** Chatwoot's class name: stored in channels.channel_type and shown as the inbox's channel_type. */
  channelType: string;
  /** The zod schema of the `channel` settings on create and update (all keys optional on update). */
  settings: z.ZodType<S>;
  columnsForCreate(settings: S): ChannelColumns;
  columnsForUpdate(current: ChannelRow, settings: S): Partial<ChannelColumns>;
  /** The channel's part of the inbox JSON (api/v1/models/_inbox.json.jbuilder). */
  inboxFields(channel: ChannelRow, viewer: { administrator: boolean; publicUrl?: string }): Record<string, unknown>;
  /** The source_id offered by contactable_inboxes for a contact, or null when the inbox cannot reach them. */
  contactableSourceId(ctx: { contact: { email: string | null; phone_number: string | null }; latestSourceId: string | null }): string | null;
  /** A source_id for a new contact_inbox when the client gives none (ContactInboxBuilder). */
  newSourceId(contact: { email: string | null; phone_number: string | null }): string;
};

/** Every supported channel kind; one entry per src/channels/<name>/config.ts. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each kind has its own settings type
const CHANNEL_KINDS: ChannelKind<any>[] = [apiChannel, webWidgetChannel, whatsappChannel, emailChannel, telegramChannel];

/** Every registered kind, in the dashboard's order (the framework iterates this for routes, jobs, pollers, senders). */
export function channelKinds(): readonly ChannelKind<unknown>[] {
  return CHANNEL_KINDS;
}

/** The channel kind for a Chatwoot `channel.type` param; 422 naming channel.type when unsupported. */
export function channelKindForParam(param: unknown): ChannelKind<unknown> {
  const kind = CHANNEL_KINDS.find((k) => k.param === param);
  if (!kind) {
    throw Validation.field("channel.type", `is not supported; one of: ${CHANNEL_KINDS.map((k) => k.param).join(", ")}`);
  }
  return kind;
}

/** The channel kind of a stored channel row (channel_type "Channel::Api" …). */
export function channelKindOf(channelType: string): ChannelKind<unknown> | undefined {
  return CHANNEL_KINDS.find((k) => k.channelType === channelType);
}

/** Validates a kind's settings, reporting fields as `channel.<key>`. */
export function parseChannelSettings<S>(kind: ChannelKind<S>, raw: unknown): S {
  const result = kind.settings.safeParse(raw ?? {});
  if (result.success) return result.data;
  throw new Validation(
    result.error.issues.map((i) => ({ field: ["channel", ...i.path.map(String)].join("."), message: i.message })),
  );
}

/** Every inbox JSON carries these keys (nil when the channel does not have them), as Chatwoot's jbuilder does. */
export const COMMON_CHANNEL_FIELDS = {
  allowed_domains: null,
  widget_color: null,
  website_url: null,
  welcome_title: null,
  welcome_tagline: null,
  web_widget_script: null,
  website_token: null,
  selected_feature_flags: null,
  reply_time: null,
  messaging_service_sid: null,
  phone_number: null,
  provider: null,
} as const;
