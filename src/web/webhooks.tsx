/** @jsxImportSource hono/jsx */
// Settings → Webhooks, for administrators: the same domain commands and queries as /api/v1/accounts/:id/webhooks.
import { Hono } from "hono";
import type { AppEnv } from "../deps.ts";
import type { AccountScope } from "../domain/accounts/access.ts";
import { Forbidden } from "../domain/errors.ts";
import { createWebhook, deleteWebhook, redeliverWebhookDelivery, rotateWebhookSecret, updateWebhook } from "../domain/webhooks/commands.ts";
import { WEBHOOK_EVENTS } from "../domain/webhooks/payloads.ts";
import { getWebhook, listDeliveries, listWebhooks, webhookView } from "../domain/webhooks/queries.ts";
import { accountPath } from "../../views/layouts/app.tsx";
import type { Notice } from "../../views/components/form.tsx";
import { DeliveryLog, WebhookPage, WebhooksPage, type DeliveryItem, type WebhookFormValues, type WebhookItem } from "../../views/pages/settings/webhooks.tsx";
import { fragment, isAdmin, isHtmx, render, shellOf, type WebContext } from "./context.ts";
import { access } from "./settings.tsx";
import { accountIdOf as accountId, idParam as idOf, savedNotice, submitForm, userScopeOf } from "./settings/crud.ts";

const NOTICES: Record<string, Notice> = {
  created: { kind: "success", title: "Webhook created", text: "Its secret is shown below; deliveries appear in the log." },
  saved: { kind: "success", title: "Webhook saved" },
  rotated: { kind: "success", title: "New secret issued", text: "Update your receiver to verify with it." },
  deleted: { kind: "success", title: "Webhook deleted" },
  redelivered: { kind: "success", title: "Redelivery queued" },
};

const listPath = (c: WebContext) => accountPath(accountId(c), "settings/webhooks");
function scopeOf(c: WebContext): AccountScope {
  if (!isAdmin(c)) throw new Forbidden("Only administrators can configure webhooks");
  return userScopeOf(c);
}

function item(w: ReturnType<typeof webhookView>): WebhookItem {
  return { id: w.id, name: w.name, url: w.url, subscriptions: w.subscriptions, secret: w.secret, enabled: w.enabled, disabledReason: w.disabled_reason };
}
function deliveryItems(c: WebContext, webhookId: number): DeliveryItem[] {
  return listDeliveries(c.var.deps.db, accountId(c), webhookId, 1, 50).deliveries.map((d) => ({
    id: d.id,
    event: d.event,
    status: d.status,
    attempts: d.attempts,
    statusCode: d.last_status_code,
    durationMs: d.attempt_log.at(-1)?.duration_ms ?? null,
    error: d.last_error,
    createdAt: (d.created_at ?? 0) * 1000,
  }));
}

/** The submitted webhook form; checkboxes arrive as repeated `subscriptions` fields. */
async function readWebhookForm(c: WebContext): Promise<WebhookFormValues> {
  const body = await c.req.parseBody({ all: true });
  const one = (k: string) => {
    const v = body[k];
    const s = Array.isArray(v) ? v[0] : v;
    return typeof s === "string" ? s.trim().slice(0, 4096) : "";
  };
  const subs = body.subscriptions;
  const subscriptions = (Array.isArray(subs) ? subs : subs == null ? [] : [subs]).filter((s): s is string => typeof s === "string");
  return { name: one("name"), url: one("url"), subscriptions, enabled: one("enabled") === "1" };
}

function listPage(c: WebContext, status: 200 | 422, extra: { values?: WebhookFormValues; errors?: Record<string, string> } = {}) {
  const hooks = listWebhooks(c.var.deps.db, accountId(c)).map(item);
  const page = <WebhooksPage shell={shellOf(c, "settings", "Webhooks")} access={access(c)} webhooks={hooks} events={WEBHOOK_EVENTS} notice={savedNotice(c, NOTICES)} {...extra} />;
  return render(c, page, status);
}

function detailPage(c: WebContext, webhookId: number, status: 200 | 422, extra: { values?: WebhookFormValues; errors?: Record<string, string> } = {}) {
  const hook = item(webhookView(c.var.deps.db, getWebhook(c.var.deps.db, accountId(c), webhookId)));
  const notice = savedNotice(c, NOTICES);
  const page = (
    <WebhookPage shell={shellOf(c, "settings", "Webhook")} access={access(c)} webhook={hook} events={WEBHOOK_EVENTS} deliveries={deliveryItems(c, webhookId)} notice={notice} {...extra} />
  );
  return render(c, page, status);
}

/** Mounted at /app/accounts/:accountId/settings. */
export const webhookSettingsRoutes = new Hono<AppEnv>()
  .use("/webhooks/*", async (c, next) => (scopeOf(c), next()))
  .use("/webhooks", async (c, next) => (scopeOf(c), next()))
  .get("/webhooks", (c) => listPage(c, 200))
  .post("/webhooks", async (c) => {
    const values = await readWebhookForm(c);
    return submitForm(c, {
      save: () => c.var.deps.tx((tx) => createWebhook(tx, scopeOf(c), { url: values.url, name: values.name || null, subscriptions: values.subscriptions })),
      then: (hook) => `${listPath(c)}/${hook.id}?saved=created`,
      refused: (errors) => listPage(c, 422, { values, errors }),
    });
  })
  .get("/webhooks/:id", (c) => detailPage(c, idOf(c.req.param("id"), "Webhook"), 200))
  .post("/webhooks/:id", async (c) => {
    const id = idOf(c.req.param("id"), "Webhook");
    const values = await readWebhookForm(c);
    return submitForm(c, {
      save: () => c.var.deps.tx((tx) => updateWebhook(tx, scopeOf(c), id, { url: values.url, name: values.name || null, subscriptions: values.subscriptions, enabled: values.enabled })),
      then: () => `${listPath(c)}/${id}?saved=saved`,
      refused: (errors) => detailPage(c, id, 422, { values, errors }),
    });
  })
  .post("/webhooks/:id/rotate", (c) => {
    const id = idOf(c.req.param("id"), "Webhook");
    c.var.deps.tx((tx) => rotateWebhookSecret(tx, scopeOf(c), id));
    return c.redirect(`${listPath(c)}/${id}?saved=rotated`, 303);
  })
  .post("/webhooks/:id/delete", (c) => {
    const id = idOf(c.req.param("id"), "Webhook");
    c.var.deps.tx((tx) => deleteWebhook(tx, scopeOf(c), id));
    return c.redirect(`${listPath(c)}?saved=deleted`, 303);
  })
  .post("/webhooks/:id/deliveries/:deliveryId/redeliver", (c) => {
    const id = idOf(c.req.param("id"), "Webhook");
    const deliveryId = idOf(c.req.param("deliveryId"), "Delivery");
    c.var.deps.tx((tx) => redeliverWebhookDelivery(tx, scopeOf(c), id, deliveryId));
    if (!isHtmx(c)) return c.redirect(`${listPath(c)}/${id}?saved=redelivered`, 303);
    return fragment(c, <DeliveryLog accountId={accountId(c)} csrf={c.get("csrfToken") ?? ""} webhookId={id} deliveries={deliveryItems(c, id)} />);
  });
