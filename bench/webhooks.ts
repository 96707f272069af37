// Webhook fan-out benchmark (`bun bench/webhooks.ts`, also run at the end of `npm run bench`): a real `parley serve`
// process, 10 account webhooks subscribed to message_created pointing at a counting receiver in a process of its own,
// BENCH_WEBHOOK_MESSAGES (2,000) messages created through the API with BENCH_WEBHOOK_CONNECTIONS (16) in flight.
// Measures message-create throughput without and with the webhooks, deliveries/s, create→receipt latency p50/p99,
// and checks exactly-once per (message, webhook): no message lost, duplicates counted (at-least-once allows them;
// a clean run should have none). Then a paced run (100 messages/s for 5 s) measures create→receipt latency while the
// deliveries keep up. Writes bench/results/webhooks.md.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startParleyServer } from "../src/testing/fixtures/parley-process.ts";

const ROOT = resolve(import.meta.dir, "..");
const MESSAGES = Number(process.env.BENCH_WEBHOOK_MESSAGES) || 2_000;
const CONNECTIONS = Number(process.env.BENCH_WEBHOOK_CONNECTIONS) || 16;
const WEBHOOKS = 10;
/** The paced run: messages per second and seconds (its deliveries/s is 10× the rate). */
const PACED_RATE = Number(process.env.BENCH_WEBHOOK_PACED_RATE) || 100;
const PACED_SECONDS = 5;
const PLATFORM_TOKEN = "bench-platform-token-0123456789abcdef";

/** CPU seconds (user + system) used so far by each thread of a process, by thread id (the main thread's id is the pid). */
function threadCpu(pid: number): Map<number, number> {
  const ticks = 100; // USER_HZ
  const out = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out.set(Number(tid), (Number(fields[11]) + Number(fields[12])) / ticks);
    } catch {
      // the thread ended
    }
  }
  return out;
}
const sum = (m: Map<number, number>, pick: (tid: number) => boolean) => [...m].filter(([tid]) => pick(tid)).reduce((a, [, v]) => a + v, 0);

/** Milliseconds since the epoch with sub-millisecond precision: comparable with the receiver process's clock. */
const epoch = () => performance.timeOrigin + performance.now();
const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);
const fmt = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : "—");

export async function runWebhookBench(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), "parley-bench-webhooks-"));
  // The counting receiver, in its own process: arrival time per (message content, webhook path).
  // The receiver stands in for other machines: niced like the webhook thread, so on a 2-CPU box it does not take CPU
  // from the load generator and the server, which a real receiver elsewhere would not.
  const receiverProc = Bun.spawn(["nice", "-n", "10", process.execPath, join(ROOT, "bench/webhook-receiver.ts")], { stdout: "pipe", stderr: "inherit" });
  const reader = receiverProc.stdout.getReader();
  const receiverPort = Number(new TextDecoder().decode((await reader.read()).value).trim());
  const receiverUrl = `http://127.0.0.1:${receiverPort}`;
  const counts = async () => (await (await fetch(`${receiverUrl}/__count`)).json()) as { received: number; paced: number };
  const server = await startParleyServer({ PARLEY_DATA_DIR: dataDir, PARLEY_PLATFORM_TOKEN: PLATFORM_TOKEN }, 20_000);
  try {
    const req = server.request;
    const account = await req("/platform/api/v1/accounts", PLATFORM_TOKEN, "POST", { name: "Bench" });
    const user = await req("/platform/api/v1/users", PLATFORM_TOKEN, "POST", { name: "Bench Admin", email: "bench@example.com", password: "Passw0rd!long" });
    await req(`/platform/api/v1/accounts/${account.id}/account_users`, PLATFORM_TOKEN, "POST", { user_id: user.id, role: "administrator" });
    const token = user.access_token as string;
    const call = (method: string, path: string, json?: unknown) => req(`/api/v1/accounts/${account.id}${path}`, token, method, json);
    const inbox = await call("POST", "/inboxes", { name: "Bench API", channel: { type: "api" } });
    const conversations: number[] = [];
    for (let i = 0; i < 50; i++) {
      const contact = await call("POST", "/contacts", { name: `Bench ${i}`, inbox_id: inbox.id });
      conversations.push((await call("POST", "/conversations", { source_id: contact.payload.contact_inbox.source_id, inbox_id: inbox.id })).id);
    }

    const sentAt = new Map<string, number>();
    async function createMessages(prefix: string) {
      const latencies: number[] = [];
      let next = 0;
      const started = epoch();
      await Promise.all(
        Array.from({ length: CONNECTIONS }, async () => {
          while (next < MESSAGES) {
            const i = next++;
            const content = `${prefix}-${i}`;
            const t0 = performance.now();
            sentAt.set(content, epoch());
            await call("POST", `/conversations/${conversations[i % conversations.length]}/messages`, { content, message_type: "outgoing" });
            latencies.push(performance.now() - t0);
          }
        }),
      );
      const seconds = (epoch() - started) / 1000;
      latencies.sort((a, b) => a - b);
      return { perSecond: MESSAGES / seconds, p50: pct(latencies, 50), p99: pct(latencies, 99), started };
    }

    const pid = server.proc.pid;
    const cpu0 = threadCpu(pid);
    const without = await createMessages("plain");
    const cpu1 = threadCpu(pid);
    for (let w = 0; w < WEBHOOKS; w++) {
      await call("POST", "/webhooks", { url: `${receiverUrl}/hook/${w}`, subscriptions: ["message_created"] });
    }
    // Warm-up: the first webhook event starts the delivery thread (a one-time cost of a process's life); measure after it.
    await call("POST", `/conversations/${conversations[0]}/messages`, { content: "warmup", message_type: "outgoing" });
    const warm = performance.now() + 30_000;
    while ((await counts()).received < WEBHOOKS && performance.now() < warm) await Bun.sleep(20);
    const cpu2 = threadCpu(pid);
    const withHooks = await createMessages("hooked");
    const cpu3 = threadCpu(pid);
    const expected = MESSAGES * WEBHOOKS;
    const deadline = performance.now() + 300_000;
    // The warm-up message's deliveries are in the receiver's count too.
    while ((await counts()).received < expected + WEBHOOKS && performance.now() < deadline) await Bun.sleep(50);
    let arrivals = new Map<string, number[]>(Object.entries(await (await fetch(`${receiverUrl}/__arrivals`)).json()));
    let lastArrival = 0;
    const latencies: number[] = [];
    let missing = 0;
    let duplicates = 0;
    for (let i = 0; i < MESSAGES; i++) {
      for (let w = 0; w < WEBHOOKS; w++) {
        const got = arrivals.get(`hooked-${i}|/hook/${w}`);
        if (!got) {
          missing++;
          continue;
        }
        duplicates += got.length - 1;
        latencies.push(got[0] - sentAt.get(`hooked-${i}`)!);
        lastArrival = Math.max(lastArrival, got[0]);
      }
    }
    const timedOut = (await counts()).received < expected + WEBHOOKS;
    const cpu4 = threadCpu(pid);
    const main = (a: Map<number, number>, b: Map<number, number>) => sum(b, (t) => t === pid) - sum(a, (t) => t === pid);
    const others = (a: Map<number, number>, b: Map<number, number>) => sum(b, (t) => t !== pid) - sum(a, (t) => t !== pid);
    const µs = (seconds: number, n: number) => fmt((seconds * 1e6) / n, 0);

    // Latency at a sustainable pace: PACED_RATE messages/s for PACED_SECONDS (each one to the 10 webhooks), so the
    // deliveries keep up and the time measured is a delivery's own, not the wait behind a backlog.
    const pacedLatencies: number[] = [];
    const pacedTotal = PACED_RATE * PACED_SECONDS;
    const pacedStart = performance.now();
    const pacedSends: Promise<unknown>[] = [];
    for (let i = 0; i < pacedTotal; i++) {
      const due = pacedStart + (i * 1000) / PACED_RATE;
      const wait = due - performance.now();
      if (wait > 0) await Bun.sleep(wait);
      const content = `paced-${i}`;
      sentAt.set(content, epoch());
      pacedSends.push(call("POST", `/conversations/${conversations[i % conversations.length]}/messages`, { content, message_type: "outgoing" }));
    }
    await Promise.all(pacedSends);
    const pacedDeadline = performance.now() + 60_000;
    while ((await counts()).paced < pacedTotal * WEBHOOKS && performance.now() < pacedDeadline) await Bun.sleep(50);
    arrivals = new Map<string, number[]>(Object.entries(await (await fetch(`${receiverUrl}/__arrivals`)).json()));
    for (let i = 0; i < pacedTotal; i++) {
      for (let w = 0; w < WEBHOOKS; w++) {
        const got = arrivals.get(`paced-${i}|/hook/${w}`);
        if (got) pacedLatencies.push(got[0] - sentAt.get(`paced-${i}`)!);
      }
    }
    pacedLatencies.sort((a, b) => a - b);
    const stray = [...arrivals.keys()].filter((k) => k.startsWith("plain-")).length;
    latencies.sort((a, b) => a - b);
    const deliverySeconds = (lastArrival - withHooks.started) / 1000;
    const lines = [
      `## Webhooks (${WEBHOOKS} webhooks × ${MESSAGES} messages, ${CONNECTIONS} connections)`,
      "",
      "| Measure | Value |",
      "| --- | --- |",
      `| message create without webhooks | ${fmt(without.perSecond, 0)} msg/s (p50 ${fmt(without.p50)} ms, p99 ${fmt(without.p99)} ms) |`,
      `| message create with ${WEBHOOKS} webhooks | ${fmt(withHooks.perSecond, 0)} msg/s (p50 ${fmt(withHooks.p50)} ms, p99 ${fmt(withHooks.p99)} ms) — ${fmt((withHooks.perSecond / without.perSecond) * 100, 0)} % of without |`,
      `| deliveries | ${expected - missing} of ${expected} in ${fmt(deliverySeconds)} s = ${fmt((expected - missing) / deliverySeconds, 0)} deliveries/s |`,
      `| create → receipt latency of those 20,000 (created as fast as possible: includes the wait behind the backlog) | p50 ${fmt(pct(latencies, 50), 0)} ms, p99 ${fmt(pct(latencies, 99), 0)} ms |`,
      `| create → receipt latency at ${PACED_RATE} messages/s (${PACED_RATE * WEBHOOKS} deliveries/s) for ${PACED_SECONDS} s | p50 ${fmt(pct(pacedLatencies, 50), 0)} ms, p99 ${fmt(pct(pacedLatencies, 99), 0)} ms (${pacedLatencies.length} of ${pacedTotal * WEBHOOKS} arrived) |`,
      `| serving thread's CPU per message create (immune to other load on the machine) | ${µs(main(cpu0, cpu1), MESSAGES)} µs without webhooks, ${µs(main(cpu2, cpu3), MESSAGES)} µs with ${WEBHOOKS} (deliveries under way meanwhile: ${µs(main(cpu2, cpu4), MESSAGES)} µs until the last arrived) |`,
      `| other threads' CPU per delivery (webhook thread, SQLite checkpoints, runtime) | ${µs(others(cpu2, cpu4) - others(cpu0, cpu1), expected)} µs |`,
      `| exactly once per (message, webhook) | ${missing === 0 && duplicates === 0 && stray === 0 ? "yes" : "NO"} (missing ${missing}${timedOut ? " — still queued when the 300 s wait ended, not lost" : ""}, duplicates ${duplicates}, deliveries of messages created before the webhooks ${stray}) |`,
      "",
    ];
    const md = lines.join("\n");
    mkdirSync(join(ROOT, "bench/results"), { recursive: true });
    writeFileSync(join(ROOT, "bench/results/webhooks.md"), md);
    return md;
  } finally {
    await server.stop("SIGTERM");
    receiverProc.kill();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  console.log(await runWebhookBench());
}
