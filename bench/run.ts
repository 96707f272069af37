// `npm run bench`: Parley's benchmarks, quoted against the same run's baselines because machines here are noisy.
//
// Baselines (bench/baseline-server.ts, its own Bun process): (a) an empty Hono JSON route, (b) a Hono route doing
// one SQLite insert. Scenarios: authenticated GET /api/v1/profile (token auth + reads) on the real app with a
// fresh data dir; cold start of dist/parley to the first 200 on /health; idle RSS; peak RSS under load.
// Everything runs on loopback, bounded in time; the run never exits non-zero for a missed target.
//
// Environment (all optional):
//   BENCH_DURATION=10     seconds of measured load per scenario (after BENCH_WARMUP=2 seconds of warm-up)
//   BENCH_CONNECTIONS=50  concurrent connections
//   BENCH_COLD_RUNS=5     cold starts to take the median of
//   BENCH_IDLE_SECONDS=3  idle time before reading the server's RSS
//   BENCH_TARGET=dist     "dist" (dist/parley, built when missing or older than the sources) or "source" (bun src/main.ts)
// Output: a markdown table on stdout and in bench/results/latest.md (raw numbers in bench/results/latest.json).
import autocannon from "autocannon";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pkg from "../package.json" with { type: "json" };

const ROOT = resolve(import.meta.dir, "..");
const DURATION = num("BENCH_DURATION", 10);
const WARMUP = num("BENCH_WARMUP", 2);
const CONNECTIONS = num("BENCH_CONNECTIONS", 50);
const COLD_RUNS = num("BENCH_COLD_RUNS", 5);
const IDLE_SECONDS = num("BENCH_IDLE_SECONDS", 3);
const TARGET = process.env.BENCH_TARGET === "source" ? "source" : "dist";
const BINARY = join(ROOT, "dist/parley");
const PLATFORM_TOKEN = "bench-platform-token-0123456789abcdef";

const TARGETS = { profileRatio: 0.6, coldStartMs: 300, idleRssMb: 80 };

function num(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

// ---- processes ----------------------------------------------------------------------------------------------------

const scratch = mkdtempSync(join(tmpdir(), "parley-bench-"));
const children = new Set<ReturnType<typeof Bun.spawn>>();

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

type Proc = { proc: ReturnType<typeof Bun.spawn>; url: string; log: string; stop(): Promise<void> };

function spawn(cmd: string[], opts: { cwd: string; env: Record<string, string>; port: number; name: string }): Proc {
  const log = join(scratch, `${opts.name}.log`);
  const proc = Bun.spawn(cmd, {
    cwd: opts.cwd,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: scratch, ...opts.env },
    stdin: "ignore",
    stdout: Bun.file(log),
    stderr: Bun.file(`${log}.err`),
  });
  children.add(proc);
  return {
    proc,
    url: `http://127.0.0.1:${opts.port}`,
    log,
    async stop() {
      if (proc.exitCode === null && !proc.killed) proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), 5000);
      await proc.exited;
      clearTimeout(timer);
      children.delete(proc);
    },
  };
}

/** Milliseconds until `url` first answers 200, polling every 2 ms; throws after timeoutMs. */
async function untilOk(url: string, proc: ReturnType<typeof Bun.spawn>, started: number, timeoutMs = 15000): Promise<number> {
  while (performance.now() - started < timeoutMs) {
    if (proc.exitCode !== null) throw new Error(`process exited (${proc.exitCode}) before ${url} answered`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === 200) return performance.now() - started;
    } catch {
      // not listening yet
    }
    await Bun.sleep(2);
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

async function rssMb(pid: number): Promise<number> {
  const status = await Bun.file(`/proc/${pid}/status`).text();
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

function sampleRss(pid: number, everyMs = 50) {
  let peak = 0;
  const timer = setInterval(() => {
    rssMb(pid).then((mb) => (peak = Math.max(peak, mb)), () => {});
  }, everyMs);
  return {
    async stop() {
      clearInterval(timer);
      peak = Math.max(peak, await rssMb(pid).catch(() => 0));
      return peak;
    },
  };
}

// ---- load ---------------------------------------------------------------------------------------------------------

type Load = { rps: number; p50: number; p99: number; requests: number; non2xx: number; errors: number; peakRssMb: number };
type Request = { path: string; method?: "GET" | "POST"; headers?: Record<string, string>; body?: string };

async function load(target: Proc, req: Request): Promise<Load> {
  const opts = {
    url: target.url + req.path,
    method: req.method ?? "GET",
    headers: req.headers,
    body: req.body,
    connections: CONNECTIONS,
  };
  await autocannon({ ...opts, duration: WARMUP });
  const rss = sampleRss(target.proc.pid);
  const r = await autocannon({ ...opts, duration: DURATION });
  const peakRssMb = await rss.stop();
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    peakRssMb,
  };
}

// ---- the executable -------------------------------------------------------------------------------------------------

function newestSourceMtime(): number {
  let newest = 0;
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (!entry.name.endsWith(".test.ts")) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const dir of ["src", "views", "static", "migrations"]) walk(join(ROOT, dir));
  return Math.max(newest, statSync(join(ROOT, "package.json")).mtimeMs);
}

function ensureBinary(): string {
  const stale = !existsSync(BINARY) || statSync(BINARY).mtimeMs < newestSourceMtime();
  if (!stale) return "dist/parley (up to date)";
  console.log(existsSync(BINARY) ? "dist/parley is older than the sources: building" : "dist/parley is missing: building");
  const build = Bun.spawnSync([process.execPath, "scripts/build.ts"], { cwd: ROOT, stdout: "inherit", stderr: "inherit" });
  if (build.exitCode !== 0) throw new Error("npm run build failed");
  return "dist/parley (built for this run)";
}

function startParley(name: string, extraEnv: Record<string, string> = {}, port: number, kind: "dist" | "source" = TARGET): Proc {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  const env = { PORT: String(port), PARLEY_DATA_DIR: join(dir, "data"), ...extraEnv };
  const cmd = kind === "dist" ? [BINARY, "serve"] : [process.execPath, join(ROOT, "src/main.ts"), "serve"];
  return spawn(cmd, { cwd: kind === "dist" ? dir : ROOT, env, port, name });
}

// ---- setup of the profile scenario --------------------------------------------------------------------------------

async function json(res: Response, what: string) {
  const text = await res.text();
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status} ${text.slice(0, 200)}`);
  return JSON.parse(text);
}

/** An account with an administrator, through the Platform API (as an integration would); returns the user's token. */
async function createUserViaPlatform(base: string): Promise<string> {
  const headers = { api_access_token: PLATFORM_TOKEN, "content-type": "application/json" };
  const post = (path: string, body: unknown) => fetch(base + path, { method: "POST", headers, body: JSON.stringify(body) });
  const account = await json(await post("/platform/api/v1/accounts", { name: "Bench" }), "create account");
  const user = await json(
    await post("/platform/api/v1/users", { name: "Bench Admin", email: "bench@example.com", password: "Bench-passw0rd!" }),
    "create user",
  );
  await json(await post(`/platform/api/v1/accounts/${account.id}/account_users`, { user_id: user.id, role: "administrator" }), "add account user");
  if (!user.access_token) throw new Error("the Platform API returned no access_token");
  return user.access_token;
}

/**
 * Fallback while the Platform API cannot create users yet: the onboarding command (the first visit's form) run
 * in this process against the server's data dir (SQLite WAL allows a second process), then the user's token.
 */
async function createUserViaOnboarding(dataDir: string): Promise<string> {
  const { loadConfig } = await import("../src/config.ts");
  const { startServer } = await import("../src/server.ts");
  const { completeOnboarding } = await import("../src/domain/auth/commands.ts");
  const { accessTokenOf } = await import("../src/domain/users/queries.ts");
  const server = startServer(loadConfig({ PORT: "0", PARLEY_DATA_DIR: dataDir, PARLEY_LOG_LEVEL: "silent" }), { startJobs: false });
  try {
    const { user } = await completeOnboarding(server.deps, {
      name: "Bench Admin",
      email: "bench@example.com",
      password: "Bench-passw0rd!",
      accountName: "Bench",
      ip: "127.0.0.1",
    });
    const token = accessTokenOf(server.deps.db, user.id);
    if (!token) throw new Error("onboarding gave the user no access token");
    return token;
  } finally {
    await server.stop();
  }
}

// ---- report -------------------------------------------------------------------------------------------------------

const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const verdict = (ok: boolean) => (ok ? "PASS" : "FAIL");

async function main() {
  const started = performance.now();
  const binary = ensureBinary();
  const commit = Bun.spawnSync(["git", "rev-parse", "--short", "HEAD"], { cwd: ROOT }).stdout.toString().trim() || "unknown";
  const notes: string[] = [];

  // Both servers run side by side for the whole load phase, and the empty route is measured before and after
  // Parley's scenario, so a machine that gets busier or quieter during the run moves both sides of the ratio.
  const basePort = await freePort();
  const baseline = spawn([process.execPath, join(ROOT, "bench/baseline-server.ts"), join(scratch, "baseline")], {
    cwd: ROOT,
    env: { PORT: String(basePort) },
    port: basePort,
    name: "baseline",
  });
  const appPort = await freePort();
  const app = startParley("app", { PARLEY_PLATFORM_TOKEN: PLATFORM_TOKEN }, appPort);
  await untilOk(`${baseline.url}/empty`, baseline.proc, performance.now());
  await untilOk(`${app.url}/health`, app.proc, performance.now());

  // Idle RSS: a few seconds after start, before any load.
  await Bun.sleep(IDLE_SECONDS * 1000);
  const idle = await rssMb(app.proc.pid);
  const baselineIdle = await rssMb(baseline.proc.pid);

  let token: string;
  try {
    token = await createUserViaPlatform(app.url);
  } catch (err) {
    notes.push(`the Platform API could not create the user (${(err as Error).message}); it was created by the onboarding command instead`);
    token = await createUserViaOnboarding(join(scratch, "app", "data"));
  }
  const check = await fetch(`${app.url}/api/v1/profile`, { headers: { api_access_token: token } });
  if (check.status !== 200) throw new Error(`GET /api/v1/profile with the new token answered ${check.status}`);
  await check.arrayBuffer();

  console.log("baseline (a): empty Hono JSON route …");
  const emptyBefore = await load(baseline, { path: "/empty" });
  console.log("baseline (b): Hono route with one SQLite insert …");
  const insert = await load(baseline, {
    path: "/insert",
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "message.created", content: "Hello from the benchmark" }),
  });
  console.log("parley: GET /api/v1/profile …");
  const profile = await load(app, { path: "/api/v1/profile", headers: { api_access_token: token } });
  console.log("baseline (a) again …");
  const emptyAfter = await load(baseline, { path: "/empty" });
  const empty: Load = {
    rps: (emptyBefore.rps + emptyAfter.rps) / 2,
    p50: Math.max(emptyBefore.p50, emptyAfter.p50),
    p99: Math.max(emptyBefore.p99, emptyAfter.p99),
    requests: emptyBefore.requests + emptyAfter.requests,
    non2xx: emptyBefore.non2xx + emptyAfter.non2xx,
    errors: emptyBefore.errors + emptyAfter.errors,
    peakRssMb: Math.max(emptyBefore.peakRssMb, emptyAfter.peakRssMb),
  };
  const drift = Math.abs(emptyBefore.rps - emptyAfter.rps) / empty.rps;
  notes.push(
    `baseline (a) is the mean of ${fmt(emptyBefore.rps)} req/s before and ${fmt(emptyAfter.rps)} req/s after Parley's scenario` +
      (drift > 0.15 ? ` (they differ by ${fmt(drift * 100)} %: the machine was busy; trust the ratios less)` : ""),
  );
  const appLogBytes = existsSync(`${app.log}.err`) ? statSync(`${app.log}.err`).size : 0;
  await Promise.all([app.stop(), baseline.stop()]);
  if (appLogBytes > 100_000) notes.push(`the server wrote ${fmt(appLogBytes / 1024)} KB of logs during the run`);

  // Cold start of the executable: spawn → first 200 on /health, from an empty data dir each time.
  console.log(`cold start × ${COLD_RUNS} …`);
  const cold: number[] = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const port = await freePort();
    const t0 = performance.now();
    const p = startParley(`cold-${i}`, {}, port, "dist");
    cold.push(await untilOk(`${p.url}/health`, p.proc, t0));
    await p.stop();
  }
  cold.sort((a, b) => a - b);
  const coldMedian = cold[Math.floor(cold.length / 2)]!;

  for (const [name, r] of Object.entries({ empty, insert, profile })) {
    if (r.non2xx || r.errors) notes.push(`${name}: ${r.non2xx} non-2xx responses and ${r.errors} errors/timeouts out of ${r.requests}`);
  }

  const ratio = profile.rps / empty.rps;
  const meta = {
    date: new Date().toISOString(),
    commit,
    parley: pkg.version,
    bun: Bun.version,
    cpu: `${cpus()[0]?.model ?? "?"} × ${cpus().length}`,
    target: TARGET === "dist" ? binary : "source (bun src/main.ts)",
    duration: DURATION,
    warmup: WARMUP,
    connections: CONNECTIONS,
  };
  const md = [
    `# Parley benchmarks`,
    ``,
    `${meta.date} · commit ${meta.commit} · Parley ${meta.parley} · Bun ${meta.bun} · ${meta.cpu}`,
    `Load: autocannon in the bench process, ${CONNECTIONS} connections, ${WARMUP} s warm-up then ${DURATION} s measured, loopback.`,
    `Server under test: ${meta.target}. Baselines: bench/baseline-server.ts in its own Bun process.`,
    ``,
    `| Scenario | req/s | p50 | p99 | vs empty route | peak RSS | target | |`,
    `| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |`,
    `| baseline (a): empty Hono JSON route (mean of 2) | ${fmt(empty.rps)} | ${empty.p50} ms | ${empty.p99} ms | 1.00 | ${fmt(empty.peakRssMb)} MB | | |`,
    `| baseline (b): Hono + one SQLite insert | ${fmt(insert.rps)} | ${insert.p50} ms | ${insert.p99} ms | ${fmt(insert.rps / empty.rps, 2)} | ${fmt(insert.peakRssMb)} MB | | |`,
    `| GET /api/v1/profile (token auth + reads) | ${fmt(profile.rps)} | ${profile.p50} ms | ${profile.p99} ms | **${fmt(ratio, 2)}** | ${fmt(profile.peakRssMb)} MB | ≥ ${TARGETS.profileRatio.toFixed(2)} of (a) | ${verdict(ratio >= TARGETS.profileRatio)} |`,
    ``,
    `| Start-up and memory | value | target | |`,
    `| --- | ---: | --- | --- |`,
    `| cold start of dist/parley to first 200 on /health (median of ${COLD_RUNS}, empty data dir) | ${fmt(coldMedian)} ms (${fmt(cold[0]!)}–${fmt(cold[cold.length - 1]!)}) | < ${TARGETS.coldStartMs} ms | ${verdict(coldMedian < TARGETS.coldStartMs)} |`,
    `| idle RSS of Parley, ${IDLE_SECONDS} s after start | ${fmt(idle, 1)} MB | < ${TARGETS.idleRssMb} MB | ${verdict(idle < TARGETS.idleRssMb)} |`,
    `| peak RSS of Parley during the profile load | ${fmt(profile.peakRssMb, 1)} MB | | |`,
    `| idle RSS of the baseline server (for comparison) | ${fmt(baselineIdle, 1)} MB | | |`,
    ``,
    ...(notes.length ? ["Notes:", ...notes.map((n) => `- ${n}`), ""] : []),
    `Whole run: ${fmt((performance.now() - started) / 1000)} s.`,
    ``,
  ].join("\n");

  console.log("\n" + md);
  const results = join(ROOT, "bench/results");
  mkdirSync(results, { recursive: true });
  writeFileSync(join(results, "latest.md"), md);
  writeFileSync(
    join(results, "latest.json"),
    JSON.stringify({ meta, empty, emptyBefore, emptyAfter, insert, profile, coldStartMs: cold, idleRssMb: idle, baselineIdleRssMb: baselineIdle, targets: TARGETS }, null, 2) + "\n",
  );
  console.log(`written to bench/results/latest.md`);
}

try {
  await main();
} catch (err) {
  console.error(`bench failed: ${(err as Error).message}`);
  for (const f of readdirSync(scratch).filter((f) => f.endsWith(".log.err"))) console.error(`(server log kept in ${join(scratch, f)})`);
  for (const child of children) child.kill("SIGKILL");
  process.exit(1);
}
rmSync(scratch, { recursive: true, force: true });
