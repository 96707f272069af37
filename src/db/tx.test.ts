import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DomainEvent } from "../events/types.ts";
import { openDatabase, type Db } from "./client.ts";
import { migrate } from "./migrate.ts";
import { cachedRead } from "./read-cache.ts";
import { GroupCommit, runInTx, type CommitLog, type TxHooks } from "./tx.ts";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function freshDb(): { db: Db; path: string } {
  const dir = mkdtempSync(join(tmpdir(), "parley-tx-"));
  dirs.push(dir);
  const path = join(dir, "parley.db");
  const db = openDatabase(path);
  migrate(db.$client);
  db.$client.exec("CREATE TABLE notes_t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
  return { db, path };
}

function recordingHooks() {
  const committed: DomainEvent[] = [];
  const hooks: TxHooks = { onEmit: () => {}, onCommit: (events) => committed.push(...events) };
  return { hooks, committed };
}

const count = (db: Db) => (db.$client.query("SELECT count(*) AS n FROM notes_t").get() as { n: number }).n;
const insert = (db: Db, body: string) => db.$client.prepare("INSERT INTO notes_t (body) VALUES (?)").run(body);
const ev = (n: number) => ({ account_id: n, inbox_id: n }) as const;

describe("group commit", () => {
  test("bodies queued in one turn share one transaction; a failing body rolls back alone and only its caller sees the error", async () => {
    const { db } = freshDb();
    const { hooks, committed } = recordingHooks();
    const group = new GroupCommit(db, () => Date.now(), hooks);
    let commits = 0;
    const exec = db.$client.exec.bind(db.$client);
    db.$client.exec = ((sql: string) => {
      if (sql === "COMMIT") commits++;
      return exec(sql);
    }) as typeof db.$client.exec;

    const results = await Promise.allSettled([
      group.run((tx) => {
        insert(tx.db, "a");
        tx.emit("inbox.created", ev(1));
        return "first";
      }),
      group.run((tx) => {
        insert(tx.db, "b");
        tx.emit("inbox.created", ev(2));
        throw new Error("second fails");
      }),
      group.run((tx) => {
        // The third body sees the first one's write, as if they ran one after another.
        tx.emit("inbox.created", ev(3));
        return count(tx.db);
      }),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((results[0] as PromiseFulfilledResult<string>).value).toBe("first");
    expect((results[1] as PromiseRejectedResult).reason.message).toBe("second fails");
    expect((results[2] as PromiseFulfilledResult<number>).value).toBe(1);
    expect(commits).toBe(1);
    expect((db.$client.query("SELECT body FROM notes_t").all() as { body: string }[]).map((r) => r.body)).toEqual(["a"]);
    // Events of the rolled-back body are never announced.
    expect(committed.map((e) => (e.data as { account_id: number }).account_id)).toEqual([1, 3]);
  });

  test("while another connection holds the write lock, the batch waits without blocking the event loop, then commits", async () => {
    const { db, path } = freshDb();
    const { hooks, committed } = recordingHooks();
    const group = new GroupCommit(db, () => Date.now(), hooks);
    const other = new Database(path);
    other.exec("BEGIN IMMEDIATE");
    other.exec("INSERT INTO notes_t (body) VALUES ('other')");
    const order: string[] = [];
    // Same thread: if BEGIN slept in SQLite's busy handler, neither timer could fire and the lock would never be released.
    setTimeout(() => order.push("event loop ran"), 5);
    setTimeout(() => {
      other.exec("COMMIT");
      order.push("lock released");
    }, 40);
    const first = group.run((tx) => {
      insert(tx.db, "a");
      tx.emit("inbox.created", ev(1));
      return count(tx.db);
    });
    await Bun.sleep(10);
    const second = group.run((tx) => count(tx.db)); // queued while the lock is busy: joins the same batch
    const [n1, n2] = await Promise.all([first, second]);
    order.push("committed");
    expect(order).toEqual(["event loop ran", "lock released", "committed"]);
    expect([n1, n2]).toEqual([2, 2]);
    expect(committed).toHaveLength(1);
    expect((db.$client.query("PRAGMA busy_timeout").get() as { timeout: number }).timeout).toBe(5000);
    other.close();
  });

  test("nothing is announced and every caller fails when the COMMIT itself fails", async () => {
    const { db } = freshDb();
    const { hooks, committed } = recordingHooks();
    const group = new GroupCommit(db, () => Date.now(), hooks);
    const exec = db.$client.exec.bind(db.$client);
    db.$client.exec = ((sql: string) => {
      if (sql === "COMMIT") throw new Error("disk full");
      return exec(sql);
    }) as typeof db.$client.exec;
    const results = await Promise.allSettled([group.run((tx) => insert(tx.db, "x")), group.run((tx) => tx.emit("inbox.created", ev(1)))]);
    expect(results.every((r) => r.status === "rejected")).toBe(true);
    expect(committed).toEqual([]);
    db.$client.exec = exec as typeof db.$client.exec;
    expect(count(db)).toBe(0);
    expect(db.$client.inTransaction).toBe(false);
  });
});

describe("read cache", () => {
  test("stays warm across unrelated writes and is emptied by a change to a cached table, from any connection", async () => {
    const { db, path } = freshDb();
    const { hooks } = recordingHooks();
    let loads = 0;
    const read = () => cachedRead(db, "k", () => ++loads);
    expect(read()).toBe(1);
    runInTx(db, Date.now(), hooks, (tx) => insert(tx.db, "unrelated"));
    expect(read()).toBe(1);

    // Another process (here: another connection) changes an account: the next read loads again.
    const other = new Database(path);
    other.exec("INSERT INTO accounts (name, status, locale, created_at, updated_at) VALUES ('Other', 'active', 'en', 0, 0)");
    other.close();
    // Within one turn of the event loop the version is read once; another connection's change shows from the next turn on.
    expect(read()).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(read()).toBe(2);
    expect(read()).toBe(2);
  });

  test("inside a transaction that changed a cached table, values are read fresh and never kept past a rollback", () => {
    const { db } = freshDb();
    const { hooks } = recordingHooks();
    const name = () => cachedRead(db, "names", () => (db.$client.query("SELECT group_concat(name) AS n FROM accounts").get() as { n: string | null }).n ?? "");
    expect(name()).toBe("");
    expect(() =>
      runInTx(db, Date.now(), hooks, (tx) => {
        tx.db.$client.exec("INSERT INTO accounts (name, status, locale, created_at, updated_at) VALUES ('Doomed', 'active', 'en', 0, 0)");
        expect(name()).toBe("Doomed");
        throw new Error("roll back");
      }),
    ).toThrow("roll back");
    expect(name()).toBe("");
  });
});

describe("before commit and savepoints", () => {
  test("beforeCommit runs after the body, inside its transaction (also in a group commit); what it leaves runs too", async () => {
    const { db } = freshDb();
    const { hooks, committed } = recordingHooks();
    const order: string[] = [];
    runInTx(db, Date.now(), hooks, (tx) => {
      tx.beforeCommit(() => {
        order.push(`finisher sees ${count(tx.db)}`);
        insert(tx.db, "by finisher");
        tx.emit("inbox.created", ev(2));
        tx.beforeCommit(() => order.push("nested finisher"));
      });
      insert(tx.db, "body");
      tx.emit("inbox.created", ev(1));
      order.push("body done");
    });
    expect(order).toEqual(["body done", "finisher sees 1", "nested finisher"]);
    expect(count(db)).toBe(2);
    expect(committed.map((e) => (e.data as { account_id: number }).account_id)).toEqual([1, 2]);

    // In a group commit a failing finisher fails its own body only.
    const group = new GroupCommit(db, () => Date.now(), hooks);
    const results = await Promise.allSettled([
      group.run((tx) => tx.beforeCommit(() => insert(tx.db, "kept"))),
      group.run((tx) => {
        insert(tx.db, "dropped");
        tx.beforeCommit(() => {
          throw new Error("finisher failed");
        });
      }),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected"]);
    expect((db.$client.query("SELECT body FROM notes_t ORDER BY id").all() as { body: string }[]).map((r) => r.body)).toEqual(["body", "by finisher", "kept"]);
  });

  test("a failing savepoint undoes its writes, events, callbacks and finishers; the transaction goes on", () => {
    const { db } = freshDb();
    const { hooks, committed } = recordingHooks();
    const ran: string[] = [];
    runInTx(db, Date.now(), hooks, (tx) => {
      insert(tx.db, "before");
      expect(
        tx.savepoint(() => {
          insert(tx.db, "inside, kept");
          return 7;
        }),
      ).toBe(7);
      expect(() =>
        tx.savepoint(() => {
          insert(tx.db, "inside, undone");
          tx.emit("inbox.created", ev(9));
          tx.afterCommit(() => ran.push("undone callback"));
          tx.beforeCommit(() => ran.push("undone finisher"));
          throw new Error("step failed");
        }),
      ).toThrow("step failed");
      tx.emit("inbox.created", ev(1));
      tx.afterCommit(() => ran.push("callback"));
    });
    expect((db.$client.query("SELECT body FROM notes_t ORDER BY id").all() as { body: string }[]).map((r) => r.body)).toEqual(["before", "inside, kept"]);
    expect(committed.map((e) => (e.data as { account_id: number }).account_id)).toEqual([1]);
    expect(ran).toEqual(["callback"]);
  });
});

describe("commit logs", () => {
  /** A log that writes each COMMIT's items as one row of notes_t (JSON). */
  const log: CommitLog<string> = { write: (db, _now, items) => void insert(db, JSON.stringify(items)) };
  const rows = (db: Db) => (db.$client.query("SELECT body FROM notes_t ORDER BY id").all() as { body: string }[]).map((r) => JSON.parse(r.body));

  test("a group commit writes the items of all its committed bodies once, in order; a failed body's and an undone savepoint's are left out", async () => {
    const { db } = freshDb();
    const group = new GroupCommit(db, () => Date.now(), recordingHooks().hooks);
    const results = await Promise.allSettled([
      group.run((tx) => {
        tx.append(log, "a1");
        tx.append(log, "a2");
      }),
      group.run((tx) => {
        tx.append(log, "b");
        throw new Error("b fails");
      }),
      group.run((tx) => {
        expect(() =>
          tx.savepoint(() => {
            tx.append(log, "c-undone");
            throw new Error("step fails");
          }),
        ).toThrow("step fails");
        tx.append(log, "c");
      }),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(rows(db)).toEqual([["a1", "a2", "c"]]);
  });

  test("runInTx writes its items before COMMIT, nothing on rollback, and no write at all without items", () => {
    const { db } = freshDb();
    const { hooks } = recordingHooks();
    runInTx(db, Date.now(), hooks, (tx) => tx.append(log, "kept"));
    expect(() =>
      runInTx(db, Date.now(), hooks, (tx) => {
        tx.append(log, "rolled back");
        throw new Error("no");
      }),
    ).toThrow("no");
    runInTx(db, Date.now(), hooks, () => {});
    expect(rows(db)).toEqual([["kept"]]);
  });

  test("a failing write fails the whole COMMIT: no body's writes stay, every caller gets the error", async () => {
    const { db } = freshDb();
    const group = new GroupCommit(db, () => Date.now(), recordingHooks().hooks);
    const broken: CommitLog<string> = {
      write: () => {
        throw new Error("log write failed");
      },
    };
    const results = await Promise.allSettled([
      group.run((tx) => insert(tx.db, "x")),
      group.run((tx) => {
        insert(tx.db, "y");
        tx.append(broken, "z");
      }),
    ]);
    expect(results.map((r) => (r.status === "rejected" ? String(r.reason) : "ok"))).toEqual(["Error: log write failed", "Error: log write failed"]);
    expect(count(db)).toBe(0);
  });
});
