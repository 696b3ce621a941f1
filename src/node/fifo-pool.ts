/**
 * @module FIFOs made ahead of time. Every container run needs two (its stdout and stderr, see
 * container-process.ts) and Node cannot make one: each pair was an `mkfifo` process. The pool
 * makes them by the hundred with one `mkfifo` (through the agent's Runner) in its directory and
 * hands them out where they are: a FIFO's name means nothing to anyone (the launcher is given
 * it, the agent opens it, the run's end removes it), so there is no rename into a pod's
 * directory. The agent puts the pool on tmpfs (its command helper's directory): on the busy ext4
 * data disk each new inode cost ≈ 0.4 ms of kernel CPU (ext4 without a journal scans past
 * recently deleted inodes), the `mkfifo` refill of a burst 50 ms. Refills wait for the pods being
 * started (`quiet`), unless the pool runs nearly dry; an empty pool makes what a run asks for.
 */
import { rmSync, mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Runner } from './runner.js';

export interface FifoSource {
  /**
   * `count` FIFOs (paths in the pool's directory), now the caller's: it uses them in place and
   * removes them when done. Throws the runner's error when none could be made.
   */
  take(count: number): Promise<string[]>;
}

/** What refills wait for (starts-in-flight.ts): none busy, or idle() resolved. */
export interface Quiet {
  readonly busy: number;
  idle(): Promise<void>;
}

export class FifoPool implements FifoSource {
  readonly #dir: string;
  readonly #runner: Runner;
  readonly #mkfifo: string;
  readonly #batch: number;
  readonly #quiet: Quiet | undefined;
  #ready: string[] = [];
  #filling: Promise<void> | undefined;
  #waiting = false;
  #next = 0;

  /**
   * `dir` is emptied and used by this pool alone; `batch` FIFOs are made at a time, again once
   * fewer than half are left — after `quiet` is idle, or at once below an eighth.
   */
  constructor(dir: string, options: { runner: Runner; mkfifo: string; batch?: number; quiet?: Quiet }) {
    this.#dir = dir;
    this.#runner = options.runner;
    this.#mkfifo = options.mkfifo;
    this.#batch = options.batch ?? 32;
    this.#quiet = options.quiet;
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  /** FIFOs in the pool now. */
  get size(): number {
    return this.#ready.length;
  }

  /** Starts filling the pool (the agent calls it once at start; take() tops it up). */
  fill(): Promise<void> {
    this.#filling ??= this.#fill().finally(() => (this.#filling = undefined));
    return this.#filling;
  }

  /** Settles once the fill under way, if any (take()'s own top-up included), is done. */
  whenFilled(): Promise<void> {
    return this.#filling ?? Promise.resolve();
  }

  #paths(n: number): string[] {
    return Array.from({ length: n }, () => join(this.#dir, `f${this.#next++}`));
  }

  async #fill(): Promise<void> {
    const paths = this.#paths(this.#batch);
    try {
      await this.#runner.run([this.#mkfifo, '-m', '600', ...paths]);
      this.#ready.push(...paths);
    } catch {
      // mkfifo made some or none; take() makes what it needs itself.
      await Promise.all(paths.map((p) => rm(p, { force: true })));
    }
  }

  #topUp(): void {
    if (this.#ready.length >= this.#batch / 2 || this.#filling) return;
    const quiet = this.#quiet;
    if (!quiet || quiet.busy === 0 || this.#ready.length < this.#batch / 8) {
      void this.fill();
      return;
    }
    if (this.#waiting) return;
    this.#waiting = true;
    void quiet.idle().then(() => {
      this.#waiting = false;
      this.#topUp();
    });
  }

  async take(count: number): Promise<string[]> {
    const out = this.#ready.splice(0, count);
    this.#topUp();
    if (out.length === count) return out;
    const rest = this.#paths(count - out.length);
    try {
      await this.#runner.run([this.#mkfifo, '-m', '600', ...rest]);
    } catch (err) {
      await Promise.all([...out, ...rest].map((p) => rm(p, { force: true })));
      throw err;
    }
    return [...out, ...rest];
  }
}
