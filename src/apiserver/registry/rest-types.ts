/**
 * @module The registry's types: the options of its verbs, what its watches and Table reads
 * hand out, and what a resource's registry is configured with (rest-storage.ts implements them).
 */
import type { FieldError } from '../../api/errors.js';
import type { ResourceInfo } from '../../api/resources.js';
import type { Strategy } from '../../api/strategy.js';
import type { KubeList, KubeObject } from '../../api/types.js';
import type { StoredValue } from '../../storage/store.js';

/** Decides whether an object belongs in a filtered list or watch (label and field selectors). */
export type ObjectFilter = (obj: KubeObject) => boolean;

/** The filter of a list or watch without selectors; the registry skips the work it would not change. */
export const matchAll: ObjectFilter = () => true;

export interface WriteOptions {
  dryRun?: boolean;
  /** `status` for the status subresource; absent for the main resource. */
  subresource?: string;
  /** Where the strategy's warnings about the written object go (the request's `Warning` headers). */
  warnings?: string[];
}

export interface CreateOptions extends WriteOptions {
  /**
   * The caller only reads the result: it may be the object the watches were handed for this
   * write (shared, read-only; the in-process transport's readOnlyResult), not a decode of its own.
   */
  sharedResult?: boolean;
  /**
   * The caller hands `input` over: the registry may change it and keep parts of it, so the
   * caller must not use it afterwards. Saves a deep copy of every created object.
   */
  handOver?: boolean;
}

export interface ListOptions {
  filter?: ObjectFilter;
  /**
   * Set when no object but the one with this name can pass the filter (a `metadata.name` field
   * selector): the registry then reads that one key instead of the whole collection.
   */
  name?: string;
  limit?: number;
  continue?: string;
  /** The list's `resourceVersion` query parameter: '' or absent (the most recent state), '0' (any), or a revision. */
  resourceVersion?: string;
  /** `resourceVersionMatch`: 'NotOlderThan', 'Exact', or absent (the legacy rules); see list-read.ts. */
  resourceVersionMatch?: string;
}

/** A list as JSON text: the same value as `JSON.stringify(await list(...))`. */
/** A list as JSON in parts: `opening`, the items' bytes (`itemBytes`: `count` items, comma-separated), then LIST_TEXT_CLOSING. */
export interface ListText {
  opening: string;
  count: number;
  /** Items `start` to `end` (exclusive) as UTF-8 bytes, led by a comma when `start` > 0. */
  itemBytes(start: number, end: number): Buffer;
}

/** What closes a ListText's items: the `items` array and the list object. */
export const LIST_TEXT_CLOSING = ']}';

/** The whole list as UTF-8 bytes. */
export function wholeListText(list: ListText): Buffer {
  return Buffer.concat([Buffer.from(list.opening), list.itemBytes(0, list.count), Buffer.from(LIST_TEXT_CLOSING)]);
}

export interface DeleteOptions extends WriteOptions {
  /** Negative counts as 1 (upstream's BeforeDelete). */
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  /** The deprecated field: true orphans, false takes both GC finalizers away; wins over propagationPolicy. */
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface WatchOptions {
  filter?: ObjectFilter;
  /** As ListOptions.name: no other object can pass the filter. */
  name?: string;
  /** '' or '0': send the current state as ADDED events first, then changes. Else: changes after it. */
  resourceVersion?: string;
}

/**
 * One watch event. A change's object is decoded once and handed to every watch it concerns:
 * treat it as read-only.
 */
export interface RegistryWatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
  /** The stored value `object` was decoded from (for `objectText`), when it was. */
  stored?: StoredValue;
}

export interface RegistryWatch {
  stop(): void;
  /** The revision up to which every change of the watched resource has been delivered (StoreWatch.progress). */
  progress(): number;
}

/** Checks a new or updated object's metadata (name, labels, ...). Injected: it is shared by all kinds. */
export type MetaValidator = (info: ResourceInfo, obj: KubeObject, prev?: KubeObject) => FieldError[];

/** Says whether a namespace accepts new objects; throws NotFound/Forbidden otherwise. */
/** Admits a create in `namespace` (NamespaceLifecycle); `target` is what is being created, for the refusal's message. */
export type NamespaceGate = (namespace: string, target?: { group: string; resource: string; name: string }) => Promise<void>;

/**
 * The kind's admission of a create (upstream's admission plugins, after NamespaceLifecycle and
 * before the strategy): may change the object, throws a StatusError to refuse it.
 */
export type AdmitCreate = (obj: KubeObject, namespace: string) => Promise<void>;

export interface RestStorageOptions {
  strategy?: Strategy;
  validateMeta?: MetaValidator;
  namespaceGate?: NamespaceGate;
  admitCreate?: AdmitCreate;
  /** Milliseconds since the epoch; injected for tests. */
  clock?: () => number;
  /** Whether PUT of a missing object creates it (upstream: events, endpoints, leases...). */
  allowCreateOnUpdate?: boolean;
  /** For a resource stored in another version's shape (events.k8s.io/v1 Events): both directions. */
  codec?: StorageCodec;
}

export interface StorageCodec {
  toStorage(obj: KubeObject): KubeObject;
  fromStorage(obj: KubeObject): KubeObject;
}

/**
 * guaranteedUpdate's mutate: gets a copy of the current object of its own (undefined when
 * there is none) and the current object as the registry holds it (read-only), returns the
 * desired object.
 */
export type Mutate = (current: KubeObject | undefined, live: KubeObject | undefined) => KubeObject | Promise<KubeObject>;

export interface GuaranteedUpdateOptions extends WriteOptions {
  /** Create the object when it does not exist (PUT of kinds that allow it, server-side apply). */
  allowCreate?: boolean;
  /** mutate's result shares nothing but its own first argument: written as it is, not deep-copied first. */
  ownedResult?: boolean;
}

/** ListOptions of a Table list (RestStorage.listForTable). */
export interface TableListOptions extends ListOptions {
  /** The only metadata fields the rows read (Printer.metadataFields); absent: all but managedFields. */
  metadataFields?: readonly string[];
}

/** Items of a Table list, decoded as for listForTable: `metadataTexts[i]` for `objects[i]`. */
export interface TableChunk {
  objects: KubeObject[];
  metadataTexts: (string | undefined)[];
}

/** A Table list read from the store, its items decoded chunk by chunk (RestStorage.readForTable). */
export interface TableListing {
  metadata: KubeList['metadata'];
  /** How many items. */
  count: number;
  /** The items in chunks of at most TABLE_CHUNK, decoded as each is reached. */
  chunks(): Iterable<TableChunk>;
}

/** Items a Table list decodes and renders at a time (RestStorage.listForTable). */
export const TABLE_CHUNK = 256;
