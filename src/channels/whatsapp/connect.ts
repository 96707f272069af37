// Setting up a WhatsApp Cloud number (manual setup): the phone number id, WABA id and API key are checked against the
// Graph API before the inbox is stored, the API key is sealed, a webhook verify token is generated, and the WABA's
// message templates are synced. 422 naming the field Meta refused.
import { and, eq, ne } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { channels } from "../../db/schema/inboxes.ts";
import type { AppDeps } from "../../deps.ts";
import { Validation } from "../../domain/errors.ts";
import { randomToken } from "../../lib/ids.ts";
import { sealSecret } from "../framework/secrets.ts";
import type { ConnectContext } from "../framework/types.ts";
import { GraphError, type GraphTemplate } from "./graph.ts";
import { CHANNEL_TYPE, credentials, e164, graphFor, storedSettings, type ProviderConfig, type WhatsappSettings } from "./settings.ts";

const F = {
  phone: "channel.phone_number",
  key: "channel.provider_config.api_key",
  phoneId: "channel.provider_config.phone_number_id",
  waba: "channel.provider_config.business_account_id",
} as const;

function refused(field: string, err: unknown): Validation {
  const why = err instanceof GraphError ? err.display : (err as Error)?.message ?? String(err);
  return Validation.field(field, `was rejected by the WhatsApp Cloud API: ${why}`);
}

/** Another WhatsApp inbox already has this number (the webhook path names it, so it must be unique). */
export function numberTaken(db: Db, phoneNumber: string, exceptChannelId: number | null): { id: number; account_id: number } | null {
  return (
    db
      .select({ id: channels.id, account_id: channels.account_id })
      .from(channels)
      .where(and(eq(channels.channel_type, CHANNEL_TYPE), eq(channels.identifier, phoneNumber), exceptChannelId != null ? ne(channels.id, exceptChannelId) : undefined))
      .get() ?? null
  );
}

/**
 * Checks credentials with Meta: GET /{phone_number_id} with the key (the key and the id), the number must be the one
 * given, and GET /{waba_id}/message_templates (the WABA; its templates are kept).
 */
export async function verifyWithGraph(deps: AppDeps, c: { phoneNumber: string; apiKey: string; phoneNumberId: string; wabaId: string }) {
  const graph = graphFor(deps, c.apiKey);
  let phone;
  try {
    phone = await graph.getPhoneNumber(c.phoneNumberId);
  } catch (err) {
    if (err instanceof GraphError && (err.code === 190 || err.status === 401)) throw refused(F.key, err);
    throw refused(F.phoneId, err);
  }
  if (phone.display_phone_number && e164(phone.display_phone_number) !== c.phoneNumber) {
    throw Validation.field(F.phone, `does not match the number of this Phone Number ID (${phone.display_phone_number})`);
  }
  let templates: GraphTemplate[];
  try {
    templates = await graph.listTemplates(c.wabaId);
  } catch (err) {
    throw refused(F.waba, err);
  }
  return { verifiedName: phone.verified_name ?? null, templates };
}

export async function connectWhatsapp(ctx: ConnectContext, input: WhatsappSettings): Promise<WhatsappSettings> {
  const { deps, current } = ctx;
  const stored = current ? storedSettings(current) : {};
  const pcIn = input.provider_config ?? {};
  const pcStored: ProviderConfig = stored.provider_config ?? {};
  const phoneNumber = current ? (stored.phone_number ?? current.identifier) : input.phone_number;

  if (!current) {
    const missing: string[] = [];
    if (!input.phone_number) missing.push(F.phone);
    if (!pcIn.api_key) missing.push(F.key);
    if (!pcIn.phone_number_id) missing.push(F.phoneId);
    if (!pcIn.business_account_id) missing.push(F.waba);
    if (missing.length) throw new Validation(missing.map((field) => ({ field, message: "can't be blank" })));
  } else if (input.phone_number && input.phone_number !== phoneNumber) {
    throw Validation.field(F.phone, "can't be changed; connect the new number as a new inbox");
  }
  if (numberTaken(deps.db, phoneNumber!, current?.id ?? null)) throw Validation.field(F.phone, "has already been taken");

  const old = current ? credentials(deps, current) : null;
  const apiKey = pcIn.api_key ?? old?.apiKey ?? "";
  const phoneNumberId = pcIn.phone_number_id ?? pcStored.phone_number_id ?? "";
  const wabaId = pcIn.business_account_id ?? pcStored.business_account_id ?? "";
  const changed = !old || apiKey !== old.apiKey || phoneNumberId !== old.phoneNumberId || wabaId !== old.wabaId;

  const out: WhatsappSettings = {
    ...stored,
    phone_number: phoneNumber,
    provider: "whatsapp_cloud",
    provider_config: {
      ...pcStored,
      api_key: sealSecret(deps.config.secretKey, apiKey),
      phone_number_id: phoneNumberId,
      business_account_id: wabaId,
      webhook_verify_token: pcIn.webhook_verify_token ?? pcStored.webhook_verify_token ?? randomToken(24),
      source: pcStored.source ?? "manual",
    },
  };
  if (pcIn.app_secret !== undefined) {
    if (pcIn.app_secret) out.provider_config!.app_secret = sealSecret(deps.config.secretKey, pcIn.app_secret);
    else delete out.provider_config!.app_secret;
  }
  if (changed) {
    const checked = await verifyWithGraph(deps, { phoneNumber: phoneNumber!, apiKey, phoneNumberId, wabaId });
    out.verified_name = checked.verifiedName;
    out.message_templates = checked.templates;
    out.message_templates_last_updated = new Date(deps.clock.now()).toISOString();
  }
  return out;
}
