import type { Config } from "./config.ts";
import type { Db } from "./db/client.ts";
import { GroupCommit, runInTx, type Tx } from "./db/tx.ts";
import { EventBus } from "./events/bus.ts";
import type { Clock } from "./lib/clock.ts";
import type { Log } from "./lib/log.ts";
import type { Mailer } from "./lib/mailer.ts";

export type AppDeps = {
  config: Config;
  db: Db;
  bus: EventBus;
  clock: Clock;
  log: Log;
  mailer: Mailer;
  /** Runs fn in one write transaction; events are dispatched to the bus (durably inside, live after commit). */
  tx<T>(fn: (tx: Tx) => T): T;
  /**
   * Like tx, but the body may share one transaction (and its COMMIT) with other bodies queued in the same turn of
   * the event loop, each in its own savepoint (db/tx.ts GroupCommit). For hot write paths.
   */
  txGrouped<T>(fn: (tx: Tx) => T): Promise<T>;
};

export function createDeps(parts: Omit<AppDeps, "tx" | "txGrouped" | "bus"> & { bus?: EventBus }): AppDeps {
  const bus = parts.bus ?? new EventBus(parts.log);
  const hooks = { onEmit: (tx: Tx, e: Parameters<EventBus["dispatchDurable"]>[1]) => bus.dispatchDurable(tx, e), onCommit: (events: Parameters<EventBus["publish"]>[0]) => bus.publish(events) };
  const group = new GroupCommit(parts.db, () => parts.clock.now(), hooks);
  return {
    ...parts,
    bus,
    tx: (fn) => runInTx(parts.db, parts.clock.now(), hooks, fn),
    txGrouped: (fn) => group.run(fn),
  };
}

import type { Actor } from "./domain/auth/actor.ts";
import type { AuthLimits } from "./domain/auth/commands.ts";
import type { AccountScope } from "./domain/accounts/access.ts";

/** The Hono environment: what middleware puts in c.var for the handlers after it. */
export type AppEnv = {
  Variables: {
    deps: AppDeps;
    limits: AuthLimits;
    actor: Actor;
    /** Set by the account middleware on /api/v1/accounts/:account_id routes. */
    scope: AccountScope;
    /** Per-response nonce for the Content-Security-Policy (set by hono/secure-headers). */
    secureHeadersNonce?: string;
  };
};
