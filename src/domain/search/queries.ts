import { and, asc, desc, eq, sql, type SQL } from "drizzle-orm";
import { catchUpMessageSearch, MESSAGE_SEARCH_TABLE } from "./index-maintenance.ts";
import type { Db } from "../../db/client.ts";
import { contacts } from "../../db/schema/contacts.ts";
import { conversations, messages } from "../../db/schema/conversations.ts";
import type { AccountScope } from "../accounts/access.ts";
import { canViewContacts } from "../contacts/policy.ts";
import { accountMatch, CONTACT_SEARCH_TABLE } from "../contacts/search-index.ts";
import type { ContactRow, ConversationRow, MessageRow } from "../conversations/records.ts";
import { accessCondition, conversationAccess } from "../conversations/policy.ts";
import { Validation } from "../errors.ts";
import { queryTerms } from "./highlight.ts";

/** Chatwoot's search page size. */
export const SEARCH_PER_PAGE = 15;
export const SEARCH_TYPES = ["all", "conversations", "messages", "contacts"] as const;
export type SearchType = (typeof SEARCH_TYPES)[number];
/**
 * Conversations are found through the newest this-many matching messages and the first this-many matching contacts:
 * a word in half the messages would otherwise make every conversation search read them all. The Messages
 * and Contacts results have no such cap.
 */
export const CANDIDATE_CAP = 500;
export const MAX_QUERY_LENGTH = 200;

export type Found<T> = { rows: T[]; page: number; hasMore: boolean };
export type SearchResult = {
  query: string;
  /** The words the message index was asked for (folded); the view highlights them. */
  terms: string[];
  conversations?: Found<ConversationRow>;
  messages?: Found<MessageRow & { display_id: number }>;
  contacts?: Found<ContactRow>;
};

/**
 * The FTS5 query for "every word": each word quoted (quotes doubled) so the user's text is always literal and
 * never FTS syntax. Whole words, not prefixes: without a prefix index a prefix query merges the doclists of
 * every matching term before returning the first row (12 ms for a word in 5 % of 1M messages, against 0.5 ms
 * for the word itself). Null when the text has no word characters.
 */
export function messageMatch(terms: string[]): string | null {
  if (!terms.length) return null;
  return terms.map((t) => `"${t.replace(/"/g, '""')}"`).join(" ");
}

/** Contact fields are matched as substrings through the trigram index, which needs three characters. */
export const MIN_CONTACT_QUERY = 3;

function pageOf<T>(rows: T[], page: number): Found<T> {
  return { rows: rows.slice(0, SEARCH_PER_PAGE), page, hasMore: rows.length > SEARCH_PER_PAGE };
}

/**
 * Global search of one account as the actor sees it: conversations (display id, contact name, email, phone
 * number, identifier or company — queries of three characters or more —, message text as whole words), messages (text, newest first) and contacts. Conversations
 * and messages are limited by the same rule as the conversation list (policy.ts); contacts (name, email, phone number,
 * identifier or company, by id) follow the contacts list's permission. Pages of 15; `hasMore` says whether another page exists.
 */
export function search(db: Db, scope: AccountScope, q: string, opts: { type?: SearchType; page?: number } = {}): SearchResult {
  const query = q.trim();
  if (!query) throw Validation.field("q", "can't be blank");
  if (query.length > MAX_QUERY_LENGTH) throw Validation.field("q", `is too long (maximum is ${MAX_QUERY_LENGTH} characters)`);
  const type = opts.type ?? "all";
  const page = opts.page ?? 1;
  if (!Number.isSafeInteger(page) || page < 1 || page > 10_000) throw Validation.field("page", "must be a positive number");
  const terms = queryTerms(query);
  const result: SearchResult = { query, terms };
  // Messages written since the last catch-up are indexed first, so a search never misses them.
  if (type !== "contacts") catchUpMessageSearch(db);
  const access = conversationAccess(db, scope);
  const visible = accessCondition(access);
  if (type === "all" || type === "conversations") result.conversations = searchConversations(db, scope.account.id, visible, query, terms, page);
  if (type === "all" || type === "messages") result.messages = searchMessages(db, scope.account.id, visible, terms, page);
  if (type === "all" || type === "contacts") result.contacts = findContacts(db, scope, query, page);
  return result;
}

function searchConversations(db: Db, accountId: number, visible: SQL | undefined, query: string, terms: string[], page: number): Found<ConversationRow> {
  // Candidates first (each way an index lookup, capped), then the visible ones among them sorted by activity:
  // walking the activity index and testing every conversation against the matches was 10x slower for agents.
  const ways: SQL[] = [];
  const digits = query.replace(/^#/, "");
  if (/^\d{1,15}$/.test(digits)) {
    ways.push(sql`SELECT ${conversations.id} FROM ${conversations} WHERE ${conversations.account_id} = ${accountId} AND ${conversations.display_id} = ${Number(digits)}`);
  }
  if ([...query].length >= MIN_CONTACT_QUERY) {
    const table = sql.identifier(CONTACT_SEARCH_TABLE);
    ways.push(
      sql`SELECT ${conversations.id} FROM ${conversations} WHERE ${conversations.contact_id} IN (SELECT rowid FROM ${table} WHERE ${table} MATCH ${accountMatch(accountId, query)} LIMIT ${CANDIDATE_CAP})`,
    );
  }
  const match = messageMatch(terms);
  if (match) {
    const table = sql.identifier(MESSAGE_SEARCH_TABLE);
    // The newest matching messages come straight from the index in rowid order; only those are joined.
    ways.push(
      sql`SELECT m.conversation_id FROM (SELECT rowid AS id FROM ${table} WHERE ${table} MATCH ${match} ORDER BY rowid DESC LIMIT ${CANDIDATE_CAP}) AS hit CROSS JOIN ${messages} AS m ON m.id = hit.id WHERE m.account_id = ${accountId}`,
    );
  }
  if (!ways.length) return { rows: [], page, hasMore: false };
  const rows = db
    .select()
    .from(conversations)
    .where(and(sql`${conversations.id} IN (${sql.join(ways, sql` UNION `)})`, sql`+${conversations.account_id} = ${accountId}`, visible))
    .orderBy(desc(conversations.last_activity_at), desc(conversations.id))
    .limit(SEARCH_PER_PAGE + 1)
    .offset((page - 1) * SEARCH_PER_PAGE)
    .all();
  return pageOf(rows, page);
}

function searchMessages(db: Db, accountId: number, visible: SQL | undefined, terms: string[], page: number): Found<MessageRow & { display_id: number }> {
  const match = messageMatch(terms);
  if (!match) return { rows: [], page, hasMore: false };
  const table = sql.identifier(MESSAGE_SEARCH_TABLE);
  // CROSS JOIN keeps the index as the outer loop, walked newest first, so a page stops after 16 visible hits.
  const rows = db.all<MessageRow & { display_id: number }>(sql`
    SELECT ${messages}.*, ${conversations.display_id} AS display_id
    FROM ${table} CROSS JOIN ${messages} ON ${messages.id} = ${table}.rowid
    CROSS JOIN ${conversations} ON ${conversations.id} = ${messages.conversation_id}
    WHERE ${table} MATCH ${match} AND ${messages.account_id} = ${accountId} AND ${conversations.account_id} = ${accountId}
      ${visible ? sql`AND ${visible}` : sql``}
    ORDER BY ${table}.rowid DESC
    LIMIT ${SEARCH_PER_PAGE + 1} OFFSET ${(page - 1) * SEARCH_PER_PAGE}`);
  return pageOf(rows.map(fixJsonColumns), page);
}

/** Raw rows carry JSON columns as text and booleans as 0/1; give them the shape Drizzle selects return. */
function fixJsonColumns(r: MessageRow & { display_id: number }): MessageRow & { display_id: number } {
  const json = (v: unknown) => (typeof v === "string" ? (JSON.parse(v) as Record<string, unknown>) : (v as Record<string, unknown>));
  return {
    ...r,
    private: Boolean(r.private),
    content_attributes: json(r.content_attributes),
    external_source_ids: json(r.external_source_ids),
    additional_attributes: json(r.additional_attributes),
  };
}

function findContacts(db: Db, scope: AccountScope, query: string, page: number): Found<ContactRow> {
  if (!canViewContacts(scope) || [...query].length < MIN_CONTACT_QUERY) return { rows: [], page, hasMore: false };
  // The page's ids straight from the trigram index in id order (a trigram phrase walked backwards costs ~3x),
  // without counting every match.
  const table = sql.identifier(CONTACT_SEARCH_TABLE);
  const accountId = scope.account.id;
  const ids = sql`SELECT rowid FROM ${table} WHERE ${table} MATCH ${accountMatch(accountId, query)} ORDER BY rowid LIMIT ${SEARCH_PER_PAGE + 1} OFFSET ${(page - 1) * SEARCH_PER_PAGE}`;
  const rows = db
    .select()
    .from(contacts)
    .where(and(sql`${contacts.id} IN (${ids})`, eq(contacts.account_id, accountId)))
    .orderBy(asc(contacts.id))
    .all();
  return pageOf(rows, page);
}


/** The first message of each conversation (Chatwoot's search shows `conversation.messages.first`). */
export function firstMessages(db: Db, rows: ConversationRow[]): Map<number, MessageRow & { display_id: number }> {
  const out = new Map<number, MessageRow & { display_id: number }>();
  for (const c of rows) {
    const m = db.select().from(messages).where(eq(messages.conversation_id, c.id)).orderBy(messages.id).limit(1).get();
    if (m) out.set(c.id, { ...m, display_id: c.display_id });
  }
  return out;
}
