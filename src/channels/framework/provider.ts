import type { AppDeps } from "../../deps.ts";
import { OutboundError, outboundFetch, parseRetryAfter, type OutboundRequest, type OutboundResponse } from "../../lib/http.ts";

/**
 * Thrown by a channel's sender (or its provider calls): `permanent` errors fail the message at once with the
 * provider's text in content_attributes.external_error; transient ones are retried with backoff (after
 * retryAfterMs when the provider said so) and fail the message only on the last attempt.
 */
export class ChannelSendError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "ChannelSendError";
  }
}

/** Provider answers worth retrying: rate limits, timeouts and server errors. */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 425 || status === 429 || status >= 500;
}

export type ProviderRequest = Omit<OutboundRequest, "allowPrivate" | "body"> & {
  body?: string | Uint8Array<ArrayBuffer>;
  /** A JSON body (sets content-type). */
  json?: unknown;
  /** A multipart body (file uploads). */
  form?: FormData;
};

/**
 * Every provider call of every channel: through the SSRF-guarded outboundFetch with the webhook timeout. The
 * operator's configured provider base URLs (PARLEY_TELEGRAM_API_URL, PARLEY_WHATSAPP_API_URL) may be private
 * addresses (a proxy, a test server); other URLs follow PARLEY_WEBHOOK_BLOCK_PRIVATE. Network failures become
 * transient ChannelSendErrors, refused URLs permanent ones.
 */
export async function providerFetch(deps: AppDeps, url: string, req: ProviderRequest = {}): Promise<OutboundResponse> {
  const { json, form, ...rest } = req;
  const headers: Record<string, string> = { ...(req.headers ?? {}) };
  let body = req.body;
  if (json !== undefined) {
    body = JSON.stringify(json);
    headers["content-type"] = "application/json";
  } else if (form) {
    const encoded = new Response(form);
    headers["content-type"] = encoded.headers.get("content-type")!;
    body = new Uint8Array(await encoded.arrayBuffer());
  }
  const trusted = [deps.config.telegramApiUrl, deps.config.whatsappApiUrl].some((base) => url === base || url.startsWith(`${base}/`));
  try {
    return await outboundFetch(url, {
      timeoutMs: deps.config.webhookTimeoutMs,
      maxResponseBytes: 1024 * 1024,
      ...rest,
      method: rest.method ?? (body !== undefined ? "POST" : "GET"),
      headers,
      body,
      allowPrivate: trusted || !deps.config.webhookBlockPrivate,
    });
  } catch (err) {
    if (err instanceof OutboundError) {
      const permanent = err.kind === "invalid_url" || err.kind === "blocked";
      throw new ChannelSendError(`${err.kind}: ${err.message}`, permanent);
    }
    throw err;
  }
}

/** A ChannelSendError for a provider's error answer: the provider's message, transient or permanent by status. */
export function providerError(res: OutboundResponse, message: string, nowMs = Date.now()): ChannelSendError {
  const transient = isTransientStatus(res.status);
  return new ChannelSendError(message, !transient, transient ? (parseRetryAfter(res.headers.get("retry-after"), nowMs) ?? undefined) : undefined);
}

/** The JSON body of a provider answer, or null when it is not JSON. */
export function jsonOf(res: OutboundResponse): unknown {
  try {
    return JSON.parse(res.body);
  } catch {
    return null;
  }
}
