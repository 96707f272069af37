/**
 * RFC 4180 CSV for contact import and export: a parser that knows quoted fields (with "" escapes, commas and
 * line breaks inside), CRLF, LF or CR line ends and a UTF-8 byte-order mark; and a writer that quotes what
 * needs quoting and defuses spreadsheet formulas.
 */
import { Validation } from "../errors.ts";

/** One record of the file; `row` is its row number as a spreadsheet shows it (the header is row 1). */
export type CsvRecord = { row: number; fields: string[] };

/** Raised for a file that is not CSV at all (an unterminated quote); `row` is where the broken record starts. */
export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly row: number,
  ) {
    super(message);
  }
}

/**
 * Splits CSV text into records. Blank lines are skipped (they still count as rows); a quote in the middle of
 * an unquoted field is kept as text, as spreadsheets do.
 */
export function parseCsv(input: string): CsvRecord[] {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let row = 1;
  let recordRow = 1;
  let i = 0;
  const n = text.length;
  let atFieldStart = true;

  const endRecord = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === "")) records.push({ row: recordRow, fields });
    fields = [];
    field = "";
    atFieldStart = true;
  };

  while (i < n) {
    const ch = text[i];
    if (atFieldStart && ch === '"') {
      // A quoted field: runs to the next quote that is not doubled.
      i++;
      for (;;) {
        if (i >= n) throw new CsvSyntaxError(`row ${recordRow}: a quoted field is not closed`, recordRow);
        const q = text[i];
        if (q === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (q === "\r" || q === "\n") {
          row++;
          if (q === "\r" && text[i + 1] === "\n") {
            field += "\r\n";
            i += 2;
            continue;
          }
        }
        field += q;
        i++;
      }
      atFieldStart = false;
      continue;
    }
    if (ch === ",") {
      fields.push(field);
      field = "";
      atFieldStart = true;
      i++;
      continue;
    }
    if (ch === "\r" || ch === "\n") {
      endRecord();
      i += ch === "\r" && text[i + 1] === "\n" ? 2 : 1;
      row++;
      recordRow = row;
      continue;
    }
    field += ch;
    atFieldStart = false;
    i++;
  }
  if (field !== "" || fields.length > 0) endRecord();
  return records;
}

/** Cells a spreadsheet would run as a formula start with one of these; they get a leading single quote. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell: formulas defused, quoted when it holds a comma, a quote, a line break or edge spaces. */
export function csvCell(value: unknown): string {
  let s = value == null ? "" : typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV line (CRLF-terminated, as RFC 4180 asks). */
export function csvLine(values: readonly unknown[]): string {
  return values.map(csvCell).join(",") + "\r\n";
}

/** The header row of an import, normalized: trimmed, lower case, spaces as underscores; a file without one is refused. */
export function headerOf(records: CsvRecord[], field: string): string[] {
  const header = records[0]?.fields.map((h) => h.trim().toLowerCase().replace(/[\s-]+/g, "_"));
  if (!header || header.every((h) => h === "")) throw Validation.field(field, "must start with a header row (name, email, phone_number, …)");
  return header;
}
