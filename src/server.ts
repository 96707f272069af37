import { createApp } from "./app.ts";
import { startChannelServices } from "./channels/framework/setup.ts";
import type { Config } from "./config.ts";
import { closeDatabase, openDatabase } from "./db/client.ts";
import { startCheckpointer } from "./db/checkpointer.ts";
import { migrate } from "./db/migrate.ts";
import { createDeps, type AppDeps } from "./deps.ts";
import { wireListeners } from "./events/wire.ts";
import { createJobHandlers } from "./jobs/kinds.ts";
import { MAIN_QUEUE } from "./jobs/queue.ts";
import { JobRunner, JobRunners, type JobHandlers } from "./jobs/runner.ts";
import { startWebhookThread } from "./jobs/webhook-queue.ts";
import { takeNewWebhookEvents, WEBHOOK_QUEUE } from "./domain/webhooks/fanout.ts";
import { startSchedule } from "./jobs/schedule.ts";
import { systemClock, type Clock } from "./lib/clock.ts";
import { createLog, type Log } from "./lib/log.ts";
import { createMailer } from "./lib/mailer.ts";
import { ServingLoad } from "./lib/serving-load.ts";
import { realtimeFor } from "./realtime/index.ts";

export type StartOptions = {
  clock?: Clock;
  log?: Log;
  /** Extra job kinds (tests register their own). */
  extraHandlers?: JobHandlers;
  /** Tests drive the job loop themselves with runner.runUntilEmpty(). */
  startJobs?: boolean;
  jobOptions?: { pollMs?: number; leaseMs?: number; backoffBaseMs?: number };
  /** WAL checkpoints in a worker thread (src/db/checkpointer.ts); tests that do not look at it leave it off. */
  checkpointer?: boolean;
  /**
   * Webhook deliveries on a thread of their own (src/jobs/webhook-queue.ts) when jobs are started; otherwise (tests,
   * which drive a manual clock) the webhooks queue runs in this thread with the others.
   */
  webhookThread?: boolean;
};

export type RunningServer = {
  url: string;
  port: number;
  deps: AppDeps;
  runner: JobRunners;
  stop(): Promise<void>;
};

/** Opens the database, applies migrations, serves HTTP and runs the job loop: the whole appliance. */
export function startServer(config: Config, options: StartOptions = {}): RunningServer {
  const log = options.log ?? createLog(config.logLevel);
  const db = openDatabase(config.dbPath);
  const applied = migrate(db.$client);
  if (applied.length) log.info("migrations applied", { applied });
  const stopCheckpointer = options.checkpointer === false ? () => {} : startCheckpointer(db, config.dbPath, log);

  const deps = createDeps({
    config,
    db,
    clock: options.clock ?? systemClock,
    log,
    mailer: createMailer(config.smtpUrl, config.mailFrom),
  });
  wireListeners(deps);
  const app = createApp(deps);
  const handlers = { ...createJobHandlers(deps), ...options.extraHandlers };
  const runnerFor = (queue: string) =>
    new JobRunner({
      db,
      clock: deps.clock,
      log,
      handlers,
      queue,
      concurrency: config.jobConcurrency,
      write: (fn) => deps.txGrouped(() => fn()),
      ...(queue === WEBHOOK_QUEUE ? { intake: (now: number) => void takeNewWebhookEvents(db, now) } : {}),
      ...options.jobOptions,
    });
  const webhookThread = options.webhookThread !== false && options.startJobs !== false;
  const runner = new JobRunners(webhookThread ? [runnerFor(MAIN_QUEUE)] : [runnerFor(MAIN_QUEUE), runnerFor(WEBHOOK_QUEUE)]);

  const cable = realtimeFor(deps).cable;
  // The webhook thread reads it to let bursts of requests pass before its deliveries (src/jobs/give-way.ts).
  const servingLoad = new ServingLoad();
  const server = Bun.serve({
    port: config.port,
    // /cable upgrades to the ActionCable WebSocket before Hono sees the request.
    fetch: (req, srv) => {
      const upgraded = cable.fetch(req, srv);
      return upgraded === null ? servingLoad.track(() => app.fetch(req, srv)) : upgraded;
    },
    websocket: cable.websocket,
    maxRequestBodySize: config.maxUploadBytes + 1024 * 1024,
    error(err) {
      log.error("request failed", { err });
      return Response.json({ message: "Internal server error" }, { status: 500 });
    },
  });
  cable.attach(server);
  if (options.startJobs !== false) runner.start();
  const stopWebhookThread = webhookThread
    ? startWebhookThread(deps, { concurrency: config.jobConcurrency, servingLoad }, () => {
        const inProcess = runnerFor(WEBHOOK_QUEUE);
        runner.add(inProcess);
        inProcess.start();
      })
    : async () => {};
  const stopSchedule = startSchedule(deps);
  const stopChannels = startChannelServices(deps);
  const url = `http://localhost:${server.port}`;
  log.info("Parley is listening", { url, publicUrl: config.publicUrl, dataDir: config.dataDir });

  let stopped = false;
  return {
    url,
    port: server.port!,
    deps,
    runner,
    async stop() {
      if (stopped) return;
      stopped = true;
      stopSchedule();
      await stopChannels();
      cable.stop();
      await server.stop();
      await stopWebhookThread();
      await runner.stop();
      stopCheckpointer();
      closeDatabase(db);
    },
  };
}
