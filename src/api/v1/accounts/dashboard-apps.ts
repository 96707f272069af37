import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../deps.ts";
import { createDashboardApp, deleteDashboardApp, MAX_TITLE, MAX_URL, updateDashboardApp } from "../../../domain/dashboard-apps/commands.ts";
import { getDashboardApp, listDashboardApps } from "../../../domain/dashboard-apps/queries.ts";
import { dashboardAppJson } from "../../../domain/dashboard-apps/serialize.ts";
import { idParam, parseWith, readBody } from "../../validate.ts";

const frame = z.object({
  type: z.string({ error: "must be a string" }).max(32).optional(),
  url: z.string({ error: "must be a string" }).max(MAX_URL, `is too long (maximum is ${MAX_URL} characters)`),
});
const fields = z.object({
  title: z.string({ error: "must be a string" }).max(MAX_TITLE, `is too long (maximum is ${MAX_TITLE} characters)`).optional(),
  content: z.array(frame, { error: "must be a list of frames" }).max(10, "has too many frames (maximum is 10)").optional(),
});
/** Chatwoot requires the fields wrapped in `dashboard_app`; bare fields are accepted too. */
const wrapped = z
  .object({ dashboard_app: z.unknown().optional() })
  .passthrough()
  .transform((b) => parseWith(fields, b.dashboard_app ?? b));

/** /api/v1/accounts/:account_id/dashboard_apps — every member lists and shows; administrators manage (the domain checks). */
export const dashboardAppRoutes = new Hono<AppEnv>()
  .get("/", (c) => c.json(listDashboardApps(c.var.deps.db, c.var.scope.account.id).map(dashboardAppJson)))
  .get("/:id", (c) => c.json(dashboardAppJson(getDashboardApp(c.var.deps.db, c.var.scope.account.id, idParam(c, "id")))))
  .post("/", async (c) => {
    const body = await readBody(c, wrapped);
    const app = c.var.deps.tx((tx) => createDashboardApp(tx, c.var.scope, body));
    return c.json(dashboardAppJson(app));
  })
  .on(["PATCH", "PUT"], "/:id", async (c) => {
    const id = idParam(c, "id");
    const body = await readBody(c, wrapped);
    const app = c.var.deps.tx((tx) => updateDashboardApp(tx, c.var.scope, id, body));
    return c.json(dashboardAppJson(app));
  })
  .delete("/:id", (c) => {
    const id = idParam(c, "id");
    c.var.deps.tx((tx) => deleteDashboardApp(tx, c.var.scope, id));
    return c.body(null, 204);
  });
