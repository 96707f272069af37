import { z } from "zod";
import { Conflict, Validation } from "../domain/errors.ts";
import type { FieldErrors } from "../../views/components/form.tsx";
import type { WebContext } from "./context.ts";

/** A text field of a submitted form: trimmed, bounded, "" when missing. */
export const text = (max = 255) =>
  z
    .string()
    .catch("")
    .transform((s) => s.trim())
    .pipe(z.string().max(max, { message: `must be at most ${max} characters` }));

/** A password field: never trimmed. */
export const secret = () => z.string().catch("").pipe(z.string().max(128, { message: "must be at most 128 characters" }));

function capitalize(message: string): string {
  return message ? message[0].toUpperCase() + message.slice(1) + (/[.!?]$/.test(message) ? "" : ".") : message;
}

/** The fields of a urlencoded or multipart form, parsed with zod; a field that does not fit throws Validation. */
export async function readForm<S extends z.ZodType>(c: WebContext, schema: S): Promise<z.infer<S>> {
  const type = c.req.header("content-type") ?? "";
  const body = type.includes("application/x-www-form-urlencoded") || type.includes("multipart/form-data") ? await c.req.parseBody() : {};
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new Validation(parsed.error.issues.map((i) => ({ field: i.path.join(".") || "base", message: i.message })));
  return parsed.data;
}

/** The submitted text of some fields, to refill a form that failed validation (body already parsed and cached). */
export async function submitted<K extends string>(c: WebContext, keys: readonly K[]): Promise<Record<K, string>> {
  const type = c.req.header("content-type") ?? "";
  const body = type.includes("application/x-www-form-urlencoded") || type.includes("multipart/form-data") ? await c.req.parseBody() : {};
  return Object.fromEntries(keys.map((k) => [k, typeof body[k] === "string" ? (body[k] as string).slice(0, 300) : ""])) as Record<K, string>;
}

/** Domain validation errors as messages under the form's fields; null for any other error (rethrow it). */
export function fieldErrorsOf(err: unknown): FieldErrors | null {
  if (err instanceof Validation) {
    const out: FieldErrors = {};
    for (const e of err.errors) out[e.field] ??= capitalize(e.message);
    return out;
  }
  if (err instanceof Conflict) return { [err.field ?? "base"]: capitalize(err.message) };
  return null;
}

export function minutesLeft(seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return minutes === 1 ? "1 minute" : `${minutes} minutes`;
}
