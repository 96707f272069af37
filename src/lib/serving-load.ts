// How loaded the serving thread is, shared with background threads through a SharedArrayBuffer: the serving thread
// counts the requests it handles (started / finished: a few atomic operations per request), and a background thread
// reads the counts to decide whether to hold back its own work (src/jobs/webhook-thread.ts).

/** Microseconds since the epoch, wrapped to a signed 32-bit integer: comparable across threads, differences exact up to 35 minutes. */
const nowUs = () => (Math.floor((performance.timeOrigin + performance.now()) * 1000) % 4294967296) | 0;

const IN_FLIGHT = 0;
/** When the current busy period (requests in flight without a break) began, µs. */
const BUSY_SINCE = 1;
/** The length of all finished busy periods, µs (wrapping). */
const BUSY_TOTAL = 2;
/** The most requests in flight at once since the reader last looked. */
const PEAK = 3;

export class ServingLoad {
  private readonly cells: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT)) {
    this.cells = new Int32Array(buffer);
  }

  /** Serving thread: a request begins. */
  started(): void {
    const before = Atomics.add(this.cells, IN_FLIGHT, 1);
    if (before === 0) Atomics.store(this.cells, BUSY_SINCE, nowUs());
    if (before >= Atomics.load(this.cells, PEAK)) Atomics.store(this.cells, PEAK, before + 1);
  }

  /** Serving thread: a request has its response. */
  finished(): void {
    if (Atomics.sub(this.cells, IN_FLIGHT, 1) === 1) Atomics.add(this.cells, BUSY_TOTAL, (nowUs() - Atomics.load(this.cells, BUSY_SINCE)) | 0);
  }

  /** Serving thread: counts one request from `handle` until its response (or its failure). */
  track<R>(handle: () => R | Promise<R>): R | Promise<R> {
    this.started();
    let result: R | Promise<R>;
    try {
      result = handle();
    } catch (err) {
      this.finished();
      throw err;
    }
    if (result instanceof Promise) return result.finally(() => this.finished());
    this.finished();
    return result;
  }

  /** Requests in flight now. */
  inFlight(): number {
    return Atomics.load(this.cells, IN_FLIGHT);
  }

  /** Reader: a view that measures the load over a sliding window of `window` sampling intervals. */
  reader(window = 5): ServingLoadReader {
    return new ServingLoadReader(this.cells, window);
  }
}

/** One reader thread's view: call sample() every few milliseconds; busy() answers from the recent samples. */
export class ServingLoadReader {
  private samples: { at: number; busy: number }[] = [];
  private recentPeak = 0;
  private fraction = 0;

  constructor(
    private readonly cells: Int32Array,
    /** How many sampling intervals the busy fraction spans. */
    private readonly window: number,
  ) {}

  sample(): void {
    const at = nowUs();
    const inFlight = Atomics.load(this.cells, IN_FLIGHT);
    const finished = Atomics.load(this.cells, BUSY_TOTAL);
    const busy = inFlight > 0 ? (finished + ((at - Atomics.load(this.cells, BUSY_SINCE)) | 0)) | 0 : finished;
    this.samples.push({ at, busy });
    if (this.samples.length > this.window + 1) this.samples.shift();
    const first = this.samples[0];
    const span = (at - first.at) | 0;
    this.fraction = span > 0 ? ((busy - first.busy) | 0) / span : 0;
    this.recentPeak = Atomics.exchange(this.cells, PEAK, 0);
  }

  /** The share of the window during which the serving thread had a request in flight (0..1). */
  busyFraction(): number {
    return this.fraction;
  }

  /** The most requests in flight at once during the last sampling interval and since. */
  peakInFlight(): number {
    return Math.max(this.recentPeak, Atomics.load(this.cells, PEAK));
  }
}
