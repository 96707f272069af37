import type { Db } from "../../db/client.ts";
import type { AttributeModel } from "../../db/schema/custom-attributes.ts";
import { Validation, type FieldError } from "../errors.ts";
import { compilePattern, definitionsByKey, type DefinitionRow } from "./definitions.ts";

const NUMERIC = /^-?\d+(\.\d+)?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const MAX_TEXT = 10_000;
/** Text tested against an administrator's pattern is kept short, so no pattern can keep a request busy for long. */
const MAX_PATTERNED_TEXT = 1_000;

type Checked = { ok: true; value: unknown } | { ok: false; message: string };

/**
 * One value against its definition. Returns the value as stored: numbers as JSON numbers, checkboxes as
 * booleans, the rest as text. null and "" clear the attribute and are always accepted.
 */
export function checkValue(def: DefinitionRow, value: unknown): Checked {
  if (value === null || value === undefined || value === "") return { ok: true, value: value ?? null };
  const bad = (message: string): Checked => ({ ok: false, message });
  switch (def.attribute_display_type) {
    case "number":
    case "currency":
    case "percent": {
      if (typeof value === "number" && Number.isFinite(value)) return { ok: true, value };
      if (typeof value === "string" && NUMERIC.test(value.trim())) return { ok: true, value: Number(value.trim()) };
      return bad("must be a number");
    }
    case "checkbox": {
      if (typeof value === "boolean") return { ok: true, value };
      if (value === "true" || value === "1" || value === 1) return { ok: true, value: true };
      if (value === "false" || value === "0" || value === 0) return { ok: true, value: false };
      return bad("must be true or false");
    }
    case "date": {
      if (typeof value !== "string" || !ISO_DATE.test(value.trim()) || !Number.isFinite(Date.parse(value.trim().length === 10 ? `${value.trim()}T00:00:00Z` : value.trim()))) {
        return bad("must be a date (YYYY-MM-DD)");
      }
      return { ok: true, value: value.trim() };
    }
    case "link": {
      if (typeof value !== "string" || value.length > 2048) return bad("must be a URL");
      try {
        const url = new URL(value.trim());
        if (url.protocol !== "http:" && url.protocol !== "https:") return bad("must be an http or https URL");
      } catch {
        return bad("must be a URL");
      }
      return { ok: true, value: value.trim() };
    }
    case "list": {
      const text = typeof value === "string" || typeof value === "number" ? String(value) : null;
      if (text === null || !def.attribute_values.includes(text)) return bad(`must be one of ${def.attribute_values.join(", ")}`);
      return { ok: true, value: text };
    }
    default: {
      if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") return bad("must be text");
      const text = String(value);
      if (text.length > MAX_TEXT) return bad(`is too long (maximum is ${MAX_TEXT} characters)`);
      if (def.regex_pattern) {
        if (text.length > MAX_PATTERNED_TEXT) return bad(`is too long (maximum is ${MAX_PATTERNED_TEXT} characters)`);
        const re = compilePattern(def.regex_pattern);
        if (re && !re.test(text)) return bad(def.regex_cue || `does not match the pattern ${def.regex_pattern}`);
      }
      return { ok: true, value: text };
    }
  }
}

function same(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Validates the custom attributes a write is about to store against the account's definitions for the model
 * and returns them normalized. Only values that change are checked (a definition added later does not block
 * unrelated writes of old data); keys without a definition stay free attributes, as in Chatwoot.
 * Errors name `custom_attributes.<key>`, with the definition's regex_cue as the message for text patterns.
 */
export function checkCustomAttributes(
  db: Db,
  accountId: number,
  model: AttributeModel,
  next: Record<string, unknown>,
  previous: Record<string, unknown> = {},
): Record<string, unknown> {
  const changed = Object.keys(next).filter((k) => !same(next[k], previous[k]));
  if (!changed.length) return next;
  const defs = definitionsByKey(db, accountId, model);
  if (!defs.size) return next;
  const out = { ...next };
  const errors: FieldError[] = [];
  for (const key of changed) {
    const def = defs.get(key);
    if (!def) continue;
    const result = checkValue(def, next[key]);
    if (result.ok) out[key] = result.value;
    else errors.push({ field: `custom_attributes.${key}`, message: result.message });
  }
  if (errors.length) throw new Validation(errors);
  return out;
}
