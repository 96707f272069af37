import { z } from "zod";
import type { ChannelKind, ChannelRow } from "../registry.ts";
import { optionalHttpUrl } from "../url.ts";

/**
 * The website live-chat channel (Chatwoot's Channel::WebWidget). The channel's generated `identifier` is the
 * public `website_token` the embed snippet and the widget API carry; `hmac_token` verifies identified visitors.
 * Everything else lives in the row's `config` JSON, validated here.
 */

export const REPLY_TIMES = ["in_a_few_minutes", "in_a_few_hours", "in_a_day"] as const;
export const FEATURE_FLAGS = ["attachments", "emoji_picker", "end_conversation", "use_inbox_avatar_for_bot"] as const;
export type FeatureFlag = (typeof FEATURE_FLAGS)[number];

const bool = z.preprocess((v) => (v === "true" || v === "1" ? true : v === "false" || v === "0" ? false : v), z.boolean({ error: "must be true or false" }));
const text = (max: number) => z.string({ error: "must be a string" }).max(max, `is too long (maximum is ${max} characters)`);
const COLOR = /^#[0-9a-fA-F]{6}$/;

export const preChatField = z.object({
  field_type: z.enum(["standard", "conversation_attribute", "contact_attribute"], { error: "must be standard, conversation_attribute or contact_attribute" }).default("standard"),
  label: text(255),
  placeholder: text(255).optional().default(""),
  name: text(255).regex(/^[A-Za-z0-9_]+$/, "must contain only letters, digits and underscores"),
  type: text(50).default("text"),
  enabled: bool.default(false),
  required: bool.default(false),
  values: z.array(text(255)).max(100).optional(),
  regex_pattern: text(500).nullable().optional(),
  regex_cue: text(255).nullable().optional(),
});
export type PreChatField = z.infer<typeof preChatField>;

export const preChatFormOptions = z.object({
  pre_chat_message: text(1000).optional(),
  require_email: bool.optional(),
  pre_chat_fields: z.array(preChatField).max(50).optional(),
});
export type PreChatFormOptions = { pre_chat_message: string; require_email?: boolean; pre_chat_fields: PreChatField[] };

/** Chatwoot's default pre-chat fields (Channel::WebWidget#pre_chat_form_options default): all off. */
export function defaultPreChatFormOptions(): PreChatFormOptions {
  return {
    pre_chat_message: "Share your queries or comments here.",
    pre_chat_fields: [
      { field_type: "standard", label: "Email Id", name: "emailAddress", type: "email", required: true, enabled: false, placeholder: "" },
      { field_type: "standard", label: "Full name", name: "fullName", type: "text", required: false, enabled: false, placeholder: "" },
      { field_type: "standard", label: "Phone number", name: "phoneNumber", type: "text", required: false, enabled: false, placeholder: "" },
    ],
  };
}

/** `allowed_domains`: a comma-separated list of host names (a leading `*.` allows subdomains). */
const domains = text(2000).refine(
  (v) => v.split(",").map((d) => d.trim()).filter(Boolean).every((d) => /^(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:\d+)?$/.test(d)),
  "must be a comma-separated list of domain names",
);

export const webWidgetSettings = z.object({
  website_url: optionalHttpUrl(2048).optional(),
  widget_color: z.string({ error: "must be a string" }).regex(COLOR, "must be a colour like #1f93ff").optional(),
  welcome_title: text(255).nullable().optional(),
  welcome_tagline: text(255).nullable().optional(),
  reply_time: z.enum(REPLY_TIMES, { error: `must be one of ${REPLY_TIMES.join(", ")}` }).optional(),
  allowed_domains: domains.nullable().optional(),
  hmac_mandatory: bool.optional(),
  continuity_via_email: bool.optional(),
  /** Chatwoot's `selected_feature_flags` (the update form sends the list of enabled flags). */
  selected_feature_flags: z.array(z.enum(FEATURE_FLAGS, { error: `must be among ${FEATURE_FLAGS.join(", ")}` })).optional(),
  pre_chat_form_enabled: bool.optional(),
  pre_chat_form_options: preChatFormOptions.optional(),
});
export type WebWidgetSettings = z.infer<typeof webWidgetSettings>;

/** The widget settings of a stored channel row, with Chatwoot's defaults. */
export type WidgetConfig = {
  website_url: string | null;
  widget_color: string;
  welcome_title: string;
  welcome_tagline: string;
  reply_time: (typeof REPLY_TIMES)[number];
  allowed_domains: string;
  continuity_via_email: boolean;
  selected_feature_flags: FeatureFlag[];
  pre_chat_form_enabled: boolean;
  pre_chat_form_options: PreChatFormOptions;
};

export const DEFAULT_WIDGET_COLOR = "#1f93ff";

export function widgetConfigOf(channel: Pick<ChannelRow, "config">): WidgetConfig {
  const c = channel.config as Partial<WidgetConfig>;
  return {
    website_url: c.website_url ?? null,
    widget_color: c.widget_color ?? DEFAULT_WIDGET_COLOR,
    welcome_title: c.welcome_title ?? "",
    welcome_tagline: c.welcome_tagline ?? "",
    reply_time: c.reply_time ?? "in_a_few_minutes",
    allowed_domains: c.allowed_domains ?? "",
    continuity_via_email: c.continuity_via_email ?? true,
    selected_feature_flags: c.selected_feature_flags ?? ["attachments", "emoji_picker", "end_conversation"],
    pre_chat_form_enabled: c.pre_chat_form_enabled ?? false,
    pre_chat_form_options: c.pre_chat_form_options ?? defaultPreChatFormOptions(),
  };
}

function mergePreChat(current: PreChatFormOptions, next: z.infer<typeof preChatFormOptions>): PreChatFormOptions {
  return {
    pre_chat_message: next.pre_chat_message ?? current.pre_chat_message,
    ...(next.require_email !== undefined || current.require_email !== undefined ? { require_email: next.require_email ?? current.require_email } : {}),
    pre_chat_fields: next.pre_chat_fields ?? current.pre_chat_fields,
  };
}

function configFrom(current: WidgetConfig, s: WebWidgetSettings): WidgetConfig {
  return {
    website_url: s.website_url !== undefined ? s.website_url : current.website_url,
    widget_color: s.widget_color ?? current.widget_color,
    welcome_title: s.welcome_title !== undefined ? (s.welcome_title ?? "") : current.welcome_title,
    welcome_tagline: s.welcome_tagline !== undefined ? (s.welcome_tagline ?? "") : current.welcome_tagline,
    reply_time: s.reply_time ?? current.reply_time,
    allowed_domains: s.allowed_domains !== undefined ? (s.allowed_domains ?? "").trim() : current.allowed_domains,
    continuity_via_email: s.continuity_via_email ?? current.continuity_via_email,
    selected_feature_flags: s.selected_feature_flags ? [...new Set(s.selected_feature_flags)] : current.selected_feature_flags,
    pre_chat_form_enabled: s.pre_chat_form_enabled ?? current.pre_chat_form_enabled,
    pre_chat_form_options: s.pre_chat_form_options ? mergePreChat(current.pre_chat_form_options, s.pre_chat_form_options) : current.pre_chat_form_options,
  };
}

/** Channel::WebWidget#web_widget_script: the snippet a site owner pastes before </body>. */
export function webWidgetScript(baseUrl: string, websiteToken: string): string {
  const base = JSON.stringify(baseUrl);
  const token = JSON.stringify(websiteToken);
  return `<script>
  (function(d,t) {
    var BASE_URL=${base};
    var g=d.createElement(t),s=d.getElementsByTagName(t)[0];
    g.src=BASE_URL+"/packs/js/sdk.js";
    g.defer = true;
    g.async = true;
    s.parentNode.insertBefore(g,s);
    g.onload=function(){
      window.chatwootSDK.run({
        websiteToken: ${token},
        baseUrl: BASE_URL
      })
    }
  })(document,"script");
</script>
`;
}

export const webWidgetChannel: ChannelKind<WebWidgetSettings> = {
  param: "web_widget",
  channelType: "Channel::WebWidget",
  settings: webWidgetSettings,
  columnsForCreate: (s) => ({
    webhook_url: null,
    hmac_mandatory: s.hmac_mandatory ?? false,
    additional_attributes: {},
    config: configFrom(widgetConfigOf({ config: {} }), s),
  }),
  columnsForUpdate: (current, s) => ({
    ...(s.hmac_mandatory !== undefined ? { hmac_mandatory: s.hmac_mandatory } : {}),
    config: configFrom(widgetConfigOf(current), s),
  }),
  // Chatwoot's inbox jbuilder: the web widget attributes; the HMAC token only for administrators.
  inboxFields: (channel, viewer) => {
    const w = widgetConfigOf(channel);
    const base = viewer.publicUrl ?? "";
    return {
      website_url: w.website_url,
      widget_color: w.widget_color,
      welcome_title: w.welcome_title,
      welcome_tagline: w.welcome_tagline,
      website_token: channel.identifier,
      web_widget_script: webWidgetScript(base, channel.identifier),
      selected_feature_flags: w.selected_feature_flags,
      reply_time: w.reply_time,
      allowed_domains: w.allowed_domains,
      continuity_via_email: w.continuity_via_email,
      pre_chat_form_enabled: w.pre_chat_form_enabled,
      pre_chat_form_options: w.pre_chat_form_options,
      hmac_mandatory: channel.hmac_mandatory,
      ...(viewer.administrator ? { hmac_token: channel.hmac_token } : {}),
    };
  },
  // A website visitor is reached only through their own browser session.
  contactableSourceId: ({ latestSourceId }) => latestSourceId,
  newSourceId: () => crypto.randomUUID(),
};
