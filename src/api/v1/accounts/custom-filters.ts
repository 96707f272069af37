import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../deps.ts";
import {
  createCustomFilter,
  customFilterJson,
  deleteCustomFilter,
  filterTypeOf,
  getCustomFilter,
  listCustomFilters,
  updateCustomFilter,
} from "../../../domain/custom-filters/filters.ts";
import { idParam, parseWith, readBody, readQuery } from "../../validate.ts";

const fields = z.object({
  name: z.string({ error: "must be a string" }).max(10_000).nullable().optional(),
  filter_type: z.union([z.string({ error: "must be a string" }).max(40), z.number().int()]).nullable().optional(),
  // Chatwoot's OpenAPI names it `type`; the controller permits `filter_type`. Both are accepted.
  type: z.union([z.string().max(40), z.number().int()]).nullable().optional(),
  query: z.unknown().optional(),
});
/** Chatwoot wants the fields inside `custom_filter` (Rails wrap_parameters also takes them bare). */
const wrapped = z
  .object({ custom_filter: z.unknown().optional() })
  .passthrough()
  .transform((b) => {
    const f = parseWith(fields, b.custom_filter ?? b);
    return { name: f.name, filter_type: f.filter_type ?? f.type ?? undefined, query: f.query };
  });
const indexQuery = z.object({ filter_type: z.string().max(40).optional() });

/** /api/v1/accounts/:account_id/custom_filters — each user's own saved views. */
export const customFilterRoutes = new Hono<AppEnv>()
  .get("/", (c) => {
    const { filter_type } = readQuery(c, indexQuery);
    return c.json(listCustomFilters(c.var.deps.db, c.var.scope, filterTypeOf(filter_type)).map(customFilterJson));
  })
  .get("/:id", (c) => c.json(customFilterJson(getCustomFilter(c.var.deps.db, c.var.scope, idParam(c, "id")))))
  .post("/", async (c) => {
    const body = await readBody(c, wrapped);
    return c.json(customFilterJson(c.var.deps.tx((tx) => createCustomFilter(tx, c.var.scope, body))));
  })
  .on(["PATCH", "PUT"], "/:id", async (c) => {
    const id = idParam(c, "id");
    const body = await readBody(c, wrapped);
    return c.json(customFilterJson(c.var.deps.tx((tx) => updateCustomFilter(tx, c.var.scope, id, body))));
  })
  .delete("/:id", (c) => {
    const id = idParam(c, "id");
    c.var.deps.tx((tx) => deleteCustomFilter(tx, c.var.scope, id));
    return c.body(null, 204);
  });
