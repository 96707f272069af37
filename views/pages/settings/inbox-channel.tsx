/** @jsxImportSource hono/jsx */
// Settings → Inboxes → Add inbox for channel kinds that declare a form (src/channels/<name>/, `form`), the channel
// picker every Add inbox page shows, and the inbox page's Channel card (connection status and the kind's details).
import { Alert, CsrfField, Field, type FieldErrors } from "../../components/form.tsx";
import { Icon, type IconName } from "../../components/icon.tsx";
import { FormCard } from "../../components/settings-list.tsx";
import { accountPath, type Shell } from "../../layouts/app.tsx";
import { SettingsFrame } from "./frame.tsx";
import type { SettingsAccess } from "./layout.tsx";

export type PickerChannel = { key: string; label: string; description: string; icon: string; href: string };

export type ChannelFieldView = {
  name: string;
  label: string;
  type: "text" | "password" | "email" | "url" | "number" | "checkbox" | "select" | "textarea";
  required?: boolean;
  placeholder?: string;
  help?: string;
  options?: { value: string; label: string }[];
};

export type ChannelFormView = {
  param: string;
  label: string;
  description: string;
  steps: string[];
  fields: ChannelFieldView[];
  /** Why the kind cannot be set up on this server (the form is not shown). */
  unavailable: string | null;
  /** Another way to connect, offered above the steps (WhatsApp's Embedded Signup), or null. */
  intro?: { title: string; text: string; button: string; href: string; unavailable: string | null; note?: string } | null;
};

const ICONS = new Set<string>(["bell", "conversations", "contacts", "reports", "helpCenter", "settings", "chevronsUpDown", "check", "logOut", "user", "mail", "layers", "key", "copy", "eye", "refresh", "retry", "inbox", "alert", "info", "checkCircle", "search", "x", "arrowLeft", "lock", "clock", "activity", "globe", "building", "upload", "messagePlus", "userPlus", "fileText"]);
function iconOf(name: string): IconName {
  return (ICONS.has(name) ? name : "inbox") as IconName;
}

/** Step 1 of every Add inbox page: the channels, the current one marked. */
export function ChannelPicker(props: { channels: PickerChannel[]; selected: string }) {
  return (
    <FormCard headingId="channel-heading" title="1. Channel" wide>
      <div class="card-body">
        <div class="inbox-channel-grid" role="list" data-testid="channel-picker">
          {props.channels.map((ch) =>
            ch.key === props.selected ? (
              <div class="inbox-channel is-selected" role="listitem" aria-current="true" data-testid={`channel-${ch.key}`}>
                <Icon name={iconOf(ch.icon)} size={22} />
                <span class="inbox-channel-name">{ch.label}</span>
                <span class="muted small">{ch.description}</span>
              </div>
            ) : (
              <a class="inbox-channel" role="listitem" href={ch.href} data-testid={`channel-${ch.key}`}>
                <Icon name={iconOf(ch.icon)} size={22} />
                <span class="inbox-channel-name">{ch.label}</span>
                <span class="muted small">{ch.description}</span>
              </a>
            ),
          )}
        </div>
      </div>
    </FormCard>
  );
}

function ChannelField(props: { field: ChannelFieldView; value: string | boolean | undefined; errors?: FieldErrors }) {
  const f = props.field;
  const id = `f-${f.name}`;
  const error = props.errors?.[f.name];
  if (f.type === "checkbox") {
    return (
      <label class="checkbox settings-check">
        <input type="checkbox" name={f.name} value="1" checked={props.value === true} />
        <span>
          <span class="settings-check-label">{f.label}</span>
          {f.help ? <span class="settings-check-hint">{f.help}</span> : null}
        </span>
      </label>
    );
  }
  if (f.type === "select" || f.type === "textarea") {
    return (
      <div class={error ? "field has-error" : "field"}>
        <div class="field-label-row">
          <label for={id}>{f.label}</label>
        </div>
        {f.type === "select" ? (
          <select id={id} name={f.name} required={f.required} aria-invalid={error ? "true" : undefined}>
            {(f.options ?? []).map((o) => (
              <option value={o.value} selected={o.value === props.value}>
                {o.label}
              </option>
            ))}
          </select>
        ) : (
          <textarea id={id} name={f.name} rows={4} class="settings-textarea" placeholder={f.placeholder} required={f.required} aria-invalid={error ? "true" : undefined}>
            {typeof props.value === "string" ? props.value : ""}
          </textarea>
        )}
        {error ? <p class="field-error">{error}</p> : f.help ? <p class="field-hint">{f.help}</p> : null}
      </div>
    );
  }
  return (
    <Field
      label={f.label}
      name={f.name}
      type={f.type}
      // Credentials are never echoed back into the page, not even after a failed attempt.
      value={f.type === "password" ? "" : typeof props.value === "string" ? props.value : ""}
      errors={props.errors}
      required={f.required}
      placeholder={f.placeholder}
      hint={f.help}
      autocomplete={f.type === "password" ? "off" : undefined}
    />
  );
}

/** Add inbox → <channel>: the kind's setup steps and form (name + the kind's fields). */
export function NewChannelInboxPage(props: {
  shell: Shell;
  access: SettingsAccess;
  channels: PickerChannel[];
  kind: ChannelFormView;
  values: Record<string, string | boolean>;
  errors?: FieldErrors;
}) {
  const base = accountPath(props.shell.accountId, "settings/inboxes");
  const { kind } = props;
  const general = props.errors?.channel ?? props.errors?.["channel.type"];
  return (
    <SettingsFrame shell={props.shell} access={props.access} page="inboxes" title="Add inbox" subtitle="Pick the channel your customers write through." narrow>
      <ChannelPicker channels={props.channels} selected={kind.param} />
      <FormCard headingId="setup-heading" title={`2. ${kind.label} channel`} subtitle={kind.description} wide>
        <div class="card-body stack">
          {kind.intro ? (
            <div class="channel-intro stack" data-testid="channel-intro">
              <h3 class="channel-intro-title">{kind.intro.title}</h3>
              <p class="muted">{kind.intro.text}</p>
              {kind.intro.unavailable ? (
                <Alert kind="info" title="Not available on this server yet" id="channel-intro-unavailable">
                  {kind.intro.unavailable}
                </Alert>
              ) : (
                <p>
                  <a class="btn btn-primary" href={kind.intro.href} data-testid="channel-intro-button">
                    {kind.intro.button}
                  </a>
                </p>
              )}
              {kind.intro.note ? <p class="muted small">{kind.intro.note}</p> : null}
            </div>
          ) : null}
          {kind.steps.length ? (
            <ol class="inbox-next-steps channel-steps" data-testid="channel-steps">
              {kind.steps.map((s) => (
                <li>{s}</li>
              ))}
            </ol>
          ) : null}
          {kind.unavailable ? (
            <Alert kind="info" title="Not available on this server yet" id="channel-unavailable">
              {kind.unavailable}
            </Alert>
          ) : (
            <form method="post" action={`${base}/new/${kind.param}`} class="stack" novalidate id="new-channel-form" data-testid={`new-${kind.param}-form`}>
              <CsrfField token={props.shell.doc.csrfToken} />
              {general ? (
                <Alert kind="error" title="The inbox was not created" id="channel-error">
                  {general}
                </Alert>
              ) : null}
              <Field label="Inbox name" name="name" value={typeof props.values.name === "string" ? props.values.name : ""} errors={props.errors} required placeholder={`${kind.label} support`} autofocus />
              {kind.fields.map((f) => (
                <ChannelField field={f} value={props.values[f.name]} errors={props.errors} />
              ))}
              <div class="form-actions">
                <a class="btn btn-ghost" href={base}>
                  Cancel
                </a>
                <button type="submit" class="btn btn-primary">
                  Create {kind.label} inbox
                </button>
              </div>
            </form>
          )}
        </div>
      </FormCard>
    </SettingsFrame>
  );
}

export type ChannelCardView = {
  label: string;
  status: string | null;
  error: string | null;
  checkedAt: number | null;
  details: { label: string; value: string; help?: string; action?: { label: string; href: string } }[];
  /** For detail actions (POST forms). */
  csrfToken?: string;
  /** The kind's fields that can be changed here (new credentials), posted to `action`. */
  update?: { action: string; fields: ChannelFieldView[]; errors?: FieldErrors };
};

const STATUS: Record<string, { text: string; badge: string }> = {
  connected: { text: "Connected", badge: "badge-success" },
  error: { text: "Failing", badge: "badge-danger" },
  reauthorization_required: { text: "Token expired", badge: "badge-danger" },
};

/** Inbox → Settings: the provider connection (status, last error) and what the kind tells about it. */
export function ChannelCard(props: { channel: ChannelCardView; created?: boolean }) {
  const ch = props.channel;
  const status = ch.status ? STATUS[ch.status] : null;
  return (
    <section class="card" aria-labelledby="channel-card-heading" id="channel-card" data-testid="channel-card">
      <header class="card-header">
        <div>
          <h2 id="channel-card-heading" class="card-title">
            {ch.label} channel
          </h2>
          <p class="card-subtitle">{props.created ? "Your inbox is ready: add collaborators so agents see its conversations." : "How this inbox is connected to the provider."}</p>
        </div>
        <span class={`badge ${status?.badge ?? "badge-neutral"}`} data-testid="channel-status">
          {status?.text ?? "Waiting for the first message"}
        </span>
      </header>
      <div class="card-body stack">
        {ch.error ? (
          <Alert kind="error" title="Last error from the provider" id="channel-error">
            {ch.error}
          </Alert>
        ) : null}
        <dl class="channel-details">
          {ch.details.map((d) => (
            <>
              <dt>{d.label}</dt>
              <dd>
                <span class="channel-detail-value">{d.value}</span>
                {d.action ? (
                  <form method="post" action={d.action.href} class="channel-detail-action">
                    <CsrfField token={ch.csrfToken ?? ""} />
                    <button type="submit" class="btn btn-secondary btn-sm">
                      {d.action.label}
                    </button>
                  </form>
                ) : null}
                {d.help ? <span class="field-hint">{d.help}</span> : null}
              </dd>
            </>
          ))}
          {ch.checkedAt ? (
            <>
              <dt>Last checked</dt>
              <dd>
                <time datetime={new Date(ch.checkedAt).toISOString()}>{new Date(ch.checkedAt).toISOString().replace("T", " ").slice(0, 16)} UTC</time>
              </dd>
            </>
          ) : null}
        </dl>
        {ch.update ? (
          <details class="channel-update" open={ch.status === "reauthorization_required" || !!ch.update.errors} data-testid="channel-update">
            <summary>Change the connection</summary>
            <form method="post" action={ch.update.action} class="stack" novalidate id="channel-update-form">
              <CsrfField token={ch.csrfToken ?? ""} />
              {ch.update.fields.map((f) => (
                <ChannelField field={{ ...f, required: false }} value={undefined} errors={ch.update!.errors} />
              ))}
              <div class="form-actions">
                <button type="submit" class="btn btn-secondary">
                  Save and reconnect
                </button>
              </div>
            </form>
          </details>
        ) : null}
      </div>
    </section>
  );
}
