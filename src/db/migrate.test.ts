import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "./client.ts";
import { appliedMigrations, migrate, type Migration } from "./migrate.ts";
import { migrations as embedded } from "./migrations.gen.ts";

const ROOT = join(import.meta.dir, "../..");
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "parley-migrate-"));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function spawnAll(cmds: { cmd: string[]; env?: Record<string, string>; cwd?: string }[]) {
  const procs = cmds.map((c) =>
    Bun.spawn(c.cmd, { cwd: c.cwd ?? ROOT, env: { ...process.env, ...c.env }, stdout: "pipe", stderr: "pipe" }),
  );
  return Promise.all(
    procs.map(async (p) => ({
      code: await p.exited,
      stdout: await new Response(p.stdout).text(),
      stderr: await new Response(p.stderr).text(),
    })),
  );
}

function tableNames(db: Database): string[] {
  return (db.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map(
    (r) => r.name,
  );
}

describe("concurrent start", () => {
  test("two `parley migrate` processes on one fresh data dir both succeed and apply each migration once", async () => {
    const dataDir = tempDir();
    // PARLEY_SECRET_KEY is set so that this test is about migrations only (see the report on secret.key creation).
    const env = { PARLEY_DATA_DIR: dataDir, PARLEY_SECRET_KEY: "s".repeat(40), PARLEY_LOG_LEVEL: "warn" };
    const results = await spawnAll([
      { cmd: [process.execPath, "src/main.ts", "migrate"], env },
      { cmd: [process.execPath, "src/main.ts", "migrate"], env },
    ]);
    for (const r of results) expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
    const outputs = results.map((r) => r.stdout.trim()).sort();
    expect(outputs).toEqual([`Applied: ${embedded.map((m) => m.name).join(", ")}`, "Database is up to date."]);

    const db = new Database(join(dataDir, "parley.db"), { readonly: true });
    try {
      expect(appliedMigrations(db)).toEqual(embedded.map((m) => m.name));
      expect(db.query("PRAGMA integrity_check").get()).toEqual({ integrity_check: "ok" });
      expect(tableNames(db)).toEqual(expect.arrayContaining(["accounts", "jobs", "mail_outbox", "users", "__parley_migrations"]));
    } finally {
      db.close();
    }
  }, 20_000);

  test("four processes released at the same instant with a slow migration: one applies, the others wait and skip", async () => {
    const dir = tempDir();
    const dbPath = join(dir, "parley.db");
    const rows = 150_000;
    const startAt = Date.now() + 700; // after every process has booted
    const fixture = join(import.meta.dir, "../testing/fixtures/migrate-race.ts");
    const results = await spawnAll(
      Array.from({ length: 4 }, () => ({ cmd: [process.execPath, fixture, dbPath, String(startAt), String(rows)] })),
    );
    for (const r of results) expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });

    const appliedBy = results.map((r) => JSON.parse(r.stdout) as string[]);
    const all = [...embedded.map((m) => m.name), "9999_race_slow"];
    // Each migration was applied by exactly one process.
    expect(appliedBy.flat().sort()).toEqual([...all].sort());

    const db = new Database(dbPath, { readonly: true });
    try {
      expect(appliedMigrations(db)).toEqual(all);
      expect(db.query("SELECT count(*) AS n, max(n) AS top FROM race_rows").get()).toEqual({ n: rows, top: rows });
      expect(db.query("PRAGMA integrity_check").get()).toEqual({ integrity_check: "ok" });
    } finally {
      db.close();
    }
  }, 20_000);
});

test("opening a fresh file while another process writes to it waits instead of failing (WAL switch)", async () => {
  const path = join(tempDir(), "parley.db");
  const holder = Bun.spawn([process.execPath, join(import.meta.dir, "../testing/fixtures/hold-write-lock.ts"), path, "400"], {
    stdout: "pipe",
  });
  const first = await holder.stdout.getReader().read();
  expect(new TextDecoder().decode(first.value)).toContain("held");
  const started = Date.now();
  const db = openDatabase(path);
  try {
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(db.$client.query("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
    expect(db.$client.query("SELECT count(*) AS n FROM held").get()).toEqual({ n: 1 });
  } finally {
    db.$client.close();
    expect(await holder.exited).toBe(0);
  }
});

describe("one transaction per migration", () => {
  const good: Migration = {
    name: "0001_good",
    sql: "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);\n--> statement-breakpoint\nINSERT INTO notes (body) VALUES ('first');",
  };
  const broken: Migration = {
    name: "0002_broken",
    sql: [
      "CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL);",
      "INSERT INTO notes (body) VALUES ('from the broken migration');",
      "ALTER TABLE notes ADD COLUMN colour TEXT;",
      "INSERT INTO no_such_table VALUES (1);",
    ].join("\n--> statement-breakpoint\n"),
  };

  test("a failing migration leaves nothing half-applied, earlier ones stay, and a fixed one applies later", () => {
    const db = openDatabase(join(tempDir(), "parley.db"));
    const sqlite = db.$client;
    try {
      expect(() => migrate(sqlite, [good, broken])).toThrow(/migration 0002_broken failed: .*no_such_table/);
      expect(sqlite.inTransaction).toBe(false);
      expect(appliedMigrations(sqlite)).toEqual(["0001_good"]);
      expect(tableNames(sqlite)).not.toContain("tags");
      expect(sqlite.query("SELECT body FROM notes").all()).toEqual([{ body: "first" }]);
      const columns = (sqlite.query("PRAGMA table_info(notes)").all() as { name: string }[]).map((c) => c.name);
      expect(columns).toEqual(["id", "body"]);

      // Running again retries only the failed one; once fixed, it applies and is recorded.
      expect(() => migrate(sqlite, [good, broken])).toThrow(/0002_broken/);
      const fixed = { ...broken, sql: broken.sql.replace("INSERT INTO no_such_table VALUES (1);", "SELECT 1;") };
      expect(migrate(sqlite, [good, fixed])).toEqual(["0002_broken"]);
      expect(appliedMigrations(sqlite)).toEqual(["0001_good", "0002_broken"]);
      expect(sqlite.query("SELECT count(*) AS n FROM notes").get()).toEqual({ n: 2 });
      expect(migrate(sqlite, [good, fixed])).toEqual([]);
    } finally {
      sqlite.close();
    }
  });

  test("the embedded migrations apply to an empty database and a second run applies nothing", () => {
    const db = openDatabase(join(tempDir(), "parley.db"));
    try {
      expect(migrate(db.$client)).toEqual(embedded.map((m) => m.name));
      expect(migrate(db.$client)).toEqual([]);
      expect(db.$client.query("PRAGMA foreign_key_check").all()).toEqual([]);
    } finally {
      db.$client.close();
    }
  });
});

test("openDatabase sets the pragmas: WAL, foreign keys, synchronous=NORMAL, busy_timeout=5000, a 32 MiB page cache", () => {
  const path = join(tempDir(), "sub", "parley.db");
  const db = openDatabase(path);
  const q = (p: string) => db.$client.query(`PRAGMA ${p}`).get();
  try {
    expect(q("journal_mode")).toEqual({ journal_mode: "wal" });
    expect(q("foreign_keys")).toEqual({ foreign_keys: 1 });
    expect(q("synchronous")).toEqual({ synchronous: 1 });
    expect(q("busy_timeout")).toEqual({ timeout: 5000 });
    expect(q("cache_size")).toEqual({ cache_size: -32768 });
    // foreign keys are really enforced
    migrate(db.$client);
    expect(() =>
      db.$client.query("INSERT INTO account_users (account_id, user_id, role, created_at, updated_at) VALUES (999, 999, 'agent', 0, 0)").run(),
    ).toThrow(/FOREIGN KEY/);
  } finally {
    db.$client.close();
  }
});

describe("migrations.gen.ts", () => {
  test("is fresh (bun scripts/gen-migrations.ts --check)", async () => {
    const [r] = await spawnAll([{ cmd: [process.execPath, "scripts/gen-migrations.ts", "--check"] }]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("is fresh");
  });

  test("the check fails on a stale file (so the test above can fail)", async () => {
    const dir = tempDir();
    cpSync(join(ROOT, "migrations"), join(dir, "migrations"), { recursive: true });
    mkdirSync(join(dir, "src/db"), { recursive: true });
    mkdirSync(join(dir, "scripts"), { recursive: true });
    cpSync(join(ROOT, "scripts/gen-migrations.ts"), join(dir, "scripts/gen-migrations.ts"));
    const current = readFileSync(join(ROOT, "src/db/migrations.gen.ts"), "utf8");
    // A journal entry whose SQL file is not embedded yet.
    const journal = JSON.parse(readFileSync(join(dir, "migrations/meta/_journal.json"), "utf8"));
    journal.entries.push({ ...journal.entries.at(-1), idx: journal.entries.length, tag: "9999_not_generated" });
    writeFileSync(join(dir, "migrations/meta/_journal.json"), JSON.stringify(journal));
    writeFileSync(join(dir, "src/db/migrations.gen.ts"), current);
    const [r] = await spawnAll([{ cmd: [process.execPath, "scripts/gen-migrations.ts", "--check"], cwd: dir }]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("is stale");
  });
});
