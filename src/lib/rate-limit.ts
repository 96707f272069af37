/**
 * In-memory fixed-window counter per key. Parley is one process, so memory is the right home for
 * short-lived counters; a restart forgetting them is acceptable.
 */
export class RateLimiter {
  private hits = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until the key may try again, or 0 when it is under the limit. */
  blockedFor(key: string): number {
    const entry = this.hits.get(key);
    if (!entry || entry.resetAt <= this.now()) return 0;
    return entry.count >= this.limit ? Math.ceil((entry.resetAt - this.now()) / 1000) : 0;
  }

  hit(key: string): void {
    const now = this.now();
    const entry = this.hits.get(key);
    if (!entry || entry.resetAt <= now) {
      this.hits.set(key, { count: 1, resetAt: now + this.windowMs });
      if (this.hits.size > 50_000) this.sweep(now);
    } else {
      entry.count++;
    }
  }

  reset(key: string): void {
    this.hits.delete(key);
  }

  private sweep(now: number) {
    for (const [k, v] of this.hits) if (v.resetAt <= now) this.hits.delete(k);
  }
}

export interface RateLimitResult {
  ok: boolean;
  /** 0 when ok; otherwise milliseconds until the oldest counted hit leaves the window. */
  retryAfterMs: number;
}

export interface SlidingRateLimiter {
  /** Counts one attempt for `key` (only when allowed) and says whether it is within the limit. */
  hit(key: string): RateLimitResult;
  reset(key: string): void;
  /** Number of keys currently tracked (memory is bounded by `maxKeys`). */
  size(): number;
}

/**
 * Sliding-window limiter keyed by string: at most `limit` allowed hits per key in any `windowMs`
 * span. Memory is bounded: each key keeps at most `limit` timestamps, idle keys are swept, and
 * beyond `maxKeys` the least recently used keys are dropped (forgetting a counter only ever
 * lets a client through, never locks one out).
 */
export function createRateLimiter(opts: { limit: number; windowMs: number; now?: () => number; maxKeys?: number }): SlidingRateLimiter {
  const { limit, windowMs } = opts;
  const now = opts.now ?? Date.now;
  const maxKeys = opts.maxKeys ?? 100_000;
  if (!(limit >= 1) || !(windowMs > 0)) throw new Error("createRateLimiter: limit >= 1 and windowMs > 0 are required");
  // Map insertion order doubles as LRU order: a key is re-inserted on each hit.
  const hits = new Map<string, number[]>();
  let lastSweep = now();

  const sweep = (t: number) => {
    for (const [k, stamps] of hits) if (stamps[stamps.length - 1]! <= t - windowMs) hits.delete(k);
    lastSweep = t;
  };

  return {
    hit(key) {
      const t = now();
      if (t - lastSweep >= windowMs) sweep(t);
      const stamps = hits.get(key) ?? [];
      while (stamps.length > 0 && stamps[0]! <= t - windowMs) stamps.shift();
      hits.delete(key);
      if (stamps.length >= limit) {
        hits.set(key, stamps);
        return { ok: false, retryAfterMs: Math.max(1, stamps[0]! + windowMs - t) };
      }
      stamps.push(t);
      hits.set(key, stamps);
      if (hits.size > maxKeys) {
        const oldest = hits.keys().next().value;
        if (oldest !== undefined) hits.delete(oldest);
      }
      return { ok: true, retryAfterMs: 0 };
    },
    reset(key) {
      hits.delete(key);
    },
    size() {
      return hits.size;
    },
  };
}
