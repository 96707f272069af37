import { Hono } from "hono";
import type { AppEnv } from "../../deps.ts";
import { conversationRoutes } from "./conversation.tsx";
import { dashboardAppFrameSources, dashboardAppRoutes } from "./dashboard-apps.tsx";
import { workspacePageRoutes } from "./page.tsx";
import { sidebarRoutes } from "./sidebar.tsx";
import { slaWorkspaceRoutes } from "./sla.tsx";

/**
 * The conversation workspace under /app/accounts/:accountId: the full pages (list + conversation + sidebar),
 * and the htmx fragments of each pane. Each pane lives in its own module.
 */
export const workspaceRoutes = new Hono<AppEnv>()
  .use("*", dashboardAppFrameSources)
  .route("/", workspacePageRoutes)
  .route("/", conversationRoutes)
  .route("/", sidebarRoutes)
  .route("/", slaWorkspaceRoutes)
  .route("/", dashboardAppRoutes);
