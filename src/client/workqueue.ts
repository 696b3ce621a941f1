/**
 * @module The work queue controllers pull keys from (client-go's rate-limited work queue).
 * Its promises, as client-go's package doc gives them:
 *  - Fair: items are handed out in the order they were added.
 *  - Stingy: an item added many times before it is processed is processed once; an item is
 *    never processed by two workers at once. Added again while being processed, it is queued
 *    again when `done()` is called for it, not before.
 *  - Delays and retries: `addAfter` queues later (the earliest requested time wins),
 *    `addRateLimited` waits as long as the rate limiter says, `forget` clears the history.
 *  - Shut down: no more adds; `get()` hands out what is still queued, then resolves undefined.
 * Time goes through the injected Clock.
 */
import { realClock, type Clock, type TimerHandle } from './clock.js';
import { controllerRateLimiter, type RateLimiter } from './rate-limiter.js';

export interface WorkQueueOptions<T> {
  clock?: Clock;
  /** Default: `controllerRateLimiter({ clock })`, client-go's default for controllers. */
  rateLimiter?: RateLimiter<T>;
}

export class WorkQueue<T extends NonNullable<unknown> = string> {
  /**
   * Queued items from `#head` on. Taken by moving `#head`, not with shift(): V8's shift moves
   * every element once an array is past ~16K items, so draining a backlog of 50,000 keys (an
   * informer's first list) cost ~2 s of CPU; client-go re-slices. Compacted when half is spent.
   */
  #queue: T[] = [];
  #head = 0;
  /** Items that need processing: queued, or re-added while processing. */
  #dirty = new Set<T>();
  #processing = new Set<T>();
  /** Items waiting for `addAfter`: the time they become ready and their timer. */
  #waiting = new Map<T, { at: number; timer: TimerHandle }>();
  #getters: Array<(item: T | undefined) => void> = [];
  #shuttingDown = false;
  #clock: Clock;
  #limiter: RateLimiter<T>;

  constructor(options: WorkQueueOptions<T> = {}) {
    this.#clock = options.clock ?? realClock;
    this.#limiter = options.rateLimiter ?? controllerRateLimiter<T>({ clock: this.#clock });
  }

  /** Marks `item` as needing processing. No-op if it already is, or after shutDown. */
  add(item: T): void {
    if (this.#shuttingDown || this.#dirty.has(item)) return;
    this.#dirty.add(item);
    if (this.#processing.has(item)) return;
    const getter = this.#getters.shift();
    if (getter) this.#handOut(item, getter);
    else this.#queue.push(item);
  }

  /** Adds `item` after `ms` milliseconds (at once if `ms <= 0`). An earlier pending time wins. */
  addAfter(item: T, ms: number): void {
    if (this.#shuttingDown) return;
    if (ms <= 0) {
      this.add(item);
      return;
    }
    const at = this.#clock.now() + ms;
    const pending = this.#waiting.get(item);
    if (pending) {
      if (pending.at <= at) return;
      this.#clock.clearTimeout(pending.timer);
    }
    const timer = this.#clock.setTimeout(() => {
      this.#waiting.delete(item);
      this.add(item);
    }, ms);
    this.#waiting.set(item, { at, timer });
  }

  /** Adds `item` once the rate limiter allows (per-item exponential backoff). */
  addRateLimited(item: T): void {
    this.addAfter(item, this.#limiter.when(item));
  }

  /** Forgets `item`'s failures: its next `addRateLimited` waits the base delay again. */
  forget(item: T): void {
    this.#limiter.forget(item);
  }

  /** How many times `item` was rate-limited since its last `forget`. */
  numRequeues(item: T): number {
    return this.#limiter.numRequeues(item);
  }

  /**
   * The next item to process, waiting for one if needed; undefined once shut down and empty.
   * The caller must call `done(item)` when finished with it.
   */
  get(): Promise<T | undefined> {
    const item = this.#take();
    if (item !== undefined) {
      this.#dirty.delete(item);
      this.#processing.add(item);
      return Promise.resolve(item);
    }
    if (this.#shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#getters.push(resolve));
  }

  /** Ends processing of `item`; if it was added meanwhile, it is queued again now. */
  done(item: T): void {
    this.#processing.delete(item);
    if (!this.#dirty.has(item)) return;
    const getter = this.#getters.shift();
    if (getter) this.#handOut(item, getter);
    else this.#queue.push(item);
  }

  /** Refuses further adds, drops delayed adds, and wakes idle `get()` callers with undefined. */
  shutDown(): void {
    if (this.#shuttingDown) return;
    this.#shuttingDown = true;
    for (const { timer } of this.#waiting.values()) this.#clock.clearTimeout(timer);
    this.#waiting.clear();
    const getters = this.#getters;
    this.#getters = [];
    for (const resolve of getters) resolve(undefined);
  }

  shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /** Items queued and not being processed. */
  len(): number {
    return this.#queue.length - this.#head;
  }

  /** The first queued item, or undefined. */
  #take(): T | undefined {
    if (this.#head >= this.#queue.length) return undefined;
    const item = this.#queue[this.#head++];
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  #handOut(item: T, getter: (item: T) => void): void {
    this.#dirty.delete(item);
    this.#processing.add(item);
    getter(item);
  }
}
