import type { Statement } from "bun:sqlite";
import type { Db } from "./client.ts";

const MAX_ENTRIES = 10_000;

type Cache = {
  version: number;
  entries: Map<string, unknown>;
  versionQuery: Statement<{ version: number }, []>;
  /** The version was read during this turn of the event loop (reset at the next turn and by every commit). */
  checked: boolean;
};
const caches = new WeakMap<Db, Cache>();

function cacheOf(db: Db): Cache {
  let cache = caches.get(db);
  if (!cache) {
    const versionQuery = db.$client.prepare<{ version: number }, []>("SELECT version FROM config_version WHERE id = 1");
    caches.set(db, (cache = { version: -1, entries: new Map(), versionQuery, checked: false }));
  }
  return cache;
}

/**
 * A memo for the reads every request repeats (API token → actor, memberships, an inbox's bot and callback,
 * an account's webhooks). Every write to the tables behind them bumps `config_version` (triggers of migration
 * 0007), from any connection or process; a changed version empties the memo. So role, token, availability and
 * webhook changes apply on the very next request, while message and conversation writes keep it warm.
 *
 * Inside a write transaction the memo serves (and fills) only while the transaction has not changed those
 * tables: the version is still the cached one, so what it reads is committed data. Otherwise the value is read
 * fresh and not kept, as the transaction may still roll back. Callers must not mutate what they get.
 */
export function cachedRead<T>(db: Db, key: string, load: () => T | null | undefined): T | null {
  const cache = cacheOf(db);
  const inTransaction = db.$client.inTransaction;
  // Outside a transaction the version is read once per turn of the event loop: the lookups of every request handled
  // in that turn cost one query. This process's own writes reset it at each commit (db/tx.ts), so they show at once;
  // another process's show from the next turn. A transaction may bump it at any statement: inside one it is read every time.
  if (inTransaction || !cache.checked) {
    const version = cache.versionQuery.get()!.version;
    if (version !== cache.version) {
      // Inside a transaction a new version may be this transaction's own change, which can still roll back.
      if (inTransaction) return load() ?? null;
      cache.entries.clear();
      cache.version = version;
    }
    if (!inTransaction) {
      cache.checked = true;
      setImmediate(() => (cache.checked = false));
    }
  }
  if (cache.entries.has(key)) return cache.entries.get(key) as T | null;
  const value = load() ?? null;
  if (cache.entries.size >= MAX_ENTRIES) cache.entries.clear();
  cache.entries.set(key, value);
  return value;
}

/** After a commit the version may have moved: the next lookup reads it again (db/tx.ts). */
export function versionMayHaveChanged(db: Db): void {
  const cache = caches.get(db);
  if (cache) cache.checked = false;
}
