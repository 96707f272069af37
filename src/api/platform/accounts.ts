import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../deps.ts";
import { createAccount, deleteAccount, updateAccount } from "../../domain/accounts/commands.ts";
import { getAccount, listAccounts } from "../../domain/accounts/queries.ts";
import { serializePlatformAccount } from "../../domain/accounts/serialize.ts";
import { idParam, readBody } from "../validate.ts";
import { jsonObject, requiredString } from "./fields.ts";

const fields = {
  locale: z.string().max(16).optional(),
  domain: z.string().max(255).nullable().optional(),
  support_email: z.string().max(254).nullable().optional(),
  status: z.enum(["active", "suspended"]).optional(),
  custom_attributes: jsonObject.optional(),
  limits: jsonObject.optional(),
  features: jsonObject.optional(),
};
const createBody = z.object({ name: requiredString(255), ...fields });
const updateBody = z.object({ name: requiredString(255).optional(), ...fields });

/** /platform/api/v1/accounts */
export const platformAccountRoutes = new Hono<AppEnv>()
  .get("/", (c) => c.json(listAccounts(c.var.deps.db).map(serializePlatformAccount)))
  .post("/", async (c) => {
    const body = await readBody(c, createBody);
    return c.json(serializePlatformAccount(c.var.deps.tx((tx) => createAccount(tx, body))));
  })
  .get("/:id", (c) => c.json(serializePlatformAccount(getAccount(c.var.deps.db, idParam(c, "id")))))
  .on(["PATCH", "PUT"], "/:id", async (c) => {
    const id = idParam(c, "id");
    const body = await readBody(c, updateBody);
    return c.json(serializePlatformAccount(c.var.deps.tx((tx) => updateAccount(tx, id, body))));
  })
  .delete("/:id", (c) => {
    const id = idParam(c, "id");
    c.var.deps.tx((tx) => deleteAccount(tx, id));
    return c.body(null, 200);
  });
