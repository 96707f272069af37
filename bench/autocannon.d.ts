// The part of autocannon's programmatic API that bench/run.ts uses (the package ships no types).
declare module "autocannon" {
  type Histogram = { average: number; mean: number; stddev: number; min: number; max: number; total: number } & Record<`p${string}`, number>;
  type Request = {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
    /** Returns the request to send next (called for every request when present). */
    setupRequest?: (req: Record<string, unknown>, context: Record<string, unknown>) => Record<string, unknown>;
    /** Called with each response to this request, just before the instance's "response" event. */
    onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
  };
  type Options = {
    url: string;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    requests?: Request[];
    connections?: number;
    duration?: number;
    amount?: number;
    pipelining?: number;
    timeout?: number;
  };
  type Result = {
    requests: Histogram;
    latency: Histogram;
    throughput: Histogram;
    errors: number;
    timeouts: number;
    non2xx: number;
    duration: number;
  };
  /** The running instance: an event emitter ("response": client, status, bytes, milliseconds) and a promise of the result. */
  type Instance = PromiseLike<Result> & {
    on(event: "response", listener: (client: unknown, status: number, bytes: number, ms: number) => void): Instance;
    on(event: string, listener: (...args: any[]) => void): Instance;
  };
  function autocannon(options: Options): Instance;
  export default autocannon;
}
