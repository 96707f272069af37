import { z } from "zod";
import type { ChannelKind } from "../registry.ts";
import { optionalHttpUrl } from "../url.ts";

/**
 * The API channel (Chatwoot's Channel::Api): conversations arrive through the Application or Client API,
 * and every event of the inbox is POSTed to `webhook_url`, signed with the channel's `secret`.
 * `identifier` (shown as inbox_identifier) names the inbox in the public client API; `hmac_token` verifies
 * contacts' identifier_hash.
 */

const MAX_URL = 2048;

/** An http(s) URL, or empty/null for "no callback". */
const webhookUrl = optionalHttpUrl(MAX_URL);

const bool = z.preprocess((v) => (v === "true" ? true : v === "false" ? false : v), z.boolean({ error: "must be true or false" }));
const attributes = z.record(z.string(), z.unknown(), { error: "must be an object" });

export const apiChannelSettings = z.object({
  webhook_url: webhookUrl.optional(),
  hmac_mandatory: bool.optional(),
  additional_attributes: attributes.optional(),
});
export type ApiChannelSettings = z.infer<typeof apiChannelSettings>;

export const apiChannel: ChannelKind<ApiChannelSettings> = {
  param: "api",
  channelType: "Channel::Api",
  settings: apiChannelSettings,
  columnsForCreate: (s) => ({
    webhook_url: s.webhook_url ?? null,
    hmac_mandatory: s.hmac_mandatory ?? false,
    additional_attributes: s.additional_attributes ?? {},
    config: {},
  }),
  columnsForUpdate: (current, s) => ({
    ...(s.webhook_url !== undefined ? { webhook_url: s.webhook_url } : {}),
    ...(s.hmac_mandatory !== undefined ? { hmac_mandatory: s.hmac_mandatory } : {}),
    ...(s.additional_attributes !== undefined ? { additional_attributes: { ...current.additional_attributes, ...s.additional_attributes } } : {}),
  }),
  // Chatwoot's inbox jbuilder, "API Channel Attributes": secrets only for administrators.
  inboxFields: (channel, { administrator }) => ({
    ...(administrator ? { hmac_token: channel.hmac_token, secret: channel.secret } : {}),
    webhook_url: channel.webhook_url,
    inbox_identifier: channel.identifier,
    additional_attributes: channel.additional_attributes,
  }),
  // Contacts::ContactableInboxesService#api_contactable_inbox: the latest session, or a fresh one.
  contactableSourceId: ({ latestSourceId }) => latestSourceId ?? crypto.randomUUID(),
  newSourceId: () => crypto.randomUUID(),
};
