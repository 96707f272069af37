import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { cannedResponses } from "../../db/schema/workspace.ts";
import { NotFound } from "../errors.ts";

export type CannedResponseRow = typeof cannedResponses.$inferSelect;

/** The most a reply-box lookup returns. */
export const CANNED_SEARCH_LIMIT = 10;

/** LIKE pattern matching `text` literally (`%`, `_` and the escape character itself escaped with `\`). */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

export function listCannedResponses(db: Db, accountId: number): CannedResponseRow[] {
  return db
    .select()
    .from(cannedResponses)
    .where(eq(cannedResponses.account_id, accountId))
    .orderBy(asc(cannedResponses.short_code), asc(cannedResponses.id))
    .all();
}

export function getCannedResponse(db: Db, accountId: number, id: number): CannedResponseRow {
  const row = db
    .select()
    .from(cannedResponses)
    .where(and(eq(cannedResponses.id, id), eq(cannedResponses.account_id, accountId)))
    .get();
  if (!row) throw new NotFound("Canned response");
  return row;
}

/**
 * Canned responses whose short code or content contains `query` (case-insensitive for ASCII, like Chatwoot's
 * ILIKE), ordered as Chatwoot's `order_by_search`: short code starting with the query first, then short code
 * containing it, then content containing it; ties by short code. `limit` null returns every match (API index).
 */
export function findCannedResponses(db: Db, accountId: number, query: string, limit: number | null): CannedResponseRow[] {
  const q = query.trim();
  if (!q) {
    const all = listCannedResponses(db, accountId);
    return limit === null ? all : all.slice(0, limit);
  }
  const lit = likeLiteral(q);
  const prefix = `${lit}%`;
  const contains = `%${lit}%`;
  const rank = sql<number>`CASE WHEN ${cannedResponses.short_code} LIKE ${prefix} ESCAPE '\\' THEN 0
    WHEN ${cannedResponses.short_code} LIKE ${contains} ESCAPE '\\' THEN 1 ELSE 2 END`;
  const base = db
    .select()
    .from(cannedResponses)
    .where(
      and(
        eq(cannedResponses.account_id, accountId),
        sql`(${cannedResponses.short_code} LIKE ${contains} ESCAPE '\\' OR ${cannedResponses.content} LIKE ${contains} ESCAPE '\\')`,
      ),
    )
    .orderBy(rank, asc(cannedResponses.short_code), asc(cannedResponses.id));
  return limit === null ? base.all() : base.limit(limit).all();
}

/**
 * The reply box's `/` lookup: at most 10 canned responses of the account, short codes starting with `query`
 * first, then short codes or content containing it. An empty query lists the first 10 by short code.
 */
export function searchCannedResponses(db: Db, accountId: number, query: string): { id: number; short_code: string; content: string }[] {
  return findCannedResponses(db, accountId, query, CANNED_SEARCH_LIMIT).map((r) => ({ id: r.id, short_code: r.short_code, content: r.content }));
}
