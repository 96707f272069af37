// `npm run bench`: Parley's benchmarks, quoted against the same run's baselines because machines here are noisy.
//
// Baselines (bench/baseline-server.ts, its own Bun process): (a) an empty Hono JSON route, (b) a Hono route doing
// one SQLite insert. Scenarios, on the real app:
//   - authenticated GET /api/v1/profile (token auth + reads) with a fresh data dir;
//   - on a data set seeded by scripts/seed-bench.ts (100k contacts, 100k conversations, 1M messages; the seed's
//     time is a scenario too), checked through the API before anything is measured:
//       conversation list page 1 and page 50 (the default open list), as the administrator and as an agent who
//       is a member of some inboxes and a team; contact search (a mix of name, email and phone fragments);
//       message create (outgoing, by the administrator, spread over 100 open conversations);
//   - cold start of dist/parley to the first 200 on /health; idle RSS; peak RSS under load.
// Everything runs on loopback, bounded in time; the run never exits non-zero for a missed target.
//
// Environment (all optional):
//   BENCH_DURATION=10          seconds of measured load per scenario (after BENCH_WARMUP=2 seconds of warm-up)
//   BENCH_CONNECTIONS=50       concurrent connections of the baselines and the profile scenario
//   BENCH_WRITE_CONNECTIONS=32 connections of the message-create scenario (and of the insert baseline it is compared to)
//   BENCH_READ_CONNECTIONS=1,4 connections of the list and search scenarios, each measured at every value; their
//                              p95 target applies to the first (a latency target: the server is one thread, so a
//                              closed loop of c connections waits about c service times once saturated)
//   BENCH_CONTACTS=100000, BENCH_CONVERSATIONS=100000, BENCH_MESSAGES_PER_CONVERSATION=10   the seeded data set
//   BENCH_COLD_RUNS=5          cold starts to take the median of
//   BENCH_IDLE_SECONDS=3       idle time before reading the server's RSS
//   BENCH_TARGET=dist          "dist" (dist/parley, built when missing or older than the sources) or "source" (bun src/main.ts)
// Output: a markdown table on stdout and in bench/results/latest.md (raw numbers in bench/results/latest.json).
import autocannon from "autocannon";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pkg from "../package.json" with { type: "json" };
import type { SeedResult } from "../scripts/seed-bench.ts";
import { BENCH_PASSWORD } from "../scripts/seed-bench.ts";
import { WebClient } from "../src/web/test-client.ts";

const ROOT = resolve(import.meta.dir, "..");
const DURATION = num("BENCH_DURATION", 10);
const WARMUP = num("BENCH_WARMUP", 2);
const CONNECTIONS = num("BENCH_CONNECTIONS", 50);
const WRITE_CONNECTIONS = num("BENCH_WRITE_CONNECTIONS", 32);
const READ_CONNECTIONS = nums("BENCH_READ_CONNECTIONS", [1, 4]);
const SEED = {
  contacts: num("BENCH_CONTACTS", 100_000),
  conversations: num("BENCH_CONVERSATIONS", 100_000),
  messagesPerConversation: num("BENCH_MESSAGES_PER_CONVERSATION", 10),
};
const COLD_RUNS = num("BENCH_COLD_RUNS", 5);
const IDLE_SECONDS = num("BENCH_IDLE_SECONDS", 3);
const TARGET = process.env.BENCH_TARGET === "source" ? "source" : "dist";
const BINARY = join(ROOT, "dist/parley");
const PLATFORM_TOKEN = "bench-platform-token-0123456789abcdef";

const TARGETS = {
  profileRatio: 0.6,
  coldStartMs: 300,
  idleRssMb: 80,
  /** Message create: share of the one-insert baseline's req/s at the same connections, and its p99. */
  messageRatio: 0.4,
  messageP99Ms: 25,
  listP95Ms: 30,
  searchP95Ms: 30,
  seedSeconds: 60,
  /** The agent workspace (issue 5): first paint with the seeded 100k conversations, switching to a 500-message one. */
  workspaceFirstPaintMs: 300,
  workspaceSwitchMs: 100,
  dashboardJsGzipKb: 100,
};

function num(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

function nums(name: string, fallback: number[]): number[] {
  const list = (process.env[name] ?? "").split(",").map(Number).filter((v) => Number.isInteger(v) && v > 0);
  return list.length ? list : fallback;
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

const CLOCK_TICKS = Number(Bun.spawnSync(["getconf", "CLK_TCK"]).stdout.toString().trim()) || 100;

/** CPU time (user + system) the process has used so far, in ms: robust to a busy machine, unlike req/s. */
async function cpuMs(pid: number): Promise<number> {
  const stat = await Bun.file(`/proc/${pid}/stat`).text();
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
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

type Latency = { count: number; p50: number; p95: number; p99: number };
type Load = Latency & {
  rps: number;
  connections: number;
  requests: number;
  non2xx: number;
  errors: number;
  peakRssMb: number;
  /** Server CPU time per response (user + system), in ms. */
  cpuMsPerRequest: number;
  /** Latency per request label, when the load mixes labelled requests. */
  byLabel?: Record<string, Latency>;
};
type Request = { path: string; method?: "GET" | "POST"; body?: string; label?: string };
type LoadSpec = {
  /** Requests each connection cycles through in order; or `pick`, which chooses the next one at random. */
  requests: Request[];
  random?: boolean;
  headers?: Record<string, string>;
  connections?: number;
};

function percentiles(samples: number[]): Latency {
  const sorted = Float64Array.from(samples).sort();
  const at = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN);
  return { count: sorted.length, p50: at(50), p95: at(95), p99: at(99) };
}

/**
 * Drives the target for WARMUP then DURATION seconds. Latencies are every 2xx/non-2xx response's own time
 * (autocannon's response event, sub-millisecond), so p95 is exact rather than read off its fixed percentiles.
 */
async function load(target: Proc, spec: LoadSpec): Promise<Load> {
  const connections = spec.connections ?? CONNECTIONS;
  let label = "";
  const requests = spec.requests.map((r) => ({
    method: r.method ?? "GET",
    path: r.path,
    ...(r.body !== undefined ? { body: r.body } : {}),
    // Called just before autocannon's response event for the same response: tags the latency with the label.
    ...(r.label ? { onResponse: () => void (label = r.label!) } : {}),
  }));
  const random = spec.random
    ? [{ ...requests[0]!, setupRequest: (req: Record<string, unknown>) => ({ ...req, ...requests[Math.floor(Math.random() * requests.length)]! }) }]
    : requests;
  const opts = { url: target.url, headers: { ...spec.headers }, connections, requests: random };
  await autocannon({ ...opts, duration: WARMUP });
  const rss = sampleRss(target.proc.pid);
  const cpuBefore = await cpuMs(target.proc.pid);
  const samples: number[] = [];
  const labelled = new Map<string, number[]>();
  const run = autocannon({ ...opts, duration: DURATION });
  run.on("response", (_client: unknown, _status: number, _bytes: number, ms: number) => {
    samples.push(ms);
    if (label) {
      let list = labelled.get(label);
      if (!list) labelled.set(label, (list = []));
      list.push(ms);
      label = "";
    }
  });
  const r = await run;
  const cpu = (await cpuMs(target.proc.pid)) - cpuBefore;
  const peakRssMb = await rss.stop();
  return {
    rps: r.requests.average,
    connections,
    ...percentiles(samples),
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    peakRssMb,
    cpuMsPerRequest: samples.length ? cpu / samples.length : NaN,
    ...(labelled.size ? { byLabel: Object.fromEntries([...labelled].map(([k, v]) => [k, percentiles(v)])) } : {}),
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

// ---- the seeded data set ------------------------------------------------------------------------------------------

/** scripts/seed-bench.ts in its own process (as one would run it), timed from spawn to exit. */
async function seed(dataDir: string): Promise<{ result: SeedResult; wallSeconds: number }> {
  const out = join(scratch, "seed.json");
  const t0 = performance.now();
  const proc = Bun.spawn(
    [
      process.execPath,
      join(ROOT, "scripts/seed-bench.ts"),
      dataDir,
      "--contacts",
      String(SEED.contacts),
      "--conversations",
      String(SEED.conversations),
      "--messages-per-conversation",
      String(SEED.messagesPerConversation),
      "--json",
      out,
    ],
    { cwd: ROOT, stdin: "ignore", stdout: Bun.file(join(scratch, "seed.log")), stderr: Bun.file(join(scratch, "seed.log.err")) },
  );
  children.add(proc);
  const code = await proc.exited;
  children.delete(proc);
  if (code !== 0) throw new Error(`scripts/seed-bench.ts exited with ${code}: ${(await Bun.file(join(scratch, "seed.log.err")).text()).slice(-2000)}`);
  return { result: (await Bun.file(out).json()) as SeedResult, wallSeconds: (performance.now() - t0) / 1000 };
}

type Api = (path: string, init?: { method?: string; body?: unknown; token?: string }) => Promise<any>;

function apiOf(base: string, accountId: number, defaultToken: string): Api {
  return async (path, init = {}) => {
    const res = await fetch(`${base}/api/v1/accounts/${accountId}${path}`, {
      method: init.method ?? "GET",
      headers: { api_access_token: init.token ?? defaultToken, ...(init.body !== undefined ? { "content-type": "application/json" } : {}) },
      body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
    });
    return json(res, `${init.method ?? "GET"} ${path}`);
  };
}

function expect(ok: boolean, what: string, got?: unknown): void {
  if (!ok) throw new Error(`the seeded data set does not look right through the API: ${what}${got !== undefined ? ` (got ${JSON.stringify(got).slice(0, 300)})` : ""}`);
}

type Counts = { all: number; unassigned: number; mine: number };
function expectMeta(meta: Record<string, number>, c: Counts, what: string) {
  const want = { all_count: c.all, unassigned_count: c.unassigned, assigned_count: c.all - c.unassigned, mine_count: c.mine };
  for (const [k, v] of Object.entries(want)) expect(meta[k] === v, `${what}: meta.${k} should be ${v}`, meta);
}

/**
 * Before measuring: the seed must read back through the real API exactly as written (list pages and meta counts
 * for both viewers, a conversation and its messages, contact search), so a wrong seed fails loudly here.
 * Returns the number of contacts each search query of the mix matches.
 */
async function verifySeed(base: string, s: SeedResult): Promise<Record<string, number>> {
  const admin = apiOf(base, s.accountId, s.admin.token);
  const agent: Api = (path, init = {}) => admin(path, { ...init, token: s.agent.token });

  // Page n of a list of `total` holds min(25, total - 25 (n-1)) conversations.
  const pageSize = (total: number, page: number) => Math.max(0, Math.min(25, total - 25 * (page - 1)));
  const p1 = (await admin("/conversations?page=1")).data;
  expect(p1.payload.length === pageSize(s.expected.admin.open.all, 1), "admin page 1 has 25 conversations", p1.payload.length);
  expectMeta(p1.meta, s.expected.admin.open, "admin open list");
  expect(p1.payload.every((c: any) => c.status === "open"), "the default list holds open conversations only");
  const p50 = (await admin("/conversations?page=50")).data;
  expect(p50.payload.length === pageSize(s.expected.admin.open.all, 50), "admin page 50 has 25 conversations", p50.payload.length);
  if (p50.payload.length) expect(p1.payload[24].timestamp >= p50.payload[0].timestamp, "page 50 comes after page 1 (last activity, newest first)");
  for (const status of ["all", "resolved"] as const) {
    expectMeta((await admin(`/conversations?status=${status}`)).data.meta, s.expected.admin[status], `admin status=${status} list`);
  }

  const a1 = (await agent("/conversations?page=1")).data;
  expectMeta(a1.meta, s.expected.agent.open, "agent open list");
  const visible = (c: any) => s.agent.inboxIds.includes(c.inbox_id) || (c.meta.team && s.agent.teamIds.includes(c.meta.team.id));
  expect(a1.payload.length === pageSize(s.expected.agent.open.all, 1) && a1.payload.every(visible), "agent page 1: 25 conversations of their inboxes or team", a1.payload.map((c: any) => c.inbox_id));
  const a50 = (await agent("/conversations?page=50")).data;
  expect(a50.payload.length === pageSize(s.expected.agent.open.all, 50) && a50.payload.every(visible), "agent page 50: 25 conversations of their inboxes or team");
  expectMeta((await agent("/conversations?status=all")).data.meta, s.expected.agent.all, "agent status=all list");

  const conv = await admin(`/conversations/${s.sample.displayId}`);
  const lastId = s.sample.messageIds[s.sample.messageIds.length - 1];
  expect(conv.id === s.sample.displayId && conv.meta.sender.id === s.sample.contactId, "GET a seeded conversation", { id: conv.id, sender: conv.meta.sender?.id });
  expect(conv.messages[0]?.id === lastId, "the conversation's last message", conv.messages[0]?.id);
  const msgs = await admin(`/conversations/${s.sample.displayId}/messages`);
  expect(
    JSON.stringify(msgs.payload.map((m: any) => m.id)) === JSON.stringify(s.sample.messageIds.slice(-20)),
    "its messages list (the latest 20, oldest first)",
    msgs.payload.map((m: any) => m.id),
  );

  const byEmail = await admin(`/contacts/search?q=${encodeURIComponent(s.sampleContact.email)}`);
  expect(byEmail.meta.count === 1 && byEmail.payload[0]?.id === s.sampleContact.id, `contact search finds ${s.sampleContact.email}`, byEmail.meta);
  const byPhone = await admin(`/contacts/search?q=${encodeURIComponent(s.sampleContact.phone.slice(1))}`);
  expect(byPhone.payload.some((c: any) => c.phone_number === s.sampleContact.phone), "contact search by phone digits", byPhone.meta);
  const matches: Record<string, number> = {};
  for (const q of s.searchQueries) {
    const r = await admin(`/contacts/search?q=${encodeURIComponent(q.q)}`);
    expect(r.meta.count > 0 && r.payload.length > 0, `contact search for "${q.q}" finds contacts`, r.meta);
    matches[q.label] = r.meta.count;
  }

  const target = s.openConversations[0]!;
  const created = await admin(`/conversations/${target}/messages`, { method: "POST", body: { content: "Bench check", message_type: "outgoing" } });
  expect(created.content === "Bench check" && created.message_type === 1, "POST a message to a seeded conversation", created);
  const after = await admin(`/conversations/${target}/messages`);
  expect(after.payload[after.payload.length - 1]?.id === created.id, "the new message is the conversation's latest");
  return matches;
}

// ---- report -------------------------------------------------------------------------------------------------------

const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ms = (n: number) => `${fmt(n, n < 10 ? 1 : 0)} ms`;
const verdict = (ok: boolean) => (ok ? "PASS" : "FAIL");

const loadAverage = async () => (await Bun.file("/proc/loadavg").text().catch(() => "? ? ?")).split(" ").slice(0, 3).join(" / ");

/** Every script a dashboard page loads (the Document's script tags), gzipped one by one as a server would send them. */
function dashboardScriptsGzipKb(): { kb: number; files: number } {
  const files = [
    "node_modules/htmx.org/dist/htmx.min.js",
    "node_modules/@alpinejs/csp/dist/cdn.min.js",
    ...readdirSync(join(ROOT, "static/js"))
      .filter((f) => f.endsWith(".js"))
      .map((f) => `static/js/${f}`),
  ];
  const bytes = files.reduce((sum, f) => sum + Bun.gzipSync(readFileSync(join(ROOT, f))).byteLength, 0);
  return { kb: bytes / 1024, files: files.length };
}

async function main() {
  const started = performance.now();
  const loadAtStart = await loadAverage();
  const binary = ensureBinary();
  const commit = Bun.spawnSync(["git", "rev-parse", "--short", "HEAD"], { cwd: ROOT }).stdout.toString().trim() || "unknown";
  const dirty = Bun.spawnSync(["git", "status", "--porcelain", "src"], { cwd: ROOT }).stdout.toString().trim() !== "";
  const notes: string[] = [];

  // Both servers run side by side for the whole load phase, and the empty route is measured before and after
  // Parley's scenarios, so a machine that gets busier or quieter during the run moves both sides of the ratio.
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

  // The seeded data set: seeded once (timed), served by a second Parley, checked through the API.
  console.log(`seeding ${fmt(SEED.contacts)} contacts, ${fmt(SEED.conversations)} conversations, ~${fmt(SEED.conversations * SEED.messagesPerConversation)} messages …`);
  const seededDir = join(scratch, "seeded", "data");
  const { result: s, wallSeconds: seedWall } = await seed(seededDir);
  console.log(`seeded in ${fmt(s.seconds, 1)} s (${fmt(seedWall, 1)} s with process start)`);
  const seededPort = await freePort();
  const seeded = startParley("seeded", {}, seededPort);
  const seededStart = performance.now();
  await untilOk(`${seeded.url}/health`, seeded.proc, seededStart, 60_000);
  const seededStartMs = performance.now() - seededStart;
  const matches = await verifySeed(seeded.url, s);
  console.log("the seeded data set reads back through the API as written");

  const admin = { api_access_token: s.admin.token };
  const agentHeaders = { api_access_token: s.agent.token };
  const conversations = `/api/v1/accounts/${s.accountId}/conversations`;

  console.log("baseline (a): empty Hono JSON route …");
  const emptyBefore = await load(baseline, { requests: [{ path: "/empty" }] });
  const insertReq: LoadSpec = {
    requests: [{ path: "/insert", method: "POST", body: JSON.stringify({ name: "message.created", content: "Hello from the benchmark" }) }],
    headers: { "content-type": "application/json" },
  };
  console.log("baseline (b): Hono route with one SQLite insert …");
  const insert = await load(baseline, insertReq);
  console.log("parley: GET /api/v1/profile …");
  const profile = await load(app, { requests: [{ path: "/api/v1/profile" }], headers: { api_access_token: token } });

  type Reads = { listAdmin1: Load; listAdmin50: Load; listAgent1: Load; listAgent50: Load; search: Load };
  const reads: Reads[] = [];
  for (const connections of READ_CONNECTIONS) {
    const read = { connections };
    console.log(`parley (seeded): conversation lists and contact search at ${connections} connection(s) …`);
    reads.push({
      listAdmin1: await load(seeded, { ...read, requests: [{ path: `${conversations}?page=1` }], headers: admin }),
      listAdmin50: await load(seeded, { ...read, requests: [{ path: `${conversations}?page=50` }], headers: admin }),
      listAgent1: await load(seeded, { ...read, requests: [{ path: `${conversations}?page=1` }], headers: agentHeaders }),
      listAgent50: await load(seeded, { ...read, requests: [{ path: `${conversations}?page=50` }], headers: agentHeaders }),
      search: await load(seeded, {
        ...read,
        requests: s.searchQueries.map((q) => ({ path: `/api/v1/accounts/${s.accountId}/contacts/search?q=${encodeURIComponent(q.q)}`, label: q.label })),
        headers: admin,
      }),
    });
  }
  const { listAdmin1, listAdmin50, listAgent1, listAgent50, search } = reads[0]!;

  // The agent workspace: the administrator logs in to the dashboard; one conversation gets 500 messages through the API.
  console.log("parley (seeded): the workspace — first paint and switching to a 500-message conversation …");
  const web = new WebClient(seeded);
  await web.page("/app/login");
  const login = await web.post("/app/login", { email: s.admin.email, password: BENCH_PASSWORD });
  if (login.status !== 302) throw new Error(`dashboard login answered ${login.status}`);
  const cookie = [...web.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  const long = s.openConversations[0]!;
  await Promise.all(
    Array.from({ length: 10 }, async (_, lane) => {
      for (let i = lane; i < 500; i += 10) {
        const res = await fetch(`${seeded.url}${conversations}/${long}/messages`, {
          method: "POST",
          headers: { ...admin, "content-type": "application/json" },
          body: JSON.stringify({ content: `Message ${i} of a long conversation`, message_type: i % 2 ? "outgoing" : "incoming" }),
        });
        if (res.status !== 200) throw new Error(`writing the long conversation: ${res.status}`);
        await res.arrayBuffer();
      }
    }),
  );
  const workspace = `/app/accounts/${s.accountId}`;
  const firstPaint = await load(seeded, { connections: 1, requests: [{ path: `${workspace}/dashboard` }], headers: { cookie } });
  const switchTo = await load(seeded, { connections: 1, requests: [{ path: `${workspace}/conversations/${long}` }], headers: { cookie, "hx-request": "true" } });
  const dashboardJs = dashboardScriptsGzipKb();

  console.log(`baseline (b) at ${WRITE_CONNECTIONS} connections …`);
  const insertW = await load(baseline, { ...insertReq, connections: WRITE_CONNECTIONS });
  console.log(`parley (seeded): message create at ${WRITE_CONNECTIONS} connections over ${s.openConversations.length} conversations …`);
  const message = await load(seeded, {
    connections: WRITE_CONNECTIONS,
    random: true,
    requests: s.openConversations.map((id) => ({
      path: `${conversations}/${id}/messages`,
      method: "POST" as const,
      body: JSON.stringify({ content: "Thanks for your patience, we are on it!", message_type: "outgoing" }),
    })),
    headers: { ...admin, "content-type": "application/json" },
  });
  console.log("baseline (a) again …");
  const emptyAfter = await load(baseline, { requests: [{ path: "/empty" }] });

  const empty: Load = {
    rps: (emptyBefore.rps + emptyAfter.rps) / 2,
    connections: CONNECTIONS,
    count: emptyBefore.count + emptyAfter.count,
    p50: Math.max(emptyBefore.p50, emptyAfter.p50),
    p95: Math.max(emptyBefore.p95, emptyAfter.p95),
    p99: Math.max(emptyBefore.p99, emptyAfter.p99),
    requests: emptyBefore.requests + emptyAfter.requests,
    non2xx: emptyBefore.non2xx + emptyAfter.non2xx,
    errors: emptyBefore.errors + emptyAfter.errors,
    peakRssMb: Math.max(emptyBefore.peakRssMb, emptyAfter.peakRssMb),
    cpuMsPerRequest: (emptyBefore.cpuMsPerRequest * emptyBefore.count + emptyAfter.cpuMsPerRequest * emptyAfter.count) / (emptyBefore.count + emptyAfter.count),
  };
  const drift = Math.abs(emptyBefore.rps - emptyAfter.rps) / empty.rps;
  notes.push(
    `baseline (a) is the mean of ${fmt(emptyBefore.rps)} req/s before and ${fmt(emptyAfter.rps)} req/s after Parley's scenarios` +
      (drift > 0.15 ? ` (they differ by ${fmt(drift * 100)} %: the machine was busy; trust the ratios less)` : ""),
  );
  const appLogBytes = existsSync(`${app.log}.err`) ? statSync(`${app.log}.err`).size : 0;
  const seededLogBytes = existsSync(`${seeded.log}.err`) ? statSync(`${seeded.log}.err`).size : 0;
  const seededDb = join(seededDir, "parley.db");
  const dbMb = existsSync(seededDb) ? statSync(seededDb).size / 1024 / 1024 : 0;
  await Promise.all([app.stop(), baseline.stop(), seeded.stop()]);
  if (appLogBytes > 100_000) notes.push(`the server wrote ${fmt(appLogBytes / 1024)} KB of logs during the profile run`);
  if (seededLogBytes > 100_000) notes.push(`the seeded server wrote ${fmt(seededLogBytes / 1024)} KB of logs during its scenarios`);

  // Cold start of the executable: spawn → first 200 on /health, from an empty data dir each time.
  console.log(`cold start × ${COLD_RUNS} …`);
  const cold: number[] = [];
  if (existsSync(BINARY)) {
    for (let i = 0; i < COLD_RUNS; i++) {
      const port = await freePort();
      const t0 = performance.now();
      const p = startParley(`cold-${i}`, {}, port, "dist");
      cold.push(await untilOk(`${p.url}/health`, p.proc, t0));
      await p.stop();
    }
  }
  cold.sort((a, b) => a - b);
  const coldMedian = cold.length ? cold[Math.floor(cold.length / 2)]! : NaN;

  const loads = { empty, insert, insertW, profile, message, reads, firstPaint, switchTo };
  const flat: [string, Load][] = [
    ["firstPaint", firstPaint],
    ["switchTo", switchTo],
    ["empty", empty],
    ["insert", insert],
    ["insertW", insertW],
    ["profile", profile],
    ["message", message],
    ...reads.flatMap((r, k) => Object.entries(r).map(([name, l]) => [`${name}@${READ_CONNECTIONS[k]}`, l] as [string, Load])),
  ];
  for (const [name, r] of flat) {
    if (r.non2xx || r.errors) notes.push(`${name}: ${r.non2xx} non-2xx responses and ${r.errors} errors/timeouts out of ${r.requests}`);
  }

  const ratio = profile.rps / empty.rps;
  const messageRatio = message.rps / insertW.rps;
  const meta = {
    date: new Date().toISOString(),
    commit: commit + (dirty ? " (src/ has uncommitted changes)" : ""),
    parley: pkg.version,
    bun: Bun.version,
    cpu: `${cpus()[0]?.model ?? "?"} × ${cpus().length}`,
    target: TARGET === "dist" ? binary : "source (bun src/main.ts)",
    duration: DURATION,
    warmup: WARMUP,
    connections: CONNECTIONS,
    writeConnections: WRITE_CONNECTIONS,
    readConnections: READ_CONNECTIONS,
  };
  const row = (name: string, r: Load, target = "", pass?: boolean) =>
    `| ${name} | ${r.connections} | ${fmt(r.rps)} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.p99)} | ${fmt(r.rps / empty.rps, 2)} | ${fmt(r.rps / insert.rps, 2)} | ${fmt(r.cpuMsPerRequest, 2)} ms | ${fmt(r.peakRssMb)} MB | ${target} | ${pass === undefined ? "" : verdict(pass)} |`;
  const listTarget = `p95 < ${TARGETS.listP95Ms} ms`;
  const agentDesc = `agent in ${s.agent.inboxIds.length} of ${s.counts.inboxes} inboxes + ${s.agent.teamIds.length} team`;
  const md = [
    `# Parley benchmarks`,
    ``,
    `${meta.date} · commit ${meta.commit} · Parley ${meta.parley} · Bun ${meta.bun} · ${meta.cpu}`,
    `Load: autocannon in the bench process, ${WARMUP} s warm-up then ${DURATION} s measured per scenario, loopback; connections per row.`,
    `Server under test: ${meta.target}. Baselines: bench/baseline-server.ts in its own Bun process. Latencies: every response's own time.`,
    `Seeded data set (scripts/seed-bench.ts): ${fmt(s.counts.contacts)} contacts, ${fmt(s.counts.conversations)} conversations, ${fmt(s.counts.messages)} messages, ${s.counts.inboxes} API inboxes, ${s.counts.users} users; ${fmt(dbMb)} MB on disk.`,
    ``,
    `| Scenario | conns | req/s | p50 | p95 | p99 | vs (a) | vs (b) | CPU/req | peak RSS | target | |`,
    `| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |`,
    row("baseline (a): empty Hono JSON route (mean of 2)", empty),
    row("baseline (b): Hono + one SQLite insert", insert),
    row(`baseline (b) at ${WRITE_CONNECTIONS} connections`, insertW),
    row("GET /api/v1/profile (token auth + reads)", profile, `≥ ${TARGETS.profileRatio.toFixed(2)} of (a)`, ratio >= TARGETS.profileRatio),
    row(
      `POST …/conversations/:id/messages (outgoing, admin, ${s.openConversations.length} open conversations at random)`,
      message,
      `≥ ${TARGETS.messageRatio.toFixed(2)} of (b) at ${WRITE_CONNECTIONS} (**${fmt(messageRatio, 2)}**), p99 < ${TARGETS.messageP99Ms} ms`,
      messageRatio >= TARGETS.messageRatio && message.p99 < TARGETS.messageP99Ms,
    ),
    ...reads.flatMap((r, k) => {
      const judged = k === 0;
      const t = (target: string, pass: boolean): [string, boolean | undefined] => (judged ? [target, pass] : ["(informative)", undefined]);
      return [
        row("GET …/conversations?page=1 (open, admin)", r.listAdmin1, ...t(listTarget, r.listAdmin1.p95 < TARGETS.listP95Ms)),
        row("GET …/conversations?page=50 (open, admin)", r.listAdmin50, ...t(listTarget, r.listAdmin50.p95 < TARGETS.listP95Ms)),
        row(`GET …/conversations?page=1 (open, ${agentDesc})`, r.listAgent1, ...t(listTarget, r.listAgent1.p95 < TARGETS.listP95Ms)),
        row(`GET …/conversations?page=50 (open, ${agentDesc})`, r.listAgent50, ...t(listTarget, r.listAgent50.p95 < TARGETS.listP95Ms)),
        row(`GET …/contacts/search?q= (mix of ${s.searchQueries.length} queries, admin)`, r.search, ...t(`p95 < ${TARGETS.searchP95Ms} ms`, r.search.p95 < TARGETS.searchP95Ms)),
      ];
    }),
    row(
      `GET /app/…/dashboard (workspace first paint, admin, ${fmt(s.counts.conversations)} conversations)`,
      firstPaint,
      `p95 < ${TARGETS.workspaceFirstPaintMs} ms`,
      firstPaint.p95 < TARGETS.workspaceFirstPaintMs,
    ),
    row(
      "GET /app/…/conversations/:id, htmx (switch to a 500-message conversation: pane + sidebar)",
      switchTo,
      `p95 < ${TARGETS.workspaceSwitchMs} ms`,
      switchTo.p95 < TARGETS.workspaceSwitchMs,
    ),
    ``,
    `| Contact search query (at ${search.connections} connection${search.connections === 1 ? "" : "s"}) | matches | p50 | p95 | p99 |`,
    `| --- | ---: | ---: | ---: | ---: |`,
    ...s.searchQueries.map((q) => {
      const l = search.byLabel?.[q.label];
      return `| ${q.label}: \`${q.q}\` | ${fmt(matches[q.label] ?? 0)} | ${l ? ms(l.p50) : "–"} | ${l ? ms(l.p95) : "–"} | ${l ? ms(l.p99) : "–"} |`;
    }),
    ``,
    `| Start-up, memory, seed | value | target | |`,
    `| --- | ---: | --- | --- |`,
    `| seed: scripts/seed-bench.ts (${Object.entries(s.phases)
      .map(([k, v]) => `${k} ${fmt(v, 1)} s`)
      .join(", ")}) | ${fmt(s.seconds, 1)} s (${fmt(seedWall, 1)} s with process start) | < ${TARGETS.seedSeconds} s | ${verdict(seedWall < TARGETS.seedSeconds)} |`,
    `| start of Parley on the seeded data dir to first 200 on /health | ${fmt(seededStartMs)} ms | | |`,
    cold.length
      ? `| cold start of dist/parley to first 200 on /health (median of ${COLD_RUNS}, empty data dir) | ${fmt(coldMedian)} ms (${fmt(cold[0]!)}–${fmt(cold[cold.length - 1]!)}) | < ${TARGETS.coldStartMs} ms | ${verdict(coldMedian < TARGETS.coldStartMs)} |`
      : `| cold start of dist/parley | not measured (no dist/parley) | < ${TARGETS.coldStartMs} ms | |`,
    `| idle RSS of Parley, ${IDLE_SECONDS} s after start | ${fmt(idle, 1)} MB | < ${TARGETS.idleRssMb} MB | ${verdict(idle < TARGETS.idleRssMb)} |`,
    `| peak RSS of Parley during the profile load | ${fmt(profile.peakRssMb, 1)} MB | | |`,
    `| peak RSS of Parley on the seeded data set | ${fmt(Math.max(message.peakRssMb, ...reads.flatMap((r) => Object.values(r).map((l) => l.peakRssMb))), 1)} MB | | |`,
    `| idle RSS of the baseline server (for comparison) | ${fmt(baselineIdle, 1)} MB | | |`,
    `| JavaScript of a dashboard page, gzipped (${dashboardJs.files} files: htmx, Alpine, ours) | ${fmt(dashboardJs.kb, 1)} KB | < ${TARGETS.dashboardJsGzipKb} KB | ${verdict(dashboardJs.kb < TARGETS.dashboardJsGzipKb)} |`,
    ``,
    `Notes:`,
    `- vs (a) / vs (b): req/s divided by baseline (a) and by baseline (b) at ${CONNECTIONS} connections; the message-create target compares with (b) at the same ${WRITE_CONNECTIONS} connections. CPU/req: the server process's user + system CPU time per response during the measured seconds (what the request costs, whatever else the machine is doing).`,
    `- The list and search rows run at ${READ_CONNECTIONS.join(" and ")} connection(s); their p95 target is judged at ${READ_CONNECTIONS[0]}. Parley serves from one thread, so once it is saturated a closed loop of c connections only adds queueing (latency ≈ c ÷ req/s): the latency target is about the request's own cost, the req/s column is the capacity.`,
    `- The agent (built-in agent role) sees the conversations of inboxes ${s.agent.inboxIds.join(", ")} and team ${s.agent.teamIds.join(", ")}: ${fmt(s.expected.agent.open.all)} open of ${fmt(s.expected.admin.open.all)}. Message create writes to ${s.openConversations.length} open conversations assigned to agents (a notification per message), spread over the inboxes; API inboxes without a webhook_url, so no callback jobs.`,
    `- Load average (1 / 5 / 15 min) of the ${cpus().length}-CPU machine: ${loadAtStart} at the start, ${await loadAverage()} at the end. Other processes competing for the CPUs lower req/s and inflate latencies (and their spread) of every row alike; CPU/req is not affected.`,
    ...notes.map((n) => `- ${n}`),
    ``,
    `Whole run: ${fmt((performance.now() - started) / 1000)} s.`,
    ``,
  ].join("\n");

  console.log("\n" + md);
  const results = join(ROOT, "bench/results");
  mkdirSync(results, { recursive: true });
  writeFileSync(join(results, "latest.md"), md);
  writeFileSync(
    join(results, "latest.json"),
    JSON.stringify(
      {
        meta,
        ...loads,
        emptyBefore,
        emptyAfter,
        seed: { seconds: s.seconds, wallSeconds: seedWall, phases: s.phases, counts: s.counts, searchMatches: matches, dbMb },
        seededStartMs,
        coldStartMs: cold,
        idleRssMb: idle,
        baselineIdleRssMb: baselineIdle,
        targets: TARGETS,
      },
      null,
      2,
    ) + "\n",
  );
  console.log(`written to bench/results/latest.md`);
}

try {
  await main();
  // The webhook fan-out scenario (its own server and receiver): bench/webhooks.ts, results in bench/results/webhooks.md.
  if (process.env.BENCH_WEBHOOKS !== "0") await import("./webhooks.ts").then(async (m) => console.log(await m.runWebhookBench()));
  if (process.env.BENCH_REALTIME !== "0") await import("./realtime.ts").then(async (m) => console.log(await m.runRealtimeBench()));
  // The inbound WhatsApp burst (its own server and fake Graph API): bench/whatsapp.ts, results in bench/results/whatsapp.md.
  if (process.env.BENCH_WHATSAPP !== "0") await import("./whatsapp.ts").then(async (m) => console.log(await m.runWhatsappBench()));
  // The auto-assignment burst (its own server): bench/assignment.ts, results in bench/results/assignment.md.
  if (process.env.BENCH_ASSIGNMENT !== "0") await import("./assignment.ts").then(async (m) => console.log((await m.runAssignmentBench()).report));
  // Automation rules (50 rules, 20 SLA policies vs none, A B A B on one seeded server): bench/automation.ts, results in bench/results/automation.md.
  if (process.env.BENCH_AUTOMATION !== "0") await import("./automation.ts").then(async (m) => console.log(await m.runAutomationBench()));
} catch (err) {
  console.error(`bench failed: ${(err as Error).message}`);
  for (const f of readdirSync(scratch).filter((f) => f.endsWith(".log.err"))) console.error(`(log kept in ${join(scratch, f)})`);
  for (const child of children) child.kill("SIGKILL");
  process.exit(1);
}
rmSync(scratch, { recursive: true, force: true });
