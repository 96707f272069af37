import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../../deps.ts";
import { actorForAccessToken, type Actor } from "../../domain/auth/actor.ts";
import { Forbidden, Unauthorized } from "../../domain/errors.ts";
import { safeEqual } from "../../lib/crypto.ts";

/** The token from `api_access_token` (Chatwoot's header) or `Authorization: Bearer`. */
export function tokenFromHeaders(header: (name: string) => string | undefined): string {
  const direct = header("api_access_token") ?? header("api-access-token");
  if (direct) return direct.trim();
  const auth = header("authorization") ?? "";
  return auth.toLowerCase().startsWith("bearer ") ? auth.slice(7).trim() : "";
}

/** Authenticates an Application API request; 401 without a valid user or bot token. */
export const requireApiActor: MiddlewareHandler<AppEnv> = async (c, next) => {
  const actor = actorForAccessToken(c.var.deps.db, tokenFromHeaders((n) => c.req.header(n)));
  if (!actor) throw new Unauthorized("Invalid Access Token");
  c.set("actor", actor);
  await next();
};

export function requireUser(actor: Actor) {
  if (actor.type !== "user") throw new Forbidden("This endpoint needs a user access token");
  return actor.user;
}

/** Platform API: the token must equal PARLEY_PLATFORM_TOKEN; without that setting the Platform API is closed. */
export const requirePlatformToken: MiddlewareHandler<AppEnv> = async (c, next) => {
  const expected = c.var.deps.config.platformToken;
  const given = tokenFromHeaders((n) => c.req.header(n));
  if (!expected || !given || !safeEqual(given, expected)) throw new Unauthorized("Invalid Access Token");
  await next();
};
