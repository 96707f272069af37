// Polling for tests that wait on something asynchronous outside their control (a mail arriving, a job running).

/** Calls `fn` every `everyMs` until it returns something truthy (awaited), which it returns; after `ms`, throws naming `what`. */
export async function waitFor<T>(what: string, fn: () => T | null | undefined | false | Promise<T | null | undefined | false>, ms = 10_000, everyMs = 25): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(everyMs);
  }
}
