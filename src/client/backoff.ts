/**
 * @module Exponential backoff with jitter for reconnecting list/watch loops, shaped like
 * client-go's reflector backoff (800ms initial, doubling, 30s cap, jitter 1.0: each wait is
 * somewhere in [d, 2d)). Pure: randomness is injected.
 */

export interface BackoffOptions {
  /** First delay, ms. Default 800. */
  initialMs?: number;
  /** Largest delay before jitter, ms. Default 30 000. */
  maxMs?: number;
  /** Extra random share of the delay: the wait is `d * (1 + jitter * random())`. Default 1. */
  jitter?: number;
  /** A number in [0, 1). Default Math.random. */
  random?: () => number;
}

/** Delays grow on each `next()` and go back to the start on `reset()`. */
export class Backoff {
  #initial: number;
  #max: number;
  #jitter: number;
  #random: () => number;
  #current = 0;

  constructor(options: BackoffOptions = {}) {
    this.#initial = options.initialMs ?? 800;
    this.#max = options.maxMs ?? 30_000;
    this.#jitter = options.jitter ?? 1;
    this.#random = options.random ?? Math.random;
  }

  /** The delay to wait before the next attempt, in ms. */
  next(): number {
    this.#current = this.#current === 0 ? this.#initial : Math.min(this.#max, this.#current * 2);
    return Math.round(this.#current * (1 + this.#jitter * this.#random()));
  }

  /** Called after a success: the next failure waits the initial delay again. */
  reset(): void {
    this.#current = 0;
  }
}
