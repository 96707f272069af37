/**
 * CSV import of contacts (Chatwoot's DataImport of type "contacts"), for administrators. The upload is
 * checked and stored in `contact_imports` together with a `contacts.import` job, in one transaction; the job
 * reads the file and handles it in batches, each batch in its own transaction together with the import's
 * progress, counts and per-row errors. A batch that fails rolls back whole and is redone on the retry, so a
 * batch is applied exactly once however often the job runs. A row matching an existing contact by
 * identifier, email or phone number updates it; any other row creates one.
 */
import { and, asc, desc, eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { contactImportErrors, contactImports } from "../../db/schema/workspace.ts";
import { contacts } from "../../db/schema/contacts.ts";
import type { Tx } from "../../db/tx.ts";
import { enqueue } from "../../jobs/queue.ts";
import { isAdministrator, resolveAccountScope, type AccountScope } from "../accounts/access.ts";
import { Conflict, Forbidden, NotFound, Validation } from "../errors.ts";
import { findUser } from "../users/queries.ts";
import { createContact, updateContact, type ContactInput } from "./commands.ts";
import { CsvSyntaxError, headerOf, parseCsv, type CsvRecord } from "./csv.ts";

export const CONTACT_IMPORT_JOB = "contacts.import";
/** The largest file accepted (bytes). */
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
/** The most data rows one file may hold. */
export const MAX_IMPORT_ROWS = 50_000;
/** Rows written per transaction. */
export const IMPORT_BATCH_SIZE = 100;

export type ContactImportRow = typeof contactImports.$inferSelect;
export type ContactImportErrorRow = typeof contactImportErrors.$inferSelect;

/** Columns with a meaning of their own; any other column becomes a custom attribute. */
const KNOWN = ["name", "email", "phone_number", "identifier", "company", "company_name", "city", "country", "country_code", "blocked"] as const;
const ALIASES: Record<string, string> = { phone: "phone_number", mobile: "phone_number", company: "company_name" };
const KEYS = ["name", "email", "phone_number", "identifier"];

function assertCanImport(scope: AccountScope) {
  if (!isAdministrator(scope)) throw new Forbidden("Only administrators can import contacts");
}

function parseFile(text: string, field: string): { header: string[]; rows: CsvRecord[] } {
  let records: CsvRecord[];
  try {
    records = parseCsv(text);
  } catch (err) {
    if (err instanceof CsvSyntaxError) throw Validation.field(field, `is not valid CSV (${err.message})`);
    throw err;
  }
  const header = headerOf(records, field).map((h) => ALIASES[h] ?? h);
  if (!header.some((h) => KEYS.includes(h))) throw Validation.field(field, "needs a name, email, phone_number or identifier column");
  return { header, rows: records.slice(1) };
}

/**
 * Checks an uploaded file and queues its import. The file must be UTF-8 CSV with a header row and at most
 * MAX_IMPORT_ROWS rows; `field` names the form field in errors (import_file).
 */
export function startContactImport(tx: Tx, scope: AccountScope, file: { name: string; text: string; bytes: number }, field = "import_file"): ContactImportRow {
  assertCanImport(scope);
  if (file.bytes === 0 || file.text.trim() === "") throw Validation.field(field, "is empty");
  if (file.bytes > MAX_IMPORT_BYTES) throw Validation.field(field, `is too large (at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB)`);
  if (file.text.includes("\u0000")) throw Validation.field(field, "is not a text (CSV) file");
  const { rows } = parseFile(file.text, field);
  if (rows.length === 0) throw Validation.field(field, "has no rows under its header");
  if (rows.length > MAX_IMPORT_ROWS) throw Validation.field(field, `has more than ${MAX_IMPORT_ROWS} rows`);
  const row = tx.db
    .insert(contactImports)
    .values({
      account_id: scope.account.id,
      user_id: scope.userId,
      status: "pending",
      file_name: file.name.slice(0, 255) || "contacts.csv",
      data: file.text,
      total_rows: rows.length,
      created_at: tx.now,
      updated_at: tx.now,
    })
    .returning()
    .get();
  enqueue(tx, { kind: CONTACT_IMPORT_JOB, payload: { import_id: row.id }, idempotencyKey: `contact-import:${row.id}`, maxAttempts: 5 });
  return row;
}

export function getContactImport(db: Db, scope: AccountScope, importId: number): ContactImportRow {
  assertCanImport(scope);
  const row = db
    .select()
    .from(contactImports)
    .where(and(eq(contactImports.account_id, scope.account.id), eq(contactImports.id, importId)))
    .get();
  if (!row) throw new NotFound("Import");
  return row;
}

/** The account's latest imports, newest first (without their files). */
export function listContactImports(db: Db, scope: AccountScope, limit = 10) {
  assertCanImport(scope);
  return db
    .select({
      id: contactImports.id,
      status: contactImports.status,
      file_name: contactImports.file_name,
      total_rows: contactImports.total_rows,
      processed_rows: contactImports.processed_rows,
      created_count: contactImports.created_count,
      updated_count: contactImports.updated_count,
      failed_count: contactImports.failed_count,
      created_at: contactImports.created_at,
    })
    .from(contactImports)
    .where(eq(contactImports.account_id, scope.account.id))
    .orderBy(desc(contactImports.id))
    .limit(limit)
    .all();
}

/** The rejected rows of an import in file order (at most `limit`). */
export function contactImportErrorsOf(db: Db, importId: number, limit = 500): ContactImportErrorRow[] {
  return db.select().from(contactImportErrors).where(eq(contactImportErrors.import_id, importId)).orderBy(asc(contactImportErrors.row_number), asc(contactImportErrors.id)).limit(limit).all();
}

type RowError = { field: string | null; message: string };

/** A CSV row as contact attributes; blank cells are left out, so they never erase what a contact has. */
export function rowToInput(header: string[], fields: string[]): ContactInput | RowError {
  if (fields.length > header.length && fields.slice(header.length).some((f) => f.trim() !== "")) {
    return { field: null, message: `has ${fields.length} fields but the header has ${header.length}` };
  }
  const input: ContactInput = {};
  const additional: Record<string, unknown> = {};
  const custom: Record<string, unknown> = {};
  header.forEach((column, i) => {
    const value = (fields[i] ?? "").trim();
    if (!column || value === "") return;
    switch (column as (typeof KNOWN)[number]) {
      case "name":
      case "email":
      case "identifier":
        input[column as "name" | "email" | "identifier"] = value;
        return;
      case "phone_number":
        // Spreadsheets keep "+1 (555) 010-2000"; E.164 has no separators.
        input.phone_number = value.startsWith("+") ? value.replace(/[\s().-]/g, "") : value;
        return;
      case "company":
      case "company_name":
        additional.company_name = value;
        return;
      case "city":
      case "country":
      case "country_code":
        additional[column] = value;
        return;
      case "blocked":
        input.blocked = /^(true|yes|1)$/i.test(value);
        return;
      default:
        custom[column] = value;
    }
  });
  if (!input.name && !input.email && !input.phone_number && !input.identifier) {
    return { field: null, message: "needs a name, email, phone_number or identifier" };
  }
  if (Object.keys(additional).length) input.additional_attributes = additional;
  if (Object.keys(custom).length) input.custom_attributes = custom;
  return input;
}

/** The contact a row is about: the first match by identifier, then email, then phone number. */
function matchContact(tx: Tx, accountId: number, input: ContactInput): number | null {
  const by = [
    ["identifier", input.identifier],
    ["email", input.email?.toLowerCase()],
    ["phone_number", input.phone_number],
  ] as const;
  for (const [column, value] of by) {
    if (!value) continue;
    const hit = tx.db
      .select({ id: contacts.id })
      .from(contacts)
      .where(and(eq(contacts.account_id, accountId), eq(contacts[column], value)))
      .get();
    if (hit) return hit.id;
  }
  return null;
}

function rowErrorOf(err: unknown): RowError | null {
  if (err instanceof Validation) return { field: err.errors[0]?.field ?? null, message: err.errors[0]?.message ?? err.message };
  if (err instanceof Conflict) return { field: err.field ?? null, message: err.message };
  return null;
}

/**
 * Applies rows [from, from + size) and records the progress, in the caller's transaction. Returns false
 * when the import was already past `from` (a retry of a batch that committed): nothing is done twice.
 */
export function applyImportBatch(tx: Tx, scope: AccountScope, importId: number, header: string[], rows: CsvRecord[], from: number, size = IMPORT_BATCH_SIZE): boolean {
  const current = tx.db.select().from(contactImports).where(eq(contactImports.id, importId)).get();
  if (!current || current.processed_rows !== from) return false;
  let created = 0;
  let updated = 0;
  let failed = 0;
  const batch = rows.slice(from, from + size);
  for (const record of batch) {
    const input = rowToInput(header, record.fields);
    let problem: RowError | null = "message" in input ? (input as RowError) : null;
    if (!problem) {
      const contactInput = input as ContactInput;
      try {
        // Validation and uniqueness are checked before anything is written, so a refused row leaves no trace.
        const existing = matchContact(tx, scope.account.id, contactInput);
        if (existing) {
          updateContact(tx, scope, existing, contactInput);
          updated++;
        } else {
          createContact(tx, scope, { ...contactInput, name: contactInput.name ?? "" });
          created++;
        }
      } catch (err) {
        problem = rowErrorOf(err);
        if (!problem) throw err;
      }
    }
    if (problem) {
      failed++;
      tx.db.insert(contactImportErrors).values({ import_id: importId, row_number: record.row, field: problem.field, message: problem.message.slice(0, 500) }).run();
    }
  }
  tx.db
    .update(contactImports)
    .set({
      status: "running",
      processed_rows: from + batch.length,
      created_count: current.created_count + created,
      updated_count: current.updated_count + updated,
      failed_count: current.failed_count + failed,
      updated_at: tx.now,
    })
    .where(eq(contactImports.id, importId))
    .run();
  return true;
}

type ImportDeps = { db: Db; tx<T>(fn: (tx: Tx) => T): T };

function finish(deps: ImportDeps, importId: number, status: "completed" | "failed", error: string | null) {
  deps.tx((tx) =>
    tx.db
      .update(contactImports)
      .set({ status, error, data: null, completed_at: tx.now, updated_at: tx.now })
      .where(eq(contactImports.id, importId))
      .run(),
  );
}

/**
 * The `contacts.import` job: continues from the recorded progress, one transaction per batch, yielding to
 * the event loop between batches so the server keeps answering while a large file is imported.
 */
export async function runContactImport(deps: ImportDeps, importId: number, opts: { lastAttempt?: boolean } = {}): Promise<void> {
  try {
    await continueImport(deps, importId);
  } catch (err) {
    // The job retries with backoff; when it gives up, the import says so instead of staying "running".
    if (!opts.lastAttempt) throw err;
    finish(deps, importId, "failed", `The import stopped: ${err instanceof Error ? err.message.slice(0, 300) : "unexpected error"}`);
  }
}

async function continueImport(deps: ImportDeps, importId: number): Promise<void> {
  const row = deps.db.select().from(contactImports).where(eq(contactImports.id, importId)).get();
  if (!row || row.status === "completed" || row.status === "failed" || row.data === null) return;
  const user = row.user_id !== null ? findUser(deps.db, row.user_id) : undefined;
  let scope: AccountScope;
  try {
    if (!user) throw new Forbidden("The user who started the import no longer exists");
    scope = resolveAccountScope(deps.db, { type: "user", user, sessionId: null }, row.account_id);
    assertCanImport(scope);
  } catch (err) {
    if (err instanceof Forbidden || err instanceof NotFound) return finish(deps, importId, "failed", err.message);
    throw err;
  }
  let parsed: { header: string[]; rows: CsvRecord[] };
  try {
    parsed = parseFile(row.data, "import_file");
  } catch (err) {
    if (err instanceof Validation) return finish(deps, importId, "failed", `The file ${err.errors[0]?.message ?? "is invalid"}`);
    throw err;
  }
  let from = row.processed_rows;
  while (from < parsed.rows.length) {
    const at = from;
    deps.tx((tx) => applyImportBatch(tx, scope, importId, parsed.header, parsed.rows, at));
    from = deps.db.select({ n: contactImports.processed_rows }).from(contactImports).where(eq(contactImports.id, importId)).get()?.n ?? parsed.rows.length;
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  finish(deps, importId, "completed", null);
}
