/** @jsxImportSource hono/jsx */
import type { MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { NONCE, secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "../deps.ts";
import { safeEqual } from "../lib/crypto.ts";
import { randomToken } from "../lib/ids.ts";
import { ErrorPage } from "../../views/pages/errors/error.tsx";
import { pageDoc, refreshIfHtmx, render, type WebContext } from "./context.ts";

/**
 * Security headers for every dashboard response. Scripts run only from our origin or with this response's
 * nonce (no inline code, no eval: Alpine's CSP build and htmx without hx-on), styles only from our origin.
 * Referrer-Policy same-origin keeps reset-link tokens out of other sites' logs while still letting the
 * browser send Origin/Referer on our own form posts, which the CSRF check relies on.
 */
const baseDashboardHeaders: MiddlewareHandler<AppEnv> = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'", NONCE],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", "data:", "https:"],
    fontSrc: ["'self'"],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    frameAncestors: ["'none'"],
    formAction: ["'self'"],
  },
  referrerPolicy: "same-origin",
  xFrameOptions: "DENY",
  crossOriginEmbedderPolicy: false,
  permissionsPolicy: { camera: [], microphone: [], geolocation: [] },
}) as MiddlewareHandler<AppEnv>;

const FRAME_SOURCES = "parleyFrameSources";

/** Lets a page embed frames from these origins (dashboard apps): they are added to this response's CSP frame-src. */
export function allowFrameSources(c: WebContext, origins: string[]): void {
  c.set(FRAME_SOURCES as never, origins.filter((o) => /^https?:\/\/[A-Za-z0-9.:[\]-]+$/.test(o)) as never);
}

export const dashboardHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  await baseDashboardHeaders(c, next);
  const origins = c.get(FRAME_SOURCES as never) as string[] | undefined;
  const csp = c.res.headers.get("Content-Security-Policy");
  if (!origins?.length || !csp) return;
  const value = `${csp}; frame-src 'self' ${origins.join(" ")}`;
  try {
    c.res.headers.set("Content-Security-Policy", value);
  } catch {
    // a response with immutable headers (e.g. Response.redirect): copy it
    c.res = new Response(c.res.body, c.res);
    c.res.headers.set("Content-Security-Policy", value);
  }
};

export const CSRF_COOKIE = "parley_csrf";
const CSRF_FIELD = "_csrf";
const CSRF_HEADER = "x-csrf-token";
const TOKEN_SHAPE = /^[A-Za-z0-9]{32,64}$/;
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function setCsrfCookie(c: WebContext, token: string) {
  setCookie(c, CSRF_COOKIE, token, { httpOnly: true, sameSite: "Lax", secure: c.var.deps.config.secureCookies, path: "/" });
  c.set("csrfToken", token);
}

/** A fresh token at every change of identity (login, onboarding, logout), so a planted token dies with it. */
export function rotateCsrfToken(c: WebContext): void {
  setCsrfCookie(c, randomToken(40));
}

/** The request came from a page of ours: Origin (or, when a browser omits it, Referer) is our origin. */
function fromOurOrigin(c: WebContext): boolean {
  const allowed = new Set([new URL(c.req.url).origin, new URL(c.var.deps.config.publicUrl).origin]);
  const origin = c.req.header("origin");
  if (origin) return allowed.has(origin);
  const referer = c.req.header("referer");
  if (!referer) return false;
  try {
    return allowed.has(new URL(referer).origin);
  } catch {
    return false;
  }
}

async function submittedToken(c: WebContext): Promise<string> {
  const header = c.req.header(CSRF_HEADER);
  if (header) return header;
  const type = c.req.header("content-type") ?? "";
  if (!type.includes("application/x-www-form-urlencoded") && !type.includes("multipart/form-data")) return "";
  const body = await c.req.parseBody();
  const value = body[CSRF_FIELD];
  return typeof value === "string" ? value : "";
}

/**
 * Double-submit CSRF protection: the HttpOnly cookie parley_csrf must equal the form's _csrf field or the
 * X-CSRF-Token header (htmx), compared in constant time, and the request must come from our origin.
 * Anything else that changes state is refused with 403.
 */
export const csrfProtection: MiddlewareHandler<AppEnv> = async (c, next) => {
  const cookie = getCookie(c, CSRF_COOKIE);
  const known = cookie && TOKEN_SHAPE.test(cookie) ? cookie : null;
  if (known) c.set("csrfToken", known);
  else setCsrfCookie(c, randomToken(40));

  if (!SAFE_METHODS.has(c.req.method)) {
    const given = known ? await submittedToken(c) : "";
    if (!known || !given || !fromOurOrigin(c) || !safeEqual(given, known)) {
      return render(
        c,
        <ErrorPage
          doc={pageDoc(c, "Request refused")}
          status={403}
          title="This form has expired"
          text="For your security, the request was refused because it did not come from a Parley page you opened. Reload the page and try again."
        />,
        403,
        refreshIfHtmx(c),
      );
    }
  }
  await next();
};
