import type { Db } from "../../db/client.ts";

/** The FTS5 index of message text (migration 0006). */
export const MESSAGE_SEARCH_TABLE = "message_search";

/** Pages of merge work one background pass may write (FTS5 pages are 4 KB by default, so about 1 MB). */
export const MERGE_PAGES_PER_PASS = 256;
export const MERGE_EVERY_MS = 5_000;
/** How often the periodic task indexes new messages (a search also catches up first, so results are never stale). */
export const INDEX_EVERY_MS = 1_000;
/** Messages indexed per transaction when catching up. */
const CATCH_UP_BATCH = 5_000;

/**
 * Indexes the messages written since the last catch-up (migration 0009: message inserts carry no FTS work).
 * One FTS5 insert of many rows in a transaction costs far less per message than one per commit. Returns the
 * number of messages looked at. Cheap when there is nothing new: one lookup of the newest message id.
 */
export function catchUpMessageSearch(db: Db): number {
  const sqlite = db.$client;
  const newest = (sqlite.query("SELECT coalesce(max(id), 0) AS id FROM messages").get() as { id: number }).id;
  const state = sqlite.query("SELECT last_id FROM search_index_state WHERE name = 'messages'").get() as { last_id: number } | null;
  if (!state || state.last_id >= newest) return 0;
  let total = 0;
  for (;;) {
    const done = sqlite
      .transaction(() => {
        // Re-read inside the write lock: another catch-up (a search, the periodic task) may have gone first.
        const from = (sqlite.query("SELECT last_id FROM search_index_state WHERE name = 'messages'").get() as { last_id: number }).last_id;
        const to = Math.min(newest, from + CATCH_UP_BATCH);
        if (from >= to) return true;
        sqlite
          .query(
            `INSERT INTO ${MESSAGE_SEARCH_TABLE}(rowid, content)
             SELECT id, content FROM messages WHERE id > ?1 AND id <= ?2 AND content IS NOT NULL AND message_type <> 2`,
          )
          .run(from, to);
        sqlite.query("UPDATE search_index_state SET last_id = ?1 WHERE name = 'messages'").run(to);
        total += to - from;
        return to >= newest;
      })
      .immediate();
    if (done) return total;
  }
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
