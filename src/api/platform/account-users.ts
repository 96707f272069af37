import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../deps.ts";
import { ROLES } from "../../db/schema/accounts.ts";
import { removeAccountUserIfMember, setAccountUserRole } from "../../domain/accounts/commands.ts";
import { listAccountUsers } from "../../domain/accounts/queries.ts";
import { serializeAccountUser } from "../../domain/accounts/serialize.ts";
import { idParam, readBody } from "../validate.ts";
import { bodyId } from "./fields.ts";

const createBody = z.object({
  user_id: bodyId,
  role: z.enum(ROLES, { error: `must be one of: ${ROLES.join(", ")}` }).optional(),
});
const deleteBody = z.object({ user_id: bodyId });

/** /platform/api/v1/accounts/:account_id/account_users */
export const platformAccountUserRoutes = new Hono<AppEnv>()
  .get("/", (c) => c.json(listAccountUsers(c.var.deps.db, idParam(c, "account_id")).map(serializeAccountUser)))
  .post("/", async (c) => {
    const accountId = idParam(c, "account_id");
    const body = await readBody(c, createBody);
    const row = c.var.deps.tx((tx) => setAccountUserRole(tx, { accountId, userId: body.user_id, role: body.role }));
    return c.json(serializeAccountUser(row));
  })
  .delete("/", async (c) => {
    const accountId = idParam(c, "account_id");
    const body = await readBody(c, deleteBody);
    c.var.deps.tx((tx) => removeAccountUserIfMember(tx, accountId, body.user_id));
    return c.body(null, 200);
  });
