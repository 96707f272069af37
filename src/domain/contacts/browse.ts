/**
 * The dashboard's contacts list: search and filters together, kept in the URL. Without a search or a filter
 * it is GET /contacts (resolved contacts only); a search goes through the trigram index like
 * GET /contacts/search; label and "created since" go through the contact filter engine of POST
 * /contacts/filter. The same condition feeds the CSV export.
 */
import { and, ne, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { contacts } from "../../db/schema/contacts.ts";
import type { AccountScope } from "../accounts/access.ts";
import { Validation } from "../errors.ts";
import { compileFilter } from "../filters/engine.ts";
import { contactFilterResource } from "./filter.ts";
import { assertCanViewContacts } from "./policy.ts";
import { likeAny, page, type ContactPage } from "./queries.ts";
import { accountMatch, CONTACT_SEARCH_TABLE } from "./search-index.ts";
import { filterResourceFor } from "../custom-attributes/filtering.ts";

export type ContactBrowse = {
  q?: string;
  hasEmail?: boolean;
  hasPhone?: boolean;
  label?: string;
  /** YYYY-MM-DD: created on or after that day (UTC). */
  createdSince?: string;
  /** A country code (DE) or name (Germany), case-insensitive. */
  country?: string;
  /** A Chatwoot filter payload (POST /contacts/filter's), for the export API. */
  payload?: unknown;
};

const DAY_MS = 86_400_000;

export function isFiltered(b: ContactBrowse): boolean {
  return Boolean(b.q || b.hasEmail || b.hasPhone || b.label || b.createdSince || b.country || b.payload !== undefined);
}

/** The WHERE condition (besides the account) of a browse; `byCondition` when a search narrows the rows. */
export function browseCondition(scope: AccountScope, b: ContactBrowse, now: number, db?: Db): { condition: SQL | undefined; byCondition: boolean } {
  assertCanViewContacts(scope);
  const accountId = scope.account.id;
  const parts: (SQL | undefined)[] = [];
  const term = b.q?.trim() ?? "";
  if (term) {
    const numericId = /^\d{1,15}$/.test(term) ? Number(term) : null;
    if ([...term].length < 3) parts.push(likeAny(term, numericId));
    else {
      const table = sql.identifier(CONTACT_SEARCH_TABLE);
      parts.push(
        sql`${contacts.id} IN (SELECT rowid FROM ${table} WHERE ${table} MATCH ${accountMatch(accountId, term)}${
          numericId !== null ? sql` UNION SELECT ${numericId}` : sql``
        })`,
      );
    }
  }
  const engine: unknown[] = [];
  if (b.label) engine.push({ attribute_key: "labels", filter_operator: "equal_to", values: [b.label] });
  if (b.createdSince) {
    const day = Date.parse(`${b.createdSince}T00:00:00Z`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(b.createdSince) || Number.isNaN(day)) throw Validation.field("created_since", "must be a date (YYYY-MM-DD)");
    // The engine's is_greater_than D means "from the day after D".
    engine.push({ attribute_key: "created_at", filter_operator: "is_greater_than", values: [new Date(day - DAY_MS).toISOString().slice(0, 10)] });
  }
  if (b.payload !== undefined) parts.push(compileFilter(db ? filterResourceFor(db, accountId, "contact") : contactFilterResource, b.payload, { now }));
  if (engine.length) parts.push(compileFilter(contactFilterResource, engine.map((c) => ({ ...(c as object), query_operator: "and" })), { now }));
  if (b.hasEmail) parts.push(sql`coalesce(${contacts.email}, '') <> ''`);
  if (b.hasPhone) parts.push(sql`coalesce(${contacts.phone_number}, '') <> ''`);
  if (b.country) {
    const v = b.country.trim().toLowerCase();
    parts.push(
      sql`(lower(coalesce(${contacts.country_code}, json_extract(${contacts.additional_attributes}, '$.country_code'), '')) = ${v} OR lower(coalesce(json_extract(${contacts.additional_attributes}, '$.country'), '')) = ${v})`,
    );
  }
  // Nothing asked: the list of GET /contacts, which leaves anonymous visitors out.
  if (!isFiltered(b)) parts.push(or(ne(contacts.email, ""), ne(contacts.phone_number, ""), ne(contacts.identifier, "")));
  return { condition: and(...parts), byCondition: Boolean(term) };
}

/** One page of the dashboard list (15 rows, Chatwoot's page size) and the total. */
export function browseContacts(db: Db, scope: AccountScope, b: ContactBrowse, p: { page: number; sort?: string; now: number }): ContactPage {
  const { condition, byCondition } = browseCondition(scope, b, p.now, db);
  return page(db, scope.account.id, condition, { page: p.page, sort: p.sort }, byCondition ? "condition" : "account_index");
}
