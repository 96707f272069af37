import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../deps.ts";
import { createCannedResponse, deleteCannedResponse, updateCannedResponse } from "../../../domain/canned-responses/commands.ts";
import { findCannedResponses } from "../../../domain/canned-responses/queries.ts";
import { cannedResponseJson } from "../../../domain/canned-responses/serialize.ts";
import { idParam, parseWith, readBody, readQuery } from "../../validate.ts";

const shortCode = z.string({ error: "must be a string" });
const content = z.string({ error: "must be a string" });
const createFields = z.object({ short_code: shortCode, content });
const updateFields = z.object({ short_code: shortCode.optional(), content: content.optional() });
/** Chatwoot requires the fields inside `canned_response` (Rails wrap_parameters also accepts them bare). */
const wrapped = <S extends z.ZodType>(schema: S) =>
  z
    .object({ canned_response: z.unknown().optional() })
    .passthrough()
    .transform((b) => parseWith(schema, b.canned_response ?? b) as z.infer<S>);
const indexQuery = z.object({ search: z.string().max(255, "is too long (maximum is 255 characters)").optional() });

/** /api/v1/accounts/:account_id/canned_responses — everyone lists (with `search`), administrators manage. */
export const cannedResponseRoutes = new Hono<AppEnv>()
  .get("/", (c) => {
    const { search } = readQuery(c, indexQuery);
    return c.json(findCannedResponses(c.var.deps.db, c.var.scope.account.id, search ?? "", null).map(cannedResponseJson));
  })
  .post("/", async (c) => {
    const body = await readBody(c, wrapped(createFields));
    return c.json(cannedResponseJson(c.var.deps.tx((tx) => createCannedResponse(tx, c.var.scope, body))));
  })
  .on(["PATCH", "PUT"], "/:id", async (c) => {
    const id = idParam(c, "id");
    const body = await readBody(c, wrapped(updateFields));
    return c.json(cannedResponseJson(c.var.deps.tx((tx) => updateCannedResponse(tx, c.var.scope, id, body))));
  })
  .delete("/:id", (c) => {
    const id = idParam(c, "id");
    c.var.deps.tx((tx) => deleteCannedResponse(tx, c.var.scope, id));
    return c.body(null, 200);
  });
