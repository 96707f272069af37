import { Database } from "bun:sqlite";
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { Config } from "./config.ts";
import { closeDatabase, openDatabase } from "./db/client.ts";
import { appliedMigrations, migrate } from "./db/migrate.ts";
import { runningServerPid } from "./lib/pid-file.ts";

/** VACUUM INTO reads one snapshot of the WAL database, so the copy is consistent while the server writes. */
export function backupDatabase(config: Config, file: string | undefined): number {
  if (!file) return usage("backup FILE");
  const target = resolve(file);
  if (existsSync(target)) {
    console.error(`${target} already exists; choose a new file name.`);
    return 1;
  }
  if (!existsSync(config.dbPath)) {
    console.error(`No database at ${config.dbPath}.`);
    return 1;
  }
  mkdirSync(dirname(target), { recursive: true });
  const db = new Database(config.dbPath, { readonly: true });
  try {
    db.exec("PRAGMA busy_timeout = 5000");
    db.query("VACUUM INTO ?").run(target);
  } finally {
    db.close();
  }
  console.log(`Backup written to ${target}`);
  return 0;
}

/** Replaces the database with a backup. Refuses while a server uses the data dir; keeps the old file aside. */
export function restoreDatabase(config: Config, file: string | undefined): number {
  if (!file) return usage("restore FILE");
  const source = resolve(file);
  const pid = runningServerPid(config.dataDir);
  if (pid) {
    console.error(`A Parley server (pid ${pid}) is using ${config.dataDir}. Stop it before restoring.`);
    return 1;
  }
  if (!existsSync(source)) {
    console.error(`${source} does not exist.`);
    return 1;
  }
  const problem = checkBackup(source);
  if (problem) {
    console.error(`${source} is not a usable Parley backup: ${problem}`);
    return 1;
  }
  if (existsSync(config.dbPath)) {
    const busy = detachDatabase(config.dbPath);
    if (busy) {
      console.error(`${config.dbPath} is still open in another process (${busy}). Stop it before restoring.`);
      return 1;
    }
  }
  mkdirSync(config.dataDir, { recursive: true });
  const staging = `${config.dbPath}.restoring`;
  copyFileSync(source, staging);
  if (existsSync(config.dbPath)) {
    const backups = join(config.dataDir, "backups");
    mkdirSync(backups, { recursive: true });
    const aside = join(backups, `parley-before-restore-${new Date().toISOString().replace(/[:.]/g, "-")}.db`);
    // After detachDatabase no WAL is left; a damaged database keeps whatever it had beside it.
    for (const suffix of ["-wal", "-shm", ""]) {
      if (existsSync(config.dbPath + suffix)) renameSync(config.dbPath + suffix, aside + suffix);
    }
    console.log(`Previous database kept at ${aside}`);
  }
  for (const suffix of ["-wal", "-shm"]) rmSync(config.dbPath + suffix, { force: true });
  renameSync(staging, config.dbPath);
  console.log(`Restored ${source} into ${config.dbPath}`);
  return 0;
}

/**
 * Folds the WAL into the database file and leaves it a standalone single file, so the copy kept aside is complete.
 * Leaving WAL mode needs the only connection to the file: if any other process (a server without a pid file, a
 * `parley jobs`, a sqlite3 shell) still has it open, this fails and the restore stops before changing anything.
 */
function detachDatabase(path: string): string | null {
  let db: Database | null = null;
  try {
    db = new Database(path);
    const { journal_mode } = db.query("PRAGMA journal_mode = DELETE").get() as { journal_mode: string };
    return journal_mode === "delete" ? null : `journal mode is still ${journal_mode}`;
  } catch (err) {
    // Busy or locked: another process has it open. Any other error (a damaged file) is no reason to refuse.
    const code = (err as { code?: string }).code ?? "";
    return /^SQLITE_(BUSY|LOCKED)/.test(code) ? (err as Error).message : null;
  } finally {
    db?.close();
  }
}

function checkBackup(path: string): string | null {
  let db: Database | null = null;
  try {
    db = new Database(path, { readonly: true });
    const ok = db.query("PRAGMA integrity_check").get() as { integrity_check: string };
    if (ok.integrity_check !== "ok") return `integrity check failed (${ok.integrity_check})`;
    if (appliedMigrations(db).length === 0) return "it has no Parley migrations";
    return null;
  } catch (err) {
    return (err as Error).message;
  } finally {
    db?.close();
  }
}

export function runMigrations(config: Config): number {
  const db = openDatabase(config.dbPath);
  try {
    const applied = migrate(db.$client);
    console.log(applied.length ? `Applied: ${applied.join(", ")}` : "Database is up to date.");
  } finally {
    closeDatabase(db);
  }
  return 0;
}

export function listJobs(config: Config, deadOnly: boolean): number {
  const db = openDatabase(config.dbPath);
  try {
    migrate(db.$client);
    const rows = db.$client
      .query(
        `SELECT id, kind, status, attempts, max_attempts, datetime(run_at / 1000, 'unixepoch') AS run_at, last_error
         FROM jobs WHERE ${deadOnly ? "status = 'dead'" : "status IN ('pending', 'blocked', 'running', 'dead')"} ORDER BY id DESC LIMIT 200`,
      )
      .all();
    console.table(rows);
  } finally {
    closeDatabase(db);
  }
  return 0;
}

function usage(args: string): number {
  console.error(`Usage: parley ${args}`);
  return 2;
}
