import { describe, expect, test } from "bun:test";
import { BUSY_FRACTION, BUSY_PEAK_IN_FLIGHT, GiveWay, MAX_DEFERRAL_MS, RECHECK_MS } from "./give-way.ts";

function setup(waitingSince: number | null) {
  const load = { peak: 0, fraction: 0 };
  let now = 100_000;
  let asked = 0;
  const giveWay = new GiveWay(
    { peakInFlight: () => load.peak, busyFraction: () => load.fraction },
    () => (asked++, waitingSince),
    () => now,
  );
  return { load, giveWay, advance: (ms: number) => (now += ms), asked: () => asked, setWaiting: (t: number | null) => (waitingSince = t), now: () => now };
}

describe("GiveWay", () => {
  test("an idle or lightly loaded serving thread never holds work back (and the queue is not even asked)", () => {
    const { load, giveWay, asked } = setup(0);
    expect(giveWay.holdBackMs()).toBe(0);
    load.peak = BUSY_PEAK_IN_FLIGHT - 1;
    load.fraction = BUSY_FRACTION - 0.01;
    expect(giveWay.holdBackMs()).toBe(0);
    expect(asked()).toBe(0);
  });

  test("a burst (several requests in flight at once, or in flight most of the time) holds young work back", () => {
    const s = setup(100_000);
    s.load.peak = BUSY_PEAK_IN_FLIGHT;
    expect(s.giveWay.holdBackMs()).toBe(RECHECK_MS);
    s.load.peak = 1;
    s.load.fraction = BUSY_FRACTION;
    expect(s.giveWay.holdBackMs()).toBe(RECHECK_MS);
  });

  test("work that has waited MAX_DEFERRAL_MS goes ahead however busy the serving thread is; the queue is asked once per hold", () => {
    const s = setup(100_000);
    s.load.peak = 16;
    s.load.fraction = 1;
    for (let waited = 0; waited < MAX_DEFERRAL_MS; waited += RECHECK_MS) {
      expect(s.giveWay.holdBackMs()).toBe(RECHECK_MS);
      s.advance(RECHECK_MS);
    }
    expect(s.giveWay.holdBackMs()).toBe(0);
    expect(s.asked()).toBe(1);
    // A new hold asks again: work that came meanwhile is younger.
    s.setWaiting(s.now() - 10);
    expect(s.giveWay.holdBackMs()).toBe(RECHECK_MS);
    expect(s.asked()).toBe(2);
  });

  test("with nothing waiting there is nothing to hold back", () => {
    const s = setup(null);
    s.load.peak = 16;
    expect(s.giveWay.holdBackMs()).toBe(0);
  });
});
