// One signed delivery attempt (postSigned: account webhooks, agent bots, API-channel callbacks) and the durable
// `http.deliver` job of the single-target deliveries (API-channel callbacks, agent bots). The body is serialized when
// the job is enqueued, inside the transaction that made the change, so the receiver gets the state the event
// describes, byte for byte on every retry. Account webhooks fan out one event to many targets: fanout.ts.
import { z } from "zod";
import type { Tx } from "../../db/tx.ts";
import type { AppDeps } from "../../deps.ts";
import { PermanentFailure, RetryLater } from "../../jobs/errors.ts";
import { enqueue } from "../../jobs/queue.ts";
import type { JobContext } from "../../jobs/runner.ts";
import { unixSeconds } from "../../lib/clock.ts";
import { OutboundError, outboundFetch, parseRetryAfter } from "../../lib/http.ts";
import { uuid } from "../../lib/ids.ts";
import { webhookHeaders } from "./signing.ts";

export const HTTP_DELIVER_JOB = "http.deliver";
export const DELIVERY_MAX_ATTEMPTS = 8;

/** Waits after attempts 1..7: the 8 attempts span about 23 hours. */
export const RETRY_DELAYS_MS = [30_000, 120_000, 600_000, 1_800_000, 7_200_000, 21_600_000, 50_400_000];
/** A Retry-After longer than this is cut to it. */
export const MAX_RETRY_AFTER_MS = 24 * 3600_000;

const payloadSchema = z.object({
  url: z.string().min(1),
  /** The exact JSON text to POST. */
  body: z.string(),
  secret: z.string().nullable(),
  /** X-Chatwoot-Delivery: chosen at enqueue time, the same on every attempt. */
  delivery_id: z.string().min(1),
  /** Chatwoot's event name (message_created, …), for logs and the delivery record. */
  event: z.string(),
  /** Who the delivery is for. */
  target: z
    .object({
      type: z.enum(["api_inbox", "agent_bot"]),
      id: z.number().int(),
      /** The conversation a bot event is about (a bot's failed message delivery opens it). */
      account_id: z.number().int().optional(),
      conversation_id: z.number().int().optional(),
    })
    .optional(),
});

export type HttpDeliveryPayload = z.infer<typeof payloadSchema>;

export type EnqueueDeliveryInput = {
  url: string;
  /** Serialized here, once: every attempt sends the same bytes. */
  payload: Record<string, unknown>;
  secret: string | null;
  event: string;
  /** Deliveries sharing a key arrive in enqueue order (a failing one holds back those after it). */
  orderingKey: string;
  target?: HttpDeliveryPayload["target"];
  /** Defaults to DELIVERY_MAX_ATTEMPTS (agent bots give up sooner, as Chatwoot's bot job does). */
  maxAttempts?: number;
};

/** Writes the delivery job in the caller's transaction. Returns the job id. */
export function enqueueHttpDelivery(tx: Tx, input: EnqueueDeliveryInput): number | null {
  const job: HttpDeliveryPayload = {
    url: input.url,
    body: JSON.stringify(input.payload),
    secret: input.secret,
    // X-Chatwoot-Delivery: chosen here, the same on every attempt.
    delivery_id: uuid(),
    event: input.event,
    ...(input.target ? { target: input.target } : {}),
  };
  return enqueue(tx, { kind: HTTP_DELIVER_JOB, payload: job, orderingKey: input.orderingKey, maxAttempts: input.maxAttempts ?? DELIVERY_MAX_ATTEMPTS });
}

/** The wait after a failed attempt (1-based), with ±10 % jitter so many failing deliveries do not retry in lockstep. */
export function retryDelay(attempt: number, random = Math.random): number {
  const base = RETRY_DELAYS_MS[Math.min(Math.max(attempt, 1), RETRY_DELAYS_MS.length) - 1];
  return Math.round(base * (0.9 + random() * 0.2));
}

/** One signed POST and how it ended. */
export type PostOutcome = {
  /** HTTP status, or null when no answer came (timeout, network, blocked). */
  status: number | null;
  /** delivered (2xx); retry (network error, timeout, 408, 429, 5xx: worth another attempt); final (anything else). */
  kind: "delivered" | "retry" | "final";
  /** The wait asked for by Retry-After (capped), or null to use the backoff schedule. */
  retryAfterMs: number | null;
  /** Why it did not succeed: "HTTP 503 …", "request timed out …", "destination blocked …"; null when delivered. */
  error: string | null;
  /** The start of the response body (at most 64 KiB). */
  response_body: string | null;
  duration_ms: number;
};

/**
 * Sends one signed delivery attempt (the core of every webhook, bot and callback delivery). The timestamp is the
 * attempt's, the delivery id the one chosen at enqueue time. Never throws.
 */
export async function postSigned(
  deps: Pick<AppDeps, "config">,
  req: { url: string; body: string; secret: string | null; deliveryId: string; at: number; now: () => number },
): Promise<PostOutcome> {
  const started = performance.now();
  let res;
  try {
    res = await outboundFetch(req.url, {
      method: "POST",
      headers: webhookHeaders({ body: req.body, secret: req.secret, deliveryId: req.deliveryId, timestampSec: unixSeconds(req.at) }),
      body: req.body,
      timeoutMs: deps.config.webhookTimeoutMs,
      allowPrivate: !deps.config.webhookBlockPrivate,
    });
  } catch (err) {
    const duration_ms = Math.round(performance.now() - started);
    const retryable = err instanceof OutboundError && (err.kind === "timeout" || err.kind === "network");
    const error = err instanceof Error ? err.message : String(err);
    return { status: null, kind: retryable ? "retry" : "final", retryAfterMs: null, error, response_body: null, duration_ms };
  }
  const r = { status: res.status, response_body: res.body, duration_ms: res.durationMs };
  if (res.ok) return { ...r, kind: "delivered", retryAfterMs: null, error: null };
  const error = `HTTP ${res.status}${res.body ? ` ${res.body.slice(0, 200)}` : ""}`;
  if (res.status === 408 || res.status === 429 || res.status >= 500) {
    const asked = parseRetryAfter(res.headers.get("retry-after"), req.now());
    return { ...r, kind: "retry", retryAfterMs: asked === null ? null : Math.min(asked, MAX_RETRY_AFTER_MS), error };
  }
  return { ...r, kind: "final", retryAfterMs: null, error };
}

/** What happened on one attempt of an http.deliver job (the agent-bot failure handling observes it). */
export type DeliveryAttempt = {
  delivery_id: string;
  event: string;
  url: string;
  target: HttpDeliveryPayload["target"] | null;
  attempt: number;
  at: number;
  status: number | null;
  /** delivered; retry (another attempt is scheduled); failed (no further attempt). */
  outcome: "delivered" | "retry" | "failed";
  error: string | null;
  response_body: string | null;
  duration_ms: number;
};

export type DeliveryOptions = {
  /** Called once per attempt, outside any transaction; the attempt's outcome is recorded after it settles. */
  onAttempt?: (attempt: DeliveryAttempt) => void | Promise<void>;
};

/** The http.deliver handler. Retries: network errors, timeouts, 408, 429 and 5xx (Retry-After honoured). Other answers are final. */
export function createHttpDeliveryHandler(deps: AppDeps, options: DeliveryOptions = {}) {
  return async (raw: unknown, ctx: JobContext): Promise<void> => {
    const parsed = payloadSchema.safeParse(raw);
    if (!parsed.success) throw new PermanentFailure(`invalid http.deliver payload: ${parsed.error.issues[0]?.message}`);
    const job = parsed.data;
    const at = deps.clock.now();
    const r = await postSigned(deps, { url: job.url, body: job.body, secret: job.secret, deliveryId: job.delivery_id, at, now: () => deps.clock.now() });
    const outcome = r.kind === "delivered" ? "delivered" : r.kind === "retry" && ctx.attempt < ctx.job.max_attempts ? "retry" : "failed";
    if (options.onAttempt) {
      try {
        await options.onAttempt({
          delivery_id: job.delivery_id,
          event: job.event,
          url: job.url,
          target: job.target ?? null,
          attempt: ctx.attempt,
          at,
          status: r.status,
          outcome,
          error: r.error,
          response_body: r.response_body,
          duration_ms: r.duration_ms,
        });
      } catch (err) {
        deps.log.error("delivery observer failed", { err });
      }
    }
    if (r.kind === "delivered") return;
    const message = `${job.event} to ${job.url}: ${r.error}`;
    if (r.kind === "retry") throw new RetryLater(message, r.retryAfterMs ?? retryDelay(ctx.attempt));
    throw new PermanentFailure(message);
  };
}
