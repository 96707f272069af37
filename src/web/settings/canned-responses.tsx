import { Hono } from "hono";
import type { AppEnv } from "../../deps.ts";

export const cannedResponseSettingsRoutes = new Hono<AppEnv>();
