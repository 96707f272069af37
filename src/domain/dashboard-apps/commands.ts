// Dashboard apps (Chatwoot's DashboardAppsController + DashboardApp content validation): administrators create,
// update and delete; the app's content is one or more frames, each an http(s) URL shown in a conversation tab.
import { eq } from "drizzle-orm";
import { dashboardApps } from "../../db/schema/workspace.ts";
import type { Tx } from "../../db/tx.ts";
import { requireAdministrator, type AccountScope } from "../accounts/access.ts";
import { Validation } from "../errors.ts";
import { getDashboardApp } from "./queries.ts";
import type { DashboardAppRow } from "./serialize.ts";

export type DashboardAppInput = { title?: string; content?: { type?: string; url?: string }[] };
export const MAX_TITLE = 255;
export const MAX_URL = 2048;

function checkTitle(raw: string | undefined): string {
  const title = (raw ?? "").trim();
  if (!title) throw Validation.field("title", "can't be blank");
  if (title.length > MAX_TITLE) throw Validation.field("title", `is too long (maximum is ${MAX_TITLE} characters)`);
  return title;
}

/** A frame URL must be an absolute http(s) URL without credentials. */
export function checkFrameUrl(raw: string | undefined, field = "content"): string {
  const url = (raw ?? "").trim();
  if (!url) throw Validation.field(field, "url can't be blank");
  if (url.length > MAX_URL) throw Validation.field(field, `url is too long (maximum is ${MAX_URL} characters)`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw Validation.field(field, "url is invalid");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw Validation.field(field, "url must be an http or https URL");
  if (parsed.username || parsed.password) throw Validation.field(field, "url must not contain credentials");
  return url;
}

function checkContent(content: DashboardAppInput["content"]): { type: "frame"; url: string }[] {
  if (!Array.isArray(content) || content.length === 0) throw Validation.field("content", "must list at least one frame ({type: \"frame\", url})");
  if (content.length > 10) throw Validation.field("content", "has too many frames (maximum is 10)");
  return content.map((item) => {
    if ((item.type ?? "frame") !== "frame") throw Validation.field("content", "type must be \"frame\"");
    return { type: "frame" as const, url: checkFrameUrl(item.url) };
  });
}

export function createDashboardApp(tx: Tx, scope: AccountScope, input: DashboardAppInput): DashboardAppRow {
  requireAdministrator(scope);
  return tx.db
    .insert(dashboardApps)
    .values({
      account_id: scope.account.id,
      user_id: scope.userId,
      title: checkTitle(input.title),
      content: checkContent(input.content),
      created_at: tx.now,
      updated_at: tx.now,
    })
    .returning()
    .get();
}

export function updateDashboardApp(tx: Tx, scope: AccountScope, id: number, input: DashboardAppInput): DashboardAppRow {
  requireAdministrator(scope);
  const app = getDashboardApp(tx.db, scope.account.id, id);
  const set: Partial<DashboardAppRow> = { updated_at: tx.now };
  if (input.title !== undefined) set.title = checkTitle(input.title);
  if (input.content !== undefined) set.content = checkContent(input.content);
  return tx.db.update(dashboardApps).set(set).where(eq(dashboardApps.id, app.id)).returning().get();
}

export function deleteDashboardApp(tx: Tx, scope: AccountScope, id: number): void {
  requireAdministrator(scope);
  const app = getDashboardApp(tx.db, scope.account.id, id);
  tx.db.delete(dashboardApps).where(eq(dashboardApps.id, app.id)).run();
}
