/** @jsxImportSource hono/jsx */
import { Avatar } from "../../components/avatar.tsx";
import { CsrfField, Field, type FieldErrors, NoticeAlert, type Notice } from "../../components/form.tsx";
import { Icon } from "../../components/icon.tsx";
import { PageHeader, accountPath, type Shell } from "../../layouts/app.tsx";
import { SettingsLayout, type SettingsAccess } from "./layout.tsx";

export type ProfileValues = { name: string; display_name: string; email: string };

export function ProfilePage(props: {
  shell: Shell;
  access: SettingsAccess;
  values: ProfileValues;
  accessToken: string | null;
  notice?: Notice;
  profileErrors?: FieldErrors;
  passwordErrors?: FieldErrors;
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
