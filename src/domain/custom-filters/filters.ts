import { and, asc, count, eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { CUSTOM_FILTER_TYPES, customFilters, type CustomFilterType } from "../../db/schema/custom-attributes.ts";
import type { Tx } from "../../db/tx.ts";
import { isoTime } from "../../lib/clock.ts";
import type { AccountScope } from "../accounts/access.ts";
import { filterResourceFor } from "../custom-attributes/filtering.ts";
import { Forbidden, NotFound, Validation } from "../errors.ts";
import { compileFilter } from "../filters/engine.ts";

export type CustomFilterRow = typeof customFilters.$inferSelect;
export type CustomFilterInput = { name?: string | null; filter_type?: string | number | null; query?: unknown };

/** Chatwoot's limit: 50 saved views per user per account. */
export const MAX_CUSTOM_FILTERS = 50;

/** Saved views belong to a user; agent bots have none. */
function ownerOf(scope: AccountScope): number {
  if (scope.userId == null) throw new Forbidden();
  return scope.userId;
}

export function filterTypeOf(raw: string | number | null | undefined, field = "filter_type"): CustomFilterType {
  if (raw === null || raw === undefined || raw === "") return "conversation";
  if (typeof raw === "number" || /^\d+$/.test(raw)) {
    const at = Number(raw);
    if (Number.isInteger(at) && at >= 0 && at < CUSTOM_FILTER_TYPES.length) return CUSTOM_FILTER_TYPES[at];
  } else if ((CUSTOM_FILTER_TYPES as readonly string[]).includes(raw)) return raw as CustomFilterType;
  throw Validation.field(field, `must be one of ${CUSTOM_FILTER_TYPES.join(", ")}`);
}

/**
 * A saved query: an object whose `payload` is a filter payload the engine accepts for the type (errors name
 * `query.payload[i].…`). Report filters are kept as given (an object).
 */
function checkQuery(db: Db, accountId: number, type: CustomFilterType, query: unknown): Record<string, unknown> {
  if (query === null || typeof query !== "object" || Array.isArray(query)) throw Validation.field("query", "must be an object with a payload");
  const q = query as Record<string, unknown>;
  if (JSON.stringify(q).length > 100_000) throw Validation.field("query", "is too large");
  if (type === "report") return q;
  try {
    compileFilter(filterResourceFor(db, accountId, type), q.payload, { now: Date.now() });
  } catch (err) {
    if (err instanceof Validation) throw new Validation(err.errors.map((e) => ({ field: `query.${e.field}`, message: e.message })));
    throw err;
  }
  return q;
}

function checkName(raw: string | null | undefined): string {
  const name = (raw ?? "").trim();
  if (!name) throw Validation.field("name", "can't be blank");
  if (name.length > 255) throw Validation.field("name", "is too long (maximum is 255 characters)");
  return name;
}

export function listCustomFilters(db: Db, scope: AccountScope, type: CustomFilterType): CustomFilterRow[] {
  const t = customFilters;
  return db
    .select()
    .from(t)
    .where(and(eq(t.account_id, scope.account.id), eq(t.user_id, ownerOf(scope)), eq(t.filter_type, type)))
    .orderBy(asc(t.id))
    .all();
}

/** One of the user's own saved views; anybody else's is "not found". */
export function getCustomFilter(db: Db, scope: AccountScope, id: number): CustomFilterRow {
  const t = customFilters;
  const row = db
    .select()
    .from(t)
    .where(and(eq(t.id, id), eq(t.account_id, scope.account.id), eq(t.user_id, ownerOf(scope))))
    .get();
  if (!row) throw new NotFound("Custom filter");
  return row;
}

export function createCustomFilter(tx: Tx, scope: AccountScope, input: CustomFilterInput): CustomFilterRow {
  const userId = ownerOf(scope);
  const name = checkName(input.name);
  const filter_type = filterTypeOf(input.filter_type);
  const query = checkQuery(tx.db, scope.account.id, filter_type, input.query);
  const t = customFilters;
  const n = tx.db.select({ n: count() }).from(t).where(and(eq(t.account_id, scope.account.id), eq(t.user_id, userId))).get()!.n;
  if (n >= MAX_CUSTOM_FILTERS) throw Validation.field("custom_filter", `at most ${MAX_CUSTOM_FILTERS} saved views per user per account`);
  return tx.db
    .insert(t)
    .values({ account_id: scope.account.id, user_id: userId, name, filter_type, query, created_at: tx.now, updated_at: tx.now })
    .returning()
    .get();
}

export function updateCustomFilter(tx: Tx, scope: AccountScope, id: number, input: CustomFilterInput): CustomFilterRow {
  const current = getCustomFilter(tx.db, scope, id);
  const name = input.name !== undefined ? checkName(input.name) : current.name;
  const filter_type = input.filter_type !== undefined ? filterTypeOf(input.filter_type) : current.filter_type;
  const query = input.query !== undefined || filter_type !== current.filter_type ? checkQuery(tx.db, scope.account.id, filter_type, input.query ?? current.query) : current.query;
  return tx.db
    .update(customFilters)
    .set({ name, filter_type, query, updated_at: tx.now })
    .where(eq(customFilters.id, current.id))
    .returning()
    .get();
}

export function deleteCustomFilter(tx: Tx, scope: AccountScope, id: number): void {
  const current = getCustomFilter(tx.db, scope, id);
  tx.db.delete(customFilters).where(eq(customFilters.id, current.id)).run();
}

/** Chatwoot's custom_filter JSON (jbuilder partial). */
export function customFilterJson(f: CustomFilterRow) {
  return {
    id: f.id,
    name: f.name,
    filter_type: f.filter_type,
    query: f.query,
    created_at: isoTime(f.created_at),
    updated_at: isoTime(f.updated_at),
  };
}

/** The saved payload of one of the user's views, compiled for its type (what opening the view applies). */
export function savedViewCondition(db: Db, scope: AccountScope, id: number, kind: "conversation" | "contact", now: number) {
  const view = getCustomFilter(db, scope, id);
  if (view.filter_type !== kind) throw new NotFound("Custom filter");
  return { view, condition: compileFilter(filterResourceFor(db, scope.account.id, kind), (view.query as { payload?: unknown }).payload, { now }) };
}
