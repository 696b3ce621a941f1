/**
 * @module Pods being started, from their worker's creation to the end of their first sync (its
 * status written: Running, or why not): what the agent's deferrable work waits for — events
 * (held-events.ts) and the warm pool's refills (sandbox-pool.ts) — so that a burst of pods is
 * not slowed by work that can come after it. `busy`/`waiting`/`idle()` as Slots has them.
 */
export class StartsInFlight {
  #busy = 0;
  #idle: Array<() => void> = [];

  get busy(): number {
    return this.#busy;
  }

  /** Nothing waits here (the shape of Slots). */
  get waiting(): number {
    return 0;
  }

  /** A start begins; the function returned ends it (once, however often it is called). */
  begin(): () => void {
    this.#busy++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      if (--this.#busy === 0) for (const resolve of this.#idle.splice(0)) resolve();
    };
  }

  /** Resolves once no start is in flight (at once when none is). */
  idle(): Promise<void> {
    if (this.#busy === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }
}
