import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { contactImports } from "../../db/schema/workspace.ts";
import { enqueue } from "../../jobs/queue.ts";
import { createAdmin, createAgent, startTestServer, type TestServer } from "../../testing/server.ts";
import { resolveAccountScope, type AccountScope } from "../accounts/access.ts";
import { Forbidden, Validation } from "../errors.ts";
import { findUser } from "../users/queries.ts";
import { csvCell, csvLine, CsvSyntaxError, parseCsv } from "./csv.ts";
import { exportContactsCsv } from "./export.ts";
import { applyImportBatch, CONTACT_IMPORT_JOB, contactImportErrorsOf, getContactImport, rowToInput, runContactImport, startContactImport } from "./import.ts";
import { getContact } from "./queries.ts";

describe("parseCsv", () => {
  test("quoted fields keep commas, doubled quotes and line breaks; row numbers follow the file", () => {
    const text = 'name,email,notes\r\n"Doe, Jane",jane@example.com,"she said ""hi"""\r\n"Multi\nLine",ml@example.com,"a\r\nb"\nlast,l@example.com,x';
    expect(parseCsv(text)).toEqual([
      { row: 1, fields: ["name", "email", "notes"] },
      { row: 2, fields: ["Doe, Jane", "jane@example.com", 'she said "hi"'] },
      { row: 3, fields: ["Multi\nLine", "ml@example.com", "a\r\nb"] },
      { row: 6, fields: ["last", "l@example.com", "x"] },
    ]);
  });

  test("a byte-order mark, CR line ends, blank lines and a missing final newline", () => {
    expect(parseCsv("\uFEFFname,email\r\rAda,ada@example.com\rBob,")).toEqual([
      { row: 1, fields: ["name", "email"] },
      { row: 3, fields: ["Ada", "ada@example.com"] },
      { row: 4, fields: ["Bob", ""] },
    ]);
  });

  test("an empty quoted field and a quote inside an unquoted field", () => {
    expect(parseCsv('a,"",c\nx"y,2,3\n')).toEqual([
      { row: 1, fields: ["a", "", "c"] },
      { row: 2, fields: ['x"y', "2", "3"] },
    ]);
  });

  test("an unterminated quote is a syntax error naming the row it starts on", () => {
    expect(() => parseCsv('name\nok\n"broken,\nmore')).toThrow(CsvSyntaxError);
    try {
      parseCsv('name\nok\n"broken,\nmore');
    } catch (err) {
      expect((err as CsvSyntaxError).row).toBe(3);
    }
  });
});

describe("csv writer", () => {
  test("RFC 4180 quoting and formula defusing; round-trips through the parser", () => {
    expect(csvCell('say "hi", ok')).toBe('"say ""hi"", ok"');
    expect(csvCell("=HYPERLINK(\"x\")")).toBe("\"'=HYPERLINK(\"\"x\"\")\"");
    expect(csvCell("+15550100")).toBe("'+15550100");
    expect(csvCell("-1")).toBe("'-1");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell(null)).toBe("");
    expect(csvCell(42)).toBe("42");
    const line = csvLine(["a\nb", "plain", "x,y"]);
    expect(line).toBe('"a\nb",plain,"x,y"\r\n');
    expect(parseCsv(line)[0].fields).toEqual(["a\nb", "plain", "x,y"]);
  });
});

describe("rowToInput", () => {
  const header = ["name", "email", "phone_number", "company_name", "city", "plan"];
  test("known columns map to attributes, others to custom attributes, blanks are left out", () => {
    expect(rowToInput(header, ["Ada", "ADA@x.io", "+1 (555) 010-2000", "Acme", "", "gold"])).toEqual({
      name: "Ada",
      email: "ADA@x.io",
      phone_number: "+15550102000",
      additional_attributes: { company_name: "Acme" },
      custom_attributes: { plan: "gold" },
    });
  });
  test("rows without any identifying column and rows with too many fields are refused", () => {
    expect(rowToInput(header, ["", "", "", "Acme"])).toEqual({ field: null, message: "needs a name, email, phone_number or identifier" });
    expect("message" in rowToInput(["name"], ["a", "b"])).toBe(true);
  });
});

describe("import job", () => {
  let server: TestServer;
  let scope: AccountScope;
  let agentScope: AccountScope;

  beforeAll(async () => {
    server = startTestServer({}, { startJobs: false });
    const admin = await createAdmin(server);
    const agent = await createAgent(server, admin);
    const db = server.deps.db;
    scope = resolveAccountScope(db, { type: "user", user: findUser(db, admin.user.id)!, sessionId: null }, admin.account.id);
    agentScope = resolveAccountScope(db, { type: "user", user: findUser(db, agent.user.id)!, sessionId: null }, admin.account.id);
    // An existing contact the file updates (matched by email).
    const res = await server.api(`/api/v1/accounts/${admin.account.id}/contacts`, {
      token: admin.token,
      method: "POST",
      json: { name: "Old Name", email: "existing@example.com", additional_attributes: { city: "Paris" } },
    });
    expect(res.status).toBe(200);
  });
  afterAll(() => server.close());

  const upload = (text: string, s = scope) => server.deps.tx((tx) => startContactImport(tx, s, { name: "people.csv", text, bytes: Buffer.byteLength(text) }));

  test("only administrators import; files without a header, rows or valid CSV are refused naming import_file", () => {
    expect(() => upload("name\nA\n", agentScope)).toThrow(Forbidden);
    for (const bad of ["", "\n\n", "foo,bar\n1,2\n", "name,email\n", 'name\n"open']) {
      try {
        upload(bad);
        throw new Error(`accepted: ${JSON.stringify(bad)}`);
      } catch (err) {
        expect(err).toBeInstanceOf(Validation);
        expect((err as Validation).errors[0].field).toBe("import_file");
      }
    }
  });

  test("creates, updates matched contacts, reports bad rows with row number and field, and finishes", async () => {
    const csv = [
      "\uFEFFname,email,phone_number,company,city,country,plan",
      'New Person,new@example.com,+15550101,"Acme, Inc.",Berlin,Germany,gold',
      "Renamed,EXISTING@example.com,,,,,",
      "Bad Mail,not-an-email,,,,,",
      '"Multi\nLine",multi@example.com,12345,,,,',
      ",,,Nobody Corp,,,",
      "Second Same,new@example.com,,,Hamburg,,",
    ].join("\r\n");
    const row = upload(csv);
    expect(row.total_rows).toBe(6);
    expect(await server.runner.runUntilEmpty()).toBeGreaterThanOrEqual(1);
    const done = getContactImport(server.deps.db, scope, row.id);
    expect(done.status).toBe("completed");
    expect(done.data).toBeNull();
    expect([done.processed_rows, done.created_count, done.updated_count, done.failed_count]).toEqual([6, 1, 2, 3]);
    const errors = contactImportErrorsOf(server.deps.db, row.id).map((e) => [e.row_number, e.field, e.message]);
    expect(errors).toEqual([
      [4, "email", "is invalid"],
      [5, "phone_number", "should be in e164 format"],
      [7, null, "needs a name, email, phone_number or identifier"],
    ]);
    const csvOut = exportContactsCsv(server.deps.db, scope, { q: "example.com" }, server.deps.clock.now());
    const lines = parseCsv(csvOut).map((r) => r.fields);
    expect(lines[0]).toEqual(["id", "name", "email", "phone_number", "identifier", "company", "city", "country", "labels", "created_at", "last_activity_at"]);
    const byEmail = new Map(lines.slice(1).map((l) => [l[2], l]));
    expect(byEmail.get("existing@example.com")?.[1]).toBe("Renamed");
    expect(byEmail.get("existing@example.com")?.[6]).toBe("Paris");
    const created = byEmail.get("new@example.com")!;
    expect(created.slice(1, 8)).toEqual(["Second Same", "new@example.com", "'+15550101", "", "Acme, Inc.", "Hamburg", "Germany"]);
    expect(getContact(server.deps.db, scope.account.id, Number(created[0])).custom_attributes).toEqual({ plan: "gold" });
    expect(byEmail.has("multi@example.com")).toBe(false);
  });

  test("a batch is applied once: a repeated batch (a retry after commit) changes nothing", async () => {
    const csv = "name,identifier\nOnce,once-1\nTwice,once-2\n";
    const row = upload(csv);
    const header = ["name", "identifier"];
    const rows = parseCsv(csv).slice(1);
    expect(server.deps.tx((tx) => applyImportBatch(tx, scope, row.id, header, rows, 0, 1))).toBe(true);
    // The same batch again (a job that ran it, committed, then crashed before noticing) is a no-op.
    expect(server.deps.tx((tx) => applyImportBatch(tx, scope, row.id, header, rows, 0, 1))).toBe(false);
    await server.runner.runUntilEmpty();
    const done = server.deps.db.select().from(contactImports).where(eq(contactImports.id, row.id)).get()!;
    expect([done.status, done.processed_rows, done.created_count, done.updated_count, done.failed_count]).toEqual(["completed", 2, 2, 0, 0]);
    // The job's own retry after completion is a no-op too.
    server.deps.tx((tx) => enqueue(tx, { kind: CONTACT_IMPORT_JOB, payload: { import_id: row.id } }));
    await server.runner.runUntilEmpty();
    const again = server.deps.db.select().from(contactImports).where(eq(contactImports.id, row.id)).get()!;
    expect(again.created_count).toBe(2);
  });

  test("large files run in several batches", async () => {
    const lines = ["name,email"];
    for (let i = 0; i < 250; i++) lines.push(`Bulk ${i},bulk${i}@example.com`);
    const row = upload(lines.join("\n"));
    await server.runner.runUntilEmpty();
    const done = getContactImport(server.deps.db, scope, row.id);
    expect([done.status, done.processed_rows, done.created_count]).toEqual(["completed", 250, 250]);
  });

  test("an unexpected failure is retried; on the last attempt the import is marked failed instead of staying running", async () => {
    const row = upload("name\nFlaky\n");
    let calls = 0;
    // The first transaction (the batch) fails as a full disk would; later ones reach the real database.
    const flaky = { db: server.deps.db, tx: <T>(fn: (tx: Parameters<Parameters<typeof server.deps.tx>[0]>[0]) => T): T => (++calls === 1 ? (() => { throw new Error("disk I/O error"); })() : server.deps.tx(fn)) };
    await expect(runContactImport(flaky, row.id, { lastAttempt: false })).rejects.toThrow("disk I/O error");
    expect(getContactImport(server.deps.db, scope, row.id).status).toBe("pending");
    calls = 0;
    await runContactImport(flaky, row.id, { lastAttempt: true });
    const failed = getContactImport(server.deps.db, scope, row.id);
    expect([failed.status, failed.error, failed.processed_rows]).toEqual(["failed", "The import stopped: disk I/O error", 0]);
  });
});
