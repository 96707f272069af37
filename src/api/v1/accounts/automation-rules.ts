import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../deps.ts";
import {
  authorizeAutomation,
  automationRuleJson,
  cloneAutomationRule,
  createAutomationRule,
  deleteAutomationRule,
  getAutomationRule,
  listAutomationRules,
  updateAutomationRule,
} from "../../../domain/automation/commands.ts";
import { idParam, readBody } from "../../validate.ts";
import { uploadAutomationFile } from "../../../domain/automation/files.ts";

/** Rails wrap_parameters: the fields at the top level or inside `automation_rule`. */
const body = z
  .record(z.string(), z.unknown())
  .transform((b) => (b.automation_rule && typeof b.automation_rule === "object" ? (b.automation_rule as Record<string, unknown>) : b));

/** /api/v1/accounts/:account_id/automation_rules — administrators only. */
export const automationRuleRoutes = new Hono<AppEnv>()
  // attach_file: a file for send_attachment (multipart field \`attachment\`) → {blob_key, blob_id}.
  .post("/attach_file", async (c) => {
    authorizeAutomation(c.var.scope);
    const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    return c.json(await uploadAutomationFile(c.var.deps, c.var.scope, (body as Record<string, unknown>).attachment));
  })
  .get("/", (c) => {
    authorizeAutomation(c.var.scope);
    return c.json({ payload: listAutomationRules(c.var.deps.db, c.var.scope.account.id).map(automationRuleJson) });
  })
  .post("/", async (c) => {
    const input = await readBody(c, body);
    return c.json({ payload: automationRuleJson(c.var.deps.tx((tx) => createAutomationRule(tx, c.var.scope, input))) });
  })
  .get("/:id", (c) => {
    authorizeAutomation(c.var.scope);
    return c.json({ payload: automationRuleJson(getAutomationRule(c.var.deps.db, c.var.scope.account.id, idParam(c, "id"))) });
  })
  .on(["PATCH", "PUT"], "/:id", async (c) => {
    const id = idParam(c, "id");
    const input = await readBody(c, body);
    return c.json({ payload: automationRuleJson(c.var.deps.tx((tx) => updateAutomationRule(tx, c.var.scope, id, input))) });
  })
  .delete("/:id", (c) => {
    const id = idParam(c, "id");
    c.var.deps.tx((tx) => deleteAutomationRule(tx, c.var.scope, id));
    return c.body(null, 200);
  })
  .post("/:id/clone", (c) => {
    const id = idParam(c, "id");
    return c.json({ payload: automationRuleJson(c.var.deps.tx((tx) => cloneAutomationRule(tx, c.var.scope, id))) });
  });
