/** @jsxImportSource hono/jsx */
// Settings → Inboxes (list, add an API inbox, settings / collaborators / channel / bot tabs, delete), Labels,
// Custom roles (administrators) and Profile (everyone). Every page calls the domain functions the API calls.
import { Hono } from "hono";
import { z } from "zod";
import type { AppDeps, AppEnv } from "../../deps.ts";
import { channelDashboardRoutes, disconnectChannel, prepareChannelCreate, prepareChannelUpdate } from "../../channels/framework/setup.ts";
import { channelKindOf, channelKinds, type ChannelKind } from "../../channels/registry.ts";
import { optionalHttpUrl } from "../../channels/url.ts";
import { NOTIFICATION_TYPES } from "../../db/schema/notifications.ts";
import { resolveAccountScope, type AccountScope } from "../../domain/accounts/access.ts";
import { inboxesWithBots } from "../../domain/agent-bots/inboxes.ts";
import { listAgentBotsForAccount } from "../../domain/agent-bots/queries.ts";
import { listAgentRows, type AgentRow } from "../../domain/agents/queries.ts";
import { removeStored } from "../../domain/attachments/storage.ts";
import { changePassword } from "../../domain/auth/commands.ts";
import { createCustomRole, deleteCustomRole, updateCustomRole } from "../../domain/custom-roles/commands.ts";
import { listCustomRoles, showCustomRole, type CustomRoleRow } from "../../domain/custom-roles/queries.ts";
import { Forbidden, NotFound, Validation } from "../../domain/errors.ts";
import { addInboxMembers, removeInboxMembers } from "../../domain/inbox-members/commands.ts";
import { listInboxMembers } from "../../domain/inbox-members/queries.ts";
import { createInbox, deleteInbox, updateInbox, type InboxInput } from "../../domain/inboxes/commands.ts";
import { getVisibleInbox, listInboxes, type InboxWithChannel } from "../../domain/inboxes/queries.ts";
import { createLabel, deleteLabel, updateLabel } from "../../domain/labels/commands.ts";
import { getLabel, listLabels, type LabelRow } from "../../domain/labels/queries.ts";
import { getNotificationSettings, updateNotificationSettings } from "../../domain/notifications/settings.ts";
import { saveAvatar } from "../../domain/users/avatars.ts";
import { resetAccessToken, updateUser } from "../../domain/users/commands.ts";
import { accessTokenOf } from "../../domain/users/queries.ts";
import { availableName } from "../../domain/users/serialize.ts";
import type { FieldErrors, Notice } from "../../../views/components/form.tsx";
import { accountPath } from "../../../views/layouts/app.tsx";
import { CustomRolePage, CustomRolesPage, type RoleFormValues, type RoleItem } from "../../../views/pages/settings/custom-roles.tsx";
import {
  CollaboratorsCard,
  InboxBotPage,
  InboxCollaboratorsPage,
  InboxConfigurationPage,
  InboxSettingsPage,
  NewInboxPage,
  builtInChannels,
  connectionProblem,
  channelLabel,
  inboxTabs,
  type Collaborator,
  type InboxDetail,
  type InboxSettingsValues,
} from "../../../views/pages/settings/inbox.tsx";
import { NewChannelInboxPage, type ChannelCardView, type PickerChannel } from "../../../views/pages/settings/inbox-channel.tsx";
import { InboxesPage } from "../../../views/pages/settings/inboxes.tsx";
import { LabelPage, LabelsPage, type LabelFormValues, type LabelItem } from "../../../views/pages/settings/labels.tsx";
import { ProfilePage, type NotificationPrefs, type PreferenceValues, type ProfileValues } from "../../../views/pages/settings/profile.tsx";
import { currentSessionId, currentUser, fragment, isAdmin, isHtmx, render, shellOf, type WebContext } from "../context.ts";
import { fieldErrorsOf, readForm, secret, submitted, text } from "../forms.ts";
import { access } from "../settings.tsx";
import { inboxPolicyNote } from "./assignment.tsx";
import { inboxWidgetRoutes } from "./inbox-widget.tsx";

type Body = Record<string, string | File | (string | File)[]>;

const accountId = (c: WebContext) => c.var.membership.account_id;
const settingsPath = (c: WebContext, page: string) => accountPath(accountId(c), `settings/${page}`);

/** The viewer's account scope, for the same domain calls the API makes. */
function scopeOf(c: WebContext): AccountScope {
  return resolveAccountScope(c.var.deps.db, { type: "user", user: currentUser(c)!, sessionId: currentSessionId(c) }, accountId(c));
}
function adminScope(c: WebContext, what: string): AccountScope {
  if (!isAdmin(c)) throw new Forbidden(`Only administrators can manage ${what}`);
  return scopeOf(c);
}
const idOf = (raw: string | undefined, what: string) => {
  if (!raw || !/^\d{1,15}$/.test(raw)) throw new NotFound(what);
  return Number(raw);
};

/** A urlencoded or multipart form with repeated fields kept as arrays (checkbox groups). */
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
const checked = (body: Body, key: string) => one(body, key) === "1";
function tooLong(field: string, value: string, max: number) {
  if (value.length > max) throw Validation.field(field, `is too long (maximum is ${max} characters)`);
}

/* ---------------------------------------------------------------- Inboxes */

const INBOX_NOTICES: Record<string, Notice> = {
  saved: { kind: "success", title: "Inbox saved" },
  channel: { kind: "success", title: "Connection updated", text: "The provider accepted the new settings." },
  deleted: { kind: "success", title: "Inbox deleted", text: "Its conversations were deleted with it; contacts stay." },
};

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

function settingsValues({ inbox, channel }: InboxWithChannel): InboxSettingsValues {
  return {
    name: inbox.name,
    avatar_url: inbox.avatar_url ?? "",
    greeting_enabled: inbox.greeting_enabled,
    greeting_message: inbox.greeting_message ?? "",
    enable_auto_assignment: inbox.enable_auto_assignment,
    allow_messages_after_resolved: inbox.allow_messages_after_resolved,
    lock_to_single_conversation: inbox.lock_to_single_conversation,
    enable_email_collect: inbox.enable_email_collect,
    csat_survey_enabled: inbox.csat_survey_enabled,
    working_hours_enabled: inbox.working_hours_enabled,
    out_of_office_message: inbox.out_of_office_message ?? "",
    timezone: inbox.timezone,
    sender_name_type: inbox.sender_name_type === "professional" ? "professional" : "friendly",
    business_name: inbox.business_name ?? "",
    webhook_url: channel.webhook_url ?? "",
    hmac_mandatory: channel.hmac_mandatory,
  };
}

function submittedSettings(body: Body): InboxSettingsValues {
  return {
    name: one(body, "name", 300),
    avatar_url: one(body, "avatar_url", 2100),
    greeting_enabled: checked(body, "greeting_enabled"),
    greeting_message: one(body, "greeting_message", 10_001),
    enable_auto_assignment: checked(body, "enable_auto_assignment"),
    allow_messages_after_resolved: checked(body, "allow_messages_after_resolved"),
    lock_to_single_conversation: checked(body, "lock_to_single_conversation"),
    enable_email_collect: checked(body, "enable_email_collect"),
    csat_survey_enabled: checked(body, "csat_survey_enabled"),
    working_hours_enabled: checked(body, "working_hours_enabled"),
    out_of_office_message: one(body, "out_of_office_message", 10_001),
    timezone: one(body, "timezone", 100),
    sender_name_type: one(body, "sender_name_type") === "professional" ? "professional" : "friendly",
    business_name: one(body, "business_name", 300),
    webhook_url: one(body, "webhook_url", 2100),
    hmac_mandatory: checked(body, "hmac_mandatory"),
  };
}

/** The form's values as Chatwoot's PATCH /inboxes/:id input (the same limits as the API). */
function inboxInput(v: InboxSettingsValues, channelType: string): InboxInput {
  if (!v.name) throw Validation.field("name", "can't be blank");
  tooLong("name", v.name, 255);
  tooLong("greeting_message", v.greeting_message, 10_000);
  tooLong("out_of_office_message", v.out_of_office_message, 10_000);
  tooLong("business_name", v.business_name, 255);
  const avatar = optionalHttpUrl().safeParse(v.avatar_url);
  if (!avatar.success) throw Validation.field("avatar_url", avatar.error.issues[0]?.message ?? "is invalid");
  return {
    name: v.name,
    avatar_url: avatar.data,
    greeting_enabled: v.greeting_enabled,
    greeting_message: v.greeting_message || null,
    enable_auto_assignment: v.enable_auto_assignment,
    allow_messages_after_resolved: v.allow_messages_after_resolved,
    lock_to_single_conversation: v.lock_to_single_conversation,
    enable_email_collect: v.enable_email_collect,
    csat_survey_enabled: v.csat_survey_enabled,
    working_hours_enabled: v.working_hours_enabled,
    out_of_office_message: v.out_of_office_message || null,
    timezone: v.timezone,
    sender_name_type: v.sender_name_type,
    business_name: v.business_name || null,
    ...(channelType === "Channel::Api" ? { channel: { webhook_url: v.webhook_url, hmac_mandatory: v.hmac_mandatory } } : {}),
  };
}

/** channel.webhook_url errors are shown under the form's webhook_url field. */
function inboxErrors(errors: FieldErrors): FieldErrors {
  const out: FieldErrors = { ...errors };
  for (const [k, v] of Object.entries(errors)) if (k.startsWith("channel.")) out[k.slice("channel.".length)] = v;
  return out;
}

function collaborator(a: AgentRow): Collaborator {
  return {
    id: a.user.id,
    name: availableName(a.user),
    email: a.user.email,
    role: a.customRole ? a.customRole.name : a.membership.role,
    availability: a.membership.availability,
    avatarUrl: a.user.avatar_url,
  };
}

function collaborators(c: WebContext, scope: AccountScope, inboxId: number) {
  const members = listInboxMembers(c.var.deps.db, scope, inboxId).map(collaborator);
  const memberIds = new Set(members.map((m) => m.id));
  // Administrators see every inbox anyway; the candidates are the agents who would gain it.
  const candidates = listAgentRows(c.var.deps.db, accountId(c))
    .filter((a) => !memberIds.has(a.user.id))
    .map(collaborator);
  return { members, candidates };
}

function inboxSettingsPage(
  c: WebContext,
  row: InboxWithChannel,
  status: 200 | 422,
  extra: { values?: InboxSettingsValues; errors?: FieldErrors; channelErrors?: FieldErrors } = {},
) {
  const page = (
    <InboxSettingsPage
      shell={shellOf(c, "settings", `${row.inbox.name} · Inbox`)}
      access={access(c)}
      inbox={inboxDetail(row)}
      values={extra.values ?? settingsValues(row)}
      errors={extra.errors}
      notice={INBOX_NOTICES[c.req.query("saved") ?? ""]}
      created={c.req.query("created") === "1"}
      channel={channelCard(c, row, extra.channelErrors)}
      assignment={inboxPolicyNote(c, row.inbox.id)}
    />
  );
  return render(c, page, status);
}

function newInboxPage(c: WebContext, status: 200 | 422, extra: { values?: { name: string; webhook_url: string }; errors?: FieldErrors } = {}) {
  const values = extra.values ?? { name: "", webhook_url: "" };
  return render(c, <NewInboxPage shell={shellOf(c, "settings", "Add inbox")} access={access(c)} values={values} errors={extra.errors} channels={pickerChannels(c)} />, status);
}

/* ------------------------------------------------- Channel kinds of the registry (src/channels/<name>/) */

/** Kinds with their own setup form (the API and website channels have pages of their own). */
function formKinds(): ChannelKind<unknown>[] {
  return channelKinds().filter((k) => k.form && k.param !== "api" && k.param !== "web_widget");
}

/** The Add inbox picker: API, Website, then every registered kind with a form. */
function pickerChannels(c: WebContext): PickerChannel[] {
  const base = settingsPath(c, "inboxes");
  return [
    ...builtInChannels(accountId(c)),
    ...formKinds().map((k) => ({ key: k.param, label: k.form!.label, description: k.form!.description, icon: k.form!.icon ?? "inbox", href: `${base}/new/${k.param}` })),
  ];
}

function formKind(param: string | undefined): ChannelKind<unknown> {
  const kind = formKinds().find((k) => k.param === param);
  if (!kind) throw new NotFound("Page");
  return kind;
}

/** The submitted form as the kind's `channel` settings: dotted names nest, checkboxes are booleans, blanks are left out. */
function channelSettingsOf(kind: ChannelKind<unknown>, body: Body): { settings: Record<string, unknown>; values: Record<string, string | boolean> } {
  const settings: Record<string, unknown> = { type: kind.param };
  const values: Record<string, string | boolean> = { name: one(body, "name", 300) };
  for (const f of kind.form!.fields) {
    const value: string | boolean | number | undefined =
      f.type === "checkbox" ? checked(body, f.name) : f.type === "number" ? (one(body, f.name, 50) === "" ? undefined : Number(one(body, f.name, 50))) : one(body, f.name, 5000) || undefined;
    values[f.name] = f.type === "checkbox" ? value === true : f.type === "password" ? "" : one(body, f.name, 5000);
    if (value === undefined) continue;
    const path = f.name.split(".");
    let at = settings;
    for (const key of path.slice(0, -1)) at = (at[key] ??= {}) as Record<string, unknown>;
    at[path[path.length - 1]] = value;
  }
  return { settings, values };
}

function newChannelPage(c: WebContext, kind: ChannelKind<unknown>, status: 200 | 422, values: Record<string, string | boolean> = {}, errors?: FieldErrors) {
  const form = kind.form!;
  const view = {
    param: kind.param,
    label: form.label,
    description: form.description,
    steps: form.steps ?? [],
    fields: form.fields,
    unavailable: form.unavailable?.(c.var.deps) ?? null,
    intro: form.intro?.(c.var.deps, { accountId: accountId(c) }) ?? null,
  };
  return render(
    c,
    <NewChannelInboxPage shell={shellOf(c, "settings", `Add ${form.label} inbox`)} access={access(c)} channels={pickerChannels(c)} kind={view} values={values} errors={errors} />,
    status,
  );
}

/** The inbox page's Channel card for kinds of the registry beyond API and website. */
function channelCard(c: WebContext, row: InboxWithChannel, updateErrors?: FieldErrors): ChannelCardView | undefined {
  const kind = channelKindOf(row.channel.channel_type);
  if (!kind || kind.param === "api" || kind.param === "web_widget") return undefined;
  return {
    label: kind.form?.label ?? channelLabel(row.channel.channel_type),
    status: row.channel.connection_status,
    error: row.channel.connection_error,
    checkedAt: row.channel.connection_checked_at,
    details: kind.details?.(row.channel, { publicUrl: c.var.deps.config.publicUrl, accountId: accountId(c) }) ?? [],
    csrfToken: c.get("csrfToken") ?? "",
    update: updatableFields(kind).length
      ? { action: settingsPath(c, `inboxes/${row.inbox.id}/channel`), fields: updatableFields(kind), errors: updateErrors }
      : undefined,
  };
}

function updatableFields(kind: ChannelKind<unknown>) {
  const names = new Set(kind.form?.updateFields ?? []);
  return (kind.form?.fields ?? []).filter((f) => names.has(f.name));
}

/**
 * Dashboard routes of the kinds (OAuth callbacks…) under …/settings/inboxes/channels/<param>: built once per server
 * (they close over its deps) and run with this request's session, CSRF and account variables.
 */
const kindPages = new WeakMap<AppDeps, Hono<AppEnv>>();
function kindPagesFor(deps: AppDeps): Hono<AppEnv> {
  let app = kindPages.get(deps);
  if (!app) {
    app = new Hono<AppEnv>();
    app.use(async (c, next) => {
      for (const [k, v] of Object.entries((c.env as { vars: Record<string, unknown> }).vars)) c.set(k as never, v as never);
      await next();
    });
    app.route("/app/accounts/:accountId/settings/inboxes/channels", channelDashboardRoutes(deps));
    app.notFound(() => {
      throw new NotFound("Page");
    });
    app.onError((err) => {
      throw err;
    });
    kindPages.set(deps, app);
  }
  return app;
}

function inboxListPage(c: WebContext) {
  const db = c.var.deps.db;
  // A channel whose provider connection is failing says so in the list (the inbox page has the details).
  const trouble = new Map(listInboxes(db, scopeOf(c)).map((r) => [r.inbox.id, r.channel.connection_status]));
  const rows = inboxesWithBots(db, accountId(c)).map((i) => ({
    id: i.id,
    name: i.name,
    channel: channelLabel(i.channel_type),
    botId: i.bot_id,
    connection: connectionProblem(trouble.get(i.id) ?? null),
  }));
  const bots = listAgentBotsForAccount(db, accountId(c)).map((b) => ({ id: b.id, name: b.name }));
  const notice = INBOX_NOTICES[c.req.query("saved") ?? ""];
  return render(c, <InboxesPage shell={shellOf(c, "settings", "Inboxes")} access={access(c)} inboxes={rows} bots={bots} notice={notice} />);
}

function collaboratorsCard(c: WebContext, scope: AccountScope, inboxId: number, error?: string) {
  const { members, candidates } = collaborators(c, scope, inboxId);
  return <CollaboratorsCard accountId={accountId(c)} csrf={c.get("csrfToken") ?? ""} inboxId={inboxId} members={members} candidates={candidates} error={error} />;
}

const inboxRoutes = new Hono<AppEnv>()
  .get("/inboxes", (c) => (adminScope(c, "inboxes"), inboxListPage(c)))
  .get("/inboxes/new", (c) => (adminScope(c, "inboxes"), newInboxPage(c, 200)))
  .all("/inboxes/channels/*", (c) => kindPagesFor(c.var.deps).fetch(c.req.raw, { vars: { ...c.var } }))
  .get("/inboxes/new/:param", (c) => (adminScope(c, "inboxes"), newChannelPage(c, formKind(c.req.param("param")), 200)))
  .post("/inboxes/new/:param", async (c) => {
    const scope = adminScope(c, "inboxes");
    const kind = formKind(c.req.param("param"));
    const { settings, values } = channelSettingsOf(kind, await readBody(c));
    try {
      const name = String(values.name);
      if (!name) throw Validation.field("name", "can't be blank");
      tooLong("name", name, 255);
      const prepared = await prepareChannelCreate(c.var.deps, scope, settings);
      const row = c.var.deps.tx((tx) => createInbox(tx, scope, { name, channel: settings }, prepared));
      return c.redirect(`${settingsPath(c, `inboxes/${row.inbox.id}`)}?created=1`, 303);
    } catch (err) {
      const errors = fieldErrorsOf(err);
      if (!errors) throw err;
      return newChannelPage(c, kind, 422, values, inboxErrors(errors));
    }
  })
  .post("/inboxes", async (c) => {
    const scope = adminScope(c, "inboxes");
    const body = await readBody(c);
    const values = { name: one(body, "name", 300), webhook_url: one(body, "webhook_url", 2100) };
    try {
      if (!values.name) throw Validation.field("name", "can't be blank");
      tooLong("name", values.name, 255);
      const row = c.var.deps.tx((tx) => createInbox(tx, scope, { name: values.name, channel: { type: "api", webhook_url: values.webhook_url } }));
      return c.redirect(`${settingsPath(c, `inboxes/${row.inbox.id}`)}?created=1`, 303);
    } catch (err) {
      const errors = fieldErrorsOf(err);
      if (!errors) throw err;
      return newInboxPage(c, 422, { values, errors: inboxErrors(errors) });
    }
  })
  .get("/inboxes/:inboxId", (c) => {
    const scope = adminScope(c, "inboxes");
    return inboxSettingsPage(c, getVisibleInbox(c.var.deps.db, scope, idOf(c.req.param("inboxId"), "Inbox")), 200);
  })
  .post("/inboxes/:inboxId", async (c) => {
    const scope = adminScope(c, "inboxes");
    const row = getVisibleInbox(c.var.deps.db, scope, idOf(c.req.param("inboxId"), "Inbox"));
    const body = await readBody(c);
    const values = submittedSettings(body);
    try {
      const input = inboxInput(values, row.channel.channel_type);
      const upload = Array.isArray(body.avatar) ? body.avatar[0] : body.avatar;
      if (upload instanceof File && upload.size > 0) input.avatar_url = await saveAvatar(c.var.deps.config, upload);
      c.var.deps.tx((tx) => updateInbox(tx, scope, row.inbox.id, input));
      return c.redirect(`${settingsPath(c, `inboxes/${row.inbox.id}`)}?saved=saved`, 303);
    } catch (err) {
      const errors = fieldErrorsOf(err);
      if (!errors) throw err;
      return inboxSettingsPage(c, row, 422, { values, errors: inboxErrors(errors) });
    }
  })
  // The channel card's "Change the connection" form: the kind's updatable fields as a PATCH of its settings.
  .post("/inboxes/:inboxId/channel", async (c) => {
    const scope = adminScope(c, "inboxes");
    const row = getVisibleInbox(c.var.deps.db, scope, idOf(c.req.param("inboxId"), "Inbox"));
    const kind = channelKindOf(row.channel.channel_type);
    const fields = kind ? updatableFields(kind) : [];
    if (!kind || !fields.length) throw new NotFound("Page");
    const { settings } = channelSettingsOf({ ...kind, form: { ...kind.form!, fields } }, await readBody(c));
    const { type: _type, ...changes } = settings;
    try {
      if (!Object.keys(changes).length) throw Validation.field(`channel.${fields[0].name}`, "can't be blank");
      const prepared = await prepareChannelUpdate(c.var.deps, scope, row.inbox.id, changes);
      c.var.deps.tx((tx) => updateInbox(tx, scope, row.inbox.id, { channel: changes }, prepared));
      return c.redirect(`${settingsPath(c, `inboxes/${row.inbox.id}`)}?saved=channel`, 303);
    } catch (err) {
      const errors = fieldErrorsOf(err);
      if (!errors) throw err;
      return inboxSettingsPage(c, row, 422, { channelErrors: inboxErrors(errors) });
    }
  })
  .post("/inboxes/:inboxId/delete", async (c) => {
    const scope = adminScope(c, "inboxes");
    const inboxId = idOf(c.req.param("inboxId"), "Inbox");
    const { channel } = getVisibleInbox(c.var.deps.db, scope, inboxId);
    const files = c.var.deps.tx((tx) => deleteInbox(tx, scope, inboxId));
    await removeStored(c.var.deps.config.dataDir, files);
    await disconnectChannel(c.var.deps, channel);
    return c.redirect(`${settingsPath(c, "inboxes")}?saved=deleted`, 303);
  })
  .get("/inboxes/:inboxId/collaborators", (c) => {
    const scope = adminScope(c, "inboxes");
    const row = getVisibleInbox(c.var.deps.db, scope, idOf(c.req.param("inboxId"), "Inbox"));
    const { members, candidates } = collaborators(c, scope, row.inbox.id);
    const notice: Notice | undefined = c.req.query("saved") ? { kind: "success", title: "Collaborators saved" } : undefined;
    const page = (
      <InboxCollaboratorsPage shell={shellOf(c, "settings", `${row.inbox.name} · Collaborators`)} access={access(c)} inbox={inboxDetail(row)} members={members} candidates={candidates} notice={notice} />
    );
    return render(c, page);
  })
  .post("/inboxes/:inboxId/collaborators", async (c) => {
    const scope = adminScope(c, "inboxes");
    const inboxId = idOf(c.req.param("inboxId"), "Inbox");
    const raw = one(await readBody(c), "user_id", 20);
    let error: string | undefined;
    try {
      if (!/^\d{1,15}$/.test(raw)) throw Validation.field("user_id", "must be an agent of this account");
      c.var.deps.tx((tx) => addInboxMembers(tx, scope, inboxId, [Number(raw)]));
    } catch (err) {
      const errors = fieldErrorsOf(err);
      if (!errors) throw err;
      error = Object.values(errors)[0];
      if (!isHtmx(c)) return render(c, collaboratorsPageWithError(c, scope, inboxId, error), 422);
    }
    if (!isHtmx(c)) return c.redirect(`${settingsPath(c, `inboxes/${inboxId}/collaborators`)}?saved=1`, 303);
    return error ? c.html(collaboratorsCard(c, scope, inboxId, error), 422) : fragment(c, collaboratorsCard(c, scope, inboxId));
  })
  .post("/inboxes/:inboxId/collaborators/:userId/remove", (c) => {
    const scope = adminScope(c, "inboxes");
    const inboxId = idOf(c.req.param("inboxId"), "Inbox");
    const userId = idOf(c.req.param("userId"), "Agent");
    c.var.deps.tx((tx) => removeInboxMembers(tx, scope, inboxId, [userId]));
    if (!isHtmx(c)) return c.redirect(`${settingsPath(c, `inboxes/${inboxId}/collaborators`)}?saved=1`, 303);
    return fragment(c, collaboratorsCard(c, scope, inboxId));
  })
  .get("/inboxes/:inboxId/configuration", (c) => {
    const scope = adminScope(c, "inboxes");
    const row = getVisibleInbox(c.var.deps.db, scope, idOf(c.req.param("inboxId"), "Inbox"));
    if (!inboxTabs(row.channel.channel_type).some((t) => t.key === "configuration")) throw new NotFound("Page");
    return render(c, <InboxConfigurationPage shell={shellOf(c, "settings", `${row.inbox.name} · Configuration`)} access={access(c)} inbox={inboxDetail(row)} />);
  })
  .get("/inboxes/:inboxId/bot", (c) => {
    const scope = adminScope(c, "inboxes");
    const row = getVisibleInbox(c.var.deps.db, scope, idOf(c.req.param("inboxId"), "Inbox"));
    const db = c.var.deps.db;
    const withBot = inboxesWithBots(db, accountId(c)).find((i) => i.id === row.inbox.id)!;
    const bots = listAgentBotsForAccount(db, accountId(c)).map((b) => ({ id: b.id, name: b.name }));
    const botRow = { id: row.inbox.id, name: row.inbox.name, channel: channelLabel(row.channel.channel_type), botId: withBot.bot_id };
    return render(c, <InboxBotPage shell={shellOf(c, "settings", `${row.inbox.name} · Bot`)} access={access(c)} inbox={inboxDetail(row)} row={botRow} bots={bots} />);
  });

function collaboratorsPageWithError(c: WebContext, scope: AccountScope, inboxId: number, error: string) {
  const row = getVisibleInbox(c.var.deps.db, scope, inboxId);
  const { members, candidates } = collaborators(c, scope, inboxId);
  return (
    <InboxCollaboratorsPage
      shell={shellOf(c, "settings", `${row.inbox.name} · Collaborators`)}
      access={access(c)}
      inbox={inboxDetail(row)}
      members={members}
      candidates={candidates}
      notice={{ kind: "error", title: "The agent was not added", text: error }}
    />
  );
}

/* ---------------------------------------------------------------- Labels */

const LABEL_NOTICES: Record<string, Notice> = {
  created: { kind: "success", title: "Label created" },
  saved: { kind: "success", title: "Label saved" },
  deleted: { kind: "success", title: "Label deleted", text: "It was removed from every conversation and contact." },
};

const labelItem = (l: LabelRow): LabelItem => ({ id: l.id, title: l.title, description: l.description, color: l.color, showOnSidebar: l.show_on_sidebar });

function submittedLabel(body: Body): LabelFormValues {
  return { title: one(body, "title", 300), description: one(body, "description", 10_001), color: one(body, "color", 20) || "#1f93ff", show_on_sidebar: checked(body, "show_on_sidebar") };
}
function labelInput(v: LabelFormValues) {
  tooLong("description", v.description, 10_000);
  return { title: v.title, description: v.description || null, color: v.color, show_on_sidebar: v.show_on_sidebar };
}

function labelsPage(c: WebContext, status: 200 | 422, extra: { values?: LabelFormValues; errors?: FieldErrors } = {}) {
  const labels = listLabels(c.var.deps.db, accountId(c)).map(labelItem);
  const page = <LabelsPage shell={shellOf(c, "settings", "Labels")} access={access(c)} labels={labels} notice={LABEL_NOTICES[c.req.query("saved") ?? ""]} {...extra} />;
  return render(c, page, status);
}
function labelPage(c: WebContext, label: LabelRow, status: 200 | 422, extra: { values?: LabelFormValues; errors?: FieldErrors } = {}) {
  return render(c, <LabelPage shell={shellOf(c, "settings", `${label.title} · Labels`)} access={access(c)} label={labelItem(label)} {...extra} />, status);
}

const labelRoutes = new Hono<AppEnv>()
  .get("/labels", (c) => (adminScope(c, "labels"), labelsPage(c, 200)))
  .post("/labels", async (c) => {
    const scope = adminScope(c, "labels");
    const values = submittedLabel(await readBody(c));
    try {
      const input = labelInput(values);
      c.var.deps.tx((tx) => createLabel(tx, scope, input));
      return c.redirect(`${settingsPath(c, "labels")}?saved=created`, 303);
    } catch (err) {
      const errors = fieldErrorsOf(err);
      if (!errors) throw err;
      return labelsPage(c, 422, { values, errors });
    }
  })
  .get("/labels/:labelId", (c) => {
    adminScope(c, "labels");
    return labelPage(c, getLabel(c.var.deps.db, accountId(c), idOf(c.req.param("labelId"), "Label")), 200);
  })
  .post("/labels/:labelId", async (c) => {
    const scope = adminScope(c, "labels");
    const label = getLabel(c.var.deps.db, accountId(c), idOf(c.req.param("labelId"), "Label"));
    const values = submittedLabel(await readBody(c));
    try {
      const input = labelInput(values);
      c.var.deps.tx((tx) => updateLabel(tx, scope, label.id, input));
      return c.redirect(`${settingsPath(c, "labels")}?saved=saved`, 303);
    } catch (err) {
      const errors = fieldErrorsOf(err);
      if (!errors) throw err;
      return labelPage(c, label, 422, { values, errors });
    }
  })
  .post("/labels/:labelId/delete", (c) => {
    const scope = adminScope(c, "labels");
    const id = idOf(c.req.param("labelId"), "Label");
    c.var.deps.tx((tx) => deleteLabel(tx, scope, id));
    return c.redirect(`${settingsPath(c, "labels")}?saved=deleted`, 303);
  });

/* ---------------------------------------------------------------- Custom roles */

const ROLE_NOTICES: Record<string, Notice> = {
  created: { kind: "success", title: "Custom role created", text: "Give it to agents under Settings → Agents." },
  saved: { kind: "success", title: "Custom role saved" },
  deleted: { kind: "success", title: "Custom role deleted", text: "Its agents now have the built-in agent role." },
};

function roleItems(c: WebContext, scope: AccountScope): RoleItem[] {
  const agents = listAgentRows(c.var.deps.db, accountId(c));
  const holders = (id: number) => agents.filter((a) => a.membership.custom_role_id === id).length;
  return listCustomRoles(c.var.deps.db, scope).map((r) => roleItem(r, holders(r.id)));
}
const roleItem = (r: CustomRoleRow, holders: number): RoleItem => ({ id: r.id, name: r.name, description: r.description, permissions: r.permissions, holders });

function submittedRole(body: Body): RoleFormValues {
  return { name: one(body, "name", 300), description: one(body, "description", 10_001), permissions: many(body, "permissions").slice(0, 50) };
}
const roleInput = (v: RoleFormValues) => ({ name: v.name, description: v.description || null, permissions: v.permissions });

function rolesPage(c: WebContext, scope: AccountScope, status: 200 | 422, extra: { values?: RoleFormValues; errors?: FieldErrors } = {}) {
  const page = <CustomRolesPage shell={shellOf(c, "settings", "Custom roles")} access={access(c)} roles={roleItems(c, scope)} notice={ROLE_NOTICES[c.req.query("saved") ?? ""]} {...extra} />;
  return render(c, page, status);
}
function rolePage(c: WebContext, role: CustomRoleRow, status: 200 | 422, extra: { values?: RoleFormValues; errors?: FieldErrors } = {}) {
  const holders = listAgentRows(c.var.deps.db, accountId(c)).filter((a) => a.membership.custom_role_id === role.id).length;
  return render(c, <CustomRolePage shell={shellOf(c, "settings", `${role.name} · Custom roles`)} access={access(c)} role={roleItem(role, holders)} {...extra} />, status);
}

const roleRoutes = new Hono<AppEnv>()
  .get("/custom-roles", (c) => rolesPage(c, adminScope(c, "custom roles"), 200))
  .post("/custom-roles", async (c) => {
    const scope = adminScope(c, "custom roles");
    const values = submittedRole(await readBody(c));
    try {
      c.var.deps.tx((tx) => createCustomRole(tx, scope, roleInput(values)));
      return c.redirect(`${settingsPath(c, "custom-roles")}?saved=created`, 303);
    } catch (err) {
      const errors = fieldErrorsOf(err);
      if (!errors) throw err;
      return rolesPage(c, scope, 422, { values, errors });
    }
  })
  .get("/custom-roles/:roleId", (c) => {
    const scope = adminScope(c, "custom roles");
    return rolePage(c, showCustomRole(c.var.deps.db, scope, idOf(c.req.param("roleId"), "Custom role")), 200);
  })
  .post("/custom-roles/:roleId", async (c) => {
    const scope = adminScope(c, "custom roles");
    const role = showCustomRole(c.var.deps.db, scope, idOf(c.req.param("roleId"), "Custom role"));
    const values = submittedRole(await readBody(c));
    try {
      c.var.deps.tx((tx) => updateCustomRole(tx, scope, role.id, roleInput(values)));
      return c.redirect(`${settingsPath(c, "custom-roles")}?saved=saved`, 303);
    } catch (err) {
      const errors = fieldErrorsOf(err);
      if (!errors) throw err;
      return rolePage(c, role, 422, { values, errors });
    }
  })
  .post("/custom-roles/:roleId/delete", (c) => {
    const scope = adminScope(c, "custom roles");
    const id = idOf(c.req.param("roleId"), "Custom role");
    c.var.deps.tx((tx) => deleteCustomRole(tx, scope, id));
    return c.redirect(`${settingsPath(c, "custom-roles")}?saved=deleted`, 303);
  });

/* ---------------------------------------------------------------- Profile */

const profileForm = z.object({ name: text().pipe(z.string().min(1, "can't be blank")), display_name: text(), email: text(254) });
const passwordForm = z.object({ current_password: secret(), password: secret(), password_confirmation: secret() });

const PROFILE_NOTICES: Record<string, Notice> = {
  profile: { kind: "success", title: "Profile saved" },
  password: { kind: "success", title: "Password changed", text: "Your other sessions were logged out." },
  token: { kind: "success", title: "New access token created", text: "Update your integrations with the new token." },
  avatar: { kind: "success", title: "Profile picture updated" },
  avatar_removed: { kind: "success", title: "Profile picture removed" },
  preferences: { kind: "success", title: "Preferences saved" },
  notifications: { kind: "success", title: "Notification preferences saved" },
};

/** Readable names of Chatwoot's notification types. */
const NOTIFICATION_LABELS: Record<(typeof NOTIFICATION_TYPES)[number], string> = {
  conversation_creation: "A new conversation is created in one of my inboxes",
  conversation_assignment: "A conversation is assigned to me",
  assigned_conversation_new_message: "A new message arrives in a conversation assigned to me",
  conversation_mention: "I am mentioned in a private note",
  participating_conversation_new_message: "A new message arrives in a conversation I participate in",
  sla_missed_first_response: "An SLA first-response target is missed",
  sla_missed_next_response: "An SLA next-response target is missed",
  sla_missed_resolution: "An SLA resolution target is missed",
};

type ProfileExtra = {
  values?: ProfileValues;
  profileErrors?: FieldErrors;
  passwordErrors?: FieldErrors;
  avatarErrors?: FieldErrors;
  preferences?: PreferenceValues;
  preferenceErrors?: FieldErrors;
  notificationErrors?: FieldErrors;
};

/** Enter sends unless the user turned it off (users.ui_settings.enter_to_send_enabled, read by the reply box). */
export function enterToSendEnabled(uiSettings: Record<string, unknown>): boolean {
  return uiSettings.enter_to_send_enabled !== false;
}

function profilePage(c: WebContext, status: 200 | 422, extra: ProfileExtra = {}) {
  const user = currentUser(c)!;
  const values = extra.values ?? { name: user.name, display_name: user.display_name ?? "", email: user.email };
  const settings = getNotificationSettings(c.var.deps.db, scopeOf(c));
  const notifications: NotificationPrefs = {
    types: NOTIFICATION_TYPES.map((t) => ({ key: t, label: NOTIFICATION_LABELS[t] })),
    email: settings.selected_email_flags,
    push: settings.selected_push_flags,
  };
  const preferences = extra.preferences ?? { message_signature: user.message_signature ?? "", enter_to_send: enterToSendEnabled(user.ui_settings) };
  const page = (
    <ProfilePage
      shell={shellOf(c, "settings", "Profile")}
      access={access(c)}
      values={values}
      accessToken={accessTokenOf(c.var.deps.db, user.id)}
      notice={PROFILE_NOTICES[c.req.query("saved") ?? ""]}
      profileErrors={extra.profileErrors}
      passwordErrors={extra.passwordErrors}
      avatarErrors={extra.avatarErrors}
      preferences={preferences}
      preferenceErrors={extra.preferenceErrors}
      notifications={notifications}
      notificationErrors={extra.notificationErrors}
    />
  );
  return render(c, page, status);
}

const profileDone = (c: WebContext, what: string) => c.redirect(`${settingsPath(c, "profile")}?saved=${what}`, 303);

const profileRoutes = new Hono<AppEnv>()
  .get("/profile", (c) => profilePage(c, 200))
  .post("/profile", async (c) => {
    try {
      const form = await readForm(c, profileForm);
      c.var.deps.tx((tx) => updateUser(tx, currentUser(c)!.id, { name: form.name, displayName: form.display_name || null, email: form.email }));
      return profileDone(c, "profile");
    } catch (err) {
      const errors = fieldErrorsOf(err);
      if (!errors) throw err;
      return profilePage(c, 422, { values: await submitted(c, ["name", "display_name", "email"]), profileErrors: errors });
    }
  })
  .post("/profile/password", async (c) => {
    try {
      const form = await readForm(c, passwordForm);
      if (form.password !== form.password_confirmation) throw Validation.field("password_confirmation", "doesn't match the new password");
      const input = { userId: currentUser(c)!.id, currentPassword: form.current_password, password: form.password, keepSessionId: currentSessionId(c) };
      await changePassword(c.var.deps, input);
      return profileDone(c, "password");
    } catch (err) {
      const errors = fieldErrorsOf(err);
      if (!errors) throw err;
      return profilePage(c, 422, { passwordErrors: errors });
    }
  })
  .post("/profile/access_token", (c) => {
    c.var.deps.tx((tx) => resetAccessToken(tx, currentUser(c)!.id));
    return profileDone(c, "token");
  })
  .post("/profile/avatar", async (c) => {
    try {
      const file = (await readBody(c)).avatar;
      const upload = Array.isArray(file) ? file[0] : file;
      if (!(upload instanceof File) || upload.size === 0) throw Validation.field("avatar", "choose an image to upload");
      const url = await saveAvatar(c.var.deps.config, upload);
      c.var.deps.tx((tx) => updateUser(tx, currentUser(c)!.id, { avatarUrl: url }));
      return profileDone(c, "avatar");
    } catch (err) {
      const errors = fieldErrorsOf(err);
      if (!errors) throw err;
      return profilePage(c, 422, { avatarErrors: errors });
    }
  })
  .post("/profile/avatar/delete", (c) => {
    c.var.deps.tx((tx) => updateUser(tx, currentUser(c)!.id, { avatarUrl: null }));
    return profileDone(c, "avatar_removed");
  })
  .post("/profile/preferences", async (c) => {
    const body = await readBody(c);
    const preferences = { message_signature: one(body, "message_signature", 10_001), enter_to_send: checked(body, "enter_to_send") };
    try {
      tooLong("message_signature", preferences.message_signature, 10_000);
      c.var.deps.tx((tx) =>
        updateUser(tx, currentUser(c)!.id, { messageSignature: preferences.message_signature || null, uiSettings: { enter_to_send_enabled: preferences.enter_to_send } }),
      );
      return profileDone(c, "preferences");
    } catch (err) {
      const errors = fieldErrorsOf(err);
      if (!errors) throw err;
      return profilePage(c, 422, { preferences, preferenceErrors: errors });
    }
  })
  .post("/profile/notifications", async (c) => {
    const body = await readBody(c);
    try {
      const input = { selected_email_flags: many(body, "selected_email_flags"), selected_push_flags: many(body, "selected_push_flags") };
      c.var.deps.tx((tx) => updateNotificationSettings(tx, scopeOf(c), input));
      return profileDone(c, "notifications");
    } catch (err) {
      const errors = fieldErrorsOf(err);
      if (!errors) throw err;
      return profilePage(c, 422, { notificationErrors: errors });
    }
  });

/** Mounted at /app/accounts/:accountId/settings (before the other settings routers). */
export const moreSettingsRoutes = new Hono<AppEnv>().route("/", inboxWidgetRoutes).route("/", inboxRoutes).route("/", labelRoutes).route("/", roleRoutes).route("/", profileRoutes);
