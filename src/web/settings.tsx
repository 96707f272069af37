/** @jsxImportSource hono/jsx */
import { Hono } from "hono";
import type { AppEnv } from "../deps.ts";
import { Forbidden, NotFound } from "../domain/errors.ts";
import { assertCanManageJobs, retryDeadJob } from "../domain/system/jobs.ts";
import { listOutboxFor } from "../domain/system/outbox.ts";
import { jobCounts, listDeadJobs } from "../domain/system/queries.ts";
import { accountPath } from "../../views/layouts/app.tsx";
import { JobsPage } from "../../views/pages/settings/jobs.tsx";
import { OutboxPage, type OutboxItem } from "../../views/pages/settings/outbox.tsx";
import type { Notice } from "../../views/components/form.tsx";
import { currentUser, isAdmin, isSuperAdmin, render, shellOf, type WebContext } from "./context.ts";

export const access = (c: WebContext) => ({ outbox: isAdmin(c) || isSuperAdmin(c), jobs: isSuperAdmin(c), admin: isAdmin(c) });
const settingsPath = (c: WebContext, page: string) => accountPath(c.var.membership.account_id, `settings/${page}`);

function mailItem(m: ReturnType<typeof listOutboxFor>[number]): OutboxItem {
  return { id: m.id, to: m.to_address, subject: m.subject, status: m.status, error: m.error, createdAt: m.created_at, text: m.text_body };
}

/** /app/accounts/:accountId/settings/… (mounted under accountRoutes: the viewer is a member). Profile: src/web/settings/inbox-label-role-profile.tsx. */
export const settingsRoutes = new Hono<AppEnv>()
  .get("/", (c) => c.redirect(settingsPath(c, "profile"), 302))
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
