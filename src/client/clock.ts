/**
 * @module Time as the client sees it. Everything in `client/` that waits (backoff, delayed queue
 * adds, rate limiting) goes through a `Clock`, so tests drive time with `FakeClock`
 * (`testing/fake-clock.ts`) and never sleep.
 */

/** An opaque handle for a pending timer. */
export type TimerHandle = object;

export interface Clock {
  /** Milliseconds since some fixed origin; only differences matter. */
  now(): number;
  /** Calls `fn` once after `ms` milliseconds (0 or less: on the next turn of the loop). */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer; unknown or already fired handles are ignored. */
  clearTimeout(handle: TimerHandle): void;
}

/** The wall clock, backed by the Node timers. */
export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, Math.max(0, ms)),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
