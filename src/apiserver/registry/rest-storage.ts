/**
 * @module The generic registry: create, read, update and delete of one resource on the Store,
 * with Kubernetes' object semantics (system metadata, optimistic concurrency, generation,
 * finalizers and deletionTimestamp, graceful deletion, dry run). Kind-specific behaviour comes
 * from the resource's Strategy. Both the HTTP handlers and the in-process client end here.
 */
import {
  newAlreadyExists,
  newConflict,
  newInvalid,
  newNotFound,
  newResourceExpired,
  newBadRequest,
  isNotFound,
  OBJECT_MODIFIED,
  StatusError,
  type GroupResource,
} from '../../api/errors.js';
import { groupVersion, type ResourceInfo } from '../../api/resources.js';
import type { Strategy, StrategyContext } from '../../api/strategy.js';
import type { KubeList, KubeObject } from '../../api/types.js';
import { generateName } from '../../api/validation/names.js';
import { isStoreError } from '../../storage/errors.js';
import type { Store, StoredValue, StoreEvent, StoreWatch } from '../../storage/store.js';
import { listReadAt, parseResourceVersion, readOneKey, readPages, type ListedItem, type ListRead } from './list-read.js';
import {
  LIST_TEXT_CLOSING,
  matchAll,
  TABLE_CHUNK,
  type CreateOptions,
  type DeleteOptions,
  type GuaranteedUpdateOptions,
  type ListOptions,
  type ListText,
  type Mutate,
  type ObjectFilter,
  type RegistryWatch,
  type RegistryWatchEvent,
  type RestStorageOptions,
  type TableChunk,
  type TableListing,
  type TableListOptions,
  type WatchOptions,
  type WriteOptions,
} from './rest-types.js';
import { objectKey, prefixKey } from './keys.js';
import { fillSystemFields, formatTime, keepSystemFields, sameContent, specChanged } from './object-meta.js';
import { hasStoredLayout, listItemBytes, storedPrefix, withResourceVersion, type ListItemText } from './stored-json.js';
import { keepAllButStatus } from '../../api/strategies/common.js';
import { deletePreconditionError, markForDeletion } from './delete-rules.js';
import { decodeWithoutManagedFields, TableItemReader, type TableItemLayout } from './table-items.js';

/**
 * Objects that decode() made and nothing changed since (as far as the registry knows): plain
 * JSON values (no undefined fields, no shared parts) that no one else holds until handed out.
 */
const decodedObjects = new WeakSet<object>();

/** Shared objects decoded without their stored managedFields (RestStorage.#decodeShared). */
const withoutManagedFields = new WeakSet<object>();

/** Whether `obj` came straight from a registry decode, so it equals its own JSON round trip. */
export function isFreshlyDecoded(obj: object): boolean {
  return decodedObjects.has(obj);
}

/** A write's outcome: the stored value it wrote, or an object when there is none to splice from. */
interface Written {
  value?: StoredValue;
  object?: KubeObject;
}

/** Adds warnings not already there (a retried update computes them again, as upstream's recorder dedups). */
function addWarnings(to: string[] | undefined, warnings: string[] | undefined): void {
  if (!to || !warnings) return;
  for (const w of warnings) if (!to.includes(w)) to.push(w);
}

/** How many times an internal read-modify-write retries on a concurrent write. */
const MAX_RETRIES = 16;

export * from './rest-types.js';

export class RestStorage {
  readonly info: ResourceInfo;
  readonly #store: Store;
  readonly #strategy: Strategy;
  readonly #options: RestStorageOptions;
  readonly #gr: GroupResource;
  /** The shared object of a stored value (#decodeShared): without managedFields where the layout allows. */
  readonly #decoded = new WeakMap<StoredValue, KubeObject>();
  /** The whole object of a stored value whose shared object lacks managedFields (wholeObject). */
  readonly #decodedWhole = new WeakMap<StoredValue, KubeObject>();
  /** How Table lists get their items (table-items.ts). */
  readonly #tableItems: TableItemReader;
  /** What this resource's stored text starts with (stored-json.ts); undefined when a codec reshapes it. */
  readonly #textPrefix: string | undefined;
  /** That prefix with the apiVersion and kind decoded objects get (table-items.ts). */
  readonly #layout: TableItemLayout | undefined;

  constructor(info: ResourceInfo, store: Store, options: RestStorageOptions = {}) {
    this.info = info;
    this.#store = store;
    this.#strategy = options.strategy ?? {};
    this.#options = options;
    this.#gr = { group: info.group, resource: info.resource };
    this.#textPrefix = options.codec ? undefined : storedPrefix(groupVersion(info), info.kind);
    this.#layout = this.#textPrefix === undefined ? undefined : { prefix: this.#textPrefix, apiVersion: groupVersion(info), kind: info.kind };
    this.#tableItems = new TableItemReader({
      layout: this.#layout,
      decode: (stored) => this.decode(stored),
      watchDecoded: (stored) => {
        const object = this.#decoded.get(stored);
        return object && decodedObjects.has(object) ? object : undefined;
      },
    });
  }

  #now(): string {
    return formatTime((this.#options.clock ?? Date.now)());
  }

  #ctx(operation: StrategyContext['operation'], dryRun: boolean): StrategyContext {
    return { now: this.#now(), operation, dryRun };
  }

  /** Turns a stored value into the API object, with this API's apiVersion/kind and resourceVersion. */
  decode(stored: StoredValue): KubeObject {
    let obj = JSON.parse(stored.value) as KubeObject;
    if (this.#options.codec) obj = this.#options.codec.fromStorage(obj);
    obj.apiVersion = groupVersion(this.info);
    obj.kind = this.info.kind;
    obj.metadata.resourceVersion = String(stored.modRevision);
    // A codec's conversion may leave undefined fields or shared parts.
    if (!this.#options.codec) decodedObjects.add(obj);
    return obj;
  }

  /** The stored text: apiVersion, kind and metadata (without resourceVersion) first, as stored-json.ts reads it. */
  #encode(obj: KubeObject): string {
    const stored = this.#options.codec ? this.#options.codec.toStorage(obj) : obj;
    const { apiVersion, kind, metadata: { resourceVersion: _rv, ...metadata }, ...rest } = stored;
    return JSON.stringify({ apiVersion, kind, metadata, ...rest });
  }

  #key(namespace: string, name: string): string {
    return objectKey(this.info, namespace, name);
  }

  async get(namespace: string, name: string): Promise<KubeObject> {
    const stored = await this.#store.get(this.#key(namespace, name));
    if (!stored) throw newNotFound(this.#gr, name);
    return this.decode(stored);
  }

  /** The object as JSON text (what `JSON.stringify(await get(...))` gives), spliced from its stored text when it can be. */
  async getText(namespace: string, name: string): Promise<string> {
    const stored = await this.#store.get(this.#key(namespace, name));
    if (!stored) throw newNotFound(this.#gr, name);
    return this.objectText(stored) ?? JSON.stringify(this.decode(stored));
  }

  async list(namespace: string, options: ListOptions = {}): Promise<KubeList> {
    const page = await this.#read(namespace, options, (stored) => this.decode(stored));
    return { apiVersion: groupVersion(this.info), kind: this.info.listKind, metadata: page.metadata, items: page.items.map((item) => item.object!) };
  }

  /**
   * The list as JSON text in parts (wholeListText: the same value as `JSON.stringify(await list(...))`). Items are spliced
   * from their stored text where it has the registry's layout, so that a big list is not decoded
   * and encoded again only to be sent.
   */
  async listText(namespace: string, options: ListOptions = {}): Promise<ListText> {
    const page = await this.#read(namespace, options);
    const prefix = this.#textPrefix;
    const items = page.items.map(({ stored, object }): ListItemText => {
      if (prefix !== undefined && hasStoredLayout(stored.value, prefix)) return { stored: stored.value, resourceVersion: String(stored.modRevision) };
      return JSON.stringify(object ?? this.decode(stored));
    });
    const head = JSON.stringify({ apiVersion: groupVersion(this.info), kind: this.info.listKind, metadata: page.metadata, items: [] });
    // `head` ends with `[]}`: the items go between the brackets.
    return { opening: head.slice(0, -LIST_TEXT_CLOSING.length), count: items.length, itemBytes: (start, end) => listItemBytes(items, prefix ?? '', start, end) };
  }

  /**
   * The list for a Table, as row texts that `rows` makes from items in chunks: items decoded
   * without `metadata.managedFields` where the stored text has the registry's layout, with
   * their whole metadata as JSON text (`metadataTexts[i]` for `objects[i]`, managedFields
   * included; undefined for an item decoded in full). The managed fields are a third or more
   * of an object's text and no table cell reads them, so they are never parsed; the rows'
   * metadata goes out as text, never encoded again. Chunks keep the decoded objects short-lived
   * (a 10,000-item list decoded at once is mostly garbage-collector work). Filters never read
   * managedFields either. With `options.metadataFields` (the printer's Printer.metadataFields),
   * items not decoded for a filter carry only those metadata fields (and resourceVersion): the
   * rest of their metadata is never parsed at all.
   */
  async listForTable(
    namespace: string,
    options: TableListOptions,
    rows: (objects: KubeObject[], metadataTexts: (string | undefined)[]) => string[],
  ): Promise<{ rows: string[]; metadata: KubeList['metadata'] }> {
    const listing = await this.readForTable(namespace, options);
    const out: string[] = [];
    for (const chunk of listing.chunks()) {
      for (const row of rows(chunk.objects, chunk.metadataTexts)) out.push(row);
    }
    return { rows: out, metadata: listing.metadata };
  }

  /**
   * listForTable in two halves: the items are read now (so that store errors come here), and
   * decoded by `chunks()` as the caller goes, up to TABLE_CHUNK at a time, so that a caller
   * can send each chunk's rows before decoding the next.
   */
  async readForTable(namespace: string, options: TableListOptions): Promise<TableListing> {
    const page = await this.#read(namespace, options);
    const chunk = (items: ListedItem[]): TableChunk => {
      const objects: KubeObject[] = [];
      const metadataTexts: (string | undefined)[] = [];
      for (const { stored, object } of items) {
        const item = object ? { object, text: undefined } : this.#tableItems.item(stored, options.metadataFields);
        objects.push(item.object);
        metadataTexts.push(item.text);
      }
      return { objects, metadataTexts };
    };
    return {
      metadata: page.metadata,
      count: page.items.length,
      *chunks() {
        for (let i = 0; i < page.items.length; i += TABLE_CHUNK) yield chunk(page.items.slice(i, i + TABLE_CHUNK));
      },
    };
  }

  /**
   * The stored values a list returns, with their objects where the filter needed them or
   * `decode` is given (then all), and the list's metadata. Filters never read managedFields.
   */
  async #read(namespace: string, options: ListOptions, decode?: (stored: StoredValue) => KubeObject): Promise<ListRead> {
    const filter = options.filter && options.filter !== matchAll ? options.filter : undefined;
    const prefix = prefixKey(this.info, namespace);
    // The common list (no resourceVersion, or 0; no continue) reads the most recent state at once.
    const at = options.continue || (options.resourceVersion && options.resourceVersion !== '0') || options.resourceVersionMatch ? await listReadAt(this.#store, prefix, options) : {};
    if (options.name !== undefined && at.revision === undefined && at.after === undefined && (!this.info.namespaced || namespace)) {
      return readOneKey(this.#store, this.#key(namespace, options.name), { filter, decode: (stored) => this.decode(stored) });
    }
    return readPages(this.#store, prefix, at, { limit: options.limit, filter, decode, decodeForFilter: (stored) => this.decode(stored) });
  }

  async create(namespace: string, input: KubeObject, options: CreateOptions = {}): Promise<KubeObject> {
    const created = await this.#create(namespace, input, options);
    if (!('stored' in created)) return created.object;
    return options.sharedResult ? this.#decodeShared(created.stored) : this.decode(created.stored);
  }

  /**
   * As create, answering with the created object as JSON text (the same value as
   * `JSON.stringify(await create(...))`), spliced from the stored text where it has the
   * registry's layout: an answer that is only sent saves a decode and an encode.
   */
  async createAsText(namespace: string, input: KubeObject, options: CreateOptions = {}): Promise<string> {
    const created = await this.#create(namespace, input, options);
    if (!('stored' in created)) return JSON.stringify(created.object);
    return this.objectText(created.stored) ?? JSON.stringify(this.decode(created.stored));
  }

  /** Creates the object: its stored value, or the object itself for a dry run (nothing stored). */
  async #create(namespace: string, input: KubeObject, options: CreateOptions): Promise<{ stored: StoredValue } | { object: KubeObject }> {
    const obj = options.handOver ? input : structuredClone(input);
    obj.metadata ??= {};
    if (this.info.namespaced) {
      if (obj.metadata.namespace && obj.metadata.namespace !== namespace) {
        throw newBadRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      obj.metadata.namespace = namespace;
      await this.#options.namespaceGate?.(namespace, { ...this.#gr, name: obj.metadata.name ?? '' });
    } else {
      delete obj.metadata.namespace;
    }
    await this.#options.admitCreate?.(obj, namespace);
    obj.apiVersion = groupVersion(this.info);
    obj.kind = this.info.kind;
    fillSystemFields(obj, this.#now());
    if (!obj.metadata.name && obj.metadata.generateName) obj.metadata.name = generateName(obj.metadata.generateName);
    if (this.#strategy.tracksGeneration) obj.metadata.generation = 1;
    else delete obj.metadata.generation;
    const name = obj.metadata.name ?? '';
    const metaErrors = this.#options.validateMeta?.(this.info, obj) ?? [];
    if (metaErrors.length) throw newInvalid({ group: this.info.group, kind: this.info.kind }, name, metaErrors);
    const ctx = this.#ctx('create', !!options.dryRun);
    await this.#strategy.prepareForCreate?.(obj, ctx);
    try {
      const errors = this.#strategy.validate?.(obj) ?? [];
      if (errors.length) throw newInvalid({ group: this.info.group, kind: this.info.kind }, name, errors);
      addWarnings(options.warnings, this.#strategy.warningsOnCreate?.(obj));
      const key = this.#key(namespace, name);
      if (options.dryRun) {
        const existing = await this.#store.get(key);
        if (existing) throw this.#alreadyExists(name, existing);
        await this.#strategy.rollbackCreate?.(obj);
        return { object: obj };
      }
      const stored = await this.#store.create(key, this.#encode(obj)).catch(async (err: unknown) => {
        if (isStoreError(err, 'KeyExists')) throw this.#alreadyExists(name, await this.#store.get(key));
        throw err;
      });
      return { stored };
    } catch (err) {
      await this.#strategy.rollbackCreate?.(obj);
      throw err;
    }
  }

  /**
   * Replaces the object (PUT). A resourceVersion in the body must match the stored one (409
   * otherwise); without one the write is unconditional, as upstream allows for most kinds.
   */
  async update(namespace: string, name: string, input: KubeObject, options: WriteOptions = {}): Promise<KubeObject> {
    const expected = input.metadata?.resourceVersion;
    return this.guaranteedUpdate(
      namespace,
      name,
      (current) => {
        if (current && expected && expected !== current.metadata.resourceVersion) throw this.conflict(name);
        const next = structuredClone(input);
        // Every kind kubito serves allows unconditional updates (AllowUnconditionalUpdate):
        // upstream's store then writes over the current version, as if the client had sent it.
        if (current && !expected) (next.metadata ??= {}).resourceVersion = current.metadata.resourceVersion;
        return next;
      },
      { ...options, allowCreate: this.allowCreateOnUpdate && !options.subresource },
    );
  }

  /** Applies the kind's scheme defaults to a decoded object (in place). */
  applyDefaults(obj: KubeObject): void {
    this.#strategy.defaults?.(obj);
  }

  /** Whether PUT of a missing object creates it for this kind. */
  get allowCreateOnUpdate(): boolean {
    return !!this.#options.allowCreateOnUpdate;
  }

  /** The 404 for this resource. */
  notFound(name: string): Error {
    return newNotFound(this.#gr, name);
  }

  /** The 409 for a write based on a stale resourceVersion. */
  conflict(name: string): Error {
    return newConflict(this.#gr, name, OBJECT_MODIFIED);
  }

  /**
   * Read-modify-write with retries on concurrent writes: `mutate` gets the current object (or
   * undefined when it does not exist), a copy of its own it may change, and returns the desired
   * one; its second argument is the same current object as the registry holds it (read-only:
   * to compare with). Used by PATCH and by internal callers; the mutate function must be
   * idempotent and pure. `ownedResult`: what mutate returns shares nothing with anything but
   * its own first argument (e.g. a merge patch applied in place), so it is written as it is
   * rather than deep-copied first.
   */
  async guaranteedUpdate(namespace: string, name: string, mutate: Mutate, options: GuaranteedUpdateOptions = {}): Promise<KubeObject> {
    const written = await this.#guaranteedUpdate(namespace, name, mutate, options);
    return written.object ?? this.decode(written.value!);
  }

  /**
   * As guaranteedUpdate, answering with the object as JSON text (the same value as
   * `JSON.stringify(await guaranteedUpdate(...))`), spliced from the stored text where it has
   * the registry's layout: an answer that is only sent saves a decode and an encode.
   */
  async guaranteedUpdateAsText(namespace: string, name: string, mutate: Mutate, options: GuaranteedUpdateOptions = {}): Promise<string> {
    const written = await this.#guaranteedUpdate(namespace, name, mutate, options);
    if (written.object) return JSON.stringify(written.object);
    return this.objectText(written.value!) ?? JSON.stringify(this.decode(written.value!));
  }

  /** The update's outcome: the stored value it wrote, or the object when nothing new was stored (or it was created). */
  async #guaranteedUpdate(namespace: string, name: string, mutate: Mutate, options: GuaranteedUpdateOptions): Promise<Written> {
    const key = this.#key(namespace, name);
    for (let attempt = 0; ; attempt++) {
      const stored = await this.#store.get(key);
      const current = stored ? this.decode(stored) : undefined;
      if (!current && !options.allowCreate) throw newNotFound(this.#gr, name);
      // mutate gets its own copy (a second decode is cheaper than a deep copy).
      const result = await mutate(stored ? this.decode(stored) : undefined, current);
      // A changed decode no longer equals its stored text: it loses the mark.
      if (options.ownedResult) decodedObjects.delete(result);
      const desired = options.ownedResult ? result : structuredClone(result);
      if (!current) {
        desired.metadata ??= {};
        desired.metadata.name ??= name;
        if (desired.metadata.name !== name) throw newBadRequest(`the name of the object (${desired.metadata.name}) does not match the name on the URL (${name})`);
        return { object: await this.create(namespace, desired, { ...options, handOver: true }) };
      }
      try {
        return await this.#writeUpdate(current, desired, stored!.modRevision, options);
      } catch (err) {
        if (isStoreError(err, 'Conflict') && attempt < MAX_RETRIES) continue;
        if (isStoreError(err, 'Conflict')) throw newConflict(this.#gr, name, OBJECT_MODIFIED);
        if (isStoreError(err, 'NotFound')) throw newNotFound(this.#gr, name);
        throw err;
      }
    }
  }

  async #writeUpdate(current: KubeObject, next: KubeObject, modRevision: number, options: WriteOptions): Promise<Written> {
    const name = current.metadata.name ?? '';
    next.apiVersion = groupVersion(this.info);
    next.kind = this.info.kind;
    if (next.metadata.name !== undefined && next.metadata.name !== name) {
      throw newBadRequest(`the name of the object (${next.metadata.name}) does not match the name on the URL (${name})`);
    }
    next.metadata.name = name;
    if (this.info.namespaced) {
      if (next.metadata.namespace && next.metadata.namespace !== current.metadata.namespace) {
        throw newBadRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      next.metadata.namespace = current.metadata.namespace;
    }
    if (next.metadata.uid && next.metadata.uid !== current.metadata.uid) {
      throw newConflict(this.#gr, name, `Precondition failed: UID in precondition: ${next.metadata.uid}, UID in object meta: ${current.metadata.uid}`);
    }
    keepSystemFields(next, current);
    let prepared = false;
    const ctx = this.#ctx(options.subresource === 'status' ? 'status' : 'update', !!options.dryRun);
    if (options.subresource === 'status') {
      if (this.#strategy.prepareForStatusUpdate) this.#strategy.prepareForStatusUpdate(next, current);
      else keepAllButStatus(next, current);
    } else if (options.subresource === 'finalize') {
      // Namespaces' finalize subresource changes spec.finalizers and nothing else.
      const finalizers = (next.spec as { finalizers?: string[] } | undefined)?.finalizers;
      keepAllButStatus(next, current);
      next.status = structuredClone(current.status);
      if (next.status === undefined) delete next.status;
      next.spec = { ...((current.spec as object) ?? {}), finalizers: finalizers ?? [] };
    } else if (options.subresource === 'binding') {
      // pods/binding (handlers/binding.ts) writes spec.nodeName, annotations and the
      // PodScheduled condition together, as upstream's BindingREST does inside one update.
    } else if (options.subresource && this.#strategy.subresourceUpdates?.[options.subresource]) {
      this.#strategy.subresourceUpdates[options.subresource](next, current);
    } else if (options.subresource) {
      throw newBadRequest(`subresource ${options.subresource} cannot be updated this way`);
    } else {
      if (this.info.subresources.some((s) => s.name === 'status')) next.status = structuredClone(current.status);
      if (next.status === undefined) delete next.status;
      await this.#strategy.prepareForUpdate?.(next, current, ctx);
      prepared = true;
    }
    // Every prepareForUpdate is settled exactly once: kept if the write is stored, undone otherwise.
    let committed = false;
    try {
      const result = await this.#commitUpdate(current, next, modRevision, options);
      committed = result.committed;
      return result;
    } finally {
      if (prepared) await this.#strategy.finishUpdate?.(next, current, committed);
    }
  }

  async #commitUpdate(current: KubeObject, next: KubeObject, modRevision: number, options: WriteOptions): Promise<Written & { committed: boolean }> {
    const name = current.metadata.name ?? '';
    if (this.#strategy.tracksGeneration && specChanged(next, current)) {
      next.metadata.generation = (current.metadata.generation ?? 0) + 1;
    }
    const errors = [
      ...(this.#options.validateMeta?.(this.info, next, current) ?? []),
      ...(this.#strategy.validateUpdate?.(next, current, options.subresource) ?? []),
    ];
    if (errors.length) throw newInvalid({ group: this.info.group, kind: this.info.kind }, name, errors);
    if (!options.subresource) addWarnings(options.warnings, this.#strategy.warningsOnUpdate?.(next, current));
    if (sameContent(next, current)) return { object: current, committed: false };
    if (options.dryRun) return { object: { ...next, metadata: { ...next.metadata, resourceVersion: current.metadata.resourceVersion } }, committed: false };
    const key = this.#key(current.metadata.namespace ?? '', name);
    // The last finalizer of an object being deleted is gone: the object goes with it.
    if (next.metadata.deletionTimestamp && !(next.metadata.finalizers?.length) && !this.#pendingGrace(next) && !this.#strategy.blocksRemoval?.(next)) {
      const removed = await this.#store.delete(key, { expectedModRevision: modRevision });
      await this.#strategy.afterDelete?.(next);
      return { object: { ...next, metadata: { ...next.metadata, resourceVersion: String(removed.modRevision) } }, committed: true };
    }
    const stored = await this.#store.update(key, this.#encode(next), { expectedModRevision: modRevision });
    return { value: stored, committed: true };
  }

  /**
   * The 409 AlreadyExists of a create, saying `object is being deleted: ` first when the object
   * in the way has a deletionTimestamp (upstream's Store.Create looks it up to say so).
   */
  #alreadyExists(name: string, existing: StoredValue | undefined): StatusError {
    const err = newAlreadyExists(this.#gr, name);
    if (existing && this.decode(existing).metadata.deletionTimestamp) {
      const message = `object is being deleted: ${err.status.message}`;
      return new StatusError({ ...err.status, message });
    }
    return err;
  }

  /** An object marked for graceful deletion that still waits for its owner (the kubelet) to remove it. */
  #pendingGrace(obj: KubeObject): boolean {
    return (obj.metadata.deletionGracePeriodSeconds ?? 0) > 0;
  }

  /**
   * Deletes an object as the generic registry does: preconditions; propagation finalizers;
   * finalizers or a grace period only mark it (deletionTimestamp); otherwise it is removed.
   * Returns the object as it ended (deleted, or marked) and whether it is gone.
   */
  async delete(namespace: string, name: string, options: DeleteOptions = {}): Promise<{ object: KubeObject; deleted: boolean }> {
    const key = this.#key(namespace, name);
    for (let attempt = 0; ; attempt++) {
      const stored = await this.#store.get(key);
      if (!stored) throw newNotFound(this.#gr, name);
      const current = this.decode(stored);
      const preconditionError = deletePreconditionError(current, options, { group: this.info.group, kind: this.info.kind, resource: this.info.resource, ownDelete: !!this.#strategy.blocksRemoval });
      if (preconditionError) throw preconditionError;
      this.#strategy.checkDelete?.(current);
      const marked = markForDeletion(current, options, { strategy: this.#strategy, nowMs: (this.#options.clock ?? Date.now)() });
      try {
        if (marked) {
          if (options.dryRun) return { object: marked, deleted: false };
          if (sameContent(marked, current)) return { object: current, deleted: false };
          const updated = await this.#store.update(key, this.#encode(marked), { expectedModRevision: stored.modRevision });
          return { object: this.decode(updated), deleted: false };
        }
        if (options.dryRun) return { object: current, deleted: true };
        const removed = await this.#store.delete(key, { expectedModRevision: stored.modRevision });
        await this.#strategy.afterDelete?.(current);
        return { object: this.decode(removed), deleted: true };
      } catch (err) {
        if (isStoreError(err, 'Conflict') && attempt < MAX_RETRIES) continue;
        if (isStoreError(err, 'NotFound')) throw newNotFound(this.#gr, name);
        throw err;
      }
    }
  }

  /**
   * Deletes every object the filter selects, as DELETE on a collection does. Answers the list as
   * it was read (upstream's DeleteCollection returns its List, not what each delete left).
   */
  async deleteCollection(namespace: string, options: DeleteOptions & { filter?: ObjectFilter }): Promise<KubeList> {
    const list = await this.list(namespace, { filter: options.filter });
    for (const obj of list.items) {
      try {
        await this.delete(obj.metadata.namespace ?? '', obj.metadata.name ?? '', options);
      } catch (err) {
        // Gone in the meantime is what we wanted.
        if (!isNotFound(err)) throw err;
      }
    }
    return list;
  }

  /**
   * Watches the resource. With resourceVersion '' or '0', first sends the current state as
   * ADDED events (upstream's "Get State and Start at Most Recent"). With a filter, an object
   * that stops matching is sent as DELETED and one that starts matching as ADDED.
   * Rejects with 410 Expired when the resourceVersion is older than the kept history.
   */
  async watch(
    namespace: string,
    options: WatchOptions,
    sink: { onEvent(ev: RegistryWatchEvent): void; onClose(err?: Error): void },
  ): Promise<RegistryWatch> {
    const prefix = prefixKey(this.info, namespace);
    const filter = options.filter ?? matchAll;
    // A watch of one object needs no other key decoded.
    const onlyKey = options.name !== undefined && (!this.info.namespaced || namespace) ? this.#key(namespace, options.name) : undefined;
    const rv = options.resourceVersion ?? '';
    let from: number;
    let initial: KubeObject[] = [];
    if (rv === '' || rv === '0') {
      const list = await this.list(namespace, { filter, name: options.name });
      initial = list.items;
      from = Number(list.metadata.resourceVersion);
    } else {
      from = parseResourceVersion(rv);
    }
    for (const obj of initial) sink.onEvent({ type: 'ADDED', object: obj });
    const watchFrom = (start: number): Promise<StoreWatch> => this.#store.watch(prefix, start, {
      onEvent: (ev) => {
        // A watch from a revision the store has not reached yet starts at the current one
        // and passes only what comes after the one asked for.
        if (ev.value.modRevision <= from) return;
        if (onlyKey !== undefined && ev.key !== onlyKey) return;
        const out = this.#translate(ev, filter);
        if (out) sink.onEvent(out);
      },
      onClose: (err) => sink.onClose(err),
    });
    let handle: StoreWatch;
    try {
      handle = await watchFrom(from);
    } catch (err) {
      if (isStoreError(err, 'Compacted')) throw newResourceExpired(`too old resource version: ${from} (${await this.#store.compactedRevision()})`);
      if (!isStoreError(err, 'FutureRevision')) throw err;
      // Upstream's cacher accepts it and keeps still until its cache passes it (a list
      // waits and then answers 504, list-read.ts; a watch just waits).
      handle = await watchFrom(Math.min(from, await this.#store.currentRevision()));
    }
    return { stop: () => handle.stop(), progress: () => handle.progress() };
  }

  /**
   * decode, once per stored value for all the watches one change reaches (the store hands each
   * of them the same event). The object is shared, so watch consumers must not change it.
   */
  /**
   * The object of a stored value that every watch of the change, the watch filters, Table lists
   * and in-process creators share (read-only), decoded once: without metadata.managedFields
   * where the text has the registry's layout. The managed fields are a third or more of an
   * object's text and most of its small objects; what these readers keep (informer caches in
   * the controllers) or read (selectors, table cells) never needs them — upstream's
   * kube-controller-manager strips them from its informers' objects too — and an update that
   * omits them keeps the stored ones (field-manager.ts, as upstream's decodeLiveOrNew). What
   * must carry them (a watch of Tables or PartialObjectMetadata, or of objects without stored
   * text) takes wholeObject.
   */
  #decodeShared(stored: StoredValue): KubeObject {
    let obj = this.#decoded.get(stored);
    if (!obj) {
      obj = this.#decodeWithoutManagedFields(stored) ?? this.decode(stored);
      this.#decoded.set(stored, obj);
    }
    return obj;
  }

  #decodeWithoutManagedFields(stored: StoredValue): KubeObject | undefined {
    const obj = this.#layout && decodeWithoutManagedFields(stored, this.#layout)?.object;
    if (!obj) return undefined;
    decodedObjects.add(obj);
    withoutManagedFields.add(obj);
    return obj;
  }

  /** A watch event's object with its managedFields: the shared object itself where it has them, else decoded (once). */
  wholeObject(ev: RegistryWatchEvent): KubeObject {
    if (!ev.stored || !withoutManagedFields.has(ev.object)) return ev.object;
    let obj = this.#decodedWhole.get(ev.stored);
    if (!obj) {
      obj = this.decode(ev.stored);
      this.#decodedWhole.set(ev.stored, obj);
    }
    return obj;
  }

  #translate(ev: StoreEvent, filter: ObjectFilter): RegistryWatchEvent | undefined {
    const type = this.#eventType(ev, filter);
    return type && { type, object: this.#decodeShared(ev.value), stored: ev.value };
  }

  #eventType(ev: StoreEvent, filter: ObjectFilter): RegistryWatchEvent['type'] | undefined {
    const now = filter(this.#decodeShared(ev.value));
    if (ev.type === 'create') return now ? 'ADDED' : undefined;
    const before = ev.prev ? filter === matchAll || filter(this.#decodeShared(ev.prev)) : false;
    if (ev.type === 'delete') return before || now ? 'DELETED' : undefined;
    if (now && before) return 'MODIFIED';
    if (now) return 'ADDED';
    if (before) return 'DELETED';
    return undefined;
  }

  /**
   * The API object of a stored value as JSON text (the same value as `JSON.stringify(decode(stored))`),
   * spliced from the stored text; undefined when that text is not in the registry's layout.
   */
  objectText(stored: StoredValue): string | undefined {
    const prefix = this.#textPrefix;
    return prefix === undefined ? undefined : withResourceVersion(stored.value, prefix, String(stored.modRevision));
  }
}
