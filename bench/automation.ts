// Automation benchmark (`bun bench/automation.ts`, also run at the end of `npm run bench` unless BENCH_AUTOMATION=0),
// issue 8 item 10: message-create throughput with 50 active automation rules and 20 SLA policies in the account
// stays ≥ 70 % of the same run without rules.
//
// One `parley serve` process (bun src/main.ts) on a data dir seeded by scripts/seed-bench.ts (the data set of
// bench/run.ts, sized by the same BENCH_CONTACTS / BENCH_CONVERSATIONS / BENCH_MESSAGES_PER_CONVERSATION). Through the
// API: 20 SLA policies (when the server has /sla_policies), contact and conversation custom attributes, and 50 rules —
// 30 on message_created (content contains / message type / inbox / label / custom-attribute / email conditions; three
// match part of the load and act: add a label, change the priority and apply an SLA, add a private note), 10 on
// conversation_updated, 4 on conversation_created, 3 on conversation_opened and 3 on conversation_resolved; 14 of them
// apply an SLA (when the server offers add_sla). The load: autocannon POSTs to …/conversations/:id/messages (a mix of outgoing and
// incoming messages, some of them mentioning a refund, an urgent matter or a cancellation) over the seeded open
// conversations.
//
// The two configurations alternate on the same server and data, A B A B …: A with every rule disabled (no rules),
// B with all 50 active; an unmeasured run with the rules active first lets them act once on the conversations.
// Rules act in the transaction of their event, so a request's cost includes them; reported per configuration:
// req/s, p50, p99, the server's CPU per request and the jobs the load left behind (by kind). Target: B's req/s ≥
// 0.70 × A's (means over the rounds). Prints PASS or FAIL; never exits non-zero for a missed target. Results in
// bench/results/automation.md.
//
// Environment: BENCH_AUTOMATION_ROUNDS=2 (A B pairs), BENCH_AUTOMATION_DURATION=10 (measured seconds per run, after
// BENCH_WARMUP=2 s), BENCH_WRITE_CONNECTIONS=32, BENCH_AUTOMATION_CONVERSATIONS=100 (open conversations written to).
import autocannon from "autocannon";
import { Database } from "bun:sqlite";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { SeedResult } from "../scripts/seed-bench.ts";
import { startParleyServer, type ParleyServer } from "../src/testing/fixtures/parley-process.ts";

const ROOT = resolve(import.meta.dir, "..");
const num = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const ROUNDS = num("BENCH_AUTOMATION_ROUNDS", 2);
const DURATION = num("BENCH_AUTOMATION_DURATION", 10);
const WARMUP = num("BENCH_WARMUP", 2);
const CONNECTIONS = num("BENCH_WRITE_CONNECTIONS", 32);
const TARGET_CONVERSATIONS = num("BENCH_AUTOMATION_CONVERSATIONS", 100);
const SEED = {
  contacts: num("BENCH_CONTACTS", 100_000),
  conversations: num("BENCH_CONVERSATIONS", 100_000),
  messagesPerConversation: num("BENCH_MESSAGES_PER_CONVERSATION", 10),
};
const TARGET_RATIO = 0.7;
const RULES = 50;
const SLA_POLICIES = 20;
/** How long the bench waits for the jobs a run caused to finish before calling the queue unbounded. */
const DRAIN_LIMIT_MS = 120_000;

const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d }) : "—");
const ms = (n: number) => (Number.isFinite(n) ? (n < 10 ? `${n.toFixed(1)} ms` : `${Math.round(n)} ms`) : "—");

function percentile(sorted: Float64Array, p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN;
}

const CLOCK_TICKS = Number(Bun.spawnSync(["getconf", "CLK_TCK"]).stdout.toString().trim()) || 100;
/** CPU time (user + system) the process has used so far, in ms: robust to a busy machine, unlike req/s. */
async function cpuMs(pid: number): Promise<number> {
  const stat = await Bun.file(`/proc/${pid}/stat`).text();
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

// ---- set-up through the API ------------------------------------------------------------------------------------------

type Api = (method: string, path: string, json?: unknown) => Promise<any>;

export function apiOf(base: string, accountId: number, token: string): Api {
  return async (method, path, json) => {
    const res = await fetch(`${base}/api/v1/accounts/${accountId}${path}`, {
      method,
      headers: { api_access_token: token, ...(json !== undefined ? { "content-type": "application/json" } : {}) },
      body: json !== undefined ? JSON.stringify(json) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : null;
  };
}

/** scripts/seed-bench.ts in its own process, as bench/run.ts runs it. */
async function seed(dataDir: string, scratch: string): Promise<SeedResult> {
  const out = join(scratch, "seed.json");
  const args = ["--contacts", SEED.contacts, "--conversations", SEED.conversations, "--messages-per-conversation", SEED.messagesPerConversation].map(String);
  const proc = Bun.spawn([process.execPath, join(ROOT, "scripts/seed-bench.ts"), dataDir, ...args, "--json", out], {
    cwd: ROOT,
    stdin: "ignore",
    stdout: "ignore",
    stderr: Bun.file(join(scratch, "seed.err")),
  });
  if ((await proc.exited) !== 0) throw new Error(`scripts/seed-bench.ts failed: ${(await Bun.file(join(scratch, "seed.err")).text()).slice(-2000)}`);
  return (await Bun.file(out).json()) as SeedResult;
}

type Setup = { ruleIds: number[]; slaPolicies: number; slaRules: number; notes: string[] };

/** 20 SLA policies (when the server has them), the custom attributes the conditions name, and the 50 rules. */
export async function createRules(api: Api): Promise<Setup> {
  const notes: string[] = [];
  const inboxes = ((await api("GET", "/inboxes")).payload as { id: number }[]).map((i) => i.id);
  const teams = ((await api("GET", "/teams")) as { id: number }[]).map((t) => t.id);
  const inboxAt = (i: number) => inboxes[i % inboxes.length]!;
  const teamAt = (i: number) => teams[i % teams.length]!;

  const slaIds: number[] = [];
  for (let i = 0; i < SLA_POLICIES; i++) {
    try {
      const hours = (i % 5) + 1;
      const res = await api("POST", "/sla_policies", {
        name: `SLA ${i + 1}: ${hours} h first response`,
        description: "bench",
        first_response_time_threshold: hours * 3600,
        next_response_time_threshold: hours * 7200,
        resolution_time_threshold: hours * 86_400,
        only_during_business_hours: i % 2 === 1,
      });
      slaIds.push(Number((res.payload ?? res).id));
    } catch (err) {
      notes.push(`SLA policies could not be created (${(err as Error).message.slice(0, 120)}): the run has none`);
      break;
    }
  }

  await api("POST", "/custom_attribute_definitions", { attribute_display_name: "Plan", attribute_key: "plan", attribute_model: "contact_attribute", attribute_display_type: "list", attribute_values: ["free", "pro", "enterprise"] });
  await api("POST", "/custom_attribute_definitions", { attribute_display_name: "VIP", attribute_key: "vip", attribute_model: "contact_attribute", attribute_display_type: "checkbox" });
  await api("POST", "/custom_attribute_definitions", { attribute_display_name: "Order value", attribute_key: "order_value", attribute_model: "conversation_attribute", attribute_display_type: "number" });

  type Rule = { name: string; event_name: string; conditions: unknown[]; actions: unknown[] };
  const c = (attribute_key: string, filter_operator: string, values: unknown[], query_operator: string | null = "and", extra: Record<string, unknown> = {}) => ({
    attribute_key,
    filter_operator,
    values,
    query_operator,
    ...extra,
  });
  const last = (conditions: ReturnType<typeof c>[]) => conditions.map((x, i) => (i === conditions.length - 1 ? { ...x, query_operator: null } : x));
  const rules: Rule[] = [];
  // message_created: three match part of the load and act.
  rules.push({ name: "Refunds get a label", event_name: "message_created", conditions: last([c("content", "contains", ["refund"])]), actions: [{ action_name: "add_label", action_params: ["refund"] }] });
  rules.push({
    name: "Urgent incoming messages raise the priority",
    event_name: "message_created",
    conditions: last([c("message_type", "equal_to", ["incoming"]), c("content", "contains", ["urgent"])]),
    actions: [{ action_name: "change_priority", action_params: ["urgent"] }],
  });
  const slaAction = (i: number) => (slaIds.length ? [{ action_name: "add_sla", action_params: [slaIds[i % slaIds.length]] }] : []);
  // Urgent conversations also get an SLA: from then on their messages carry its first/next response tracking.
  rules[rules.length - 1]!.actions.push(...slaAction(0));
  rules.push({
    name: "Cancellations get a retention note",
    event_name: "message_created",
    conditions: last([c("message_type", "equal_to", ["incoming"]), c("content", "contains", ["cancel my subscription"])]),
    actions: [{ action_name: "add_private_note", action_params: ["Retention: offer the loyalty discount before cancelling."] }],
  });
  // message_created that do not match the load.
  for (let i = 0; i < 27; i++) {
    const shapes: ReturnType<typeof c>[][] = [
      [c("content", "contains", [`order #X${i}-never`])],
      [c("message_type", "equal_to", ["incoming"]), c("inbox_id", "equal_to", [inboxAt(i)]), c("content", "contains", [`warranty claim ${i}`])],
      [c("labels", "equal_to", ["churn-risk"]), c("content", "contains", [`downgrade plan ${i}`])],
      [c("plan", "equal_to", ["enterprise"], "and", { custom_attribute_type: "contact_attribute" }), c("content", "contains", [`invoice ${i}`])],
      [c("message_type", "equal_to", ["incoming"]), c("vip", "equal_to", [true], "and", { custom_attribute_type: "contact_attribute" })],
      [c("message_type", "equal_to", ["incoming"]), c("email", "contains", [`@never-${i}.example`])],
      [c("order_value", "is_greater_than", [1_000_000 + i], "and", { custom_attribute_type: "conversation_attribute" }), c("message_type", "equal_to", ["incoming"])],
      [c("content", "contains", [`security incident ${i}`], "or"), c("content", "contains", [`data breach ${i}`])],
      [c("message_type", "equal_to", ["template"])],
    ];
    const shape = shapes[i % shapes.length]!;
    rules.push({
      name: `Message rule ${i + 1}`,
      event_name: "message_created",
      conditions: last(shape),
      actions: [{ action_name: "assign_team", action_params: [teamAt(i)] }, { action_name: "add_label", action_params: ["priority-support"] }, ...(i % 3 === 0 ? slaAction(i) : [])],
    });
  }
  // conversation_updated, created, opened, resolved: not exercised by message create, but in the account.
  for (let i = 0; i < 10; i++) {
    rules.push({
      name: `Update rule ${i + 1}`,
      event_name: "conversation_updated",
      conditions: last(i % 2 ? [c("priority", "attribute_changed", [{ from: ["low"], to: ["urgent"] }])] : [c("team_id", "equal_to", [teamAt(i)]), c("labels", "equal_to", ["escalate-never"])]),
      actions: [{ action_name: "add_private_note", action_params: [`Update rule ${i + 1} ran`] }],
    });
  }
  for (let i = 0; i < 4; i++) {
    rules.push({
      name: `New conversation rule ${i + 1}`,
      event_name: "conversation_created",
      conditions: last([c("inbox_id", "equal_to", [inboxAt(i)]), c("vip", "equal_to", [true], "and", { custom_attribute_type: "contact_attribute" })]),
      actions: [{ action_name: "assign_team", action_params: [teamAt(i)] }, { action_name: "change_priority", action_params: ["high"] }, ...slaAction(i)],
    });
  }
  for (let i = 0; i < 3; i++) {
    rules.push({ name: `Reopened rule ${i + 1}`, event_name: "conversation_opened", conditions: last([c("labels", "equal_to", ["churn-risk"])]), actions: [{ action_name: "change_priority", action_params: ["high"] }] });
    rules.push({ name: `Resolved rule ${i + 1}`, event_name: "conversation_resolved", conditions: last([c("inbox_id", "equal_to", [inboxAt(i)])]), actions: [{ action_name: "add_label", action_params: ["billing"] }] });
  }
  if (rules.length !== RULES) throw new Error(`the rule mix has ${rules.length} rules, not ${RULES}`);
  const ruleIds: number[] = [];
  const isSla = (a: unknown) => (a as { action_name: string }).action_name === "add_sla";
  let slaRules = rules.filter((r) => r.actions.some(isSla)).length;
  for (const rule of rules) {
    try {
      ruleIds.push(Number((await api("POST", "/automation_rules", { ...rule, active: false })).payload.id));
    } catch (err) {
      // A server without the add_sla action yet: the rules that would apply an SLA do the rest of their actions.
      if (!rule.actions.some(isSla) || !/add_sla|action_name/.test((err as Error).message)) throw err;
      if (slaRules) notes.push("the server has no add_sla action: no rule applies an SLA");
      slaRules = 0;
      ruleIds.push(Number((await api("POST", "/automation_rules", { ...rule, actions: rule.actions.filter((a) => !isSla(a)), active: false })).payload.id));
    }
  }
  return { ruleIds, slaPolicies: slaIds.length, slaRules, notes };
}

// ---- the load --------------------------------------------------------------------------------------------------------

/** The bodies the load cycles through at random: mostly ordinary replies and questions, some that rules act on. */
const BODIES: { weight: number; body: { content: string; message_type: string } }[] = [
  { weight: 50, body: { content: "Thanks for your patience, we are on it!", message_type: "outgoing" } },
  { weight: 25, body: { content: "Hi, I still can't log in to my account.", message_type: "incoming" } },
  { weight: 10, body: { content: "Could I get a refund for last month?", message_type: "incoming" } },
  { weight: 5, body: { content: "This is urgent: our checkout is down.", message_type: "incoming" } },
  { weight: 5, body: { content: "We have issued the refund, it takes 3 to 5 days.", message_type: "outgoing" } },
  { weight: 5, body: { content: "Please cancel my subscription at the end of the month.", message_type: "incoming" } },
];
export const BODY_POOL = BODIES.flatMap((b) => Array.from({ length: b.weight }, () => JSON.stringify(b.body)));

type Run = {
  config: "A" | "B";
  rps: number;
  requests: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  cpuMsPerRequest: number;
  /** Server CPU from the start of the load until no job it caused is due any more, per request. */
  cpuMsPerRequestWithDrain: number;
  /** Jobs the run created (any kind: automation leaves none of its own, its actions may). */
  jobsCreated: number;
  drainMs: number;
  deadJobs: number;
  loadAvg: string;
};

function jobsDb(dataDir: string) {
  const db = new Database(join(dataDir, "parley.db"), { readonly: true });
  const due = db.query<{ n: number }, [number]>("SELECT count(*) AS n FROM jobs WHERE status IN ('pending', 'blocked', 'running') AND run_at <= ?1");
  // Finished jobs are pruned: the highest id counts those created.
  const total = db.query<{ n: number; dead: number }, []>("SELECT coalesce(max(id), 0) AS n, coalesce(sum(status = 'dead'), 0) AS dead FROM jobs");
  const pendingByKind = db.query<{ kind: string; n: number }, []>("SELECT kind, count(*) AS n FROM jobs WHERE status IN ('pending', 'blocked') GROUP BY kind ORDER BY 2 DESC");
  return { due: () => due.get(Date.now())!.n, total: () => total.get()!, pendingByKind: () => pendingByKind.all(), close: () => db.close() };
}

async function measure(server: ParleyServer, config: "A" | "B", paths: string[], token: string, jobs: ReturnType<typeof jobsDb>, warmupSeconds = WARMUP): Promise<Run> {
  const requests = [
    {
      method: "POST",
      path: paths[0]!,
      setupRequest: (req: Record<string, unknown>) => ({
        ...req,
        path: paths[Math.floor(Math.random() * paths.length)]!,
        body: BODY_POOL[Math.floor(Math.random() * BODY_POOL.length)]!,
      }),
    },
  ];
  const opts = { url: server.url, headers: { api_access_token: token, "content-type": "application/json" }, connections: CONNECTIONS, requests };
  await autocannon({ ...opts, duration: warmupSeconds });
  // What the warm-up caused finishes first: each run starts with no job due.
  await drain(jobs);
  const before = jobs.total();
  const pid = server.proc.pid;
  const cpu0 = await cpuMs(pid);
  const samples: number[] = [];
  const run = autocannon({ ...opts, duration: DURATION });
  run.on("response", (_c: unknown, _s: number, _b: number, t: number) => samples.push(t));
  const r = await run;
  const cpu1 = await cpuMs(pid);
  const drainMs = await drain(jobs);
  const cpu2 = await cpuMs(pid);
  const after = jobs.total();
  const sorted = Float64Array.from(samples).sort();
  return {
    config,
    rps: r.requests.average,
    requests: r.requests.total,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    cpuMsPerRequest: (cpu1 - cpu0) / Math.max(1, samples.length),
    cpuMsPerRequestWithDrain: (cpu2 - cpu0) / Math.max(1, samples.length),
    jobsCreated: after.n - before.n,
    drainMs,
    deadJobs: after.dead - before.dead,
    loadAvg: loadavg().map((l) => l.toFixed(2)).join(" / "),
  };
}

/** Milliseconds until no job is due (pending, blocked or running); Infinity past DRAIN_LIMIT_MS. */
async function drain(jobs: ReturnType<typeof jobsDb>): Promise<number> {
  const t0 = performance.now();
  while (jobs.due() > 0) {
    if (performance.now() - t0 > DRAIN_LIMIT_MS) return Infinity;
    await Bun.sleep(10);
  }
  return performance.now() - t0;
}

async function setActive(api: Api, ids: number[], active: boolean): Promise<void> {
  for (const id of ids) await api("PATCH", `/automation_rules/${id}`, { active });
}

// ---- the run ---------------------------------------------------------------------------------------------------------

export async function runAutomationBench(): Promise<string> {
  const started = performance.now();
  const scratch = mkdtempSync(join(tmpdir(), "parley-bench-automation-"));
  const dataDir = join(scratch, "data");
  mkdirSync(dataDir);
  let server: ParleyServer | null = null;
  try {
    console.log(`automation bench: seeding ${fmt(SEED.conversations)} conversations …`);
    const s = await seed(dataDir, scratch);
    server = await startParleyServer({ PARLEY_DATA_DIR: dataDir, PARLEY_LOG_LEVEL: "info" }, 60_000);
    const api = apiOf(server.url, s.accountId, s.admin.token);
    const setup = await createRules(api);
    const rules = (await api("GET", "/automation_rules")).payload as { id: number; active: boolean }[];
    if (rules.length !== RULES) throw new Error(`the account has ${rules.length} automation rules, not ${RULES}`);
    const open = s.openConversations.slice(0, TARGET_CONVERSATIONS);
    const paths = open.map((id) => `/api/v1/accounts/${s.accountId}/conversations/${id}/messages`);
    const jobs = jobsDb(dataDir);
    const runs: Run[] = [];
    let pendingByKind: { kind: string; n: number }[] = [];
    try {
      // Priming, not measured: the rules act once on the load's conversations (labels, priorities, SLAs), so both
      // configurations then write to the same data.
      console.log("automation bench: priming (rules active, not measured) …");
      await setActive(api, setup.ruleIds, true);
      await measure(server, "B", paths, s.admin.token, jobs, WARMUP * 2);
      for (let round = 0; round < ROUNDS; round++) {
        for (const config of ["A", "B"] as const) {
          await setActive(api, setup.ruleIds, config === "B");
          const active = ((await api("GET", "/automation_rules")).payload as { active: boolean }[]).filter((r) => r.active).length;
          if (active !== (config === "B" ? RULES : 0)) throw new Error(`configuration ${config} has ${active} active rules`);
          console.log(`automation bench: round ${round + 1}, ${config === "A" ? "no rules" : `${RULES} active rules`} …`);
          runs.push(await measure(server, config, paths, s.admin.token, jobs));
        }
      }
      pendingByKind = jobs.pendingByKind();
    } finally {
      jobs.close();
    }

    // The rules acted: the matching ones labelled, prioritised and annotated conversations of the load.
    const sample = await Promise.all(open.slice(0, 20).map((id) => api("GET", `/conversations/${id}`)));
    const refundLabelled = sample.filter((c) => (c.labels as string[]).includes("refund")).length;
    const urgent = sample.filter((c) => c.priority === "urgent").length;
    const withSla = sample.filter((c) => c.applied_sla).length;
    const health = (await (await fetch(`${server.url}/health`)).json()) as { jobs: { pending: number; dead: number } };
    const logBytes = server.log().length;

    const of = (config: "A" | "B") => runs.filter((r) => r.config === config);
    const total = (list: Run[]) => {
      const requests = list.reduce((a, r) => a + r.requests, 0);
      return {
        rps: list.reduce((a, r) => a + r.rps, 0) / list.length,
        p50: Math.max(...list.map((r) => r.p50)),
        p99: Math.max(...list.map((r) => r.p99)),
        cpu: list.reduce((a, r) => a + r.cpuMsPerRequest * r.requests, 0) / requests,
        cpuDrain: list.reduce((a, r) => a + r.cpuMsPerRequestWithDrain * r.requests, 0) / requests,
        drainMs: Math.max(...list.map((r) => r.drainMs)),
      };
    };
    const a = total(of("A"));
    const b = total(of("B"));
    const ratio = b.rps / a.rps;
    const bRuns = of("B");
    const jobsPerMessage = bRuns.reduce((x, r) => x + r.jobsCreated, 0) / Math.max(1, bRuns.reduce((x, r) => x + r.requests, 0));
    const bounded = runs.every((r) => Number.isFinite(r.drainMs));
    const pass = ratio >= TARGET_RATIO && bounded;
    const row = (r: Run, i: number) =>
      `| ${Math.floor(i / 2) + 1}${r.config} | ${r.config === "A" ? "no rules" : `${RULES} rules`} | ${fmt(r.rps)} | ${ms(r.p50)} | ${ms(r.p99)} | ${fmt(r.cpuMsPerRequest, 2)} ms | ${fmt(r.cpuMsPerRequestWithDrain, 2)} ms | ${fmt(r.jobsCreated)} | ${Number.isFinite(r.drainMs) ? ms(r.drainMs) : `> ${DRAIN_LIMIT_MS / 1000} s`} | ${r.non2xx + r.errors} | ${r.loadAvg} |`;
    const md = [
      `## Automation rules (issue 8 item 10)`,
      ``,
      `${new Date().toISOString()} · Bun ${Bun.version} · ${cpus()[0]?.model ?? "?"} × ${cpus().length} · server: bun src/main.ts serve`,
      `Data: scripts/seed-bench.ts, ${fmt(s.counts.conversations)} conversations, ${fmt(s.counts.messages)} messages; load: POST …/messages, ${CONNECTIONS} connections over ${open.length} open conversations, ${WARMUP} s warm-up + ${DURATION} s per run.`,
      `Account: ${RULES} automation rules (30 message_created — 3 match part of the load and act —, 10 conversation_updated, 4 conversation_created, 3 conversation_opened, 3 conversation_resolved), ${setup.slaPolicies} SLA policies${setup.slaRules ? ` (${setup.slaRules} rules apply one)` : ""}. A = every rule disabled, B = all active; runs alternate A B.`,
      ``,
      `| Run | rules | req/s | p50 | p99 | CPU/req | CPU/req incl. drain | jobs created | drain after load | errors | load avg |`,
      `| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |`,
      ...runs.map(row),
      ``,
      `| Summary | no rules (A) | ${RULES} rules (B) |`,
      `| --- | ---: | ---: |`,
      `| req/s (mean of runs) | ${fmt(a.rps)} | ${fmt(b.rps)} |`,
      `| p50 / p99 (worst run) | ${ms(a.p50)} / ${ms(a.p99)} | ${ms(b.p50)} / ${ms(b.p99)} |`,
      `| server CPU per request (during load / incl. drain) | ${fmt(a.cpu, 2)} / ${fmt(a.cpuDrain, 2)} ms | ${fmt(b.cpu, 2)} / ${fmt(b.cpuDrain, 2)} ms |`,
      `| jobs due after the load drained in | ${ms(a.drainMs)} | ${Number.isFinite(b.drainMs) ? ms(b.drainMs) : "never"} |`,
      `| automation's cost per message (B − A, server CPU incl. drain) | | ${fmt(b.cpuDrain - a.cpuDrain, 2)} ms, ${fmt(jobsPerMessage, 2)} jobs created per message |`,
      ``,
      `**Throughput ratio B / A: ${ratio.toFixed(2)}** (target ≥ ${TARGET_RATIO.toFixed(2)}; job queue ${bounded ? "empties after every run" : "did NOT empty"}) — **${pass ? "PASS" : "FAIL"}**`,
      ``,
      `Notes:`,
      `- Of 20 conversations of the load, ${refundLabelled} carry the label the refund rule adds and ${urgent} have the priority the urgent rule sets, ${withSla} an SLA (the rules acted).`,
      `- Rules act in the transaction of their event (no automation job): a request's CPU includes its rules. CPU ratio A / B (incl. drain), immune to the machine's other load: ${fmt(a.cpuDrain / b.cpuDrain, 2)}.`,
      `- Dead jobs: ${runs.reduce((x, r) => x + r.deadJobs, 0)}; /health after the run: ${health.jobs.pending} pending (${pendingByKind.map((k) => `${k.kind} ${fmt(k.n)}`).join(", ") || "none"}: timers due later), ${health.jobs.dead} dead jobs. Server log: ${fmt(logBytes / 1024)} KB.`,
      `- Load average is the machine's (2 CPUs shared with other work): compare within one run only.`,
      ...setup.notes.map((n) => `- ${n}`),
      ``,
      `Whole run: ${fmt((performance.now() - started) / 1000)} s.`,
      ``,
    ].join("\n");
    mkdirSync(join(ROOT, "bench/results"), { recursive: true });
    writeFileSync(join(ROOT, "bench/results/automation.md"), md);
    return md;
  } finally {
    await server?.stop("SIGTERM");
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  console.log(await runAutomationBench());
}
