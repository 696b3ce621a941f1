/**
 * @module Expectations (controller.UIDTrackingControllerExpectations): after a sync creates or
 * deletes pods, the ReplicaSet waits until its informer has seen those creations and deletions
 * before it counts pods again; otherwise a cache that lags behind would make it create or
 * delete twice. Deletions are tracked by pod key, so a pod seen first with a deletionTimestamp
 * and then gone counts once. Expectations expire after five minutes (a lost watch event must
 * not stall a ReplicaSet forever). Time comes from the injected clock.
 */
import type { Clock } from '../../client/index.js';

/** controller.ExpectationsTimeout. */
export const EXPECTATIONS_TIMEOUT_MS = 5 * 60 * 1000;

interface Entry {
  add: number;
  del: number;
  /** Pod keys whose deletion is expected. */
  deleting: Set<string>;
  /** When the expectations were set. */
  at: number;
}

export class Expectations {
  readonly #clock: Clock;
  readonly #entries = new Map<string, Entry>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /**
   * Whether the controller `key` may sync: it set no expectations, they are all observed, or
   * they expired.
   */
  satisfied(key: string): boolean {
    const e = this.#entries.get(key);
    if (!e) return true;
    if (e.add <= 0 && e.del <= 0) return true;
    return this.#clock.now() - e.at > EXPECTATIONS_TIMEOUT_MS;
  }

  /** Expects `count` pod creations (replacing earlier add/del counts). */
  expectCreations(key: string, count: number): void {
    const deleting = this.#entries.get(key)?.deleting ?? new Set<string>();
    this.#entries.set(key, { add: count, del: 0, deleting, at: this.#clock.now() });
  }

  /** Expects the deletion of these pods (replacing earlier add/del counts). */
  expectDeletions(key: string, podKeys: readonly string[]): void {
    const deleting = new Set(podKeys);
    this.#entries.set(key, { add: 0, del: deleting.size, deleting, at: this.#clock.now() });
  }

  /** One expected creation was seen (or will never happen). */
  creationObserved(key: string): void {
    const e = this.#entries.get(key);
    if (e) e.add--;
  }

  /** The pod `podKey` was seen deleted; counts only for pods whose deletion was expected. */
  deletionObserved(key: string, podKey: string): void {
    const e = this.#entries.get(key);
    if (e?.deleting.delete(podKey)) e.del--;
  }

  /** Forgets the controller `key` (it was deleted). */
  delete(key: string): void {
    this.#entries.delete(key);
  }

  /** The outstanding counts, for tests and diagnostics. */
  pending(key: string): { add: number; del: number } | undefined {
    const e = this.#entries.get(key);
    return e && { add: e.add, del: e.del };
  }
}
