/** @jsxImportSource hono/jsx */
import { Alert, CsrfField, Field, type FieldErrors } from "../../components/form.tsx";
import { Icon } from "../../components/icon.tsx";
import type { Doc } from "../../layouts/document.tsx";
import { AuthLayout } from "../../layouts/auth.tsx";

export function ForgotPasswordPage(props: { doc: Doc; email?: string; sent?: boolean; errors?: FieldErrors; message?: string }) {
  return (
    <AuthLayout
      doc={props.doc}
      heading="Reset your password"
      lead="Enter the email address you use for Parley and we will send you a link to choose a new password."
      footer={
        <a class="link-muted" href="/app/login">
          <Icon name="arrowLeft" size={14} /> Back to log in
        </a>
      }
    >
      {props.sent ? (
        <Alert kind="success" title="Check your inbox" id="reset-sent">
          If the address exists, we sent a link to reset the password. The link works once and expires in 2 hours.
        </Alert>
      ) : null}
      {props.message ? <Alert kind="error" title={props.message} /> : null}
      <form method="post" action="/app/auth/password" class="stack" novalidate>
        <CsrfField token={props.doc.csrfToken} />
        <Field label="Email" name="email" type="email" value={props.email} errors={props.errors} autocomplete="email" required autofocus placeholder="you@company.com" />
        <button type="submit" class="btn btn-primary btn-block btn-lg">
          Send reset link
        </button>
      </form>
    </AuthLayout>
  );
}
