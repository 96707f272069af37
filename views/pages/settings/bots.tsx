/** @jsxImportSource hono/jsx */
import { Avatar } from "../../components/avatar.tsx";
import { EmptyState } from "../../components/empty-state.tsx";
import { CsrfField, Field, type FieldErrors, NoticeAlert } from "../../components/form.tsx";
import { PageHeader, accountPath, type Shell } from "../../layouts/app.tsx";
import { SettingsLayout, type SettingsAccess } from "./layout.tsx";
import type { Notice } from "../../components/form.tsx";

export type BotItem = {
  id: number;
  name: string;
  avatarUrl: string | null;
  outgoingUrl: string | null;
  systemBot: boolean;
  /** Shown to administrators for the account's own bots. */
  token: string | null;
  secret: string | null;
  inboxes: string[];
};
export type BotFormValues = { name: string; avatar_url: string; outgoing_url: string };

/** Settings → Bots: the account's bots (and the installation's), with "Add bot" (name, avatar URL, webhook URL). */
export function BotsPage(props: { shell: Shell; access: SettingsAccess; bots: BotItem[]; values?: BotFormValues; errors?: FieldErrors; notice?: Notice }) {
  const base = accountPath(props.shell.accountId, "settings/bots");
  const csrf = props.shell.doc.csrfToken;
  const v = props.values ?? { name: "", avatar_url: "", outgoing_url: "" };
  return (
    <SettingsLayout shell={props.shell} page="bots" access={props.access}>
      <PageHeader title="Bots" subtitle="Agent bots triage new conversations in the inboxes they are connected to, then hand off to your team." />
      <div class="page-body stack-lg">
        <NoticeAlert notice={props.notice} id="bots-notice" />
        {props.bots.length === 0 ? (
          <section class="card card-empty">
            <EmptyState icon="layers" title="No bots yet">
              Add a bot below, then connect it to an inbox under Settings → Inboxes.
            </EmptyState>
          </section>
        ) : (
          <section class="card table-card" aria-label="Bots">
            <table class="table" id="bots-table">
              <thead>
                <tr>
                  <th scope="col">Bot</th>
                  <th scope="col">Webhook URL</th>
                  <th scope="col">Inboxes</th>
                  <th scope="col" class="col-actions">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {props.bots.flatMap((b) => [
                  <tr data-bot-id={b.id}>
                    <td class="cell-strong">
                      <div class="row-form">
                        <Avatar name={b.name} url={b.avatarUrl} size="sm" />
                        <span>{b.name}</span>
                        {b.systemBot ? <span class="badge badge-neutral">System</span> : null}
                      </div>
                    </td>
                    <td class="truncate">{b.outgoingUrl ?? <span class="muted">—</span>}</td>
                    <td>{b.inboxes.length ? b.inboxes.join(", ") : <span class="muted">None</span>}</td>
                    <td>
                      {b.systemBot ? null : (
                        <form method="post" action={`${base}/${b.id}/delete`}>
                          <CsrfField token={csrf} />
                          <button type="submit" class="btn btn-danger-soft btn-sm" data-confirm={`Delete the bot ${b.name}? It is disconnected from its inboxes.`}>
                            Delete
                          </button>
                        </form>
                      )}
                    </td>
                  </tr>,
                  b.token ? (
                    <tr class="bot-credentials-row" data-bot-credentials={b.id}>
                      <td colspan={4}>
                        <dl class="reader-meta">
                          <dt>Access token</dt>
                          <dd class="bot-credential" data-testid="bot-token">
                            {b.token}
                          </dd>
                          <dt>Secret</dt>
                          <dd class="bot-credential" data-testid="bot-secret">
                            {b.secret}
                          </dd>
                        </dl>
                      </td>
                    </tr>
                  ) : null,
                ])}
              </tbody>
            </table>
          </section>
        )}

        <section class="card narrow" aria-labelledby="add-bot-heading">
          <header class="card-header">
            <div>
              <h2 id="add-bot-heading" class="card-title">
                Add bot
              </h2>
              <p class="card-subtitle">Parley POSTs conversation events to the webhook URL, signed with the bot's secret.</p>
            </div>
          </header>
          <form method="post" action={base} class="card-body stack" novalidate id="add-bot-form">
            <CsrfField token={csrf} />
            <Field label="Bot name" name="name" value={v.name} errors={props.errors} required />
            <Field label="Avatar URL" name="avatar_url" type="url" value={v.avatar_url} errors={props.errors} hint="Optional. An https image URL." />
            <Field label="Webhook URL" name="outgoing_url" type="url" value={v.outgoing_url} errors={props.errors} placeholder="https://bot.example.com/events" />
            <div class="form-actions">
              <button type="submit" class="btn btn-primary">
                Create bot
              </button>
            </div>
          </form>
        </section>
      </div>
    </SettingsLayout>
  );
}
