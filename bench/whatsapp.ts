// Inbound WhatsApp burst benchmark (`bun bench/whatsapp.ts`, also run at the end of `npm run bench`; BENCH_WHATSAPP=0
// skips it there): a real `parley serve` process whose WhatsApp inbox is set up manually against the fake Graph API
// (src/testing/fakes/whatsapp-graph.ts) with an app secret, so every webhook is signed here and verified there.
// BENCH_WHATSAPP_MESSAGES (5,000) text messages from BENCH_WHATSAPP_CONTACTS (500) customers are POSTed to
// /webhooks/whatsapp/{number} as Meta would: BENCH_WHATSAPP_CONCURRENCY (16) deliveries in flight, a share of the
// webhooks batching 2–5 messages (of one or several senders), and 5 % of the webhooks delivered twice (half at once,
// half a few deliveries later, as Meta redelivers). Each customer's webhooks go out one after the other (a customer
// belongs to one sender loop), so the order each customer wrote in is known.
// An agent (inbox member) listens on /cable as the dashboard does and records when each wamid's message.created
// arrives: POST → visible latency. Then a paced run (BENCH_WHATSAPP_PACED_RATE, 50 messages/s for 5 s) measures that
// latency without a backlog. At the end every customer's conversation is read back through the Application API:
// every wamid exactly once, none lost, in the order sent. Writes bench/results/whatsapp.md.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { platformAccount, startParleyServer } from "../src/testing/fixtures/parley-process.ts";
import { batchedWebhook, inboundWamid, signedWebhook, startFakeGraph, type BatchedMessage } from "../src/testing/fakes/whatsapp-graph.ts";

const ROOT = resolve(import.meta.dir, "..");
const MESSAGES = Number(process.env.BENCH_WHATSAPP_MESSAGES) || 5_000;
const CONTACTS = Math.min(Number(process.env.BENCH_WHATSAPP_CONTACTS) || 500, MESSAGES);
const CONCURRENCY = Number(process.env.BENCH_WHATSAPP_CONCURRENCY) || 16;
/** Share of webhooks that carry 2–5 messages, and share delivered twice. */
const BATCHED_SHARE = 0.25;
const DUPLICATE_SHARE = 0.05;
const PACED_RATE = Number(process.env.BENCH_WHATSAPP_PACED_RATE) || 50;
const PACED_SECONDS = 5;
const PLATFORM_TOKEN = "bench-platform-token-0123456789abcdef";
const NUMBER = "+15550700001";

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN);
const fmt = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : "—");
const int = (n: number) => Math.round(n).toLocaleString("en-US");

/** A small deterministic PRNG (mulberry32), so every run sends the same shape of burst. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** CPU seconds (user + system) of a process, split into its main thread and the others (Linux /proc). */
function cpu(pid: number): { main: number; others: number } {
  const out = { main: 0, others: 0 };
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const s = (Number(f[11]) + Number(f[12])) / 100;
      if (Number(tid) === pid) out.main += s;
      else out.others += s;
    } catch {
      // the thread ended
    }
  }
  return out;
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("VmRSS:"));
  return line ? Number(line.replace(/\D+/g, "")) / 1024 : NaN;
}

type Sent = { wamid: string; contact: number; seq: number; content: string };
type Delivery = { body: string; headers: Record<string, string>; wamids: string[] };

export async function runWhatsappBench(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), "parley-bench-whatsapp-"));
  const fake = startFakeGraph();
  const business = { wabaId: "7001", phone: { id: "7101", display_phone_number: "+1 555-070-0001", verified_name: "Bench" }, token: "EAAG-bench-whatsapp" };
  fake.addBusiness(business);
  const target = { wabaId: business.wabaId, phoneNumberId: business.phone.id, displayPhoneNumber: business.phone.display_phone_number };
  // No PARLEY_WHATSAPP_APP_SECRET: the inbox's own app secret (manual setup) verifies the signatures.
  const server = await startParleyServer({ PARLEY_DATA_DIR: dataDir, PARLEY_PLATFORM_TOKEN: PLATFORM_TOKEN, PARLEY_WHATSAPP_API_URL: fake.url }, 20_000);
  let socket: WebSocket | null = null;
  try {
    const account = await platformAccount(server, PLATFORM_TOKEN, "WhatsApp bench");
    const addUser = (role: "administrator" | "agent") => account.addUser({ name: `Bench ${role}`, email: `wa-${role}@example.com`, role });
    const admin = await addUser("administrator");
    const agent = await addUser("agent");
    const call = account.callAs(admin.token);
    const inbox = await call("POST", "/inboxes", {
      name: "WhatsApp bench",
      channel: {
        type: "whatsapp",
        phone_number: NUMBER,
        provider_config: { api_key: business.token, phone_number_id: business.phone.id, business_account_id: business.wabaId, app_secret: fake.appSecret },
      },
    });
    if (!inbox.provider_config?.app_secret_set) throw new Error("the inbox kept no app secret: webhooks would not be verified");
    await call("POST", "/inbox_members", { inbox_id: inbox.id, user_ids: [agent.id] });
    const hookUrl = `${server.url}/webhooks/whatsapp/${NUMBER.slice(1)}`;

    // A refused signature first: the bench must measure verified deliveries only.
    const forged = signedWebhook(batchedWebhook(target, [{ from: { wa_id: "15550799999" }, message: { type: "text", text: { body: "forged" } } }]), "not-the-app-secret");
    const forgedStatus = (await fetch(hookUrl, { method: "POST", headers: forged.headers, body: forged.body })).status;
    if (forgedStatus !== 401) throw new Error(`a wrongly signed webhook was answered ${forgedStatus}, not 401`);

    // The agent's dashboard socket: first message.created arrival per wamid, and how many times each arrived.
    const seenAt = new Map<string, number>();
    let cableDuplicates = 0;
    const cableUrl = server.url.replace(/^http/, "ws") + "/cable";
    socket = await new Promise<WebSocket>((ok, fail) => {
      const identifier = JSON.stringify({ channel: "RoomChannel", pubsub_token: agent.pubsub, account_id: account.id, user_id: agent.id });
      const ws = new WebSocket(cableUrl, "actioncable-v1-json");
      const timer = setTimeout(() => fail(new Error("cable subscription timed out")), 20_000);
      ws.onmessage = (ev) => {
        const text = String(ev.data);
        if (text.includes('"event":"message.created"')) {
          const wamid = (JSON.parse(text).message?.data?.source_id as string | undefined) ?? "";
          if (!wamid) return;
          if (seenAt.has(wamid)) cableDuplicates++;
          else seenAt.set(wamid, performance.now());
          return;
        }
        if (text.includes('"type":"welcome"')) ws.send(JSON.stringify({ command: "subscribe", identifier }));
        else if (text.includes('"type":"confirm_subscription"')) {
          clearTimeout(timer);
          ok(ws);
        } else if (text.includes('"type":"reject_subscription"')) fail(new Error("cable subscription rejected"));
      };
      ws.onerror = () => fail(new Error("cable socket error"));
    });

    // ---- same-run baseline: incoming messages created through the Application API on an API inbox ----
    // (the work every inbound message shares: contact's conversation, message row, events, realtime), at the same
    // concurrency, so the WhatsApp path's cost is quoted against this machine at this moment.
    const apiInbox = await call("POST", "/inboxes", { name: "Baseline API", channel: { type: "api" } });
    // The agent hears these too, so the baseline pays for the same broadcast.
    await call("POST", "/inbox_members", { inbox_id: apiInbox.id, user_ids: [agent.id] });
    const apiConversations: number[] = [];
    for (let i = 0; i < 50; i++) {
      const contact = await call("POST", "/contacts", { name: `Baseline ${i}`, inbox_id: apiInbox.id });
      apiConversations.push((await call("POST", "/conversations", { source_id: contact.payload.contact_inbox.source_id, inbox_id: apiInbox.id })).id);
    }
    const baselineCount = Math.min(MESSAGES, 2_000);
    const cpuB0 = cpu(server.proc.pid);
    const baselineStart = performance.now();
    let nextBaseline = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (nextBaseline < baselineCount) {
          const i = nextBaseline++;
          await call("POST", `/conversations/${apiConversations[i % apiConversations.length]}/messages`, { content: `baseline ${i}`, message_type: "incoming" });
        }
      }),
    );
    const baselinePerSecond = baselineCount / ((performance.now() - baselineStart) / 1000);
    const cpuB1 = cpu(server.proc.pid);
    const baselineCpuUs = ((cpuB1.main + cpuB1.others - cpuB0.main - cpuB0.others) * 1e6) / baselineCount;

    // ---- the burst, built before anything is timed ----
    const random = prng(7);
    const waId = (c: number) => `1555071${String(c).padStart(4, "0")}`;
    const from = (c: number) => ({ wa_id: waId(c), name: `Customer ${c}` });
    const sent: Sent[] = [];
    const perContact: Sent[][] = Array.from({ length: CONTACTS }, () => []);
    for (let i = 0; i < MESSAGES; i++) {
      const contact = i % CONTACTS;
      const seq = perContact[contact]!.length;
      const s = { wamid: inboundWamid(), contact, seq, content: `bench-wa c${contact} #${seq}` };
      perContact[contact]!.push(s);
      sent.push(s);
    }
    // Sender loops: loop w owns the customers c ≡ w (mod CONCURRENCY) and sends its messages round-robin over them,
    // chunked into webhooks of 1 message or (BATCHED_SHARE) 2–5 consecutive ones, which then mix senders.
    const loops: Delivery[][] = Array.from({ length: CONCURRENCY }, () => []);
    let webhooks = 0;
    let batchedWebhooks = 0;
    let mixedWebhooks = 0;
    for (let w = 0; w < CONCURRENCY; w++) {
      const mine = perContact.filter((_, c) => c % CONCURRENCY === w);
      const stream: Sent[] = [];
      for (let seq = 0; mine.some((list) => seq < list.length); seq++) for (const list of mine) if (seq < list.length) stream.push(list[seq]!);
      for (let i = 0; i < stream.length; ) {
        const size = random() < BATCHED_SHARE ? 2 + Math.floor(random() * 4) : 1;
        const chunk = stream.slice(i, i + size);
        i += chunk.length;
        const batch: BatchedMessage[] = chunk.map((s) => ({ from: from(s.contact), id: s.wamid, message: { type: "text", text: { body: s.content } } }));
        const signed = signedWebhook(batchedWebhook(target, batch), fake.appSecret);
        loops[w]!.push({ ...signed, wamids: chunk.map((s) => s.wamid) });
        webhooks++;
        if (chunk.length > 1) batchedWebhooks++;
        if (new Set(chunk.map((s) => s.contact)).size > 1) mixedWebhooks++;
      }
    }
    // Redeliveries: DUPLICATE_SHARE of the webhooks again, half of them at the same moment, half 3 deliveries later.
    const redeliver = new Map<Delivery, "at-once" | "later">();
    for (const list of loops) for (const d of list) if (random() < DUPLICATE_SHARE) redeliver.set(d, random() < 0.5 ? "at-once" : "later");
    const duplicateMessages = [...redeliver.keys()].reduce((n, d) => n + d.wamids.length, 0);

    const firstPost = new Map<string, number>();
    const postLatencies: number[] = [];
    let posts = 0;
    let refused = 0;
    const post = async (d: Delivery) => {
      const t0 = performance.now();
      for (const wamid of d.wamids) if (!firstPost.has(wamid)) firstPost.set(wamid, t0);
      const res = await fetch(hookUrl, { method: "POST", headers: d.headers, body: d.body });
      await res.arrayBuffer();
      postLatencies.push(performance.now() - t0);
      posts++;
      if (res.status !== 200) refused++;
    };

    const pid = server.proc.pid;
    const cpu0 = cpu(pid);
    let peakRss = rssMb(pid);
    const rssTimer = setInterval(() => {
      try {
        peakRss = Math.max(peakRss, rssMb(pid));
      } catch {
        // exited
      }
    }, 100);
    const burstStart = performance.now();
    await Promise.all(
      loops.map(async (list) => {
        const later: { d: Delivery; after: number }[] = [];
        for (let i = 0; i < list.length; i++) {
          const d = list[i]!;
          const how = redeliver.get(d);
          if (how === "at-once") await Promise.all([post(d), post(d)]);
          else await post(d);
          if (how === "later") later.push({ d, after: i + 3 });
          while (later.length && later[0]!.after <= i) await post(later.shift()!.d);
        }
        for (const { d } of later) await post(d);
      }),
    );
    const burstEnd = performance.now();
    const burstPosts = posts;
    const burstRefused = refused;
    const acceptSeconds = (burstEnd - burstStart) / 1000;
    const deadline = performance.now() + 300_000;
    while (seenAt.size < MESSAGES && performance.now() < deadline) await Bun.sleep(20);
    const burstArrivals = sent.map((s) => seenAt.get(s.wamid)).filter((t): t is number => t !== undefined);
    const lastArrival = Math.max(...burstArrivals);
    const cpu1 = cpu(pid);
    const processSeconds = (lastArrival - burstStart) / 1000;
    const burstLatencies = sent.flatMap((s) => (seenAt.has(s.wamid) ? [seenAt.get(s.wamid)! - firstPost.get(s.wamid)!] : [])).sort((a, b) => a - b);
    const burstPostLatencies = postLatencies.slice().sort((a, b) => a - b);

    // ---- the paced run: one message per webhook at PACED_RATE/s, spread over the same customers ----
    const pacedTotal = PACED_RATE * PACED_SECONDS;
    const paced: Sent[] = [];
    const pacedStart = performance.now();
    const pacedPosts: Promise<void>[] = [];
    for (let i = 0; i < pacedTotal; i++) {
      const due = pacedStart + (i * 1000) / PACED_RATE;
      const wait = due - performance.now();
      if (wait > 0) await Bun.sleep(wait);
      const contact = (i * 7) % CONTACTS;
      const s = { wamid: inboundWamid(), contact, seq: perContact[contact]!.length, content: `bench-wa paced ${i}` };
      perContact[contact]!.push(s);
      paced.push(s);
      const signed = signedWebhook(batchedWebhook(target, [{ from: from(contact), id: s.wamid, message: { type: "text", text: { body: s.content } } }]), fake.appSecret);
      pacedPosts.push(post({ ...signed, wamids: [s.wamid] }));
    }
    await Promise.all(pacedPosts);
    const pacedDeadline = performance.now() + 60_000;
    while (paced.some((s) => !seenAt.has(s.wamid)) && performance.now() < pacedDeadline) await Bun.sleep(20);
    const pacedLatencies = paced.flatMap((s) => (seenAt.has(s.wamid) ? [seenAt.get(s.wamid)! - firstPost.get(s.wamid)!] : [])).sort((a, b) => a - b);
    clearInterval(rssTimer);

    // ---- read everything back through the Application API ----
    const jobsDeadline = performance.now() + 60_000;
    for (;;) {
      const health = (await (await fetch(`${server.url}/health`)).json()) as { jobs: { pending: number; dead: number } };
      if (health.jobs.pending === 0 || performance.now() > jobsDeadline) break;
      await Bun.sleep(100);
    }
    const stored = new Map<string, { wamids: string[]; contents: string[] }>();
    let conversationCount = 0;
    for (let page = 1; ; page++) {
      const list = await call("GET", `/conversations?inbox_id=${inbox.id}&status=all&page=${page}`);
      const rows = list.data.payload as { id: number; meta: { sender: { phone_number: string } } }[];
      if (!rows.length) break;
      for (const conv of rows) {
        conversationCount++;
        const phone = conv.meta.sender.phone_number;
        const messages: { id: number; message_type: number; source_id: string | null; content: string }[] = [];
        let before: number | null = null;
        for (;;) {
          const res = await call("GET", `/conversations/${conv.id}/messages${before ? `?before=${before}` : ""}`);
          const payload = res.payload as typeof messages;
          if (!payload.length) break;
          messages.unshift(...payload);
          before = Math.min(...payload.map((m) => m.id));
        }
        const incoming = messages.filter((m) => m.message_type === 0).sort((a, b) => a.id - b.id);
        const entry = stored.get(phone) ?? { wamids: [], contents: [] };
        entry.wamids.push(...incoming.map((m) => m.source_id ?? ""));
        entry.contents.push(...incoming.map((m) => m.content));
        stored.set(phone, entry);
      }
    }
    let lost = 0;
    let duplicated = 0;
    let outOfOrder = 0;
    let strangers = 0;
    const storedCount = new Map<string, number>();
    for (const e of stored.values()) for (const w of e.wamids) storedCount.set(w, (storedCount.get(w) ?? 0) + 1);
    const expected = new Set([...sent, ...paced].map((s) => s.wamid));
    for (const [w, n] of storedCount) {
      if (!expected.has(w)) strangers += n;
      else if (n > 1) duplicated += n - 1;
    }
    for (const w of expected) if (!storedCount.has(w)) lost++;
    for (let c = 0; c < CONTACTS; c++) {
      // Order among the messages that were stored (losses and duplicates are counted above).
      const got = [...new Set(stored.get(`+${waId(c)}`)?.wamids ?? [])];
      const want = perContact[c]!.map((s) => s.wamid).filter((w) => got.includes(w));
      if (got.filter((w) => expected.has(w)).join() !== want.join()) outOfOrder++;
    }
    const exact = lost === 0 && duplicated === 0 && strangers === 0 && cableDuplicates === 0;
    const cpuPerMessage = (which: "main" | "others") => fmt(((cpu1[which] - cpu0[which]) * 1e6) / MESSAGES, 0);
    const burstCpuUs = ((cpu1.main + cpu1.others - cpu0.main - cpu0.others) * 1e6) / MESSAGES;

    const lines = [
      `## WhatsApp inbound burst (${int(MESSAGES)} messages from ${int(CONTACTS)} customers, ${CONCURRENCY} deliveries in flight)`,
      "",
      `${int(webhooks)} signed webhooks (${int(batchedWebhooks)} batching 2–5 messages, ${int(mixedWebhooks)} of them from several senders) plus ${int(redeliver.size)} redelivered (${int(duplicateMessages)} messages again: ${int([...redeliver.values()].filter((v) => v === "at-once").length)} at the same moment, the rest 3 deliveries later), POSTed to a real \`parley serve\` (source) whose inbox verifies X-Hub-Signature-256 with its app secret; a wrongly signed one was refused with ${forgedStatus}. "Visible" = the message.created broadcast reaching an agent's /cable socket.`,
      "",
      "| Measure | Value |",
      "| --- | --- |",
      `| webhook requests accepted (200) | ${int(burstPosts - burstRefused)} of ${int(burstPosts)} in ${fmt(acceptSeconds)} s = ${fmt((burstPosts - burstRefused) / acceptSeconds, 0)} requests/s (POST p50 ${fmt(pct(burstPostLatencies, 50))} ms, p99 ${fmt(pct(burstPostLatencies, 99))} ms) |`,
      `| messages processed (first POST → last message.created on the agent's socket) | ${int(burstArrivals.length)} of ${int(MESSAGES)} in ${fmt(processSeconds)} s = ${fmt(burstArrivals.length / processSeconds, 0)} messages/s |`,
      `| POST → visible latency in the burst (includes the wait behind the backlog) | p50 ${fmt(pct(burstLatencies, 50), 0)} ms, p99 ${fmt(pct(burstLatencies, 99), 0)} ms |`,
      `| POST → visible latency at ${PACED_RATE} messages/s for ${PACED_SECONDS} s (one message per webhook) | p50 ${fmt(pct(pacedLatencies, 50), 0)} ms, p99 ${fmt(pct(pacedLatencies, 99), 0)} ms (${pacedLatencies.length} of ${pacedTotal} seen) |`,
      `| messages processed vs the same run's baseline: ${int(baselineCount)} incoming messages created through the Application API on an API inbox, ${CONCURRENCY} connections | ${fmt(burstArrivals.length / processSeconds / baselinePerSecond, 2)} × (baseline ${fmt(baselinePerSecond, 0)} messages/s) |`,
      `| server CPU per burst message, everything included: POST, signature, job, contact, conversation, message, broadcast (immune to other load on the machine) | ${cpuPerMessage("main")} µs serving thread + ${cpuPerMessage("others")} µs other threads = ${fmt(burstCpuUs / baselineCpuUs, 2)} × the baseline's ${fmt(baselineCpuUs, 0)} µs |`,
      `| peak RSS of Parley during the runs | ${fmt(peakRss)} MB |`,
      `| every wamid exactly once (read back through the Application API: ${int(conversationCount)} conversations) | ${exact ? "yes" : "NO"} (lost ${lost}, stored twice ${duplicated}, unexpected ${strangers}, message.created broadcast twice ${cableDuplicates}) |`,
      `| each customer's messages in the order sent | ${outOfOrder === 0 ? "yes" : "NO"} (${outOfOrder} of ${int(CONTACTS)} customers out of order) |`,
      "",
      `Notes: the baseline's ${apiConversations.length} conversations exist before it starts, while the burst's first message of each customer also creates the contact, their WhatsApp session and the conversation (${int(CONTACTS)} of ${int(MESSAGES)} messages); the burst also pays for the webhook POSTs (signature, JSON, the durable job) and the job's own claim and finish. Deliveries are processed by the job runner (PARLEY_JOB_CONCURRENCY, 32, at a time; one customer's in order), so under a burst the backlog, not the work per message, makes the burst latency; the paced row shows the latency without one.`,
      "",
      `Load average (1 / 5 / 15 min): ${loadavg().map((l) => l.toFixed(2)).join(" / ")} at the end.`,
      "",
    ];
    const md = lines.join("\n");
    mkdirSync(join(ROOT, "bench/results"), { recursive: true });
    writeFileSync(join(ROOT, "bench/results/whatsapp.md"), md);
    return md;
  } finally {
    socket?.close();
    await server.stop("SIGTERM");
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  console.log(await runWhatsappBench());
}
