/**
 * @module Workers that drain a WorkQueue through a `sync(key)` function, as sample-controller's
 * `processNextWorkItem` does: success forgets the key's failures; a NotFound means the object is
 * gone, which is done too; any other error retries the key with backoff (`addRateLimited`).
 * `done()` is always called, so a key re-added during its sync runs again afterwards.
 */
import { isNotFound } from '../api/errors.js';
import type { WorkQueue } from './workqueue.js';

export interface RunWorkersOptions<T extends NonNullable<unknown>> {
  /** Concurrent workers. Default 1. */
  workers?: number;
  /** After this many retries a key is dropped (and `onError` told). Default: retry forever. */
  maxRetries?: number;
  /** A failed sync (`willRetry` false when the key was dropped). Default: one line on stderr. */
  onError?: (err: unknown, item: T, willRetry: boolean) => void;
}

/** Runs workers until the queue is shut down and empty; resolves when the last one has stopped. */
export async function runWorkers<T extends NonNullable<unknown>>(queue: WorkQueue<T>, sync: (item: T) => Promise<void>, options: RunWorkersOptions<T> = {}): Promise<void> {
  const workers = Math.max(1, options.workers ?? 1);
  async function worker(): Promise<void> {
    while (await processNextWorkItem(queue, sync, options));
  }
  await Promise.all(Array.from({ length: workers }, worker));
}

/** Takes one item and syncs it. Resolves false when the queue is shut down and empty. */
export async function processNextWorkItem<T extends NonNullable<unknown>>(queue: WorkQueue<T>, sync: (item: T) => Promise<void>, options: RunWorkersOptions<T> = {}): Promise<boolean> {
  const item = await queue.get();
  if (item === undefined) return false;
  try {
    await sync(item);
    queue.forget(item);
  } catch (err) {
    if (isNotFound(err)) {
      queue.forget(item);
    } else if (options.maxRetries !== undefined && queue.numRequeues(item) >= options.maxRetries) {
      queue.forget(item);
      report(options, err, item, false);
    } else {
      report(options, err, item, true);
      queue.addRateLimited(item);
    }
  } finally {
    queue.done(item);
  }
  return true;
}

function report<T extends NonNullable<unknown>>(options: RunWorkersOptions<T>, err: unknown, item: T, willRetry: boolean): void {
  if (options.onError) {
    options.onError(err, item, willRetry);
    return;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`kubito controller: syncing ${JSON.stringify(item)}: ${message}${willRetry ? '; will retry' : '; giving up'}\n`);
}
