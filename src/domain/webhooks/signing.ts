// Chatwoot's webhook signing, as the "How to use webhooks?" article documents it:
//   X-Chatwoot-Signature: sha256=HMAC-SHA256(secret, "{timestamp}.{raw_body}")
//   X-Chatwoot-Timestamp: unix seconds when the request was signed
//   X-Chatwoot-Delivery:  one id per delivery, the same on every retry of it
import { hmacSha256Hex, safeEqual } from "../../lib/crypto.ts";
import { VERSION } from "../../version.ts";

export const WEBHOOK_USER_AGENT = `Parley-Webhook/${VERSION}`;

/** "sha256=<hex>" over "{timestamp}.{rawBody}". */
export function webhookSignature(secret: string, timestamp: number | string, rawBody: string): string {
  return `sha256=${hmacSha256Hex(secret, `${timestamp}.${rawBody}`)}`;
}

/** Constant-time check of a received signature (for receivers we build, and tests). */
export function verifyWebhookSignature(secret: string, timestamp: string, rawBody: string, received: string): boolean {
  return safeEqual(webhookSignature(secret, timestamp, rawBody), received);
}

/**
 * The headers of one delivery attempt. The timestamp is taken when the attempt is signed, so a receiver that
 * rejects old timestamps still accepts a retry; the delivery id stays the one chosen at enqueue time.
 * Without a secret nothing is signed (Chatwoot does the same for webhooks that have none).
 */
export function webhookHeaders(input: { body: string; secret: string | null; deliveryId: string; timestampSec: number }): Record<string, string> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": WEBHOOK_USER_AGENT,
    "x-chatwoot-delivery": input.deliveryId,
    "x-chatwoot-timestamp": String(input.timestampSec),
  };
  if (input.secret) headers["x-chatwoot-signature"] = webhookSignature(input.secret, input.timestampSec, input.body);
  return headers;
}
