/**
 * @module The one storage interface every backend implements (memory, SQLite, etcd).
 *
 * A store is a revisioned key-value log, as etcd and kine are: every successful write gets
 * the next revision (a global, strictly increasing integer), and a watch can resume from any
 * revision the store still remembers. Values are opaque strings (the API server stores
 * objects as JSON); keys look like `/registry/services/default/nginx`.
 *
 * Errors: operations reject with `StoreError` (see `errors.ts`), never with a backend's own
 * error type; translating driver errors is each backend's job, at its edge.
 */

/** One key as the store hands it back. */
export interface StoredValue {
  key: string;
  /** The value as it was written. */
  value: string;
  /** The revision of the write that created this key (its current life; a re-create starts anew). */
  createRevision: number;
  /** The revision of the write that produced this value. For a deleted value: the delete's revision. */
  modRevision: number;
}

/** What a watch delivers, one per write, in revision order. */
export interface StoreEvent {
  type: 'create' | 'update' | 'delete';
  key: string;
  /** For create/update: the new value. For delete: the last value, with modRevision = the delete's revision. */
  value: StoredValue;
  /** For update and delete: the value before this write. */
  prev?: StoredValue;
}

export interface ListOptions {
  /** Return only keys sorted strictly after this one (continue tokens are built on it). */
  after?: string;
  /** Return at most this many keys (0 or absent: all). */
  limit?: number;
  /**
   * Read the keys as they were at this revision (etcd's `WithRev`): what a continue token or a
   * list at an exact resourceVersion asks for. Rejects with 'Compacted' when it is older than
   * compactedRevision() and with 'FutureRevision' when newer than currentRevision(). Absent:
   * the current revision.
   */
  revision?: number;
}

export interface ListResult {
  items: StoredValue[];
  /** The store's revision at which this list was read (`options.revision` when given). */
  revision: number;
  /** How many more keys match after the last returned one (0 when the list is complete). */
  remaining: number;
}

export interface WriteOptions {
  /** Fail with StoreError 'Conflict' unless the key's modRevision equals this. */
  expectedModRevision?: number;
}

/** A running watch; `stop()` is idempotent and no event is delivered after it returns. */
export interface StoreWatch {
  stop(): void;
  /**
   * The revision up to which this watch has delivered every event under its prefix: the
   * store's current revision once it is live, its position while it still replays history.
   * What a bookmark may carry (etcd's progress notification).
   */
  progress(): number;
}

export interface WatchOptions {
  /** Called for each event, synchronously after its write commits, in revision order. */
  onEvent(event: StoreEvent): void;
  /**
   * Called at most once if the store ends the watch on its own (closing, or the watcher fell
   * too far behind). No event follows it.
   */
  onClose?(err?: Error): void;
}

export interface Store {
  /** The newest committed revision (0 for an empty, new store). */
  currentRevision(): Promise<number>;

  /** The key's current value, or undefined if it does not exist. */
  get(key: string): Promise<StoredValue | undefined>;

  /** Keys that start with `prefix`, sorted by key, read at one revision (the current one, or `options.revision`). */
  list(prefix: string, options?: ListOptions): Promise<ListResult>;

  /** Count of keys that start with `prefix`. */
  count(prefix: string): Promise<number>;

  /** Creates the key; rejects with 'KeyExists' if it exists. */
  create(key: string, value: string): Promise<StoredValue>;

  /** Replaces the key's value; rejects with 'NotFound' or, given expectedModRevision, 'Conflict'. */
  update(key: string, value: string, options?: WriteOptions): Promise<StoredValue>;

  /** Deletes the key and returns its last value (modRevision = the delete's revision); 'NotFound' / 'Conflict' as update. */
  delete(key: string, options?: WriteOptions): Promise<StoredValue>;

  /**
   * Delivers every write to keys under `prefix` with a revision greater than `fromRevision`:
   * first the ones already in the history, then new ones as they commit. Rejects with
   * 'Compacted' when `fromRevision` is older than the oldest revision the store still
   * remembers (the API server turns that into 410 Gone), and with 'FutureRevision' when it is
   * newer than currentRevision().
   */
  watch(prefix: string, fromRevision: number, options: WatchOptions): Promise<StoreWatch>;

  /** The oldest revision a watch may start from (history before it is gone). */
  compactedRevision(): Promise<number>;

  /** Flushes and closes; watches end with onClose(). Further calls reject. */
  close(): Promise<void>;
}
