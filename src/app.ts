import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { jsonError } from "./api/errors.ts";
import { channelRoutes } from "./channels/framework/setup.ts";
import { platformRoutes } from "./api/platform/index.ts";
import { publicApiRoutes } from "./api/public/index.ts";
import { accountRoutes } from "./api/v1/accounts/index.ts";
import { profileRoutes } from "./api/v1/profile.ts";
import { widgetApiRoutes } from "./api/widget/index.ts";
import type { AppDeps, AppEnv } from "./deps.ts";
import { AuthLimits } from "./domain/auth/commands.ts";
import { databaseOk, jobCounts } from "./domain/system/queries.ts";
import { VERSION } from "./version.ts";
import { webRoutes } from "./web/index.ts";
import { widgetRoutes } from "./web/widget.tsx";
import { ssoRoutes } from "./web/sso.ts";
import { fileRoutes } from "./web/files.ts";

/** Builds the HTTP application. No side effects beyond the routes: main.ts owns the process. */
export function createApp(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const limits = new AuthLimits(() => deps.clock.now());

  app.use(async (c, next) => {
    c.set("deps", deps);
    c.set("limits", limits);
    await next();
  });

  // JSON bodies are small; multipart bodies carry uploads.
  const tooLarge = () => {
    throw new HTTPException(413, { message: "Request body is too large" });
  };
  const jsonLimit = bodyLimit({ maxSize: deps.config.maxJsonBytes, onError: tooLarge });
  const uploadLimit = bodyLimit({ maxSize: deps.config.maxUploadBytes, onError: tooLarge });
  app.use("*", (c, next) => {
    if (c.req.method === "GET" || c.req.method === "HEAD") return next();
    const multipart = (c.req.header("content-type") ?? "").includes("multipart/form-data");
    return (multipart ? uploadLimit : jsonLimit)(c, next);
  });

  app.get("/health", (c) => {
    const db = databaseOk(deps.db);
    const { pending, dead } = db ? jobCounts(deps.db) : { pending: 0, dead: 0 };
    return c.json({ status: db ? "ok" : "degraded", version: VERSION, db: db ? "ok" : "error", jobs: { pending, dead } }, db ? 200 : 503);
  });

  app.route("/api/v1/profile", profileRoutes);
  app.route("/api/v1/widget", widgetApiRoutes);
  app.route("/api/v1/accounts/:account_id", accountRoutes);
  app.route("/platform/api/v1", platformRoutes);
  app.route("/public/api/v1/inboxes", publicApiRoutes(deps));
  // Every channel kind's inbound webhooks (/webhooks/telegram/:bot_token, /webhooks/whatsapp/:phone_number…).
  app.route("/", channelRoutes(deps));
  app.route("/", ssoRoutes);
  app.route("/", fileRoutes);
  app.route("/", widgetRoutes);
  app.route("/", webRoutes);

  app.notFound((c) => c.json({ message: "Not found" }, 404));
  app.onError((err, c) => jsonError(c, err, deps.log));
  return app;
}

export type ParleyApp = ReturnType<typeof createApp>;
