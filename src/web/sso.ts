import { Hono } from "hono";
import type { AppEnv } from "../deps.ts";
import { logInWithSsoToken } from "../domain/auth/commands.ts";
import { clientIp, setSessionCookie } from "./session.ts";

/** GET /app/login/sso?token=… — the one-time link from the Platform API's users/{id}/login. */
export const ssoRoutes = new Hono<AppEnv>().get("/app/login/sso", async (c) => {
  const token = c.req.query("token") ?? "";
  try {
    const { token: sessionToken } = await logInWithSsoToken(c.var.deps, { token, ip: clientIp(c), userAgent: c.req.header("user-agent") });
    setSessionCookie(c, sessionToken);
    return c.redirect("/app", 302);
  } catch {
    return c.redirect("/app/login?error=sso", 302);
  }
});
