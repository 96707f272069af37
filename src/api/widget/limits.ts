import type { Context } from "hono";
import type { AppDeps, AppEnv } from "../../deps.ts";
import { TooManyRequests } from "../../domain/errors.ts";
import { createRateLimiter, type SlidingRateLimiter } from "../../lib/rate-limit.ts";
import { clientIp } from "../../web/session.ts";

const HOUR = 60 * 60 * 1000;

/**
 * Per-IP limits of the widget API. Chatwoot's rack-attack: 6 new conversations per 12 hours and 60 contact updates
 * per hour; Parley also bounds new anonymous visitors (POST config without a session) at 120 an hour, so a script
 * cannot fill the contacts table. Switched off with the client API's PARLEY_PUBLIC_API_RATE_LIMITS=false.
 */
export const WIDGET_LIMITS = {
  conversations: { limit: 6, windowMs: 12 * HOUR },
  contacts: { limit: 60, windowMs: HOUR },
  visitors: { limit: 120, windowMs: HOUR },
} as const;

type WidgetLimiters = Record<keyof typeof WIDGET_LIMITS, SlidingRateLimiter>;

const perApp = new WeakMap<AppDeps, WidgetLimiters | null>();

function limitersOf(deps: AppDeps): WidgetLimiters | null {
  if (!perApp.has(deps)) {
    const now = () => deps.clock.now();
    perApp.set(
      deps,
      deps.config.publicApiRateLimits
        ? {
            conversations: createRateLimiter({ ...WIDGET_LIMITS.conversations, now }),
            contacts: createRateLimiter({ ...WIDGET_LIMITS.contacts, now }),
            visitors: createRateLimiter({ ...WIDGET_LIMITS.visitors, now }),
          }
        : null,
    );
  }
  return perApp.get(deps)!;
}

/** Counts one request of the client's address; over the limit → 429 with Retry-After. */
export function limitWidget<E extends AppEnv>(c: Context<E>, which: keyof typeof WIDGET_LIMITS): void {
  const limiters = limitersOf(c.var.deps);
  if (!limiters) return;
  const result = limiters[which].hit(clientIp(c as unknown as Context<AppEnv>));
  if (!result.ok) throw new TooManyRequests(Math.ceil(result.retryAfterMs / 1000), "Too many requests, try again later");
}
