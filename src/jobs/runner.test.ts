import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { createAccount } from "../domain/accounts/commands.ts";
import { listDeadJobs } from "../domain/system/queries.ts";
import type { DomainEvent } from "../events/types.ts";
import { ManualClock } from "../lib/clock.ts";
import { createLog } from "../lib/log.ts";
import { allJobs, jobRow, openJobEnv, type JobEnv } from "../testing/fixtures/job-env.ts";
import { PermanentFailure, RetryLater } from "./errors.ts";
import { enqueue, type EnqueueOptions } from "./queue.ts";
import { backoffDelay, JobRunner, type JobHandlers } from "./runner.ts";

const BASE = 1_000;
const MAX = 60_000;
const LEASE = 30_000;

let clock: ManualClock;
let env: JobEnv;
const runners: JobRunner[] = [];

beforeEach(() => {
  clock = new ManualClock(Date.UTC(2030, 0, 1));
  env = openJobEnv(clock);
});

afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stop()));
  env.close();
});

function runner(handlers: JobHandlers, extra: Partial<ConstructorParameters<typeof JobRunner>[0]> = {}) {
  const r = new JobRunner({
    db: env.deps.db,
    clock,
    log: createLog("silent"),
    handlers,
    backoffBaseMs: BASE,
    backoffMaxMs: MAX,
    leaseMs: LEASE,
    ...extra,
  });
  runners.push(r);
  return r;
}

function leaseEnd(id: number): number {
  return (env.deps.db.$client.query("SELECT locked_until FROM jobs WHERE id = ?").get(id) as { locked_until: number }).locked_until;
}

function add(opts: EnqueueOptions): number {
  const id = env.deps.tx((tx) => enqueue(tx, opts));
  if (id === null) throw new Error("enqueue returned null");
  return id;
}

async function waitFor(cond: () => boolean, ms = 3_000) {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await Bun.sleep(5);
  }
}

describe("backoffDelay", () => {
  test("grows exponentially, is capped, and stays within [ceiling/2, ceiling]", () => {
    const top = (attempt: number) => backoffDelay(attempt, BASE, MAX, () => 1);
    const bottom = (attempt: number) => backoffDelay(attempt, BASE, MAX, () => 0);
    expect([1, 2, 3, 4, 5].map(top)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
    expect([1, 2, 3, 4, 5].map(bottom)).toEqual([500, 1_000, 2_000, 4_000, 8_000]);
    expect(top(30)).toBe(MAX);
    expect(bottom(30)).toBe(MAX / 2);
  });

  test("has jitter: real random draws spread over the window", () => {
    const samples = Array.from({ length: 200 }, () => backoffDelay(4, BASE, MAX));
    for (const s of samples) {
      expect(s).toBeGreaterThanOrEqual(4_000);
      expect(s).toBeLessThanOrEqual(8_000);
    }
    expect(new Set(samples).size).toBeGreaterThan(20);
  });
});

describe("retries", () => {
  test("a job that fails twice then succeeds runs exactly three times and ends done, with growing backoff", async () => {
    let calls = 0;
    const r = runner({
      flaky: () => {
        calls++;
        if (calls <= 2) throw new Error(`failure ${calls}`);
      },
    });
    const id = add({ kind: "flaky", payload: { x: 1 } });

    const delays: number[] = [];
    for (let attempt = 1; attempt <= 2; attempt++) {
      expect(await r.runUntilEmpty()).toBe(1);
      const row = jobRow(env.deps, id);
      expect(row.status).toBe("pending");
      expect(row.attempts).toBe(attempt);
      expect(row.last_error).toBe(`failure ${attempt}`);
      expect(row.lock_token).toBeNull();
      const delay = row.run_at - clock.now();
      const ceiling = BASE * 2 ** (attempt - 1);
      expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
      expect(delay).toBeLessThanOrEqual(ceiling);
      delays.push(delay);
      // Not due yet: the backoff is honoured.
      clock.advance(delay - 1);
      expect(await r.runUntilEmpty()).toBe(0);
      clock.advance(1);
    }
    expect(delays[1]).toBeGreaterThanOrEqual(delays[0]);

    expect(await r.runUntilEmpty()).toBe(1);
    const row = jobRow(env.deps, id);
    expect(calls).toBe(3);
    expect(row.status).toBe("done");
    expect(row.attempts).toBe(3);
    expect(row.last_error).toBeNull();
    clock.advance(24 * 3600_000);
    expect(await r.runUntilEmpty()).toBe(0);
    expect(calls).toBe(3);
  });

  test("max attempts → dead, last_error kept, listed by listDeadJobs, never run again", async () => {
    let calls = 0;
    const r = runner({
      always: () => {
        calls++;
        throw new Error(`boom ${calls}`);
      },
    });
    const id = add({ kind: "always", maxAttempts: 3 });
    for (let i = 0; i < 10; i++) {
      await r.runUntilEmpty();
      clock.advance(MAX);
    }
    expect(calls).toBe(3);
    const row = jobRow(env.deps, id);
    expect(row.status).toBe("dead");
    expect(row.attempts).toBe(3);
    expect(row.last_error).toBe("boom 3");
    const dead = listDeadJobs(env.deps.db);
    expect(dead.map((j) => j.id)).toEqual([id]);
    expect(dead[0].last_error).toBe("boom 3");
  });

  test("PermanentFailure → dead at once", async () => {
    let calls = 0;
    const r = runner({
      hopeless: () => {
        calls++;
        throw new PermanentFailure("recipient gone");
      },
    });
    const id = add({ kind: "hopeless", maxAttempts: 10 });
    await r.runUntilEmpty();
    clock.advance(MAX * 10);
    await r.runUntilEmpty();
    expect(calls).toBe(1);
    expect(jobRow(env.deps, id)).toMatchObject({ status: "dead", attempts: 1, last_error: "recipient gone" });
    expect(listDeadJobs(env.deps.db).map((j) => j.id)).toEqual([id]);
  });

  test("a job kind without handler is dead, not retried forever", async () => {
    const r = runner({});
    const id = add({ kind: "nobody-handles-this" });
    await r.runUntilEmpty();
    expect(jobRow(env.deps, id).status).toBe("dead");
    expect(jobRow(env.deps, id).last_error).toContain("no handler");
  });

  test("RetryLater(delayMs) schedules the next attempt exactly that far ahead", async () => {
    let calls = 0;
    const r = runner({
      throttled: () => {
        calls++;
        if (calls === 1) throw new RetryLater("429 from upstream", 45_000);
      },
    });
    const id = add({ kind: "throttled" });
    await r.runUntilEmpty();
    const row = jobRow(env.deps, id);
    expect(row.status).toBe("pending");
    expect(row.run_at).toBe(clock.now() + 45_000);
    expect(row.last_error).toBe("429 from upstream");
    clock.advance(44_999);
    expect(await r.runUntilEmpty()).toBe(0);
    clock.advance(1);
    expect(await r.runUntilEmpty()).toBe(1);
    expect(jobRow(env.deps, id).status).toBe("done");
    expect(calls).toBe(2);
  });

  test("handlers receive the payload and the attempt number", async () => {
    const seen: unknown[] = [];
    const r = runner({
      echo: (payload, ctx) => {
        seen.push([payload, ctx.attempt]);
        if (ctx.attempt === 1) throw new Error("again");
      },
    });
    add({ kind: "echo", payload: { hello: "world", n: 3 } });
    await r.runUntilEmpty();
    clock.advance(BASE);
    await r.runUntilEmpty();
    expect(seen).toEqual([
      [{ hello: "world", n: 3 }, 1],
      [{ hello: "world", n: 3 }, 2],
    ]);
  });

  test("delayMs postpones the first attempt", async () => {
    let calls = 0;
    const r = runner({ later: () => void calls++ });
    add({ kind: "later", delayMs: 10_000 });
    expect(await r.runUntilEmpty()).toBe(0);
    clock.advance(10_000);
    expect(await r.runUntilEmpty()).toBe(1);
    expect(calls).toBe(1);
  });
});

describe("transactional enqueue", () => {
  test("a job enqueued in a transaction that rolls back never exists and never runs", async () => {
    let calls = 0;
    const r = runner({ ghost: () => void calls++ });
    let insideId: number | null = null;
    expect(() =>
      env.deps.tx((tx) => {
        insideId = enqueue(tx, { kind: "ghost" });
        createAccount(tx, { name: "Rolled back" });
        throw new Error("validation failed later in the request");
      }),
    ).toThrow("validation failed later");
    expect(insideId).not.toBeNull(); // the row did exist inside the transaction
    expect(allJobs(env.deps)).toEqual([]);
    expect(env.deps.db.$client.query("SELECT count(*) AS n FROM accounts").get()).toEqual({ n: 0 });
    clock.advance(MAX);
    expect(await r.runUntilEmpty()).toBe(0);
    expect(calls).toBe(0);
  });

  test("the idempotency key dedups, across transactions and within one", async () => {
    let calls = 0;
    const r = runner({ once: () => void calls++ });
    const first = env.deps.tx((tx) => enqueue(tx, { kind: "once", idempotencyKey: "delivery-42" }));
    const second = env.deps.tx((tx) => enqueue(tx, { kind: "once", idempotencyKey: "delivery-42" }));
    const both = env.deps.tx((tx) => [
      enqueue(tx, { kind: "once", idempotencyKey: "delivery-43" }),
      enqueue(tx, { kind: "once", idempotencyKey: "delivery-43" }),
    ]);
    expect(first).toBeNumber();
    expect(second).toBeNull();
    expect(both[0]).toBeNumber();
    expect(both[1]).toBeNull();
    // Jobs without a key are never deduplicated.
    add({ kind: "once" });
    add({ kind: "once" });
    expect(allJobs(env.deps)).toHaveLength(4);
    await r.runUntilEmpty();
    expect(calls).toBe(4);
    // Still deduplicated after the first one finished.
    expect(env.deps.tx((tx) => enqueue(tx, { kind: "once", idempotencyKey: "delivery-42" }))).toBeNull();
  });

  test("a running runner wakes up on commit instead of waiting for its poll", async () => {
    let calls = 0;
    const r = runner({ quick: () => void calls++ }, { pollMs: 60_000 });
    r.start();
    await Bun.sleep(20);
    const id = add({ kind: "quick" });
    await waitFor(() => jobRow(env.deps, id).status === "done", 1_000);
    expect(calls).toBe(1);
  });
});

describe("giving way", () => {
  test("no job is claimed while giveWay holds back; it is asked again and the jobs run once it lets go", async () => {
    let holdBack = 5;
    let asked = 0;
    let calls = 0;
    const r = runner({ quick: () => void calls++ }, { pollMs: 60_000, giveWay: () => (asked++, holdBack) });
    const ids = [add({ kind: "quick" }), add({ kind: "quick" })];
    r.start();
    await Bun.sleep(60);
    expect(calls).toBe(0);
    expect(ids.map((id) => jobRow(env.deps, id).status)).toEqual(["pending", "pending"]);
    // Asked again every holdBack ms, without a poll or a wake-up.
    expect(asked).toBeGreaterThan(3);
    holdBack = 0;
    await waitFor(() => ids.every((id) => jobRow(env.deps, id).status === "done"), 1_000);
    expect(calls).toBe(2);
  });

  test("giveWay is asked again as the claim's write runs: a write that waited does not claim what came meanwhile", async () => {
    let held = false;
    let firstWrite = true;
    let calls = 0;
    const sqlite = env.deps.db.$client;
    const r = runner(
      { quick: () => void calls++ },
      {
        pollMs: 60_000,
        giveWay: () => (held ? 5 : 0),
        // A write that waits before it runs, like a group commit's window; the serving thread gets busy meanwhile.
        write: async (fn) => {
          if (firstWrite) {
            firstWrite = false;
            held = true;
            await Bun.sleep(20);
          }
          return sqlite.transaction(fn).immediate();
        },
      },
    );
    const id = add({ kind: "quick" });
    r.start();
    await Bun.sleep(80);
    expect(calls).toBe(0);
    expect(jobRow(env.deps, id).status).toBe("pending");
    held = false;
    await waitFor(() => jobRow(env.deps, id).status === "done", 1_000);
    expect(calls).toBe(1);
  });

  test("stop() while holding back ends the runner: no claim after it", async () => {
    let calls = 0;
    const r = runner({ quick: () => void calls++ }, { pollMs: 60_000, giveWay: () => 5 });
    const id = add({ kind: "quick" });
    r.start();
    await Bun.sleep(20);
    await r.stop();
    await Bun.sleep(30);
    expect(calls).toBe(0);
    expect(jobRow(env.deps, id).status).toBe("pending");
  });
});

describe("ordering keys", () => {
  test("a dead job lets the next of its key run, and a long blocked backlog stays out of the claim", async () => {
    const log: string[] = [];
    const r = runner({
      step: (p: { name: string }) => {
        if (p.name === "A") throw new PermanentFailure("A cannot work");
        log.push(p.name);
      },
    });
    const a = add({ kind: "step", payload: { name: "A" }, orderingKey: "k" });
    const rest = Array.from({ length: 50 }, (_, i) => add({ kind: "step", payload: { name: `B${i}` }, orderingKey: "k" }));
    expect(rest.map((id) => jobRow(env.deps, id).status).every((s) => s === "blocked")).toBe(true);
    await r.runUntilEmpty();
    expect(jobRow(env.deps, a).status).toBe("dead");
    expect(log).toEqual(rest.map((_, i) => `B${i}`));
  });

  test("the second job of a key waits while the first one is retrying", async () => {
    const log: string[] = [];
    let firstFailures = 1;
    const r = runner({
      step: (p: { name: string }) => {
        if (p.name === "A" && firstFailures-- > 0) {
          log.push("A failed");
          throw new Error("A not yet");
        }
        log.push(p.name);
      },
    });
    const a = add({ kind: "step", payload: { name: "A" }, orderingKey: "conversation:1" });
    const b = add({ kind: "step", payload: { name: "B" }, orderingKey: "conversation:1" });
    add({ kind: "step", payload: { name: "other-key" }, orderingKey: "conversation:2" });
    add({ kind: "step", payload: { name: "no-key" } });

    await r.runUntilEmpty();
    expect(log).toEqual(["A failed", "other-key", "no-key"]);
    expect(jobRow(env.deps, a).status).toBe("pending");
    expect(jobRow(env.deps, b)).toMatchObject({ status: "blocked", attempts: 0 });

    clock.advance(BASE);
    await r.runUntilEmpty();
    expect(log).toEqual(["A failed", "other-key", "no-key", "A", "B"]);
    expect(jobRow(env.deps, b).status).toBe("done");
  });

  test("a dead first job releases the key (the rest are not blocked forever)", async () => {
    const log: string[] = [];
    const r = runner({
      step: (p: { name: string }) => {
        if (p.name === "A") throw new PermanentFailure("A cannot work");
        log.push(p.name);
      },
    });
    add({ kind: "step", payload: { name: "A" }, orderingKey: "k" });
    add({ kind: "step", payload: { name: "B" }, orderingKey: "k" });
    await r.runUntilEmpty();
    expect(log).toEqual(["B"]);
  });

  test("with concurrency, jobs of one key never overlap and run in enqueue order", async () => {
    const events: string[] = [];
    const r = runner(
      {
        slow: async (p: { n: number }) => {
          events.push(`start ${p.n}`);
          await Bun.sleep(15);
          events.push(`end ${p.n}`);
        },
      },
      { concurrency: 8, pollMs: 10 },
    );
    const ids = [1, 2, 3, 4, 5].map((n) => add({ kind: "slow", payload: { n }, orderingKey: "same" }));
    r.start();
    await waitFor(() => ids.every((id) => jobRow(env.deps, id).status === "done"));
    expect(events).toEqual([1, 2, 3, 4, 5].flatMap((n) => [`start ${n}`, `end ${n}`]));
  });

  test("jobs of different keys do run concurrently", async () => {
    let active = 0;
    let peak = 0;
    const r = runner(
      {
        slow: async () => {
          active++;
          peak = Math.max(peak, active);
          await Bun.sleep(30);
          active--;
        },
      },
      { concurrency: 4, pollMs: 10 },
    );
    const ids = [1, 2, 3, 4].map((n) => add({ kind: "slow", orderingKey: `key-${n}` }));
    r.start();
    await waitFor(() => ids.every((id) => jobRow(env.deps, id).status === "done"));
    expect(peak).toBe(4);
  });
});

describe("leases and fencing", () => {
  test("a worker whose lease expired and was taken over cannot mark the job done", async () => {
    let releaseA!: () => void;
    const aMayFinish = new Promise<void>((resolve) => (releaseA = resolve));
    let aRan = false;
    const workerA = runner({
      job: async () => {
        aRan = true;
        await aMayFinish;
      },
    });
    const workerB = runner({
      job: () => {
        throw new Error("B failed");
      },
    });
    const id = add({ kind: "job" });

    const aRun = workerA.runUntilEmpty(1); // claims synchronously, then waits inside the handler
    expect(aRan).toBe(true);
    const leasedByA = jobRow(env.deps, id);
    expect(leasedByA.status).toBe("running");
    expect(leasedByA.lock_token).not.toBeNull();

    // While A's lease is still valid nobody else can take the job.
    clock.advance(LEASE - 1);
    expect(await workerB.runUntilEmpty()).toBe(0);

    // A stalls past its lease; B takes the job over and fails it, so it goes back to pending.
    clock.advance(2);
    expect(await workerB.runUntilEmpty(1)).toBe(1);
    const afterB = jobRow(env.deps, id);
    expect(afterB).toMatchObject({ status: "pending", attempts: 2, last_error: "B failed" });

    // A wakes up and "finishes": its fencing token no longer matches, so nothing changes.
    releaseA();
    await aRun;
    expect(jobRow(env.deps, id)).toEqual(afterB);
  });

  test("a live worker's heartbeat extends its lease, so a slow job is not taken over", async () => {
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    const lease = 1_500; // heartbeat every max(1 s, lease / 3) = 1 s of real time
    const workerA = runner({ slow: () => done }, { leaseMs: lease });
    let bCalls = 0;
    const workerB = runner({ slow: () => void bCalls++ }, { leaseMs: lease });
    const id = add({ kind: "slow" });
    const aRun = workerA.runUntilEmpty(1);
    const firstLease = jobRow(env.deps, id);
    clock.advance(lease - 100);
    expect(leaseEnd(id)).toBe(clock.now() + 100);
    await waitFor(() => leaseEnd(id) === clock.now() + lease, 2_500);
    expect(jobRow(env.deps, id).lock_token).toBe(firstLease.lock_token);
    clock.advance(200); // past the first lease, within the extended one
    expect(await workerB.runUntilEmpty()).toBe(0);
    expect(bCalls).toBe(0);
    release();
    await aRun;
    expect(jobRow(env.deps, id)).toMatchObject({ status: "done", attempts: 1 });
  });

  test("an expired lease is taken over, and the later worker's outcome is the one kept", async () => {
    let releaseA!: () => void;
    const aMayFinish = new Promise<void>((resolve) => (releaseA = resolve));
    const workerA = runner({
      job: async () => {
        await aMayFinish;
        throw new Error("A's late failure");
      },
    });
    let bCalls = 0;
    const workerB = runner({ job: () => void bCalls++ });
    const id = add({ kind: "job" });
    const aRun = workerA.runUntilEmpty(1);
    clock.advance(LEASE + 1);
    await workerB.runUntilEmpty();
    expect(bCalls).toBe(1);
    expect(jobRow(env.deps, id).status).toBe("done");
    releaseA();
    await aRun;
    // A's failure must not reopen a job B completed.
    expect(jobRow(env.deps, id)).toMatchObject({ status: "done", last_error: null });
  });
});

describe("recoverOrphans", () => {
  test("gives back jobs of dead workers of this host (also an earlier process with our pid), and only those", async () => {
    const r = runner({});
    const [host, , boot] = r.workerId.split(":");
    const exited = Bun.spawn(["true"]);
    await exited.exited;
    const owners = {
      deadPid: `${host}:${exited.pid}:oldboot1`,
      samePidEarlierBoot: `${host}:${process.pid}:oldboot2`, // a restarted container: Parley is pid 1 again
      livePid: `${host}:${process.ppid}:otherboot`,
      otherHost: `some-other-host:${exited.pid}:oldboot3`,
      ourselves: `${host}:${process.pid}:${boot}`,
    };
    const ids: Record<string, number> = {};
    for (const [name, lockedBy] of Object.entries(owners)) {
      ids[name] = add({ kind: name });
      env.deps.db.$client
        .query("UPDATE jobs SET status = 'running', attempts = 1, locked_until = ?2, lock_token = 'tok', locked_by = ?3 WHERE id = ?1")
        .run(ids[name], clock.now() + 3600_000, lockedBy);
    }
    expect(r.recoverOrphans()).toBe(2);
    const status = Object.fromEntries(Object.entries(ids).map(([name, id]) => [name, jobRow(env.deps, id).status]));
    expect(status).toEqual({ deadPid: "pending", samePidEarlierBoot: "pending", livePid: "running", otherHost: "running", ourselves: "running" });
    expect(jobRow(env.deps, ids.deadPid)).toMatchObject({ lock_token: null, attempts: 1 });
  });
});

describe("EventBus", () => {
  test("live listeners fire only after commit, and not at all on rollback", () => {
    const heard: DomainEvent[] = [];
    const afterCommit: string[] = [];
    env.deps.bus.onCommitted("account.created", (e) => heard.push(e));
    let heardInside = -1;
    env.deps.tx((tx) => {
      tx.emit("account.created", { account_id: 7 });
      tx.afterCommit(() => afterCommit.push("committed"));
      heardInside = heard.length;
    });
    expect(heardInside).toBe(0);
    expect(heard).toEqual([{ name: "account.created", data: { account_id: 7 }, at: clock.now() }]);
    expect(afterCommit).toEqual(["committed"]);

    expect(() =>
      env.deps.tx((tx) => {
        tx.emit("account.created", { account_id: 8 });
        tx.afterCommit(() => afterCommit.push("must not run"));
        throw new Error("rollback");
      }),
    ).toThrow("rollback");
    expect(heard).toHaveLength(1);
    expect(afterCommit).toEqual(["committed"]);
  });

  test("a failing live listener does not fail the committed request nor starve other listeners", () => {
    const heard: number[] = [];
    env.deps.bus.onCommitted("account.created", () => {
      throw new Error("socket gone");
    });
    env.deps.bus.onCommitted("*", (e) => heard.push((e.data as { account_id: number }).account_id));
    const account = env.deps.tx((tx) => createAccount(tx, { name: "Acme" }));
    expect(heard).toEqual([account.id]);
    expect(env.deps.db.$client.query("SELECT name FROM accounts").all()).toEqual([{ name: "Acme" }]);
  });

  test("durable listeners enqueue jobs inside the transaction: committed → job runs, rolled back → no job", async () => {
    const got: unknown[] = [];
    const r = runner({ "welcome.send": (p) => void got.push(p) });
    let inTx = false;
    env.deps.bus.onDurable("account.created", (tx, e) => {
      expect(env.deps.db.$client.inTransaction).toBe(true);
      inTx = true;
      enqueue(tx, { kind: "welcome.send", payload: { account_id: e.data.account_id } });
    });

    const account = env.deps.tx((tx) => createAccount(tx, { name: "Committed" }));
    expect(inTx).toBe(true);
    expect(allJobs(env.deps).map((j) => [j.kind, JSON.parse(j.payload)])).toEqual([["welcome.send", { account_id: account.id }]]);

    expect(() =>
      env.deps.tx((tx) => {
        createAccount(tx, { name: "Rolled back" });
        throw new Error("later step failed");
      }),
    ).toThrow();
    expect(allJobs(env.deps)).toHaveLength(1);

    await r.runUntilEmpty();
    expect(got).toEqual([{ account_id: account.id }]);
  });

  test("a durable listener that throws rolls the whole change back", () => {
    env.deps.bus.onDurable("account.created", (tx) => {
      enqueue(tx, { kind: "x" });
      throw new Error("listener broke");
    });
    const heard: unknown[] = [];
    env.deps.bus.onCommitted("*", (e) => heard.push(e));
    expect(() => env.deps.tx((tx) => createAccount(tx, { name: "Nope" }))).toThrow("listener broke");
    expect(env.deps.db.$client.query("SELECT count(*) AS n FROM accounts").get()).toEqual({ n: 0 });
    expect(allJobs(env.deps)).toEqual([]);
    expect(heard).toEqual([]);
  });
});
