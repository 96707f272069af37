import type { Db } from "./client.ts";

/**
 * Builds a Drizzle prepared statement once per database connection. For hot-path queries (token
 * lookup, profile, lists) building and compiling the SQL on every call costs more than running it.
 */
export function preparedFor<T>(build: (db: Db) => T): (db: Db) => T {
  const cache = new WeakMap<Db, T>();
  return (db) => {
    let statement = cache.get(db);
    if (!statement) {
      statement = build(db);
      cache.set(db, statement);
    }
    return statement;
  };
}
