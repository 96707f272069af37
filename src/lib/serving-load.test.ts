import { describe, expect, test } from "bun:test";
import { ServingLoad } from "./serving-load.ts";

describe("ServingLoad", () => {
  test("the peak of requests in flight at once is kept until the reader's next sample, then starts over", () => {
    const load = new ServingLoad();
    const reader = load.reader();
    load.started();
    load.started();
    load.started();
    load.finished();
    expect(reader.peakInFlight()).toBe(3);
    reader.sample();
    expect(reader.peakInFlight()).toBe(3);
    load.finished();
    load.finished();
    reader.sample();
    expect(reader.peakInFlight()).toBe(0);
  });

  test("busyFraction: the share of the window with a request in flight, a request still running included", async () => {
    const load = new ServingLoad();
    const reader = load.reader(2);
    reader.sample();
    load.started();
    await Bun.sleep(40);
    reader.sample(); // busy all along, the request not finished yet
    expect(reader.busyFraction()).toBeGreaterThan(0.9);
    load.finished();
    await Bun.sleep(40);
    reader.sample();
    // Half of it, give or take how late the timers fired.
    expect(reader.busyFraction()).toBeGreaterThan(0.2);
    expect(reader.busyFraction()).toBeLessThan(0.8);
    await Bun.sleep(40);
    reader.sample(); // the window (two intervals) holds only idle time now
    expect(reader.busyFraction()).toBeLessThan(0.1);
  });

  test("track() counts a request until its response, also when the handler throws or rejects", async () => {
    const load = new ServingLoad();
    const reader = load.reader();
    expect(load.track(() => "sync")).toBe("sync");
    expect(() => load.track(() => { throw new Error("boom"); })).toThrow("boom");
    const slow = load.track(async () => {
      await Bun.sleep(10);
      return "async";
    });
    expect(load.inFlight()).toBe(1);
    expect(await slow).toBe("async");
    await expect(load.track(async () => Promise.reject(new Error("no")))).rejects.toThrow("no");
    expect(load.inFlight()).toBe(0);
    expect(reader.peakInFlight()).toBe(1);
  });

  test("another thread reads the same counts through the shared buffer", async () => {
    const load = new ServingLoad();
    load.started();
    load.started();
    const worker = new Worker(new URL("data:text/javascript," + encodeURIComponent(
      "self.onmessage = (e) => postMessage(Atomics.load(new Int32Array(e.data), 0));",
    )));
    const seen = await new Promise<number>((resolve) => {
      worker.onmessage = (e) => resolve(e.data);
      worker.postMessage(load.buffer);
    });
    worker.terminate();
    expect(seen).toBe(2);
  });
});
