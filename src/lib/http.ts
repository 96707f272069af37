// The ONE outbound HTTP helper: webhooks, agent bots, API-channel callbacks, channel APIs and any URL a user
// gives go through outboundFetch. It enforces a deadline, caps how much of the answer is read, and guards
// against SSRF: only http/https; the host is resolved and every address checked; the connection is pinned to a
// checked address (Host header and TLS server name keep the original name), so a DNS answer that changes between
// check and connect cannot redirect us; redirects are followed by hand and every hop is checked again.
import { lookup as dnsLookup } from "node:dns/promises";
import { isIP } from "node:net";

/** forbidden: never a target (link-local, cloud metadata, multicast, reserved). private: allowed only when configured. */
export type AddressClass = "public" | "private" | "forbidden";
export type Classification = { class: AddressClass; reason: string };

export type OutboundErrorKind = "invalid_url" | "blocked" | "timeout" | "network" | "redirect";

export class OutboundError extends Error {
  constructor(
    readonly kind: OutboundErrorKind,
    message: string,
  ) {
    super(message);
    this.name = "OutboundError";
  }
}

export type LookupAddress = { address: string; family: number };
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export type OutboundRequest = {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array<ArrayBuffer>;
  /** Deadline for the whole exchange: DNS, connect, every redirect hop and reading the answer. Default 10 s. */
  timeoutMs?: number;
  /** How much of the response body is kept (for logs and delivery records). Default 64 KiB. */
  maxResponseBytes?: number;
  /** Redirects followed by hand, each hop checked again. Default 3. */
  maxRedirects?: number;
  /** Private, loopback and carrier-grade NAT targets (allowed unless PARLEY_WEBHOOK_BLOCK_PRIVATE is set). */
  allowPrivate: boolean;
  /** DNS resolution; tests may substitute a fixed table. Defaults to the system resolver (all addresses). */
  resolve?: Resolver;
};

export type OutboundResponse = {
  status: number;
  ok: boolean;
  headers: Headers;
  /** The first maxResponseBytes of the body, decoded as UTF-8. */
  body: string;
  /** The same bytes undecoded (channel file downloads). */
  bytes: Uint8Array;
  truncated: boolean;
  /** The URL that answered (after redirects). */
  url: string;
  /** URLs we were redirected to, in order. */
  redirects: string[];
  durationMs: number;
};

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;
export const DEFAULT_MAX_REDIRECTS = 3;

// ---------------------------------------------------------------------------------------------------------------
// Address classification

type V4Range = { base: number; bits: number; class: AddressClass; reason: string };

const v4 = (cidr: string, cls: AddressClass, reason: string): V4Range => {
  const [ip, bits] = cidr.split("/");
  return { base: parseV4(ip)!, bits: Number(bits ?? 32), class: cls, reason };
};

// Checked in order: the more specific, always-forbidden entries first.
const V4_RANGES: V4Range[] = [
  v4("169.254.0.0/16", "forbidden", "link-local / cloud metadata address"),
  v4("100.100.100.200/32", "forbidden", "cloud metadata address (Alibaba Cloud)"),
  v4("168.63.129.16/32", "forbidden", "cloud platform address (Azure WireServer)"),
  v4("192.0.0.192/32", "forbidden", "cloud metadata address (Oracle Cloud)"),
  v4("224.0.0.0/4", "forbidden", "multicast address"),
  v4("240.0.0.0/4", "forbidden", "reserved address"),
  v4("0.0.0.0/8", "private", "unspecified / this-network address"),
  v4("10.0.0.0/8", "private", "private network address"),
  v4("100.64.0.0/10", "private", "carrier-grade NAT address"),
  v4("127.0.0.0/8", "private", "loopback address"),
  v4("172.16.0.0/12", "private", "private network address"),
  v4("192.0.0.0/24", "private", "IETF protocol assignment address"),
  v4("192.168.0.0/16", "private", "private network address"),
  v4("198.18.0.0/15", "private", "benchmarking network address"),
];

function parseV4(ip: string): number | null {
  const parts = ip.split(".");
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null;
    const b = Number(p);
    if (b > 255) return null;
    n = n * 256 + b;
  }
  return n;
}

function classifyV4(n: number): Classification {
  for (const r of V4_RANGES) {
    const size = 2 ** (32 - r.bits);
    if (Math.floor(n / size) === Math.floor(r.base / size)) return { class: r.class, reason: r.reason };
  }
  return { class: "public", reason: "public address" };
}

/** 16 bytes of an IPv6 address (with an optional dotted IPv4 tail), or null. */
function parseV6(ip: string): number[] | null {
  let s = ip.toLowerCase();
  const zone = s.indexOf("%");
  if (zone >= 0) s = s.slice(0, zone);
  // A dotted IPv4 tail (::ffff:1.2.3.4) becomes its two hex groups.
  const lastColon = s.lastIndexOf(":");
  if (s.slice(lastColon + 1).includes(".")) {
    const n = parseV4(s.slice(lastColon + 1));
    if (n === null) return null;
    s = `${s.slice(0, lastColon + 1)}${((n >>> 16) & 0xffff).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const groups = (part: string) => (part === "" ? [] : part.split(":").map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16) : NaN)));
  const head = groups(halves[0]);
  const rest = halves.length === 2 ? groups(halves[1]) : [];
  let words: number[];
  if (halves.length === 2) {
    const fill = 8 - head.length - rest.length;
    if (fill < 0) return null;
    words = [...head, ...Array(fill).fill(0), ...rest];
  } else {
    words = head;
  }
  if (words.length !== 8 || words.some((w) => Number.isNaN(w))) return null;
  return words.flatMap((w) => [w >> 8, w & 0xff]);
}

function classifyV6(b: number[]): Classification {
  const zeros = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  const embeddedV4 = (at: number) => ((b[at] * 256 + b[at + 1]) * 256 + b[at + 2]) * 256 + b[at + 3];
  if (zeros(0, 16)) return { class: "private", reason: "unspecified address" };
  if (zeros(0, 15) && b[15] === 1) return { class: "private", reason: "loopback address" };
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d), NAT64
  // (64:ff9b::a.b.c.d), 6to4 (2002:aabb:ccdd::):
  // the IPv4 address inside decides.
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return embedded(classifyV4(embeddedV4(12)));
  if (zeros(0, 12)) return embedded(classifyV4(embeddedV4(12)));
  // IPv4-translated (::ffff:0:a.b.c.d, SIIT).
  if (zeros(0, 8) && b[8] === 0xff && b[9] === 0xff && b[10] === 0 && b[11] === 0) return embedded(classifyV4(embeddedV4(12)));
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zeros(4, 12)) return embedded(classifyV4(embeddedV4(12)));
  if (b[0] === 0x20 && b[1] === 0x02) return embedded(classifyV4(embeddedV4(2)));
  if (b[0] === 0xfe && (b[1] & 0xc0) === 0x80) return { class: "forbidden", reason: "link-local address" };
  if (b[0] === 0xff) return { class: "forbidden", reason: "multicast address" };
  // AWS's IPv6 instance metadata endpoint, fd00:ec2::254, sits inside fc00::/7 but is never a valid target.
  if (b[0] === 0xfd && b[1] === 0x00 && b[2] === 0x0e && b[3] === 0xc2 && zeros(4, 14) && b[14] === 0x02 && b[15] === 0x54) {
    return { class: "forbidden", reason: "cloud metadata address (AWS)" };
  }
  if ((b[0] & 0xfe) === 0xfc) return { class: "private", reason: "unique local address" };
  if (b[0] === 0xfe && (b[1] & 0xc0) === 0xc0) return { class: "private", reason: "site-local address" };
  return { class: "public", reason: "public address" };
}

function embedded(c: Classification): Classification {
  return c.class === "public" ? c : { class: c.class, reason: `${c.reason} (embedded in IPv6)` };
}

/** Classifies a literal IPv4 or IPv6 address (brackets allowed); null when the text is not an IP address. */
export function classifyIp(ip: string): Classification | null {
  const bare = ip.startsWith("[") && ip.endsWith("]") ? ip.slice(1, -1) : ip;
  const family = isIP(bare.split("%")[0]);
  if (family === 4) return classifyV4(parseV4(bare)!);
  if (family === 6) {
    const bytes = parseV6(bare);
    return bytes ? classifyV6(bytes) : { class: "forbidden", reason: "unparseable IPv6 address" };
  }
  return null;
}

/**
 * Classifies a host name without DNS when that is possible: IP literals, and `localhost` / `*.localhost`
 * (RFC 6761: always loopback). Returns null for names that need resolving.
 */
export function classifyHostLiteral(hostname: string): Classification | null {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  const ip = classifyIp(host);
  if (ip) return ip;
  if (host === "localhost" || host.endsWith(".localhost")) return { class: "private", reason: "loopback host name" };
  return null;
}

export function isAllowed(c: Classification, allowPrivate: boolean): boolean {
  return c.class === "public" || (c.class === "private" && allowPrivate);
}

// ---------------------------------------------------------------------------------------------------------------
// Destination checks

const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * Parses and checks a URL: http(s) only; the host resolved (unless it is a literal) and every address checked.
 * Returns the addresses that may be connected to (IPv4 first). Throws OutboundError(invalid_url | blocked | network).
 */
export async function checkDestination(
  rawUrl: string | URL,
  opts: { allowPrivate: boolean; resolve?: Resolver; signal?: AbortSignal },
): Promise<{ url: URL; addresses: string[] }> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new OutboundError("invalid_url", `not a valid URL: ${String(rawUrl).slice(0, 200)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new OutboundError("invalid_url", `only http and https URLs can be called, not ${url.protocol}`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (!host) throw new OutboundError("invalid_url", "the URL has no host");
  const literal = classifyHostLiteral(host);
  if (literal) {
    if (!isAllowed(literal, opts.allowPrivate)) throw blocked(host, host, literal);
    // localhost is pinned to the loopback address; IP literals to themselves.
    const pinned = isIP(host) ? host : "127.0.0.1";
    return { url, addresses: [pinned] };
  }
  let found: LookupAddress[];
  try {
    found = await abortable((opts.resolve ?? systemResolver)(host), opts.signal);
  } catch (err) {
    if (err instanceof OutboundError) throw err;
    throw new OutboundError("network", `could not resolve ${host}: ${(err as Error).message ?? err}`);
  }
  if (found.length === 0) throw new OutboundError("network", `could not resolve ${host}: no addresses`);
  // One disallowed address blocks the name: a resolver may hand out any of them.
  for (const { address } of found) {
    const c = classifyIp(address) ?? { class: "forbidden" as const, reason: "not an IP address" };
    if (!isAllowed(c, opts.allowPrivate)) throw blocked(host, address, c);
  }
  const addresses = [...found].sort((a, b) => a.family - b.family).map((a) => a.address);
  return { url, addresses: [...new Set(addresses)] };
}

function blocked(host: string, address: string, c: Classification): OutboundError {
  const what = host === address ? address : `${host} (${address})`;
  const hint = c.class === "private" ? "; private networks are blocked by PARLEY_WEBHOOK_BLOCK_PRIVATE" : "";
  return new OutboundError("blocked", `destination blocked: ${what} is a ${c.reason}${hint}`);
}

// ---------------------------------------------------------------------------------------------------------------
// The request

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const CONNECT_ERRORS = /ConnectionRefused|ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|EADDRNOTAVAIL/i;

/**
 * Sends one request through the SSRF guard. Resolves with the final response (any status) or rejects with an
 * OutboundError: invalid_url and blocked are never worth retrying; timeout and network usually are.
 */
export async function outboundFetch(rawUrl: string, req: OutboundRequest): Promise<OutboundResponse> {
  const started = performance.now();
  const timeoutMs = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const signal = AbortSignal.timeout(timeoutMs);
  const maxRedirects = req.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  let method = (req.method ?? "GET").toUpperCase();
  let body = req.body;
  let headers = { ...(req.headers ?? {}) };
  const redirects: string[] = [];
  let current: string | URL = rawUrl;

  try {
    for (let hop = 0; ; hop++) {
      const { url, addresses } = await checkDestination(current, { allowPrivate: req.allowPrivate, resolve: req.resolve, signal });
      const res = await fetchPinned(url, addresses, { method, headers, body, signal });
      if (REDIRECT_STATUSES.has(res.status) && res.headers.get("location")) {
        await res.body?.cancel().catch(() => {});
        if (hop >= maxRedirects) throw new OutboundError("redirect", `too many redirects (more than ${maxRedirects})`);
        let next: URL;
        try {
          next = new URL(res.headers.get("location")!, url);
        } catch {
          throw new OutboundError("redirect", `redirect to an invalid location: ${res.headers.get("location")!.slice(0, 200)}`);
        }
        // As browsers do: 303, and 301/302 after a POST, continue as GET without a body.
        if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === "POST")) {
          if (method !== "HEAD") method = "GET";
          body = undefined;
          headers = withoutHeaders(headers, ["content-type", "content-length"]);
        }
        if (next.origin !== url.origin) headers = withoutHeaders(headers, ["authorization", "cookie", "proxy-authorization"]);
        redirects.push(next.href);
        current = next;
        continue;
      }
      const { text, truncated, bytes } = await readCapped(res, req.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES);
      return {
        status: res.status,
        ok: res.status >= 200 && res.status < 300,
        headers: res.headers,
        body: text,
        bytes,
        truncated,
        url: url.href,
        redirects,
        durationMs: Math.round(performance.now() - started),
      };
    }
  } catch (err) {
    if (err instanceof OutboundError) throw err;
    if (signal.aborted) throw new OutboundError("timeout", `no complete answer within ${timeoutMs} ms`);
    throw new OutboundError("network", describeNetworkError(err));
  }
}

/** Connects to a checked address, keeping the original name for the Host header and TLS (SNI, certificate). */
async function fetchPinned(
  url: URL,
  addresses: string[],
  init: { method: string; headers: Record<string, string>; body?: string | Uint8Array<ArrayBuffer>; signal: AbortSignal },
): Promise<Response> {
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  let lastError: unknown;
  for (const address of addresses) {
    const target = new URL(url.href);
    target.hostname = address.includes(":") ? `[${address}]` : address;
    const headers = new Headers(init.headers);
    headers.set("host", url.host);
    try {
      return await fetch(target, {
        method: init.method,
        headers,
        body: init.body,
        redirect: "manual",
        signal: init.signal,
        ...(url.protocol === "https:" && !isIP(hostname) ? { tls: { serverName: hostname } } : {}),
      });
    } catch (err) {
      lastError = err;
      // Nothing reached the server: another address of the same name may answer.
      if (init.signal.aborted || !CONNECT_ERRORS.test(`${(err as { code?: string }).code ?? ""} ${(err as Error).message}`)) throw err;
    }
  }
  throw lastError;
}

async function readCapped(res: Response, max: number): Promise<{ text: string; truncated: boolean; bytes: Uint8Array }> {
  if (!res.body) return { text: "", truncated: false, bytes: new Uint8Array(0) };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const room = max - size;
    if (value.byteLength >= room) {
      chunks.push(value.subarray(0, room));
      size += room;
      truncated = value.byteLength > room;
      if (!truncated) {
        // Exactly at the cap: see whether more follows.
        const more = await reader.read();
        truncated = !more.done;
      }
      await reader.cancel().catch(() => {});
      break;
    }
    chunks.push(value);
    size += value.byteLength;
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return { text: new TextDecoder("utf-8", { fatal: false }).decode(all), truncated, bytes: all };
}

function withoutHeaders(headers: Record<string, string>, names: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !names.includes(k.toLowerCase())));
}

function describeNetworkError(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const text = e?.message ?? String(err);
  return e?.code && !text.includes(e.code) ? `${e.code}: ${text}` : text;
}

function abortable<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(new OutboundError("timeout", "deadline passed before the request was sent"));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new OutboundError("timeout", "deadline passed while resolving the host name"));
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}

/** Parses a Retry-After header (delta seconds or an HTTP date) into milliseconds from now; null when absent or invalid. */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (!value) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - nowMs);
}
