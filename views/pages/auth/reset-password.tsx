/** @jsxImportSource hono/jsx */
import { Alert, CsrfField, Field, type FieldErrors } from "../../components/form.tsx";
import { Icon } from "../../components/icon.tsx";
import type { Doc } from "../../layouts/document.tsx";
import { AuthLayout } from "../../layouts/auth.tsx";

/** The new-password form of a reset link; `invalid` replaces the form when the link cannot be used. */
export function ResetPasswordPage(props: { doc: Doc; token: string; invalid?: string; errors?: FieldErrors }) {
  return (
    <AuthLayout
      doc={props.doc}
      heading="Choose a new password"
      lead={props.invalid ? undefined : "Pick a strong password you do not use anywhere else."}
      footer={
        <a class="link-muted" href="/app/login">
          <Icon name="arrowLeft" size={14} /> Back to log in
        </a>
      }
    >
      {props.invalid ? (
        <div class="stack">
          <Alert kind="error" title="This reset link cannot be used" id="reset-invalid">
            {props.invalid}
          </Alert>
          <a class="btn btn-secondary btn-block" href="/app/auth/password">
            Request a new link
          </a>
        </div>
      ) : (
        <form method="post" action="/app/auth/password/edit" class="stack" novalidate>
          <CsrfField token={props.doc.csrfToken} />
          <input type="hidden" name="reset_password_token" value={props.token} />
          <Field
            label="New password"
            name="password"
            type="password"
            errors={props.errors}
            autocomplete="new-password"
            required
            autofocus
            minlength={8}
            hint="At least 8 characters with upper- and lower-case letters, a number and a symbol."
          />
          <Field label="Confirm new password" name="password_confirmation" type="password" errors={props.errors} autocomplete="new-password" required />
          <button type="submit" class="btn btn-primary btn-block btn-lg">
            Set new password
          </button>
        </form>
      )}
    </AuthLayout>
  );
}
