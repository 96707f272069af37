import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import {
  ATTRIBUTE_DISPLAY_TYPES,
  ATTRIBUTE_MODELS,
  customAttributeDefinitions,
  type AttributeDisplayType,
  type AttributeModel,
} from "../../db/schema/custom-attributes.ts";
import type { Tx } from "../../db/tx.ts";
import { isoTime } from "../../lib/clock.ts";
import { requireAdministrator, type AccountScope } from "../accounts/access.ts";
import { Conflict, NotFound, Validation } from "../errors.ts";

export type DefinitionRow = typeof customAttributeDefinitions.$inferSelect;

/**
 * Keys Chatwoot reserves for the model's standard attributes (CustomAttributeDefinition::STANDARD_ATTRIBUTES):
 * a definition may not shadow them.
 */
export const STANDARD_ATTRIBUTES: Record<AttributeModel, readonly string[]> = {
  conversation_attribute: ["status", "priority", "assignee_id", "inbox_id", "team_id", "display_id", "campaign_id", "labels", "browser_language", "country_code", "referer", "created_at", "last_activity_at"],
  contact_attribute: ["name", "email", "phone_number", "identifier", "country_code", "city", "company_name", "created_at", "last_activity_at", "referer", "blocked"],
};

/** Chatwoot's key format: letters, digits, `_`, `.` and `-` (any script). */
export const ATTRIBUTE_KEY_FORMAT = /^[\p{L}\p{N}_.-]+$/u;
const MAX_OPTIONS = 100;

export type DefinitionInput = {
  attribute_display_name?: string | null;
  attribute_key?: string | null;
  attribute_model?: string | number | null;
  attribute_display_type?: string | number | null;
  attribute_description?: string | null;
  attribute_values?: unknown[] | null;
  regex_pattern?: string | null;
  regex_cue?: string | null;
  default_value?: string | number | boolean | null;
};

/** Chatwoot's enums travel as names or as their integer values (the OpenAPI create payload uses integers). */
function enumValue<T extends string>(values: readonly T[], raw: string | number | null | undefined, field: string): T {
  if (raw === null || raw === undefined || raw === "") throw Validation.field(field, "can't be blank");
  if (typeof raw === "number" || /^\d+$/.test(raw)) {
    const at = Number(raw);
    if (Number.isInteger(at) && at >= 0 && at < values.length) return values[at];
  } else if ((values as readonly string[]).includes(raw)) return raw as T;
  throw Validation.field(field, `must be one of ${values.join(", ")}`);
}

export function attributeModelOf(raw: string | number | null | undefined, field = "attribute_model"): AttributeModel {
  return enumValue(ATTRIBUTE_MODELS, raw, field);
}

/** A regex_pattern as the dashboard stores it: plain source, or `/source/flags`. Null when it does not compile. */
export function compilePattern(pattern: string): RegExp | null {
  const slashed = /^\/(.*)\/([imsu]*)$/s.exec(pattern);
  try {
    return slashed ? new RegExp(slashed[1], slashed[2]) : new RegExp(pattern);
  } catch {
    return null;
  }
}

function text(raw: string | null | undefined, field: string, max: number): string | null {
  if (raw === null || raw === undefined) return null;
  const value = String(raw).trim();
  if (value.length > max) throw Validation.field(field, `is too long (maximum is ${max} characters)`);
  return value === "" ? null : value;
}

function options(raw: unknown[] | null | undefined): string[] {
  if (raw === null || raw === undefined) return [];
  const out: string[] = [];
  for (const [i, v] of raw.entries()) {
    if (typeof v !== "string" && typeof v !== "number") throw Validation.field(`attribute_values[${i}]`, "must be a string");
    const value = String(v).trim();
    if (!value) continue;
    if (value.length > 255) throw Validation.field(`attribute_values[${i}]`, "is too long (maximum is 255 characters)");
    if (!out.includes(value)) out.push(value);
  }
  if (out.length > MAX_OPTIONS) throw Validation.field("attribute_values", `must have at most ${MAX_OPTIONS} options`);
  return out;
}

type Normalized = Omit<typeof customAttributeDefinitions.$inferInsert, "id" | "account_id" | "created_at" | "updated_at" | "position">;

function normalize(input: DefinitionInput, current: DefinitionRow | null): Normalized {
  const pick = <K extends keyof DefinitionInput>(k: K) => (input[k] !== undefined ? input[k] : current ? (current as unknown as DefinitionInput)[k] : undefined);
  const attribute_display_name = text(pick("attribute_display_name") as string | null, "attribute_display_name", 255);
  if (!attribute_display_name) throw Validation.field("attribute_display_name", "can't be blank");
  const attribute_key = text(pick("attribute_key") as string | null, "attribute_key", 255);
  if (!attribute_key) throw Validation.field("attribute_key", "can't be blank");
  if (!ATTRIBUTE_KEY_FORMAT.test(attribute_key)) throw Validation.field("attribute_key", "may only contain letters, numbers, underscores, dots and hyphens");
  const attribute_model = attributeModelOf(pick("attribute_model") ?? (current ? undefined : "conversation_attribute"));
  const attribute_display_type: AttributeDisplayType = enumValue(ATTRIBUTE_DISPLAY_TYPES, pick("attribute_display_type") ?? (current ? undefined : "text"), "attribute_display_type");
  const attribute_description = text(pick("attribute_description") as string | null, "attribute_description", 1000);
  const attribute_values = attribute_display_type === "list" ? options(pick("attribute_values") as unknown[] | null) : [];
  if (attribute_display_type === "list" && attribute_values.length === 0) throw Validation.field("attribute_values", "must have at least one option for a list");
  const regex_pattern = attribute_display_type === "text" ? text(pick("regex_pattern") as string | null, "regex_pattern", 255) : null;
  if (regex_pattern && !compilePattern(regex_pattern)) throw Validation.field("regex_pattern", "is not a valid regular expression");
  const regex_cue = regex_pattern ? text(pick("regex_cue") as string | null, "regex_cue", 255) : null;
  const rawDefault = pick("default_value");
  const default_value = rawDefault === null || rawDefault === undefined ? null : text(String(rawDefault), "default_value", 255);
  return { attribute_display_name, attribute_key, attribute_model, attribute_display_type, attribute_description, attribute_values, regex_pattern, regex_cue, default_value };
}

function assertKeyFree(tx: Tx, accountId: number, model: AttributeModel, key: string, exceptId?: number): void {
  const other = tx.db
    .select({ id: customAttributeDefinitions.id })
    .from(customAttributeDefinitions)
    .where(and(eq(customAttributeDefinitions.account_id, accountId), eq(customAttributeDefinitions.attribute_model, model), eq(customAttributeDefinitions.attribute_key, key)))
    .get();
  if (other && other.id !== exceptId) throw new Conflict("has already been taken", "attribute_key");
}

export function listDefinitions(db: Db, accountId: number, model?: AttributeModel): DefinitionRow[] {
  const t = customAttributeDefinitions;
  return db
    .select()
    .from(t)
    .where(model ? and(eq(t.account_id, accountId), eq(t.attribute_model, model)) : eq(t.account_id, accountId))
    .orderBy(asc(t.position), asc(t.id))
    .all();
}

/** The model's definitions by key (what value validation, filters and the sidebars need). */
export function definitionsByKey(db: Db, accountId: number, model: AttributeModel): Map<string, DefinitionRow> {
  return new Map(listDefinitions(db, accountId, model).map((d) => [d.attribute_key, d]));
}

export function getDefinition(db: Db, accountId: number, id: number): DefinitionRow {
  const row = db
    .select()
    .from(customAttributeDefinitions)
    .where(and(eq(customAttributeDefinitions.id, id), eq(customAttributeDefinitions.account_id, accountId)))
    .get();
  if (!row) throw new NotFound("Custom attribute definition");
  return row;
}

export function createDefinition(tx: Tx, scope: AccountScope, input: DefinitionInput): DefinitionRow {
  requireAdministrator(scope);
  const values = normalize(input, null);
  const model = values.attribute_model;
  if (STANDARD_ATTRIBUTES[model].includes(values.attribute_key)) throw Validation.field("attribute_key", "is a standard attribute of this model and can't be used");
  assertKeyFree(tx, scope.account.id, model, values.attribute_key);
  const t = customAttributeDefinitions;
  const position =
    tx.db
      .select({ max: sql<number>`coalesce(max(${t.position}), 0)` })
      .from(t)
      .where(and(eq(t.account_id, scope.account.id), eq(t.attribute_model, model)))
      .get()!.max + 10;
  return tx.db
    .insert(t)
    .values({ ...values, account_id: scope.account.id, position, created_at: tx.now, updated_at: tx.now })
    .returning()
    .get();
}

export function updateDefinition(tx: Tx, scope: AccountScope, id: number, input: DefinitionInput): DefinitionRow {
  requireAdministrator(scope);
  const current = getDefinition(tx.db, scope.account.id, id);
  const values = normalize(input, current);
  if (values.attribute_key !== current.attribute_key || values.attribute_model !== current.attribute_model) {
    if (STANDARD_ATTRIBUTES[values.attribute_model].includes(values.attribute_key)) throw Validation.field("attribute_key", "is a standard attribute of this model and can't be used");
    assertKeyFree(tx, scope.account.id, values.attribute_model, values.attribute_key, current.id);
  }
  return tx.db
    .update(customAttributeDefinitions)
    .set({ ...values, updated_at: tx.now })
    .where(eq(customAttributeDefinitions.id, current.id))
    .returning()
    .get();
}

/** Deleting a definition keeps the values stored under its key: they become free attributes (as in Chatwoot). */
export function deleteDefinition(tx: Tx, scope: AccountScope, id: number): void {
  requireAdministrator(scope);
  const current = getDefinition(tx.db, scope.account.id, id);
  tx.db.delete(customAttributeDefinitions).where(eq(customAttributeDefinitions.id, current.id)).run();
}

/** Chatwoot's custom_attribute_definition JSON (jbuilder partial). */
export function definitionJson(d: DefinitionRow) {
  return {
    id: d.id,
    attribute_display_name: d.attribute_display_name,
    attribute_display_type: d.attribute_display_type,
    attribute_description: d.attribute_description,
    attribute_key: d.attribute_key,
    regex_pattern: d.regex_pattern,
    regex_cue: d.regex_cue,
    attribute_values: d.attribute_values,
    attribute_model: d.attribute_model,
    default_value: d.default_value,
    account_id: d.account_id,
    created_at: isoTime(d.created_at),
    updated_at: isoTime(d.updated_at),
  };
}
