/** @jsxImportSource hono/jsx */
// Dashboard apps: Settings → Integrations → Dashboard apps (same domain commands as /api/v1/accounts/:id/dashboard_apps),
// the app tabs of the conversation pane (an iframe per app, driven by static/js/sidebar.js), and the JSON route the
// tabs fetch their appContext payload from.
import { Hono, type MiddlewareHandler } from "hono";
import type { AppEnv } from "../../deps.ts";
import type { AccountScope } from "../../domain/accounts/access.ts";
import { createDashboardApp, deleteDashboardApp, updateDashboardApp } from "../../domain/dashboard-apps/commands.ts";
import { dashboardAppOrigins, getDashboardApp, listDashboardApps } from "../../domain/dashboard-apps/queries.ts";
import { frameOrigin, frameUrl, type DashboardAppRow } from "../../domain/dashboard-apps/serialize.ts";
import { contactModelJson } from "../../domain/contacts/serialize.ts";
import { getVisibleConversation } from "../../domain/conversations/queries.ts";
import { Records } from "../../domain/conversations/records.ts";
import { conversationJson } from "../../domain/conversations/serialize.ts";
import { Forbidden } from "../../domain/errors.ts";
import { availableName } from "../../domain/users/serialize.ts";
import { accountPath } from "../../../views/layouts/app.tsx";
import type { Notice } from "../../../views/components/form.tsx";
import { DashboardAppPage, DashboardAppsPage, type DashboardAppFormValues, type DashboardAppItem } from "../../../views/pages/settings/dashboard-apps.tsx";
import { currentUser, isAdmin, isHtmx, render, shellOf, type WebContext } from "../context.ts";
import { fieldErrorsOf } from "../forms.ts";
import { allowFrameSources } from "../security.tsx";
import { access } from "../settings.tsx";
import { accountIdOf, idParam as idOf, postedText, savedNotice, submitForm, userScopeOf as viewerScope } from "../settings/crud.ts";

const NOTICES: Record<string, Notice> = {
  created: { kind: "success", title: "Dashboard app created", text: "Its tab now appears in the conversation window." },
  saved: { kind: "success", title: "Dashboard app saved" },
  deleted: { kind: "success", title: "Dashboard app deleted" },
};

const SETTINGS = "settings/integrations/dashboard-apps";

function adminScope(c: WebContext): AccountScope {
  if (!isAdmin(c)) throw new Forbidden("Only administrators can configure dashboard apps");
  return viewerScope(c);
}
const item = (a: DashboardAppRow): DashboardAppItem => ({ id: a.id, title: a.title, url: frameUrl(a) ?? "" });

async function readAppForm(c: WebContext): Promise<DashboardAppFormValues> {
  const field = await postedText(c);
  return { title: field("title", 8192).trim().slice(0, 4096), url: field("url", 8192).trim().slice(0, 4096) };
}
/** The domain names the frame URL "content" (Chatwoot's field); the form calls it "url". */
function formErrors(err: unknown) {
  const errors = fieldErrorsOf(err);
  if (errors?.content) {
    errors.url = errors.content.replace(/^Url /, "");
    errors.url = errors.url.charAt(0).toUpperCase() + errors.url.slice(1);
    delete errors.content;
  }
  return errors;
}

function listPage(c: WebContext, status: 200 | 422, extra: { values?: DashboardAppFormValues; errors?: Record<string, string> } = {}) {
  const apps = listDashboardApps(c.var.deps.db, accountIdOf(c)).map(item);
  return render(c, <DashboardAppsPage shell={shellOf(c, "settings", "Dashboard apps")} access={access(c)} apps={apps} notice={savedNotice(c, NOTICES)} {...extra} />, status);
}
function editPage(c: WebContext, id: number, status: 200 | 422, extra: { values?: DashboardAppFormValues; errors?: Record<string, string> } = {}) {
  const app = item(getDashboardApp(c.var.deps.db, accountIdOf(c), id));
  return render(c, <DashboardAppPage shell={shellOf(c, "settings", "Dashboard app")} access={access(c)} app={app} {...extra} />, status);
}

/**
 * The appContext payload of the article: the conversation as the conversations API renders it (plus the dashboard
 * store's allMessagesLoaded / dataFetched flags), its contact, and the current agent.
 */
export function appContextPayload(c: WebContext, displayId: number) {
  const db = c.var.deps.db;
  const scope = viewerScope(c);
  const row = getVisibleConversation(db, scope, displayId);
  const user = currentUser(c)!;
  const records = new Records(db, scope.account.id, c.var.deps.config.publicUrl);
  const conversation = conversationJson(records, row, user.id);
  const contact = records.contact(row.contact_id);
  return {
    event: "appContext" as const,
    data: {
      conversation: { ...conversation, allMessagesLoaded: false, dataFetched: true },
      contact: contact ? contactModelJson(contact) : null,
      currentAgent: { email: user.email, id: user.id, name: availableName(user) },
    },
  };
}

/**
 * The app tabs and panels of the conversation pane (null when the account has no apps). Tabs are `role=tab`
 * buttons whose aria-controls names the panel; the pane owner switches tabs, static/js/sidebar.js posts the
 * context to each iframe (to the app's origin only) when it loads and whenever its panel is shown.
 */
export function dashboardAppTabs(c: WebContext, displayId: number) {
  const apps = listDashboardApps(c.var.deps.db, accountIdOf(c));
  if (!apps.length) return null;
  const contextUrl = accountPath(accountIdOf(c), `conversations/${displayId}/dashboard-app-context`);
  const usable = apps.filter((a) => frameUrl(a) && frameOrigin(a));
  allowFrameSources(c, [...new Set(usable.map((a) => frameOrigin(a)!))]);
  return {
    tabs: usable.map((a) => (
      <button type="button" role="tab" class="dashboard-app-tab" id={`dashboard-app-tab-${a.id}`} aria-controls={`dashboard-app-panel-${a.id}`} aria-selected="false" tabindex={-1} data-dashboard-app-tab={String(a.id)}>
        {a.title}
      </button>
    )),
    panels: usable.map((a) => (
      <div
        role="tabpanel"
        class="dashboard-app-panel"
        id={`dashboard-app-panel-${a.id}`}
        aria-labelledby={`dashboard-app-tab-${a.id}`}
        hidden
        data-dashboard-app={String(a.id)}
        data-app-origin={frameOrigin(a)!}
        data-context-url={contextUrl}
        data-conversation-id={String(displayId)}
      >
        <iframe
          class="dashboard-app-frame"
          src={frameUrl(a)!}
          title={a.title}
          sandbox="allow-scripts allow-same-origin allow-forms allow-popups"
          referrerpolicy="no-referrer"
          loading="eager"
        ></iframe>
      </div>
    )),
  };
}

/**
 * Every full page of the workspace may end up showing a conversation (htmx swaps keep the document's CSP): the
 * page's CSP frame-src names the account's dashboard-app origins. Mounted first in the workspace router.
 */
export const dashboardAppFrameSources: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.req.method === "GET" && !isHtmx(c) && c.var.membership) allowFrameSources(c, dashboardAppOrigins(c.var.deps.db, accountIdOf(c)));
  await next();
};

/** Mounted at /app/accounts/:accountId. */
export const dashboardAppRoutes = new Hono<AppEnv>()
  .get("/conversations/:displayId/dashboard-app-context", (c) => c.json(appContextPayload(c, idOf(c.req.param("displayId"), "Conversation")), 200, { "Cache-Control": "no-store" }))
  .use(`/${SETTINGS}`, async (c, next) => (adminScope(c), next()))
  .use(`/${SETTINGS}/*`, async (c, next) => (adminScope(c), next()))
  .get(`/${SETTINGS}`, (c) => listPage(c, 200))
  .post(`/${SETTINGS}`, async (c) => {
    const values = await readAppForm(c);
    return submitForm(c, {
      save: () => c.var.deps.tx((tx) => createDashboardApp(tx, adminScope(c), { title: values.title, content: [{ type: "frame", url: values.url }] })),
      then: () => `${accountPath(accountIdOf(c), SETTINGS)}?saved=created`,
      refused: (errors) => listPage(c, 422, { values, errors }),
      errorsOf: formErrors,
    });
  })
  .get(`/${SETTINGS}/:id`, (c) => editPage(c, idOf(c.req.param("id"), "Dashboard app"), 200))
  .post(`/${SETTINGS}/:id`, async (c) => {
    const id = idOf(c.req.param("id"), "Dashboard app");
    const values = await readAppForm(c);
    return submitForm(c, {
      save: () => c.var.deps.tx((tx) => updateDashboardApp(tx, adminScope(c), id, { title: values.title, content: [{ type: "frame", url: values.url }] })),
      then: () => `${accountPath(accountIdOf(c), SETTINGS)}?saved=saved`,
      refused: (errors) => editPage(c, id, 422, { values, errors }),
      errorsOf: formErrors,
    });
  })
  .post(`/${SETTINGS}/:id/delete`, (c) => {
    const id = idOf(c.req.param("id"), "Dashboard app");
    c.var.deps.tx((tx) => deleteDashboardApp(tx, adminScope(c), id));
    return c.redirect(`${accountPath(accountIdOf(c), SETTINGS)}?saved=deleted`, 303);
  });
