/** @jsxImportSource hono/jsx */
import { CsrfField } from "../../components/form.tsx";
import type { Doc } from "../../layouts/document.tsx";
import { Document } from "../../layouts/document.tsx";

/** A full-page error. `withLogout` offers a log-out button instead of the way home (e.g. a user without any account). */
export function ErrorPage(props: { doc: Doc; status: number; title: string; text: string; withLogout?: boolean }) {
  return (
    <Document doc={props.doc} bodyClass="auth-body">
      <main class="auth-shell">
        <a class="auth-brand" href="/app" aria-label="Parley">
          <img src={props.doc.assets.logo} alt="" width="36" height="36" />
          <span>Parley</span>
        </a>
        <section class="auth-card error-card" aria-labelledby="error-heading">
          <p class="error-code">{props.status}</p>
          <h1 id="error-heading">{props.title}</h1>
          <p class="auth-lead">{props.text}</p>
          {props.withLogout ? (
            <form method="post" action="/app/logout">
              <CsrfField token={props.doc.csrfToken} />
              <button type="submit" class="btn btn-secondary">
                Log out
              </button>
            </form>
          ) : (
            <a class="btn btn-secondary" href="/app">
              Back to Parley
            </a>
          )}
        </section>
      </main>
    </Document>
  );
}
