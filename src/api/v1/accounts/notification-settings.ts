import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../deps.ts";
import { getNotificationSettings, serializeNotificationSettings, updateNotificationSettings } from "../../../domain/notifications/settings.ts";
import { requireUser } from "../../middleware/auth.ts";
import { parseWith, readBody } from "../../validate.ts";

const flags = z.array(z.string().max(100)).max(50).optional();
const fields = z.object({ selected_email_flags: flags, selected_push_flags: flags });

/** Chatwoot nests the flags under `notification_settings`; flat bodies are accepted too. */
const settingsBody = z
  .object({ notification_settings: z.record(z.string(), z.unknown()).optional() })
  .passthrough()
  .transform(({ notification_settings, ...rest }) => parseWith(fields, { ...rest, ...notification_settings }));

/** /api/v1/accounts/:account_id/notification_settings — the acting user's own email and push preferences. */
export const notificationSettingRoutes = new Hono<AppEnv>()
  .get("/", (c) => {
    requireUser(c.var.actor);
    return c.json(serializeNotificationSettings(getNotificationSettings(c.var.deps.db, c.var.scope)));
  })
  .on(["PATCH", "PUT"], "/", async (c) => {
    requireUser(c.var.actor);
    const body = await readBody(c, settingsBody);
    return c.json(serializeNotificationSettings(c.var.deps.tx((tx) => updateNotificationSettings(tx, c.var.scope, body))));
  });
