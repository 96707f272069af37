// Global search timings on the seeded data set (scripts/seed-bench.ts): search() as the administrator and as
// an agent, each query type, p50/p95 over repeated runs. Usage: bun bench/search.ts DATA_DIR (the seed's dir;
// migrations are applied first, which builds the message index on first use).
import { eq } from "drizzle-orm";
import { join } from "node:path";
import { openDatabase } from "../src/db/client.ts";
import { migrate } from "../src/db/migrate.ts";
import { users } from "../src/db/schema/accounts.ts";
import { resolveAccountScope } from "../src/domain/accounts/access.ts";
import { search, type SearchType } from "../src/domain/search/queries.ts";

const dir = process.argv[2];
if (!dir) throw new Error("usage: bun bench/search.ts DATA_DIR");
const db = openDatabase(join(dir, "parley.db"));
const t0 = performance.now();
migrate(db.$client);
console.log(`migrate ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const accountId = 1;
const scopeOf = (id: number) => {
  const user = db.select().from(users).where(eq(users.id, id)).get()!;
  return resolveAccountScope(db, { type: "user", user, sessionId: null }, accountId);
};
const actors = { admin: scopeOf(1), agent: scopeOf(2) };
const queries = ["photo", "refund invoice", "crash", "10050", "emma garcia", "lucy.kelly333", "xyzzy", "th", "#50001"];
const types: SearchType[] = ["all", "conversations", "messages", "contacts"];
const RUNS = Number(process.env.RUNS ?? 20);
const all: number[] = [];
for (const [who, scope] of Object.entries(actors)) {
  for (const type of types) {
    for (const q of queries) {
      const times: number[] = [];
      let found = "";
      for (let i = 0; i < RUNS; i++) {
        const s = performance.now();
        const r = search(db, scope, q, { type, page: i % 5 === 4 ? 3 : 1 });
        times.push(performance.now() - s);
        if (i === 0) found = `c${r.conversations?.rows.length ?? "-"} m${r.messages?.rows.length ?? "-"} k${r.contacts?.rows.length ?? "-"}`;
      }
      times.sort((a, b) => a - b);
      all.push(...times);
      const p = (x: number) => times[Math.min(times.length - 1, Math.floor(times.length * x))]!.toFixed(1);
      console.log(`${who.padEnd(5)} ${type.padEnd(13)} ${JSON.stringify(q).padEnd(16)} p50 ${p(0.5).padStart(6)} ms  p95 ${p(0.95).padStart(6)} ms  ${found}`);
    }
  }
}
all.sort((a, b) => a - b);
console.log(`overall p50 ${all[Math.floor(all.length / 2)]!.toFixed(1)} ms, p95 ${all[Math.floor(all.length * 0.95)]!.toFixed(1)} ms over ${all.length} searches`);
