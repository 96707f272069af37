import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../deps.ts";
import { AVAILABILITIES } from "../../db/schema/accounts.ts";
import { changePassword } from "../../domain/auth/commands.ts";
import { Validation } from "../../domain/errors.ts";
import { saveAvatar } from "../../domain/users/avatars.ts";
import { markAccountActive, resetAccessToken, setAutoOffline, setAvailability, updateUser } from "../../domain/users/commands.ts";
import { accessTokenOf, getUser, membershipsOf } from "../../domain/users/queries.ts";
import { serializeUser } from "../../domain/users/serialize.ts";
import { requireApiActor, requireUser, tokenFromHeaders } from "../middleware/auth.ts";
import { parseWith, readBody } from "../validate.ts";

const accountId = z.coerce.number().int().positive();

const profileFields = z.object({
  name: z.string().trim().min(1).max(255).optional(),
  display_name: z.string().trim().max(255).nullable().optional(),
  email: z.string().trim().max(254).optional(),
  avatar_url: z.string().url().max(2048).nullable().optional(),
  message_signature: z.string().max(10_000).nullable().optional(),
  ui_settings: z.record(z.string(), z.unknown()).optional(),
  availability: z.enum(AVAILABILITIES).optional(),
  account_id: accountId.optional(),
  auto_offline: z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]).optional(),
  current_password: z.string().max(128).optional(),
  password: z.string().max(128).optional(),
  password_confirmation: z.string().max(128).optional(),
  avatar: z.instanceof(File).optional(),
});

/** Chatwoot nests the fields under `profile`; flat bodies are accepted too. */
const profileBody = z
  .object({ profile: z.unknown().optional() })
  .passthrough()
  .transform((b) => parseWith(profileFields, b.profile ?? b));

export const profileRoutes = new Hono<AppEnv>()
  .use(requireApiActor)
  .get("/", (c) => {
    const user = requireUser(c.var.actor);
    // The actor was authenticated by its own API token, so that is the token to show.
    const token = tokenFromHeaders((name) => c.req.header(name));
    return c.json(serializeUser(user, membershipsOf(c.var.deps.db, user.id), token));
  })
  .on(["PUT", "PATCH"], "/", async (c) => {
    const deps = c.var.deps;
    const user = requireUser(c.var.actor);
    const body = await readBody(c, profileBody);
    if (body.password) {
      if (body.password_confirmation !== undefined && body.password_confirmation !== body.password) {
        throw Validation.field("password_confirmation", "doesn't match password");
      }
      const sessionId = c.var.actor.type === "user" ? c.var.actor.sessionId : null;
      await changePassword(deps, { userId: user.id, currentPassword: body.current_password, password: body.password, keepSessionId: sessionId });
    }
    const avatarUrl = body.avatar ? await saveAvatar(deps.config, body.avatar) : body.avatar_url;
    deps.tx((tx) => {
      updateUser(tx, user.id, {
        name: body.name,
        displayName: body.display_name,
        email: body.email,
        avatarUrl,
        messageSignature: body.message_signature,
        uiSettings: body.ui_settings,
      });
      const target = body.account_id ?? membershipsOf(tx.db, user.id)[0]?.account_id;
      if (body.availability && target) setAvailability(tx, user.id, target, body.availability);
      if (body.auto_offline !== undefined && target) setAutoOffline(tx, user.id, target, body.auto_offline);
    });
    return c.json(profileJson(deps, user.id));
  })
  .post("/availability", async (c) => {
    const user = requireUser(c.var.actor);
    const body = await readBody(c, profileBody);
    if (!body.availability) throw Validation.field("availability", "is required");
    if (!body.account_id) throw Validation.field("account_id", "is required");
    c.var.deps.tx((tx) => setAvailability(tx, user.id, body.account_id!, body.availability!));
    return c.json(profileJson(c.var.deps, user.id));
  })
  .post("/auto_offline", async (c) => {
    const user = requireUser(c.var.actor);
    const body = await readBody(c, profileBody);
    if (body.auto_offline === undefined) throw Validation.field("auto_offline", "is required");
    if (!body.account_id) throw Validation.field("account_id", "is required");
    c.var.deps.tx((tx) => setAutoOffline(tx, user.id, body.account_id!, body.auto_offline!));
    return c.json(profileJson(c.var.deps, user.id));
  })
  .put("/set_active_account", async (c) => {
    const user = requireUser(c.var.actor);
    const body = await readBody(c, profileBody);
    if (!body.account_id) throw Validation.field("account_id", "is required");
    if (!membershipsOf(c.var.deps.db, user.id).some((m) => m.account_id === body.account_id)) {
      throw Validation.field("account_id", "is not one of your accounts");
    }
    c.var.deps.tx((tx) => markAccountActive(tx, user.id, body.account_id!));
    return c.json(profileJson(c.var.deps, user.id));
  })
  .post("/reset_access_token", (c) => {
    const user = requireUser(c.var.actor);
    c.var.deps.tx((tx) => resetAccessToken(tx, user.id));
    return c.json(profileJson(c.var.deps, user.id));
  })
  .delete("/avatar", (c) => {
    const user = requireUser(c.var.actor);
    c.var.deps.tx((tx) => updateUser(tx, user.id, { avatarUrl: null }));
    return c.json(profileJson(c.var.deps, user.id));
  });

function profileJson(deps: AppEnv["Variables"]["deps"], userId: number) {
  return serializeUser(getUser(deps.db, userId), membershipsOf(deps.db, userId), accessTokenOf(deps.db, userId));
}
