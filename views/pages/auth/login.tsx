/** @jsxImportSource hono/jsx */
import { CsrfField, Field, type FieldErrors, NoticeAlert } from "../../components/form.tsx";
import type { Doc } from "../../layouts/document.tsx";
import { AuthLayout } from "../../layouts/auth.tsx";

export type LoginNotice = { kind: "error" | "success" | "info"; title: string; text?: string };

export function LoginPage(props: { doc: Doc; email?: string; notice?: LoginNotice; errors?: FieldErrors }) {
  return (
    <AuthLayout doc={props.doc} heading="Log in to Parley" lead="Welcome back. Pick up your conversations where you left them.">
      <NoticeAlert notice={props.notice} id="login-notice" />
      <form method="post" action="/app/login" class="stack" novalidate>
        <CsrfField token={props.doc.csrfToken} />
        <Field label="Email" name="email" type="email" value={props.email} errors={props.errors} autocomplete="username" required autofocus placeholder="you@company.com" />
        <Field
          label="Password"
          name="password"
          type="password"
          errors={props.errors}
          autocomplete="current-password"
          required
          trailing={
            <a class="field-link" href="/app/auth/password">
              Forgot password?
            </a>
          }
        />
        <button type="submit" class="btn btn-primary btn-block btn-lg">
          Log in
        </button>
      </form>
    </AuthLayout>
  );
}
