import type { dashboardApps } from "../../db/schema/workspace.ts";
import { isoTime } from "../../lib/clock.ts";

export type DashboardAppRow = typeof dashboardApps.$inferSelect;

/** api/v1/models/_dashboard_app.json.jbuilder: id, title, content ([{type: "frame", url}]), created_at. */
export function dashboardAppJson(a: DashboardAppRow) {
  return { id: a.id, title: a.title, content: a.content, created_at: isoTime(a.created_at) };
}

/** The first frame URL of an app (what its tab loads). */
export function frameUrl(a: Pick<DashboardAppRow, "content">): string | null {
  return a.content.find((c) => c.type === "frame")?.url ?? null;
}

/** The origin an app's frame lives on: where appContext is posted to and where fetch-info must come from. */
export function frameOrigin(a: Pick<DashboardAppRow, "content">): string | null {
  const url = frameUrl(a);
  if (!url) return null;
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}
