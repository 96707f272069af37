import { Hono } from "hono";
import type { AppDeps, AppEnv } from "../../deps.ts";
import type { AccountScope } from "../../domain/accounts/access.ts";
import { assertCanManageInboxes } from "../../domain/inboxes/policy.ts";
import { getInbox } from "../../domain/inboxes/queries.ts";
import { Validation } from "../../domain/errors.ts";
import type { JobHandlers } from "../../jobs/runner.ts";
import { channelKindForParam, channelKindOf, channelKinds, parseChannelSettings, type ChannelKind, type ChannelRow } from "../registry.ts";
import { CHANNEL_SEND_JOB, channelSendHandler, enqueueChannelSend } from "./outbound.ts";

/** Channel settings that went through the kind's connect step: createInbox / updateInbox store them as they are. */
export type PreparedChannel = { kind: ChannelKind<unknown>; settings: unknown };

/**
 * POST /inboxes: validates the `channel` settings and runs the kind's connect step (provider checks, webhook
 * registration, sealing credentials) before the transaction. Only inbox managers get this far: a provider is never
 * called for a request that would be refused.
 */
export async function prepareChannelCreate(deps: AppDeps, scope: AccountScope, channel: Record<string, unknown> | undefined): Promise<PreparedChannel | undefined> {
  if (!channel) return undefined;
  const kind = channelKindForParam(channel.type);
  const settings = parseChannelSettings(kind, channel);
  assertCanManageInboxes(scope);
  if (!kind.connect) return { kind, settings };
  return { kind, settings: await kind.connect({ deps, accountId: scope.account.id, current: null }, settings) };
}

/** PATCH /inboxes/:id: the same for changed channel settings of an existing inbox. */
export async function prepareChannelUpdate(
  deps: AppDeps,
  scope: AccountScope,
  inboxId: number,
  channel: Record<string, unknown> | undefined,
): Promise<PreparedChannel | undefined> {
  if (!channel) return undefined;
  const current = getInbox(deps.db, scope.account.id, inboxId);
  const kind = channelKindOf(current.channel.channel_type);
  if (!kind) return undefined;
  const { type: _ignored, ...raw } = channel;
  const settings = parseChannelSettings(kind, raw);
  assertCanManageInboxes(scope);
  if (!kind.connect) return { kind, settings };
  return { kind, settings: await kind.connect({ deps, accountId: scope.account.id, current: current.channel }, settings) };
}

/** For createInbox / updateInbox: the prepared settings, or a 422 when a kind with a connect step was not prepared. */
export function preparedSettings(kind: ChannelKind<unknown>, prepared: PreparedChannel | undefined, raw: unknown): unknown {
  if (prepared && prepared.kind === kind) return prepared.settings;
  if (kind.connect) throw Validation.field("channel.type", `${kind.param} inboxes are set up through their connect step`);
  return parseChannelSettings(kind, raw);
}

/** DELETE /inboxes/:id, after the commit: the kind's disconnect step (errors logged, never thrown). */
export async function disconnectChannel(deps: AppDeps, channel: ChannelRow): Promise<void> {
  const kind = channelKindOf(channel.channel_type);
  if (!kind?.disconnect) return;
  try {
    await kind.disconnect(deps, channel);
  } catch (err) {
    deps.log.warn("channel disconnect failed", { channel: kind.param, channel_id: channel.id, err });
  }
}

/** src/app.ts: every kind's inbound routes at the app root. */
export function channelRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  for (const kind of channelKinds()) if (kind.routes) app.route("/", kind.routes(deps));
  return app;
}

/** The inbox settings pages: every kind's dashboard routes under …/settings/inboxes/channels/<param>. */
export function channelDashboardRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  for (const kind of channelKinds()) if (kind.dashboardRoutes) app.route(`/${kind.param}`, kind.dashboardRoutes(deps));
  return app;
}

/** src/jobs/kinds.ts: channel.send plus every kind's own job kinds. */
export function channelJobHandlers(deps: AppDeps): JobHandlers {
  const handlers: JobHandlers = { [CHANNEL_SEND_JOB]: channelSendHandler(deps) };
  for (const kind of channelKinds()) Object.assign(handlers, kind.jobs?.(deps));
  return handlers;
}

/** src/events/wire.ts: outgoing messages of inboxes whose kind has a sender become channel.send jobs. */
export function wireChannelListeners(deps: AppDeps): void {
  deps.bus.onDurable("message.created", (tx, e) => enqueueChannelSend(tx, e.data));
  for (const kind of channelKinds()) kind.listeners?.(deps);
}

/** src/server.ts: every kind's pollers and services while the server runs; returns the function that stops them. */
export function startChannelServices(deps: AppDeps): () => Promise<void> {
  const stops: (() => void | Promise<void>)[] = [];
  for (const kind of channelKinds()) {
    for (const poller of kind.pollers ?? []) {
      let running = false;
      const timer = setInterval(async () => {
        if (running) return;
        running = true;
        try {
          await poller.run(deps);
        } catch (err) {
          deps.log.error("channel poller failed", { channel: kind.param, poller: poller.name, err });
        } finally {
          running = false;
        }
      }, poller.everyMs);
      stops.push(() => clearInterval(timer));
    }
    if (kind.start) {
      try {
        stops.push(kind.start(deps));
      } catch (err) {
        deps.log.error("channel service failed to start", { channel: kind.param, err });
      }
    }
  }
  return async () => {
    await Promise.allSettled(stops.map((stop) => stop()));
  };
}
