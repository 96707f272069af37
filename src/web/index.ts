import { Hono } from "hono";
import type { AppEnv } from "../deps.ts";

export const webRoutes = new Hono<AppEnv>();
