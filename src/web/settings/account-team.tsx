/** @jsxImportSource hono/jsx */
// Settings → Account, Agents and Teams, for administrators (anyone else gets 404). Every action calls the same
// domain function as the Application API, so its rules (last administrator, no self-delete, team members from
// the account only …) hold in one place; domain validation errors are shown inline under the fields.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../deps.ts";
import { isAdministrator, resolveAccountScope, type AccountScope } from "../../domain/accounts/access.ts";
import { updateAccountSettings } from "../../domain/accounts/commands.ts";
import { getAccount, type AccountRow } from "../../domain/accounts/queries.ts";
import { inviteAgent, removeAgent, resendInvitation, sendAgentPasswordReset, updateAgent, type RoleChoice } from "../../domain/agents/commands.ts";
import { listAgentRows, type AgentRow } from "../../domain/agents/queries.ts";
import { listCustomRoles } from "../../domain/custom-roles/queries.ts";
import { NotFound, Validation } from "../../domain/errors.ts";
import { addTeamMembers, createTeam, deleteTeam, removeTeamMembers, updateTeam } from "../../domain/teams/commands.ts";
import { getTeam, listTeamMembers, listTeams, teamMemberIds, type TeamRow } from "../../domain/teams/queries.ts";
import { availableName } from "../../domain/users/serialize.ts";
import type { FieldErrors, Notice } from "../../../views/components/form.tsx";
import type { Availability } from "../../../views/components/avatar.tsx";
import { accountPath } from "../../../views/layouts/app.tsx";
import { AccountSettingsPage, AUTO_RESOLVE_UNITS, LOCALES, type AccountValues } from "../../../views/pages/settings/account.tsx";
import { AgentsPage, type AgentItem, type AgentsModal, type RoleOption } from "../../../views/pages/settings/agents.tsx";
import { TeamPage, TeamsPage, type MemberItem, type TeamItem, type TeamValues } from "../../../views/pages/settings/teams.tsx";
import { currentUser, render, shellOf, type WebContext } from "../context.ts";
import { readForm, text } from "../forms.ts";
import { access } from "../settings.tsx";
import { accountIdOf, idParam, savedNotice, withFormErrors } from "./crud.ts";

const NOTICES: Record<string, Notice> = {
  account: { kind: "success", title: "Account settings saved" },
  invited: { kind: "success", title: "Agent added", text: "We emailed them an invitation. They show as Verification Pending until they confirm and set a password." },
  updated: { kind: "success", title: "Agent updated" },
  resent: { kind: "success", title: "Invitation sent again", text: "Ask them to check their spam folder too." },
  reset: { kind: "success", title: "Password reset email sent", text: "The link lets them choose a new password." },
  deleted: { kind: "success", title: "Agent deleted", text: "Their teams, inboxes and assigned conversations are being cleaned up in the background." },
  "team-created": { kind: "success", title: "Team created", text: "Now add its members." },
  "team-saved": { kind: "success", title: "Team saved" },
  "team-deleted": { kind: "success", title: "Team deleted" },
  "members-added": { kind: "success", title: "Members added" },
  "member-removed": { kind: "success", title: "Member removed" },
};

const path = (c: WebContext, rest: string) => accountPath(accountIdOf(c), `settings/${rest}`);
const noticeOf = (c: WebContext) => savedNotice(c, NOTICES);

/** The administrator's scope in this account; anyone else is told the page does not exist. */
function adminScope(c: WebContext): AccountScope {
  const scope = resolveAccountScope(c.var.deps.db, c.get("actor"), accountIdOf(c));
  if (!isAdministrator(scope)) throw new NotFound("Page");
  return scope;
}


// ---------- Account ----------

const MAX_MINUTES = 1_439_856;
const accountForm = z.object({
  name: text(),
  locale: text(20).pipe(z.enum(LOCALES.map((l) => l.value) as [string, ...string[]], { message: "is not a supported language" })),
  support_email: text(254),
  auto_resolve_after: text(12).pipe(z.string().regex(/^\d*$/, "must be a whole number")),
  auto_resolve_unit: text(10).pipe(z.enum(["minutes", "hours", "days"], { message: "must be minutes, hours or days" })),
  auto_resolve_message: text(1000),
  auto_resolve_ignore_waiting: z.string().optional(),
});

function accountValues(account: AccountRow): AccountValues {
  const minutes = account.auto_resolve_duration;
  const unit = minutes == null ? "days" : minutes % 1440 === 0 ? "days" : minutes % 60 === 0 ? "hours" : "minutes";
  const per = AUTO_RESOLVE_UNITS.find((u) => u.value === unit)!.minutes;
  const settings = account.settings as Record<string, unknown>;
  return {
    name: account.name,
    locale: account.locale,
    support_email: account.support_email ?? "",
    auto_resolve_after: minutes == null ? "" : String(minutes / per),
    auto_resolve_unit: unit,
    auto_resolve_message: typeof settings.auto_resolve_message === "string" ? settings.auto_resolve_message : "",
    auto_resolve_ignore_waiting: settings.auto_resolve_ignore_waiting === true,
  };
}

async function submittedAccount(c: WebContext): Promise<AccountValues> {
  const body = await c.req.parseBody();
  const s = (k: string) => (typeof body[k] === "string" ? (body[k] as string).slice(0, 1000) : "");
  return {
    name: s("name"),
    locale: s("locale"),
    support_email: s("support_email"),
    auto_resolve_after: s("auto_resolve_after"),
    auto_resolve_unit: s("auto_resolve_unit") || "days",
    auto_resolve_message: s("auto_resolve_message"),
    auto_resolve_ignore_waiting: s("auto_resolve_ignore_waiting") === "1",
  };
}

function accountPage(c: WebContext, scope: AccountScope, status: 200 | 422, values?: AccountValues, errors?: FieldErrors) {
  const account = getAccount(c.var.deps.db, scope.account.id);
  const page = (
    <AccountSettingsPage
      shell={shellOf(c, "settings", "Account settings")}
      access={access(c)}
      accountId={account.id}
      values={values ?? accountValues(account)}
      errors={errors}
      notice={status === 200 ? noticeOf(c) : undefined}
    />
  );
  return render(c, page, status);
}

// ---------- Agents ----------

const inviteForm = z.object({
  name: text().pipe(z.string().min(1, "can't be blank")),
  email: text(254).pipe(z.string().min(1, "can't be blank")),
  role: text(),
});
const editForm = z.object({
  name: text().pipe(z.string().min(1, "can't be blank")),
  role: text(),
  availability: text(10).pipe(z.enum(["online", "busy", "offline"], { message: "must be Online, Busy or Offline" })),
});

/** The role select's value: "administrator", "agent" or "custom:<id>". */
function roleChoiceOf(value: string): RoleChoice {
  const custom = /^custom:(\d{1,12})$/.exec(value);
  if (custom) return { customRoleId: Number(custom[1]) };
  if (value === "administrator" || value === "agent") return { role: value, customRoleId: null };
  throw Validation.field("role", "must be Administrator, Agent or one of your custom roles");
}

/** Domain errors about the custom role belong under the Role field. */
function roleErrors(errors: FieldErrors): FieldErrors {
  if (errors.custom_role_id && !errors.role) return { ...errors, role: errors.custom_role_id };
  return errors;
}

function roleOptions(c: WebContext, scope: AccountScope): RoleOption[] {
  const custom = listCustomRoles(c.var.deps.db, scope).map((r) => ({ value: `custom:${r.id}`, label: r.name, description: r.description ?? undefined }));
  return [{ value: "administrator", label: "Administrator" }, { value: "agent", label: "Agent" }, ...custom];
}

function agentItem(row: AgentRow, viewerId: number): AgentItem {
  const { user, membership, customRole } = row;
  return {
    id: user.id,
    name: availableName(user),
    email: user.email,
    avatarUrl: user.avatar_url,
    roleValue: customRole ? `custom:${customRole.id}` : membership.role,
    roleLabel: customRole ? customRole.name : membership.role === "administrator" ? "Administrator" : "Agent",
    availability: membership.availability as Availability,
    confirmed: user.confirmed_at !== null,
    isSelf: user.id === viewerId,
  };
}

/** ?modal=invite | edit-<id> | delete-<id>: the no-JavaScript way to open a dialog. */
function modalFromQuery(raw: string | undefined): AgentsModal | null {
  if (raw === "invite") return { kind: "invite" };
  const m = /^(edit|delete)-(\d{1,12})$/.exec(raw ?? "");
  if (!m) return null;
  return m[1] === "edit" ? { kind: "edit", id: Number(m[2]) } : { kind: "delete", id: Number(m[2]) };
}

function agentsPage(c: WebContext, scope: AccountScope, status: 200 | 422, modal: AgentsModal | null) {
  const roles = roleOptions(c, scope);
  const agents = listAgentRows(c.var.deps.db, scope.account.id).map((row) => agentItem(row, currentUser(c)!.id));
  const page = (
    <AgentsPage
      shell={shellOf(c, "settings", "Agents")}
      access={access(c)}
      agents={agents}
      roles={roles}
      hasCustomRoles={roles.length > 2}
      notice={status === 200 ? noticeOf(c) : undefined}
      modal={modal}
    />
  );
  return render(c, page, status);
}

// ---------- Teams ----------

const teamForm = z.object({
  name: text(),
  description: text(10_000),
  allow_auto_assign: z.string().optional(),
});

function teamItem(db: WebContext["var"]["deps"]["db"], team: TeamRow): TeamItem {
  return { id: team.id, name: team.name, description: team.description, allowAutoAssign: team.allow_auto_assign, memberCount: teamMemberIds(db, team.id).length };
}

function memberItem(row: AgentRow): MemberItem {
  return { id: row.user.id, name: availableName(row.user), email: row.user.email, avatarUrl: row.user.avatar_url, confirmed: row.user.confirmed_at !== null };
}

async function submittedTeam(c: WebContext): Promise<TeamValues> {
  const body = await c.req.parseBody();
  const s = (k: string) => (typeof body[k] === "string" ? (body[k] as string).slice(0, 10_000) : "");
  return { name: s("name").slice(0, 300), description: s("description"), allow_auto_assign: s("allow_auto_assign") === "1" };
}

function teamsPage(c: WebContext, scope: AccountScope, status: 200 | 422, create: { open: boolean; values?: TeamValues; errors?: FieldErrors }) {
  const teams = listTeams(c.var.deps.db, scope).map((v) => teamItem(c.var.deps.db, v.team));
  const page = <TeamsPage shell={shellOf(c, "settings", "Teams")} access={access(c)} teams={teams} notice={status === 200 ? noticeOf(c) : undefined} create={create} />;
  return render(c, page, status);
}

function teamPage(
  c: WebContext,
  scope: AccountScope,
  teamId: number,
  status: 200 | 422,
  extra: { values?: TeamValues; errors?: FieldErrors; memberErrors?: FieldErrors; confirmDelete?: boolean } = {},
) {
  const db = c.var.deps.db;
  const team = getTeam(db, scope.account.id, teamId);
  const members = listTeamMembers(db, scope, team.id);
  const memberIds = new Set(members.map((m) => m.user.id));
  const candidates = listAgentRows(db, scope.account.id).filter((row) => !memberIds.has(row.user.id));
  const page = (
    <TeamPage
      shell={shellOf(c, "settings", `Team ${team.name}`)}
      access={access(c)}
      team={teamItem(db, team)}
      members={members.map(memberItem)}
      candidates={candidates.map(memberItem)}
      notice={status === 200 ? noticeOf(c) : undefined}
      values={extra.values}
      errors={extra.errors}
      memberErrors={extra.memberErrors}
      confirmDelete={extra.confirmDelete ?? false}
    />
  );
  return render(c, page, status);
}

/** Checked agents arrive as repeated `user_ids` fields. */
async function submittedUserIds(c: WebContext): Promise<number[]> {
  const body = await c.req.parseBody({ all: true });
  const raw = body.user_ids;
  const list = (Array.isArray(raw) ? raw : raw == null ? [] : [raw]).filter((v): v is string => typeof v === "string");
  if (list.length === 0) throw Validation.field("user_ids", "pick at least one agent to add");
  if (list.length > 500 || list.some((v) => !/^\d{1,12}$/.test(v))) throw Validation.field("user_ids", "must be agents of this account");
  return list.map(Number);
}

/** Mounted at /app/accounts/:accountId/settings (after the member check of accountRoutes). */
export const accountTeamSettingsRoutes = new Hono<AppEnv>()
  // Account
  .get("/account", (c) => accountPage(c, adminScope(c), 200))
  .post("/account", async (c) => {
    const scope = adminScope(c);
    return withFormErrors(
      async () => {
        const form = await readForm(c, accountForm);
        if (!form.name) throw Validation.field("name", "can't be blank");
        let minutes: number | null = null;
        if (form.auto_resolve_after !== "") {
          const per = AUTO_RESOLVE_UNITS.find((u) => u.value === form.auto_resolve_unit)!.minutes;
          minutes = Number(form.auto_resolve_after) * per;
          if (!Number.isSafeInteger(minutes) || minutes < 10 || minutes > MAX_MINUTES) throw Validation.field("auto_resolve_after", "must be between 10 minutes and 999 days");
        }
        c.var.deps.tx((tx) =>
          updateAccountSettings(tx, scope, {
            name: form.name,
            locale: form.locale,
            support_email: form.support_email || null,
            auto_resolve_duration: minutes,
            settings: { auto_resolve_message: form.auto_resolve_message, auto_resolve_ignore_waiting: form.auto_resolve_ignore_waiting === "1" },
          }),
        );
        return c.redirect(`${path(c, "account")}?saved=account`, 303);
      },
      async (errors) => accountPage(c, scope, 422, await submittedAccount(c), errors),
    );
  })
  // Agents
  .get("/agents", (c) => agentsPage(c, adminScope(c), 200, modalFromQuery(c.req.query("modal"))))
  .post("/agents", async (c) => {
    const scope = adminScope(c);
    let values = { name: "", email: "", role: "agent" };
    return withFormErrors(
      async () => {
        const body = await c.req.parseBody();
        const s = (k: string) => (typeof body[k] === "string" ? (body[k] as string).slice(0, 300) : "");
        values = { name: s("name"), email: s("email"), role: s("role") || "agent" };
        const form = await readForm(c, inviteForm);
        await inviteAgent(c.var.deps, scope, { name: form.name, email: form.email, ...roleChoiceOf(form.role) });
        return c.redirect(`${path(c, "agents")}?saved=invited`, 303);
      },
      (errors) => agentsPage(c, scope, 422, { kind: "invite", values, errors: roleErrors(errors) }),
    );
  })
  .post("/agents/:id", async (c) => {
    const scope = adminScope(c);
    const id = idParam(c.req.param("id"), "Agent");
    let values = { name: "", role: "", availability: "" };
    return withFormErrors(
      async () => {
        const body = await c.req.parseBody();
        const s = (k: string) => (typeof body[k] === "string" ? (body[k] as string).slice(0, 300) : "");
        values = { name: s("name"), role: s("role"), availability: s("availability") };
        const form = await readForm(c, editForm);
        await updateAgent(c.var.deps, scope, id, { name: form.name, availability: form.availability, ...roleChoiceOf(form.role) });
        return c.redirect(`${path(c, "agents")}?saved=updated`, 303);
      },
      (errors) => agentsPage(c, scope, 422, { kind: "edit", id, values, errors: roleErrors(errors) }),
    );
  })
  .post("/agents/:id/delete", async (c) => {
    const scope = adminScope(c);
    const id = idParam(c.req.param("id"), "Agent");
    return withFormErrors(
      () => {
        c.var.deps.tx((tx) => removeAgent(tx, scope, id));
        return c.redirect(`${path(c, "agents")}?saved=deleted`, 303);
      },
      (errors) => agentsPage(c, scope, 422, { kind: "delete", id, errors }),
    );
  })
  .post("/agents/:id/resend", async (c) => {
    const scope = adminScope(c);
    const id = idParam(c.req.param("id"), "Agent");
    return withFormErrors(
      async () => {
        await resendInvitation(c.var.deps, scope, id);
        return c.redirect(`${path(c, "agents")}?saved=resent`, 303);
      },
      (errors) => agentsPage(c, scope, 422, { kind: "edit", id, errors: { base: Object.values(errors)[0] } }),
    );
  })
  .post("/agents/:id/reset_password", async (c) => {
    const scope = adminScope(c);
    const id = idParam(c.req.param("id"), "Agent");
    await sendAgentPasswordReset(c.var.deps, scope, id);
    return c.redirect(`${path(c, "agents")}?saved=reset`, 303);
  })
  // A form that failed validation leaves its POST address in the location bar: reloading it (a GET) reopens the dialog.
  .get("/agents/:id", (c) => (adminScope(c), c.redirect(`${path(c, "agents")}?modal=edit-${idParam(c.req.param("id"), "Agent")}`, 302)))
  .get("/agents/:id/delete", (c) => (adminScope(c), c.redirect(`${path(c, "agents")}?modal=delete-${idParam(c.req.param("id"), "Agent")}`, 302)))
  // Teams
  .get("/teams", (c) => teamsPage(c, adminScope(c), 200, { open: c.req.query("modal") === "create" }))
  .post("/teams", async (c) => {
    const scope = adminScope(c);
    return withFormErrors(
      async () => {
        const form = await readForm(c, teamForm);
        const team = c.var.deps.tx((tx) => createTeam(tx, scope, { name: form.name, description: form.description || null, allowAutoAssign: form.allow_auto_assign === "1" }));
        return c.redirect(`${path(c, `teams/${team.id}`)}?saved=team-created`, 303);
      },
      async (errors) => teamsPage(c, scope, 422, { open: true, values: await submittedTeam(c), errors }),
    );
  })
  .get("/teams/:id", (c) => teamPage(c, adminScope(c), idParam(c.req.param("id"), "Team"), 200, { confirmDelete: c.req.query("modal") === "delete" }))
  .post("/teams/:id", async (c) => {
    const scope = adminScope(c);
    const id = idParam(c.req.param("id"), "Team");
    return withFormErrors(
      async () => {
        const form = await readForm(c, teamForm);
        c.var.deps.tx((tx) => updateTeam(tx, scope, id, { name: form.name, description: form.description || null, allowAutoAssign: form.allow_auto_assign === "1" }));
        return c.redirect(`${path(c, `teams/${id}`)}?saved=team-saved`, 303);
      },
      async (errors) => teamPage(c, scope, id, 422, { values: await submittedTeam(c), errors }),
    );
  })
  .post("/teams/:id/delete", (c) => {
    const scope = adminScope(c);
    const id = idParam(c.req.param("id"), "Team");
    c.var.deps.tx((tx) => deleteTeam(tx, scope, id));
    return c.redirect(`${path(c, "teams")}?saved=team-deleted`, 303);
  })
  .get("/teams/:id/members", (c) => (adminScope(c), c.redirect(path(c, `teams/${idParam(c.req.param("id"), "Team")}`), 302)))
  .post("/teams/:id/members", async (c) => {
    const scope = adminScope(c);
    const id = idParam(c.req.param("id"), "Team");
    return withFormErrors(
      async () => {
        const userIds = await submittedUserIds(c);
        c.var.deps.tx((tx) => addTeamMembers(tx, scope, id, userIds));
        return c.redirect(`${path(c, `teams/${id}`)}?saved=members-added`, 303);
      },
      (errors) => teamPage(c, scope, id, 422, { memberErrors: errors }),
    );
  })
  .post("/teams/:id/members/:userId/delete", (c) => {
    const scope = adminScope(c);
    const id = idParam(c.req.param("id"), "Team");
    const userId = idParam(c.req.param("userId"), "Member");
    c.var.deps.tx((tx) => removeTeamMembers(tx, scope, id, [userId]));
    return c.redirect(`${path(c, `teams/${id}`)}?saved=member-removed`, 303);
  });
