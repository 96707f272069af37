// WhatsApp Embedded Signup: Meta's "Facebook Login for Business" dialog with the app's Embedded Signup configuration
// returns an authorization code; Parley exchanges it for a business token, finds the WABA (from the signup's session
// info, or the token's granular scopes through debug_token) and its phone number, creates the inbox, subscribes the
// app to the WABA's webhooks with this inbox's callback URL and verify token, and syncs the templates. No manual input.
import { createHmac, randomBytes } from "node:crypto";
import type { Config } from "../../config.ts";
import type { AppDeps } from "../../deps.ts";
import type { AccountScope } from "../../domain/accounts/access.ts";
import { Validation } from "../../domain/errors.ts";
import { createInbox, updateInbox } from "../../domain/inboxes/commands.ts";
import type { InboxWithChannel } from "../../domain/inboxes/queries.ts";
import { safeEqual } from "../../lib/crypto.ts";
import { randomToken } from "../../lib/ids.ts";
import { sealSecret } from "../framework/secrets.ts";
import { recordConnection } from "../framework/status.ts";
import { channelKindOf } from "../registry.ts";
import { numberTaken } from "./connect.ts";
import { GRAPH_VERSION, GraphError } from "./graph.ts";
import { callbackUrl, CHANNEL_TYPE, e164, graphFor, storedSettings, type WhatsappSettings } from "./settings.ts";

/** Why Embedded Signup cannot run on this server (the settings it needs), or null when it can. */
export function embeddedSignupUnavailable(config: Config): string | null {
  const missing = [
    !config.whatsappAppId && "PARLEY_WHATSAPP_APP_ID",
    !config.whatsappAppSecret && "PARLEY_WHATSAPP_APP_SECRET",
    !config.whatsappConfigurationId && "PARLEY_WHATSAPP_CONFIGURATION_ID",
  ].filter((m): m is string => !!m);
  if (!missing.length) return null;
  return `Embedded Signup needs a Meta app with WhatsApp and an Embedded Signup configuration. Set ${missing.join(", ")} in the server's environment and restart Parley (see the README). Until then, use the manual setup.`;
}

// The OAuth `state`: binds the code to the account and user who started the flow (no cross-site login forgery).
const STATE_MAX_AGE_MS = 30 * 60_000;
function stateMac(secretKey: string, accountId: number, userId: number, issued: string, nonce: string): string {
  return createHmac("sha256", secretKey).update(`whatsapp-embedded-signup:${accountId}:${userId}:${issued}:${nonce}`).digest("base64url");
}
export function signupState(config: Config, accountId: number, userId: number, now: number): string {
  const issued = String(now);
  const nonce = randomBytes(12).toString("base64url");
  return `${issued}.${nonce}.${stateMac(config.secretKey, accountId, userId, issued, nonce)}`;
}
export function validState(config: Config, state: string, accountId: number, userId: number, now: number): boolean {
  const [issued, nonce, mac] = state.split(".");
  if (!issued || !nonce || !mac || !(now - Number(issued) < STATE_MAX_AGE_MS)) return false;
  return safeEqual(mac, stateMac(config.secretKey, accountId, userId, issued, nonce));
}

/** Meta's login dialog with the Embedded Signup configuration (the SDK-less form of FB.login with config_id). */
export function dialogUrl(config: Config, redirectUri: string, state: string): string {
  const url = new URL(`https://www.facebook.com/${GRAPH_VERSION}/dialog/oauth`);
  url.searchParams.set("client_id", config.whatsappAppId ?? "");
  url.searchParams.set("config_id", config.whatsappConfigurationId ?? "");
  url.searchParams.set("redirect_uri", redirectUri);
  url.searchParams.set("state", state);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("override_default_response_type", "true");
  url.searchParams.set("extras", JSON.stringify({ setup: {}, featureType: "", sessionInfoVersion: "3" }));
  return url.toString();
}

export type SignupInput = {
  code: string;
  /** Must equal the redirect_uri of the dialog (Meta checks it in the code exchange). */
  redirectUri?: string;
  /** From the signup's session info when the SDK flow provides them; otherwise read from the token and the WABA. */
  waba_id?: string | null;
  phone_number_id?: string | null;
};

export type SignupResult = { inbox: InboxWithChannel; reauthorized: boolean; webhookError: string | null };

function refused(field: string, what: string, err: unknown): Validation {
  const why = err instanceof GraphError ? err.display : ((err as Error)?.message ?? String(err));
  return Validation.field(field, `${what}: ${why}`);
}

export async function completeEmbeddedSignup(deps: AppDeps, scope: AccountScope, input: SignupInput): Promise<SignupResult> {
  const { config } = deps;
  const unavailable = embeddedSignupUnavailable(config);
  if (unavailable) throw Validation.field("code", unavailable);
  if (!input.code) throw Validation.field("code", "can't be blank");
  const app = { appId: config.whatsappAppId!, appSecret: config.whatsappAppSecret! };

  let token: string;
  try {
    token = (await graphFor(deps).exchangeCode(app, input.code, input.redirectUri)).access_token;
  } catch (err) {
    throw refused("code", "was refused by Meta", err);
  }
  const graph = graphFor(deps, token);

  let wabaId = input.waba_id ?? null;
  if (!wabaId) {
    try {
      const debug = await graphFor(deps).debugToken(app, token);
      wabaId = debug.data.granular_scopes?.find((s) => s.scope === "whatsapp_business_management")?.target_ids?.[0] ?? null;
    } catch (err) {
      throw refused("code", "could not be checked with Meta", err);
    }
  }
  if (!wabaId) throw Validation.field("waba_id", "was not granted: select a WhatsApp Business Account in Meta's signup flow");

  let phones;
  try {
    phones = await graph.listPhoneNumbers(wabaId);
  } catch (err) {
    throw refused("waba_id", "could not be read", err);
  }
  const phone = input.phone_number_id ? phones.find((p) => p.id === input.phone_number_id) : phones[0];
  if (!phone) throw Validation.field("phone_number_id", "was not found in the WhatsApp Business Account: add a number in Meta's signup flow");
  const phoneNumber = e164(phone.display_phone_number);

  let templates;
  try {
    templates = await graph.listTemplates(wabaId);
  } catch (err) {
    throw refused("waba_id", "templates could not be read", err);
  }

  const taken = numberTaken(deps.db, phoneNumber, null);
  if (taken && taken.account_id !== scope.account.id) throw Validation.field("phone_number", `${phoneNumber} is connected to another account`);
  const kind = channelKindOf(CHANNEL_TYPE)!;
  const now = new Date(deps.clock.now()).toISOString();
  const settingsFor = (verifyToken: string): WhatsappSettings => ({
    phone_number: phoneNumber,
    provider: "whatsapp_cloud",
    provider_config: {
      api_key: sealSecret(config.secretKey, token),
      phone_number_id: phone.id,
      business_account_id: wabaId,
      webhook_verify_token: verifyToken,
      source: "embedded_signup",
    },
    verified_name: phone.verified_name ?? null,
    message_templates: templates,
    message_templates_last_updated: now,
  });

  let inbox: InboxWithChannel;
  if (taken) {
    // The number is already an inbox here: Embedded Signup again re-authorizes it with the new token.
    const current = deps.db.$client.query("SELECT id FROM inboxes WHERE channel_id = ?1").get(taken.id) as { id: number };
    const existing = deps.db.$client.query("SELECT config FROM channels WHERE id = ?1").get(taken.id) as { config: string };
    const verifyToken = (JSON.parse(existing.config) as WhatsappSettings).provider_config?.webhook_verify_token ?? randomToken(24);
    const settings = { ...(JSON.parse(existing.config) as WhatsappSettings), ...settingsFor(verifyToken) };
    inbox = deps.tx((tx) => updateInbox(tx, scope, current.id, { channel: {} }, { kind, settings }));
  } else {
    const settings = settingsFor(randomToken(24));
    inbox = deps.tx((tx) => createInbox(tx, scope, { name: phone.verified_name || phoneNumber, channel: { type: "whatsapp" } }, { kind, settings }));
  }

  // Meta verifies the callback (GET handshake) before it subscribes, so the inbox must exist first.
  let webhookError: string | null = null;
  const pc = storedSettings(inbox.channel).provider_config!;
  try {
    await graph.subscribeApp(wabaId, { override_callback_uri: callbackUrl(config.publicUrl, phoneNumber), verify_token: pc.webhook_verify_token! });
    deps.tx((tx) => recordConnection(tx, inbox.channel.id, "connected"));
  } catch (err) {
    webhookError = err instanceof GraphError ? err.display : String(err);
    deps.tx((tx) => recordConnection(tx, inbox.channel.id, "error", `Webhook subscription failed: ${webhookError}`));
  }
  return { inbox, reauthorized: !!taken, webhookError };
}
