/**
 * @module How long a failed work item waits before its retry (client-go's workqueue rate
 * limiters). The default is client-go's DefaultControllerRateLimiter: the larger of a per-item
 * exponential backoff (5ms, 10ms, 20ms ... capped at 1000s) and an overall token bucket
 * (10 per second, bursts of 100) so that many failing items together cannot flood the server.
 */
import { realClock, type Clock } from './clock.js';

export interface RateLimiter<T> {
  /** The wait before `item` may be retried, in ms; counts one more failure for it. */
  when(item: T): number;
  /** Clears `item`'s failure history (after it succeeded, or was given up). */
  forget(item: T): void;
  /** Failures counted for `item` since the last `forget`. */
  numRequeues(item: T): number;
}

/** `baseMs * 2^failures`, capped at `maxMs`. */
export class ItemExponentialRateLimiter<T> implements RateLimiter<T> {
  #failures = new Map<T, number>();
  #base: number;
  #max: number;

  constructor(options: { baseMs?: number; maxMs?: number } = {}) {
    this.#base = options.baseMs ?? 5;
    this.#max = options.maxMs ?? 1_000_000;
  }

  when(item: T): number {
    const n = this.#failures.get(item) ?? 0;
    this.#failures.set(item, n + 1);
    return Math.min(this.#max, this.#base * 2 ** n);
  }

  forget(item: T): void {
    this.#failures.delete(item);
  }

  numRequeues(item: T): number {
    return this.#failures.get(item) ?? 0;
  }
}

/** A token bucket shared by all items: `burst` at once, then `qps` per second. */
export class BucketRateLimiter<T> implements RateLimiter<T> {
  #qps: number;
  #burst: number;
  #tokens: number;
  #last: number;
  #clock: Clock;

  constructor(options: { qps?: number; burst?: number; clock?: Clock } = {}) {
    this.#qps = options.qps ?? 10;
    this.#burst = options.burst ?? 100;
    this.#clock = options.clock ?? realClock;
    this.#tokens = this.#burst;
    this.#last = this.#clock.now();
  }

  /** Reserves the next token; the wait is how long until it exists (tokens may go negative). */
  when(_item: T): number {
    const now = this.#clock.now();
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#last) / 1000) * this.#qps);
    this.#last = now;
    this.#tokens -= 1;
    return this.#tokens >= 0 ? 0 : Math.ceil((-this.#tokens / this.#qps) * 1000);
  }

  forget(_item: T): void {}

  numRequeues(_item: T): number {
    return 0;
  }
}

/** The longest wait of several limiters. */
export class MaxOfRateLimiter<T> implements RateLimiter<T> {
  #limiters: RateLimiter<T>[];

  constructor(limiters: RateLimiter<T>[]) {
    this.#limiters = limiters;
  }

  when(item: T): number {
    let wait = 0;
    for (const limiter of this.#limiters) wait = Math.max(wait, limiter.when(item));
    return wait;
  }

  forget(item: T): void {
    for (const limiter of this.#limiters) limiter.forget(item);
  }

  numRequeues(item: T): number {
    let n = 0;
    for (const limiter of this.#limiters) n = Math.max(n, limiter.numRequeues(item));
    return n;
  }
}

export interface ControllerRateLimiterOptions {
  clock?: Clock;
  /** Per-item backoff; defaults 5ms and 1000s. */
  baseMs?: number;
  maxMs?: number;
  /** The overall bucket; `false` leaves it out. Default `{ qps: 10, burst: 100 }`. */
  bucket?: { qps: number; burst: number } | false;
}

/** client-go's DefaultControllerRateLimiter, with each part adjustable. */
export function controllerRateLimiter<T>(options: ControllerRateLimiterOptions = {}): RateLimiter<T> {
  const perItem = new ItemExponentialRateLimiter<T>({ baseMs: options.baseMs, maxMs: options.maxMs });
  const bucket = options.bucket ?? { qps: 10, burst: 100 };
  if (bucket === false) return perItem;
  return new MaxOfRateLimiter<T>([perItem, new BucketRateLimiter<T>({ ...bucket, clock: options.clock })]);
}
