// Auto-assignment burst benchmark (`bun bench/assignment.ts`, also run at the end of `npm run bench` unless
// BENCH_ASSIGNMENT=0): a real `parley serve` process, an API inbox with BENCH_ASSIGNMENT_AGENTS (5) online agents,
// and BENCH_ASSIGNMENT_N (10,000) conversations created over HTTP with BENCH_ASSIGNMENT_CONNECTIONS (32) in flight,
// each auto-assigned in its creating transaction. Three runs, each in an inbox of its own: the legacy round robin
// (no policy), a round_robin assignment policy, and a balanced policy, after a baseline run in an inbox without
// auto-assignment (the same creations, nobody picked). Reports conversations/s, p50/p99 of a
// creation, and the spread (most − fewest conversations per agent), which must be ≤ 1: the process exits non-zero
// otherwise, or when a conversation is left unassigned. Writes bench/results/assignment.md.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { platformAccount, startParleyServer } from "../src/testing/fixtures/parley-process.ts";

const ROOT = resolve(import.meta.dir, "..");
const N = Number(process.env.BENCH_ASSIGNMENT_N) || 10_000;
const AGENTS = Number(process.env.BENCH_ASSIGNMENT_AGENTS) || 5;
const CONNECTIONS = Number(process.env.BENCH_ASSIGNMENT_CONNECTIONS) || 32;
const PLATFORM_TOKEN = "bench-platform-token-0123456789abcdef";

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);
const fmt = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : "—");

type Run = { name: string; perSecond: number; p50: number; p99: number; perAgent: number[]; unassigned: number; spread: number };

/** Runs `count` tasks with `connections` in flight. */
async function pool(count: number, connections: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(connections, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

export async function runAssignmentBench(): Promise<{ report: string; ok: boolean }> {
  const dataDir = mkdtempSync(join(tmpdir(), "parley-bench-assignment-"));
  const server = await startParleyServer({ PARLEY_DATA_DIR: dataDir, PARLEY_PLATFORM_TOKEN: PLATFORM_TOKEN }, 20_000);
  try {
    const account = await platformAccount(server, PLATFORM_TOKEN, "Bench");
    const admin = await account.addUser({ name: "Bench Admin", email: "bench@example.com", role: "administrator" });
    const call = account.callAs(admin.token);

    // Agents: invited (auto-offline off), online.
    const agentIds: number[] = [];
    for (let i = 0; i < AGENTS; i++) {
      const agent = await call("POST", "/agents", { name: `Agent ${i}`, email: `agent${i}@bench.example`, role: "agent" });
      await call("PATCH", `/agents/${agent.id}`, { availability: "online" });
      agentIds.push(agent.id);
    }

    async function burst(name: string, policy: Record<string, unknown> | null, autoAssign = true): Promise<Run> {
      const inbox = await call("POST", "/inboxes", { name, channel: { type: "api" }, enable_auto_assignment: autoAssign });
      await call("POST", "/inbox_members", { inbox_id: inbox.id, user_ids: agentIds });
      if (policy) {
        const p = await call("POST", "/assignment_policies", { assignment_policy: { name, ...policy } });
        await call("POST", `/assignment_policies/${p.id}/inboxes`, { inbox_id: inbox.id });
      }
      // Contacts first (not measured): one per conversation.
      const contacts: number[] = new Array(N);
      await pool(N, CONNECTIONS, async (i) => {
        contacts[i] = (await call("POST", "/contacts", { name: `${name} ${i}`, inbox_id: inbox.id })).payload.contact.id;
      });
      const latencies: number[] = [];
      const assignees: (number | null)[] = new Array(N);
      const started = performance.now();
      await pool(N, CONNECTIONS, async (i) => {
        const t0 = performance.now();
        const c = await call("POST", "/conversations", { inbox_id: inbox.id, contact_id: contacts[i] });
        latencies.push(performance.now() - t0);
        assignees[i] = c.meta?.assignee?.id ?? null;
      });
      const seconds = (performance.now() - started) / 1000;
      latencies.sort((a, b) => a - b);
      const perAgent = agentIds.map((id) => assignees.filter((a) => a === id).length);
      const unassigned = assignees.filter((a) => a == null).length;
      return { name, perSecond: N / seconds, p50: pct(latencies, 50), p99: pct(latencies, 99), perAgent, unassigned, spread: Math.max(...perAgent) - Math.min(...perAgent) };
    }

    // Fair distribution would stop each agent at its limit per window: the burst sets it above N.
    const baseline = await burst("Baseline: auto-assignment off", null, false);
    const runs = [
      await burst("Legacy round robin", null),
      await burst("Round robin policy", { assignment_order: "round_robin", fair_distribution_limit: N + 1 }),
      await burst("Balanced policy", { assignment_order: "balanced", fair_distribution_limit: N + 1 }),
    ];
    const ok = runs.every((r) => r.spread <= 1 && r.unassigned === 0);
    const lines = [
      `## Auto-assignment burst (${N.toLocaleString("en")} conversations, ${AGENTS} online agents, ${CONNECTIONS} in flight)`,
      "",
      "| run | conversations/s | p50 ms | p99 ms | per agent | spread (max − min) | unassigned |",
      "|---|---:|---:|---:|---|---:|---:|",
      `| ${baseline.name} | ${fmt(baseline.perSecond, 0)} | ${fmt(baseline.p50)} | ${fmt(baseline.p99)} | — | — | ${baseline.unassigned} |`,
      ...runs.map((r) => `| ${r.name} | ${fmt(r.perSecond, 0)} (${fmt(r.perSecond / baseline.perSecond, 2)}× baseline) | ${fmt(r.p50)} | ${fmt(r.p99)} | ${r.perAgent.join(" / ")} | ${r.spread} | ${r.unassigned} |`),
      "",
      `Machine: ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(" / ")} at the end of the run.`,
      "",
      ok ? "Every run spread its conversations within ±1 of even, none left unassigned." : "**FAILED**: a run spread conversations by more than 1 or left some unassigned.",
      "",
    ];
    const report = lines.join("\n");
    mkdirSync(join(ROOT, "bench/results"), { recursive: true });
    writeFileSync(join(ROOT, "bench/results/assignment.md"), report);
    return { report, ok };
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const { report, ok } = await runAssignmentBench();
  console.log(report);
  if (!ok) process.exit(1);
}
