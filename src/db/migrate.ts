import type { Database } from "bun:sqlite";
import { migrations as embedded } from "./migrations.gen.ts";

export type Migration = { name: string; sql: string };

/**
 * Applies each pending migration in its own BEGIN IMMEDIATE transaction. The write lock is taken before
 * checking what is applied, so two processes starting at once serialize: the second waits on the lock
 * (busy_timeout), then finds the migration recorded and skips it.
 */
export function migrate(sqlite: Database, migrations: Migration[] = embedded): string[] {
  sqlite.exec(
    "CREATE TABLE IF NOT EXISTS __parley_migrations (name TEXT PRIMARY KEY NOT NULL, applied_at INTEGER NOT NULL)",
  );
  const applied: string[] = [];
  for (const m of migrations) {
    sqlite.exec("BEGIN IMMEDIATE");
    try {
      const done = sqlite.query("SELECT 1 FROM __parley_migrations WHERE name = ?").get(m.name);
      if (!done) {
        for (const statement of m.sql.split("--> statement-breakpoint")) {
          if (statement.trim()) sqlite.exec(statement);
        }
        sqlite.query("INSERT INTO __parley_migrations (name, applied_at) VALUES (?, ?)").run(m.name, Date.now());
        applied.push(m.name);
      }
      sqlite.exec("COMMIT");
    } catch (err) {
      sqlite.exec("ROLLBACK");
      throw new Error(`migration ${m.name} failed: ${(err as Error).message}`);
    }
  }
  return applied;
}

export function appliedMigrations(sqlite: Database): string[] {
  const rows = sqlite.query("SELECT name FROM __parley_migrations ORDER BY name").all() as { name: string }[];
  return rows.map((r) => r.name);
}
