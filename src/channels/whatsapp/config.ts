import type { ChannelKind } from "../registry.ts";
import { connectWhatsapp } from "./connect.ts";
import { whatsappBase, whatsappDashboardRoutes } from "./dashboard.tsx";
import { embeddedSignupUnavailable } from "./embedded-signup.ts";
import { webhookJobHandler, WEBHOOK_JOB, whatsappRoutes } from "./inbound.ts";
import { sendWhatsappMessage } from "./outbound.ts";
import { callbackUrl, CHANNEL_TYPE, storedSettings, whatsappSettingsSchema, type WhatsappSettings } from "./settings.ts";
import { syncStaleTemplates, TEMPLATE_POLL_MS } from "./template-sync.ts";

/**
 * The WhatsApp channel (Chatwoot's Channel::Whatsapp, provider whatsapp_cloud): Meta's Cloud API. Set up manually
 * (phone number id, WABA id, API key, checked with the Graph API) or with Embedded Signup (dashboard). Meta's webhooks
 * arrive at /webhooks/whatsapp/{phone_number}; the channel is found by its phone number (the identifier).
 */
export const whatsappChannel: ChannelKind<WhatsappSettings> = {
  param: "whatsapp",
  channelType: CHANNEL_TYPE,
  settings: whatsappSettingsSchema,
  columnsForCreate: (s) => ({
    webhook_url: null,
    hmac_mandatory: false,
    additional_attributes: {},
    config: { ...s },
    identifier: s.phone_number,
  }),
  columnsForUpdate: (_current, s) => ({ config: { ...s } }),
  // Chatwoot's inbox jbuilder for WhatsApp: phone_number, provider, message_templates and their sync time; the
  // provider_config only to administrators, and never the API key or app secret (stored sealed).
  inboxFields: (channel, { administrator, publicUrl }) => {
    const s = storedSettings(channel);
    const pc = s.provider_config ?? {};
    return {
      phone_number: s.phone_number ?? channel.identifier,
      provider: s.provider ?? "whatsapp_cloud",
      message_templates: s.message_templates ?? [],
      message_templates_last_updated: s.message_templates_last_updated ?? null,
      reauthorization_required: (channel as { connection_status?: string }).connection_status === "reauthorization_required",
      ...(administrator
        ? {
            provider_config: {
              phone_number_id: pc.phone_number_id ?? null,
              business_account_id: pc.business_account_id ?? null,
              webhook_verify_token: pc.webhook_verify_token ?? null,
              source: pc.source ?? "manual",
              app_secret_set: !!pc.app_secret,
            },
            ...(publicUrl ? { webhook_url: callbackUrl(publicUrl, s.phone_number ?? channel.identifier) } : {}),
          }
        : {}),
    };
  },
  // Chatwoot: a WhatsApp contact is reached at their phone number without the "+" (their wa_id).
  contactableSourceId: ({ contact, latestSourceId }) => latestSourceId ?? (contact.phone_number ? contact.phone_number.replace(/\D/g, "") : null),
  newSourceId: (contact) => (contact.phone_number ?? "").replace(/\D/g, "") || crypto.randomUUID(),
  connect: (ctx, settings) => connectWhatsapp(ctx, settings),
  routes: (deps) => whatsappRoutes(deps),
  jobs: (deps) => ({ [WEBHOOK_JOB]: webhookJobHandler(deps) }),
  pollers: [{ name: "whatsapp-templates", everyMs: TEMPLATE_POLL_MS, run: (deps) => syncStaleTemplates(deps) }],
  sender: (ctx) => sendWhatsappMessage(ctx),
  dashboardRoutes: (deps) => whatsappDashboardRoutes(deps),
  form: {
    label: "WhatsApp",
    description: "Connect a WhatsApp Business number through Meta's Cloud API.",
    icon: "messagePlus",
    steps: [
      "Manual setup: in Meta's developer console, create a system user, give it your WhatsApp Business Account and generate a permanent token with whatsapp_business_messaging and whatsapp_business_management.",
      "Copy the phone number, its Phone Number ID, the WhatsApp Business Account ID and the token (API key) into the form below. Parley checks them with the Graph API and syncs the account's message templates.",
      "On the inbox page that follows, copy the callback URL and verify token into the console's Webhooks settings and subscribe to the “messages” field.",
    ],
    fields: [
      { name: "phone_number", label: "Phone number", type: "text", required: true, placeholder: "+15550100001", help: "In international format with a leading +." },
      { name: "provider_config.phone_number_id", label: "Phone Number ID", type: "text", required: true, placeholder: "106540352242922" },
      { name: "provider_config.business_account_id", label: "WhatsApp Business Account ID", type: "text", required: true, placeholder: "102290129340398" },
      { name: "provider_config.api_key", label: "API key (system user token)", type: "password", required: true, help: "Stored encrypted; never shown again." },
      {
        name: "provider_config.app_secret",
        label: "App secret (optional)",
        type: "password",
        help: "Your Meta app's secret, used to verify webhook signatures (X-Hub-Signature-256) when the server has no PARLEY_WHATSAPP_APP_SECRET.",
      },
    ],
    intro: (deps, { accountId }) => ({
      title: "Embedded Signup (recommended)",
      text: "A guided flow by Meta: log in with Facebook, pick or create your WhatsApp Business Account and add your number. Parley receives the token, configures the number and subscribes to its webhooks itself — no copying of ids or tokens.",
      button: "Connect with WhatsApp Business",
      href: `${whatsappBase(accountId)}/signup`,
      unavailable: embeddedSignupUnavailable(deps.config),
      note: "Manual setup (below) is for tech providers onboarding their own number and for numbers already linked to Embedded Signup.",
    }),
  },
  details: (channel, { publicUrl, accountId }) => {
    const s = storedSettings(channel);
    const pc = s.provider_config ?? {};
    const number = s.phone_number ?? channel.identifier;
    return [
      { label: "Phone number", value: s.verified_name ? `${number} (${s.verified_name})` : number },
      { label: "Phone Number ID", value: pc.phone_number_id ?? "" },
      { label: "WhatsApp Business Account ID", value: pc.business_account_id ?? "" },
      { label: "Callback URL", value: callbackUrl(publicUrl, number), copy: true, help: "Meta console → WhatsApp → Configuration → Webhook: Callback URL." },
      { label: "Verify token", value: pc.webhook_verify_token ?? "", copy: true, help: "Paste it as the webhook's Verify token, then subscribe to the “messages” field." },
      {
        label: "Message templates",
        value: `${(s.message_templates ?? []).length} synced${s.message_templates_last_updated ? ` (last ${s.message_templates_last_updated.replace("T", " ").slice(0, 16)} UTC)` : ""}`,
        action: { label: "Sync templates", href: `${whatsappBase(accountId)}/${channel.id}/sync_templates` },
      },
      { label: "Set up with", value: pc.source === "embedded_signup" ? "Embedded Signup" : "Manual setup" },
    ];
  },
};

