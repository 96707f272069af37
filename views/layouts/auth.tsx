/** @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";
import { Document, type Doc } from "./document.tsx";

/** The signed-out pages: one centred card on a soft background. */
export function AuthLayout(props: { doc: Doc; heading: string; lead?: Child; wide?: boolean; children: Child; footer?: Child }) {
  return (
    <Document doc={props.doc} bodyClass="auth-body">
      <main class="auth-shell">
        <a class="auth-brand" href="/app" aria-label="Parley">
          <img src={props.doc.assets.logo} alt="" width="36" height="36" />
          <span>Parley</span>
        </a>
        <section class={props.wide ? "auth-card auth-card-wide" : "auth-card"} aria-labelledby="auth-heading">
          <header class="auth-header">
            <h1 id="auth-heading">{props.heading}</h1>
            {props.lead ? <p class="auth-lead">{props.lead}</p> : null}
          </header>
          {props.children}
        </section>
        {props.footer ? <div class="auth-footer">{props.footer}</div> : null}
      </main>
    </Document>
  );
}
