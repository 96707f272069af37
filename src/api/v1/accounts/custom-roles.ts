import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../deps.ts";
import { createCustomRole, deleteCustomRole, updateCustomRole } from "../../../domain/custom-roles/commands.ts";
import { listCustomRoles, showCustomRole } from "../../../domain/custom-roles/queries.ts";
import { serializeCustomRole } from "../../../domain/custom-roles/serialize.ts";
import { idParam, parseWith, readBody } from "../../validate.ts";

const fields = z.object({
  name: z.string().max(255).optional(),
  description: z.string().max(10_000).nullable().optional(),
  // Unknown keys are refused by the domain, naming `permissions`.
  permissions: z.array(z.string().max(100)).max(50).optional(),
});

/** Fields flat or nested under `custom_role`, as Chatwoot's params.require(:custom_role) accepts them. */
const roleBody = z
  .object({ custom_role: z.record(z.string(), z.unknown()).optional() })
  .passthrough()
  .transform(({ custom_role, ...rest }) => parseWith(fields, { ...rest, ...custom_role }));

/** /api/v1/accounts/:account_id/custom_roles */
export const customRoleRoutes = new Hono<AppEnv>()
  .get("/", (c) => c.json(listCustomRoles(c.var.deps.db, c.var.scope).map(serializeCustomRole)))
  .post("/", async (c) => {
    const b = await readBody(c, roleBody);
    return c.json(serializeCustomRole(c.var.deps.tx((tx) => createCustomRole(tx, c.var.scope, b))));
  })
  .get("/:id", (c) => c.json(serializeCustomRole(showCustomRole(c.var.deps.db, c.var.scope, idParam(c, "id")))))
  .on(["PATCH", "PUT"], "/:id", async (c) => {
    const id = idParam(c, "id");
    const b = await readBody(c, roleBody);
    return c.json(serializeCustomRole(c.var.deps.tx((tx) => updateCustomRole(tx, c.var.scope, id, b))));
  })
  .delete("/:id", (c) => {
    const id = idParam(c, "id");
    c.var.deps.tx((tx) => deleteCustomRole(tx, c.var.scope, id));
    return c.body(null, 200);
  });
