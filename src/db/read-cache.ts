import type { Db } from "./client.ts";

const MAX_ENTRIES = 10_000;
const caches = new WeakMap<Db, Map<string, unknown>>();

/**
 * A memo for the reads every request repeats (API token → actor, a user's memberships). It is emptied
 * after every committed write transaction (runInTx), so a cached value never outlives a change: role,
 * token and availability changes apply on the very next request. Only for data written through runInTx;
 * callers must not mutate what they get.
 */
export function cachedRead<T>(db: Db, key: string, load: () => T | null | undefined): T | null {
  // Inside a write transaction the data may already differ from what is cached: read it fresh.
  if (db.$client.inTransaction) return load() ?? null;
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  if (cache.has(key)) return cache.get(key) as T;
  const value = load() ?? null;
  if (value !== null) {
    if (cache.size >= MAX_ENTRIES) cache.clear();
    cache.set(key, value);
  }
  return value;
}

export function clearReadCache(db: Db): void {
  caches.get(db)?.clear();
}
