import type { Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../deps.ts";
import { Records } from "../../../domain/conversations/records.ts";
import { getVisibleConversation } from "../../../domain/conversations/queries.ts";
import type { Db } from "../../../db/client.ts";
import { idParam } from "../../validate.ts";

// Field schemas shared by the conversation routes. Chatwoot clients send ids as numbers or strings and
// form bodies send everything as strings, so both are accepted.

export const id = z.union([z.number().int().positive().max(Number.MAX_SAFE_INTEGER), z.string().regex(/^\d{1,15}$/, "must be an id").transform(Number)], {
  error: "must be an id",
});
export const nullableId = z.union([id, z.null(), z.literal("").transform(() => null)]);
export const bool = z.preprocess((v) => (v === "true" ? true : v === "false" ? false : v), z.boolean({ error: "must be true or false" }));
export const jsonObject = z.record(z.string(), z.unknown(), { error: "must be an object" });

/** Unix seconds (number or digits, as Chatwoot's parse_date_time) or an ISO date-time; returns ms. */
export const timestamp = z.union(
  [
    z.number().finite().positive().transform((s) => Math.round(s * 1000)),
    z
      .string()
      .regex(/^\d{1,12}$/)
      .transform((s) => Number(s) * 1000),
    z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)),
  ],
  { error: "must be a unix timestamp or an ISO 8601 date-time" },
);

/** A JSON object given as an object or as a JSON string (multipart bodies). */
export const objectOrJson = z.preprocess((v) => {
  if (typeof v !== "string") return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}, jsonObject);

/** The conversation in the path, if the actor may see it (404 otherwise). */
export function pathConversation(c: Context<AppEnv>, db: Db = c.var.deps.db) {
  return getVisibleConversation(db, c.var.scope, idParam(c, "conversation_id"));
}

export function recordsFor(c: Context<AppEnv>): Records {
  return new Records(c.var.deps.db, c.var.scope.account.id, c.var.deps.config.publicUrl);
}
