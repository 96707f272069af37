import { Hono } from "hono";
import { z } from "zod";
import type { Db } from "../../db/client.ts";
import type { AppEnv } from "../../deps.ts";
import { deleteUserEverywhere, provisionUser, updateProvisionedUser, userAccessToken } from "../../domain/accounts/provisioning.ts";
import { createSsoLink } from "../../domain/auth/commands.ts";
import { accessTokenOf, getUser, membershipsOf } from "../../domain/users/queries.ts";
import { serializePlatformUser, serializePlatformUserToken } from "../../domain/users/serialize.ts";
import { idParam, readBody } from "../validate.ts";
import { jsonObject, requiredString } from "./fields.ts";

const fields = {
  name: z.string().max(255).optional(),
  password: z.string().max(128).optional(),
  display_name: z.string().max(255).nullable().optional(),
  custom_attributes: jsonObject.optional(),
};
const createBody = z.object({ ...fields, email: requiredString(254) });
const updateBody = z.object({ ...fields, email: z.string().max(254).optional() });

function userJson(db: Db, userId: number) {
  return serializePlatformUser(getUser(db, userId), membershipsOf(db, userId), accessTokenOf(db, userId));
}

/** /platform/api/v1/users */
export const platformUserRoutes = new Hono<AppEnv>()
  .post("/", async (c) => {
    const b = await readBody(c, createBody);
    const input = { name: b.name, email: b.email, password: b.password, displayName: b.display_name, customAttributes: b.custom_attributes };
    const user = await provisionUser(c.var.deps, input);
    return c.json(userJson(c.var.deps.db, user.id));
  })
  .get("/:id", (c) => c.json(userJson(c.var.deps.db, idParam(c, "id"))))
  .on(["PATCH", "PUT"], "/:id", async (c) => {
    const id = idParam(c, "id");
    const b = await readBody(c, updateBody);
    const patch = { name: b.name, email: b.email, password: b.password, displayName: b.display_name, customAttributes: b.custom_attributes };
    await updateProvisionedUser(c.var.deps, id, patch);
    return c.json(userJson(c.var.deps.db, id));
  })
  .delete("/:id", (c) => {
    const id = idParam(c, "id");
    c.var.deps.tx((tx) => deleteUserEverywhere(tx, id));
    return c.body(null, 200);
  })
  .get("/:id/login", async (c) => c.json({ url: await createSsoLink(c.var.deps, idParam(c, "id")) }))
  .post("/:id/token", (c) => {
    const id = idParam(c, "id");
    const token = c.var.deps.tx((tx) => userAccessToken(tx, id));
    return c.json(serializePlatformUserToken(getUser(c.var.deps.db, id), token));
  });
