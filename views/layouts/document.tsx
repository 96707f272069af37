/** @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";

/** Hashed URLs of the embedded static files (src/web/static.ts). */
export type Assets = Readonly<{ css: string; appJs: string; htmx: string; alpine: string; logo: string; styles: readonly string[]; scripts: readonly string[] }>;

/** What every page needs from the request: asset URLs, the CSP nonce and the CSRF token. */
export type Doc = { title: string; assets: Assets; nonce: string; csrfToken: string };

/**
 * The HTML document. Scripts are same-origin files (no inline code: the CSP allows only 'self' and the
 * nonce); our script loads before Alpine's CSP build so its components exist when Alpine starts.
 */
export function Document(props: { doc: Doc; bodyClass?: string; children: Child }) {
  const { doc } = props;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light" />
        <meta name="csrf-token" content={doc.csrfToken} />
        <meta name="htmx-config" content='{"includeIndicatorCSS":false}' />
        <title>{doc.title ? `${doc.title} · Parley` : "Parley"}</title>
        <link rel="icon" type="image/svg+xml" href={doc.assets.logo} />
        <link rel="stylesheet" href={doc.assets.css} />
        {doc.assets.styles.map((href) => (
          <link rel="stylesheet" href={href} />
        ))}
        <script src={doc.assets.appJs} nonce={doc.nonce} defer></script>
        {doc.assets.scripts.map((src) => (
          <script src={src} nonce={doc.nonce} defer></script>
        ))}
        <script src={doc.assets.htmx} nonce={doc.nonce} defer></script>
        <script src={doc.assets.alpine} nonce={doc.nonce} defer></script>
      </head>
      <body class={props.bodyClass}>{props.children}</body>
    </html>
  );
}
