// The WAL checkpointer's thread (started by src/db/checkpointer.ts): PASSIVE checkpoints on a connection of its own,
// so copying committed pages into the database file — and the fsyncs that go with it — never stall the thread that
// serves requests. PASSIVE never waits for writers or readers; what it cannot copy now, the next pass does.
import { Database } from "bun:sqlite";

declare const self: Worker;

self.onmessage = (event: MessageEvent<{ path: string; everyMs: number }>) => {
  const db = new Database(event.data.path);
  db.exec("PRAGMA busy_timeout = 5000");
  const checkpoint = db.prepare("PRAGMA wal_checkpoint(PASSIVE)");
  setInterval(() => {
    try {
      checkpoint.get();
    } catch (err) {
      postMessage({ error: String(err) });
    }
  }, event.data.everyMs);
  postMessage({ ready: true });
};
