import type { Db } from "../../db/client.ts";
import type { Tx } from "../../db/tx.ts";

const MAX_ENTRIES = 10_000;
const caches = new WeakMap<Db, Map<string, unknown>>();

/**
 * API token → actor, kept in memory because resolving it is most of the cost of a read request.
 * Correctness rests on one rule: every write to users, access_tokens or agent_bots calls
 * forgetCachedActors(tx), which clears the cache when that transaction commits.
 */
export function cachedActor<T>(db: Db, tokenDigest: string, load: () => T | null): T | null {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  const hit = cache.get(tokenDigest) as T | undefined;
  if (hit) return hit;
  const actor = load();
  if (actor) {
    if (cache.size >= MAX_ENTRIES) cache.clear();
    cache.set(tokenDigest, actor);
  }
  return actor;
}

export function forgetCachedActors(tx: Tx): void {
  tx.afterCommit(() => caches.get(tx.db)?.clear());
}
