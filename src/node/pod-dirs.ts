/**
 * @module Pods' directories made ahead. A pod's start made three new inodes on the data disk —
 * its directory `<data-dir>/pods/<ns>_<name>_<uid>`, its first container's log directory and
 * log file — and on this ext4 disk (no journal: every new inode skips past the recently deleted
 * ones) each cost ≈ 0.4 ms of kernel CPU, ≈ 1.3 ms a pod in a burst, while a rename costs some
 * 0.01. The pool makes entries `e<N>/_c/0.log` while no pod is starting (`quiet`), and a pod
 * takes one by renames: `_c` becomes its first container's name, `0.log` its run's, and the
 * entry the pod's directory. The files are what the pod would have made (same modes), so
 * nothing downstream changes; a pod whose directory exists already (an agent restarted), or any
 * failed rename, makes its own as before. The pool's directory must be on the file system of
 * `<data-dir>/pods` (both are under the data dir; a cross-device rename turns the pool off).
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Quiet } from './fifo-pool.js';

/** An entry's container directory before it is named (not a DNS label: no container has it). */
const INNER = '_c';

export interface PodDirPoolOptions {
  /** Entries kept made (default 64: a burst of 50 takes one a pod). */
  size?: number;
  /** Entries made at a time, between checks of `quiet` (default 8). */
  batch?: number;
  /** Refills wait while pods are being started (starts-in-flight.ts). */
  quiet?: Quiet;
}

export class PodDirPool {
  readonly #dir: string;
  readonly #size: number;
  readonly #batch: number;
  readonly #quiet: Quiet | undefined;
  #ready: string[] = [];
  #next = 0;
  #filling: Promise<void> | undefined;
  #off = false;
  #closed = false;

  /** `dir` is emptied and used by this pool alone. */
  constructor(dir: string, options: PodDirPoolOptions = {}) {
    this.#dir = dir;
    this.#size = options.size ?? 64;
    this.#batch = Math.max(1, options.batch ?? 8);
    this.#quiet = options.quiet;
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  /** Entries ready now. */
  get size(): number {
    return this.#ready.length;
  }

  /** Fills the pool up to its size (batches wait for `quiet`); one fill at a time. */
  fill(): Promise<void> {
    this.#filling ??= this.#fill().finally(() => (this.#filling = undefined));
    return this.#filling;
  }

  /** Settles once the fill under way, if any, is done. */
  whenFilled(): Promise<void> {
    return this.#filling ?? Promise.resolve();
  }

  /** No more refills (the agent stops); entries left stay on disk for the next agent to remove. */
  close(): void {
    this.#closed = true;
  }

  async #fill(): Promise<void> {
    while (!this.#closed && !this.#off && this.#ready.length < this.#size) {
      if (this.#quiet && this.#quiet.busy > 0) await this.#quiet.idle();
      if (this.#closed) return;
      const n = Math.min(this.#batch, this.#size - this.#ready.length);
      const made = await Promise.all(Array.from({ length: n }, () => this.#make(join(this.#dir, `e${this.#next++}`))));
      for (const entry of made) if (entry) this.#ready.push(entry);
      if (made.some((e) => !e)) return; // the disk refuses (full?): takers make their own
    }
  }

  async #make(entry: string): Promise<string | undefined> {
    try {
      await mkdir(join(entry, INNER), { recursive: true });
      // As openLogFile makes a log file.
      const handle = await open(join(entry, INNER, '0.log'), 'a', 0o640);
      await handle.close();
      return entry;
    } catch {
      await rm(entry, { recursive: true, force: true }).catch(() => undefined);
      return undefined;
    }
  }

  /**
   * Makes `podDir` from an entry, with `<container>/<index>.log` in it; true when it did (false:
   * none ready, the directory exists, or a rename failed: the caller makes its own). Starts a
   * refill when the pool runs below half.
   */
  async take(podDir: string, container: string, index: number): Promise<boolean> {
    if (this.#off || !this.#ready.length || existsSync(podDir)) return false;
    const entry = this.#ready.shift()!;
    if (this.#ready.length < this.#size / 2) void this.fill();
    try {
      const inner = join(entry, container);
      await rename(join(entry, INNER), inner);
      if (index !== 0) await rename(join(inner, '0.log'), join(inner, `${index}.log`));
      await rename(entry, podDir);
      return true;
    } catch (err) {
      if (err instanceof Error && 'code' in err && err.code === 'EXDEV') this.#off = true;
      await rm(entry, { recursive: true, force: true }).catch(() => undefined);
      return false;
    }
  }
}
