import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../deps.ts";
import { createMacro, deleteMacro, executeMacro, getMacro, listMacros, macrosJson, updateMacro } from "../../../domain/macros/commands.ts";
import { idParam, readBody } from "../../validate.ts";
import { uploadAutomationFile } from "../../../domain/automation/files.ts";

const body = z
  .record(z.string(), z.unknown())
  .transform((b) => (b.macro && typeof b.macro === "object" ? (b.macro as Record<string, unknown>) : b));
const executeBody = z.object({
  conversation_ids: z.array(z.union([z.number().int().positive(), z.string().regex(/^\d+$/, "must be conversation ids").transform(Number)]), { error: "must be an array of conversation ids" }).min(1, "can't be blank").max(100, "must have at most 100 conversations"),
});

/** /api/v1/accounts/:account_id/macros — global macros and the user's own personal ones. */
export const macroRoutes = new Hono<AppEnv>()
  // attach_file: a file for send_attachment (multipart field \`attachment\`) → {blob_key, blob_id}.
  .post("/attach_file", async (c) => {
    const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    return c.json(await uploadAutomationFile(c.var.deps, c.var.scope, (body as Record<string, unknown>).attachment));
  })
  .get("/", (c) => c.json({ payload: macrosJson(c.var.deps.db, listMacros(c.var.deps.db, c.var.scope)) }))
  .post("/", async (c) => {
    const input = await readBody(c, body);
    const row = c.var.deps.tx((tx) => createMacro(tx, c.var.scope, input));
    return c.json({ payload: macrosJson(c.var.deps.db, [row])[0] });
  })
  .get("/:id", (c) => c.json({ payload: macrosJson(c.var.deps.db, [getMacro(c.var.deps.db, c.var.scope, idParam(c, "id"))])[0] }))
  .on(["PATCH", "PUT"], "/:id", async (c) => {
    const id = idParam(c, "id");
    const input = await readBody(c, body);
    const row = c.var.deps.tx((tx) => updateMacro(tx, c.var.scope, id, input));
    return c.json({ payload: macrosJson(c.var.deps.db, [row])[0] });
  })
  .delete("/:id", (c) => {
    const id = idParam(c, "id");
    c.var.deps.tx((tx) => deleteMacro(tx, c.var.scope, id));
    return c.body(null, 200);
  })
  .post("/:id/execute", async (c) => {
    const id = idParam(c, "id");
    const { conversation_ids } = await readBody(c, executeBody);
    executeMacro(c.var.deps, c.var.scope, id, conversation_ids);
    return c.body(null, 200);
  });
