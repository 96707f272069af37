/** @jsxImportSource hono/jsx */
import { readFileSync } from "node:fs";
import { Hono } from "hono";
import type { Context } from "hono";
import sdkPath from "../../static/widget/sdk.js" with { type: "file" };
import widgetCssPath from "../../static/widget/widget.css" with { type: "file" };
import widgetJsPath from "../../static/widget/widget.js" with { type: "file" };
import type { AppEnv } from "../deps.ts";
import { widgetPageData } from "../api/widget/index.ts";
import { TooManyRequests } from "../domain/errors.ts";
import { findWebWidget, type WebWidget } from "../domain/widget/session.ts";
import { sha256Hex } from "../lib/crypto.ts";

/**
 * Website live chat: the SDK loader at Chatwoot's fixed URL /packs/js/sdk.js (short max-age + ETag, since the
 * embed snippet never changes its URL) and the /widget page the SDK frames. The page is one static template
 * with a JSON data block holding what the widget needs to start (config, the visitor's session, the current
 * conversation and messages), so the iframe is usable without a request of its own; afterwards its script talks
 * to /api/v1/widget/… and /cable. Assets are embedded (`with { type: "file" }`), served with a content hash in
 * the URL (immutable) and gzipped once at start-up.
 */

type Asset = { body: Uint8Array<ArrayBuffer>; gzip: Uint8Array<ArrayBuffer>; type: string; etag: string };

function load(path: string, type: string): Asset {
  const body = new Uint8Array(readFileSync(path));
  return { body, gzip: Bun.gzipSync(body, { level: 9 }), type, etag: `"${sha256Hex(new TextDecoder().decode(body)).slice(0, 20)}"` };
}

const sdk = load(sdkPath, "text/javascript; charset=utf-8");
const css = load(widgetCssPath, "text/css; charset=utf-8");
const js = load(widgetJsPath, "text/javascript; charset=utf-8");
const hashed = new Map<string, Asset>([
  [`widget.${css.etag.slice(1, 13)}.css`, css],
  [`widget.${js.etag.slice(1, 13)}.js`, js],
]);
const [cssName, jsName] = [...hashed.keys()];
export const widgetAssetUrls = { css: `/packs/widget/${cssName}`, js: `/packs/widget/${jsName}`, sdk: "/packs/js/sdk.js" };

function serve(c: Context, asset: Asset, cacheControl: string, extra: Record<string, string> = {}): Response {
  const headers: Record<string, string> = {
    "Content-Type": asset.type,
    "Cache-Control": cacheControl,
    ETag: asset.etag,
    Vary: "Accept-Encoding",
    "X-Content-Type-Options": "nosniff",
    ...extra,
  };
  const match = c.req.header("if-none-match");
  if (match && match.split(",").some((tag) => tag.trim().replace(/^W\//, "") === asset.etag)) return new Response(null, { status: 304, headers });
  const gzip = /\bgzip\b/.test(c.req.header("accept-encoding") ?? "");
  if (gzip) headers["Content-Encoding"] = "gzip";
  return new Response(gzip ? asset.gzip : asset.body, { headers });
}

/**
 * Who may frame the widget: any site, or only the inbox's `allowed_domains` ("shop.example, *.acme.test") when
 * it has them. Entries that are not plain host names are left out rather than widening the policy.
 */
export function frameAncestors(allowedDomains: string): string {
  const hosts = allowedDomains
    .split(",")
    .map((d) => d.trim().toLowerCase())
    .filter((d) => /^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:\d+)?$/.test(d));
  if (!hosts.length) return "*";
  return ["'self'", ...hosts.flatMap((h) => [`https://${h}`, `http://${h}`])].join(" ");
}

/** The widget page is framed by customers' sites; everything else it loads stays same-origin. */
function widgetHeaders(c: Context, ancestors: string): Record<string, string> {
  const host = new URL(c.req.url).host;
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob: https:",
    "media-src 'self' blob: https:",
    `connect-src 'self' ws://${host} wss://${host}`,
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${ancestors}`,
  ].join("; ");
  return {
    "Content-Security-Policy": csp,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cache-Control": "no-store",
  };
}

const ICON_POPOUT = "M14 3h7v7h-2V6.4l-9.3 9.3-1.4-1.4L17.6 5H14V3zM5 5h6v2H5v12h12v-6h2v6a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V7a2 2 0 0 1 2-2z";
const ICON_CLOSE = "M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6L19 6.4 17.6 5 12 10.6z";
const ICON_ATTACH =
  "M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5H9v9a3 3 0 0 0 6 0V5a4.5 4.5 0 0 0-9 0v11.5a6 6 0 0 0 12 0v-10h-1.5z";

const ICON_EMOJI =
  "M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 18a8 8 0 1 1 0-16 8 8 0 0 1 0 16zm-3.5-9a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zm7 0a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zM12 17.5c2.3 0 4.3-1.5 5-3.5H7c.7 2 2.7 3.5 5 3.5z";

function Svg({ d }: { d: string }) {
  return (
    <svg viewBox="0 0 24 24" aria-hidden="true">
      <path d={d} />
    </svg>
  );
}

function WidgetPage() {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>Live chat</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href={widgetAssetUrls.css} />
        <script src={widgetAssetUrls.js} defer></script>
        <script type="application/json" id="boot">
          {BOOT_SLOT}
        </script>
      </head>
      <body>
        <div id="app" class="app">
          <header class="head">
            <div class="head-text">
              <h1 id="title"></h1>
              <p id="tagline"></p>
              <p id="availability" class="avail"></p>
            </div>
            <div class="head-actions">
              <button type="button" id="popout" class="icon-btn" data-i18n-label="popout" hidden>
                <Svg d={ICON_POPOUT} />
              </button>
              <button type="button" id="close" class="icon-btn" data-i18n-label="close">
                <Svg d={ICON_CLOSE} />
              </button>
            </div>
          </header>
          <main>
            <p id="error" class="error" role="alert" hidden></p>
            <section id="prechat" class="prechat" hidden>
              <form id="prechat-form" novalidate>
                <p id="prechat-message"></p>
                <p id="prechat-error" class="form-error" role="alert" hidden></p>
                <div id="prechat-fields"></div>
                <div class="field">
                  <label for="prechat-text" data-i18n="message"></label>
                  <textarea id="prechat-text" name="message" rows={3}></textarea>
                </div>
                <button type="submit" class="btn wide" data-i18n="start"></button>
              </form>
            </section>
            <section id="thread" class="thread" aria-live="polite" hidden>
              <ol id="messages" class="messages"></ol>
            </section>
            <p id="typing" class="typing" hidden></p>
          </main>
          <footer id="composer" hidden>
            <div id="resolved" class="resolved" hidden>
              <p data-i18n="resolved"></p>
              <button type="button" id="new-conversation" class="btn" data-i18n="new_conversation"></button>
            </div>
            <form id="compose" class="compose">
              <label id="attach" class="attach" data-i18n-label="attach">
                <Svg d={ICON_ATTACH} />
                <input type="file" id="file" accept="image/*,audio/*,video/*,.pdf,.csv,.txt" />
              </label>
              <button type="button" id="emoji-toggle" class="attach emoji-toggle" data-i18n-label="emoji" aria-haspopup="dialog" aria-expanded="false" aria-controls="emoji-panel">
                <Svg d={ICON_EMOJI} />
              </button>
              <label for="input" class="visually-hidden" data-i18n="message"></label>
              <textarea id="input" rows={1}></textarea>
              <button type="submit" class="btn send" data-i18n="send"></button>
            </form>
            <div id="emoji-panel" class="emoji-panel" role="dialog" aria-labelledby="emoji-toggle" hidden></div>
            <div class="foot-line">
              <p class="brand-line" data-i18n="powered"></p>
              <button type="button" id="transcript" class="link-btn" data-i18n="transcript" hidden></button>
            </div>
            <p id="transcript-status" class="transcript-status" role="status" hidden></p>
          </footer>
        </div>
      </body>
    </html>
  );
}

/**
 * The page is rendered once; each request fills the JSON data block with what the widget needs to start (its
 * config, the visitor's session, the current conversation and messages), so the iframe makes no request before
 * it is usable. `<` is escaped in the JSON so nothing in it can end the block.
 */
const BOOT_SLOT = "__PARLEY_WIDGET_BOOT__";
const [pageHead, pageTail] = ("<!doctype html>" + String(<WidgetPage />)).split(BOOT_SLOT) as [string, string];
if (pageTail === undefined) throw new Error("widget page: the boot slot is missing");
const emptyPageGzip = Bun.gzipSync(new TextEncoder().encode(pageHead + "null" + pageTail), { level: 9 });

export function embedJson(data: unknown): string {
  return JSON.stringify(data).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

const unavailablePage =
  "<!doctype html>" +
  String(
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>Live chat</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href={widgetAssetUrls.css} />
      </head>
      <body>
        <p class="error">This chat is not available.</p>
      </body>
    </html>,
  );

/** Gzipped sizes of what a visitor downloads: the SDK alone, and the widget page with its CSS and JS. */
export const widgetBudget = {
  sdkGzip: sdk.gzip.byteLength,
  pageGzip: emptyPageGzip.byteLength + css.gzip.byteLength + js.gzip.byteLength,
};

export const widgetRoutes = new Hono<AppEnv>()
  .get("/packs/js/sdk.js", (c) =>
    serve(c, sdk, "public, max-age=300, must-revalidate", { "Access-Control-Allow-Origin": "*", "Cross-Origin-Resource-Policy": "cross-origin" }),
  )
  .get("/packs/widget/:name", (c) => {
    const asset = hashed.get(c.req.param("name"));
    if (!asset) return c.body("Not found", 404, { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" });
    return serve(c, asset, "public, max-age=31536000, immutable", { "Cross-Origin-Resource-Policy": "same-origin" });
  })
  .get("/widget", async (c) => {
    let w: WebWidget;
    try {
      w = findWebWidget(c.var.deps.db, c.req.query("website_token"));
    } catch {
      // unknown website token (or a suspended account): nothing to show
      return c.body(unavailablePage, 404, { "Content-Type": "text/html; charset=utf-8", ...widgetHeaders(c, "*") });
    }
    let data: unknown = null;
    try {
      data = await widgetPageData(c, w, c.req.query("cw_conversation"));
    } catch (err) {
      // over the new-visitor limit: the page starts without data and its POST config shows the error
      if (!(err instanceof TooManyRequests)) throw err;
    }
    const body = new TextEncoder().encode(pageHead + embedJson(data) + pageTail);
    const gzip = /\bgzip\b/.test(c.req.header("accept-encoding") ?? "");
    const headers: Record<string, string> = { "Content-Type": "text/html; charset=utf-8", Vary: "Accept-Encoding", ...widgetHeaders(c, frameAncestors(w.widget.allowed_domains)) };
    if (gzip) headers["Content-Encoding"] = "gzip";
    return new Response(gzip ? Bun.gzipSync(body, { level: 6 }) : body, { headers });
  });
