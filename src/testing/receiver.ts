// A real local HTTP receiver for webhook, callback and bot tests: Bun.serve on 127.0.0.1, records every request
// as it arrives (before answering), and can be told to fail, answer slowly or hang for the next requests.

export type ReceivedRequest = {
  method: string;
  /** Path and query, e.g. "/hook?x=1". */
  path: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** The body exactly as received. */
  rawBody: Uint8Array;
  /** rawBody decoded as UTF-8. */
  body: string;
  /** Date.now() when the request arrived. */
  at: number;
  json<T = any>(): T;
};

export type Reply = (req: ReceivedRequest) => Response | Promise<Response>;

/** Which requests a queued behaviour applies to (default: any). */
export type Match = (req: ReceivedRequest) => boolean;

type Behaviour = ({ kind: "reply"; reply: Reply } | { kind: "hang" }) & { when?: Match };

export type Receiver = {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  /** Every request so far, in arrival order. */
  requests: ReceivedRequest[];
  /** The next n requests (matching `when`) get `status` (with Retry-After when given). */
  failNext(n: number, status: number, opts?: { retryAfter?: string | number; body?: string; when?: Match }): void;
  /** The next n requests (matching `when`) never get an answer (until close), so the client's timeout fires. */
  hangNext(n?: number, when?: Match): void;
  /** The next request (matching `when`) gets this reply (e.g. a redirect). */
  replyNext(reply: Reply, when?: Match): void;
  /** Answers requests to this path with `reply` whenever no queued behaviour applies. */
  route(path: string, reply: Reply): void;
  /** Resolves with the requests (matching `when`) once at least n have arrived; rejects after timeoutMs. */
  waitFor(n: number, timeoutMs?: number, when?: Match): Promise<ReceivedRequest[]>;
  /** Forgets recorded requests and queued behaviours. */
  reset(): void;
  close(): Promise<void>;
};

/** Starts a receiver on 127.0.0.1 and a free port. Unqueued requests get 200 {"ok":true}. */
export function startReceiver(): Receiver {
  const requests: ReceivedRequest[] = [];
  const queue: Behaviour[] = [];
  const routes = new Map<string, Reply>();
  const hanging = new Set<() => void>();
  const waiters = new Set<() => void>();

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    // Hanging requests must stay open until the client gives up.
    idleTimeout: 0,
    async fetch(request) {
      const url = new URL(request.url);
      const rawBody = new Uint8Array(await request.arrayBuffer());
      const body = new TextDecoder().decode(rawBody);
      const received: ReceivedRequest = {
        method: request.method,
        path: url.pathname + url.search,
        headers: Object.fromEntries([...request.headers].map(([k, v]) => [k.toLowerCase(), v])),
        rawBody,
        body,
        at: Date.now(),
        json: () => JSON.parse(body),
      };
      requests.push(received);
      for (const w of [...waiters]) w();
      const at = queue.findIndex((b) => !b.when || b.when(received));
      const next = at >= 0 ? queue.splice(at, 1)[0] : undefined;
      if (next?.kind === "hang") {
        await new Promise<void>((resolve) => hanging.add(resolve));
        return new Response("receiver closed", { status: 503 });
      }
      if (next?.kind === "reply") return next.reply(received);
      const route = routes.get(url.pathname);
      if (route) return route(received);
      return Response.json({ ok: true });
    },
  });

  const receiver: Receiver = {
    url: `http://127.0.0.1:${server.port}`,
    port: server.port!,
    requests,
    failNext(n, status, opts = {}) {
      for (let i = 0; i < n; i++) {
        queue.push({
          kind: "reply",
          when: opts.when,
          reply: () => {
            const headers = new Headers();
            if (opts.retryAfter !== undefined) headers.set("retry-after", String(opts.retryAfter));
            return new Response(opts.body ?? `failing on purpose with ${status}`, { status, headers });
          },
        });
      }
    },
    hangNext(n = 1, when) {
      for (let i = 0; i < n; i++) queue.push({ kind: "hang", when });
    },
    replyNext(reply, when) {
      queue.push({ kind: "reply", reply, when });
    },
    route(path, reply) {
      routes.set(path, reply);
    },
    waitFor(n, timeoutMs = 5_000, when) {
      const matching = () => (when ? requests.filter(when) : requests.slice());
      if (matching().length >= n) return Promise.resolve(matching());
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = matching();
          if (found.length < n) return;
          cleanup();
          resolve(found);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`receiver: expected ${n} matching request(s) within ${timeoutMs} ms, got ${matching().length} of ${requests.length}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
      });
    },
    reset() {
      requests.length = 0;
      queue.length = 0;
      routes.clear();
    },
    async close() {
      for (const release of hanging) release();
      hanging.clear();
      await server.stop(true);
    },
  };
  return receiver;
}

/** Matches webhook bodies by their "event" (e.g. "message_created"). */
export function forEvent(event: string): Match {
  return (req) => {
    try {
      return JSON.parse(req.body)?.event === event;
    } catch {
      return false;
    }
  };
}
