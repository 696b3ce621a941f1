/**
 * @module A Clock for tests: time stands still until the test moves it. `advance(ms)` fires due
 * timers in time order and lets promise chains settle after each, so code that waits on the
 * clock and then awaits I/O runs to its next wait before the next timer fires.
 */
import type { Clock, TimerHandle } from '../clock.js';

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

export class FakeClock implements Clock {
  #now: number;
  #seq = 0;
  #timers = new Set<Timer>();

  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: Timer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn };
    this.#timers.add(timer);
    return timer;
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers.delete(handle as Timer);
  }

  /** Timers not yet fired, as delays from now, soonest first. */
  pending(): number[] {
    return this.#sorted().map((t) => t.at - this.#now);
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    await settle();
    for (;;) {
      const next = this.#sorted()[0];
      if (!next || next.at > target) break;
      this.#timers.delete(next);
      this.#now = next.at;
      next.fn();
      await settle();
    }
    this.#now = target;
  }

  /** Fires the soonest timer, however far away; returns the delay it had, or undefined if none. */
  async next(): Promise<number | undefined> {
    await settle();
    const next = this.#sorted()[0];
    if (!next) return undefined;
    const delay = next.at - this.#now;
    await this.advance(delay);
    return delay;
  }

  #sorted(): Timer[] {
    return [...this.#timers].sort((a, b) => a.at - b.at || a.seq - b.seq);
  }
}

/** Lets pending promise callbacks and I/O callbacks run (a real macrotask turn, no sleeping). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
