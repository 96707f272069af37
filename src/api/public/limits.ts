import type { Context } from "hono";
import type { AppDeps, AppEnv } from "../../deps.ts";
import { TooManyRequests } from "../../domain/errors.ts";
import { createRateLimiter, type SlidingRateLimiter } from "../../lib/rate-limit.ts";
import { clientIp } from "../../web/session.ts";

const HOUR = 60 * 60 * 1000;

/** Chatwoot's per-IP limits for the client API (rack-attack): conversations, contacts, messages. */
export const PUBLIC_LIMITS = {
  conversations: { limit: 6, windowMs: 12 * HOUR },
  contacts: { limit: 60, windowMs: HOUR },
  messages: { limit: 60, windowMs: 60 * 1000 },
} as const;

export type PublicLimiters = Record<keyof typeof PUBLIC_LIMITS, SlidingRateLimiter> | null;

/** One set of limiters per app, on the app's clock (tests move it); null when the operator turned them off. */
export function createPublicLimiters(deps: AppDeps): PublicLimiters {
  if (!deps.config.publicApiRateLimits) return null;
  const now = () => deps.clock.now();
  return {
    conversations: createRateLimiter({ ...PUBLIC_LIMITS.conversations, now }),
    contacts: createRateLimiter({ ...PUBLIC_LIMITS.contacts, now }),
    messages: createRateLimiter({ ...PUBLIC_LIMITS.messages, now }),
  };
}

/** Counts one request of the client's address against a limit; over it → 429 with Retry-After. */
export function limitByIp(c: Context<AppEnv>, limiters: PublicLimiters, which: keyof typeof PUBLIC_LIMITS): void {
  if (!limiters) return;
  const result = limiters[which].hit(clientIp(c));
  if (!result.ok) throw new TooManyRequests(Math.ceil(result.retryAfterMs / 1000), "Too many requests, try again later");
}
