// Chatwoot's account cache keys (CacheKeys + AccountCacheRevalidator): for each kind of list a client caches (labels,
// inboxes, teams), the unix time of the account's last change to it, as a string ("0000000000" when unknown). A client
// that cached a list under an older key refetches it when `account.cache_invalidated` brings a new one.
//
// Chatwoot keeps the keys in Redis; Parley keeps them in memory, one store per server, seeded on first use from the
// newest updated_at of each table. After a restart the seed may differ from a key broadcast before (a deletion leaves
// no row behind); a differing key only makes a client refetch, never keeps a stale list.
import type { Db } from "../db/client.ts";
import type { CacheKey } from "../events/types.ts";

export const CACHE_KEYS: readonly CacheKey[] = ["label", "inbox", "team"];

export type CacheKeysPayload = Record<CacheKey, string>;

const TABLES: Record<CacheKey, string> = { label: "labels", inbox: "inboxes", team: "teams" };

/** A unix time in seconds as Chatwoot stores it (Time.now.utc.to_i), zero-padded like its "0000000000" default. */
function key(seconds: number): string {
  return String(Math.max(0, Math.floor(seconds))).padStart(10, "0");
}

export class AccountCacheKeys {
  private keys = new Map<number, Record<CacheKey, number>>();

  constructor(private readonly db: Db) {}

  private seeded(accountId: number): Record<CacheKey, number> {
    let k = this.keys.get(accountId);
    if (!k) {
      k = { label: 0, inbox: 0, team: 0 };
      for (const name of CACHE_KEYS) {
        const row = this.db.$client.query(`SELECT max(updated_at) AS at FROM ${TABLES[name]} WHERE account_id = ?1`).get(accountId) as { at: number | null } | null;
        k[name] = row?.at ? Math.floor(row.at / 1000) : 0;
      }
      this.keys.set(accountId, k);
    }
    return k;
  }

  /** Records a change of one kind at `atMs` (the event's time); keys only move forward. */
  touch(accountId: number, kind: CacheKey, atMs: number): void {
    const k = this.seeded(accountId);
    k[kind] = Math.max(k[kind], Math.floor(atMs / 1000));
  }

  /** The account's cache_keys: {label, inbox, team}. */
  get(accountId: number): CacheKeysPayload {
    const k = this.seeded(accountId);
    return { label: key(k.label), inbox: key(k.inbox), team: key(k.team) };
  }

  forget(accountId: number): void {
    this.keys.delete(accountId);
  }
}
