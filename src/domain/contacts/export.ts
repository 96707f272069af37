/**
 * CSV export of contacts (administrators, as Chatwoot's ContactPolicy#export?): the contacts a dashboard
 * browse selects, in id order, produced in chunks so a large account streams without being held in memory.
 * Cells follow RFC 4180 and are formula-safe (csv.ts).
 */
import { and, asc, eq, gt, inArray } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { contacts } from "../../db/schema/contacts.ts";
import { taggings } from "../../db/schema/labels.ts";
import { isAdministrator, type AccountScope } from "../accounts/access.ts";
import { Forbidden, Validation } from "../errors.ts";
import { browseCondition, type ContactBrowse } from "./browse.ts";
import { csvLine } from "./csv.ts";
import type { ContactRow } from "./serialize.ts";

export const EXPORT_COLUMNS = ["id", "name", "email", "phone_number", "identifier", "company", "city", "country", "labels", "created_at", "last_activity_at"] as const;
export type ExportColumn = (typeof EXPORT_COLUMNS)[number];
const CHUNK = 500;

export function assertCanExportContacts(scope: AccountScope): void {
  if (!isAdministrator(scope)) throw new Forbidden("Only administrators can export contacts");
}

function str(v: unknown): string {
  return typeof v === "string" || typeof v === "number" ? String(v) : "";
}

function cell(c: ContactRow, labels: string[], column: ExportColumn): unknown {
  const a = c.additional_attributes;
  switch (column) {
    case "company":
      return str(a.company_name ?? a.company);
    case "city":
      return str(a.city);
    case "country":
      return str(a.country ?? c.country_code ?? a.country_code);
    case "labels":
      return labels.join(",");
    case "created_at":
      return new Date(c.created_at).toISOString();
    case "last_activity_at":
      return c.last_activity_at != null ? new Date(c.last_activity_at).toISOString() : "";
    default:
      return c[column];
  }
}

/** The columns asked for (all when none); an unknown one is refused naming `field`. */
export function exportColumns(names: string[] | undefined, field = "column_names"): ExportColumn[] {
  if (!names || names.length === 0) return [...EXPORT_COLUMNS];
  const unknown = names.find((n) => !(EXPORT_COLUMNS as readonly string[]).includes(n));
  if (unknown !== undefined) throw Validation.field(field, `has an unknown column ${JSON.stringify(unknown.slice(0, 60))} (known: ${EXPORT_COLUMNS.join(", ")})`);
  return [...new Set(names)] as ExportColumn[];
}

/**
 * The export as CSV text pieces: the header, then one piece per chunk of CHUNK contacts. Authorization and
 * the browse's validation happen on the first call, before anything is produced.
 */
export function contactExportChunks(db: Db, scope: AccountScope, b: ContactBrowse, now: number, columns: readonly ExportColumn[] = EXPORT_COLUMNS): () => string | null {
  assertCanExportContacts(scope);
  const { condition } = browseCondition(scope, b, now, db);
  const accountId = scope.account.id;
  let last = 0;
  let started = false;
  let done = false;
  return () => {
    if (done) return null;
    if (!started) {
      started = true;
      return csvLine(columns);
    }
    const rows = db
      .select()
      .from(contacts)
      .where(and(eq(contacts.account_id, accountId), gt(contacts.id, last), condition))
      .orderBy(asc(contacts.id))
      .limit(CHUNK)
      .all();
    if (rows.length < CHUNK) done = true;
    if (rows.length === 0) return null;
    last = rows[rows.length - 1].id;
    const labels = new Map<number, string[]>();
    for (const t of db
      .select({ id: taggings.taggable_id, label: taggings.label })
      .from(taggings)
      .where(and(eq(taggings.account_id, accountId), eq(taggings.taggable_type, "Contact"), inArray(taggings.taggable_id, rows.map((r) => r.id))))
      .orderBy(asc(taggings.id))
      .all()) {
      labels.set(t.id, [...(labels.get(t.id) ?? []), t.label]);
    }
    return rows.map((r) => csvLine(columns.map((col) => cell(r, labels.get(r.id) ?? [], col)))).join("");
  };
}

/** The whole export as one string (the API's synchronous answer and tests). */
export function exportContactsCsv(db: Db, scope: AccountScope, b: ContactBrowse, now: number, columns: readonly ExportColumn[] = EXPORT_COLUMNS): string {
  const next = contactExportChunks(db, scope, b, now, columns);
  let out = "";
  for (let piece = next(); piece !== null; piece = next()) out += piece;
  return out;
}
