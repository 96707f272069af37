import { Hono } from "hono";
import type { AppEnv } from "../../deps.ts";

export const moreSettingsRoutes = new Hono<AppEnv>();
