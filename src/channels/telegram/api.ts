import type { AppDeps } from "../../deps.ts";
import { ChannelSendError, jsonOf, providerFetch } from "../framework/provider.ts";

/**
 * The few Bot API methods Parley calls (https://core.telegram.org/bots/api): every method is
 * `POST {PARLEY_TELEGRAM_API_URL}/bot<token>/<method>` answering `{ ok, result }` or `{ ok: false, error_code,
 * description, parameters: { retry_after } }`; files are fetched from `/file/bot<token>/<file_path>`.
 */
export type TelegramUser = { id: number; is_bot?: boolean; first_name?: string; last_name?: string; username?: string; language_code?: string };

type BotAnswer<T> = { ok: true; result: T } | { ok: false; error_code?: number; description?: string; parameters?: { retry_after?: number } };

/** A failed Bot API call: Telegram's description, transient for 429 / 5xx, 401 meaning the token no longer works. */
export class TelegramError extends ChannelSendError {
  constructor(
    message: string,
    readonly code: number,
    retryAfterMs?: number,
  ) {
    super(message, !(code === 429 || code >= 500), retryAfterMs);
  }
}

/** Calls a Bot API method with a JSON body, or a multipart one when `form` is given (file uploads). */
export async function callBot<T>(deps: AppDeps, token: string, method: string, params: Record<string, unknown> | FormData): Promise<T> {
  const url = `${deps.config.telegramApiUrl}/bot${token}/${method}`;
  const res = await providerFetch(deps, url, params instanceof FormData ? { form: params } : { json: params });
  const body = jsonOf(res) as BotAnswer<T> | null;
  if (body && body.ok) return body.result;
  const code = body?.error_code ?? res.status;
  const description = body?.description ?? `Telegram answered ${res.status}`;
  const retryAfter = body?.parameters?.retry_after;
  throw new TelegramError(description, code, retryAfter != null ? retryAfter * 1000 : undefined);
}

/** getFile + download: the bytes of a file a user sent (the Bot API serves files up to 20 MB). */
export async function downloadFile(deps: AppDeps, token: string, fileId: string): Promise<{ bytes: Uint8Array; path: string } | null> {
  const file = await callBot<{ file_id: string; file_path?: string }>(deps, token, "getFile", { file_id: fileId });
  if (!file.file_path) return null;
  const res = await providerFetch(deps, `${deps.config.telegramApiUrl}/file/bot${token}/${file.file_path}`, {
    maxResponseBytes: deps.config.maxUploadBytes,
    timeoutMs: Math.max(deps.config.webhookTimeoutMs, 30_000),
  });
  if (!res.ok || res.truncated) return null;
  return { bytes: res.bytes, path: file.file_path };
}
