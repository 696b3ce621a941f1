/**
 * @module FIFOs made ahead of time. Every container run needs two (its stdout and stderr, see
 * container-process.ts) and Node cannot make one: each pair was an `mkfifo` process. The pool
 * makes them in dozens with one `mkfifo` (through the agent's Runner) and hands them out by
 * renaming one into place; it refills itself in the background when it runs low. Its directory
 * must be on the file system of the pods' directories (both are under the data dir); where a
 * rename fails, or the pool is empty, the FIFOs are made one by one as before.
 */
import { rmSync, mkdirSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Runner } from './runner.js';

export interface FifoMaker {
  /** Makes FIFOs at these paths (replacing what is there). */
  make(paths: string[]): Promise<void>;
}

export class FifoPool implements FifoMaker {
  readonly #dir: string;
  readonly #runner: Runner;
  readonly #mkfifo: string;
  readonly #batch: number;
  #ready: string[] = [];
  #filling: Promise<void> | undefined;
  #next = 0;

  /** `dir` is emptied and used by this pool alone; `batch` FIFOs are made at a time. */
  constructor(dir: string, options: { runner: Runner; mkfifo: string; batch?: number }) {
    this.#dir = dir;
    this.#runner = options.runner;
    this.#mkfifo = options.mkfifo;
    this.#batch = options.batch ?? 32;
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  /** FIFOs in the pool now. */
  get size(): number {
    return this.#ready.length;
  }

  /** Starts filling the pool (the agent calls it once at start; make() tops it up). */
  fill(): Promise<void> {
    this.#filling ??= this.#fill().finally(() => (this.#filling = undefined));
    return this.#filling;
  }

  /** Settles once the fill under way, if any (make()'s own top-up included), is done. */
  whenFilled(): Promise<void> {
    return this.#filling ?? Promise.resolve();
  }

  async #fill(): Promise<void> {
    const paths = Array.from({ length: this.#batch }, () => join(this.#dir, `f${this.#next++}`));
    try {
      await this.#runner.run([this.#mkfifo, '-m', '600', ...paths]);
      this.#ready.push(...paths);
    } catch {
      // mkfifo made some or none; make() falls back to making FIFOs one by one.
      await Promise.all(paths.map((p) => rm(p, { force: true })));
    }
  }

  async make(paths: string[]): Promise<void> {
    // rename(2) replaces what is at the path (not a directory): only the paths mkfifo makes
    // need clearing first (an lstat and an unlink each, off the loop, were half this call's cost).
    // The renames run in the thread pool, together (on the busy data disk, synchronous ones
    // held the agent's loop ≈ 0.2 ms a pod in a burst).
    const taken = paths.map((path) => ({ path, fifo: this.#ready.shift() }));
    if (this.#ready.length < this.#batch / 2) void this.fill();
    const moved = await Promise.all(taken.map(async ({ path, fifo }) => {
      if (!fifo) return false;
      try {
        await rename(fifo, path);
        return true;
      } catch {
        await rm(fifo, { force: true });
        return false;
      }
    }));
    const rest = paths.filter((_, i) => !moved[i]);
    if (!rest.length) return;
    await Promise.all(rest.map((p) => rm(p, { force: true })));
    await this.#runner.run([this.#mkfifo, '-m', '600', ...rest]);
  }
}
