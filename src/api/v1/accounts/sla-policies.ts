import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../deps.ts";
import { createSlaPolicy, deleteSlaPolicy, getSlaPolicy, listSlaPolicies, slaPolicyJson, updateSlaPolicy, type SlaPolicyInput } from "../../../domain/sla/policies.ts";
import { idParam, readBody } from "../../validate.ts";

/** Chatwoot wants the fields inside `sla_policy` (Rails wrap_parameters also takes them bare); the domain validates them. */
const body = z
  .object({ sla_policy: z.record(z.string(), z.unknown(), { error: "must be an object" }).optional() })
  .passthrough()
  .transform((b) => (b.sla_policy ?? b) as SlaPolicyInput);

/** /api/v1/accounts/:account_id/sla_policies — everyone in the account reads, administrators write. */
export const slaPolicyRoutes = new Hono<AppEnv>()
  .get("/", (c) => c.json({ payload: listSlaPolicies(c.var.deps.db, c.var.scope.account.id).map(slaPolicyJson) }))
  .get("/:id", (c) => c.json({ payload: slaPolicyJson(getSlaPolicy(c.var.deps.db, c.var.scope.account.id, idParam(c, "id"))) }))
  .post("/", async (c) => {
    const input = await readBody(c, body);
    return c.json({ payload: slaPolicyJson(c.var.deps.tx((tx) => createSlaPolicy(tx, c.var.scope, input))) });
  })
  .on(["PATCH", "PUT"], "/:id", async (c) => {
    const id = idParam(c, "id");
    const input = await readBody(c, body);
    return c.json({ payload: slaPolicyJson(c.var.deps.tx((tx) => updateSlaPolicy(tx, c.var.scope, id, input))) });
  })
  .delete("/:id", (c) => {
    const id = idParam(c, "id");
    c.var.deps.tx((tx) => deleteSlaPolicy(tx, c.var.scope, id));
    return c.body(null, 200);
  });
