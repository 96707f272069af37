import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Hono } from "hono";
import type { Context } from "hono";
import alpinePath from "@alpinejs/csp/dist/cdn.min.js" with { type: "file" };
import htmxPath from "htmx.org/dist/htmx.min.js" with { type: "file" };
import cssPath from "../../static/css/app.css" with { type: "file" };
import logoPath from "../../static/img/logo.svg" with { type: "file" };
import appJsPath from "../../static/js/app.js" with { type: "file" };
import contactsCssPath from "../../static/css/contacts.css" with { type: "file" };
import conversationCssPath from "../../static/css/conversation.css" with { type: "file" };
import searchCssPath from "../../static/css/search.css" with { type: "file" };
import settingsCssPath from "../../static/css/settings.css" with { type: "file" };
import sidebarCssPath from "../../static/css/sidebar.css" with { type: "file" };
import workspaceCssPath from "../../static/css/workspace.css" with { type: "file" };
import customAttributesCssPath from "../../static/css/custom-attributes.css" with { type: "file" };
import customAttributesJsPath from "../../static/js/custom-attributes.js" with { type: "file" };
import automationCssPath from "../../static/css/automation.css" with { type: "file" };
import automationJsPath from "../../static/js/automation.js" with { type: "file" };
import assignmentCssPath from "../../static/css/assignment.css" with { type: "file" };
import assignmentJsPath from "../../static/js/assignment.js" with { type: "file" };
import slaCssPath from "../../static/css/sla.css" with { type: "file" };
import slaJsPath from "../../static/js/sla.js" with { type: "file" };
import notificationsCssPath from "../../static/css/notifications.css" with { type: "file" };
import notificationsJsPath from "../../static/js/notifications.js" with { type: "file" };
import contactsJsPath from "../../static/js/contacts.js" with { type: "file" };
import conversationJsPath from "../../static/js/conversation.js" with { type: "file" };
import realtimeJsPath from "../../static/js/realtime.js" with { type: "file" };
import searchJsPath from "../../static/js/search.js" with { type: "file" };
import settingsJsPath from "../../static/js/settings.js" with { type: "file" };
import sidebarJsPath from "../../static/js/sidebar.js" with { type: "file" };
import workspaceJsPath from "../../static/js/workspace.js" with { type: "file" };
import type { AppEnv } from "../deps.ts";
import { AVATAR_DIR } from "../domain/users/avatars.ts";
import { sha256Hex } from "../lib/crypto.ts";
import type { Assets } from "../../views/layouts/document.tsx";

const TYPES: Record<string, string> = {
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
  jpg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
};

type Asset = { path: string; type: string };

/**
 * Every static file is embedded (imported `with { type: "file" }`, so `bun build --compile` carries it) and
 * served under a URL holding a hash of its content: the URL changes whenever the file does, so browsers
 * may cache it for a year.
 */
function register(table: Map<string, Asset>, path: string, base: string, ext: string): string {
  const hash = sha256Hex(readFileSync(path).toString("latin1")).slice(0, 12);
  const name = `${base}.${hash}.${ext}`;
  table.set(name, { path, type: TYPES[ext] });
  return `/static/${name}`;
}

const table = new Map<string, Asset>();

/** The hashed URLs the views link to. */
export const assets: Assets = Object.freeze({
  css: register(table, cssPath, "app", "css"),
  appJs: register(table, appJsPath, "app", "js"),
  htmx: register(table, htmxPath, "htmx", "js"),
  alpine: register(table, alpinePath, "alpine-csp", "js"),
  logo: register(table, logoPath, "logo", "svg"),
  /** One stylesheet and one script per dashboard area, each owned by that area; loaded after app.css / app.js. */
  styles: Object.freeze(
    [
      [workspaceCssPath, "workspace"],
      [conversationCssPath, "conversation"],
      [sidebarCssPath, "sidebar"],
      [contactsCssPath, "contacts"],
      [settingsCssPath, "settings"],
      [searchCssPath, "search"],
      [customAttributesCssPath, "custom-attributes"],
      [automationCssPath, "automation"],
      [assignmentCssPath, "assignment"],
      [slaCssPath, "sla"],
      [notificationsCssPath, "notifications"],
    ].map(([path, base]) => register(table, path, base, "css")),
  ),
  scripts: Object.freeze(
    [
      [realtimeJsPath, "realtime"],
      [workspaceJsPath, "workspace"],
      [conversationJsPath, "conversation"],
      [sidebarJsPath, "sidebar"],
      [contactsJsPath, "contacts"],
      [settingsJsPath, "settings"],
      [searchJsPath, "search"],
      [customAttributesJsPath, "custom-attributes"],
      [automationJsPath, "automation"],
      [assignmentJsPath, "assignment"],
      [slaJsPath, "sla"],
      [notificationsJsPath, "notifications"],
    ].map(([path, base]) => register(table, path, base, "js")),
  ),
});

const AVATAR_NAME = /^[A-Za-z0-9]+\.(png|jpg|gif|webp)$/;

function notFound(c: Context) {
  return c.body("Not found", 404, { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" });
}

export const staticRoutes = new Hono<AppEnv>()
  .get("/static/:name", (c) => {
    const asset = table.get(c.req.param("name"));
    if (!asset) return notFound(c);
    return new Response(Bun.file(asset.path), {
      headers: {
        "Content-Type": asset.type,
        "Cache-Control": "public, max-age=31536000, immutable",
        "X-Content-Type-Options": "nosniff",
        "Cross-Origin-Resource-Policy": "same-origin",
      },
    });
  })
  .get("/uploads/avatars/:name", async (c) => {
    const name = c.req.param("name");
    const match = AVATAR_NAME.exec(name);
    if (!match) return notFound(c);
    const file = Bun.file(join(c.var.deps.config.dataDir, AVATAR_DIR, name));
    if (!(await file.exists())) return notFound(c);
    return new Response(file, {
      headers: {
        "Content-Type": TYPES[match[1]],
        "Cache-Control": "public, max-age=86400",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
      },
    });
  });
