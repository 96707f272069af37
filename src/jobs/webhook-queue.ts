// Starts the webhook delivery thread (src/jobs/webhook-thread.ts) when there is webhook work — at start-up if
// deliveries are queued, else at the first commit that enqueues one — and keeps it informed: every such commit
// wakes it. An installation without webhooks never pays for the thread (a second JavaScript heap, ~35 MB).
// If the thread cannot start or dies, the serving process runs the webhooks queue itself.
import type { Db } from "../db/client.ts";
import type { AppDeps } from "../deps.ts";
import { hasUnqueuedWebhookEvents, WEBHOOK_QUEUE } from "../domain/webhooks/fanout.ts";
import type { ServingLoad } from "../lib/serving-load.ts";
import { hasQueuedJobs, jobSignal } from "./queue.ts";
import type { WebhookThreadMessage } from "./webhook-thread.ts";

/** In `dist/parley` the thread's entrypoint sits in the executable's embedded file system (scripts/build.ts). */
function workerUrl(): string | URL {
  return import.meta.url.includes("/$bunfs/") ? "/$bunfs/root/jobs/webhook-thread.ts" : new URL("./webhook-thread.ts", import.meta.url);
}

/** Returns the stop function: the thread finishes the deliveries in flight, then exits. */
export function startWebhookThread(
  deps: Pick<AppDeps, "config" | "log"> & { db: Db },
  options: { concurrency: number; servingLoad: ServingLoad },
  fallBack: () => void,
): () => Promise<void> {
  const { concurrency, servingLoad } = options;
  const { log } = deps;
  let worker: Worker | null = null;
  let failed = false;
  let stopping = false;
  const { promise: stopped, resolve: onStopped } = Promise.withResolvers<void>();
  const post = (m: WebhookThreadMessage) => worker?.postMessage(m);

  const fail = (message: string, err?: unknown) => {
    if (failed) return;
    failed = true;
    log.error(message, { err });
    jobSignal.removeEventListener(WEBHOOK_QUEUE, wake);
    worker?.terminate();
    worker = null;
    onStopped();
    // Its jobs still leased by the dead thread are taken back at once (JobRunner.recoverOrphans).
    fallBack();
  };

  const start = () => {
    try {
      worker = new Worker(workerUrl());
    } catch (err) {
      fail("webhook thread not started; webhooks are delivered by the serving thread", err);
      return;
    }
    worker.onmessage = (event: MessageEvent<{ ready?: boolean; nice?: number; stopped?: boolean }>) => {
      if (event.data.ready) log.info("Webhook deliveries run in a worker thread", { concurrency, nice: event.data.nice });
      if (event.data.stopped) onStopped();
    };
    worker.onerror = (event) => fail("webhook thread failed; webhooks are delivered by the serving thread", event.message);
    post({ start: { config: deps.config, concurrency, servingLoad: servingLoad.buffer } });
  };

  // One wake-up per turn of the event loop, however many commits enqueued.
  let wakeQueued = false;
  function wake() {
    if (wakeQueued || stopping) return;
    wakeQueued = true;
    queueMicrotask(() => {
      wakeQueued = false;
      if (!worker && !failed) start();
      post({ wake: true });
    });
  }
  jobSignal.addEventListener(WEBHOOK_QUEUE, wake);
  if (hasQueuedJobs(deps.db, WEBHOOK_QUEUE) || hasUnqueuedWebhookEvents(deps.db)) start();

  return async () => {
    stopping = true;
    jobSignal.removeEventListener(WEBHOOK_QUEUE, wake);
    if (!worker) return;
    if (!failed) {
      post({ stop: true });
      await Promise.race([stopped, Bun.sleep(15_000)]);
    }
    worker.terminate();
  };
}
