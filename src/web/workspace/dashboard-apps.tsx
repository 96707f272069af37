/** @jsxImportSource hono/jsx */
import { Hono } from "hono";
import type { AppEnv } from "../../deps.ts";

export const dashboardAppRoutes = new Hono<AppEnv>();
