import { BUSY_TIMEOUT_MS, type Db } from "./client.ts";
import { versionMayHaveChanged } from "./read-cache.ts";
import type { DomainEvent, EventName, EventMap } from "../events/types.ts";

/** The handle every write goes through: the database inside one open transaction, plus its events. */
export interface Tx {
  readonly db: Db;
  /** The transaction's clock reading, so every row written in it shares one timestamp. */
  readonly now: number;
  emit<K extends EventName>(name: K, data: EventMap[K]): void;
  afterCommit(fn: () => void): void;
  /**
   * Runs fn when the transaction's body has returned, still inside the transaction (before COMMIT; in a group commit,
   * inside the body's savepoint): for reactions to the body's final state. What fn emits is handled as the body's.
   */
  beforeCommit(fn: () => void): void;
  /**
   * Runs fn in a savepoint: when it throws, its writes, its events and its afterCommit callbacks are undone and the
   * error propagates; the rest of the transaction goes on.
   */
  savepoint<T>(fn: () => T): T;
  /**
   * Adds an item to a log written once per COMMIT: the items of every transaction sharing the COMMIT (a group commit)
   * reach `log.write` together, in order, just before it; the items of a body or savepoint that rolled back do not.
   */
  append<T>(log: CommitLog<T>, item: T): void;
}

/** A log that takes one write per COMMIT (an outbox whose items would each cost an insert in the hot path). */
export type CommitLog<T> = { write(db: Db, now: number, items: T[]): void };

type Appended = { log: CommitLog<unknown>; item: unknown };

/** Writes the appended items, one `write` per log (in the order the logs were first appended to). */
function writeCommitLogs(db: Db, now: number, appended: Appended[]): void {
  if (!appended.length) return;
  const byLog = new Map<CommitLog<unknown>, unknown[]>();
  for (const { log, item } of appended) {
    const items = byLog.get(log);
    if (items) items.push(item);
    else byLog.set(log, [item]);
  }
  for (const [log, items] of byLog) log.write(db, now, items);
}

export type TxHooks = {
  /** Runs inside the transaction for every event (durable listeners write job rows here). */
  onEmit(tx: Tx, event: DomainEvent): void;
  /** Runs after commit with the transaction's events, in order (in-memory listeners). */
  onCommit(events: DomainEvent[]): void;
};

/** A transaction handle collecting its events and after-commit callbacks; durable listeners run as events are emitted. */
function openTx(db: Db, now: number, hooks: TxHooks) {
  const events: DomainEvent[] = [];
  const callbacks: (() => void)[] = [];
  const finishers: (() => void)[] = [];
  const appended: Appended[] = [];
  let savepoints = 0;
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
    beforeCommit(fn) {
      finishers.push(fn);
    },
    append(log, item) {
      appended.push({ log: log as CommitLog<unknown>, item });
    },
    savepoint(fn) {
      const name = `step${++savepoints}`;
      const marks = [events.length, callbacks.length, finishers.length, appended.length];
      db.$client.exec(`SAVEPOINT ${name}`);
      try {
        const result = fn();
        db.$client.exec(`RELEASE ${name}`);
        return result;
      } catch (err) {
        db.$client.exec(`ROLLBACK TO ${name}`);
        db.$client.exec(`RELEASE ${name}`);
        events.length = marks[0]!;
        callbacks.length = marks[1]!;
        finishers.length = marks[2]!;
        appended.length = marks[3]!;
        throw err;
      }
    },
  };
  /** The body, then what it left for before COMMIT (which may leave more). */
  const run = <T>(fn: (tx: Tx) => T): T => {
    const result = fn(tx);
    if (result instanceof Promise) throw new Error("runInTx: the transaction body must be synchronous");
    for (let i = 0; i < finishers.length; i++) finishers[i]!();
    return result;
  };
  const announce = () => {
    hooks.onCommit(events);
    for (const cb of callbacks) cb();
  };
  return { tx, run, announce, appended };
}

/**
 * Runs fn inside BEGIN IMMEDIATE. Durable listeners run inside; in-memory listeners and afterCommit
 * callbacks only after COMMIT, so nothing is announced for a change that rolled back.
 * fn must be synchronous: bun:sqlite is, and an await inside would let other requests into the transaction.
 */
export function runInTx<T>(db: Db, now: number, hooks: TxHooks, fn: (tx: Tx) => T): T {
  const sqlite = db.$client;
  if (sqlite.inTransaction) throw new Error("runInTx: nested transactions are not supported");
  const { run, announce, appended } = openTx(db, now, hooks);
  sqlite.exec("BEGIN IMMEDIATE");
  let result: T;
  try {
    result = run(fn);
    writeCommitLogs(db, now, appended);
    sqlite.exec("COMMIT");
  } catch (err) {
    if (sqlite.inTransaction) sqlite.exec("ROLLBACK");
    throw err;
  } finally {
    versionMayHaveChanged(db);
  }
  announce();
  return result;
}

type Queued = { fn: (tx: Tx) => unknown; resolve: (value: unknown) => void; reject: (err: unknown) => void };

/**
 * Group commit for the hot write paths (message create). A COMMIT writes every page the transaction dirtied to
 * the WAL, and that dominates a small write; so bodies queued during one turn of the event loop run one after
 * another in a single transaction, each inside its own SAVEPOINT. A body that throws rolls back alone and its
 * caller gets the error; the others commit together, and only after COMMIT do their callers get results and
 * their events go out. Same semantics as running the bodies one by one with runInTx, in queue order.
 */
export class GroupCommit {
  private queue: Queued[] = [];

  /**
   * windowMs 0: bodies of one event-loop turn share a COMMIT. More: bodies queued within that many ms share one (a
   * background thread writing to the same database takes the write lock less often, so the serving thread seldom
   * has to wait for it).
   */
  constructor(
    private db: Db,
    private clock: () => number,
    private hooks: TxHooks,
    private windowMs = 0,
  ) {}

  run<T>(fn: (tx: Tx) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.queue.push({ fn, resolve: resolve as (value: unknown) => void, reject }) !== 1) return;
      if (this.windowMs > 0) setTimeout(() => this.flush(), this.windowMs);
      else setImmediate(() => this.flush());
    });
  }

  /** When the batch first found the write lock taken by another connection (0: it has not). */
  private busySince = 0;

  /**
   * BEGIN IMMEDIATE without SQLite's busy handler, which would sleep with the event loop blocked while another
   * connection (the webhook thread, another process) holds the write lock: "busy" instead, and the caller retries
   * from the event loop, serving other requests meanwhile. After BUSY_TIMEOUT_MS of that, it waits as runInTx does.
   */
  private begin(): "begun" | "busy" {
    const sqlite = this.db.$client;
    if (this.busySince && Date.now() - this.busySince > BUSY_TIMEOUT_MS) {
      sqlite.exec("BEGIN IMMEDIATE");
      return "begun";
    }
    sqlite.exec("PRAGMA busy_timeout = 0");
    try {
      sqlite.exec("BEGIN IMMEDIATE");
      return "begun";
    } catch (err) {
      if (String((err as { code?: unknown }).code).startsWith("SQLITE_BUSY")) return "busy";
      throw err;
    } finally {
      sqlite.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    }
  }

  private flush(): void {
    const sqlite = this.db.$client;
    if (sqlite.inTransaction) {
      for (const item of this.queue.splice(0)) item.reject(new Error("GroupCommit: a transaction is already open"));
      return;
    }
    try {
      if (this.begin() === "busy") {
        this.busySince ||= Date.now();
        setTimeout(() => this.flush(), 1);
        return;
      }
    } catch (err) {
      this.busySince = 0;
      for (const item of this.queue.splice(0)) item.reject(err);
      return;
    }
    this.busySince = 0;
    // Bodies queued while the lock was busy join this batch.
    const batch = this.queue.splice(0);
    const done: { item: Queued; result: unknown; announce: () => void }[] = [];
    const appendedByAll: Appended[] = [];
    let now = 0;
    for (const item of batch) {
      const opened = openTx(this.db, (now = this.clock()), this.hooks);
      sqlite.exec("SAVEPOINT grouped");
      try {
        const result = opened.run(item.fn);
        sqlite.exec("RELEASE grouped");
        done.push({ item, result, announce: opened.announce });
        appendedByAll.push(...opened.appended);
      } catch (err) {
        sqlite.exec("ROLLBACK TO grouped");
        sqlite.exec("RELEASE grouped");
        item.reject(err);
      }
    }
    try {
      writeCommitLogs(this.db, now, appendedByAll);
      sqlite.exec("COMMIT");
    } catch (err) {
      if (sqlite.inTransaction) sqlite.exec("ROLLBACK");
      for (const { item } of done) item.reject(err);
      return;
    } finally {
      versionMayHaveChanged(this.db);
    }
    for (const { item, result, announce } of done) {
      announce();
      item.resolve(result);
    }
  }
}
