// Starts the webhook delivery thread (src/jobs/webhook-thread.ts) and keeps it informed: every commit that enqueues
// webhook work wakes it. If the thread cannot start or dies, the serving process runs the webhooks queue itself.
import type { AppDeps } from "../deps.ts";
import { WEBHOOK_QUEUE } from "../domain/webhooks/fanout.ts";
import { jobSignal } from "./queue.ts";
import type { WebhookThreadMessage } from "./webhook-thread.ts";

/** In `dist/parley` the thread's entrypoint sits in the executable's embedded file system (scripts/build.ts). */
function workerUrl(): string | URL {
  return import.meta.url.includes("/$bunfs/") ? "/$bunfs/root/jobs/webhook-thread.ts" : new URL("./webhook-thread.ts", import.meta.url);
}

/** Returns the stop function: the thread finishes the deliveries in flight, then exits. */
export function startWebhookThread(deps: Pick<AppDeps, "config" | "log">, concurrency: number, fallBack: () => void): () => Promise<void> {
  const { log } = deps;
  let worker: Worker;
  try {
    worker = new Worker(workerUrl());
  } catch (err) {
    log.warn("webhook thread not started; webhooks are delivered by the serving thread", { err });
    fallBack();
    return async () => {};
  }
  const post = (m: WebhookThreadMessage) => worker.postMessage(m);
  // One wake-up per turn of the event loop, however many commits enqueued.
  let wakeQueued = false;
  const wake = () => {
    if (wakeQueued) return;
    wakeQueued = true;
    queueMicrotask(() => {
      wakeQueued = false;
      post({ wake: true });
    });
  };
  const { promise: stopped, resolve: onStopped } = Promise.withResolvers<void>();
  let failed = false;
  worker.onmessage = (event: MessageEvent<{ ready?: boolean; nice?: number; stopped?: boolean }>) => {
    if (event.data.ready) log.info("Webhook deliveries run in a worker thread", { concurrency, nice: event.data.nice });
    if (event.data.stopped) onStopped();
  };
  worker.onerror = (event) => {
    if (failed) return;
    failed = true;
    log.error("webhook thread failed; webhooks are delivered by the serving thread", { error: event.message });
    jobSignal.removeEventListener(WEBHOOK_QUEUE, wake);
    worker.terminate();
    onStopped();
    // Its jobs still leased by the dead thread are taken back at once (JobRunner.recoverOrphans).
    fallBack();
  };
  jobSignal.addEventListener(WEBHOOK_QUEUE, wake);
  post({ start: { config: deps.config, concurrency } });
  return async () => {
    jobSignal.removeEventListener(WEBHOOK_QUEUE, wake);
    if (!failed) {
      post({ stop: true });
      await Promise.race([stopped, Bun.sleep(15_000)]);
    }
    worker.terminate();
  };
}
