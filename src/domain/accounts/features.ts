import type { AccountRow } from "./queries.ts";
import { Validation } from "../errors.ts";

/**
 * Chatwoot's account feature flags (config/features.yml): name and whether a new account has it.
 * Clients (Chatwoot's mobile apps, Platform API integrations) read them as `enabled_features`/`features`.
 * Chatwoot-internal flags of its cloud offering are left out.
 */
export const FEATURES: readonly { name: string; enabled: boolean }[] = [
  { name: "inbound_emails", enabled: true },
  { name: "channel_email", enabled: true },
  { name: "channel_facebook", enabled: true },
  { name: "channel_twitter", enabled: true },
  { name: "ip_lookup", enabled: false },
  { name: "disable_branding", enabled: false },
  { name: "email_continuity_on_api_channel", enabled: false },
  { name: "help_center", enabled: true },
  { name: "agent_bots", enabled: true },
  { name: "macros", enabled: true },
  { name: "agent_management", enabled: true },
  { name: "team_management", enabled: true },
  { name: "inbox_management", enabled: true },
  { name: "labels", enabled: true },
  { name: "custom_attributes", enabled: true },
  { name: "automations", enabled: true },
  { name: "canned_responses", enabled: true },
  { name: "integrations", enabled: true },
  { name: "voice_recorder", enabled: true },
  { name: "mobile_v2", enabled: false },
  { name: "channel_website", enabled: true },
  { name: "campaigns", enabled: true },
  { name: "reports", enabled: true },
  { name: "crm", enabled: true },
  { name: "auto_resolve_conversations", enabled: true },
  { name: "custom_reply_email", enabled: false },
  { name: "custom_reply_domain", enabled: false },
  { name: "audit_logs", enabled: false },
  { name: "response_bot", enabled: false },
  { name: "message_reply_to", enabled: true },
  { name: "insert_article_in_reply", enabled: false },
  { name: "inbox_view", enabled: false },
  { name: "sla", enabled: false },
  { name: "help_center_embedding_search", enabled: false },
  { name: "linear_integration", enabled: false },
  { name: "captain_integration", enabled: false },
  { name: "custom_roles", enabled: false },
  { name: "chatwoot_v4", enabled: true },
  { name: "report_v4", enabled: true },
  { name: "channel_instagram", enabled: true },
  { name: "crm_integration", enabled: false },
  { name: "notion_integration", enabled: false },
  { name: "whatsapp_embedded_signup", enabled: false },
  { name: "whatsapp_campaign", enabled: false },
];

const KNOWN = new Set(FEATURES.map((f) => f.name));

/** Chatwoot's Account#enabled_features: only the enabled flags, each `true`. */
export function enabledFeatures(account: Pick<AccountRow, "feature_flags">): Record<string, true> {
  const overrides = account.feature_flags;
  const out: Record<string, true> = {};
  for (const f of FEATURES) if (overrides[f.name] ?? f.enabled) out[f.name] = true;
  return out;
}

export function isFeatureEnabled(account: Pick<AccountRow, "feature_flags">, name: string): boolean {
  return enabledFeatures(account)[name] === true;
}

/**
 * Applies `{ feature: on }` switches as Chatwoot's Platform API does (a present value enables, a blank or
 * false one disables). Unknown feature names are a validation error naming `features.<name>`.
 */
export function applyFeatureSwitches(current: Record<string, boolean>, switches: Record<string, unknown>): Record<string, boolean> {
  const next = { ...current };
  const unknown = Object.keys(switches).filter((k) => !KNOWN.has(k));
  if (unknown.length) throw new Validation(unknown.map((k) => ({ field: `features.${k}`, message: "is not a known feature" })));
  for (const [name, value] of Object.entries(switches)) next[name] = isOn(value);
  return next;
}

function isOn(value: unknown): boolean {
  if (typeof value === "string") return !["", "0", "false", "off", "no"].includes(value.trim().toLowerCase());
  if (typeof value === "number") return value !== 0;
  return value === true;
}
