// Message templates synced from the WABA (GET /{waba_id}/message_templates, every page) into the channel's
// message_templates / message_templates_last_updated, as Chatwoot keeps them: on create, from the inbox page's
// "Sync templates" button, and periodically.
import { eq } from "drizzle-orm";
import { channels } from "../../db/schema/inboxes.ts";
import type { AppDeps } from "../../deps.ts";
import { inboxesOfKind } from "../framework/inbound.ts";
import { recordConnection } from "../framework/status.ts";
import type { ChannelRow } from "../registry.ts";
import { GraphError } from "./graph.ts";
import { CHANNEL_TYPE, credentials, graphFor, storedSettings } from "./settings.ts";

/** How often the poller looks, and how old a channel's templates may get before it syncs them again. */
export const TEMPLATE_POLL_MS = 15 * 60_000;
export const TEMPLATE_MAX_AGE_MS = 3 * 3600_000;

/** Token errors (code 190) mean the connection needs a new token; the inbox page says so. */
export function connectionStateOf(err: unknown): "reauthorization_required" | "error" {
  return err instanceof GraphError && (err.code === 190 || err.status === 401) ? "reauthorization_required" : "error";
}

/** Fetches the WABA's templates and stores them on the channel. Returns how many, or throws the Graph error. */
export async function syncTemplates(deps: AppDeps, channel: ChannelRow): Promise<number> {
  const { apiKey, wabaId } = credentials(deps, channel);
  let templates;
  try {
    templates = await graphFor(deps, apiKey).listTemplates(wabaId);
  } catch (err) {
    deps.tx((tx) => recordConnection(tx, channel.id, connectionStateOf(err), err instanceof GraphError ? err.display : String(err)));
    throw err;
  }
  deps.tx((tx) => {
    const row = tx.db.select({ config: channels.config }).from(channels).where(eq(channels.id, channel.id)).get();
    if (!row) return;
    const config = { ...row.config, message_templates: templates, message_templates_last_updated: new Date(tx.now).toISOString() };
    tx.db.update(channels).set({ config, updated_at: tx.now }).where(eq(channels.id, channel.id)).run();
    recordConnection(tx, channel.id, "connected");
  });
  return templates.length;
}

/** The periodic task: every WhatsApp channel whose templates are older than TEMPLATE_MAX_AGE_MS. Failures are recorded, not thrown. */
export async function syncStaleTemplates(deps: AppDeps): Promise<void> {
  const now = deps.clock.now();
  for (const { channel } of inboxesOfKind(deps.db, CHANNEL_TYPE)) {
    const last = Date.parse(storedSettings(channel).message_templates_last_updated ?? "");
    if (Number.isFinite(last) && now - last < TEMPLATE_MAX_AGE_MS) continue;
    try {
      await syncTemplates(deps, channel);
    } catch (err) {
      deps.log.warn("whatsapp template sync failed", { channel_id: channel.id, error: (err as Error).message });
    }
  }
}
