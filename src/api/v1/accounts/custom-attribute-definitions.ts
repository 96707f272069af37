import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../deps.ts";
import {
  attributeModelOf,
  createDefinition,
  definitionJson,
  deleteDefinition,
  getDefinition,
  listDefinitions,
  updateDefinition,
} from "../../../domain/custom-attributes/definitions.ts";
import { idParam, parseWith, readBody, readQuery } from "../../validate.ts";

const str = z.string({ error: "must be a string" }).max(10_000);
const enumish = z.union([z.string({ error: "must be a string" }).max(40), z.number().int()]);
const fields = z.object({
  attribute_display_name: str.nullable().optional(),
  attribute_key: str.nullable().optional(),
  attribute_model: enumish.nullable().optional(),
  attribute_display_type: enumish.nullable().optional(),
  attribute_description: str.nullable().optional(),
  attribute_values: z.array(z.unknown(), { error: "must be an array of options" }).max(1000).nullable().optional(),
  regex_pattern: str.nullable().optional(),
  regex_cue: str.nullable().optional(),
  default_value: z.union([str, z.number(), z.boolean()]).nullable().optional(),
});
/** Chatwoot wants the fields inside `custom_attribute_definition` (Rails wrap_parameters also takes them bare). */
const wrapped = z
  .object({ custom_attribute_definition: z.unknown().optional() })
  .passthrough()
  .transform((b) => parseWith(fields, b.custom_attribute_definition ?? b));
const indexQuery = z.object({ attribute_model: z.string().max(40).optional() });

/** /api/v1/accounts/:account_id/custom_attribute_definitions — everyone reads, administrators write. */
export const customAttributeDefinitionRoutes = new Hono<AppEnv>()
  .get("/", (c) => {
    const { attribute_model } = readQuery(c, indexQuery);
    const model = attribute_model ? attributeModelOf(attribute_model) : undefined;
    return c.json(listDefinitions(c.var.deps.db, c.var.scope.account.id, model).map(definitionJson));
  })
  .get("/:id", (c) => c.json(definitionJson(getDefinition(c.var.deps.db, c.var.scope.account.id, idParam(c, "id")))))
  .post("/", async (c) => {
    const body = await readBody(c, wrapped);
    return c.json(definitionJson(c.var.deps.tx((tx) => createDefinition(tx, c.var.scope, body))));
  })
  .on(["PATCH", "PUT"], "/:id", async (c) => {
    const id = idParam(c, "id");
    const body = await readBody(c, wrapped);
    return c.json(definitionJson(c.var.deps.tx((tx) => updateDefinition(tx, c.var.scope, id, body))));
  })
  .delete("/:id", (c) => {
    const id = idParam(c, "id");
    c.var.deps.tx((tx) => deleteDefinition(tx, c.var.scope, id));
    return c.body(null, 204);
  });
