/** @jsxImportSource hono/jsx */
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../deps.ts";
import { changePassword } from "../domain/auth/commands.ts";
import { Forbidden, NotFound, Validation } from "../domain/errors.ts";
import { assertCanManageJobs, retryDeadJob } from "../domain/system/jobs.ts";
import { listOutboxFor } from "../domain/system/outbox.ts";
import { jobCounts, listDeadJobs } from "../domain/system/queries.ts";
import { resetAccessToken, updateUser } from "../domain/users/commands.ts";
import { accessTokenOf } from "../domain/users/queries.ts";
import type { FieldErrors } from "../../views/components/form.tsx";
import { accountPath } from "../../views/layouts/app.tsx";
import { JobsPage } from "../../views/pages/settings/jobs.tsx";
import { OutboxPage, type OutboxItem } from "../../views/pages/settings/outbox.tsx";
import type { Notice } from "../../views/components/form.tsx";
import { ProfilePage, type ProfileValues } from "../../views/pages/settings/profile.tsx";
import { currentSessionId, currentUser, isAdmin, isSuperAdmin, render, shellOf, type WebContext } from "./context.ts";
import { fieldErrorsOf, readForm, secret, submitted, text } from "./forms.ts";

const profileForm = z.object({ name: text().pipe(z.string().min(1, "can't be blank")), display_name: text(), email: text(254) });
const passwordForm = z.object({ current_password: secret(), password: secret(), password_confirmation: secret() });

const PROFILE_NOTICES: Record<string, Notice> = {
  profile: { kind: "success", title: "Profile saved" },
  password: { kind: "success", title: "Password changed", text: "Your other sessions were logged out." },
  token: { kind: "success", title: "New access token created", text: "Update your integrations with the new token." },
};

export const access = (c: WebContext) => ({ outbox: isAdmin(c) || isSuperAdmin(c), jobs: isSuperAdmin(c), admin: isAdmin(c) });
const settingsPath = (c: WebContext, page: string) => accountPath(c.var.membership.account_id, `settings/${page}`);

function profilePage(c: WebContext, status: 200 | 422, extra: { values?: ProfileValues; profileErrors?: FieldErrors; passwordErrors?: FieldErrors } = {}) {
  const user = currentUser(c)!;
  const values = extra.values ?? { name: user.name, display_name: user.display_name ?? "", email: user.email };
  const notice = PROFILE_NOTICES[c.req.query("saved") ?? ""];
  const token = accessTokenOf(c.var.deps.db, user.id);
  const page = (
    <ProfilePage
      shell={shellOf(c, "settings", "Profile")}
      access={access(c)}
      values={values}
      accessToken={token}
      notice={notice}
      profileErrors={extra.profileErrors}
      passwordErrors={extra.passwordErrors}
    />
  );
  return render(c, page, status);
}

function mailItem(m: ReturnType<typeof listOutboxFor>[number]): OutboxItem {
  return { id: m.id, to: m.to_address, subject: m.subject, status: m.status, error: m.error, createdAt: m.created_at, text: m.text_body };
}

/** /app/accounts/:accountId/settings/… (mounted under accountRoutes: the viewer is a member). */
export const settingsRoutes = new Hono<AppEnv>()
  .get("/", (c) => c.redirect(settingsPath(c, "profile"), 302))
  .get("/profile", (c) => profilePage(c, 200))
  .post("/profile", async (c) => {
    try {
      const form = await readForm(c, profileForm);
      c.var.deps.tx((tx) => updateUser(tx, currentUser(c)!.id, { name: form.name, displayName: form.display_name || null, email: form.email }));
      return c.redirect(`${settingsPath(c, "profile")}?saved=profile`, 303);
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
      return c.redirect(`${settingsPath(c, "profile")}?saved=password`, 303);
    } catch (err) {
      const errors = fieldErrorsOf(err);
      if (!errors) throw err;
      return profilePage(c, 422, { passwordErrors: errors });
    }
  })
  .post("/profile/access_token", (c) => {
    c.var.deps.tx((tx) => resetAccessToken(tx, currentUser(c)!.id));
    return c.redirect(`${settingsPath(c, "profile")}?saved=token`, 303);
  })
  .get("/outbox", (c) => {
    if (!isAdmin(c) && !isSuperAdmin(c)) throw new Forbidden("Only administrators can read the mail outbox");
    const mails = listOutboxFor(c.var.deps.db, currentUser(c)!, c.var.membership).map(mailItem);
    const selected = mails.find((m) => String(m.id) === c.req.query("mail")) ?? null;
    const smtp = c.var.deps.config.smtpUrl !== null;
    const page = <OutboxPage shell={shellOf(c, "settings", "Mail outbox")} access={access(c)} mails={mails} selected={selected} smtpConfigured={smtp} now={c.var.deps.clock.now()} />;
    return render(c, page);
  })
  .get("/jobs", (c) => {
    assertCanManageJobs(currentUser(c)!);
    const dead = listDeadJobs(c.var.deps.db).map((j) => ({ id: j.id, kind: j.kind, attempts: j.attempts, maxAttempts: j.max_attempts, lastError: j.last_error, failedAt: j.finished_at }));
    const retried = c.req.query("retried");
    const notice: Notice | undefined = retried ? { kind: "success", title: `Job #${Number(retried)} is queued again` } : undefined;
    const shell = shellOf(c, "settings", "Background jobs");
    return render(c, <JobsPage shell={shell} access={access(c)} counts={jobCounts(c.var.deps.db)} dead={dead} notice={notice} now={c.var.deps.clock.now()} />);
  })
  .post("/jobs/:jobId/retry", (c) => {
    const jobId = /^\d{1,15}$/.test(c.req.param("jobId")) ? Number(c.req.param("jobId")) : NaN;
    if (!Number.isSafeInteger(jobId)) throw new NotFound("Dead job");
    const job = c.var.deps.tx((tx) => retryDeadJob(tx, currentUser(c)!, jobId));
    return c.redirect(`${settingsPath(c, "jobs")}?retried=${job.id}`, 303);
  });
