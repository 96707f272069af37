/** @jsxImportSource hono/jsx */
import { Avatar } from "../../components/avatar.tsx";
import { Field, type FieldErrors, type Notice } from "../../components/form.tsx";
import { CardForm, FormCard, RowActions, SettingsTable } from "../../components/settings-list.tsx";
import { accountPath, type Shell } from "../../layouts/app.tsx";
import { SettingsFrame } from "./frame.tsx";
import type { SettingsAccess } from "./layout.tsx";

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
    <SettingsFrame
      shell={props.shell}
      access={props.access}
      page="bots"
      title="Bots"
      subtitle="Agent bots triage new conversations in the inboxes they are connected to, then hand off to your team."
      notice={props.notice}
      noticeId="bots-notice"
    >
      <SettingsTable
        items={props.bots}
        label="Bots"
        id="bots-table"
        columns={["Bot", "Webhook URL", "Inboxes", { label: "Actions", class: "col-actions", hidden: true }]}
        empty={{ icon: "layers", title: "No bots yet", text: "Add a bot below, then connect it to an inbox under Settings → Inboxes." }}
        row={(b) => [
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
            <td>{b.systemBot ? null : <RowActions csrf={csrf} delete={`${base}/${b.id}/delete`} confirm={`Delete the bot ${b.name}? It is disconnected from its inboxes.`} />}</td>
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
        ]}
      />
      <FormCard headingId="add-bot-heading" title="Add bot" subtitle="Parley POSTs conversation events to the webhook URL, signed with the bot's secret.">
        <CardForm action={base} csrf={csrf} id="add-bot-form" submit="Create bot">
          <Field label="Bot name" name="name" value={v.name} errors={props.errors} required />
          <Field label="Avatar URL" name="avatar_url" type="url" value={v.avatar_url} errors={props.errors} hint="Optional. An https image URL." />
          <Field label="Webhook URL" name="outgoing_url" type="url" value={v.outgoing_url} errors={props.errors} placeholder="https://bot.example.com/events" />
        </CardForm>
      </FormCard>
    </SettingsFrame>
  );
}
