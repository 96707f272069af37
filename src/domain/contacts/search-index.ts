import type { Database } from "bun:sqlite";

/**
 * Full-text index for GET /contacts/search: an FTS5 table with the trigram tokenizer over name, email,
 * phone number, identifier and company name (plus the account as a token), kept in step with `contacts` by triggers. A trigram phrase
 * query is a case-insensitive substring match (Chatwoot's ILIKE '%q%') that uses the index, so search stays
 * in single-digit milliseconds over 100k contacts where a LIKE scan takes ~80 ms (docs/decisions.md).
 *
 * Drizzle's schema cannot express virtual tables or triggers, and the one generated migration is rebuilt
 * from the schema, so the index is created here, idempotently, the first time a database handle searches:
 * CREATE … IF NOT EXISTS, and a rebuild from `contacts` only when the table did not exist yet. From then on
 * the triggers (stored in the database file) keep it current for every writer.
 */
export const CONTACT_SEARCH_TABLE = "contact_search";

/** The account column's value: a token of its own, so a MATCH can require it (see accountMatch). */
const ACCOUNT = (row: "new" | "c") => `'@@' || ${row}.account_id || '@@'`;
const COMPANY = (row: "new" | "c") =>
  `CASE WHEN json_valid(${row}.additional_attributes) THEN json_extract(${row}.additional_attributes, '$.company_name') END`;
const COLUMNS = "rowid, account, name, email, phone_number, identifier, company";
const VALUES = (row: "new" | "c") => `${row}.id, ${ACCOUNT(row)}, ${row}.name, ${row}.email, ${row}.phone_number, ${row}.identifier, ${COMPANY(row)}`;

const DDL = [
  // A first version (contacts_search, without the account column) lived here briefly; drop it if present.
  "DROP TRIGGER IF EXISTS contacts_search_ai",
  "DROP TRIGGER IF EXISTS contacts_search_ad",
  "DROP TRIGGER IF EXISTS contacts_search_au",
  "DROP TABLE IF EXISTS contacts_search",
  `CREATE VIRTUAL TABLE ${CONTACT_SEARCH_TABLE} USING fts5(account, name, email, phone_number, identifier, company, tokenize = 'trigram remove_diacritics 1')`,
  `CREATE TRIGGER IF NOT EXISTS contact_search_ai AFTER INSERT ON contacts BEGIN
     INSERT INTO ${CONTACT_SEARCH_TABLE}(${COLUMNS}) VALUES (${VALUES("new")});
   END`,
  `CREATE TRIGGER IF NOT EXISTS contact_search_ad AFTER DELETE ON contacts BEGIN
     DELETE FROM ${CONTACT_SEARCH_TABLE} WHERE rowid = old.id;
   END`,
  `CREATE TRIGGER IF NOT EXISTS contact_search_au AFTER UPDATE OF account_id, name, email, phone_number, identifier, additional_attributes ON contacts BEGIN
     DELETE FROM ${CONTACT_SEARCH_TABLE} WHERE rowid = old.id;
     INSERT INTO ${CONTACT_SEARCH_TABLE}(${COLUMNS}) VALUES (${VALUES("new")});
   END`,
  `INSERT INTO ${CONTACT_SEARCH_TABLE}(${COLUMNS}) SELECT ${VALUES("c")} FROM contacts c`,
];

/**
 * The FTS5 query for "contacts of this account whose searchable text contains `term`": the account token
 * and the term as a phrase (quotes doubled, so the user's text is always one literal string), the term
 * limited to the searchable columns. Requiring the account inside the index lets the count and the page
 * be answered without reading contact rows.
 */
export function accountMatch(accountId: number, term: string): string {
  return `account : "@@${accountId}@@" AND {name email phone_number identifier company} : "${term.replace(/"/g, '""')}"`;
}

const ready = new WeakSet<Database>();

/** Creates the search table, its triggers and its initial content once per database (idempotent). */
export function ensureContactSearchIndex(sqlite: Database): void {
  if (ready.has(sqlite)) return;
  const exists = () => Boolean(sqlite.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(CONTACT_SEARCH_TABLE));
  if (!exists()) {
    const own = !sqlite.inTransaction;
    if (own) sqlite.exec("BEGIN IMMEDIATE");
    try {
      // Checked again under the write lock: another connection may have built it meanwhile.
      if (!exists()) for (const statement of DDL) sqlite.exec(statement);
      if (own) sqlite.exec("COMMIT");
    } catch (err) {
      if (own && sqlite.inTransaction) sqlite.exec("ROLLBACK");
      throw err;
    }
  }
  ready.add(sqlite);
}
