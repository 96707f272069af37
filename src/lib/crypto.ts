import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** Constant-time string comparison; unequal lengths compare a digest so timing does not leak the length. */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  if (ab.length !== bb.length) {
    timingSafeEqual(sha256Buffer(a), sha256Buffer(b));
    return false;
  }
  return timingSafeEqual(ab, bb);
}

export function sha256Hex(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

function sha256Buffer(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

export function hmacSha256Hex(secret: string, value: string): string {
  return createHmac("sha256", secret).update(value).digest("hex");
}

/** A sub-key derived from the server secret, so one secret can sign several kinds of thing independently. */
export function deriveKey(secret: string, purpose: string): Uint8Array {
  return new Uint8Array(createHmac("sha256", secret).update(`parley:${purpose}`).digest());
}

export function hashPassword(password: string): Promise<string> {
  return Bun.password.hash(password, { algorithm: "argon2id" });
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return Bun.password.verify(password, hash).catch(() => false);
}
