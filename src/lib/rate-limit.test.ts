import { describe, expect, test } from "bun:test";
import { createRateLimiter } from "./rate-limit.ts";

describe("createRateLimiter", () => {
  test("allows `limit` hits per window, then refuses with the time until the oldest hit expires", () => {
    let t = 1_000;
    const rl = createRateLimiter({ limit: 3, windowMs: 10_000, now: () => t });
    expect(rl.hit("a").ok).toBe(true);
    t += 2_000;
    expect(rl.hit("a").ok).toBe(true);
    expect(rl.hit("a").ok).toBe(true);
    const refused = rl.hit("a");
    expect(refused).toEqual({ ok: false, retryAfterMs: 8_000 });
    // other keys are independent
    expect(rl.hit("b").ok).toBe(true);
    // the window slides: once the first hit is 10 s old, one more is allowed, not three
    t = 11_000;
    expect(rl.hit("a").ok).toBe(true);
    expect(rl.hit("a").ok).toBe(false);
    t = 13_000;
    expect(rl.hit("a").ok).toBe(true);
  });

  test("refused hits are not counted", () => {
    let t = 0;
    const rl = createRateLimiter({ limit: 1, windowMs: 1_000, now: () => t });
    expect(rl.hit("k").ok).toBe(true);
    t = 500;
    expect(rl.hit("k")).toEqual({ ok: false, retryAfterMs: 500 });
    t = 1_000;
    expect(rl.hit("k").ok).toBe(true);
  });

  test("memory stays bounded: idle keys are swept and at most maxKeys are kept", () => {
    let t = 0;
    const rl = createRateLimiter({ limit: 1, windowMs: 1_000, now: () => t, maxKeys: 100 });
    for (let i = 0; i < 1_000; i++) rl.hit(`ip-${i}`);
    expect(rl.size()).toBe(100);
    // the most recent keys survive
    expect(rl.hit("ip-999").ok).toBe(false);
    t = 5_000;
    rl.hit("fresh");
    expect(rl.size()).toBe(1);
  });

  test("reset forgets a key; bad options are rejected", () => {
    const rl = createRateLimiter({ limit: 1, windowMs: 1_000, now: () => 0 });
    rl.hit("x");
    expect(rl.hit("x").ok).toBe(false);
    rl.reset("x");
    expect(rl.hit("x").ok).toBe(true);
    expect(() => createRateLimiter({ limit: 0, windowMs: 1 })).toThrow();
  });
});
