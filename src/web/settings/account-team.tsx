import { Hono } from "hono";
import type { AppEnv } from "../../deps.ts";

export const accountTeamSettingsRoutes = new Hono<AppEnv>();
