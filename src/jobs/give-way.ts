// When background work (webhook deliveries) holds back for the serving thread. A burst of requests (several in
// flight at once, or requests in flight most of the last ~50 ms) makes new deliveries wait, so the burst is served at
// the speed it would have without webhooks; the deliveries follow as soon as it has passed. No work waits longer than
// MAX_DEFERRAL_MS for that reason: under sustained load, deliveries run alongside requests, at most that late.

/** Several requests in flight at once: the serving thread has more to do than it can take in one go. */
export const BUSY_PEAK_IN_FLIGHT = 4;
/** Requests in flight this share of the recent window: the serving thread is rarely idle. */
export const BUSY_FRACTION = 0.5;
/** The longest any work waits for the serving thread. */
export const MAX_DEFERRAL_MS = 1_000;
/** While holding back, how often to look again (the load is sampled as often). */
export const RECHECK_MS = 10;

export type ServingLoadView = { peakInFlight(): number; busyFraction(): number };

/** The decision, asked before each claim of the background queue (JobRunner's giveWay). */
export class GiveWay {
  /** While holding back: since when the oldest waiting work has waited (nothing is taken meanwhile, so it stays). */
  private waitingSince: number | null = null;

  constructor(
    private readonly load: ServingLoadView,
    /** When the oldest work that is due now began waiting; null if none is waiting. */
    private readonly oldestWaitingSince: () => number | null,
    private readonly now: () => number,
  ) {}

  /** How long to hold back before looking again (0: go ahead). */
  holdBackMs(): number {
    const busy = this.load.peakInFlight() >= BUSY_PEAK_IN_FLIGHT || this.load.busyFraction() >= BUSY_FRACTION;
    if (busy) this.waitingSince ??= this.oldestWaitingSince();
    if (!busy || this.waitingSince === null || this.now() - this.waitingSince >= MAX_DEFERRAL_MS) {
      this.waitingSince = null;
      return 0;
    }
    return RECHECK_MS;
  }
}
