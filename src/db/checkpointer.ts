import type { Log } from "../lib/log.ts";
import type { Db } from "./client.ts";

/** SQLite's own default: the serving connection checkpoints after a commit leaves this many pages in the WAL. */
const SQLITE_AUTOCHECKPOINT = 1000;

/**
 * Where the worker's code is. In `dist/parley` every entrypoint (scripts/build.ts) sits in the executable's embedded
 * file system under its path below src/, while this module is bundled into the main one at that root.
 */
function workerUrl(): string | URL {
  return import.meta.url.includes("/$bunfs/") ? "/$bunfs/root/db/checkpoint-worker.ts" : new URL("./checkpoint-worker.ts", import.meta.url);
}

/**
 * Moves WAL checkpoints off the serving thread. SQLite runs one inside whichever commit pushes the WAL past 1,000
 * pages, fsyncs included, and the requests queued behind that commit wait for it (the message-create p99). A worker
 * thread checkpoints every `everyMs` on its own connection instead; once it runs, the serving connection stops
 * checkpointing. If the worker fails, SQLite's automatic checkpoints come back, so the WAL never grows unbounded.
 */
export function startCheckpointer(db: Db, path: string, log: Log, everyMs = 1000): () => void {
  const sqlite = db.$client;
  const fallBack = () => sqlite.exec(`PRAGMA wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT}`);
  let worker: Worker;
  try {
    worker = new Worker(workerUrl());
  } catch (err) {
    log.warn("checkpoint worker not started; SQLite checkpoints the WAL itself", { err });
    return () => {};
  }
  let stopped = false;
  worker.onmessage = (event: MessageEvent<{ ready?: boolean; error?: string }>) => {
    if (stopped) return;
    if (event.data.ready) {
      sqlite.exec("PRAGMA wal_autocheckpoint = 0");
      log.info("WAL checkpoints run in a worker thread", { everyMs });
    }
    else if (event.data.error) log.warn("WAL checkpoint failed; the next pass retries", { error: event.data.error });
  };
  worker.onerror = (event) => {
    log.error("checkpoint worker failed; SQLite checkpoints the WAL itself again", { error: event.message });
    if (!stopped) fallBack();
  };
  worker.postMessage({ path, everyMs });
  return () => {
    stopped = true;
    worker.terminate();
    fallBack();
  };
}
