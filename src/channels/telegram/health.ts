import type { AppDeps } from "../../deps.ts";
import type { ChannelRow, InboxRecord } from "../../domain/conversations/records.ts";
import { inboxesOfKind } from "../framework/inbound.ts";
import { recordConnection, type ConnectionStatus } from "../framework/status.ts";
import { callBot, TelegramError } from "./api.ts";
import { botToken, webhookUrl } from "./config.ts";

/** How often every Telegram inbox's webhook is checked with getWebhookInfo. */
export const WEBHOOK_CHECK_EVERY_MS = 10 * 60_000;
/** A delivery error Telegram reports counts while it is at most this old. */
const RECENT_ERROR_MS = 30 * 60_000;

type WebhookInfo = { url: string; pending_update_count?: number; last_error_date?: number; last_error_message?: string };

/**
 * One inbox's connection as Telegram sees it (getWebhookInfo): the token refused → reauthorization_required; the
 * webhook pointing elsewhere (the bot was set up on another server) or Telegram failing to deliver to us recently →
 * error with its message; otherwise connected.
 */
export async function checkTelegramWebhook(deps: AppDeps, where: InboxRecord): Promise<{ status: ConnectionStatus; error: string | null }> {
  let token: string;
  try {
    token = botToken(deps.config.secretKey, where.channel);
  } catch {
    return { status: "reauthorization_required", error: "The bot token cannot be read (was the server's secret key changed?); enter it again." };
  }
  let info: WebhookInfo;
  try {
    info = await callBot<WebhookInfo>(deps, token, "getWebhookInfo", {});
  } catch (err) {
    if (err instanceof TelegramError && (err.code === 401 || err.code === 404)) return { status: "reauthorization_required", error: `Telegram refused the bot token: ${err.message}` };
    return { status: "error", error: `Telegram could not be reached: ${(err as Error).message}` };
  }
  if (info.url !== webhookUrl(deps.config.publicUrl, token)) {
    const host = info.url ? safeHost(info.url) : null;
    return { status: "error", error: host ? `The bot's webhook points to ${host}: another server took the bot over.` : "The bot has no webhook: save the token again to register it." };
  }
  if (info.last_error_date && deps.clock.now() - info.last_error_date * 1000 <= RECENT_ERROR_MS) {
    return { status: "error", error: `Telegram cannot deliver updates to Parley: ${info.last_error_message ?? "unknown error"}` };
  }
  return { status: "connected", error: null };
}

function safeHost(url: string): string | null {
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}

/** The poller: every Telegram inbox, its status written only when it changed. */
export async function checkTelegramWebhooks(deps: AppDeps): Promise<void> {
  for (const where of inboxesOfKind(deps.db, "Channel::Telegram")) {
    const { status, error } = await checkTelegramWebhook(deps, where);
    if (status === where.channel.connection_status && error === where.channel.connection_error) continue;
    deps.tx((tx) => recordConnection(tx, where.channel.id, status, error));
  }
}

/** The inbox was deleted: its webhook is removed, unless another server has taken the bot over meanwhile. */
export async function disconnectTelegram(deps: AppDeps, channel: ChannelRow): Promise<void> {
  const token = botToken(deps.config.secretKey, channel);
  const info = await callBot<WebhookInfo>(deps, token, "getWebhookInfo", {});
  if (info.url !== webhookUrl(deps.config.publicUrl, token)) return;
  await callBot<boolean>(deps, token, "deleteWebhook", {});
}
