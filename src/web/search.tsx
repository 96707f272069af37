import { Hono } from "hono";
import type { AppEnv } from "../deps.ts";

export const searchRoutes = new Hono<AppEnv>();
