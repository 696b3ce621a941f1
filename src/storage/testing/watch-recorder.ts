/**
 * @module A test helper that records what a store watch delivers, and lets a test await the
 * n-th event or the close without sleeping on the clock.
 */

import type { Store, StoreEvent, StoreWatch } from '../store.js';

export interface Recorder {
  /** Every event delivered so far, in order. */
  readonly events: StoreEvent[];
  /** Undefined while the watch runs; once onClose ran, holds the error it got. */
  readonly closed: { err?: Error } | undefined;
  /** How many times onClose ran (the contract allows one). */
  readonly closedCount: number;
  readonly watch: StoreWatch;
  /** The first `n` events, once they have arrived; rejects if the watch closes first. */
  next(n: number): Promise<StoreEvent[]>;
  /** The error onClose got, once it ran. */
  whenClosed(): Promise<Error | undefined>;
}

export interface RecordOptions {
  /** The revision to watch from (events above it). */
  from: number;
  /** Runs after the event is recorded; may throw, to test how the store handles that. */
  onEvent?(event: StoreEvent): void;
}

/** Starts a watch and records it. */
export async function record(store: Store, prefix: string, options: RecordOptions): Promise<Recorder> {
  const events: StoreEvent[] = [];
  const waiters: { n: number; resolve(events: StoreEvent[]): void; reject(err: Error): void }[] = [];
  const closeWaiters: ((err: Error | undefined) => void)[] = [];
  const state: { closed?: { err?: Error }; closedCount: number } = { closedCount: 0 };

  function wake(): void {
    for (const waiter of [...waiters]) {
      if (events.length >= waiter.n) waiter.resolve(events.slice(0, waiter.n));
      else if (state.closed) waiter.reject(new Error(`watch closed after ${events.length} of ${waiter.n} events`));
      else continue;
      waiters.splice(waiters.indexOf(waiter), 1);
    }
  }

  const watch = await store.watch(prefix, options.from, {
    onEvent(event) {
      events.push(event);
      wake();
      options.onEvent?.(event);
    },
    onClose(err) {
      state.closedCount++;
      state.closed = { err };
      wake();
      for (const resolve of closeWaiters.splice(0)) resolve(err);
    },
  });

  return {
    events,
    watch,
    get closed() {
      return state.closed;
    },
    get closedCount() {
      return state.closedCount;
    },
    next(n) {
      return new Promise((resolve, reject) => {
        waiters.push({ n, resolve, reject });
        wake();
      });
    },
    whenClosed() {
      if (state.closed) return Promise.resolve(state.closed.err);
      return new Promise((resolve) => closeWaiters.push(resolve));
    },
  };
}

/** Lets a few turns of the event loop pass, so scheduled deliveries (replay pages) have run. */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
}
