/** @jsxImportSource hono/jsx */
import { Alert, CsrfField, Field, type FieldErrors, type Notice } from "../../components/form.tsx";
import { Icon } from "../../components/icon.tsx";
import { FormCard } from "../../components/settings-list.tsx";
import { accountPath, type Shell } from "../../layouts/app.tsx";
import { SettingsFrame } from "./frame.tsx";
import type { SettingsAccess } from "./layout.tsx";

// Settings → Account settings: the fields of PATCH /api/v1/accounts/{id} an administrator edits.

export const LOCALES: { value: string; label: string }[] = [
  { value: "en", label: "English" },
  { value: "ar", label: "العربية (Arabic)" },
  { value: "ca", label: "Català (Catalan)" },
  { value: "cs", label: "Čeština (Czech)" },
  { value: "da", label: "Dansk (Danish)" },
  { value: "de", label: "Deutsch (German)" },
  { value: "el", label: "Ελληνικά (Greek)" },
  { value: "es", label: "Español (Spanish)" },
  { value: "fa", label: "فارسی (Persian)" },
  { value: "fi", label: "Suomi (Finnish)" },
  { value: "fr", label: "Français (French)" },
  { value: "he", label: "עברית (Hebrew)" },
  { value: "hi", label: "हिन्दी (Hindi)" },
  { value: "hu", label: "Magyar (Hungarian)" },
  { value: "id", label: "Bahasa Indonesia (Indonesian)" },
  { value: "it", label: "Italiano (Italian)" },
  { value: "ja", label: "日本語 (Japanese)" },
  { value: "ko", label: "한국어 (Korean)" },
  { value: "nl", label: "Nederlands (Dutch)" },
  { value: "no", label: "Norsk (Norwegian)" },
  { value: "pl", label: "Polski (Polish)" },
  { value: "pt", label: "Português (Portuguese)" },
  { value: "pt_BR", label: "Português do Brasil (Brazilian Portuguese)" },
  { value: "ro", label: "Română (Romanian)" },
  { value: "ru", label: "Русский (Russian)" },
  { value: "sv", label: "Svenska (Swedish)" },
  { value: "th", label: "ไทย (Thai)" },
  { value: "tr", label: "Türkçe (Turkish)" },
  { value: "uk", label: "Українська (Ukrainian)" },
  { value: "vi", label: "Tiếng Việt (Vietnamese)" },
  { value: "zh_CN", label: "简体中文 (Chinese, Simplified)" },
  { value: "zh_TW", label: "繁體中文 (Chinese, Traditional)" },
];

export const AUTO_RESOLVE_UNITS = [
  { value: "minutes", label: "minutes", minutes: 1 },
  { value: "hours", label: "hours", minutes: 60 },
  { value: "days", label: "days", minutes: 1440 },
] as const;

export type AccountValues = {
  name: string;
  locale: string;
  support_email: string;
  auto_resolve_after: string;
  auto_resolve_unit: string;
  auto_resolve_message: string;
  auto_resolve_ignore_waiting: boolean;
};

export function AccountSettingsPage(props: { shell: Shell; access: SettingsAccess; accountId: number; values: AccountValues; errors?: FieldErrors; notice?: Notice }) {
  const csrf = props.shell.doc.csrfToken;
  const v = props.values;
  const e = props.errors ?? {};
  const action = accountPath(props.shell.accountId, "settings/account");
  const durationError = e.auto_resolve_after ?? e.auto_resolve_duration ?? e.auto_resolve_unit;
  const knownLocale = LOCALES.some((l) => l.value === v.locale);
  return (
    <SettingsFrame
      shell={props.shell}
      access={props.access}
      page="account"
      title="Account settings"
      subtitle="The workspace's name, language and conversation housekeeping. Changes apply to every agent of the account."
      notice={props.notice}
      noticeId="account-notice"
    >
      {Object.keys(e).length ? <Alert kind="error" title="Please correct the fields below." id="account-errors" /> : null}
      <form method="post" action={action} novalidate id="account-form" class="stack-lg">
        <CsrfField token={csrf} />
        <FormCard headingId="general-heading" title="General">
          <div class="card-body stack">
            <Field label="Account name" name="name" value={v.name} errors={e} required hint="Shown to your agents in the account switcher and in emails." />
            <div class={e.locale ? "field has-error" : "field"}>
              <label for="f-locale">Site language</label>
              <select class="select at-select" id="f-locale" name="locale" aria-invalid={e.locale ? "true" : undefined}>
                {knownLocale ? null : <option value={v.locale}>{v.locale}</option>}
                {LOCALES.map((l) => (
                  <option value={l.value} selected={l.value === v.locale}>
                    {l.label}
                  </option>
                ))}
              </select>
              {e.locale ? <p class="field-error">{e.locale}</p> : <p class="field-hint">The account's default language (Chatwoot's locale).</p>}
            </div>
            <Field
              label="Support email"
              name="support_email"
              type="email"
              value={v.support_email}
              errors={e}
              placeholder="support@example.com"
              hint="Optional: the address customers reply to in email notifications."
            />
          </div>
        </FormCard>
        <FormCard
          headingId="auto-resolve-heading"
          title="Auto-resolve conversations"
          subtitle="Open conversations without any activity for this long are resolved by the system. Leave empty to turn it off."
        >
          <div class="card-body stack">
            <div class={durationError ? "field has-error" : "field"}>
              <label for="f-auto_resolve_after">Resolve after</label>
              <div class="at-duration">
                <input
                  id="f-auto_resolve_after"
                  name="auto_resolve_after"
                  type="number"
                  min="1"
                  step="1"
                  inputmode="numeric"
                  value={v.auto_resolve_after}
                  placeholder="Off"
                  aria-invalid={durationError ? "true" : undefined}
                  aria-describedby="auto-resolve-hint"
                />
                <label class="visually-hidden" for="f-auto_resolve_unit">
                  Unit
                </label>
                <select class="select" id="f-auto_resolve_unit" name="auto_resolve_unit">
                  {AUTO_RESOLVE_UNITS.map((u) => (
                    <option value={u.value} selected={u.value === v.auto_resolve_unit}>
                      {u.label}
                    </option>
                  ))}
                </select>
              </div>
              {durationError ? <p class="field-error">{durationError}</p> : null}
              <p class="field-hint" id="auto-resolve-hint">
                Between 10 minutes and 999 days.
              </p>
            </div>
            <div class={e.auto_resolve_message ? "field has-error" : "field"}>
              <label for="f-auto_resolve_message">Message sent when resolving</label>
              <textarea id="f-auto_resolve_message" name="auto_resolve_message" rows={3} class="at-textarea" placeholder="Optional, e.g. “We closed this for now — just reply to reopen it.”">
                {v.auto_resolve_message}
              </textarea>
              {e.auto_resolve_message ? <p class="field-error">{e.auto_resolve_message}</p> : <p class="field-hint">Sent to the customer just before the conversation is resolved.</p>}
            </div>
            <label class="checkbox">
              <input type="checkbox" name="auto_resolve_ignore_waiting" value="1" checked={v.auto_resolve_ignore_waiting} /> Keep conversations open while the customer
              waits for a reply
            </label>
          </div>
        </FormCard>
        <div class="form-actions narrow">
          <button type="submit" class="btn btn-primary">
            Save changes
          </button>
        </div>
      </form>
      <FormCard
        headingId="account-id-heading"
        title="Account ID"
        subtitle={
          <>
            Use it in API paths such as <code>/api/v1/accounts/{props.accountId}/conversations</code>.
          </>
        }
      >
        <div class="card-body">
          <div class="secret" x-data="accountCopy">
            <Icon name="key" size={16} class="secret-icon" />
            <code class="secret-value" x-ref="value" data-value={String(props.accountId)} data-testid="account-id">
              {props.accountId}
            </code>
            <button type="button" class="btn btn-ghost btn-sm" x-on:click="copy">
              <Icon name="copy" size={14} />
              <span x-text="label()">Copy</span>
            </button>
          </div>
        </div>
      </FormCard>
    </SettingsFrame>
  );
}
