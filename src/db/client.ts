import { Database, type SQLQueryBindings, type Statement } from "bun:sqlite";
import { drizzle, type BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { opaqueParameters } from "./opaque-parameters.ts";
import * as schema from "./schema/index.ts";

export const BUSY_TIMEOUT_MS = 5000;

export type Db = BunSQLiteDatabase<typeof schema> & { $client: Database };

/**
 * Drizzle compiles every statement on every call (~17 % of a message create). This connection keeps the
 * compiled statements by SQL text (bounded), so a repeated query is only bound and stepped. Safe because
 * Drizzle runs each statement to completion (all/get/run/values) before the next use. Every statement it
 * prepares has its parameters made opaque to the planner (opaque-parameters.ts), so it stays compiled.
 */
class StatementCachingDatabase extends Database {
  private compiled = new Map<string, Statement<any, any>>();
  private rewritten = new Map<string, string>();

  override prepare<R, P extends SQLQueryBindings | SQLQueryBindings[]>(sql: string, params?: P): Statement<R, P extends any[] ? P : [P]> {
    if (params !== undefined) return super.prepare<R, P>(opaqueParameters(sql), params);
    let statement = this.compiled.get(sql);
    if (!statement) {
      if (this.compiled.size >= 1000) this.compiled.clear();
      statement = super.prepare<R, P>(opaqueParameters(sql));
      this.compiled.set(sql, statement);
    }
    return statement;
  }

  override query<R, P extends SQLQueryBindings | SQLQueryBindings[]>(sql: string): Statement<R, P extends any[] ? P : [P]> {
    let opaque = this.rewritten.get(sql);
    if (opaque === undefined) {
      if (this.rewritten.size >= 1000) this.rewritten.clear();
      opaque = opaqueParameters(sql);
      this.rewritten.set(sql, opaque);
    }
    return super.query<R, P>(opaque);
  }
}

const PAGE_CACHE_KIB = 32 * 1024;

export function openDatabase(path: string): Db {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const sqlite = new StatementCachingDatabase(path, { create: true, strict: true });
  // busy_timeout first, so that a second process opening the file waits instead of failing.
  sqlite.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
  enableWal(sqlite);
  sqlite.exec("PRAGMA synchronous = NORMAL");
  sqlite.exec("PRAGMA foreign_keys = ON");
  // 32 MiB of page cache instead of SQLite's 2 MiB: a message create touches conversations, messages and their indexes,
  // the search index and the job queue; with 2 MiB each request re-read pages evicted by the previous one. The cache
  // only grows as pages are read, so a small database stays small in memory.
  sqlite.exec(`PRAGMA cache_size = -${PAGE_CACHE_KIB}`);
  return drizzle({ client: sqlite, schema });
}

/**
 * Switching a file to WAL needs an exclusive lock. When two processes open a fresh file at once, SQLite
 * answers SQLITE_BUSY immediately (busy_timeout is not consulted, as waiting could deadlock), so retry briefly.
 */
function enableWal(sqlite: Database): void {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      sqlite.exec("PRAGMA journal_mode = WAL");
      return;
    } catch (err) {
      if (!String((err as { code?: string }).code).startsWith("SQLITE_BUSY") || Date.now() > deadline) throw err;
      Bun.sleepSync(5 + Math.random() * 20);
    }
  }
}

export function closeDatabase(db: Db): void {
  try {
    db.$client.exec("PRAGMA optimize");
  } catch {
    // optimize is advisory; a busy database must not prevent shutdown
  }
  db.$client.close();
}
