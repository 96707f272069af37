import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../../deps.ts";
import { resolveAccountScope } from "../../domain/accounts/access.ts";
import { Forbidden, NotFound } from "../../domain/errors.ts";

/**
 * Endpoints an agent-bot token may call (Chatwoot's BOT_ACCESSIBLE_ENDPOINTS): method and path below
 * /api/v1/accounts/:account_id. Everything else answers 403 to a bot.
 */
const BOT_ENDPOINTS: [string, RegExp][] = [
  ["POST", /^\/conversations$/],
  ["PATCH", /^\/conversations\/\d+$/],
  ["POST", /^\/conversations\/\d+\/toggle_status$/],
  ["POST", /^\/conversations\/\d+\/toggle_priority$/],
  ["POST", /^\/conversations\/\d+\/custom_attributes$/],
  ["POST", /^\/conversations\/\d+\/messages$/],
  ["POST", /^\/conversations\/\d+\/assignments$/],
];

/** Resolves c.var.scope for /api/v1/accounts/:account_id/…; must run after requireApiActor. */
export const accountScope: MiddlewareHandler<AppEnv> = async (c, next) => {
  const raw = c.req.param("account_id") ?? "";
  if (!/^\d{1,15}$/.test(raw)) throw new NotFound("Account");
  const scope = resolveAccountScope(c.var.deps.db, c.var.actor, Number(raw));
  if (scope.role === "agent_bot") {
    const rest = c.req.path.replace(/^\/api\/v1\/accounts\/\d+/, "").replace(/\/+$/, "");
    if (!BOT_ENDPOINTS.some(([m, re]) => m === c.req.method && re.test(rest))) throw new Forbidden("Agent bots cannot access this endpoint");
  }
  c.set("scope", scope);
  await next();
};
