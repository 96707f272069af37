/** @jsxImportSource hono/jsx */
import { EmptyState } from "../../components/empty-state.tsx";
import { CsrfField, NoticeAlert } from "../../components/form.tsx";
import { PageHeader, accountPath, type Shell } from "../../layouts/app.tsx";
import { SettingsLayout, type SettingsAccess } from "./layout.tsx";
import type { Notice } from "../../components/form.tsx";

export type InboxBotRow = { id: number; name: string; channel: string; botId: number | null; connection?: string | null };
export type BotChoice = { id: number; name: string };

/** One inbox's "Bot configuration" row; also the htmx fragment swapped in after saving. */
export function InboxBotRowView(props: { accountId: number; csrf: string; inbox: InboxBotRow; bots: BotChoice[]; saved?: boolean }) {
  const { inbox } = props;
  const action = accountPath(props.accountId, `settings/inboxes/${inbox.id}/bot`);
  return (
    <tr id={`inbox-${inbox.id}`} data-inbox-id={inbox.id}>
      <td class="cell-strong">
        <a href={accountPath(props.accountId, `settings/inboxes/${inbox.id}`)}>{inbox.name}</a>
      </td>
      <td class="muted">
        {inbox.channel}
        {inbox.connection ? (
          <>
            {" "}
            <span class="badge badge-danger" data-testid="inbox-connection">
              {inbox.connection}
            </span>
          </>
        ) : null}
      </td>
      <td>
        <form method="post" action={action} class="row-form" hx-post={action} hx-target={`#inbox-${inbox.id}`} hx-swap="outerHTML">
          <CsrfField token={props.csrf} />
          <label class="visually-hidden" for={`bot-${inbox.id}`}>
            Bot for {inbox.name}
          </label>
          <select class="select" name="agent_bot" id={`bot-${inbox.id}`}>
            <option value="" selected={inbox.botId === null}>
              No bot
            </option>
            {props.bots.map((b) => (
              <option value={String(b.id)} selected={inbox.botId === b.id}>
                {b.name}
              </option>
            ))}
          </select>
          <button type="submit" class="btn btn-secondary btn-sm">
            Save
          </button>
          {props.saved ? (
            <span class="badge badge-success" role="status">
              Saved
            </span>
          ) : null}
        </form>
      </td>
    </tr>
  );
}

/** Settings → Inboxes: each inbox (link to its settings) with its channel and Bot configuration picker. */
export function InboxesPage(props: { shell: Shell; access: SettingsAccess; inboxes: InboxBotRow[]; bots: BotChoice[]; notice?: Notice }) {
  const csrf = props.shell.doc.csrfToken;
  return (
    <SettingsLayout shell={props.shell} page="inboxes" access={props.access}>
      <PageHeader
        title="Inboxes"
        subtitle="Each inbox is one source of conversations (an API integration, later a website widget, email …). Agents see only the inboxes they are collaborators of."
        actions={
          <a class="btn btn-primary" href={accountPath(props.shell.accountId, "settings/inboxes/new")} id="add-inbox">
            Add inbox
          </a>
        }
      />
      <div class="page-body stack-lg">
        <NoticeAlert notice={props.notice} id="inboxes-notice" />
        {props.inboxes.length === 0 ? (
          <section class="card card-empty">
            <EmptyState
              icon="inbox"
              title="No inboxes yet"
              actions={
                <a class="btn btn-primary" href={accountPath(props.shell.accountId, "settings/inboxes/new")}>
                  Add your first inbox
                </a>
              }
            >
              Conversations arrive through inboxes. Add an API inbox, add your agents to it as collaborators, then create contacts and
              conversations through the API (or point your own chat interface at it).
            </EmptyState>
          </section>
        ) : (
          <section class="card table-card" aria-label="Inboxes">
            <table class="table" id="inboxes-table">
              <thead>
                <tr>
                  <th scope="col">Inbox</th>
                  <th scope="col">Channel</th>
                  <th scope="col" class="col-picker">
                    Bot configuration
                  </th>
                </tr>
              </thead>
              <tbody>
                {props.inboxes.map((inbox) => (
                  <InboxBotRowView accountId={props.shell.accountId} csrf={csrf} inbox={inbox} bots={props.bots} />
                ))}
              </tbody>
            </table>
          </section>
        )}
      </div>
    </SettingsLayout>
  );
}
