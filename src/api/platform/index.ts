import { Hono } from "hono";
import type { AppEnv } from "../../deps.ts";
import { requirePlatformToken } from "../middleware/auth.ts";
import { platformAccountUserRoutes } from "./account-users.ts";
import { platformAccountRoutes } from "./accounts.ts";
import { platformAgentBotRoutes } from "./agent-bots.ts";
import { platformUserRoutes } from "./users.ts";

/** Chatwoot's Platform API (/platform/api/v1), open only with PARLEY_PLATFORM_TOKEN. */
export const platformRoutes = new Hono<AppEnv>()
  .use(requirePlatformToken)
  .route("/accounts/:account_id/account_users", platformAccountUserRoutes)
  .route("/accounts", platformAccountRoutes)
  .route("/users", platformUserRoutes)
  .route("/agent_bots", platformAgentBotRoutes);
