/** @jsxImportSource hono/jsx */
import { EmptyState } from "../../components/empty-state.tsx";
import type { Notice } from "../../components/form.tsx";
import { Icon, type IconName } from "../../components/icon.tsx";
import { PostButton } from "../../components/settings-list.tsx";
import { Time } from "../../components/time.tsx";
import { accountPath, type Shell } from "../../layouts/app.tsx";
import { SettingsFrame } from "./frame.tsx";
import type { SettingsAccess } from "./layout.tsx";

export type JobCounts = { pending: number; running: number; dead: number };
export type DeadJob = { id: number; kind: string; attempts: number; maxAttempts: number; lastError: string | null; failedAt: number | null };

export function JobsPage(props: { shell: Shell; access: SettingsAccess; counts: JobCounts; dead: DeadJob[]; notice?: Notice; now: number }) {
  const base = accountPath(props.shell.accountId, "settings/jobs");
  const stat = (label: string, value: number, icon: IconName, tone: string) => (
    <section class={`card metric metric-${tone}`}>
      <p class="metric-label">
        <Icon name={icon} size={16} /> {label}
      </p>
      <p class="metric-value" data-testid={`jobs-${label.toLowerCase()}`}>
        {value}
      </p>
    </section>
  );
  return (
    <SettingsFrame
      shell={props.shell}
      access={props.access}
      page="jobs"
      title="Background jobs"
      subtitle="Emails, webhooks and other work Parley does outside of requests."
      notice={props.notice}
      noticeId="jobs-notice"
    >
      <div class="metric-grid metric-grid-3">
        {stat("Pending", props.counts.pending, "clock", "neutral")}
        {stat("Running", props.counts.running, "activity", "info")}
        {stat("Dead", props.counts.dead, "alert", props.counts.dead ? "danger" : "neutral")}
      </div>
      <section class="card table-card" aria-labelledby="dead-heading">
        <header class="card-header">
          <div>
            <h2 id="dead-heading" class="card-title">
              Dead jobs
            </h2>
            <p class="card-subtitle">Jobs that failed every attempt. Fix the cause, then retry them.</p>
          </div>
        </header>
        {props.dead.length === 0 ? (
          <EmptyState icon="checkCircle" title="No dead jobs">
            Every job so far either succeeded or is still being retried.
          </EmptyState>
        ) : (
          <table class="table">
            <thead>
              <tr>
                <th scope="col">Job</th>
                <th scope="col">Kind</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last error</th>
                <th scope="col">Died</th>
                <th scope="col" class="col-actions">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {props.dead.map((j) => (
                <tr data-job-id={String(j.id)}>
                  <td class="muted mono">#{j.id}</td>
                  <td>
                    <code class="kind">{j.kind}</code>
                  </td>
                  <td>
                    {j.attempts} / {j.maxAttempts}
                  </td>
                  <td class="error-cell">
                    <span class="mono small" title={j.lastError ?? ""}>
                      {j.lastError ?? "—"}
                    </span>
                  </td>
                  <td class="muted">{j.failedAt ? <Time at={j.failedAt} now={props.now} /> : "—"}</td>
                  <td class="col-actions">
                    <PostButton
                      action={`${base}/${j.id}/retry`}
                      csrf={props.shell.doc.csrfToken}
                      class="btn btn-secondary btn-sm"
                      label={
                        <>
                          <Icon name="retry" size={14} /> Retry
                        </>
                      }
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </SettingsFrame>
  );
}
