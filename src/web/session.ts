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

/** The client address: the peer, or behind a reverse proxy on this host the address it forwarded (clientAddress). */
export function clientIp(c: Context<AppEnv>): string {
  const server = c.env as { requestIP?: (r: Request) => { address: string } | null } | undefined;
  return clientAddress(server?.requestIP?.(c.req.raw)?.address ?? "unknown", (name) => c.req.header(name));
}

const LOOPBACK = /^(?:127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;

/**
 * The visitor's address for per-IP limits and session records. Behind a reverse proxy on the same host (Caddy or
 * nginx, as the README sets up) every request comes from loopback: then the address the proxy appended last to
 * X-Forwarded-For (or X-Real-IP) is the client's. Earlier X-Forwarded-For entries are the client's own claims, and a
 * request that does not come from loopback is taken at its word: neither can pick the address it is counted under.
 */
export function clientAddress(peer: string, header: (name: string) => string | undefined): string {
  if (!LOOPBACK.test(peer)) return peer;
  const forwarded = header("x-forwarded-for")?.split(",").at(-1)?.trim() || header("x-real-ip")?.trim();
  return forwarded && forwarded.length <= 64 ? forwarded : peer;
}
