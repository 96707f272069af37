import type { Db } from "../../db/client.ts";

/** The FTS5 index of message text (migration 0006). */
export const MESSAGE_SEARCH_TABLE = "message_search";

/**
 * Pages of merge work one background pass may write (FTS5 pages are 4 KB, so about 256 KB). Small passes often rather
 * than big ones rarely: each pass holds the event loop, and requests waiting behind it are the latency tail.
 */
export const MERGE_PAGES_PER_PASS = 64;
export const MERGE_EVERY_MS = 1_000;
/** How often the periodic task indexes new messages (a search also catches up first, so results are never stale). */
export const INDEX_EVERY_MS = 1_000;
/** Messages indexed per transaction. The periodic task yields to requests between transactions. */
const CATCH_UP_BATCH = 500;

const newestMessageId = (db: Db) => (db.$client.query("SELECT coalesce(max(id), 0) AS id FROM messages").get() as { id: number }).id;

/**
 * Indexes up to `batch` messages written since the last catch-up, in one transaction (migration 0009: message inserts
 * carry no FTS work; one FTS5 insert of many rows costs far less per message than one per commit). Returns how many
 * message ids it covered (0 when the index is up to date: one lookup of the newest message id).
 */
function indexNextBatch(db: Db, newest: number, batch: number): number {
  const sqlite = db.$client;
  return sqlite
    .transaction(() => {
      // Read inside the write lock: another catch-up (a search, the periodic task) may have gone first.
      const from = (sqlite.query("SELECT last_id FROM search_index_state WHERE name = 'messages'").get() as { last_id: number } | null)?.last_id;
      if (from == null || from >= newest) return 0;
      const to = Math.min(newest, from + batch);
      sqlite
        .query(
          `INSERT INTO ${MESSAGE_SEARCH_TABLE}(rowid, content)
           SELECT id, content FROM messages WHERE id > ?1 AND id <= ?2 AND content IS NOT NULL AND message_type <> 2`,
        )
        .run(from, to);
      sqlite.query("UPDATE search_index_state SET last_id = ?1 WHERE name = 'messages'").run(to);
      return to - from;
    })
    .immediate();
}

/** Indexes every message written so far, now (a search does this first, so it never misses a message). */
export function catchUpMessageSearch(db: Db): number {
  const newest = newestMessageId(db);
  let total = 0;
  for (let n = indexNextBatch(db, newest, CATCH_UP_BATCH * 10); n > 0; n = indexNextBatch(db, newest, CATCH_UP_BATCH * 10)) total += n;
  return total;
}

/** The periodic task's catch-up: small transactions, yielding to waiting requests between them. */
export async function catchUpMessageSearchInBackground(db: Db): Promise<number> {
  const newest = newestMessageId(db);
  let total = 0;
  for (let n = indexNextBatch(db, newest, CATCH_UP_BATCH); n > 0; n = indexNextBatch(db, newest, CATCH_UP_BATCH)) {
    total += n;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return total;
}

/**
 * One pass of background merging for the message index (migration 0008 turned FTS5's automerge off, so
 * message inserts only add small segments). FTS5's 'merge' command with a positive page count works only on
 * levels holding at least `usermerge` (4) segments, so an idle index costs one structure read. Runs in its
 * own short write transaction, outside any request.
 */
export function mergeMessageSearch(db: Db, pages = MERGE_PAGES_PER_PASS): void {
  const sqlite = db.$client;
  sqlite.exec("BEGIN IMMEDIATE");
  try {
    sqlite.query(`INSERT INTO ${MESSAGE_SEARCH_TABLE}(${MESSAGE_SEARCH_TABLE}, rank) VALUES ('merge', ?)`).run(pages);
    sqlite.exec("COMMIT");
  } catch (err) {
    if (sqlite.inTransaction) sqlite.exec("ROLLBACK");
    throw err;
  }
}

/** How many b-tree segments the message index holds now (the structure record's segment count). */
export function messageSearchSegments(db: Db): number {
  // The %_data row with id 10 is FTS5's structure record; %_idx has one row per (segment, leaf-page term range).
  const row = db.$client.query(`SELECT count(DISTINCT segid) AS n FROM ${MESSAGE_SEARCH_TABLE}_idx`).get() as { n: number };
  return row.n;
}
