import type { Db } from "../../db/client.ts";
import { MESSAGE_SEARCH_TABLE } from "./queries.ts";

/** Pages of merge work one background pass may write (FTS5 pages are 4 KB by default, so about 1 MB). */
export const MERGE_PAGES_PER_PASS = 256;
export const MERGE_EVERY_MS = 5_000;

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
