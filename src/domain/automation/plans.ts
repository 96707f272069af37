import type { Statement } from "bun:sqlite";
import { and, asc, eq, fillPlaceholders, or, sql, type SQL } from "drizzle-orm";
import { SQLiteSyncDialect } from "drizzle-orm/sqlite-core";
import type { Db } from "../../db/client.ts";
import { automationRules } from "../../db/schema/automation.ts";
import { contacts } from "../../db/schema/contacts.ts";
import { conversations } from "../../db/schema/conversations.ts";
import type { AutomationEvent, AutomationRuleRow } from "./commands.ts";
import {
  ATTRIBUTE_CHANGED,
  changesMatch,
  compileConditionParts,
  conditionsDependOnNow,
  messagePlaceholderValues,
  type ChangedValues,
  type ConditionMessage,
  type ConditionPart,
} from "./conditions.ts";

/**
 * The automation runner's in-process plans: per account and event, the active rules (parsed once), each
 * condition compiled once through the filter engine, and prepared statements that evaluate them:
 *   - the message statement (no table): each condition on the message (message type, content), true / false /
 *     unknown (SQL's NULL);
 *   - conversation statements: the whole conditions of the rules still undecided, as conditionsMatch's WHERE puts
 *     them, over the conversation and its contact; one statement per set of rules, prepared on first use.
 * With the conversation's conditions unknown, a rule's conditions joined in three-valued logic (AND groups, ORed)
 * are false only when they are false whatever the conversation holds (the logic is monotonic in the unknowns). So
 * the message and the event's attribute changes alone can rule rules out: the listener enqueues no job when they
 * rule out every rule, and a job asks the conversation only about the others.
 *
 * A plan is used while nothing it was built from changed: the rules of the account and event (a fingerprint — count,
 * ids, active flags, updated_at — read at the first use in each turn of the event loop catches writes from anywhere,
 * and a generation that rule writes through commands.ts bump takes effect at once, also for edits under a frozen
 * clock) and the account's custom attribute definitions the conditions compile against. Rules whose conditions depend on the clock (days_before) are evaluated by
 * conditionsMatch at each run, as before.
 */

type Truth = boolean | null;

export type RulePlan = {
  rule: AutomationRuleRow;
  /** Its position in the plan (the column of the conversation statement). */
  index: number;
  /** Its conditions (not attribute_changed): joins, and the message statement's column (position) of those on the message. */
  parts: (Pick<ConditionPart, "onMessage" | "joinNext"> & { column: number })[];
  /** Why the conditions could not be compiled (a custom attribute they name is gone…): the rule does not match. */
  compileError: unknown;
  /** days_before: evaluated with the clock at each run (conditionsMatch), not by the plan's statements. */
  dependsOnNow: boolean;
  /** It has attribute_changed conditions (checked against the event's changes). */
  hasChanges: boolean;
};

export type Plan = {
  rules: RulePlan[];
  /** Evaluates the message's conditions (no table): each one's truth by column. */
  evaluateMessage(message: ConditionMessage | null): Truth[];
  /**
   * Evaluates the whole conditions of the given rules over the conversation and its contact (one statement per set
   * of rules, prepared once): which hold, or found false when the conversation is not in the account.
   */
  matchConversation(conversationId: number, message: ConditionMessage | null, rules: RulePlan[]): { found: boolean; holds: Set<number> };
};

type Entry = { plan: Plan; fingerprint: string; definitions: string; generation: number };

let generation = 0;
type PlanState = { entries: Map<string, Entry>; checked: Set<string>; resetScheduled: boolean };
const plans = new WeakMap<Db, PlanState>();
const statements = new WeakMap<Db, { fingerprint: Statement<{ f: string }, [number, string]>; definitions: Statement<{ d: string | null }, [number]> }>();
const dialect = new SQLiteSyncDialect();

/** A rule was created, changed, cloned, disabled or deleted: every plan is rebuilt on its next use. */
export function automationRulesChanged(): void {
  generation++;
}

function statementsOf(db: Db) {
  let s = statements.get(db);
  if (!s) {
    s = {
      fingerprint: db.$client.prepare(
        "SELECT count(*) || ':' || coalesce(sum(id), 0) || ':' || coalesce(max(id), 0) || ':' || coalesce(sum(active), 0) || ':' || coalesce(max(updated_at), 0) || ':' || coalesce(sum(updated_at % 1000003), 0) AS f FROM automation_rules WHERE account_id = ?1 AND event_name = ?2",
      ),
      definitions: db.$client.prepare(
        "SELECT group_concat(id || ':' || attribute_model || ':' || attribute_key || ':' || attribute_display_type, ',') AS d FROM custom_attribute_definitions WHERE account_id = ?1",
      ),
    };
    statements.set(db, s);
  }
  return s;
}

/**
 * The plan of an account's active rules for an event, rebuilt when they or the custom attribute definitions changed.
 * Built inside a transaction (the enqueueing listener's), it reflects what that transaction sees; rule writes happen
 * in transactions of their own that emit no event (commands.ts), and a rolled-back one changes the fingerprint back.
 */
export function planFor(db: Db, accountId: number, event: AutomationEvent): Plan {
  let state = plans.get(db);
  if (!state) plans.set(db, (state = { entries: new Map(), checked: new Set(), resetScheduled: false }));
  const key = `${accountId}:${event}`;
  const cached = state.entries.get(key);
  // Checked during this turn of the event loop (every message of a group commit asks): this process's rule
  // writes bump the generation at once; others' writes are seen from the next turn.
  if (cached && cached.generation === generation && state.checked.has(key)) return cached.plan;
  const s = statementsOf(db);
  const fingerprint = s.fingerprint.get(accountId, event)!.f;
  const definitions = fingerprint.startsWith("0:") ? "" : (s.definitions.get(accountId)?.d ?? "");
  markChecked(state, key);
  if (cached && cached.fingerprint === fingerprint && cached.definitions === definitions && cached.generation === generation) return cached.plan;
  const atGeneration = generation;
  const plan = buildPlan(db, accountId, event);
  state.entries.set(key, { plan, fingerprint, definitions, generation: atGeneration });
  return plan;
}

function markChecked(state: PlanState, key: string): void {
  state.checked.add(key);
  if (state.resetScheduled) return;
  state.resetScheduled = true;
  setImmediate(() => {
    state.checked.clear();
    state.resetScheduled = false;
  });
}

/**
 * What the message and the event's changes tell about a rule, the conversation's conditions being unknown: its
 * attribute_changed conditions on the changes, then the others joined as conditionsMatch joins them (AND groups,
 * ORed) in three-valued logic. false: it cannot match; null: the conversation decides (it must exist, even for a
 * rule the message alone satisfies, so true is never returned).
 */
export function ruleMayHold(r: RulePlan, changed: ChangedValues | null, message: Truth[]): false | null {
  if (r.hasChanges && !changesMatch(r.rule.conditions, changed)) return false;
  let any: Truth = false;
  let group: Truth = true;
  const parts = r.parts;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    group = and3(group, p.onMessage ? message[p.column]! : null);
    if (p.joinNext === "or" || i === parts.length - 1) {
      any = or3(any, group);
      group = true;
    }
  }
  return r.parts.length && any === false ? false : null;
}

function and3(a: Truth, b: Truth): Truth {
  if (a === false || b === false) return false;
  return a === null || b === null ? null : true;
}

function or3(a: Truth, b: Truth): Truth {
  if (a === true || b === true) return true;
  return a === null || b === null ? null : false;
}

/**
 * A condition's three-valued truth as a column: 1, 0 or NULL, evaluated once. NOT takes a value's truth as WHEN
 * does (and keeps NULL), so NOT NOT is the condition's truth as the WHERE of conditionsMatch sees it.
 */
function truthColumn(condition: SQL, column: string): SQL {
  return sql`NOT NOT (${condition}) AS ${sql.identifier(column)}`;
}

function toTruth(row: (number | null)[]): Truth[] {
  return row.map((v) => (v === null ? null : v !== 0));
}

const MAX_STATEMENTS = 64;

function buildPlan(db: Db, accountId: number, event: AutomationEvent): Plan {
  const rows = db
    .select()
    .from(automationRules)
    .where(and(eq(automationRules.account_id, accountId), eq(automationRules.event_name, event), eq(automationRules.active, true)))
    .orderBy(asc(automationRules.id))
    .all();
  const messageColumns: SQL[] = [];
  /** Per rule: its conditions as conditionsMatch's WHERE puts them (null: none, they hold). */
  const wheres: (SQL | null)[] = [];
  const rules = rows.map((rule, index): RulePlan => {
    const hasChanges = rule.conditions.some((c) => c.filter_operator === ATTRIBUTE_CHANGED);
    const plan: RulePlan = { rule, index, parts: [], compileError: null, dependsOnNow: false, hasChanges };
    wheres.push(null);
    if (conditionsDependOnNow(rule.conditions)) return { ...plan, dependsOnNow: true };
    try {
      // `now` only matters to days_before, which is not planned.
      const parts = compileConditionParts(db, accountId, rule.conditions, 0);
      plan.parts = parts.map((p, j) => {
        if (!p.onMessage) return { onMessage: false, joinNext: p.joinNext, column: -1 };
        messageColumns.push(truthColumn(p.sql, `m${index}_${j}`));
        return { onMessage: true, joinNext: p.joinNext, column: messageColumns.length - 1 };
      });
      wheres[index] = whereOf(parts);
      return plan;
    } catch (err) {
      return { ...plan, parts: [], compileError: err };
    }
  });
  // A column per distinct WHERE (its SQL text and parameters).
  const columnByWhere = new Map<string, string>();
  const columnOf = wheres.map((w, i) => {
    const q = w ? dialect.sqlToQuery(w) : { sql: "1", params: [] };
    const key = JSON.stringify([q.sql, q.params]);
    if (!columnByWhere.has(key)) columnByWhere.set(key, `r${i}`);
    return columnByWhere.get(key)!;
  });
  /** A statement prepared once; each run binds the placeholders and returns its one row (by name, or as an array). */
  const prepare = (query: SQL) => {
    const { sql: text, params } = dialect.sqlToQuery(query);
    const statement = db.$client.prepare<Record<string, number | null>, any[]>(text);
    const bind = (values: Record<string, unknown>) => fillPlaceholders(params, values) as any[];
    return {
      get: (values: Record<string, unknown>) => statement.get(...bind(values)),
      values: (values: Record<string, unknown>) => statement.values(...bind(values))[0] as unknown as (number | null)[],
    };
  };
  const messageStatement = messageColumns.length ? prepare(sql`SELECT ${sql.join(messageColumns, sql`, `)}`) : null;
  // One statement per set of rules a job asks about (the message leaves few distinct sets undecided).
  const conversationStatements = new Map<string, ReturnType<typeof prepare>>();
  const conversationStatement = (asked: RulePlan[]) => {
    const key = asked.map((r) => r.index).join(",");
    let statement = conversationStatements.get(key);
    if (!statement) {
      // Rules with the same conditions share a column.
      const columns = [sql`1 AS "found"`];
      const seen = new Set<string>();
      for (const r of asked) {
        if (seen.has(columnOf[r.index]!)) continue;
        seen.add(columnOf[r.index]!);
        columns.push(sql`CASE WHEN ${wheres[r.index] ?? sql`1`} THEN 1 ELSE 0 END AS ${sql.identifier(columnOf[r.index]!)}`);
      }
      statement = prepare(
        sql`SELECT ${sql.join(columns, sql`, `)} FROM ${conversations} INNER JOIN ${contacts} ON ${contacts.id} = ${conversations.contact_id}
            WHERE ${conversations.id} = ${sql.placeholder("conversation_id")} AND ${conversations.account_id} = ${sql.placeholder("account_id")}`,
      );
      if (conversationStatements.size >= MAX_STATEMENTS) conversationStatements.clear();
      conversationStatements.set(key, statement);
    }
    return statement;
  };
  return {
    rules,
    evaluateMessage: (message) => (messageStatement ? toTruth(messageStatement.values(messagePlaceholderValues(message))) : []),
    matchConversation(conversationId, message, asked) {
      const row = conversationStatement(asked).get({ conversation_id: conversationId, account_id: accountId, ...messagePlaceholderValues(message) });
      return { found: !!row, holds: new Set(asked.filter((r) => row?.[columnOf[r.index]!] === 1).map((r) => r.index)) };
    },
  };
}

/** The parts joined as conditionsMatch joins the conditions: AND groups, ORed. */
function whereOf(parts: ConditionPart[]): SQL | null {
  if (!parts.length) return null;
  const groups: SQL[][] = [[]];
  for (const [i, p] of parts.entries()) {
    groups[groups.length - 1]!.push(p.sql);
    if (p.joinNext === "or" && i < parts.length - 1) groups.push([]);
  }
  const anded = groups.map((g) => (g.length === 1 ? g[0]! : and(...g)!));
  return anded.length === 1 ? anded[0]! : or(...anded)!;
}
