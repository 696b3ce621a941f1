/**
 * @module Watch fan-out, written once for every log-backed store. Each watcher first replays the
 * history after its start revision, in pages read from the log, then receives new events as
 * they are published; the switch happens in the same turn as a read that found nothing new, so
 * no event is missed or delivered twice.
 *
 * Delivery is synchronous (the `WatchOptions.onEvent` contract), so a callback must be cheap:
 * it should enqueue and return. Replay yields to the event loop between pages, so a watch from
 * far back never holds up writers. A callback that throws ends only its own watch, with
 * `onClose(err)`; a replaying watcher whose position gets compacted away ends with
 * `onClose(StoreError 'Compacted')`, as etcd cancels a watch that fell behind.
 */

import type { StoreEvent, StoreWatch, WatchOptions } from '../store.js';
import { hasPrefix } from './log.js';

/**
 * Events for keys under `prefix` with revision > `after`, oldest first, at most `limit`.
 * Throws (StoreError 'Compacted') when the history after `after` is no longer complete.
 */
export type HistoryReader = (prefix: string, options: { after: number; limit: number }) => StoreEvent[];

export interface WatchHubOptions {
  readHistory: HistoryReader;
  /** The newest committed revision: every event up to it has been published. */
  currentRevision: () => number;
  /** Events replayed per turn of the event loop. Default 500. */
  pageSize?: number;
  /** Runs `fn` on a later turn (default `setImmediate`); tests may inject their own. */
  schedule?: (fn: () => void) => void;
}

export class WatchHub {
  readonly #watchers = new Set<Watcher>();
  readonly #options: Required<WatchHubOptions>;
  #queue: StoreEvent[] = [];
  #publishing = false;

  constructor(options: WatchHubOptions) {
    this.#options = {
      readHistory: options.readHistory,
      currentRevision: options.currentRevision,
      pageSize: options.pageSize ?? 500,
      schedule: options.schedule ?? ((fn) => void setImmediate(fn)),
    };
  }

  /** How many watches are running. */
  get size(): number {
    return this.#watchers.size;
  }

  /** Starts a watch; the caller has checked that `fromRevision` is neither compacted nor future. */
  watch(prefix: string, fromRevision: number, options: WatchOptions): StoreWatch {
    const watcher = new Watcher(prefix, fromRevision, {
      ...this.#options,
      callbacks: options,
      remove: (w) => this.#watchers.delete(w),
    });
    this.#watchers.add(watcher);
    watcher.start();
    return { stop: () => watcher.stop(), progress: () => watcher.progress() };
  }

  /**
   * Hands a committed write to every live watcher, synchronously. A write made from inside a
   * callback is queued and fanned out after the current one, so every watcher sees revision order.
   */
  publish(event: StoreEvent): void {
    this.#queue.push(event);
    if (this.#publishing) return;
    this.#publishing = true;
    try {
      for (let i = 0; i < this.#queue.length; i++) {
        for (const watcher of this.#watchers) watcher.offer(this.#queue[i]);
      }
    } finally {
      this.#queue = [];
      this.#publishing = false;
    }
  }

  /** Ends every watch with `onClose(err)`. */
  closeAll(err?: Error): void {
    for (const watcher of [...this.#watchers]) watcher.end(err);
  }
}

interface WatcherContext extends Required<WatchHubOptions> {
  callbacks: WatchOptions;
  remove(watcher: Watcher): void;
}

class Watcher {
  #state: 'replaying' | 'live' | 'ended' = 'replaying';
  /** The newest revision delivered (or skipped as already seen); only later ones go out. */
  #cursor: number;
  readonly #prefix: string;
  readonly #ctx: WatcherContext;

  constructor(prefix: string, fromRevision: number, ctx: WatcherContext) {
    this.#prefix = prefix;
    this.#cursor = fromRevision;
    this.#ctx = ctx;
  }

  /** Reads the first page now: with nothing to replay the watch is live before watch() returns. */
  start(): void {
    const first = this.#read();
    if (first === undefined) return;
    if (first.length === 0) {
      this.#state = 'live';
      return;
    }
    this.#ctx.schedule(() => this.#replay(first));
  }

  offer(event: StoreEvent): void {
    if (this.#state !== 'live' || !hasPrefix(event.key, this.#prefix)) return;
    const revision = event.value.modRevision;
    if (revision <= this.#cursor) return;
    this.#cursor = revision;
    this.#deliver(event);
  }

  /**
   * A live watcher has been offered every committed event (publish runs in the commit's turn),
   * so it is complete up to the current revision; a replaying one only up to its cursor.
   */
  progress(): number {
    return this.#state === 'live' ? Math.max(this.#cursor, this.#ctx.currentRevision()) : this.#cursor;
  }

  stop(): void {
    if (this.#state === 'ended') return;
    this.#state = 'ended';
    this.#ctx.remove(this);
  }

  end(err?: Error): void {
    if (this.#state === 'ended') return;
    this.stop();
    try {
      this.#ctx.callbacks.onClose?.(err);
    } catch {
      // The watch is over either way; a failing onClose must not reach the store.
    }
  }

  /** Delivers pages until a read finds nothing new, yielding after every full page. */
  #replay(page: StoreEvent[] | undefined): void {
    while (page !== undefined && this.#state === 'replaying') {
      if (page.length === 0) {
        this.#state = 'live';
        return;
      }
      for (const event of page) {
        if (this.#state !== 'replaying') return;
        this.#cursor = event.value.modRevision;
        this.#deliver(event);
      }
      if (page.length >= this.#ctx.pageSize) {
        this.#ctx.schedule(() => {
          if (this.#state === 'replaying') this.#replay(this.#read());
        });
        return;
      }
      page = this.#read();
    }
  }

  /** The next page of history, or undefined after ending the watch because it cannot be read. */
  #read(): StoreEvent[] | undefined {
    try {
      return this.#ctx.readHistory(this.#prefix, { after: this.#cursor, limit: this.#ctx.pageSize });
    } catch (err) {
      this.end(toError(err));
      return undefined;
    }
  }

  #deliver(event: StoreEvent): void {
    try {
      this.#ctx.callbacks.onEvent(event);
    } catch (err) {
      this.end(toError(err));
    }
  }
}

function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
