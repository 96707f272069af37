import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { dashboardApps } from "../../db/schema/workspace.ts";
import { NotFound } from "../errors.ts";
import { frameOrigin, type DashboardAppRow } from "./serialize.ts";

/** Every member of the account may list and show the account's dashboard apps (Chatwoot's DashboardAppPolicy). */
export function listDashboardApps(db: Db, accountId: number): DashboardAppRow[] {
  return db.select().from(dashboardApps).where(eq(dashboardApps.account_id, accountId)).orderBy(asc(dashboardApps.id)).all();
}

export function getDashboardApp(db: Db, accountId: number, id: number): DashboardAppRow {
  const row = db.select().from(dashboardApps).where(and(eq(dashboardApps.id, id), eq(dashboardApps.account_id, accountId))).get();
  if (!row) throw new NotFound("Dashboard app");
  return row;
}

/** The distinct origins of the account's app frames (the dashboard's CSP frame-src must list them). */
export function dashboardAppOrigins(db: Db, accountId: number): string[] {
  return [...new Set(listDashboardApps(db, accountId).map(frameOrigin).filter((o): o is string => !!o))];
}
