import { and, eq, or, sql, type SQL } from "drizzle-orm";
import type { RuleCondition } from "../../db/schema/automation.ts";
import type { Db } from "../../db/client.ts";
import { contacts } from "../../db/schema/contacts.ts";
import { conversations } from "../../db/schema/conversations.ts";
import { customAttributeDefinitions, type AttributeDisplayType, type AttributeModel } from "../../db/schema/custom-attributes.ts";
import { conversationFilterResource } from "../conversations/filter.ts";
import { Validation } from "../errors.ts";
import { compileFilter, type AttributeSpec, type FilterResource, type ValueType } from "../filters/engine.ts";

/**
 * Automation rule conditions (Chatwoot's AutomationRules::ConditionsFilterService): the filter payload shape,
 * evaluated as one parameterized query over the conversation, its contact and (for message_created) the
 * message. Every condition goes through the shared filter engine's allow-lists.
 */

const TEXT_OPS = ["equal_to", "not_equal_to", "contains", "does_not_contain", "is_present", "is_not_present"] as const;
const EQ_OPS = ["equal_to", "not_equal_to"] as const;
const ID_OPS = ["equal_to", "not_equal_to", "is_present", "is_not_present"] as const;
const MESSAGE_TYPES = ["incoming", "outgoing", "activity", "template"] as const;

/** The message a message_created rule looks at (bound as parameters: it is data, not a table join). */
export type ConditionMessage = { message_type: number; content: string | null; private: boolean };

const conversationAttrs = conversationFilterResource.attributes;

function json(column: typeof contacts.additional_attributes | typeof conversations.additional_attributes, key: string): SQL {
  return sql`json_extract(${column}, ${`$."${key}"`})`;
}

/** The message as SQL: bound values, or the placeholders of a statement prepared once (the automation runner's plans). */
type MessageSql = { message_type: SQL; content: SQL };

function messageSql(message: ConditionMessage | null): MessageSql {
  const messageType = message ? (MESSAGE_TYPES[message.message_type] ?? null) : null;
  return { message_type: sql`${messageType}`, content: sql`${message?.content ?? null}` };
}

/** Placeholders `message_type` (incoming, outgoing… or null) and `message_content`: see messagePlaceholderValues. */
const MESSAGE_PLACEHOLDERS: MessageSql = { message_type: sql`${sql.placeholder("message_type")}`, content: sql`${sql.placeholder("message_content")}` };

/** The values of the message placeholders of compileConditionParts for a message (or none). */
export function messagePlaceholderValues(message: ConditionMessage | null): { message_type: string | null; message_content: string | null } {
  return { message_type: message ? (MESSAGE_TYPES[message.message_type] ?? null) : null, message_content: message?.content ?? null };
}

function standardAttributes(message: ConditionMessage | MessageSql | null): Record<string, AttributeSpec> {
  const m = message && "message_type" in message && typeof message.message_type !== "number" ? (message as MessageSql) : messageSql(message as ConditionMessage | null);
  return {
    status: conversationAttrs.status,
    priority: conversationAttrs.priority,
    inbox_id: conversationAttrs.inbox_id,
    team_id: conversationAttrs.team_id,
    assignee_id: conversationAttrs.assignee_id,
    labels: conversationAttrs.labels,
    browser_language: conversationAttrs.browser_language,
    conversation_language: conversationAttrs.conversation_language,
    referer: conversationAttrs.referer,
    mail_subject: conversationAttrs.mail_subject,
    sla_policy_id: { kind: "column", expr: conversations.sla_policy_id, type: "number", operators: ID_OPS },
    country_code: {
      kind: "column",
      expr: sql`coalesce(${json(conversations.additional_attributes, "country_code")}, ${json(contacts.additional_attributes, "country_code")})`,
      type: "text",
      operators: EQ_OPS,
      caseInsensitive: true,
    },
    city: { kind: "json", column: contacts.additional_attributes, key: "city", type: "text", operators: TEXT_OPS },
    company: { kind: "json", column: contacts.additional_attributes, key: "company_name", type: "text", operators: TEXT_OPS },
    email: { kind: "column", expr: contacts.email, type: "text", operators: TEXT_OPS, caseInsensitive: true },
    phone_number: { kind: "column", expr: contacts.phone_number, type: "text", operators: [...TEXT_OPS, "starts_with"] },
    message_type: {
      kind: "column",
      expr: m.message_type,
      type: "text",
      operators: EQ_OPS,
      mapValue: (v) => {
        if (!(MESSAGE_TYPES as readonly string[]).includes(String(v))) throw Validation.field("payload.values", `must be one of ${MESSAGE_TYPES.join(", ")}`);
        return v;
      },
    },
    content: { kind: "column", expr: m.content, type: "text", operators: TEXT_OPS, caseInsensitive: true },
  };
}

/** The attribute keys a condition may name besides custom attributes. */
export const CONDITION_ATTRIBUTES = Object.keys(standardAttributes(null));

function valueTypeOf(display: AttributeDisplayType): ValueType {
  if (display === "number" || display === "currency" || display === "percent") return "number";
  if (display === "checkbox") return "boolean";
  if (display === "date") return "date";
  return "text";
}

function customDefinition(db: Db, accountId: number, key: string, model: AttributeModel | null) {
  const rows = db
    .select({ model: customAttributeDefinitions.attribute_model, display: customAttributeDefinitions.attribute_display_type })
    .from(customAttributeDefinitions)
    .where(and(eq(customAttributeDefinitions.account_id, accountId), eq(customAttributeDefinitions.attribute_key, key)))
    .all();
  return rows.find((r) => model == null || r.model === model) ?? null;
}

/** Renames the engine's `payload[0].x` to `conditions[i].x` so a 422 names the rule's condition. */
function renamed(err: unknown, i: number): unknown {
  if (!(err instanceof Validation)) return err;
  return new Validation(err.errors.map((e) => ({ field: e.field.replace(/^payload(\[0\])?/, `conditions[${i}]`), message: e.message })));
}

function compileOne(db: Db, accountId: number, c: RuleCondition, i: number, message: ConditionMessage | MessageSql | null, now: number): SQL {
  const attributes = standardAttributes(message);
  let resource: FilterResource = { attributes };
  let condition: Record<string, unknown> = { ...c };
  if (!Object.hasOwn(attributes, c.attribute_key)) {
    const wanted = c.custom_attribute_type === "contact_attribute" || c.custom_attribute_type === "conversation_attribute" ? c.custom_attribute_type : null;
    const def = typeof c.attribute_key === "string" ? customDefinition(db, accountId, c.attribute_key, wanted) : null;
    if (!def) throw Validation.field(`conditions[${i}].attribute_key`, `is not a known attribute: ${String(c.attribute_key)}`);
    const type = valueTypeOf(def.display);
    resource = {
      attributes: {},
      customAttributes: { column: def.model === "contact_attribute" ? contacts.custom_attributes : conversations.custom_attributes, typeOf: () => type },
    };
    condition = { ...c, attribute_model: def.model, custom_attribute_type: def.model };
  }
  try {
    return compileFilter(resource, [{ ...condition, query_operator: null }], { now });
  } catch (err) {
    throw renamed(err, i);
  }
}

/** Chatwoot's attribute_changed (conversation_updated): `values: {from: [...], to: [...]}` on a changed attribute. */
export const ATTRIBUTE_CHANGED = "attribute_changed";
const CHANGEABLE = ["status", "priority", "assignee_id", "team_id", "labels"] as const;
/** The changed_attributes key conversation.updated uses for a condition's attribute. */
const CHANGED_KEY: Record<string, string> = { labels: "label_list" };

export type ChangedValues = Record<string, { previous_value: unknown; current_value: unknown }>;

function changeSpec(c: RuleCondition, i: number): { from: string[]; to: string[] } {
  if (!(CHANGEABLE as readonly string[]).includes(c.attribute_key)) {
    throw Validation.field(`conditions[${i}].filter_operator`, `attribute_changed applies to ${CHANGEABLE.join(", ")}`);
  }
  const v = c.values as unknown;
  const spec = (Array.isArray(v) && v.length === 1 ? v[0] : v) as { from?: unknown; to?: unknown } | null;
  if (!spec || typeof spec !== "object" || Array.isArray(spec)) throw Validation.field(`conditions[${i}].values`, "must be {from: [...], to: [...]}");
  const list = (x: unknown, name: string): string[] => {
    if (x === undefined || x === null) return [];
    if (!Array.isArray(x) || !x.every((y) => ["string", "number"].includes(typeof y))) throw Validation.field(`conditions[${i}].values`, `${name} must be a list of values`);
    return x.map(String);
  };
  return { from: list(spec.from, "from"), to: list(spec.to, "to") };
}

function changedMatches(c: RuleCondition, changed: ChangedValues | null): boolean {
  const spec = changeSpec(c, 0);
  const change = changed?.[CHANGED_KEY[c.attribute_key] ?? c.attribute_key];
  if (!change) return false;
  const text = (x: unknown) => (Array.isArray(x) ? x.map(String) : x == null ? [] : [String(x)]);
  const inList = (values: string[], allowed: string[]) => allowed.length === 0 || values.some((v) => allowed.includes(v));
  return inList(text(change.previous_value), spec.from) && inList(text(change.current_value), spec.to);
}

/** Validates a rule's conditions (422 naming `conditions[i].…`) and returns them normalized. */
export function validateConditions(db: Db, accountId: number, raw: unknown, now: number): RuleCondition[] {
  if (!Array.isArray(raw)) throw Validation.field("conditions", "must be an array of conditions");
  if (raw.length > 30) throw Validation.field("conditions", "must have at most 30 conditions");
  const out = raw.map((item, i) => {
    if (!item || typeof item !== "object" || Array.isArray(item)) throw Validation.field(`conditions[${i}]`, "must be an object");
    const c = item as Record<string, unknown>;
    const q = c.query_operator;
    if (q != null && (typeof q !== "string" || !["and", "or"].includes(q.toLowerCase()))) throw Validation.field(`conditions[${i}].query_operator`, "must be AND or OR");
    if (c.filter_operator === ATTRIBUTE_CHANGED) {
      const condition: RuleCondition = { attribute_key: String(c.attribute_key ?? ""), filter_operator: ATTRIBUTE_CHANGED, values: [changeSpec({ attribute_key: String(c.attribute_key ?? ""), filter_operator: ATTRIBUTE_CHANGED, values: c.values as unknown[] }, i)], query_operator: typeof q === "string" ? q.toLowerCase() : null };
      return condition;
    }
    const values = c.values === undefined || c.values === null ? [] : Array.isArray(c.values) ? c.values : [c.values];
    const condition: RuleCondition = {
      attribute_key: c.attribute_key as string,
      filter_operator: c.filter_operator as string,
      values,
      query_operator: typeof q === "string" ? q.toLowerCase() : null,
      ...(typeof c.custom_attribute_type === "string" ? { custom_attribute_type: c.custom_attribute_type } : {}),
    };
    if (typeof condition.attribute_key !== "string" || !condition.attribute_key) throw Validation.field(`conditions[${i}].attribute_key`, "can't be blank");
    compileOne(db, accountId, condition, i, { message_type: 0, content: "", private: false }, now);
    return condition;
  });
  return out;
}

/**
 * Whether the conversation (with its contact and the message) matches the rule's conditions. No conditions match.
 * attribute_changed conditions (as Chatwoot) must all hold besides the others: the change the event carried.
 */
export function conditionsMatch(
  db: Db,
  accountId: number,
  all: RuleCondition[],
  conversationId: number,
  message: ConditionMessage | null,
  now: number,
  changed: ChangedValues | null = null,
): boolean {
  const changes = all.filter((c) => c.filter_operator === ATTRIBUTE_CHANGED);
  if (!changes.every((c) => changedMatches(c, changed))) return false;
  const conditions = all.filter((c) => c.filter_operator !== ATTRIBUTE_CHANGED);
  const where = conditions.length ? combine(conditions, conditions.map((c, i) => compileOne(db, accountId, c, i, message, now))) : sql`1`;
  const row = db
    .select({ id: conversations.id })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contact_id))
    .where(and(eq(conversations.id, conversationId), eq(conversations.account_id, accountId), where))
    .get();
  return !!row;
}

/** Whether the attribute_changed conditions among a rule's (all of which must hold) hold for the event's changes. */
export function changesMatch(all: RuleCondition[], changed: ChangedValues | null): boolean {
  return all.filter((c) => c.filter_operator === ATTRIBUTE_CHANGED).every((c) => changedMatches(c, changed));
}

/** Whether evaluating the conditions depends on the clock (days_before counts days back from now). */
export function conditionsDependOnNow(all: RuleCondition[]): boolean {
  return all.some((c) => c.filter_operator === "days_before");
}

/** One condition of a rule (not attribute_changed) compiled on its own, as conditionsMatch compiles it. */
export type ConditionPart = {
  sql: SQL;
  /** It looks at the message only (message_type, content), not at the conversation or contact. */
  onMessage: boolean;
  /** How it joins the next condition (its query_operator): AND binds tighter than OR, as in conditionsMatch. */
  joinNext: "and" | "or";
};

/**
 * A rule's conditions other than attribute_changed, each compiled on its own with the message as the placeholders
 * of messagePlaceholderValues, so statements built on them are prepared once and run for every event (the automation
 * runner's plans). Combined with SQL's three-valued AND/OR in their order, they decide exactly what the WHERE of
 * conditionsMatch decides. Throws as conditionsMatch does for a condition that no longer compiles.
 */
export function compileConditionParts(db: Db, accountId: number, all: RuleCondition[], now: number): ConditionPart[] {
  const conditions = all.filter((c) => c.filter_operator !== ATTRIBUTE_CHANGED);
  return conditions.map((c, i) => ({
    sql: compileOne(db, accountId, c, i, MESSAGE_PLACEHOLDERS, now),
    onMessage: c.attribute_key === "message_type" || c.attribute_key === "content",
    joinNext: (c.query_operator ?? "and") === "or" ? "or" : "and",
  }));
}

/** query_operator of condition i joins it to i+1; AND binds tighter than OR (as the filter engine does). */
function combine(conditions: RuleCondition[], compiled: SQL[]): SQL {
  const groups: SQL[][] = [[compiled[0]]];
  for (let i = 1; i < compiled.length; i++) {
    if ((conditions[i - 1].query_operator ?? "and") === "or") groups.push([compiled[i]]);
    else groups[groups.length - 1].push(compiled[i]);
  }
  const anded = groups.map((g) => (g.length === 1 ? g[0] : and(...g)!));
  return anded.length === 1 ? anded[0] : or(...anded)!;
}
