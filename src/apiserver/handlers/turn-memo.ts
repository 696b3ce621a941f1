/**
 * @module A memo that lives for one turn of the event loop: what a synchronous fan-out (one
 * change offered to every watch in the same call, storage/log/watch-hub.ts) computes once and
 * shares, without keeping it alive with its key afterwards.
 */

/**
 * Values by key object, forgotten at the end of the turn that set the first of them. Unlike a
 * WeakMap, nothing stays alive for as long as the key does: the watch's keys are decoded
 * objects that informers and the registry's memo keep for the object's whole life, and a
 * WeakMap of their event lines kept every line ever sent with them (a heap snapshot after
 * 6,000 Service creates: 13 MB of retained lines, one per Service and EndpointSlice).
 */
export class TurnMemo<K extends object, V> {
  #entries: Map<K, V> | undefined;

  get(key: K): V | undefined {
    return this.#entries?.get(key);
  }

  set(key: K, value: V): V {
    if (!this.#entries) {
      this.#entries = new Map();
      queueMicrotask(() => (this.#entries = undefined));
    }
    this.#entries.set(key, value);
    return value;
  }
}
