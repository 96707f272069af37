import { Hono } from "hono";
import type { AppEnv } from "../deps.ts";
import { authRoutes } from "./auth.tsx";
import { loadWebSession, onboardingGate } from "./context.ts";
import { dashboardRoutes } from "./dashboard.tsx";
import { htmlError, notFoundPage } from "./errors.tsx";
import { csrfProtection, dashboardHeaders } from "./security.tsx";
import { staticRoutes } from "./static.ts";
import { surveyRoutes } from "./survey.tsx";

/**
 * The dashboard: static assets, then every page under / and /app with secure headers (CSP with a nonce),
 * CSRF protection, the session, and the first-run redirect to onboarding. Unknown /app paths get an HTML 404,
 * so later dashboard areas mount their routes here, before the catch-all.
 */
export const webRoutes = new Hono<AppEnv>();

webRoutes.route("/", staticRoutes);
for (const path of ["/", "/app/*"]) webRoutes.use(path, dashboardHeaders, csrfProtection, loadWebSession, onboardingGate);
// The public CSAT survey: no session, but the same headers (CSP) and CSRF cookie as the dashboard.
webRoutes.use("/survey/*", dashboardHeaders, csrfProtection);
webRoutes.route("/", surveyRoutes);
webRoutes.route("/", authRoutes);
webRoutes.route("/", dashboardRoutes);
webRoutes.all("/app/*", notFoundPage);
webRoutes.onError(htmlError);
