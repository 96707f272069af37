// Where the time of an API request goes, statement by statement: runs the real app in this process on a data
// dir (e.g. one made by scripts/seed-bench.ts), sends each request a number of times, and prints every SQL
// statement it ran with calls per request, time per request and SQLite's EXPLAIN QUERY PLAN.
//
//   bun bench/explain.ts DATA_DIR [--runs 20] [--as bench@example.com] [--post JSON] [PATH ...]
//
// PATH defaults to the benchmark's list and search requests of account 1; --as picks the user whose API token
// is used (agent1@example.com is the seed's agent); --post sends POSTs with that JSON body instead of GETs.
// Work on a copy of a data dir: the app writes to it.
import type { Database, Statement } from "bun:sqlite";
import { join } from "node:path";

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const k = args.indexOf(`--${name}`);
  if (k < 0) return fallback;
  const v = args[k + 1]!;
  args.splice(k, 2);
  return v;
};
const runs = Number(flag("runs", "20"));
const as = flag("as", "bench@example.com");
const post = flag("post", "");
const [dataDir, ...given] = args;
if (!dataDir) {
  console.error("usage: bun bench/explain.ts DATA_DIR [--runs 20] [--as EMAIL] [--post JSON] [PATH ...]");
  process.exit(2);
}
const paths = given.length
  ? given
  : [
      "/api/v1/accounts/1/conversations?page=1",
      "/api/v1/accounts/1/conversations?page=50",
      "/api/v1/accounts/1/contacts/search?q=livia",
      "/api/v1/accounts/1/contacts/search?q=%40initech",
    ];

const { loadConfig } = await import("../src/config.ts");
const { startServer } = await import("../src/server.ts");
const server = startServer(loadConfig({ PORT: "0", PARLEY_DATA_DIR: dataDir, PARLEY_LOG_LEVEL: "error" }), { startJobs: false });
const sqlite: Database = server.deps.db.$client;

type Stat = { calls: number; ms: number; params: unknown[] };
let stats = new Map<string, Stat>();
let recording = false;

const instrumented = new WeakSet<Statement>();

/** Wraps a statement's run methods so each call is timed under its SQL text (once: query() returns cached statements). */
function instrument(sql: string, st: Statement): Statement {
  if (instrumented.has(st)) return st;
  instrumented.add(st);
  for (const method of ["all", "get", "run", "values"] as const) {
    const original = st[method].bind(st) as (...a: unknown[]) => unknown;
    (st as unknown as Record<string, unknown>)[method] = (...params: unknown[]) => {
      const t0 = performance.now();
      try {
        return original(...params);
      } finally {
        if (recording) {
          let s = stats.get(sql);
          if (!s) stats.set(sql, (s = { calls: 0, ms: 0, params: [] }));
          s.calls++;
          s.ms += performance.now() - t0;
          s.params = params;
        }
      }
    };
  }
  return st;
}
const exec = sqlite.exec.bind(sqlite) as (sql: string, ...rest: unknown[]) => unknown;
(sqlite as unknown as Record<string, unknown>).exec = (sql: string, ...rest: unknown[]) => {
  const t0 = performance.now();
  try {
    return exec(sql, ...rest);
  } finally {
    if (recording) {
      let s = stats.get(sql);
      if (!s) stats.set(sql, (s = { calls: 0, ms: 0, params: [] }));
      s.calls++;
      s.ms += performance.now() - t0;
    }
  }
};
for (const method of ["prepare", "query"] as const) {
  const original = sqlite[method].bind(sqlite) as (sql: string, ...rest: unknown[]) => Statement;
  (sqlite as unknown as Record<string, unknown>)[method] = (sql: string, ...rest: unknown[]) => instrument(sql, original(sql, ...rest));
}

const token = (
  new (await import("bun:sqlite")).Database(join(dataDir, "parley.db"), { readonly: true })
    .query("SELECT t.token FROM access_tokens t JOIN users u ON u.id = t.owner_id AND t.owner_type = 'User' WHERE u.email = ?")
    .get(as) as { token: string } | null
)?.token;
if (!token) throw new Error(`no user ${as} with an API token in ${dataDir}`);

function plan(sql: string, params: unknown[]): string {
  try {
    const rows = sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(params as [])) as { id: number; parent: number; detail: string }[];
    const depth = new Map<number, number>([[0, 0]]);
    return rows
      .map((r) => {
        const d = (depth.get(r.parent) ?? 0) + 1;
        depth.set(r.id, d);
        return `${"  ".repeat(d)}${r.detail}`;
      })
      .join("\n");
  } catch (err) {
    return `  (no plan: ${(err as Error).message})`;
  }
}

for (const path of paths) {
  const get = async () => {
    const res = await fetch(server.url + path, {
      method: post ? "POST" : "GET",
      headers: { api_access_token: token, ...(post ? { "content-type": "application/json" } : {}) },
      ...(post ? { body: post } : {}),
    });
    const body = await res.text();
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${body.slice(0, 200)}`);
  };
  await get(); // warm (statement caches, search index)
  stats = new Map();
  recording = true;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await get();
    times.push(performance.now() - t0);
  }
  recording = false;
  times.sort((a, b) => a - b);
  const sqlMs = [...stats.values()].reduce((a, s) => a + s.ms, 0) / runs;
  console.log(`\n=== ${post ? "POST" : "GET"} ${path} as ${as}: median ${times[Math.floor(runs / 2)]!.toFixed(1)} ms, of which SQL ${sqlMs.toFixed(1)} ms (${runs} runs)`);
  for (const [sql, s] of [...stats].sort((a, b) => b[1].ms - a[1].ms)) {
    console.log(`\n${(s.ms / runs).toFixed(2)} ms/request, ${(s.calls / runs).toFixed(1)} calls/request: ${sql.replace(/\s+/g, " ").slice(0, 400)}`);
    console.log(`  params ${JSON.stringify(s.params).slice(0, 200)}`);
    if (s.ms / runs > 0.2) console.log(plan(sql, s.params));
  }
}
await server.stop();
