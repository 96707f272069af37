/** @jsxImportSource hono/jsx */
import { Alert, CsrfField, Field, type FieldErrors, type Notice } from "../../components/form.tsx";
import { Icon } from "../../components/icon.tsx";
import { FormCard } from "../../components/settings-list.tsx";
import { accountPath, type Shell } from "../../layouts/app.tsx";
import { SettingsFrame } from "./frame.tsx";
import { builtInChannels, CopyValue, InboxFrame, MaskedValue, TextArea, type InboxDetail } from "./inbox.tsx";
import { ChannelPicker, type PickerChannel } from "./inbox-channel.tsx";
import type { SettingsAccess } from "./layout.tsx";

/** The website (web widget) channel's settings as the Widget tab shows them. */
export type WidgetFormValues = {
  website_url: string;
  widget_color: string;
  welcome_title: string;
  welcome_tagline: string;
  reply_time: "in_a_few_minutes" | "in_a_few_hours" | "in_a_day";
  allowed_domains: string;
  hmac_mandatory: boolean;
  continuity_via_email: boolean;
  features: string[];
  pre_chat_form_enabled: boolean;
  pre_chat_message: string;
  pre_chat_fields: { name: string; label: string; type: string; enabled: boolean; required: boolean }[];
};

export type NewWebsiteValues = { name: string; website_url: string; widget_color: string; welcome_title: string; welcome_tagline: string };

export const REPLY_TIME_LABELS: Record<WidgetFormValues["reply_time"], string> = {
  in_a_few_minutes: "Typically replies in a few minutes",
  in_a_few_hours: "Typically replies in a few hours",
  in_a_day: "Typically replies in a day",
};

const FEATURES: { key: string; label: string; hint: string }[] = [
  { key: "attachments", label: "File attachments", hint: "Visitors can send files." },
  { key: "emoji_picker", label: "Emoji picker", hint: "An emoji button beside the message box." },
  { key: "end_conversation", label: "End conversation", hint: "Visitors can resolve the chat themselves." },
];

function Check(props: { name: string; value?: string; checked: boolean; label: string; hint?: string; testid?: string }) {
  return (
    <label class="checkbox settings-check">
      <input type="checkbox" name={props.name} value={props.value ?? "1"} checked={props.checked} data-testid={props.testid} />
      <span>
        <span class="settings-check-label">{props.label}</span>
        {props.hint ? <span class="settings-check-hint">{props.hint}</span> : null}
      </span>
    </label>
  );
}

/** The static preview of the widget; the `widgetPreview` Alpine component keeps it in step with the form. */
function WidgetPreview(props: { name: string; v: Pick<WidgetFormValues, "widget_color" | "welcome_title" | "welcome_tagline" | "reply_time"> }) {
  const { v } = props;
  return (
    <aside class="widget-preview" aria-label="Widget preview" data-testid="widget-preview">
      <p class="field-label">Preview</p>
      <div class="widget-preview-window" x-ref="window" data-color={v.widget_color}>
        <div class="widget-preview-header">
          <div class="widget-preview-brand">
            <span class="widget-preview-logo" aria-hidden="true">
              {props.name.slice(0, 1).toUpperCase()}
            </span>
            <span class="widget-preview-name">{props.name}</span>
          </div>
          <p class="widget-preview-title" x-text="title" data-testid="preview-title">
            {v.welcome_title || "Hi there ! 🙌🏼"}
          </p>
          <p class="widget-preview-tagline" x-text="tagline" data-testid="preview-tagline">
            {v.welcome_tagline || "We make it simple to connect with us. Ask us anything, or share your feedback."}
          </p>
        </div>
        <div class="widget-preview-body">
          <div class="widget-preview-card">
            <p class="widget-preview-status">
              <span class="widget-preview-dot" aria-hidden="true"></span>
              <span x-text="replyText" data-testid="preview-reply-time">
                {REPLY_TIME_LABELS[v.reply_time]}
              </span>
            </p>
            <span class="widget-preview-button">Start conversation</span>
          </div>
        </div>
        <p class="widget-preview-footer muted small">Powered by Parley</p>
      </div>
      <div class="widget-preview-launcher" aria-hidden="true">
        <Icon name="conversations" size={22} />
      </div>
    </aside>
  );
}

function ColorField(props: { value: string; errors?: FieldErrors }) {
  const error = props.errors?.widget_color;
  return (
    <div class={error ? "field has-error" : "field"}>
      <div class="field-label-row">
        <label for="f-widget_color">Widget colour</label>
      </div>
      <div class="widget-color-row">
        <input id="f-widget_color" name="widget_color" type="color" value={props.value} class="widget-color-input" aria-invalid={error ? "true" : undefined} />
        <code x-text="color">{props.value}</code>
      </div>
      {error ? (
        <p class="field-error" id="f-widget_color-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

function ReplyTimeField(props: { value: WidgetFormValues["reply_time"]; errors?: FieldErrors }) {
  const error = props.errors?.reply_time;
  return (
    <div class={error ? "field has-error" : "field"}>
      <div class="field-label-row">
        <label for="f-reply_time">Reply time</label>
      </div>
      <select class="select" id="f-reply_time" name="reply_time">
        {Object.entries(REPLY_TIME_LABELS).map(([key, label]) => (
          <option value={key} selected={props.value === key}>
            {label.replace("Typically replies ", "")}
          </option>
        ))}
      </select>
      {error ? <p class="field-error">{error}</p> : <p class="field-hint">Shown to visitors under the welcome text.</p>}
    </div>
  );
}

/** Settings → Inboxes → Add inbox → Website. */
export function NewWebsiteInboxPage(props: { shell: Shell; access: SettingsAccess; values: NewWebsiteValues; errors?: FieldErrors; channels?: PickerChannel[] }) {
  const base = accountPath(props.shell.accountId, "settings/inboxes");
  const v = props.values;
  return (
    <SettingsFrame shell={props.shell} access={props.access} page="inboxes" title="Add inbox" subtitle="Pick the channel your customers write through." narrow>
      <ChannelPicker channels={props.channels ?? builtInChannels(props.shell.accountId)} selected="website" />
      <FormCard
        headingId="website-heading"
        title="2. Website channel"
        subtitle="Name the inbox and set how the chat widget greets your visitors. Everything can be changed later."
        wide
      >
        <form method="post" action={`${base}/new/website`} class="card-body stack" novalidate id="new-website-form" x-data="widgetPreview" x-on:input="sync">
          <CsrfField token={props.shell.doc.csrfToken} />
          <Field label="Website name" name="name" value={v.name} errors={props.errors} required placeholder="Acme website" autofocus />
          <Field label="Website domain" name="website_url" type="url" value={v.website_url} errors={props.errors} required placeholder="https://www.example.com" />
          <ColorField value={v.widget_color} errors={props.errors} />
          <Field label="Welcome heading" name="welcome_title" value={v.welcome_title} errors={props.errors} placeholder="Hi there ! 🙌🏼" />
          <Field
            label="Welcome tagline"
            name="welcome_tagline"
            value={v.welcome_tagline}
            errors={props.errors}
            placeholder="We make it simple to connect with us. Ask us anything, or share your feedback."
          />
          <div class="form-actions">
            <a class="btn btn-ghost" href={base}>
              Cancel
            </a>
            <button type="submit" class="btn btn-primary">
              Create website channel
            </button>
          </div>
        </form>
      </FormCard>
    </SettingsFrame>
  );
}

/** Inbox → Widget: the web widget settings with a live preview, the pre-chat form, identity checks and the embed snippet. */
export function InboxWidgetPage(props: {
  shell: Shell;
  access: SettingsAccess;
  inbox: InboxDetail;
  values: WidgetFormValues;
  websiteToken: string;
  script: string;
  errors?: FieldErrors;
  notice?: Notice;
  created?: boolean;
}) {
  const v = props.values;
  const action = accountPath(props.shell.accountId, `settings/inboxes/${props.inbox.id}/widget`);
  const errors = props.errors;
  return (
    <InboxFrame shell={props.shell} access={props.access} inbox={props.inbox} tab="widget" notice={props.notice}>
      {props.created ? (
        <Alert kind="success" title="Your website inbox is ready" id="inbox-created">
          Paste the snippet below on every page of your site, just before <code>&lt;/body&gt;</code>, and add agents as collaborators.
        </Alert>
      ) : null}
      {errors && Object.keys(errors).length ? (
        <Alert kind="error" title="Some settings need a fix" id="widget-errors">
          Nothing was saved. Check the fields marked below.
        </Alert>
      ) : null}
      <form method="post" action={action} class="widget-settings" novalidate id="widget-form" x-data="widgetPreview" x-on:input="sync" x-on:change="sync">
        <CsrfField token={props.shell.doc.csrfToken} />
        <div class="widget-settings-main stack-lg">
          <section class="card" aria-labelledby="appearance-heading">
            <header class="card-header">
              <h2 id="appearance-heading" class="card-title">
                Appearance
              </h2>
            </header>
            <div class="card-body stack">
              <Field label="Website domain" name="website_url" type="url" value={v.website_url} errors={errors} placeholder="https://www.example.com" />
              <ColorField value={v.widget_color} errors={errors} />
              <Field label="Welcome heading" name="welcome_title" value={v.welcome_title} errors={errors} placeholder="Hi there ! 🙌🏼" />
              <Field label="Welcome tagline" name="welcome_tagline" value={v.welcome_tagline} errors={errors} />
              <ReplyTimeField value={v.reply_time} errors={errors} />
            </div>
          </section>
          <section class="card" aria-labelledby="features-heading">
            <header class="card-header">
              <h2 id="features-heading" class="card-title">
                Features
              </h2>
            </header>
            <div class="card-body stack">
              {FEATURES.map((f) => (
                <Check name="features" value={f.key} checked={v.features.includes(f.key)} label={f.label} hint={f.hint} testid={`feature-${f.key}`} />
              ))}
              <Check name="continuity_via_email" checked={v.continuity_via_email} label="Continue conversations by email" hint="When the visitor leaves, replies reach them by email (if they gave one)." />
            </div>
          </section>
          <section class="card" aria-labelledby="prechat-heading">
            <header class="card-header">
              <div>
                <h2 id="prechat-heading" class="card-title">
                  Pre-chat form
                </h2>
                <p class="card-subtitle">Ask for details before the conversation starts.</p>
              </div>
            </header>
            <div class="card-body stack">
              <Check name="pre_chat_form_enabled" checked={v.pre_chat_form_enabled} label="Enable the pre-chat form" testid="pre-chat-enabled" />
              <TextArea label="Pre-chat message" name="pre_chat_message" value={v.pre_chat_message} errors={errors} rows={2} />
              <table class="table widget-prechat-table">
                <thead>
                  <tr>
                    <th scope="col">Field</th>
                    <th scope="col">Type</th>
                    <th scope="col">Shown</th>
                    <th scope="col">Required</th>
                  </tr>
                </thead>
                <tbody>
                  {v.pre_chat_fields.map((f) => (
                    <tr>
                      <td>{f.label}</td>
                      <td class="muted">{f.type}</td>
                      <td>
                        <input type="checkbox" name="pre_chat_enabled" value={f.name} checked={f.enabled} aria-label={`Show ${f.label}`} />
                      </td>
                      <td>
                        <input type="checkbox" name="pre_chat_required" value={f.name} checked={f.required} aria-label={`Require ${f.label}`} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
          <section class="card" aria-labelledby="security-heading">
            <header class="card-header">
              <div>
                <h2 id="security-heading" class="card-title">
                  Security
                </h2>
                <p class="card-subtitle">Limit where the widget runs and who visitors can claim to be.</p>
              </div>
            </header>
            <div class="card-body stack">
              <Field
                label="Allowed domains"
                name="allowed_domains"
                value={v.allowed_domains}
                errors={errors}
                placeholder="example.com, *.example.org"
                hint="Comma-separated. When set, only these sites can use the widget. Leave empty to allow any site."
              />
              <Check
                name="hmac_mandatory"
                checked={v.hmac_mandatory}
                label="Enforce user identity validation"
                hint="setUser must send identifier_hash = HMAC-SHA256(token below, identifier); unsigned calls are refused."
              />
              <div class="inbox-credential">
                <p class="field-label">HMAC token</p>
                <MaskedValue value={props.inbox.hmacToken} testid="inbox-hmac-token" label="HMAC token" />
              </div>
            </div>
          </section>
          <div class="form-actions">
            <button type="submit" class="btn btn-primary">
              Save widget settings
            </button>
          </div>
        </div>
        <WidgetPreview name={props.inbox.name} v={v} />
      </form>
      <section class="card" aria-labelledby="snippet-heading">
        <header class="card-header">
          <div>
            <h2 id="snippet-heading" class="card-title">
              Embed the widget
            </h2>
            <p class="card-subtitle">Put this code on your website, before the closing body tag.</p>
          </div>
        </header>
        <div class="card-body stack">
          <pre class="widget-snippet" data-testid="widget-snippet">
            <code>{props.script}</code>
          </pre>
          <div class="inbox-credential">
            <p class="field-label">Website token</p>
            <CopyValue value={props.websiteToken} testid="website-token" label="website token" />
          </div>
        </div>
      </section>
    </InboxFrame>
  );
}
