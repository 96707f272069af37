// The WhatsApp Cloud channel's settings (Chatwoot's Channel::Whatsapp with provider "whatsapp_cloud"):
// phone_number and provider_config {api_key, phone_number_id, business_account_id, webhook_verify_token}, plus the
// synced message_templates. Stored in channels.config; the API key and an optional app secret are sealed.
import { z } from "zod";
import type { AppDeps } from "../../deps.ts";
import { openSecret } from "../framework/secrets.ts";
import type { ChannelRow } from "../registry.ts";
import { graphClient, type GraphTemplate } from "./graph.ts";

export const CHANNEL_TYPE = "Channel::Whatsapp";

const digits = (what: string) => z.string({ error: "must be a string" }).trim().regex(/^\d{1,32}$/, `must be the numeric ${what} from Meta's console`);

export const providerConfigSchema = z.object({
  api_key: z.string({ error: "must be a string" }).trim().min(1, "can't be blank").max(2048).optional(),
  phone_number_id: digits("Phone Number ID").optional(),
  business_account_id: digits("WhatsApp Business Account ID").optional(),
  webhook_verify_token: z.string({ error: "must be a string" }).trim().min(8, "is too short (minimum is 8 characters)").max(255).optional(),
  /** Manual setup: the Meta app's secret, so webhook signatures can be verified without PARLEY_WHATSAPP_APP_SECRET. */
  app_secret: z.union([z.string().trim().max(256), z.null()]).optional(),
});

export const whatsappSettingsSchema = z.object({
  phone_number: z
    .string({ error: "must be a string" })
    .transform((v) => v.replace(/[\s()-]/g, ""))
    .pipe(z.string().regex(/^\+[1-9]\d{6,14}$/, "must be in international format with a leading +, e.g. +15550100001"))
    .optional(),
  provider: z.enum(["whatsapp_cloud"], { error: "is not supported; one of: whatsapp_cloud" }).optional(),
  provider_config: providerConfigSchema.optional(),
});

export type ProviderConfig = z.infer<typeof providerConfigSchema> & {
  /** How the number was connected: "manual" (pasted in) or "embedded_signup". */
  source?: "manual" | "embedded_signup";
};

/** What is stored in channels.config (and what connect returns). */
export type WhatsappSettings = Omit<z.infer<typeof whatsappSettingsSchema>, "provider_config"> & {
  provider_config?: ProviderConfig;
  message_templates?: GraphTemplate[];
  message_templates_last_updated?: string | null;
  /** Meta's verified business name of the number. */
  verified_name?: string | null;
};

export function storedSettings(channel: ChannelRow): WhatsappSettings {
  return (channel.config ?? {}) as WhatsappSettings;
}

/** The stored provider config with its secrets opened (for provider calls only; never serialized). */
export function credentials(deps: AppDeps, channel: ChannelRow): { apiKey: string; phoneNumberId: string; wabaId: string; verifyToken: string; appSecret: string | null } {
  const pc = storedSettings(channel).provider_config ?? {};
  const open = (v: unknown) => (typeof v === "string" && v ? openSecret(deps.config.secretKey, v) : "");
  return {
    apiKey: open(pc.api_key),
    phoneNumberId: pc.phone_number_id ?? "",
    wabaId: pc.business_account_id ?? "",
    verifyToken: pc.webhook_verify_token ?? "",
    appSecret: open(pc.app_secret) || null,
  };
}

/** The secret that signs this channel's webhooks: its own app secret (manual setup) or the server's Meta app secret. */
export function webhookSecret(deps: AppDeps, channel: ChannelRow): string | null {
  return credentials(deps, channel).appSecret ?? deps.config.whatsappAppSecret;
}

/** A Graph client with a token. The configured API host may be private (a proxy, the test fake); other hosts follow the SSRF setting. */
export function graphFor(deps: AppDeps, token?: string) {
  return graphClient({ baseUrl: deps.config.whatsappApiUrl, token, allowPrivate: true, timeoutMs: deps.config.webhookTimeoutMs });
}

/** For media download URLs, which Meta serves from another host: private addresses only when the operator allows them. */
export function mediaAllowPrivate(deps: AppDeps, url: string): boolean {
  return url.startsWith(`${deps.config.whatsappApiUrl}/`) || !deps.config.webhookBlockPrivate;
}

/** Chatwoot's callback URL for Meta's console: {publicUrl}/webhooks/whatsapp/{phone_number}. */
export function callbackUrl(publicUrl: string, phoneNumber: string): string {
  return `${publicUrl}/webhooks/whatsapp/${encodeURIComponent(phoneNumber)}`;
}

/** "+1 555-010-0001" (Meta's display form) → "+15550100001". */
export function e164(display: string): string {
  return `+${display.replace(/\D/g, "")}`;
}
