import { Hono } from "hono";
import type { AppEnv } from "../../deps.ts";
import { requirePlatformToken } from "../middleware/auth.ts";

export const platformRoutes = new Hono<AppEnv>().use(requirePlatformToken);
