/** @jsxImportSource hono/jsx */
import { Hono } from "hono";
import { z } from "zod";
import { AVAILABILITIES } from "../db/schema/accounts.ts";
import type { AppEnv } from "../deps.ts";
import { switchSessionAccount } from "../domain/auth/sessions.ts";
import { markAccountActive, setAvailability } from "../domain/users/commands.ts";
import { membershipsOf } from "../domain/users/queries.ts";
import { UserMenu, accountPath } from "../../views/layouts/app.tsx";
import { ErrorPage } from "../../views/pages/errors/error.tsx";
import { HelpCenterPage } from "../../views/pages/help-center/index.tsx";
import { ReportsPage } from "../../views/pages/reports/index.tsx";
import { currentSessionId, currentUser, fragment, isHtmx, loadAccount, pageDoc, render, requireLogin, shellOf, type WebContext } from "./context.ts";
import { readForm } from "./forms.ts";
import { listLabels } from "../domain/labels/queries.ts";
import { sha256Hex } from "../lib/crypto.ts";
import { settingsRoutes } from "./settings.tsx";
import { botSettingsRoutes } from "./bots.tsx";
import { webhookSettingsRoutes } from "./webhooks.tsx";
import { workspaceRoutes } from "./workspace/index.ts";
import { contactsRoutes } from "./contacts.tsx";
import { searchRoutes } from "./search.tsx";
import { notificationRoutes } from "./notifications.tsx";
import { accountTeamSettingsRoutes } from "./settings/account-team.tsx";
import { cannedResponseSettingsRoutes } from "./settings/canned-responses.tsx";
import { customAttributeSettingsRoutes } from "./settings/custom-attributes.tsx";
import { macroSettingsRoutes } from "./settings/macros.tsx";
import { automationSettingsRoutes } from "./settings/automation.tsx";
import { assignmentSettingsRoutes } from "./settings/assignment.tsx";
import { slaSettingsRoutes } from "./settings/sla.tsx";
import { moreSettingsRoutes } from "./settings/inbox-label-role-profile.tsx";

const availabilityForm = z.object({ availability: z.enum(AVAILABILITIES) });

/** Where a no-JS form post returns to: the page it came from when that is one of ours, else the dashboard. */
function backTo(c: WebContext, fallback: string): string {
  try {
    const referer = new URL(c.req.header("referer") ?? "");
    if (referer.origin === new URL(c.req.url).origin && referer.pathname.startsWith("/app/")) return referer.pathname + referer.search;
  } catch {
    // no usable Referer
  }
  return fallback;
}

/** Pages under /app/accounts/:accountId — the viewer is a member of that account (loadAccount). */
const accountRoutes = new Hono<AppEnv>()
  .use("*", requireLogin, loadAccount)
  .get("/", (c) => c.redirect(accountPath(c.var.membership.account_id, "dashboard"), 302))
  .route("/contacts", contactsRoutes)
  .route("/search", searchRoutes)
  .route("/notifications", notificationRoutes)
  .get("/reports", (c) => render(c, <ReportsPage shell={shellOf(c, "reports", "Reports")} />))
  // Label colours as a stylesheet: the CSP forbids inline styles, so chips find their colour by [data-label].
  .get("/labels.css", (c) => {
    const css = listLabels(c.var.deps.db, c.var.membership.account_id)
      .filter((l) => /^#[0-9a-f]{3,8}$/i.test(l.color))
      .map((l) => `[data-label=${JSON.stringify(l.title)}]{--label-color:${l.color}}`)
      .join("\n");
    const etag = `"${sha256Hex(css).slice(0, 16)}"`;
    const headers = { "Content-Type": "text/css; charset=utf-8", "Cache-Control": "private, no-cache", ETag: etag };
    if (c.req.header("if-none-match") === etag) return c.body(null, 304, headers);
    return c.body(css, 200, headers);
  })
  .get("/portals", (c) => render(c, <HelpCenterPage shell={shellOf(c, "help-center", "Help Center")} />))
  .post("/switch", (c) => {
    const { account_id: accountId, user_id: userId } = c.var.membership;
    c.var.deps.tx((tx) => {
      switchSessionAccount(tx, currentSessionId(c)!, accountId);
      markAccountActive(tx, userId, accountId);
    });
    return c.redirect(accountPath(accountId, "dashboard"), 302);
  })
  .post("/availability", async (c) => {
    const { availability } = await readForm(c, availabilityForm);
    const { account_id: accountId, user_id: userId } = c.var.membership;
    c.var.deps.tx((tx) => setAvailability(tx, userId, accountId, availability));
    if (!isHtmx(c)) return c.redirect(backTo(c, accountPath(accountId, "dashboard")), 303);
    c.set("membership", { ...c.var.membership, availability });
    return fragment(c, <UserMenu shell={shellOf(c, "conversations", "")} />);
  })
  .route("/", workspaceRoutes)
  .route("/settings", accountTeamSettingsRoutes)
  .route("/settings", moreSettingsRoutes)
  .route("/settings", cannedResponseSettingsRoutes)
  .route("/settings", customAttributeSettingsRoutes)
  .route("/settings", macroSettingsRoutes)
  .route("/settings", automationSettingsRoutes)
  .route("/settings", assignmentSettingsRoutes)
  .route("/settings", slaSettingsRoutes)
  .route("/settings", botSettingsRoutes)
  .route("/settings", webhookSettingsRoutes)
  .route("/settings", settingsRoutes);

export const dashboardRoutes = new Hono<AppEnv>()
  .get("/", (c) => c.redirect("/app", 302))
  .get("/app", requireLogin, (c) => {
    const memberships = membershipsOf(c.var.deps.db, currentUser(c)!.id);
    const target = memberships.find((m) => m.account_id === c.get("sessionAccountId")) ?? memberships[0];
    if (target) return c.redirect(accountPath(target.account_id, "dashboard"), 302);
    const text = "Your user is not a member of any account yet. Ask an administrator to add you to their account.";
    return render(c, <ErrorPage doc={pageDoc(c, "No account")} status={403} title="No account yet" text={text} withLogout />, 403);
  })
  .route("/app/accounts/:accountId", accountRoutes);
