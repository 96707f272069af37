/** @jsxImportSource hono/jsx */
import { Avatar } from "../../components/avatar.tsx";
import { CsrfField, Field, type FieldErrors, NoticeAlert, type Notice } from "../../components/form.tsx";
import { Icon } from "../../components/icon.tsx";
import { PageHeader, accountPath, type Shell } from "../../layouts/app.tsx";
import { TextArea } from "./inbox.tsx";
import { SettingsLayout, type SettingsAccess } from "./layout.tsx";

export type ProfileValues = { name: string; display_name: string; email: string };
export type PreferenceValues = { message_signature: string; enter_to_send: boolean };
/** The notification types a user can subscribe to, with the selected email and push flags (Chatwoot's names). */
export type NotificationPrefs = { types: { key: string; label: string }[]; email: string[]; push: string[] };

export function ProfilePage(props: {
  shell: Shell;
  access: SettingsAccess;
  values: ProfileValues;
  accessToken: string | null;
  notice?: Notice;
  profileErrors?: FieldErrors;
  passwordErrors?: FieldErrors;
  avatarErrors?: FieldErrors;
  preferences: PreferenceValues;
  preferenceErrors?: FieldErrors;
  notifications: NotificationPrefs;
  notificationErrors?: FieldErrors;
}) {
  const { shell } = props;
  const base = accountPath(shell.accountId, "settings/profile");
  const csrf = shell.doc.csrfToken;
  return (
    <SettingsLayout shell={shell} page="profile" access={props.access}>
      <PageHeader title="Profile" subtitle="How you appear to your team and to customers." />
      <div class="page-body stack-lg narrow">
        <NoticeAlert notice={props.notice} id="profile-notice" />

        <section class="card" aria-labelledby="profile-heading">
          <header class="card-header">
            <div>
              <h2 id="profile-heading" class="card-title">
                Personal details
              </h2>
              <p class="card-subtitle">Your display name is what customers see in conversations.</p>
            </div>
          </header>
          <form method="post" action={base} class="card-body stack" novalidate>
            <CsrfField token={csrf} />
            <div class="profile-identity">
              <Avatar name={props.values.name || shell.user.name} url={shell.user.avatarUrl} size="lg" status={shell.user.availability} />
              <div>
                <p class="profile-name">{shell.user.name}</p>
                <p class="muted">{shell.user.email}</p>
              </div>
            </div>
            <div class="grid-2">
              <Field label="Full name" name="name" value={props.values.name} errors={props.profileErrors} autocomplete="name" required />
              <Field
                label="Display name"
                name="display_name"
                value={props.values.display_name}
                errors={props.profileErrors}
                autocomplete="nickname"
                hint="Optional. Shown instead of your full name."
              />
            </div>
            <Field label="Email" name="email" type="email" value={props.values.email} errors={props.profileErrors} autocomplete="email" required />
            <div class="form-actions">
              <button type="submit" class="btn btn-primary">
                Save changes
              </button>
            </div>
          </form>
        </section>

        <section class="card" aria-labelledby="avatar-heading">
          <header class="card-header">
            <div>
              <h2 id="avatar-heading" class="card-title">
                Profile picture
              </h2>
              <p class="card-subtitle">A PNG, JPEG, GIF or WebP image of at most 5 MB.</p>
            </div>
          </header>
          <div class="card-body stack">
            <div class="profile-avatar-row">
              <Avatar name={shell.user.name} url={shell.user.avatarUrl} size="lg" />
              <form method="post" action={`${base}/avatar`} enctype="multipart/form-data" class="profile-avatar-form" id="avatar-form">
                <CsrfField token={csrf} />
                <div class={props.avatarErrors?.avatar ? "field has-error" : "field"}>
                  <label for="f-avatar" class="visually-hidden">
                    Choose an image
                  </label>
                  <input type="file" id="f-avatar" name="avatar" accept="image/png,image/jpeg,image/gif,image/webp" required aria-invalid={props.avatarErrors?.avatar ? "true" : undefined} />
                  {props.avatarErrors?.avatar ? <p class="field-error">{props.avatarErrors.avatar}</p> : null}
                </div>
                <button type="submit" class="btn btn-secondary btn-sm">
                  <Icon name="upload" size={14} /> Upload
                </button>
              </form>
              {shell.user.avatarUrl ? (
                <form method="post" action={`${base}/avatar/delete`}>
                  <CsrfField token={csrf} />
                  <button type="submit" class="btn btn-ghost btn-sm" data-confirm="Remove your profile picture?">
                    Remove
                  </button>
                </form>
              ) : null}
            </div>
          </div>
        </section>

        <section class="card" aria-labelledby="preferences-heading">
          <header class="card-header">
            <div>
              <h2 id="preferences-heading" class="card-title">
                Replying
              </h2>
              <p class="card-subtitle">Your signature and how the reply box sends.</p>
            </div>
          </header>
          <form method="post" action={`${base}/preferences`} class="card-body stack" novalidate id="preferences-form">
            <CsrfField token={csrf} />
            <TextArea
              label="Message signature"
              name="message_signature"
              value={props.preferences.message_signature}
              errors={props.preferenceErrors}
              rows={3}
              hint="Added under your replies when you choose to sign them. Markdown is allowed."
            />
            <label class="checkbox settings-check">
              <input type="checkbox" name="enter_to_send" value="1" checked={props.preferences.enter_to_send} />
              <span>
                <span class="settings-check-label">Send with Enter</span>
                <span class="settings-check-hint">Shift+Enter adds a new line. When off, Enter adds a new line and Ctrl/⌘+Enter sends.</span>
              </span>
            </label>
            <div class="form-actions">
              <button type="submit" class="btn btn-primary">
                Save preferences
              </button>
            </div>
          </form>
        </section>

        <section class="card" aria-labelledby="notifications-heading">
          <header class="card-header">
            <div>
              <h2 id="notifications-heading" class="card-title">
                Notifications
              </h2>
              <p class="card-subtitle">What you are told about in this account: in the app (the notification centre and its badge) and by email.</p>
            </div>
          </header>
          <form method="post" action={`${base}/notifications`} class="card-body stack" novalidate id="notifications-form">
            <CsrfField token={csrf} />
            {props.notificationErrors ? (
              <p class="field-error" role="alert">
                {Object.values(props.notificationErrors).join(" ")}
              </p>
            ) : null}
            <table class="table notification-prefs">
              <thead>
                <tr>
                  <th scope="col">Notify me when</th>
                  <th scope="col" class="col-check">
                    Email
                  </th>
                  <th scope="col" class="col-check">
                    In-app
                  </th>
                </tr>
              </thead>
              <tbody>
                {props.notifications.types.map((t) => (
                  <tr>
                    <td>{t.label}</td>
                    <td class="col-check">
                      <input
                        type="checkbox"
                        name="selected_email_flags"
                        value={`email_${t.key}`}
                        checked={props.notifications.email.includes(`email_${t.key}`)}
                        aria-label={`Email: ${t.label}`}
                      />
                    </td>
                    <td class="col-check">
                      <input
                        type="checkbox"
                        name="selected_push_flags"
                        value={`push_${t.key}`}
                        checked={props.notifications.push.includes(`push_${t.key}`)}
                        aria-label={`In-app: ${t.label}`}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <div class="form-actions">
              <button type="submit" class="btn btn-primary">
                Save notification preferences
              </button>
            </div>
          </form>
        </section>

        <section class="card" aria-labelledby="password-heading">
          <header class="card-header">
            <div>
              <h2 id="password-heading" class="card-title">
                Password
              </h2>
              <p class="card-subtitle">Changing your password logs you out everywhere else.</p>
            </div>
          </header>
          <form method="post" action={`${base}/password`} class="card-body stack" novalidate>
            <CsrfField token={csrf} />
            <Field label="Current password" name="current_password" type="password" errors={props.passwordErrors} autocomplete="current-password" required />
            <div class="grid-2">
              <Field
                label="New password"
                name="password"
                type="password"
                errors={props.passwordErrors}
                autocomplete="new-password"
                required
                hint="8+ characters, upper and lower case, a number and a symbol."
              />
              <Field label="Confirm new password" name="password_confirmation" type="password" errors={props.passwordErrors} autocomplete="new-password" required />
            </div>
            <div class="form-actions">
              <button type="submit" class="btn btn-primary">
                Change password
              </button>
            </div>
          </form>
        </section>

        <section class="card" aria-labelledby="token-heading">
          <header class="card-header">
            <div>
              <h2 id="token-heading" class="card-title">
                API access token
              </h2>
              <p class="card-subtitle">
                Use it as the <code>api_access_token</code> header to call the Parley API as yourself. Keep it secret.
              </p>
            </div>
          </header>
          <div class="card-body stack">
            <div class="secret" x-data="secret">
              <Icon name="key" size={16} class="secret-icon" />
              <code class="secret-value" x-ref="value" data-value={props.accessToken ?? ""} data-testid="access-token">
                <span x-show="revealed" x-cloak>
                  {props.accessToken ?? "No token"}
                </span>
                <span x-show="!revealed" aria-label="hidden token">
                  ••••••••••••••••••••••••
                </span>
              </code>
              <button type="button" class="btn btn-ghost btn-sm" x-on:click="toggle" x-text="label()">
                Show
              </button>
              <button type="button" class="btn btn-ghost btn-sm" x-on:click="copy">
                <Icon name="copy" size={14} />
                <span x-text="copyLabel()">Copy</span>
              </button>
            </div>
            <form method="post" action={`${base}/access_token`} class="inline-form">
              <CsrfField token={csrf} />
              <p class="muted small">Resetting creates a new token; integrations using the old one stop working at once.</p>
              <button type="submit" class="btn btn-danger-soft" data-confirm="Reset your access token? Integrations using the current token stop working.">
                <Icon name="refresh" size={15} /> Reset token
              </button>
            </form>
          </div>
        </section>
      </div>
    </SettingsLayout>
  );
}
