import type { Context } from "hono";
import type { z } from "zod";
import { NotFound, Validation } from "../domain/errors.ts";
import { BadRequest } from "./errors.ts";

function zodToValidation(error: z.ZodError): Validation {
  return new Validation(
    error.issues.map((i) => ({ field: i.path.length ? i.path.join(".") : "body", message: i.message })),
  );
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw zodToValidation(result.error);
  return result.data;
}

/**
 * Reads a JSON (or form-encoded, as Chatwoot clients also send) body and validates it.
 * Malformed JSON is 400; a body that parses but does not fit the schema is 422 naming the fields.
 */
export async function readBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const type = c.req.header("content-type") ?? "";
  let raw: unknown = {};
  if (type.includes("application/x-www-form-urlencoded") || type.includes("multipart/form-data")) {
    raw = nestFormKeys(await c.req.parseBody({ all: true }));
  } else {
    const text = await c.req.text();
    if (text.trim()) {
      try {
        raw = JSON.parse(text);
      } catch {
        throw new BadRequest("Malformed JSON body");
      }
    }
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new BadRequest("Request body must be a JSON object");
  return parseWith(schema, raw);
}

export function readQuery<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  return parseWith(schema, c.req.query());
}

/** A numeric path parameter; anything else is a 404 (an id that cannot exist). */
export function idParam(c: Context, name: string): number {
  const value = c.req.param(name) ?? "";
  const id = /^\d{1,15}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(id)) throw new NotFound();
  return id;
}

/** Form keys in Rails style (`profile[name]`, `labels[]`) become nested objects and arrays. */
export function nestFormKeys(flat: Record<string, unknown>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(flat)) {
    const isArray = key.endsWith("[]");
    const path = key.replace(/\[\]$/, "").replace(/\]/g, "").split("[");
    let node = root;
    for (const part of path.slice(0, -1)) {
      const child = node[part];
      if (!child || typeof child !== "object" || Array.isArray(child) || child instanceof File) node[part] = {};
      node = node[part] as Record<string, unknown>;
    }
    node[path[path.length - 1]] = isArray ? [value].flat() : value;
  }
  return root;
}
