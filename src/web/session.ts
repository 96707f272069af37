import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { AppEnv } from "../deps.ts";
import { resolveSession, SESSION_TTL_MS } from "../domain/auth/sessions.ts";

export const SESSION_COOKIE = "parley_session";

export function setSessionCookie(c: Context<AppEnv>, token: string): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "Lax",
    secure: c.var.deps.config.secureCookies,
    path: "/",
    maxAge: Math.floor(SESSION_TTL_MS / 1000),
  });
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure: c.var.deps.config.secureCookies });
}

export function sessionToken(c: Context<AppEnv>): string {
  return getCookie(c, SESSION_COOKIE) ?? "";
}

/**
 * Resolves the dashboard session cookie into c.var.actor (a user actor carrying the session id).
 * Leaves the actor unset when there is no valid session; pages decide whether to redirect to login.
 */
export const loadSession: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = sessionToken(c);
  if (token) {
    const found = resolveSession(c.var.deps.db, token, c.var.deps.clock.now());
    if (found) c.set("actor", { type: "user", user: found.user, sessionId: found.session.id });
    else clearSessionCookie(c);
  }
  await next();
};

/** The client address as seen by the server (a reverse proxy's X-Forwarded-For is not trusted blindly). */
export function clientIp(c: Context<AppEnv>): string {
  const server = c.env as { requestIP?: (r: Request) => { address: string } | null } | undefined;
  return server?.requestIP?.(c.req.raw)?.address ?? "unknown";
}
