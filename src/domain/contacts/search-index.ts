/**
 * Full-text index for GET /contacts/search: the FTS5 table `contact_search` (trigram tokenizer) over name,
 * email, phone number, identifier and company name, plus the account as a token, kept in step with `contacts`
 * by triggers (migrations/0001_contact_search.sql). A trigram phrase query is a case-insensitive substring
 * match (Chatwoot's ILIKE '%q%') that uses the index, so search stays in single-digit milliseconds over 100k
 * contacts where a LIKE scan takes ~80 ms (docs/decisions.md).
 */
export const CONTACT_SEARCH_TABLE = "contact_search";

/**
 * The FTS5 query for "contacts of this account whose searchable text contains `term`": the account token
 * and the term as a phrase (quotes doubled, so the user's text is always one literal string), the term
 * limited to the searchable columns. Requiring the account inside the index lets the count and the page
 * be answered without reading contact rows.
 */
export function accountMatch(accountId: number, term: string): string {
  return `account : "@@${accountId}@@" AND {name email phone_number identifier company} : "${term.replace(/"/g, '""')}"`;
}
