import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../deps.ts";
import { createLabel, deleteLabel, updateLabel } from "../../../domain/labels/commands.ts";
import { getLabel, listLabels } from "../../../domain/labels/queries.ts";
import { labelJson } from "../../../domain/labels/serialize.ts";
import { idParam, parseWith, readBody } from "../../validate.ts";
import { bool } from "./conversation-params.ts";

const fields = {
  title: z.string({ error: "must be a string" }).max(255, "is too long (maximum is 255 characters)"),
  description: z.string().max(10_000).nullable().optional(),
  color: z.string().max(16).optional(),
  show_on_sidebar: bool.optional(),
};
const createFields = z.object(fields);
const updateFields = z.object({ ...fields, title: fields.title.optional() });
/** Chatwoot wraps the fields in `label` (Rails wrap_parameters accepts them bare too). */
const wrapped = <S extends z.ZodType>(schema: S) =>
  z
    .object({ label: z.unknown().optional() })
    .passthrough()
    .transform((b) => parseWith(schema, b.label ?? b) as z.infer<S>);

/** /api/v1/accounts/:account_id/labels */
export const labelRoutes = new Hono<AppEnv>()
  .get("/", (c) => c.json({ payload: listLabels(c.var.deps.db, c.var.scope.account.id).map(labelJson) }))
  .get("/:id", (c) => c.json(labelJson(getLabel(c.var.deps.db, c.var.scope.account.id, idParam(c, "id")))))
  .post("/", async (c) => {
    const body = await readBody(c, wrapped(createFields));
    return c.json(labelJson(c.var.deps.tx((tx) => createLabel(tx, c.var.scope, body))));
  })
  .on(["PATCH", "PUT"], "/:id", async (c) => {
    const labelId = idParam(c, "id");
    const body = await readBody(c, wrapped(updateFields));
    return c.json(labelJson(c.var.deps.tx((tx) => updateLabel(tx, c.var.scope, labelId, body))));
  })
  .delete("/:id", (c) => {
    const labelId = idParam(c, "id");
    c.var.deps.tx((tx) => deleteLabel(tx, c.var.scope, labelId));
    return c.body(null, 200);
  });
