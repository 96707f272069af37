import { jwtVerify, SignJWT } from "jose";
import { deriveKey } from "../../lib/crypto.ts";

/**
 * Widget::TokenService: the visitor's session token (cookie cw_conversation, header X-Auth-Token), a JWT whose
 * payload is {source_id, inbox_id}, signed (HS256) with a key derived from the server secret.
 */
export type WidgetTokenPayload = { source_id: string; inbox_id: number };

const keys = new Map<string, Uint8Array>();
function keyOf(secret: string): Uint8Array {
  let key = keys.get(secret);
  if (!key) keys.set(secret, (key = deriveKey(secret, "widget-token")));
  return key;
}

export function signWidgetToken(secret: string, payload: WidgetTokenPayload): Promise<string> {
  return new SignJWT({ source_id: payload.source_id, inbox_id: payload.inbox_id }).setProtectedHeader({ alg: "HS256" }).setIssuedAt().sign(keyOf(secret));
}

/** The payload of a valid token, or null for a missing, malformed, forged or foreign token. */
export async function verifyWidgetToken(secret: string, token: string | undefined | null): Promise<WidgetTokenPayload | null> {
  if (!token || token.length > 4096) return null;
  try {
    const { payload } = await jwtVerify(token, keyOf(secret), { algorithms: ["HS256"] });
    if (typeof payload.source_id !== "string" || typeof payload.inbox_id !== "number") return null;
    return { source_id: payload.source_id, inbox_id: payload.inbox_id };
  } catch {
    return null;
  }
}
