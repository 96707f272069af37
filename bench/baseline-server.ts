// The benchmark's baselines, served by their own Bun process so they are measured like the app (a separate
// process on loopback, driven by the same load generator). Not part of Parley.
//
//   GET  /empty   an empty Hono JSON route
//   POST /insert  a Hono route that parses a small JSON body and does one SQLite insert
//                 (bun:sqlite, WAL, synchronous=NORMAL, busy_timeout, foreign_keys: the pragmas of src/db/client.ts)
//
// Usage: bun bench/baseline-server.ts DATA_DIR   (listens on PORT, default 0 = any free port; prints {"port":N})
import { Database } from "bun:sqlite";
import { Hono } from "hono";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const dataDir = process.argv[2];
if (!dataDir) {
  console.error("usage: bun bench/baseline-server.ts DATA_DIR");
  process.exit(2);
}
mkdirSync(dataDir, { recursive: true });
const sqlite = new Database(join(dataDir, "baseline.db"), { create: true, strict: true });
sqlite.exec("PRAGMA busy_timeout = 5000");
sqlite.exec("PRAGMA journal_mode = WAL");
sqlite.exec("PRAGMA synchronous = NORMAL");
sqlite.exec("PRAGMA foreign_keys = ON");
sqlite.exec(
  "CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, payload TEXT NOT NULL, created_at INTEGER NOT NULL)",
);
const insert = sqlite.query("INSERT INTO events (name, payload, created_at) VALUES (?, ?, ?) RETURNING id");

const app = new Hono();
app.get("/empty", (c) => c.json({ ok: true }));
app.post("/insert", async (c) => {
  const body = (await c.req.json()) as { name?: string };
  const row = insert.get(String(body.name ?? "event"), JSON.stringify(body), Date.now()) as { id: number };
  return c.json({ id: row.id }, 201);
});

const server = Bun.serve({ port: Number(process.env.PORT ?? 0), hostname: "127.0.0.1", fetch: app.fetch });
console.log(JSON.stringify({ port: server.port }));

const stop = () => {
  server.stop(true);
  sqlite.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
