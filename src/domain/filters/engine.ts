import { and, inArray, isNotNull, isNull, not, notInArray, or, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { z } from "zod";
import { Validation } from "../errors.ts";

/**
 * The shared filter engine: Chatwoot's advanced-filter payload compiled to one parameterized SQL condition.
 *
 *   POST …/contacts/filter       { payload: [{ attribute_key, filter_operator, values, query_operator, attribute_model? }] }
 *   POST …/conversations/filter  (same shape)
 *
 * How a resource uses it:
 *
 *   const where = compileFilter(contactFilterResource, body.payload, { now: Date.now() });
 *   db.select().from(contacts).where(and(eq(contacts.account_id, accountId), where))
 *
 * A resource describes what may be filtered (FilterResource): an allow-list mapping each Chatwoot
 * attribute_key to a column (or a JSON key of a column, or a custom SQL builder such as a labels EXISTS),
 * its value type and the operators Chatwoot allows for it (lib/filters/filter_keys.yml). Free-form custom
 * attributes are addressed through `customAttributes` (a JSON column): a condition whose key is not in the
 * allow-list is a custom attribute only when it says so (attribute_model "customer_attributes" /
 * "conversation_attribute" / "contact_attribute", or custom_attribute_type), and its key must be a plain
 * name; it is read with json_extract() and a *bound* JSON path.
 *
 * Nothing from the payload is ever spliced into SQL text: keys and operators select code paths through the
 * allow-lists, and every value is a bound parameter. Anything not allowed is a 422 naming the field,
 * e.g. `payload[2].attribute_key`.
 *
 * Semantics (Chatwoot's, made explicit):
 *   - query_operator on condition i joins it to condition i+1; AND binds tighter than OR (SQL precedence).
 *     The last condition's query_operator is ignored; a missing one between two conditions means AND.
 *   - text comparisons are case-insensitive where the resource says so (Chatwoot lower()s both sides);
 *     contains / does_not_contain match a substring of any / none of the values; starts_with a prefix.
 *   - negative operators (not_equal_to, does_not_contain) also match rows where the attribute is absent
 *     (Chatwoot's SQL drops NULLs there, which hides contacts without an email from "email is not x").
 *   - is_present means not NULL and not empty; is_not_present the opposite.
 *   - dates compare by calendar day in UTC like Chatwoot's `column::date > 'value'::date`:
 *     is_greater_than D → on or after the day after D; is_less_than D → before D;
 *     days_before N → before (today − N days).
 */

export const FILTER_OPERATORS = [
  "equal_to",
  "not_equal_to",
  "contains",
  "does_not_contain",
  "is_present",
  "is_not_present",
  "is_greater_than",
  "is_less_than",
  "days_before",
  "starts_with",
] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

export type ValueType = "text" | "number" | "boolean" | "date";
export type FilterValue = string | number | boolean;

export type AttributeSpec =
  /** A column (or any SQL expression) of the resource's table. Dates are integer milliseconds. */
  | {
      kind: "column";
      expr: SQLWrapper;
      type: ValueType;
      operators: readonly FilterOperator[];
      /** Compare lower(column) with lower(value) (Chatwoot's text_case_insensitive). */
      caseInsensitive?: boolean;
      /** Turns an accepted value into the stored one (e.g. status name → enum value); throw Validation to reject. */
      mapValue?: (value: FilterValue, operator: FilterOperator) => FilterValue;
    }
  /** A fixed key inside a JSON column (Chatwoot's additional_attributes keys). */
  | { kind: "json"; column: SQLWrapper; key: string; type: "text" | "number"; operators: readonly FilterOperator[]; caseInsensitive?: boolean }
  /** Anything else (labels through taggings, …): the resource builds the SQL from validated values. */
  | { kind: "custom"; type: ValueType; operators: readonly FilterOperator[]; build: (operator: FilterOperator, values: FilterValue[]) => SQL };

export type FilterResource = {
  /** Allow-list: Chatwoot attribute_key → how to filter it. */
  attributes: Record<string, AttributeSpec>;
  /** The JSON column holding free-form custom attributes, if the resource has them. */
  customAttributes?: {
    column: SQLWrapper;
    /** Optional type lookup (custom attribute definitions); without it the type follows the values. */
    typeOf?: (key: string) => ValueType | undefined;
    /** Optional operator allow-list per defined key (custom attribute definitions); undefined allows every operator. */
    operatorsOf?: (key: string) => readonly FilterOperator[] | undefined;
  };
};

export type FilterOptions = {
  /** Current time in ms, for days_before. */
  now: number;
  /** Upper bound of conditions in one payload (default 50). */
  maxConditions?: number;
};

const CUSTOM_MODELS = new Set(["customer_attributes", "custom_attributes", "contact_attribute", "conversation_attribute"]);
const CUSTOM_KEY = /^[A-Za-z0-9_-][A-Za-z0-9_ -]{0,99}$/;
const VALUELESS: ReadonlySet<FilterOperator> = new Set(["is_present", "is_not_present"]);
const DAY_MS = 86_400_000;

const scalar = z.union([z.string().max(1000), z.number().finite(), z.boolean()]);
const conditionSchema = z.object({
  attribute_key: z.string({ error: "can't be blank" }).min(1, "can't be blank").max(100),
  filter_operator: z.string({ error: "can't be blank" }).min(1, "can't be blank").max(40),
  values: z.union([z.array(scalar).max(200), scalar, z.null()]).optional(),
  query_operator: z.string().max(10).nullable().optional(),
  attribute_model: z.string().max(40).nullable().optional(),
  custom_attribute_type: z.string().max(40).nullable().optional(),
});

export type FilterCondition = z.infer<typeof conditionSchema>;

/** Validates the payload and compiles it to a WHERE condition for the resource. */
export function compileFilter(resource: FilterResource, payload: unknown, options: FilterOptions): SQL {
  const conditions = parsePayload(payload, options.maxConditions ?? 50);
  const compiled = conditions.map((c, i) => compileCondition(resource, c, i, options));
  // query_operator of condition i joins i and i+1; AND binds tighter than OR.
  const groups: SQL[][] = [[compiled[0]]];
  for (let i = 1; i < compiled.length; i++) {
    const op = (conditions[i - 1].query_operator ?? "and").toLowerCase();
    if (op === "or") groups.push([compiled[i]]);
    else groups[groups.length - 1].push(compiled[i]);
  }
  const anded = groups.map((g) => (g.length === 1 ? g[0] : and(...g)!));
  return anded.length === 1 ? sql`(${anded[0]})` : sql`(${or(...anded)!})`;
}

function parsePayload(payload: unknown, max: number): FilterCondition[] {
  if (!Array.isArray(payload)) throw Validation.field("payload", "must be an array of filter conditions");
  if (payload.length === 0) throw Validation.field("payload", "can't be blank");
  if (payload.length > max) throw Validation.field("payload", `must have at most ${max} conditions`);
  return payload.map((item, i) => {
    const result = conditionSchema.safeParse(item);
    if (!result.success) {
      throw new Validation(
        result.error.issues.map((issue) => ({
          field: issue.path.length ? `payload[${i}].${String(issue.path[0])}` : `payload[${i}]`,
          message: issue.path.length ? issue.message : "must be an object",
        })),
      );
    }
    const q = result.data.query_operator;
    if (q !== undefined && q !== null && !["and", "or"].includes(q.toLowerCase())) {
      throw Validation.field(`payload[${i}].query_operator`, "must be AND or OR");
    }
    return result.data;
  });
}

function compileCondition(resource: FilterResource, c: FilterCondition, i: number, options: FilterOptions): SQL {
  const field = (name: string) => `payload[${i}].${name}`;
  if (!(FILTER_OPERATORS as readonly string[]).includes(c.filter_operator)) {
    throw Validation.field(field("filter_operator"), `is not a supported operator: ${FILTER_OPERATORS.join(", ")}`);
  }
  const operator = c.filter_operator as FilterOperator;
  const raw = c.values === undefined || c.values === null ? [] : Array.isArray(c.values) ? c.values : [c.values];
  const values = raw.filter((v) => !(typeof v === "string" && v.trim() === ""));
  if (!VALUELESS.has(operator) && values.length === 0) throw Validation.field(field("values"), "can't be blank");

  const spec = Object.hasOwn(resource.attributes, c.attribute_key) ? resource.attributes[c.attribute_key] : undefined;
  if (spec) {
    if (!spec.operators.includes(operator)) {
      throw Validation.field(field("filter_operator"), `is not allowed for ${c.attribute_key}: ${spec.operators.join(", ")}`);
    }
    const typed = values.map((v) => coerce(v, spec.type, field("values")));
    if (spec.kind === "custom") return spec.build(operator, typed);
    if (spec.kind === "json") {
      return compare(jsonPath(spec.column, spec.key), spec.type, operator, typed, { caseInsensitive: spec.caseInsensitive ?? true, options, field });
    }
    const mapped = spec.mapValue ? typed.map((v) => spec.mapValue!(v, operator)) : typed;
    return compare(spec.expr, spec.type, operator, mapped, { caseInsensitive: spec.caseInsensitive ?? false, options, field });
  }

  const custom = resource.customAttributes;
  const isCustom = (c.attribute_model && CUSTOM_MODELS.has(c.attribute_model)) || Boolean(c.custom_attribute_type);
  if (!custom || !isCustom) throw Validation.field(field("attribute_key"), `is not a filterable attribute: ${c.attribute_key}`);
  if (!CUSTOM_KEY.test(c.attribute_key)) throw Validation.field(field("attribute_key"), "is not a valid custom attribute key");
  const allowed = custom.operatorsOf?.(c.attribute_key);
  if (allowed && !allowed.includes(operator)) throw Validation.field(field("filter_operator"), `is not allowed for ${c.attribute_key}: ${allowed.join(", ")}`);
  return compareCustom(custom.column, c.attribute_key, custom.typeOf?.(c.attribute_key), operator, values, { options, field });
}

type Ctx = { caseInsensitive?: boolean; options: FilterOptions; field: (name: string) => string };

function coerce(value: FilterValue, type: ValueType, field: string): FilterValue {
  switch (type) {
    case "number": {
      const n = typeof value === "number" ? value : typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : NaN;
      if (!Number.isFinite(n)) throw Validation.field(field, "must be numbers");
      return n;
    }
    case "boolean": {
      if (typeof value === "boolean") return value;
      if (value === 1 || value === "1" || value === "true") return true;
      if (value === 0 || value === "0" || value === "false") return false;
      throw Validation.field(field, "must be true or false");
    }
    default:
      return typeof value === "string" ? value.trim() : String(value);
  }
}

/** json_extract with a bound path, so the key is data, never SQL. */
function jsonPath(column: SQLWrapper, key: string): SQL {
  return sql`json_extract(${column}, ${`$."${key}"`})`;
}

function likePattern(value: string, prefix: string, suffix: string): string {
  return prefix + value.replace(/[\\%_]/g, (ch) => `\\${ch}`) + suffix;
}

function like(expr: SQLWrapper, pattern: string): SQL {
  return sql`${expr} LIKE ${pattern} ESCAPE '\\'`;
}

/** Calendar day (UTC) of a date value, as the ms timestamp of its midnight. */
function dayStart(value: FilterValue, field: string): number {
  const text = String(value).trim();
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : Date.parse(text);
  if (!Number.isFinite(ms)) throw Validation.field(field, "must be dates (YYYY-MM-DD)");
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

function compare(expr: SQLWrapper, type: ValueType, operator: FilterOperator, values: FilterValue[], ctx: Ctx): SQL {
  const ci = type === "text" && ctx.caseInsensitive;
  const target = ci ? sql`lower(${expr})` : sql`${expr}`;
  const norm = (v: FilterValue) => (ci && typeof v === "string" ? v.toLowerCase() : v);
  const texts = () => values.map((v) => String(v));
  const absent = type === "text" ? or(isNull(expr), sql`${expr} = ''`)! : isNull(expr);

  if (type === "date") return compareDate(expr, operator, values, ctx);
  switch (operator) {
    case "equal_to":
      return inArray(target, values.map(norm));
    case "not_equal_to":
      return or(isNull(expr), notInArray(target, values.map(norm)))!;
    case "contains":
      return or(...texts().map((v) => like(type === "text" ? expr : sql`CAST(${expr} AS TEXT)`, likePattern(v, "%", "%"))))!;
    case "does_not_contain":
      return or(isNull(expr), and(...texts().map((v) => not(like(type === "text" ? expr : sql`CAST(${expr} AS TEXT)`, likePattern(v, "%", "%")))))!)!;
    case "starts_with":
      return or(...texts().map((v) => like(expr, likePattern(v, "", "%"))))!;
    case "is_present":
      return not(absent);
    case "is_not_present":
      return absent;
    case "is_greater_than":
      return sql`${target} > ${norm(values[0])}`;
    case "is_less_than":
      return sql`${target} < ${norm(values[0])}`;
    case "days_before":
      throw Validation.field(ctx.field("filter_operator"), "applies to dates only");
  }
}

function compareDate(expr: SQLWrapper, operator: FilterOperator, values: FilterValue[], ctx: Ctx): SQL {
  const field = ctx.field("values");
  switch (operator) {
    case "is_greater_than":
      return sql`${expr} >= ${dayStart(values[0], field) + DAY_MS}`;
    case "is_less_than":
      return sql`${expr} < ${dayStart(values[0], field)}`;
    case "days_before": {
      const days = coerce(values[0], "number", field) as number;
      if (!Number.isInteger(days) || days < 0 || days > 36_500) throw Validation.field(field, "must be a whole number of days");
      return sql`${expr} < ${Math.floor(ctx.options.now / DAY_MS) * DAY_MS - days * DAY_MS}`;
    }
    case "equal_to":
      return or(...values.map((v) => sql`(${expr} >= ${dayStart(v, field)} AND ${expr} < ${dayStart(v, field) + DAY_MS})`))!;
    case "not_equal_to":
      return or(isNull(expr), and(...values.map((v) => sql`(${expr} < ${dayStart(v, field)} OR ${expr} >= ${dayStart(v, field) + DAY_MS})`))!)!;
    case "is_present":
      return isNotNull(expr);
    case "is_not_present":
      return isNull(expr);
    default:
      throw Validation.field(ctx.field("filter_operator"), "is not allowed for dates");
  }
}

/**
 * A free-form custom attribute. Without a declared type: numbers compare numerically when the values are
 * numeric (is_greater_than 10), booleans match JSON true/false, everything else compares as
 * case-insensitive text.
 */
function compareCustom(column: SQLWrapper, key: string, declared: ValueType | undefined, operator: FilterOperator, values: FilterValue[], ctx: Ctx): SQL {
  const expr = jsonPath(column, key);
  const jsonType = sql`json_type(${column}, ${`$."${key}"`})`;
  const allNumeric = values.length > 0 && values.every((v) => typeof v === "number" || (typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v.trim())));
  const type: ValueType = declared ?? (operator === "days_before" ? "date" : (operator === "is_greater_than" || operator === "is_less_than") && allNumeric ? "number" : "text");
  if (type === "date") {
    // Dates in custom attributes are stored as text (ISO or YYYY-MM-DD); compare the day part as text.
    const day = sql`substr(${expr}, 1, 10)`;
    const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const field = ctx.field("values");
    switch (operator) {
      case "is_greater_than":
        return sql`${day} > ${iso(dayStart(values[0], field))}`;
      case "is_less_than":
        return sql`${day} < ${iso(dayStart(values[0], field))}`;
      case "days_before": {
        const days = coerce(values[0], "number", field) as number;
        return sql`${day} < ${iso(Math.floor(ctx.options.now / DAY_MS) * DAY_MS - days * DAY_MS)}`;
      }
      case "equal_to":
        return inArray(day, values.map((v) => iso(dayStart(v, field))));
      case "not_equal_to":
        return or(isNull(expr), notInArray(day, values.map((v) => iso(dayStart(v, field)))))!;
      default:
        break;
    }
  }
  if (type === "number") {
    const nums = values.map((v) => coerce(v, "number", ctx.field("values")));
    const num = sql`CAST(${expr} AS REAL)`;
    const present = sql`${jsonType} IN ('integer', 'real', 'text')`;
    switch (operator) {
      case "is_greater_than":
        return and(present, sql`${num} > ${nums[0]}`)!;
      case "is_less_than":
        return and(present, sql`${num} < ${nums[0]}`)!;
      case "equal_to":
        return and(present, inArray(num, nums))!;
      case "not_equal_to":
        return or(isNull(expr), notInArray(num, nums))!;
      default:
        break;
    }
  }
  if (type === "boolean" || ((operator === "equal_to" || operator === "not_equal_to") && values.length > 0 && values.every(isBooleanLike))) {
    const wanted = values.map((v) => coerce(v, "boolean", ctx.field("values")));
    const matches = or(...wanted.map((b) => sql`${jsonType} = ${b ? "true" : "false"}`))!;
    if (operator === "equal_to") return matches;
    if (operator === "not_equal_to") return or(isNull(expr), not(matches))!;
  }
  return compare(sql`CAST(${expr} AS TEXT)`, "text", operator, values.map((v) => String(v)), { ...ctx, caseInsensitive: true });
}

function isBooleanLike(v: FilterValue): boolean {
  return typeof v === "boolean" || v === "true" || v === "false";
}
