import { eq } from "drizzle-orm";
import { errors, jwtVerify, SignJWT } from "jose";
import { used_tokens } from "../../db/schema/accounts.ts";
import type { Tx } from "../../db/tx.ts";
import { deriveKey } from "../../lib/crypto.ts";
import { randomToken } from "../../lib/ids.ts";
import { Validation } from "../errors.ts";

export type LinkPurpose = "password_reset" | "sso_login";

/** A signed, expiring link token (HS256 JWT). Single use is enforced by consume(), which records its jti. */
export async function signLinkToken(secret: string, purpose: LinkPurpose, userId: number, ttlSeconds: number, now: number, extra: Record<string, unknown> = {}) {
  return new SignJWT({ ...extra, purpose })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(String(userId))
    .setJti(randomToken(20))
    .setIssuedAt(Math.floor(now / 1000))
    .setExpirationTime(Math.floor(now / 1000) + ttlSeconds)
    .sign(deriveKey(secret, purpose));
}

export type LinkClaims = { userId: number; jti: string; exp: number; extra: Record<string, unknown> };

/** Verifies signature, purpose and expiry. Throws Validation("token", …) when the link cannot be used. */
export async function verifyLinkToken(secret: string, purpose: LinkPurpose, token: string, now: number): Promise<LinkClaims> {
  try {
    const { payload } = await jwtVerify(token, deriveKey(secret, purpose), {
      algorithms: ["HS256"],
      currentDate: new Date(now),
    });
    if (payload.purpose !== purpose || !payload.sub || !payload.jti || !payload.exp) throw new Error("wrong purpose");
    return { userId: Number(payload.sub), jti: payload.jti, exp: payload.exp, extra: payload as Record<string, unknown> };
  } catch (err) {
    const expired = err instanceof errors.JWTExpired;
    throw Validation.field("token", expired ? "has expired" : "is invalid");
  }
}

/** Marks the token used inside the caller's transaction; a second use fails. */
export function consumeLinkToken(tx: Tx, purpose: LinkPurpose, claims: LinkClaims): void {
  if (tx.db.select().from(used_tokens).where(eq(used_tokens.jti, claims.jti)).get()) {
    throw Validation.field("token", "has already been used");
  }
  tx.db.insert(used_tokens).values({ jti: claims.jti, purpose, expires_at: claims.exp * 1000, used_at: tx.now }).run();
}
