// Realtime fan-out benchmark (`bun bench/realtime.ts`, also run at the end of `npm run bench`): a real `parley serve`
// process; BENCH_RT_CONTACTS (1,000) contacts, each with its own session, conversation and /cable subscription made
// through the public client API, and BENCH_RT_AGENTS (50) agents (inbox members) subscribed on /cable as the
// dashboard does. Plain WebSockets speak the ActionCable protocol (welcome, subscribe, confirm_subscription).
// Then agent replies are created through the Application API at BENCH_RT_RATE (200) per second for BENCH_RT_SECONDS
// (10) s, each to one contact's conversation, and we measure create → receipt by that contact (p50/p99, target
// < 100 ms) and by the agents (every agent hears every message of the inbox). The server's RSS is read from /proc
// before and after the sockets connect: memory per idle connection (target < 20 KB). A control run with 51 sockets
// comes first (BENCH_RT_CONTROL=0 skips it). Writes bench/results/realtime.md.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { platformAccount, startParleyServer } from "../src/testing/fixtures/parley-process.ts";

const ROOT = resolve(import.meta.dir, "..");
const CONTACTS_DEFAULT = Number(process.env.BENCH_RT_CONTACTS) || 1_000;
const AGENTS_DEFAULT = Number(process.env.BENCH_RT_AGENTS) || 50;
const RATE = Number(process.env.BENCH_RT_RATE) || 200;
const SECONDS = Number(process.env.BENCH_RT_SECONDS) || 10;
/** Extra idle sockets (repeat subscriptions of the contacts' tokens) opened after the run to measure memory per connection with a larger signal. */
const EXTRA_SOCKETS = Number(process.env.BENCH_RT_EXTRA_SOCKETS ?? 4_000);
const PLATFORM_TOKEN = "bench-platform-token-0123456789abcdef";
const TARGET_P99_MS = 100;
const TARGET_KB_PER_SOCKET = 20;

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN);
const fmt = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : "—");

/** Resident set size of a process in KB (Linux /proc). */
function rssKb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith("VmRSS:"));
  return line ? Number(line.replace(/\D+/g, "")) : NaN;
}

/** Runs `fn` over `items` with at most `n` in flight. */
async function pool<T, R>(items: T[], n: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

/** One ActionCable subscriber on a plain WebSocket. `onBenchMessage` gets the tag of each bench message.created. */
function subscribe(cableUrl: string, identifier: Record<string, unknown>, onBenchMessage: (tag: number) => void): Promise<WebSocket> {
  const id = JSON.stringify({ channel: "RoomChannel", ...identifier });
  return new Promise((resolvePromise, reject) => {
    const ws = new WebSocket(cableUrl, "actioncable-v1-json");
    const timer = setTimeout(() => reject(new Error("subscription timed out")), 30_000);
    ws.onmessage = (ev) => {
      const text = String(ev.data);
      // Broadcasts are frequent: find bench messages without parsing every frame.
      if (text.includes('"event":"message.created"')) {
        const at = text.indexOf("bench-rt-");
        if (at >= 0) onBenchMessage(Number.parseInt(text.slice(at + 9, at + 20), 10));
        return;
      }
      if (text.includes('"type":"welcome"')) ws.send(JSON.stringify({ command: "subscribe", identifier: id }));
      else if (text.includes('"type":"confirm_subscription"')) {
        clearTimeout(timer);
        resolvePromise(ws);
      } else if (text.includes('"type":"reject_subscription"')) {
        clearTimeout(timer);
        reject(new Error(`subscription rejected: ${id}`));
      }
    };
    ws.onerror = () => reject(new Error("socket error"));
  });
}

type Options = { contacts: number; agents: number; extra: number };
type Stats = { contactP50: number; contactP99: number; createP50: number; createP99: number; sockets: number };

async function measure(o: Options): Promise<{ md: string; stats: Stats }> {
  const { contacts: CONTACTS, agents: AGENTS, extra: EXTRA } = o;
  const dataDir = mkdtempSync(join(tmpdir(), "parley-bench-realtime-"));
  // Every contact session comes from this one address: the per-IP limits of the client API are turned off.
  const server = await startParleyServer({ PARLEY_DATA_DIR: dataDir, PARLEY_PLATFORM_TOKEN: PLATFORM_TOKEN, PARLEY_PUBLIC_API_RATE_LIMITS: "false" }, 20_000);
  const sockets: WebSocket[] = [];
  try {
    const req = async (path: string, token: string | null, method: string, json?: unknown) => {
      const res = await fetch(server.url + path, {
        method,
        headers: { "content-type": "application/json", ...(token ? { api_access_token: token } : {}) },
        body: json === undefined ? undefined : JSON.stringify(json),
      });
      if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return res.json() as Promise<any>;
    };
    const setupStart = performance.now();
    const account = await platformAccount(server, PLATFORM_TOKEN, "Realtime bench");
    const addUser = (i: number, role: "administrator" | "agent") => account.addUser({ name: `Bench ${role} ${i}`, email: `rt-${role}-${i}@example.com`, role });
    const admin = await addUser(0, "administrator");
    const call = account.callAs(admin.token);
    const inbox = await call("POST", "/inboxes", { name: "Realtime bench API", channel: { type: "api" } });
    const identifier = (await call("GET", `/inboxes/${inbox.id}`)).inbox_identifier as string;
    const agents = await pool(
      Array.from({ length: AGENTS }, (_, i) => i + 1),
      8,
      (i) => addUser(i, "agent"),
    );
    await call("POST", "/inbox_members", { inbox_id: inbox.id, user_ids: agents.map((a) => a.id) });

    // Each contact: its own session and conversation through the public client API.
    const contacts = await pool(
      Array.from({ length: CONTACTS }, (_, i) => i),
      16,
      async (i) => {
        const contact = await req(`/public/api/v1/inboxes/${identifier}/contacts`, null, "POST", { name: `Visitor ${i}` });
        const conv = await req(`/public/api/v1/inboxes/${identifier}/contacts/${contact.source_id}/conversations`, null, "POST", {});
        return { pubsub: contact.pubsub_token as string, conversation: conv.id as number };
      },
    );
    const setupSeconds = (performance.now() - setupStart) / 1000;

    await Bun.sleep(1_000);
    const rssBefore = rssKb(server.proc.pid);

    // created[tag] = when the create request was sent; receipts per tag for the addressed contact and the agents.
    const total = RATE * SECONDS;
    const sentAt = new Float64Array(total).fill(NaN);
    const respAt = new Float64Array(total).fill(NaN);
    const contactAt = new Float64Array(total).fill(NaN);
    const agentLatencies: number[] = [];
    let contactDuplicates = 0;
    let agentReceipts = 0;
    const cableUrl = server.url.replace(/^http/, "ws") + "/cable";
    const connectStart = performance.now();
    const contactSockets = await pool(contacts, 50, (c) =>
      subscribe(cableUrl, { pubsub_token: c.pubsub }, (tag) => {
        if (tag >= 0 && tag < total) {
          if (Number.isNaN(contactAt[tag]!)) contactAt[tag] = performance.now();
          else contactDuplicates++;
        }
      }),
    );
    sockets.push(...contactSockets);
    const agentSockets = await pool(agents, 25, (a) =>
      subscribe(cableUrl, { pubsub_token: a.pubsub, account_id: account.id, user_id: a.id }, (tag) => {
        if (tag >= 0 && tag < total && !Number.isNaN(sentAt[tag]!)) {
          agentLatencies.push(performance.now() - sentAt[tag]!);
          agentReceipts++;
        }
      }),
    );
    sockets.push(...agentSockets);
    const connectSeconds = (performance.now() - connectStart) / 1000;
    // Idle: let the server settle (pings run every 3 s) before reading its memory.
    await Bun.sleep(4_000);
    const rssAfter = rssKb(server.proc.pid);
    const perSocketKb = (rssAfter - rssBefore) / (contactSockets.length + agentSockets.length);

    // Paced creates: message i at start + i / RATE seconds, to contact i % CONTACTS's conversation.
    const createLatencies: number[] = [];
    const slowByHalfSecond = new Map<number, number>();
    let failures = 0;
    const inFlight: Promise<void>[] = [];
    const start = performance.now();
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 1) await Bun.sleep(wait);
      const target = contacts[i % contacts.length]!;
      const t0 = performance.now();
      sentAt[i] = t0;
      inFlight.push(
        fetch(`${server.url}/api/v1/accounts/${account.id}/conversations/${target.conversation}/messages`, {
          method: "POST",
          headers: { "content-type": "application/json", api_access_token: admin.token },
          body: JSON.stringify({ content: `bench-rt-${String(i).padStart(11, "0")} reply` }),
        }).then(
          async (res) => {
            await res.arrayBuffer();
            respAt[i] = performance.now();
            if (res.status === 200) {
              createLatencies.push(respAt[i]! - t0);
              // When the slow creates happen (half-second buckets of the run): stalls show as clusters.
              if (respAt[i]! - t0 > TARGET_P99_MS) {
                const bucket = Math.floor((t0 - start) / 500) / 2;
                slowByHalfSecond.set(bucket, (slowByHalfSecond.get(bucket) ?? 0) + 1);
              }
            }
            else failures++;
          },
          () => {
            failures++;
          },
        ),
      );
    }
    await Promise.all(inFlight);
    const sendSeconds = (performance.now() - start) / 1000;
    // Wait for stragglers (at most 5 s).
    const deadline = performance.now() + 5_000;
    while (performance.now() < deadline) {
      let missing = 0;
      for (let i = 0; i < total; i++) if (Number.isNaN(contactAt[i]!)) missing++;
      if (missing === failures && agentReceipts >= (total - failures) * agents.length) break;
      await Bun.sleep(50);
    }
    const rssLoaded = rssKb(server.proc.pid);

    const contactLatencies: number[] = [];
    const afterResponse: number[] = [];
    let lost = 0;
    for (let i = 0; i < total; i++) {
      if (Number.isNaN(contactAt[i]!)) lost++;
      else {
        contactLatencies.push(contactAt[i]! - sentAt[i]!);
        afterResponse.push(contactAt[i]! - respAt[i]!);
      }
    }
    afterResponse.sort((a, b) => a - b);

    // A larger sample for memory per connection: EXTRA more idle sockets, RSS before and after.
    let extraKb = NaN;
    if (EXTRA > 0) {
      await Bun.sleep(2_000);
      const before = rssKb(server.proc.pid);
      const extra = await pool(
        Array.from({ length: EXTRA }, (_, i) => contacts[i % contacts.length]!),
        50,
        (c) => subscribe(cableUrl, { pubsub_token: c.pubsub }, () => {}),
      );
      sockets.push(...extra);
      await Bun.sleep(4_000);
      extraKb = (rssKb(server.proc.pid) - before) / EXTRA;
    }
    contactLatencies.sort((a, b) => a - b);
    agentLatencies.sort((a, b) => a - b);
    createLatencies.sort((a, b) => a - b);
    const expectedAgent = (total - failures) * agents.length;
    const p99 = pct(contactLatencies, 99);
    const ok = (b: boolean) => (b ? "met" : "**missed**");

    const md = [
      `# Realtime fan-out benchmark`,
      ``,
      `\`bun bench/realtime.ts\` (also the last step of \`npm run bench\`; \`BENCH_REALTIME=0\` skips it). ${new Date().toISOString()}, Bun ${Bun.version}, ${navigator.hardwareConcurrency} CPUs (shared; load average ${loadavg().map((l) => l.toFixed(1)).join(" ")} at the end).`,
      ``,
      `A real \`parley serve\` process. ${CONTACTS} contacts, each with its own session (\`POST /public/api/v1/inboxes/{inbox_identifier}/contacts\`),`,
      `conversation (client API) and \`/cable\` subscription (\`RoomChannel\` with the session's pubsub_token), and ${AGENTS} agents who are members`,
      `of the inbox, subscribed with their user pubsub_token: ${contactSockets.length + agentSockets.length} plain WebSockets speaking the ActionCable protocol from the bench process.`,
      `Agent replies are created through the Application API (\`POST …/conversations/{id}/messages\`), paced at ${RATE}/s for ${SECONDS} s,`,
      `each to one contact's conversation; latency is from sending the create request to the frame arriving at the socket.`,
      ``,
      `| Measure | Result | Target |`,
      `|---|---|---|`,
      `| messages created | ${total - failures} of ${total} in ${fmt(sendSeconds)} s (${fmt((total - failures) / sendSeconds, 0)}/s) | ${RATE}/s |`,
      `| create → receipt by the contact, p50 / p99 / max | ${fmt(pct(contactLatencies, 50))} / ${fmt(p99)} / ${fmt(contactLatencies[contactLatencies.length - 1] ?? NaN)} ms | p99 < ${TARGET_P99_MS} ms: ${ok(p99 < TARGET_P99_MS)} |`,
      `| contact receipts lost / duplicated | ${lost - failures} / ${contactDuplicates} | 0 / 0 |`,
      `| create → receipt by each agent, p50 / p99 | ${fmt(pct(agentLatencies, 50))} / ${fmt(pct(agentLatencies, 99))} ms | — |`,
      `| agent receipts | ${agentReceipts} of ${expectedAgent} | all |`,
      `| create request (HTTP round trip), p50 / p99 | ${fmt(pct(createLatencies, 50))} / ${fmt(pct(createLatencies, 99))} ms | — |`,
      `| contact receipt relative to the create response, p50 / p99 (negative: the frame came first) | ${fmt(pct(afterResponse, 50))} / ${fmt(pct(afterResponse, 99))} ms | — |`,
      `| server RSS before connecting / with ${contactSockets.length + agentSockets.length} idle sockets / after the run | ${fmt(rssBefore / 1024)} / ${fmt(rssAfter / 1024)} / ${fmt(rssLoaded / 1024)} MB | — |`,
      `| memory per idle connection (the ${contactSockets.length + agentSockets.length} sockets above) | ${fmt(perSocketKb)} KB | < ${TARGET_KB_PER_SOCKET} KB: ${ok(perSocketKb < TARGET_KB_PER_SOCKET)} |`,
      ...(Number.isNaN(extraKb) ? [] : [`| memory per idle connection (${EXTRA} more sockets after the run) | ${fmt(extraKb)} KB | < ${TARGET_KB_PER_SOCKET} KB: ${ok(extraKb < TARGET_KB_PER_SOCKET)} |`]),
      ``,
      `Fan-out runs after the message's transaction commits, before the HTTP response is written, so the contact's frame arrives`,
      `${fmt(-pct(afterResponse, 50))} ms before the create response at the median (p99 ${fmt(pct(afterResponse, 99))} ms after it): create → receipt is the`,
      `message-create latency itself, and its tail follows the create request's tail on this shared machine.`,
      `Creates slower than ${TARGET_P99_MS} ms, by half-second of the run (start s: count): ${
        [...slowByHalfSecond].sort((a, b) => a[0] - b[0]).map(([k, n]) => `${k.toFixed(1)}: ${n}`).join(", ") || "none"
      }.`,
      ``,
      `Setup (accounts, ${AGENTS} agents, ${CONTACTS} sessions and conversations through the client API): ${fmt(setupSeconds)} s; connecting and`,
      `subscribing ${contactSockets.length + agentSockets.length} sockets: ${fmt(connectSeconds)} s. The load generator shares the machine with the server, so the latencies`,
      `include the bench process's own scheduling; the per-connection figure is (RSS after − RSS before) / sockets and includes`,
      `whatever the allocator kept from the subscribe burst.`,
      ``,
    ].join("\n");
    return {
      md,
      stats: {
        contactP50: pct(contactLatencies, 50),
        contactP99: p99,
        createP50: pct(createLatencies, 50),
        createP99: pct(createLatencies, 99),
        sockets: contactSockets.length + agentSockets.length,
      },
    };
  } finally {
    for (const ws of sockets) ws.close();
    await server.stop("SIGTERM");
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * The full run, and first a control run with the same paced creates but only 50 contact sockets and one agent:
 * the two tails side by side tell fan-out cost from message-create stalls. Writes bench/results/realtime.md.
 */
export async function runRealtimeBench(): Promise<string> {
  const control = process.env.BENCH_RT_CONTROL === "0" ? null : await measure({ contacts: 50, agents: 1, extra: 0 });
  const full = await measure({ contacts: CONTACTS_DEFAULT, agents: AGENTS_DEFAULT, extra: EXTRA_SOCKETS });
  const c = control?.stats;
  const md = c
    ? full.md +
      [
        `Control run just before (same server build, same ${RATE}/s for ${SECONDS} s, but ${c.sockets} sockets: 50 contacts and 1 agent):`,
        `create → receipt p50 / p99 ${fmt(c.contactP50)} / ${fmt(c.contactP99)} ms, create request p50 / p99 ${fmt(c.createP50)} / ${fmt(c.createP99)} ms`,
        `(full run: ${fmt(full.stats.contactP50)} / ${fmt(full.stats.contactP99)} ms and ${fmt(full.stats.createP50)} / ${fmt(full.stats.createP99)} ms with ${full.stats.sockets} sockets).`,
        ``,
      ].join("\n")
    : full.md;
  mkdirSync(join(ROOT, "bench/results"), { recursive: true });
  writeFileSync(join(ROOT, "bench/results/realtime.md"), md);
  return md;
}

if (import.meta.main) console.log(await runRealtimeBench());
