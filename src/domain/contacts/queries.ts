import { and, asc, desc, eq, inArray, isNotNull, ne, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { channelKindOf } from "../../channels/registry.ts";
import { contact_inboxes, contacts, notes } from "../../db/schema/contacts.ts";
import { conversations } from "../../db/schema/conversations.ts";
import { taggings } from "../../db/schema/labels.ts";
import type { AccountScope } from "../accounts/access.ts";
import { accessCondition, conversationAccess } from "../conversations/policy.ts";
import { NotFound, Validation } from "../errors.ts";
import { compileFilter } from "../filters/engine.ts";
import { inboxesByIds, listInboxes, type InboxWithChannel } from "../inboxes/queries.ts";
import { assertCanViewContacts } from "./policy.ts";
import { accountMatch, CONTACT_SEARCH_TABLE } from "./search-index.ts";
import type { ContactInboxView, ContactRow, NoteRow } from "./serialize.ts";
import { filterResourceFor } from "../custom-attributes/filtering.ts";

/** Chatwoot's RESULTS_PER_PAGE for contacts. */
export const CONTACTS_PER_PAGE = 15;

/** `sort` values of the contacts list, search and filter (a leading "-" sorts descending). */
const SORTS: Record<string, SQL> = {
  name: sql`${contacts.name}`,
  email: sql`${contacts.email}`,
  phone_number: sql`${contacts.phone_number}`,
  last_activity_at: sql`${contacts.last_activity_at}`,
  created_at: sql`${contacts.created_at}`,
  company_name: sql`json_extract(${contacts.additional_attributes}, '$.company_name')`,
  city: sql`json_extract(${contacts.additional_attributes}, '$.city')`,
  country: sql`json_extract(${contacts.additional_attributes}, '$.country')`,
};
export const SORT_VALUES = Object.keys(SORTS).flatMap((k) => [k, `-${k}`]);

export type PageParams = { page: number; sort?: string };
export type ContactPage = { rows: ContactRow[]; count: number; page: number };

function orderBy(sort: string | undefined): SQL[] {
  if (!sort) return [asc(contacts.id)];
  const descending = sort.startsWith("-");
  const expr = SORTS[descending ? sort.slice(1) : sort];
  if (!expr) throw Validation.field("sort", `must be one of: ${SORT_VALUES.join(", ")}`);
  return [descending ? sql`${expr} DESC NULLS LAST` : sql`${expr} ASC NULLS LAST`, asc(contacts.id)];
}

/**
 * One page plus the total. With rowsBy "condition" the rows are found through the condition (the search
 * index hands over row ids) instead of the account index. The count takes the account condition as `+account_id` (no index): counting
 * through the account index would fetch every row by a random seek, which is ~10x slower than one
 * sequential pass over the table once other columns must be read.
 */
export function page(db: Db, accountId: number, condition: SQL | undefined, p: PageParams, rowsBy: "account_index" | "condition" = "account_index"): ContactPage {
  // Without a sort the order is the id: a walk of the table in rowid order stops after one page, where the
  // account index would have to collect and sort every contact of the account first.
  const viaIndex = rowsBy === "account_index" && p.sort !== undefined;
  const account = viaIndex ? eq(contacts.account_id, accountId) : sql`+${contacts.account_id} = ${accountId}`;
  const rows = db
    .select()
    .from(contacts)
    .where(and(account, condition))
    .orderBy(...orderBy(p.sort))
    .limit(CONTACTS_PER_PAGE)
    .offset((p.page - 1) * CONTACTS_PER_PAGE)
    .all();
  const count = rows.length < CONTACTS_PER_PAGE && (p.page === 1 || rows.length > 0)
    ? (p.page - 1) * CONTACTS_PER_PAGE + rows.length
    : (db.select({ n: sql<number>`count(*)` }).from(contacts).where(and(sql`+${contacts.account_id} = ${accountId}`, condition)).get()?.n ?? 0);
  return { rows, count, page: p.page };
}

/** A contact of the account; another account's or an unknown id is "not found". */
export function getContact(db: Db, accountId: number, contactId: number): ContactRow {
  const row = db
    .select()
    .from(contacts)
    .where(and(eq(contacts.account_id, accountId), eq(contacts.id, contactId)))
    .get();
  if (!row) throw new NotFound("Contact");
  return row;
}

export function getVisibleContact(db: Db, scope: AccountScope, contactId: number): ContactRow {
  assertCanViewContacts(scope);
  return getContact(db, scope.account.id, contactId);
}

/**
 * GET /contacts: Chatwoot lists "resolved" contacts only — those with an email, a phone number or an
 * identifier — so anonymous widget visitors do not flood the list; optionally only those with any of
 * the given labels.
 */
export function listContacts(db: Db, scope: AccountScope, p: PageParams & { labels?: string[] }): ContactPage {
  assertCanViewContacts(scope);
  const resolved = or(ne(contacts.email, ""), ne(contacts.phone_number, ""), ne(contacts.identifier, ""));
  const labelled = p.labels?.length
    ? sql`EXISTS (SELECT 1 FROM ${taggings} WHERE ${taggings.taggable_type} = 'Contact' AND ${taggings.taggable_id} = ${contacts.id} AND ${taggings.label} IN (${sql.join(
        p.labels.map((l) => sql`${l}`),
        sql`, `,
      )}))`
    : undefined;
  return page(db, scope.account.id, and(resolved, labelled), p);
}

/**
 * GET /contacts/search?q=: a substring of name, email, phone number, identifier or company name (and the
 * contact id when q is a number). Queries of three characters or more go through the trigram index, which
 * also answers the count; shorter ones scan with LIKE.
 */
export function searchContacts(db: Db, scope: AccountScope, q: string, p: PageParams): ContactPage {
  assertCanViewContacts(scope);
  const term = q.trim();
  if (!term) throw Validation.field("q", "Specify search string with parameter q");
  const accountId = scope.account.id;
  const numericId = /^\d{1,15}$/.test(term) ? Number(term) : null;
  if ([...term].length < 3) return page(db, accountId, likeAny(term, numericId), p, "condition");

  const table = sql.identifier(CONTACT_SEARCH_TABLE);
  const matched = sql`SELECT rowid AS id FROM ${table} WHERE ${table} MATCH ${accountMatch(accountId, term)}${
    numericId !== null ? sql` UNION SELECT ${contacts.id} FROM ${contacts} WHERE ${contacts.id} = ${numericId} AND ${contacts.account_id} = ${accountId}` : sql``
  }`;
  const inAccount = sql`+${contacts.account_id} = ${accountId}`;
  const offset = (p.page - 1) * CONTACTS_PER_PAGE;
  // Default order (id): the page's ids come straight from the index; a sort has to look at every match.
  const rows = p.sort
    ? db.select().from(contacts).where(and(inAccount, sql`${contacts.id} IN (${matched})`)).orderBy(...orderBy(p.sort)).limit(CONTACTS_PER_PAGE).offset(offset).all()
    : db
        .select()
        .from(contacts)
        .where(and(inAccount, sql`${contacts.id} IN (SELECT id FROM (${matched}) ORDER BY id LIMIT ${CONTACTS_PER_PAGE} OFFSET ${offset})`))
        .orderBy(asc(contacts.id))
        .all();
  const count = db.select({ n: sql<number>`count(*)` }).from(sql`(${matched})`).get()?.n ?? 0;
  return { rows, count, page: p.page };
}

export function likeAny(term: string, numericId: number | null): SQL {
  const pattern = `%${term.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  const like = (col: SQL) => sql`${col} LIKE ${pattern} ESCAPE '\\'`;
  return or(
    like(sql`${contacts.name}`),
    like(sql`${contacts.email}`),
    like(sql`${contacts.phone_number}`),
    like(sql`${contacts.identifier}`),
    like(sql`json_extract(${contacts.additional_attributes}, '$.company_name')`),
    numericId !== null ? eq(contacts.id, numericId) : undefined,
  )!;
}

/** POST /contacts/filter with Chatwoot's filter payload (see src/domain/filters/engine.ts). */
export function filterContacts(db: Db, scope: AccountScope, payload: unknown, p: PageParams & { now: number }): ContactPage {
  assertCanViewContacts(scope);
  const condition = compileFilter(filterResourceFor(db, scope.account.id, "contact"), payload, { now: p.now });
  return page(db, scope.account.id, condition, p);
}

/** The contact_inboxes of the given contacts with their inboxes, for rendering (one query each). */
export function contactInboxesFor(db: Db, accountId: number, contactIds: number[]): Map<number, ContactInboxView[]> {
  const result = new Map<number, ContactInboxView[]>(contactIds.map((id) => [id, []]));
  if (contactIds.length === 0) return result;
  const rows = db
    .select()
    .from(contact_inboxes)
    .where(inArray(contact_inboxes.contact_id, [...new Set(contactIds)]))
    .orderBy(asc(contact_inboxes.id))
    .all();
  const inboxes = inboxesByIds(
    db,
    accountId,
    rows.map((r) => r.inbox_id),
  );
  for (const contactInbox of rows) {
    const inbox = inboxes.get(contactInbox.inbox_id);
    if (inbox) result.get(contactInbox.contact_id)?.push({ contactInbox, inbox });
  }
  return result;
}

/**
 * GET /contacts/:id/contactable_inboxes: every inbox of the account the actor may see through which the
 * contact can be reached, with the source_id to use (the channel decides: the API channel offers the
 * latest session or a fresh id).
 */
export function contactableInboxes(db: Db, scope: AccountScope, contactId: number): { inbox: InboxWithChannel; source_id: string }[] {
  const contact = getVisibleContact(db, scope, contactId);
  const sessions = db
    .select({ inbox_id: contact_inboxes.inbox_id, source_id: contact_inboxes.source_id })
    .from(contact_inboxes)
    .where(eq(contact_inboxes.contact_id, contact.id))
    .orderBy(asc(contact_inboxes.id))
    .all();
  const latest = new Map(sessions.map((s) => [s.inbox_id, s.source_id]));
  const result: { inbox: InboxWithChannel; source_id: string }[] = [];
  // listInboxes is already narrowed to the inboxes the actor may see (InboxPolicy#show?).
  for (const inbox of listInboxes(db, scope)) {
    const kind = channelKindOf(inbox.channel.channel_type);
    const sourceId = kind?.contactableSourceId({ contact, latestSourceId: latest.get(inbox.inbox.id) ?? null });
    if (sourceId) result.push({ inbox, source_id: sourceId });
  }
  return result;
}

/**
 * GET /contacts/:id/conversations: the contact's conversations the actor may see (the conversations
 * area's access rule), most recently active first, at most 20 (Chatwoot's limit).
 */
export function contactConversations(db: Db, scope: AccountScope, contactId: number) {
  const contact = getVisibleContact(db, scope, contactId);
  return db
    .select()
    .from(conversations)
    .where(and(eq(conversations.account_id, scope.account.id), eq(conversations.contact_id, contact.id), accessCondition(conversationAccess(db, scope))))
    .orderBy(desc(conversations.last_activity_at), desc(conversations.id))
    .limit(20)
    .all();
}

/** The contact's labels (Chatwoot's label_list), in the order they were added. */
export function contactLabels(db: Db, scope: AccountScope, contactId: number): string[] {
  const contact = getVisibleContact(db, scope, contactId);
  return labelsOf(db, scope.account.id, contact.id);
}

export function labelsOf(db: Db, accountId: number, contactId: number): string[] {
  return db
    .select({ label: taggings.label })
    .from(taggings)
    .where(and(eq(taggings.account_id, accountId), eq(taggings.taggable_type, "Contact"), eq(taggings.taggable_id, contactId)))
    .orderBy(asc(taggings.id))
    .all()
    .map((r) => r.label);
}

/** The contact's notes, newest first. */
export function listNotes(db: Db, scope: AccountScope, contactId: number): NoteRow[] {
  const contact = getVisibleContact(db, scope, contactId);
  return db
    .select()
    .from(notes)
    .where(and(eq(notes.account_id, scope.account.id), eq(notes.contact_id, contact.id)))
    .orderBy(desc(notes.created_at), desc(notes.id))
    .all();
}

export function getNote(db: Db, scope: AccountScope, contactId: number, noteId: number): NoteRow {
  const contact = getVisibleContact(db, scope, contactId);
  const row = db
    .select()
    .from(notes)
    .where(and(eq(notes.account_id, scope.account.id), eq(notes.contact_id, contact.id), eq(notes.id, noteId)))
    .get();
  if (!row) throw new NotFound("Note");
  return row;
}

/** Whether another contact of the account already uses this value for a unique attribute. */
export function takenBy(db: Db, accountId: number, column: "email" | "identifier" | "phone_number", value: string, exceptId?: number): boolean {
  const col = contacts[column];
  return Boolean(
    db
      .select({ id: contacts.id })
      .from(contacts)
      .where(and(eq(contacts.account_id, accountId), eq(col, value), isNotNull(col), exceptId ? ne(contacts.id, exceptId) : undefined))
      .get(),
  );
}
