/** @jsxImportSource hono/jsx */
import { EmptyState } from "../../components/empty-state.tsx";
import { Alert } from "../../components/form.tsx";
import { Icon } from "../../components/icon.tsx";
import { Time } from "../../components/time.tsx";
import { accountPath, type Shell } from "../../layouts/app.tsx";
import { SettingsFrame } from "./frame.tsx";
import type { SettingsAccess } from "./layout.tsx";

export type OutboxItem = {
  id: number;
  to: string;
  subject: string;
  status: "queued" | "sent" | "stored" | "failed";
  error: string | null;
  createdAt: number;
  text: string;
};

const STATUS_LABEL = { queued: "Queued", sent: "Sent", stored: "Stored", failed: "Failed" } as const;
const STATUS_BADGE = { queued: "badge-neutral", sent: "badge-success", stored: "badge-info", failed: "badge-danger" } as const;

export function OutboxPage(props: { shell: Shell; access: SettingsAccess; mails: OutboxItem[]; selected: OutboxItem | null; smtpConfigured: boolean; now: number }) {
  const base = accountPath(props.shell.accountId, "settings/outbox");
  const selected = props.selected;
  return (
    <SettingsFrame shell={props.shell} access={props.access} page="outbox" title="Mail outbox" subtitle="Every email Parley sends: invitations, password resets and notifications.">
      {props.smtpConfigured ? null : (
        <Alert kind="warning" title="SMTP is not configured" id="smtp-banner">
          Parley keeps outgoing emails here instead of sending them. Set <code>PARLEY_SMTP_URL</code> (for example{" "}
          <code>smtps://user:password@smtp.example.com:465</code>) and restart Parley to deliver them. Until then, open a message below to
          pass its link on by hand.
        </Alert>
      )}
      {props.mails.length === 0 ? (
        <section class="card card-empty">
          <EmptyState icon="mail" title="No emails yet">
            Invitations and password-reset emails appear here as soon as Parley writes them.
          </EmptyState>
        </section>
      ) : (
        <div class={selected ? "split split-open" : "split"}>
          <section class="card table-card" aria-label="Emails">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">To</th>
                  <th scope="col">Subject</th>
                  <th scope="col">Status</th>
                  <th scope="col" class="col-time">
                    Time
                  </th>
                </tr>
              </thead>
              <tbody>
                {props.mails.map((m) => (
                  <tr class={selected?.id === m.id ? "row-link is-selected" : "row-link"}>
                    <td class="cell-strong truncate">
                      <a href={`${base}?mail=${m.id}`} class="row-anchor" aria-current={selected?.id === m.id ? "true" : undefined}>
                        {m.to}
                      </a>
                    </td>
                    <td class="truncate">{m.subject}</td>
                    <td>
                      <span class={`badge ${STATUS_BADGE[m.status]}`}>{STATUS_LABEL[m.status]}</span>
                    </td>
                    <td class="col-time muted">
                      <Time at={m.createdAt} now={props.now} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          {selected ? (
            <article class="card reader" aria-labelledby="reader-subject" id="mail-reader">
              <header class="reader-header">
                <div class="reader-heading">
                  <h2 class="card-title" id="reader-subject">
                    {selected.subject}
                  </h2>
                  <a class="icon-button" href={base} aria-label="Close">
                    <Icon name="x" size={16} />
                  </a>
                </div>
                <dl class="reader-meta">
                  <dt>To</dt>
                  <dd>{selected.to}</dd>
                  <dt>Written</dt>
                  <dd>
                    <Time at={selected.createdAt} now={props.now} />
                  </dd>
                  <dt>Status</dt>
                  <dd>
                    <span class={`badge ${STATUS_BADGE[selected.status]}`}>{STATUS_LABEL[selected.status]}</span>
                  </dd>
                </dl>
                {selected.error ? <p class="reader-error">{selected.error}</p> : null}
              </header>
              <pre class="reader-body" data-testid="mail-body">
                {selected.text}
              </pre>
            </article>
          ) : null}
        </div>
      )}
    </SettingsFrame>
  );
}
