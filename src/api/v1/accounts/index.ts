import { Hono } from "hono";
import type { AppEnv } from "../../../deps.ts";
import { accountScope } from "../../middleware/account.ts";
import { requireApiActor } from "../../middleware/auth.ts";

/**
 * /api/v1/accounts/:account_id/… — every route below has c.var.scope (account, role, permissions).
 * Each resource is its own router in this folder, mounted here.
 */
export const accountRoutes = new Hono<AppEnv>().use(requireApiActor).use(accountScope);
