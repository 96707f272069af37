/** @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";
import { Avatar } from "../../components/avatar.tsx";
import { Alert, CsrfField, Field, type FieldErrors, NoticeAlert, type Notice } from "../../components/form.tsx";
import { Icon } from "../../components/icon.tsx";
import { PageHeader, accountPath, type Shell } from "../../layouts/app.tsx";
import { ChannelCard, ChannelPicker, type ChannelCardView, type PickerChannel } from "./inbox-channel.tsx";
import { InboxBotRowView, type BotChoice, type InboxBotRow } from "./inboxes.tsx";
import { SettingsLayout, type SettingsAccess } from "./layout.tsx";

/** The inbox settings of Chatwoot's PATCH /inboxes/:id, as the form shows them. */
export type InboxSettingsValues = {
  name: string;
  avatar_url: string;
  greeting_enabled: boolean;
  greeting_message: string;
  enable_auto_assignment: boolean;
  allow_messages_after_resolved: boolean;
  lock_to_single_conversation: boolean;
  enable_email_collect: boolean;
  csat_survey_enabled: boolean;
  working_hours_enabled: boolean;
  out_of_office_message: string;
  timezone: string;
  sender_name_type: "friendly" | "professional";
  business_name: string;
  /** Channel settings shown on the Settings tab (API channel: the callback URL and HMAC enforcement). */
  webhook_url: string;
  hmac_mandatory: boolean;
};

/** What the pages show of an inbox and its channel. */
export type InboxDetail = {
  id: number;
  name: string;
  avatarUrl: string | null;
  channelType: string;
  channelLabel: string;
  identifier: string;
  hmacToken: string;
  secret: string | null;
  webhookUrl: string | null;
};

export type Collaborator = { id: number; name: string; email: string; role: string; availability: string; avatarUrl: string | null };

/**
 * Tabs of the inbox page. Every inbox has Settings, Collaborators and Bot; a channel adds its own tabs
 * (the API channel: Configuration). A new channel kind adds an entry to CHANNEL_TABS and a case in ChannelTab.
 */
export type InboxTab = "settings" | "collaborators" | "bot" | "configuration" | "widget";
const BASE_TABS: { key: InboxTab; label: string }[] = [
  { key: "settings", label: "Settings" },
  { key: "collaborators", label: "Collaborators" },
];
const CHANNEL_TABS: Record<string, { key: InboxTab; label: string }[]> = {
  "Channel::Api": [{ key: "configuration", label: "Configuration" }],
  "Channel::WebWidget": [{ key: "widget", label: "Widget" }],
};
export function inboxTabs(channelType: string): { key: InboxTab; label: string }[] {
  return [...BASE_TABS, ...(CHANNEL_TABS[channelType] ?? []), { key: "bot", label: "Bot" }];
}

/** The list's warning for a channel whose provider connection fails (nothing while it works or was never checked). */
export function connectionProblem(status: string | null): string | null {
  return status === "error" ? "Failing" : status === "reauthorization_required" ? "Token expired" : null;
}

/** Readable names of Chatwoot's channel classes. */
export function channelLabel(channelType: string): string {
  const names: Record<string, string> = {
    "Channel::Api": "API",
    "Channel::WebWidget": "Website",
    "Channel::Email": "Email",
    "Channel::Whatsapp": "WhatsApp",
    "Channel::Telegram": "Telegram",
    "Channel::Sms": "SMS",
  };
  return names[channelType] ?? channelType.replace("Channel::", "");
}

export function Checkbox(props: { name: string; checked: boolean; label: string; hint?: string }) {
  return (
    <label class="checkbox settings-check">
      <input type="checkbox" name={props.name} value="1" checked={props.checked} />
      <span>
        <span class="settings-check-label">{props.label}</span>
        {props.hint ? <span class="settings-check-hint">{props.hint}</span> : null}
      </span>
    </label>
  );
}

export function TextArea(props: { label: string; name: string; value: string; errors?: FieldErrors; hint?: string; rows?: number; placeholder?: string }) {
  const id = `f-${props.name}`;
  const error = props.errors?.[props.name];
  return (
    <div class={error ? "field has-error" : "field"}>
      <div class="field-label-row">
        <label for={id}>{props.label}</label>
      </div>
      <textarea
        id={id}
        name={props.name}
        rows={props.rows ?? 3}
        class="settings-textarea"
        placeholder={props.placeholder}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={error ? `${id}-error` : props.hint ? `${id}-hint` : undefined}
      >
        {props.value}
      </textarea>
      {error ? (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : props.hint ? (
        <p class="field-hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      ) : null}
    </div>
  );
}

/** A masked value with Show and Copy (the app-wide `secret` component). */
export function MaskedValue(props: { value: string; testid: string; label: string }) {
  return (
    <div class="secret" x-data="secret">
      <Icon name="key" size={16} class="secret-icon" />
      <code class="secret-value" x-ref="value" data-value={props.value} data-testid={props.testid}>
        <span x-show="revealed" x-cloak>
          {props.value}
        </span>
        <span x-show="!revealed" aria-label={`hidden ${props.label}`}>
          ••••••••••••••••••••••••
        </span>
      </code>
      <button type="button" class="btn btn-ghost btn-sm" x-on:click="toggle" x-text="label()" aria-label={`Show ${props.label}`}>
        Show
      </button>
      <button type="button" class="btn btn-ghost btn-sm" x-on:click="copy" aria-label={`Copy ${props.label}`}>
        <Icon name="copy" size={14} />
        <span x-text="copyLabel()">Copy</span>
      </button>
    </div>
  );
}

/** A value shown in the clear with a Copy button. */
export function CopyValue(props: { value: string; testid: string; label: string }) {
  return (
    <div class="secret" x-data="secret">
      <code class="secret-value" x-ref="value" data-value={props.value} data-testid={props.testid}>
        {props.value}
      </code>
      <button type="button" class="btn btn-ghost btn-sm" x-on:click="copy" aria-label={`Copy ${props.label}`}>
        <Icon name="copy" size={14} />
        <span x-text="copyLabel()">Copy</span>
      </button>
    </div>
  );
}

/** The built-in channels of the picker (their own pages); channel kinds with a form follow (src/channels/<name>/). */
export function builtInChannels(accountId: number): PickerChannel[] {
  const base = accountPath(accountId, "settings/inboxes");
  return [
    { key: "api", label: "API", icon: "layers", href: `${base}/new`, description: "Your own app or chat interface sends conversations through the API; Parley calls your URL back." },
    { key: "website", label: "Website", icon: "globe", href: `${base}/new/website`, description: "A live-chat widget on your site: visitors chat with you from any page." },
  ];
}

/** Settings → Inboxes → Add inbox: pick a channel (the API channel's form is this page's), then name it and give its callback URL. */
export function NewInboxPage(props: { shell: Shell; access: SettingsAccess; values: { name: string; webhook_url: string }; errors?: FieldErrors; channels?: PickerChannel[] }) {
  const base = accountPath(props.shell.accountId, "settings/inboxes");
  return (
    <SettingsLayout shell={props.shell} page="inboxes" access={props.access}>
      <PageHeader title="Add inbox" subtitle="Pick the channel your customers write through." />
      <div class="page-body stack-lg narrow">
        <ChannelPicker channels={props.channels ?? builtInChannels(props.shell.accountId)} selected="api" />
        <section class="card" aria-labelledby="api-heading">
          <header class="card-header">
            <div>
              <h2 id="api-heading" class="card-title">
                2. API channel
              </h2>
              <p class="card-subtitle">Name the inbox and give the URL Parley POSTs new messages and events to.</p>
            </div>
          </header>
          <form method="post" action={base} class="card-body stack" novalidate id="new-inbox-form">
            <CsrfField token={props.shell.doc.csrfToken} />
            <Field label="Channel name" name="name" value={props.values.name} errors={props.errors} required placeholder="Mobile app support" autofocus />
            <Field
              label="Callback webhook URL"
              name="webhook_url"
              type="url"
              value={props.values.webhook_url}
              errors={props.errors}
              placeholder="https://example.com/parley-callback"
              hint="Optional. Receives message_created and the other events of this inbox, signed with the inbox's secret."
            />
            <div class="form-actions">
              <a class="btn btn-ghost" href={base}>
                Cancel
              </a>
              <button type="submit" class="btn btn-primary">
                Create API channel
              </button>
            </div>
          </form>
        </section>
      </div>
    </SettingsLayout>
  );
}

function InboxTabs(props: { accountId: number; inbox: InboxDetail; tab: InboxTab }) {
  const base = accountPath(props.accountId, `settings/inboxes/${props.inbox.id}`);
  return (
    <nav class="settings-tabs" aria-label="Inbox settings">
      {inboxTabs(props.inbox.channelType).map((t) => (
        <a
          href={t.key === "settings" ? base : `${base}/${t.key}`}
          class={t.key === props.tab ? "settings-tab is-active" : "settings-tab"}
          aria-current={t.key === props.tab ? "page" : undefined}
          data-tab={t.key}
        >
          {t.label}
        </a>
      ))}
    </nav>
  );
}

/** Shown once after creating an inbox: what identifies it and what to do next (the help-center steps). */
function CreatedPanel(props: { accountId: number; inbox: InboxDetail }) {
  const base = accountPath(props.accountId, `settings/inboxes/${props.inbox.id}`);
  return (
    <section class="card inbox-created" aria-labelledby="created-heading" id="inbox-created">
      <header class="card-header">
        <div>
          <h2 id="created-heading" class="card-title">
            Your API inbox is ready
          </h2>
          <p class="card-subtitle">Keep these values: your integration needs them.</p>
        </div>
        <span class="badge badge-success">Created</span>
      </header>
      <div class="card-body stack">
        <div class="inbox-credential">
          <p class="field-label">Inbox identifier</p>
          <CopyValue value={props.inbox.identifier} testid="inbox-identifier" label="inbox identifier" />
          <p class="field-hint">
            The <code>inbox_identifier</code> of the client API: <code>/public/api/v1/inboxes/{props.inbox.identifier}/contacts</code>
          </p>
        </div>
        <div class="inbox-credential">
          <p class="field-label">HMAC token</p>
          <MaskedValue value={props.inbox.hmacToken} testid="inbox-hmac-token" label="HMAC token" />
          <p class="field-hint">Signs your contacts' identifiers (identifier_hash) so nobody can pose as them.</p>
        </div>
        <ol class="inbox-next-steps">
          <li>
            <a href={`${base}/collaborators`}>Add agents</a> as collaborators: only they (and administrators) see this inbox's conversations.
          </li>
          <li>
            Create a contact with <code>POST /api/v1/accounts/{props.accountId}/contacts</code> and <code>inbox_id: {props.inbox.id}</code>, then a conversation
            with its <code>source_id</code>, then messages. Your API access token is on your <a href={accountPath(props.accountId, "settings/profile")}>profile</a>.
          </li>
          <li>
            {props.inbox.webhookUrl ? (
              <>
                New messages are POSTed to <code>{props.inbox.webhookUrl}</code>; verify them with the secret on the Configuration tab.
              </>
            ) : (
              <>
                Set a callback URL on the <a href={base}>Settings</a> tab to receive new messages.
              </>
            )}
          </li>
        </ol>
      </div>
    </section>
  );
}

export function InboxFrame(props: { shell: Shell; access: SettingsAccess; inbox: InboxDetail; tab: InboxTab; notice?: Notice; created?: boolean; children: Child }) {
  const { inbox } = props;
  const list = accountPath(props.shell.accountId, "settings/inboxes");
  return (
    <SettingsLayout shell={props.shell} page="inboxes" access={props.access}>
      <div class="page-header">
        <div class="inbox-title">
          <Avatar name={inbox.name} url={inbox.avatarUrl} size="md" />
          <div>
            <p class="muted small">
              <a href={list} class="link-muted">
                Inboxes
              </a>{" "}
              / {inbox.channelLabel}
            </p>
            <h1 class="page-title">{inbox.name}</h1>
          </div>
        </div>
      </div>
      <div class="page-body stack-lg">
        <InboxTabs accountId={props.shell.accountId} inbox={inbox} tab={props.tab} />
        <NoticeAlert notice={props.notice} id="inbox-notice" />
        {props.created && inbox.channelType === "Channel::Api" ? <CreatedPanel accountId={props.shell.accountId} inbox={inbox} /> : null}
        {props.children}
      </div>
    </SettingsLayout>
  );
}

/** Inbox → Settings: the inbox's own settings, its channel's settings, and Delete. */
export function InboxSettingsPage(props: {
  shell: Shell;
  access: SettingsAccess;
  inbox: InboxDetail;
  values: InboxSettingsValues;
  errors?: FieldErrors;
  notice?: Notice;
  created?: boolean;
  /** Channel kinds of the registry (Telegram, WhatsApp, email…): their connection and details. */
  channel?: ChannelCardView;
  /** The inbox's assignment policy, with a link to the assignment settings. */
  assignment?: Child;
}) {
  const v = props.values;
  const base = accountPath(props.shell.accountId, `settings/inboxes/${props.inbox.id}`);
  const csrf = props.shell.doc.csrfToken;
  const isApi = props.inbox.channelType === "Channel::Api";
  return (
    <InboxFrame shell={props.shell} access={props.access} inbox={props.inbox} tab="settings" notice={props.notice} created={props.created}>
      {props.channel ? <ChannelCard channel={props.channel} created={props.created} /> : null}
      {props.errors && Object.keys(props.errors).length ? (
        <Alert kind="error" title="The inbox was not saved" id="inbox-errors">
          Check the fields marked below.
        </Alert>
      ) : null}
      <form method="post" action={base} class="stack-lg narrow" novalidate id="inbox-settings-form" enctype="multipart/form-data">
        <CsrfField token={csrf} />
        <section class="card" aria-labelledby="inbox-general-heading">
          <header class="card-header">
            <h2 id="inbox-general-heading" class="card-title">
              General
            </h2>
          </header>
          <div class="card-body stack">
            <Field label="Inbox name" name="name" value={v.name} errors={props.errors} required />
            <div class="grid-2">
              <Field label="Avatar URL" name="avatar_url" type="url" value={v.avatar_url} errors={props.errors} hint="Optional. An image shown next to the inbox's name." />
              <div class={props.errors?.avatar ? "field has-error" : "field"}>
                <div class="field-label-row">
                  <label for="f-avatar">Or upload an avatar</label>
                </div>
                <input type="file" id="f-avatar" name="avatar" accept="image/png,image/jpeg,image/gif,image/webp" aria-invalid={props.errors?.avatar ? "true" : undefined} />
                {props.errors?.avatar ? (
                  <p class="field-error" id="f-avatar-error">
                    {props.errors.avatar}
                  </p>
                ) : (
                  <p class="field-hint">PNG, JPEG, GIF or WebP, at most 5 MB. Replaces the URL.</p>
                )}
              </div>
            </div>
            {isApi ? (
              <>
                <Field
                  label="Callback webhook URL"
                  name="webhook_url"
                  type="url"
                  value={v.webhook_url}
                  errors={{ ...props.errors, webhook_url: props.errors?.webhook_url ?? props.errors?.["channel.webhook_url"] ?? "" }}
                  hint="Where Parley POSTs this inbox's messages and events. Leave empty for none."
                />
                <Checkbox
                  name="hmac_mandatory"
                  checked={v.hmac_mandatory}
                  label="Require HMAC verification"
                  hint="Client API requests must carry a valid identifier_hash for the contact."
                />
              </>
            ) : null}
          </div>
        </section>
        <section class="card" aria-labelledby="inbox-greeting-heading">
          <header class="card-header">
            <h2 id="inbox-greeting-heading" class="card-title">
              Greeting
            </h2>
          </header>
          <div class="card-body stack">
            <Checkbox name="greeting_enabled" checked={v.greeting_enabled} label="Send a greeting" hint="Sent when a customer starts a new conversation." />
            <TextArea label="Greeting message" name="greeting_message" value={v.greeting_message} errors={props.errors} placeholder="Hi! How can we help?" />
          </div>
        </section>
        <section class="card" aria-labelledby="inbox-routing-heading">
          <header class="card-header">
            <h2 id="inbox-routing-heading" class="card-title">
              Conversations
            </h2>
          </header>
          <div class="card-body stack">
            <Checkbox
              name="enable_auto_assignment"
              checked={v.enable_auto_assignment}
              label="Assign new conversations automatically"
              hint="Round robin between the inbox's collaborators who are online."
            />
            {props.assignment}
            <Checkbox
              name="allow_messages_after_resolved"
              checked={v.allow_messages_after_resolved}
              label="Allow messages after a conversation is resolved"
              hint="A customer writing again reopens the conversation."
            />
            <Checkbox
              name="lock_to_single_conversation"
              checked={v.lock_to_single_conversation}
              label="Keep one conversation per contact"
              hint="New messages go to the contact's last conversation instead of starting a new one."
            />
            <Checkbox name="enable_email_collect" checked={v.enable_email_collect} label="Ask for the customer's email" />
            <Checkbox name="csat_survey_enabled" checked={v.csat_survey_enabled} label="Send a satisfaction survey on resolve" />
            <div class="grid-2">
              <div class="field">
                <div class="field-label-row">
                  <label for="f-sender_name_type">Sender name</label>
                </div>
                <select class="select" id="f-sender_name_type" name="sender_name_type">
                  <option value="friendly" selected={v.sender_name_type === "friendly"}>
                    Friendly (agent's name)
                  </option>
                  <option value="professional" selected={v.sender_name_type === "professional"}>
                    Professional (business name)
                  </option>
                </select>
              </div>
              <Field label="Business name" name="business_name" value={v.business_name} errors={props.errors} />
            </div>
          </div>
        </section>
        <section class="card" aria-labelledby="inbox-hours-heading">
          <header class="card-header">
            <h2 id="inbox-hours-heading" class="card-title">
              Business hours
            </h2>
          </header>
          <div class="card-body stack">
            <Checkbox name="working_hours_enabled" checked={v.working_hours_enabled} label="Enable business hours" />
            <Field label="Time zone" name="timezone" value={v.timezone} errors={props.errors} hint="An IANA time zone, e.g. Europe/Berlin." />
            <TextArea label="Out of office message" name="out_of_office_message" value={v.out_of_office_message} errors={props.errors} />
          </div>
        </section>
        <div class="form-actions">
          <button type="submit" class="btn btn-primary">
            Save inbox
          </button>
        </div>
      </form>
      <section class="card narrow danger-zone" aria-labelledby="inbox-delete-heading">
        <header class="card-header">
          <div>
            <h2 id="inbox-delete-heading" class="card-title">
              Delete inbox
            </h2>
            <p class="card-subtitle">Deletes the inbox with all its conversations and messages. Contacts stay.</p>
          </div>
        </header>
        <form method="post" action={`${base}/delete`} class="card-body">
          <CsrfField token={csrf} />
          <button type="submit" class="btn btn-danger-soft" data-confirm={`Delete the inbox “${props.inbox.name}” and all its conversations? This cannot be undone.`}>
            Delete inbox
          </button>
        </form>
      </section>
    </InboxFrame>
  );
}

/** The collaborators card (also the htmx fragment swapped in after adding or removing one). */
export function CollaboratorsCard(props: { accountId: number; csrf: string; inboxId: number; members: Collaborator[]; candidates: Collaborator[]; error?: string }) {
  const base = accountPath(props.accountId, `settings/inboxes/${props.inboxId}/collaborators`);
  const target = { "hx-target": "#inbox-collaborators", "hx-swap": "outerHTML" };
  return (
    <section class="card narrow" aria-labelledby="collaborators-heading" id="inbox-collaborators">
      <header class="card-header">
        <div>
          <h2 id="collaborators-heading" class="card-title">
            Collaborators
          </h2>
          <p class="card-subtitle">An agent sees only the inboxes they are a collaborator of; administrators see every inbox.</p>
        </div>
      </header>
      <div class="card-body stack">
        {props.error ? (
          <p class="field-error" role="alert">
            {props.error}
          </p>
        ) : null}
        {props.members.length === 0 ? (
          <p class="muted" id="no-collaborators">
            No agents yet. Add the agents who answer this inbox: until then only administrators see its conversations.
          </p>
        ) : (
          <ul class="collaborator-list" id="collaborator-list">
            {props.members.map((m) => (
              <li class="collaborator" data-user-id={m.id}>
                <Avatar name={m.name} url={m.avatarUrl} size="sm" />
                <div class="collaborator-text">
                  <span class="cell-strong">{m.name}</span>
                  <span class="muted small">
                    {m.email} · {m.role}
                  </span>
                </div>
                <form method="post" action={`${base}/${m.id}/remove`} hx-post={`${base}/${m.id}/remove`} {...target}>
                  <CsrfField token={props.csrf} />
                  <button type="submit" class="btn btn-ghost btn-sm" aria-label={`Remove ${m.name}`}>
                    Remove
                  </button>
                </form>
              </li>
            ))}
          </ul>
        )}
        {props.candidates.length ? (
          <form method="post" action={base} hx-post={base} {...target} class="row-form" id="add-collaborator-form">
            <CsrfField token={props.csrf} />
            <label class="visually-hidden" for="f-user_id">
              Agent to add
            </label>
            <select class="select" name="user_id" id="f-user_id">
              {props.candidates.map((a) => (
                <option value={String(a.id)}>
                  {a.name} ({a.email})
                </option>
              ))}
            </select>
            <button type="submit" class="btn btn-primary btn-sm">
              Add agent
            </button>
          </form>
        ) : (
          <p class="muted small">Every agent of the account is a collaborator. Invite more under Settings → Agents.</p>
        )}
      </div>
    </section>
  );
}

export function InboxCollaboratorsPage(props: { shell: Shell; access: SettingsAccess; inbox: InboxDetail; members: Collaborator[]; candidates: Collaborator[]; notice?: Notice }) {
  return (
    <InboxFrame shell={props.shell} access={props.access} inbox={props.inbox} tab="collaborators" notice={props.notice}>
      <CollaboratorsCard accountId={props.shell.accountId} csrf={props.shell.doc.csrfToken} inboxId={props.inbox.id} members={props.members} candidates={props.candidates} />
    </InboxFrame>
  );
}

/** API channel → Configuration: what an integration needs (identifier, HMAC token, webhook secret). */
export function InboxConfigurationPage(props: { shell: Shell; access: SettingsAccess; inbox: InboxDetail }) {
  const { inbox } = props;
  return (
    <InboxFrame shell={props.shell} access={props.access} inbox={inbox} tab="configuration">
      <section class="card narrow" aria-labelledby="config-heading">
        <header class="card-header">
          <div>
            <h2 id="config-heading" class="card-title">
              API channel configuration
            </h2>
            <p class="card-subtitle">Values your integration uses to talk to this inbox.</p>
          </div>
        </header>
        <div class="card-body stack">
          <div class="inbox-credential">
            <p class="field-label">Inbox identifier</p>
            <CopyValue value={inbox.identifier} testid="inbox-identifier" label="inbox identifier" />
            <p class="field-hint">
              Names the inbox in the client API: <code>/public/api/v1/inboxes/{"{inbox_identifier}"}/…</code>
            </p>
          </div>
          <div class="inbox-credential">
            <p class="field-label">HMAC token</p>
            <MaskedValue value={inbox.hmacToken} testid="inbox-hmac-token" label="HMAC token" />
            <p class="field-hint">identifier_hash = HMAC-SHA256(token, contact identifier), hex.</p>
          </div>
          {inbox.secret ? (
            <div class="inbox-credential">
              <p class="field-label">Webhook secret</p>
              <MaskedValue value={inbox.secret} testid="inbox-secret" label="webhook secret" />
              <p class="field-hint">Callbacks carry X-Chatwoot-Signature: sha256=HMAC-SHA256(secret, "{"{timestamp}.{raw_body}"}").</p>
            </div>
          ) : null}
          <div class="inbox-credential">
            <p class="field-label">Callback webhook URL</p>
            <p>{inbox.webhookUrl ? <code>{inbox.webhookUrl}</code> : <span class="muted">None. Set one on the Settings tab.</span>}</p>
          </div>
        </div>
      </section>
    </InboxFrame>
  );
}

/** Inbox → Bot: the bot connection (the same form and route as the list's picker). */
export function InboxBotPage(props: { shell: Shell; access: SettingsAccess; inbox: InboxDetail; row: InboxBotRow; bots: BotChoice[] }) {
  return (
    <InboxFrame shell={props.shell} access={props.access} inbox={props.inbox} tab="bot">
      <section class="card table-card narrow" aria-labelledby="bot-heading">
        <header class="card-header">
          <div>
            <h2 id="bot-heading" class="card-title">
              Bot configuration
            </h2>
            <p class="card-subtitle">A connected bot receives the inbox's new conversations and messages first; it hands over by opening the conversation.</p>
          </div>
        </header>
        <table class="table">
          <thead>
            <tr>
              <th scope="col">Inbox</th>
              <th scope="col">Channel</th>
              <th scope="col" class="col-picker">
                Bot
              </th>
            </tr>
          </thead>
          <tbody>
            <InboxBotRowView accountId={props.shell.accountId} csrf={props.shell.doc.csrfToken} inbox={props.row} bots={props.bots} />
          </tbody>
        </table>
        {props.bots.length === 0 ? (
          <p class="card-body muted">
            No bots yet. Create one under <a href={accountPath(props.shell.accountId, "settings/bots")}>Settings → Bots</a>.
          </p>
        ) : null}
      </section>
    </InboxFrame>
  );
}
