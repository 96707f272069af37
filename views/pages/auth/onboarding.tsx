/** @jsxImportSource hono/jsx */
import { Alert, CsrfField, Field, type FieldErrors } from "../../components/form.tsx";
import type { Doc } from "../../layouts/document.tsx";
import { AuthLayout } from "../../layouts/auth.tsx";

export type OnboardingValues = { name?: string; email?: string; account_name?: string };

export function OnboardingPage(props: { doc: Doc; values?: OnboardingValues; errors?: FieldErrors; message?: string }) {
  const v = props.values ?? {};
  return (
    <AuthLayout
      doc={props.doc}
      wide
      heading="Welcome to Parley"
      lead="Set up your workspace. You will be its first administrator and can invite your team afterwards."
    >
      {props.message ? <Alert kind="error" title={props.message} /> : null}
      <form method="post" action="/app/onboarding" class="stack" novalidate>
        <CsrfField token={props.doc.csrfToken} />
        <div class="grid-2">
          <Field label="Your name" name="name" value={v.name} errors={props.errors} autocomplete="name" required autofocus placeholder="Ada Lovelace" />
          <Field label="Company name" name="account_name" value={v.account_name} errors={props.errors} autocomplete="organization" required placeholder="Acme Inc." />
        </div>
        <Field label="Work email" name="email" type="email" value={v.email} errors={props.errors} autocomplete="email" required placeholder="you@company.com" />
        <Field
          label="Password"
          name="password"
          type="password"
          errors={props.errors}
          autocomplete="new-password"
          required
          minlength={8}
          hint="At least 8 characters with upper- and lower-case letters, a number and a symbol."
        />
        <button type="submit" class="btn btn-primary btn-block btn-lg">
          Create workspace
        </button>
      </form>
    </AuthLayout>
  );
}
