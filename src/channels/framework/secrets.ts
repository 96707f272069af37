import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { deriveKey } from "../../lib/crypto.ts";

/**
 * Channel credentials (bot tokens, API keys, passwords) are stored sealed with a key derived from the server's
 * secret key (AES-256-GCM), so a copy of the database alone does not hand them out. Sealed values look like
 * `sealed:v1:<iv>.<ciphertext+tag>` (base64url).
 */
const PREFIX = "sealed:v1:";

function keyOf(secretKey: string): Uint8Array {
  return deriveKey(secretKey, "channel-secrets");
}

export function isSealed(value: unknown): value is string {
  return typeof value === "string" && value.startsWith(PREFIX);
}

/** Seals a credential for storage (already sealed values are returned as they are). */
export function sealSecret(secretKey: string, plain: string): string {
  if (isSealed(plain)) return plain;
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyOf(secretKey), iv);
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `${PREFIX}${iv.toString("base64url")}.${body.toString("base64url")}`;
}

/** The plain credential; throws if the value was sealed with another secret key or altered. */
export function openSecret(secretKey: string, value: string): string {
  if (!isSealed(value)) return value;
  const [ivText, bodyText] = value.slice(PREFIX.length).split(".");
  const iv = Buffer.from(ivText ?? "", "base64url");
  const body = Buffer.from(bodyText ?? "", "base64url");
  if (iv.length !== 12 || body.length < 16) throw new Error("sealed channel secret is malformed");
  const decipher = createDecipheriv("aes-256-gcm", keyOf(secretKey), iv);
  decipher.setAuthTag(body.subarray(body.length - 16));
  return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString("utf8");
}
