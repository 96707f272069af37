import type { Statement } from "bun:sqlite";
import { hostname } from "node:os";
import type { Db } from "../db/client.ts";
import type { Clock } from "../lib/clock.ts";
import { randomToken } from "../lib/ids.ts";
import type { Log } from "../lib/log.ts";
import { PermanentFailure, RetryLater } from "./errors.ts";
import { jobSignal, MAIN_QUEUE } from "./queue.ts";

export type JobRow = {
  id: number;
  kind: string;
  payload: string;
  attempts: number;
  max_attempts: number;
  lock_token: string;
  ordering_key: string | null;
};

export type JobContext = { job: JobRow; attempt: number };
export type JobHandler = (payload: any, ctx: JobContext) => Promise<void> | void;
export type JobHandlers = Record<string, JobHandler>;

export type RunnerOptions = {
  db: Db;
  clock: Clock;
  log: Log;
  handlers: JobHandlers;
  /** The queue this runner takes jobs from (default "main"). */
  queue?: string;
  concurrency?: number;
  leaseMs?: number;
  pollMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /**
   * Runs the runner's bookkeeping writes (claims, outcomes). The server passes its group commit, so the writes of
   * every job finishing in one turn of the event loop share a COMMIT with each other and with request writes.
   * Default: one immediate transaction each.
   */
  write?: <T>(fn: () => T) => Promise<T>;
  /**
   * Moves work recorded elsewhere into this queue's jobs, inside each claim's write transaction, just before claiming
   * (the webhooks queue takes new webhook events: the request that stored one did not also write its job).
   */
  intake?: (now: number) => void;
  /**
   * Asked before each claim: how many ms to hold back before asking again (0: claim now). A background queue gives
   * way to more urgent work with it; bounding how long is the hook's business.
   */
  giveWay?: () => number;
};

const BOOT_ID = randomToken(8);
/** Lock tokens need only be unique, not secret: this process's boot id and a counter (a CSPRNG draw per claim cost more than the claim's bookkeeping). */
let claims = 0;
const nextLockToken = () => `${BOOT_ID}.${++claims}`;

/** Exponential backoff with jitter: between half and all of base·2^(attempt-1), capped. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * The in-process worker loop. A job is claimed with a lease (locked_until) and a fencing token; it is
 * finished or rescheduled only while that token still matches, so a worker whose lease expired cannot
 * overwrite the outcome of the worker that took the job over. Delivery is at-least-once.
 */
export class JobRunner {
  readonly workerId = `${hostname()}:${process.pid}:${BOOT_ID}`;
  readonly queue: string;
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;
  private running = false;
  private inFlight = new Set<Promise<void>>();
  private timer: Timer | null = null;
  private readonly claimExpiredStmt: Statement;
  private readonly claimDueStmt: Statement;
  private readonly promoteStmt: Statement;
  private readonly finishStmt: Statement;
  private readonly retryStmt: Statement;
  private readonly deadStmt: Statement;
  private readonly extendStmt: Statement;
  private readonly onSignal = () => this.tick();
  private readonly write: <T>(fn: () => T) => Promise<T>;
  /** A claim under way (stop waits for it); wake-ups meanwhile set `again` so none is lost. */
  private claiming: Promise<void> | null = null;
  private again = false;
  /** Looks again after the runner gave way. */
  private giveWayTimer: Timer | null = null;

  constructor(private opts: RunnerOptions) {
    this.queue = opts.queue ?? MAIN_QUEUE;
    this.concurrency = opts.concurrency ?? 4;
    this.leaseMs = opts.leaseMs ?? 60_000;
    this.pollMs = opts.pollMs ?? 1_000;
    this.backoffBaseMs = opts.backoffBaseMs ?? 2_000;
    this.backoffMaxMs = opts.backoffMaxMs ?? 6 * 3600_000;
    const sqlite = opts.db.$client;
    this.write = opts.write ?? (async (fn) => sqlite.transaction(fn).immediate());
    // Two cheap claims instead of one clever one: each is a single index lookup, whatever the backlog.
    // Ordering keys need no check here: a job behind another of its key waits as 'blocked' (see queue.ts).
    const claim = (which: string) => `
      UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_until = ?1, lock_token = ?2,
             locked_by = ?3, updated_at = ?4
      WHERE id = (${which})
      RETURNING id, kind, payload, attempts, max_attempts, lock_token, ordering_key`;
    this.claimExpiredStmt = sqlite.prepare(claim("SELECT id FROM jobs WHERE queue = ?5 AND status = 'running' AND locked_until < ?4 ORDER BY locked_until LIMIT 1"));
    this.claimDueStmt = sqlite.prepare(claim("SELECT id FROM jobs WHERE queue = ?5 AND status = 'pending' AND run_at <= ?4 ORDER BY run_at, id LIMIT 1"));
    this.promoteStmt = sqlite.prepare(`
      UPDATE jobs SET status = 'pending', updated_at = ?2
      WHERE id = (SELECT id FROM jobs WHERE ordering_key = ?1 AND status = 'blocked' ORDER BY id LIMIT 1)`);
    this.finishStmt = sqlite.prepare(`
      UPDATE jobs SET status = 'done', finished_at = ?3, updated_at = ?3, locked_until = NULL, lock_token = NULL,
             last_error = NULL
      WHERE id = ?1 AND lock_token = ?2`);
    this.retryStmt = sqlite.prepare(`
      UPDATE jobs SET status = 'pending', run_at = ?3, updated_at = ?4, locked_until = NULL, lock_token = NULL,
             last_error = ?5
      WHERE id = ?1 AND lock_token = ?2`);
    this.deadStmt = sqlite.prepare(`
      UPDATE jobs SET status = 'dead', finished_at = ?3, updated_at = ?3, locked_until = NULL, lock_token = NULL,
             last_error = ?4
      WHERE id = ?1 AND lock_token = ?2`);
    this.extendStmt = sqlite.prepare(`UPDATE jobs SET locked_until = ?3 WHERE id = ?1 AND lock_token = ?2`);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.recoverOrphans();
    jobSignal.addEventListener(this.queue, this.onSignal);
    this.schedulePoll();
    this.tick();
  }

  /** Stops claiming new jobs and waits for the ones in flight (graceful shutdown). */
  async stop(): Promise<void> {
    this.running = false;
    jobSignal.removeEventListener(this.queue, this.onSignal);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.giveWayTimer) clearTimeout(this.giveWayTimer);
    this.giveWayTimer = null;
    // Jobs of a claim still in flight start and are waited for like the others.
    await this.claiming;
    await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Jobs left 'running' by a process of this host that no longer exists (killed, crashed) go back to
   * pending at once instead of waiting for their lease to expire.
   */
  recoverOrphans(): number {
    const [host] = this.workerId.split(":");
    const rows = this.opts.db.$client
      .query("SELECT id, locked_by FROM jobs WHERE queue = ?1 AND status = 'running' AND locked_by IS NOT NULL")
      .all(this.queue) as { id: number; locked_by: string }[];
    let recovered = 0;
    for (const row of rows) {
      const [h, pid, boot] = row.locked_by.split(":");
      if (h !== host || boot === BOOT_ID) continue;
      // Our own pid with another boot id is an earlier incarnation (a restarted container where Parley is pid 1).
      if (Number(pid) !== process.pid && isAlive(Number(pid))) continue;
      // Only if still held by that dead worker: another runner may have taken the job over meanwhile.
      const { changes } = this.opts.db.$client
        .query(
          "UPDATE jobs SET status = 'pending', locked_until = NULL, lock_token = NULL, updated_at = ?2 WHERE id = ?1 AND status = 'running' AND locked_by = ?3",
        )
        .run(row.id, this.opts.clock.now(), row.locked_by);
      recovered += changes;
    }
    if (recovered) this.opts.log.warn("recovered jobs from a stopped process", { recovered });
    return recovered;
  }

  /** Runs every due job (including ones that become due on retry if the clock is moved) until none is left. */
  async runUntilEmpty(maxJobs = 10_000): Promise<number> {
    let ran = 0;
    while (ran < maxJobs) {
      const job = this.claim();
      if (!job) break;
      await this.execute(job);
      ran++;
    }
    return ran;
  }

  private schedulePoll() {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.tick();
      this.schedulePoll();
    }, this.pollMs);
  }

  /** Claims as many due jobs as there are free slots (in one write), then starts them. */
  private tick(): void {
    if (!this.running) return;
    if (this.claiming) {
      this.again = true;
      return;
    }
    const free = this.concurrency - this.inFlight.size;
    if (free <= 0) return;
    if (this.givesWay()) return;
    this.again = false;
    this.claiming = this.write(() => {
      const claimed: JobRow[] = [];
      // Asked again as the claim runs: the write may have waited (a group commit's window) while requests came in.
      if (this.givesWay()) return claimed;
      const args = this.claimArgs();
      this.opts.intake?.(args[3]);
      // Expired leases first (rare: usually one lookup finds none), then due jobs.
      for (const stmt of [this.claimExpiredStmt, this.claimDueStmt]) {
        while (claimed.length < free) {
          const job = stmt.get(...args) as JobRow | null;
          if (!job) break;
          claimed.push(job);
        }
      }
      return claimed;
    }).then(
      (claimed) => {
        this.claiming = null;
        for (const job of claimed) this.launch(job);
        if (this.again || claimed.length === free) this.tick();
      },
      (err) => {
        this.claiming = null;
        this.opts.log.warn("job claim failed", { err });
      },
    );
  }

  /** Whether giveWay holds claims back now; if so, the runner looks again when it says. */
  private givesWay(): boolean {
    const holdBack = this.opts.giveWay?.() ?? 0;
    if (holdBack <= 0) return false;
    this.giveWayTimer ??= setTimeout(() => {
      this.giveWayTimer = null;
      this.tick();
    }, holdBack);
    return true;
  }

  private launch(job: JobRow): void {
    const p = this.execute(job).finally(() => {
      this.inFlight.delete(p);
      this.tick();
    });
    this.inFlight.add(p);
  }

  private claimArgs() {
    const now = this.opts.clock.now();
    return [now + this.leaseMs, nextLockToken(), this.workerId, now, this.queue] as const;
  }

  /** One job: an expired lease or a due one (runUntilEmpty). */
  private claim(): JobRow | null {
    try {
      const args = this.claimArgs();
      const { intake } = this.opts;
      if (intake) this.opts.db.$client.transaction(() => intake(args[3])).immediate();
      return ((this.claimExpiredStmt.get(...args) ?? this.claimDueStmt.get(...args)) as JobRow | null) ?? null;
    } catch (err) {
      // SQLITE_BUSY beyond busy_timeout: another process holds the write lock; the next tick retries.
      this.opts.log.warn("job claim failed", { err });
      return null;
    }
  }

  private async execute(job: JobRow): Promise<void> {
    const { log, clock, handlers } = this.opts;
    const handler = handlers[job.kind];
    const heartbeat = setInterval(
      () => this.extendStmt.run(job.id, job.lock_token, clock.now() + this.leaseMs),
      Math.max(1_000, Math.floor(this.leaseMs / 3)),
    );
    let failure: unknown = null;
    try {
      if (!handler) throw new PermanentFailure(`no handler for job kind "${job.kind}"`);
      await handler(JSON.parse(job.payload), { job, attempt: job.attempts });
    } catch (err) {
      failure = err;
    }
    try {
      await this.settle(job, failure);
    } catch (err) {
      log.error("job outcome not recorded", { id: job.id, kind: job.kind, err });
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** Records the outcome of an attempt: done, dead, or pending again after a backoff. */
  private async settle(job: JobRow, err: unknown): Promise<void> {
    const { log, clock } = this.opts;
    if (err === null) return this.end(job, () => this.finishStmt.run(job.id, job.lock_token, clock.now()));
    const message = err instanceof Error ? err.message : String(err);
    const now = clock.now();
    if (err instanceof PermanentFailure || job.attempts >= job.max_attempts) {
      await this.end(job, () => this.deadStmt.run(job.id, job.lock_token, now, message));
      log.error("job dead", { id: job.id, kind: job.kind, attempts: job.attempts, error: message });
      return;
    }
    const delay = err instanceof RetryLater ? err.delayMs : backoffDelay(job.attempts, this.backoffBaseMs, this.backoffMaxMs);
    await this.write(() => this.retryStmt.run(job.id, job.lock_token, now + delay, now, message));
    log.warn("job failed, will retry", { id: job.id, kind: job.kind, attempts: job.attempts, delay, error: message });
  }

  /** Records a final outcome and, in the same transaction, lets the next job of its ordering key go. */
  private end(job: JobRow, record: () => { changes: number }): Promise<void> {
    return this.write(() => {
      if (record().changes && job.ordering_key) this.promoteStmt.run(job.ordering_key, this.opts.clock.now());
    });
  }
}

/** The runners of several queues driven as one (tests drain them all with runUntilEmpty). */
export class JobRunners {
  constructor(readonly runners: JobRunner[]) {}

  /** A runner started later (the webhooks queue when its thread fails). */
  add(runner: JobRunner): void {
    this.runners.push(runner);
  }

  start(): void {
    for (const r of this.runners) r.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.runners.map((r) => r.stop()));
  }

  /** Until no queue has a due job: a job of one queue may enqueue into another. */
  async runUntilEmpty(maxJobs = 10_000): Promise<number> {
    let total = 0;
    for (;;) {
      let ran = 0;
      for (const r of this.runners) ran += await r.runUntilEmpty(maxJobs - total - ran);
      total += ran;
      if (ran === 0 || total >= maxJobs) return total;
    }
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
