const URL_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A random token from the CSPRNG, drawn without modulo bias from a URL-safe alphabet. */
export function randomToken(length = 24): string {
  const out: string[] = [];
  while (out.length < length) {
    const bytes = crypto.getRandomValues(new Uint8Array(length * 2));
    for (const b of bytes) {
      if (b < 248) out.push(URL_SAFE[b % 62]);
      if (out.length === length) break;
    }
  }
  return out.join("");
}

export function uuid(): string {
  return crypto.randomUUID();
}
