/**
 * @module Polling for the end-to-end tests: `waitFor` calls `fn` until it returns a value (not
 * undefined) or the time is up; a throw counts as "not yet" and its message is in the timeout
 * error. Polls every `intervalMs` (default 200 ms).
 */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000, intervalMs = 200): Promise<T> {
  return (await waitForTimed(what, fn, timeoutMs, intervalMs)).value;
}

/** waitFor, also telling how long it took (for tests that print a figure). */
export async function waitForTimed<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000, intervalMs = 200): Promise<{ value: T; ms: number }> {
  const t0 = Date.now();
  let last: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value !== undefined) return { value, ms: Date.now() - t0 };
    } catch (err) {
      last = err;
    }
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}${last ? `: ${last instanceof Error ? last.message : String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
