import type { Context, MiddlewareHandler } from "hono";
import { html } from "hono/html";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../deps.ts";
import type { Actor } from "../domain/auth/actor.ts";
import { needsOnboarding } from "../domain/auth/commands.ts";
import { resolveSession } from "../domain/auth/sessions.ts";
import { NotFound } from "../domain/errors.ts";
import { membershipsOf, type Membership, type UserRow } from "../domain/users/queries.ts";
import { availableName } from "../domain/users/serialize.ts";
import { unreadNotificationBadge } from "../domain/notifications/queries.ts";
import type { Section, Shell } from "../../views/layouts/app.tsx";
import type { Doc } from "../../views/layouts/document.tsx";
import { clearSessionCookie, sessionToken } from "./session.ts";
import { assets } from "./static.ts";

/** What the dashboard middleware leaves for the handlers after it. */
declare module "hono" {
  interface ContextVariableMap {
    /** The double-submit CSRF token of this browser (cookie parley_csrf). */
    csrfToken: string;
    /** The session's cookie token and current account (sessions.account_id). */
    sessionToken: string;
    sessionAccountId: number | null;
    /** Set under /app/accounts/:accountId: the viewer's membership of that account, and all of theirs. */
    membership: Membership;
    memberships: Membership[];
  }
}

export type WebContext = Context<AppEnv>;

/** The dashboard session: like loadSession, but also keeps the session's current account for /app. */
export const loadWebSession: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = sessionToken(c);
  if (token) {
    const found = resolveSession(c.var.deps.db, token, c.var.deps.clock.now());
    if (found) {
      c.set("actor", { type: "user", user: found.user, sessionId: found.session.id });
      c.set("sessionToken", token);
      c.set("sessionAccountId", found.session.account_id);
    } else {
      clearSessionCookie(c);
    }
  }
  await next();
};

export function currentUser(c: WebContext): UserRow | null {
  const actor = c.get("actor") as Actor | undefined;
  return actor?.type === "user" ? actor.user : null;
}

export function currentSessionId(c: WebContext): number | null {
  const actor = c.get("actor") as Actor | undefined;
  return actor?.type === "user" ? actor.sessionId : null;
}

/** Until the first user exists, every dashboard page leads to the onboarding form. */
export const onboardingGate: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.req.path !== "/app/onboarding" && needsOnboarding(c.var.deps)) return c.redirect("/app/onboarding", 302);
  await next();
};

/** Sends visitors without a session to the login page (htmx requests get HX-Redirect). */
export const requireLogin: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (currentUser(c)) return next();
  if (c.req.header("hx-request")) return c.body(null, 204, { "HX-Redirect": "/app/login" });
  return c.redirect("/app/login", 302);
};

/** /app/accounts/:accountId/… — only for members of that account; anyone else gets a 404. */
export const loadAccount: MiddlewareHandler<AppEnv> = async (c, next) => {
  const user = currentUser(c)!;
  const raw = c.req.param("accountId") ?? "";
  const id = /^\d{1,12}$/.test(raw) ? Number(raw) : NaN;
  const memberships = membershipsOf(c.var.deps.db, user.id);
  const membership = memberships.find((m) => m.account_id === id);
  if (!membership) throw new NotFound("Account");
  c.set("memberships", memberships);
  c.set("membership", membership);
  await next();
};

export function isAdmin(c: WebContext): boolean {
  return c.var.membership.role === "administrator";
}

export function isSuperAdmin(c: WebContext): boolean {
  return currentUser(c)?.type === "SuperAdmin";
}

export function pageDoc(c: WebContext, title: string): Doc {
  return { title, assets, nonce: c.get("secureHeadersNonce") ?? "", csrfToken: c.get("csrfToken") ?? "" };
}

export function shellOf(c: WebContext, section: Section, title: string): Shell {
  const user = currentUser(c)!;
  const membership = c.var.membership;
  return {
    doc: pageDoc(c, title),
    user: { id: user.id, name: availableName(user), email: user.email, avatarUrl: user.avatar_url, availability: membership.availability, pubsubToken: user.pubsub_token },
    accounts: c.var.memberships.map((m) => ({ id: m.account_id, name: m.account_name, role: m.role })),
    accountId: membership.account_id,
    section,
    unreadNotifications: unreadNotificationBadge(c.var.deps.db, membership.account_id, user.id),
  };
}

/** Dashboard pages hold personal data and CSRF tokens: never stored by caches. */
const NO_STORE = { "Cache-Control": "no-store" };

/** Renders a full page (views return JSX; the doctype is added here). */
export function render(c: WebContext, node: unknown, status: ContentfulStatusCode = 200, headers?: Record<string, string>) {
  return c.html(html`<!doctype html>${node}`, status, { ...NO_STORE, ...headers });
}

/** Renders an htmx fragment (no doctype, no layout). */
export function fragment(c: WebContext, node: unknown) {
  return c.html(html`${node}`, 200, NO_STORE);
}

/** An error answered to an htmx request reloads the page instead of being swapped into a fragment's place. */
export function refreshIfHtmx(c: WebContext): Record<string, string> {
  return isHtmx(c) ? { "HX-Refresh": "true" } : {};
}

export function isHtmx(c: WebContext): boolean {
  return c.req.header("hx-request") === "true";
}
