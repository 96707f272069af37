/** @jsxImportSource hono/jsx */
// Settings → Inboxes for website inboxes: Add inbox → Website, and the inbox's Widget tab (settings, live preview,
// embed snippet). Mounted beside the other inbox settings routes.
import { Hono } from "hono";
import type { AppEnv } from "../../deps.ts";
import { webWidgetScript, widgetConfigOf, type WebWidgetSettings } from "../../channels/web-widget/config.ts";
import type { AccountScope } from "../../domain/accounts/access.ts";
import { Forbidden, NotFound, Validation } from "../../domain/errors.ts";
import { createInbox, updateInbox } from "../../domain/inboxes/commands.ts";
import { getVisibleInbox, type InboxWithChannel } from "../../domain/inboxes/queries.ts";
import type { FieldErrors } from "../../../views/components/form.tsx";
import { accountPath } from "../../../views/layouts/app.tsx";
import { channelLabel, type InboxDetail } from "../../../views/pages/settings/inbox.tsx";
import { InboxWidgetPage, NewWebsiteInboxPage, type NewWebsiteValues, type WidgetFormValues } from "../../../views/pages/settings/inbox-widget.tsx";
import { isAdmin, render, shellOf, type WebContext } from "../context.ts";
import { access } from "../settings.tsx";
import { accountIdOf as accountId, idParam, submitForm, userScopeOf } from "./crud.ts";

type Body = Record<string, string | File | (string | File)[]>;

const settingsPath = (c: WebContext, page: string) => accountPath(accountId(c), `settings/${page}`);

function adminScope(c: WebContext): AccountScope {
  if (!isAdmin(c)) throw new Forbidden("Only administrators can manage inboxes");
  return userScopeOf(c);
}

async function readBody(c: WebContext): Promise<Body> {
  const type = c.req.header("content-type") ?? "";
  if (!type.includes("application/x-www-form-urlencoded") && !type.includes("multipart/form-data")) return {};
  return (await c.req.parseBody({ all: true })) as Body;
}
function one(body: Body, key: string, max = 10_000): string {
  const v = body[key];
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === "string" ? s.trim().slice(0, max) : "";
}
function many(body: Body, key: string): string[] {
  const v = body[key];
  return (Array.isArray(v) ? v : v == null ? [] : [v]).filter((s): s is string => typeof s === "string").map((s) => s.slice(0, 100));
}

function inboxDetail({ inbox, channel }: InboxWithChannel): InboxDetail {
  return {
    id: inbox.id,
    name: inbox.name,
    avatarUrl: inbox.avatar_url,
    channelType: channel.channel_type,
    channelLabel: channelLabel(channel.channel_type),
    identifier: channel.identifier,
    hmacToken: channel.hmac_token,
    secret: channel.secret,
    webhookUrl: channel.webhook_url,
  };
}

/** The web widget of an inbox the admin can see; any other inbox has no Widget tab. */
function websiteInbox(c: WebContext, scope: AccountScope): InboxWithChannel {
  const row = getVisibleInbox(c.var.deps.db, scope, idParam(c.req.param("inboxId"), "Inbox"));
  if (row.channel.channel_type !== "Channel::WebWidget") throw new NotFound("Page");
  return row;
}

function formValues(row: InboxWithChannel): WidgetFormValues {
  const w = widgetConfigOf(row.channel);
  return {
    website_url: w.website_url ?? "",
    widget_color: w.widget_color,
    welcome_title: w.welcome_title,
    welcome_tagline: w.welcome_tagline,
    reply_time: w.reply_time,
    allowed_domains: w.allowed_domains,
    hmac_mandatory: row.channel.hmac_mandatory,
    continuity_via_email: w.continuity_via_email,
    features: w.selected_feature_flags,
    pre_chat_form_enabled: w.pre_chat_form_enabled,
    pre_chat_message: w.pre_chat_form_options.pre_chat_message,
    pre_chat_fields: w.pre_chat_form_options.pre_chat_fields.map((f) => ({ name: f.name, label: f.label, type: f.type, enabled: f.enabled, required: f.required })),
  };
}

const REPLY_TIMES = new Set(["in_a_few_minutes", "in_a_few_hours", "in_a_day"]);

/** The submitted Widget tab, over the stored values (so the pre-chat fields keep their labels and types). */
function submittedValues(body: Body, current: WidgetFormValues): WidgetFormValues {
  const enabled = new Set(many(body, "pre_chat_enabled"));
  const required = new Set(many(body, "pre_chat_required"));
  const reply = one(body, "reply_time");
  return {
    website_url: one(body, "website_url", 2100),
    widget_color: one(body, "widget_color", 20),
    welcome_title: one(body, "welcome_title", 300),
    welcome_tagline: one(body, "welcome_tagline", 300),
    reply_time: (REPLY_TIMES.has(reply) ? reply : current.reply_time) as WidgetFormValues["reply_time"],
    allowed_domains: one(body, "allowed_domains", 2100),
    hmac_mandatory: one(body, "hmac_mandatory") === "1",
    continuity_via_email: one(body, "continuity_via_email") === "1",
    features: many(body, "features"),
    pre_chat_form_enabled: one(body, "pre_chat_form_enabled") === "1",
    pre_chat_message: one(body, "pre_chat_message", 1100),
    pre_chat_fields: current.pre_chat_fields.map((f) => ({ ...f, enabled: enabled.has(f.name), required: required.has(f.name) })),
  };
}

function channelSettings(v: WidgetFormValues, row: InboxWithChannel): Record<string, unknown> {
  const stored = widgetConfigOf(row.channel).pre_chat_form_options;
  return {
    website_url: v.website_url,
    widget_color: v.widget_color,
    welcome_title: v.welcome_title,
    welcome_tagline: v.welcome_tagline,
    reply_time: v.reply_time,
    allowed_domains: v.allowed_domains,
    hmac_mandatory: v.hmac_mandatory,
    continuity_via_email: v.continuity_via_email,
    selected_feature_flags: v.features,
    pre_chat_form_enabled: v.pre_chat_form_enabled,
    pre_chat_form_options: {
      pre_chat_message: v.pre_chat_message,
      pre_chat_fields: stored.pre_chat_fields.map((f) => {
        const shown = v.pre_chat_fields.find((x) => x.name === f.name);
        return shown ? { ...f, enabled: shown.enabled, required: shown.required } : f;
      }),
    },
  } satisfies Record<keyof WebWidgetSettings, unknown>;
}

/** channel.x errors show under the form's x field. */
function formErrors(errors: FieldErrors): FieldErrors {
  const out: FieldErrors = {};
  for (const [k, v] of Object.entries(errors)) {
    const key = k.startsWith("channel.") ? k.slice("channel.".length) : k;
    out[key.startsWith("pre_chat_form_options.pre_chat_message") ? "pre_chat_message" : key] = v;
  }
  return out;
}

function widgetPage(c: WebContext, row: InboxWithChannel, status: 200 | 422, extra: { values?: WidgetFormValues; errors?: FieldErrors } = {}) {
  const notice = c.req.query("saved") ? { kind: "success" as const, title: "Widget settings saved" } : undefined;
  const page = (
    <InboxWidgetPage
      shell={shellOf(c, "settings", `${row.inbox.name} · Widget`)}
      access={access(c)}
      inbox={inboxDetail(row)}
      values={extra.values ?? formValues(row)}
      websiteToken={row.channel.identifier}
      script={webWidgetScript(c.var.deps.config.publicUrl, row.channel.identifier)}
      errors={extra.errors}
      notice={notice}
      created={c.req.query("created") === "1"}
    />
  );
  return render(c, page, status);
}

function newPage(c: WebContext, status: 200 | 422, values: NewWebsiteValues, errors?: FieldErrors) {
  return render(c, <NewWebsiteInboxPage shell={shellOf(c, "settings", "Add website inbox")} access={access(c)} values={values} errors={errors} />, status);
}

const EMPTY_NEW: NewWebsiteValues = { name: "", website_url: "", widget_color: "#1f93ff", welcome_title: "", welcome_tagline: "" };

/** Mounted under /app/accounts/:accountId/settings. */
export const inboxWidgetRoutes = new Hono<AppEnv>()
  .get("/inboxes/new/website", (c) => (adminScope(c), newPage(c, 200, EMPTY_NEW)))
  .post("/inboxes/new/website", async (c) => {
    const scope = adminScope(c);
    const body = await readBody(c);
    const values: NewWebsiteValues = {
      name: one(body, "name", 300),
      website_url: one(body, "website_url", 2100),
      widget_color: one(body, "widget_color", 20) || EMPTY_NEW.widget_color,
      welcome_title: one(body, "welcome_title", 300),
      welcome_tagline: one(body, "welcome_tagline", 300),
    };
    return submitForm(c, {
      save: () => {
        if (!values.name) throw Validation.field("name", "can't be blank");
        if (values.name.length > 255) throw Validation.field("name", "is too long (maximum is 255 characters)");
        if (!values.website_url) throw Validation.field("website_url", "can't be blank");
        const channel = { type: "web_widget", website_url: values.website_url, widget_color: values.widget_color, welcome_title: values.welcome_title, welcome_tagline: values.welcome_tagline };
        return c.var.deps.tx((tx) => createInbox(tx, scope, { name: values.name, channel }));
      },
      then: (row) => `${settingsPath(c, `inboxes/${row.inbox.id}/widget`)}?created=1`,
      refused: (errors) => newPage(c, 422, values, formErrors(errors)),
    });
  })
  .get("/inboxes/:inboxId/widget", (c) => widgetPage(c, websiteInbox(c, adminScope(c)), 200))
  .post("/inboxes/:inboxId/widget", async (c) => {
    const scope = adminScope(c);
    const row = websiteInbox(c, scope);
    const values = submittedValues(await readBody(c), formValues(row));
    return submitForm(c, {
      save: () => c.var.deps.tx((tx) => updateInbox(tx, scope, row.inbox.id, { channel: channelSettings(values, row) })),
      then: () => `${settingsPath(c, `inboxes/${row.inbox.id}/widget`)}?saved=1`,
      refused: (errors) => widgetPage(c, row, 422, { values, errors: formErrors(errors) }),
    });
  });
