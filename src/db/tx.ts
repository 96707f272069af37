import type { Db } from "./client.ts";
import { clearReadCache } from "./read-cache.ts";
import type { DomainEvent, EventName, EventMap } from "../events/types.ts";

/** The handle every write goes through: the database inside one open transaction, plus its events. */
export interface Tx {
  readonly db: Db;
  /** The transaction's clock reading, so every row written in it shares one timestamp. */
  readonly now: number;
  emit<K extends EventName>(name: K, data: EventMap[K]): void;
  afterCommit(fn: () => void): void;
}

export type TxHooks = {
  /** Runs inside the transaction for every event (durable listeners write job rows here). */
  onEmit(tx: Tx, event: DomainEvent): void;
  /** Runs after commit with the transaction's events, in order (in-memory listeners). */
  onCommit(events: DomainEvent[]): void;
};

/**
 * Runs fn inside BEGIN IMMEDIATE. Durable listeners run inside; in-memory listeners and afterCommit
 * callbacks only after COMMIT, so nothing is announced for a change that rolled back.
 * fn must be synchronous: bun:sqlite is, and an await inside would let other requests into the transaction.
 */
export function runInTx<T>(db: Db, now: number, hooks: TxHooks, fn: (tx: Tx) => T): T {
  const events: DomainEvent[] = [];
  const callbacks: (() => void)[] = [];
  const tx: Tx = {
    db,
    now,
    emit(name, data) {
      const event = { name, data, at: now } as DomainEvent;
      events.push(event);
      hooks.onEmit(tx, event);
    },
    afterCommit(cb) {
      callbacks.push(cb);
    },
  };
  const sqlite = db.$client;
  if (sqlite.inTransaction) throw new Error("runInTx: nested transactions are not supported");
  sqlite.exec("BEGIN IMMEDIATE");
  let result: T;
  try {
    result = fn(tx);
    if (result instanceof Promise) throw new Error("runInTx: the transaction body must be synchronous");
    sqlite.exec("COMMIT");
  } catch (err) {
    if (sqlite.inTransaction) sqlite.exec("ROLLBACK");
    throw err;
  }
  clearReadCache(db);
  hooks.onCommit(events);
  for (const cb of callbacks) cb();
  return result;
}
