// The webhook delivery thread (started by src/jobs/webhook-queue.ts): a job runner for the "webhooks" queue on a
// SQLite connection of its own. Fanning an event out to its webhooks, signing, POSTing and recording every attempt
// happen here, so a burst of deliveries never competes with requests for the serving thread. While the serving
// thread is busy with a burst of requests, new deliveries wait for it to pass (at most a second: src/jobs/give-way.ts).
import { readlinkSync } from "node:fs";
import { setPriority } from "node:os";
import { closeDatabase, openDatabase } from "../db/client.ts";
import { GroupCommit } from "../db/tx.ts";
import type { Config } from "../config.ts";
import { oldestWebhookWorkSince, takeNewWebhookEvents, WEBHOOK_QUEUE, webhookJobHandlers, type WebhookJobDeps } from "../domain/webhooks/fanout.ts";
import { systemClock } from "../lib/clock.ts";
import { createLog } from "../lib/log.ts";
import { ServingLoad } from "../lib/serving-load.ts";
import { GiveWay } from "./give-way.ts";
import { wakeQueue } from "./queue.ts";
import { JobRunner } from "./runner.ts";

declare const self: Worker;

/** This thread's writes (claims, attempts, outcomes) are gathered this long into one transaction. */
const WRITE_WINDOW_MS = 10;
/**
 * The thread's nice value. When the CPUs are busy, the kernel gives it about a tenth of what the serving thread
 * gets, so a burst of deliveries waits for a burst of requests to pass instead of slowing it; when they are idle,
 * it runs at full speed. Never zero: deliveries keep flowing under sustained load, only slower.
 */
const THREAD_NICE = 10;
/** How often the serving thread's load is sampled (its busy fraction spans the last five samples). */
const LOAD_SAMPLE_MS = 10;

/** Linux: a thread's own id is the last part of /proc/thread-self. Elsewhere the thread keeps its priority. */
function lowerOwnPriority(): boolean {
  try {
    setPriority(Number(readlinkSync("/proc/thread-self").split("/").pop()), THREAD_NICE);
    return true;
  } catch {
    return false;
  }
}

export type WebhookThreadMessage =
  /** `servingLoad`: the buffer of the serving thread's ServingLoad. */
  | { start: { config: Config; concurrency: number; servingLoad: SharedArrayBuffer } }
  | { wake: true }
  | { stop: true };

let stop: (() => Promise<void>) | null = null;

self.onmessage = async (event: MessageEvent<WebhookThreadMessage>) => {
  const m = event.data;
  if ("wake" in m) return wakeQueue(WEBHOOK_QUEUE);
  if ("stop" in m) {
    await stop?.();
    postMessage({ stopped: true });
    return;
  }
  const { config, concurrency } = m.start;
  const log = createLog(config.logLevel);
  const load = new ServingLoad(m.start.servingLoad).reader();
  const sampling = setInterval(() => load.sample(), LOAD_SAMPLE_MS);
  const niced = lowerOwnPriority();
  const db = openDatabase(config.dbPath);
  const clock = systemClock;
  const group = new GroupCommit(db, () => clock.now(), {
    // Nothing on this thread emits domain events; one that did would be lost, so it fails loudly instead.
    onEmit: (_tx, e) => {
      throw new Error(`domain event ${e.name} emitted on the webhook thread`);
    },
    onCommit: () => {},
  }, WRITE_WINDOW_MS);
  const deps: WebhookJobDeps = { config, db, clock, log, txGrouped: (fn) => group.run(fn) };
  const giveWay = new GiveWay(load, () => oldestWebhookWorkSince(db, clock.now()), () => clock.now());
  const runner = new JobRunner({
    db,
    clock,
    log,
    handlers: webhookJobHandlers(deps),
    queue: WEBHOOK_QUEUE,
    concurrency,
    write: (fn) => group.run(() => fn()),
    intake: (now) => void takeNewWebhookEvents(db, now),
    giveWay: () => giveWay.holdBackMs(),
  });
  runner.start();
  stop = async () => {
    clearInterval(sampling);
    await runner.stop();
    closeDatabase(db);
  };
  postMessage({ ready: true, nice: niced ? THREAD_NICE : 0 });
};
