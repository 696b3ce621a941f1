/**
 * @module The list-then-watch loop behind every informer (client-go's Reflector, at
 * client-node's size). It lists (in pages), hands the full list to its sink, watches from the
 * list's resourceVersion with bookmarks and a jittered timeout, and keeps the last
 * resourceVersion it saw (from events and bookmarks). Then:
 *  - the watch ends cleanly (server timeout)         → watch again from the last resourceVersion;
 *  - 410 Gone/Expired (at start or as an ERROR event) → forget the version and list again: at
 *    once, or after a backoff when the version refused is the one just listed (a server in
 *    that state would otherwise be relisted in a tight loop);
 *  - any other failure                                → wait (exponential backoff), then retry
 *    the same step: a failed list lists again, a failed watch watches again from the last
 *    version (if that version is gone by then, the 410 brings the relist).
 * A watch that ends within a second without a single event counts as a failure, so a server
 * that hangs up at once is not hammered. Waiting goes through the injected Clock; `stop()`
 * leaves no timer and no open stream behind.
 */
import { StatusError, isGone, newInternalError } from '../api/errors.js';
import type { KubeList, KubeObject, Status, WatchEvent } from '../api/types.js';
import { Backoff, type BackoffOptions } from './backoff.js';
import type { ListOptions, WatchOptions } from './client.js';
import { realClock, type Clock, type TimerHandle } from './clock.js';
import type { WatchHandlers, WatchStream } from './transport.js';

/** What a reflector reads from; a `ResourceClient` is one. */
export interface ListerWatcher<T extends KubeObject = KubeObject> {
  list(options: ListOptions): Promise<KubeList<T>>;
  watch(options: WatchOptions, handlers: WatchHandlers): Promise<WatchStream>;
}

/** Where a reflector writes; the informer is one. Neither method may throw. */
export interface ReflectorSink<T extends KubeObject = KubeObject> {
  /** The complete current state, from the initial list or a relist. */
  replace(items: T[], resourceVersion: string): void;
  /** One change from the watch. */
  apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: T): void;
}

export interface ReflectorOptions {
  /** Only this namespace; omitted: all namespaces. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Items per list page; 0 lists in one request. Default 500. */
  pageSize?: number;
  /** Watches ask the server to end them after this many seconds times [1, 2). Default 300. */
  minWatchTimeoutSeconds?: number;
  /** Waits between failed attempts. Default: 800ms doubling to 30s, jitter 1. */
  backoff?: BackoffOptions;
  clock?: Clock;
  /** A number in [0, 1), for the watch timeout jitter and the backoff. Default Math.random. */
  random?: () => number;
  /** Failures worth a log line (not 410s, which are routine). Default: none. */
  onError?: (err: Error) => void;
}

/** A watch that ended this fast with no event counts as a failure (client-go's "very short watch"). */
const SHORT_WATCH_MS = 1000;

interface Attempt {
  closed: boolean;
  /** The resourceVersion this watch started from. */
  from: string;
  /** Changes and bookmarks received (ERROR events do not count). */
  events: number;
  startedAt: number;
  stream?: WatchStream;
}

/** One list/watch loop. `start()` once, `stop()` once; a stopped reflector stays stopped. */
export class Reflector<T extends KubeObject = KubeObject> {
  #source: ListerWatcher<T>;
  #sink: ReflectorSink<T>;
  #options: ReflectorOptions;
  #clock: Clock;
  #random: () => number;
  #backoff: Backoff;
  #rv = '';
  /** The resourceVersion of the last successful list. */
  #listedRv = '';
  #started = false;
  #stopped = false;
  #timer?: TimerHandle;
  #attempt?: Attempt;

  constructor(source: ListerWatcher<T>, sink: ReflectorSink<T>, options: ReflectorOptions = {}) {
    this.#source = source;
    this.#sink = sink;
    this.#options = options;
    this.#clock = options.clock ?? realClock;
    this.#random = options.random ?? Math.random;
    this.#backoff = new Backoff({ random: this.#random, ...options.backoff });
  }

  /** The resourceVersion of the last list, event or bookmark applied; `""` before the first list. */
  get lastSyncResourceVersion(): string {
    return this.#rv;
  }

  start(): void {
    if (this.#started || this.#stopped) return;
    this.#started = true;
    void this.#list();
  }

  /** Cancels any pending wait and closes the watch. Idempotent. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    const attempt = this.#attempt;
    this.#attempt = undefined;
    if (attempt && !attempt.closed) {
      attempt.closed = true;
      attempt.stream?.stop();
    }
  }

  async #list(): Promise<void> {
    if (this.#stopped) return;
    let result: { items: T[]; resourceVersion: string };
    try {
      result = await this.#listAll();
    } catch (err) {
      if (this.#stopped) return;
      this.#report(err);
      this.#after(this.#backoff.next(), () => void this.#list());
      return;
    }
    if (this.#stopped) return;
    this.#rv = this.#listedRv = result.resourceVersion;
    this.#sink.replace(result.items, result.resourceVersion);
    this.#backoff.reset();
    this.#watch();
  }

  /** All pages of one consistent list. An expired continue token falls back to one unpaged list. */
  async #listAll(): Promise<{ items: T[]; resourceVersion: string }> {
    const { namespace, labelSelector, fieldSelector } = this.#options;
    const pageSize = this.#options.pageSize ?? 500;
    const items: T[] = [];
    let token: string | undefined;
    let resourceVersion = '';
    do {
      let page: KubeList<T>;
      try {
        page = await this.#source.list({ namespace, labelSelector, fieldSelector, limit: pageSize || undefined, continue: token });
      } catch (err) {
        if (!token || !isGone(err)) throw err;
        const full = await this.#source.list({ namespace, labelSelector, fieldSelector });
        return { items: full.items, resourceVersion: full.metadata.resourceVersion ?? '' };
      }
      // One page may be the whole list (pageSize 0, or a server that ignores limit): push(...items)
      // would pass every item as an argument and overflow the stack past ~100,000.
      for (const item of page.items) items.push(item);
      resourceVersion = page.metadata.resourceVersion ?? '';
      token = page.metadata.continue || undefined;
    } while (token && !this.#stopped);
    return { items, resourceVersion };
  }

  #watch(): void {
    if (this.#stopped) return;
    const attempt: Attempt = { closed: false, from: this.#rv, events: 0, startedAt: this.#clock.now() };
    this.#attempt = attempt;
    const min = this.#options.minWatchTimeoutSeconds ?? 300;
    const options: WatchOptions = {
      namespace: this.#options.namespace,
      labelSelector: this.#options.labelSelector,
      fieldSelector: this.#options.fieldSelector,
      resourceVersion: this.#rv,
      allowWatchBookmarks: true,
      timeoutSeconds: Math.floor(min * (1 + this.#random())),
    };
    const handlers: WatchHandlers = {
      onEvent: (event) => {
        if (attempt.closed) return;
        this.#onEvent(attempt, event as WatchEvent<T>);
      },
      onClose: (err) => {
        if (attempt.closed) return;
        attempt.closed = true;
        this.#watchEnded(attempt, err);
      },
    };
    this.#source.watch(options, handlers).then(
      (stream) => {
        // The watch may have been stopped, or closed by an ERROR event, before it was accepted.
        if (attempt.closed) stream.stop();
        else attempt.stream = stream;
      },
      (err: unknown) => {
        if (attempt.closed) return;
        attempt.closed = true;
        this.#watchEnded(attempt, err);
      },
    );
  }

  #onEvent(attempt: Attempt, event: WatchEvent<T>): void {
    switch (event.type) {
      case 'ADDED':
      case 'MODIFIED':
      case 'DELETED':
        attempt.events++;
        this.#rv = event.object.metadata?.resourceVersion || this.#rv;
        this.#sink.apply(event.type, event.object);
        return;
      case 'BOOKMARK':
        attempt.events++;
        this.#rv = event.object.metadata?.resourceVersion || this.#rv;
        return;
      default: {
        const err = event.type === 'ERROR' && isStatus(event.object)
          ? new StatusError(event.object)
          : newInternalError(`unexpected watch event type ${JSON.stringify(event.type)}`);
        attempt.closed = true;
        attempt.stream?.stop();
        this.#watchEnded(attempt, err);
      }
    }
  }

  #watchEnded(attempt: Attempt, err: unknown): void {
    if (this.#attempt === attempt) this.#attempt = undefined;
    if (this.#stopped) return;
    if (err === undefined) {
      if (attempt.events > 0 || this.#clock.now() - attempt.startedAt >= SHORT_WATCH_MS) {
        this.#backoff.reset();
        this.#watch();
        return;
      }
      err = new Error(`very short watch: ended after ${this.#clock.now() - attempt.startedAt}ms without an event`);
    }
    if (isGone(err)) {
      // The cache still reflects #rv until the relist replaces it, so #rv stays. Relist at
      // once, unless the version just listed is what was refused: then the server is in a bad
      // way, and a relist loop without pause would only add to it.
      if (attempt.from !== this.#listedRv || attempt.events > 0) void this.#list();
      else this.#after(this.#backoff.next(), () => void this.#list());
      return;
    }
    this.#report(err);
    this.#after(this.#backoff.next(), () => this.#watch());
  }

  #after(ms: number, fn: () => void): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      if (!this.#stopped) fn();
    }, ms);
  }

  #report(err: unknown): void {
    this.#options.onError?.(err instanceof Error ? err : new Error(String(err)));
  }
}

function isStatus(value: unknown): value is Status {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'Status';
}
