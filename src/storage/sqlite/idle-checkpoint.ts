/**
 * @module When to checkpoint the WAL besides SQLite's own autocheckpoint: once writes have
 * paused. A checkpoint copies the WAL's pages into the database file and fsyncs both, on the
 * thread that runs it — the API server's event loop — so it stalls every request and watch for
 * as long as the disk takes: ~15 ms for 2,000 writes on a quiet disk here, 300+ ms on a busy
 * one. SQLite's autocheckpoint runs it inside whichever commit crosses the threshold, in the
 * middle of a burst; checkpointing when the store has been quiet for a moment starts most
 * bursts with an empty WAL, so that a burst of up to the threshold's worth of writes meets no
 * checkpoint at all. The autocheckpoint stays as the bound for writes that never pause.
 */

/** Timer functions (injected in tests). */
export interface CheckpointTimers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const REAL_TIMERS: CheckpointTimers = {
  set: (fn, ms) => setTimeout(fn, ms).unref(),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface IdleCheckpointOptions {
  /** Runs the checkpoint (errors are dropped: the next autocheckpoint meets them in a commit). */
  checkpoint: () => void;
  /** How long writes must have paused. Default 100 ms. */
  quietMs?: number;
  /** Fewer writes since the last checkpoint than this are left for later. Default 100. */
  minWrites?: number;
  timers?: CheckpointTimers;
}

/** Counts writes and checkpoints once they pause; a timer runs only while writes are pending. */
export class IdleCheckpointer {
  readonly #checkpoint: () => void;
  readonly #quietMs: number;
  readonly #minWrites: number;
  readonly #timers: CheckpointTimers;
  #writes = 0;
  /** #writes when the timer was armed: unchanged when it fires means the writes paused. */
  #seen = 0;
  #timer: unknown;
  #stopped = false;

  constructor(options: IdleCheckpointOptions) {
    this.#checkpoint = options.checkpoint;
    this.#quietMs = options.quietMs ?? 100;
    this.#minWrites = options.minWrites ?? 100;
    this.#timers = options.timers ?? REAL_TIMERS;
  }

  /** A row was written. */
  wrote(): void {
    this.#writes++;
    if (this.#timer === undefined && !this.#stopped) this.#arm();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#timers.clear(this.#timer);
    this.#timer = undefined;
  }

  #arm(): void {
    this.#seen = this.#writes;
    this.#timer = this.#timers.set(() => this.#fire(), this.#quietMs);
  }

  #fire(): void {
    this.#timer = undefined;
    if (this.#stopped) return;
    if (this.#writes !== this.#seen) {
      this.#arm();
      return;
    }
    if (this.#writes < this.#minWrites) return;
    this.#writes = 0;
    try {
      this.#checkpoint();
    } catch {
      // See IdleCheckpointOptions.checkpoint.
    }
  }
}
