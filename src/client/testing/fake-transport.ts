/**
 * @module An in-memory API server behind the Transport interface, for tests of the client,
 * informers and controllers: objects by resource, a resourceVersion counter, a history that
 * watches resume from (until `compact()`), and watches a test can steer (`emit`, `end`,
 * `fail`, `expire` with 410). Every call is recorded as an action (`create pods ns/name`), as
 * client-go's fake clientset does. Not a validator: no defaulting, no schema, merge patch only.
 * Watch events are delivered asynchronously (a microtask each), as from a socket.
 */
import {
  OBJECT_MODIFIED,
  StatusError,
  newAlreadyExists,
  newBadRequest,
  newConflict,
  newNotFound,
  newResourceExpired,
  newUnsupportedMediaType,
  type GroupResource,
} from '../../api/errors.js';
import { findResource } from '../../api/resources.js';
import { deepCopy, type KubeObject, type WatchEvent } from '../../api/types.js';
import type { ResourceRef } from '../client.js';
import type { ApiRequest, Transport, WatchHandlers, WatchStream } from '../transport.js';
import { apiVersionOf, keyOf, mergePatch, parsePath, single, specOf, verbOf, type FakeVerb, type Target } from './fake-support.js';
import { fieldMatcher, labelMatcher } from './selectors.js';

/** One recorded call. `resource` is group-qualified (`deployments.apps`); `object` is the body. */
export interface FakeAction {
  verb: FakeVerb;
  resource: string;
  namespace: string;
  name: string;
  subresource?: string;
  object?: unknown;
  query?: ApiRequest['query'];
}

/** A watch a client opened, for the test to steer. Every method is a no-op once it is closed. */
export interface FakeWatch {
  readonly action: FakeAction;
  /** True once the client stopped it or the test ended it. */
  readonly closed: boolean;
  /** Delivers any event, as the server would. */
  emit(event: WatchEvent): void;
  /** Ends the stream cleanly (a server-side timeout). */
  end(): void;
  /** Breaks the stream with `err` (default 503 ServiceUnavailable). */
  fail(err?: Error): void;
  /** Sends an ERROR event with a 410 Expired Status, then ends, as kube-apiserver does. */
  expire(): void;
}

interface HistoryEntry {
  rv: number;
  coll: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  obj: KubeObject;
  prev?: KubeObject;
}

interface OpenWatch extends FakeWatch {
  coll: string;
  matches(obj: KubeObject): boolean;
  bookmarks: boolean;
  /** The client's stop(): nothing more is delivered, and onClose is not called. */
  stopByClient(): void;
}

export class FakeTransport implements Transport {
  /** Every request and watch, in order. */
  actions: FakeAction[] = [];
  #rv = 0;
  #compactedRv = 0;
  #uid = 0;
  #collections = new Map<string, Map<string, KubeObject>>();
  #history: HistoryEntry[] = [];
  #watches = new Set<OpenWatch>();
  #reactors: Array<(action: FakeAction) => Error | undefined> = [];

  /** The resourceVersion of the last write. */
  get resourceVersion(): number {
    return this.#rv;
  }

  /** Watches still open. */
  watches(): FakeWatch[] {
    return [...this.#watches];
  }

  clearActions(): void {
    this.actions = [];
  }

  /** Fails matching calls: `fn` sees each action first and returns the error to answer with. */
  inject(fn: (action: FakeAction) => Error | undefined): () => void {
    this.#reactors.push(fn);
    return () => this.#reactors.splice(this.#reactors.indexOf(fn), 1);
  }

  /**
   * Creates or replaces an object directly (no action recorded); returns the stored copy.
   * `silent`: the change goes into history but not to open watches, as if they lagged behind.
   */
  set(ref: ResourceRef, obj: KubeObject, options: { silent?: boolean } = {}): KubeObject {
    const coll = this.#collection(ref.group, ref.resource);
    const key = keyOf(obj.metadata.namespace ?? '', obj.metadata.name ?? '');
    const prev = coll.get(key);
    const full = { ...deepCopy(obj), apiVersion: obj.apiVersion ?? apiVersionOf(ref), kind: obj.kind ?? ref.kind };
    if (!prev) full.metadata.uid ??= `uid-${++this.#uid}`;
    return this.#write(ref.group, ref.resource, full, prev, options.silent);
  }

  /** Deletes an object directly; returns whether it existed. `silent` as for `set`. */
  remove(ref: ResourceRef, id: { namespace?: string; name: string }, options: { silent?: boolean } = {}): boolean {
    const prev = this.#collection(ref.group, ref.resource).get(keyOf(id.namespace ?? '', id.name));
    if (!prev) return false;
    this.#erase(ref.group, ref.resource, prev, options.silent);
    return true;
  }

  /** The stored object, if any. */
  object(ref: ResourceRef, id: { namespace?: string; name: string }): KubeObject | undefined {
    return this.#collection(ref.group, ref.resource).get(keyOf(id.namespace ?? '', id.name));
  }

  /** Forgets history: watches from any version up to now get 410 Expired. */
  compact(): void {
    this.#compactedRv = this.#rv;
    this.#history = [];
  }

  /** Sends a BOOKMARK at the current resourceVersion to every watch that allows bookmarks. */
  bookmark(): void {
    for (const w of this.#watches) {
      if (w.bookmarks) w.emit({ type: 'BOOKMARK', object: { metadata: { resourceVersion: String(this.#rv) } } });
    }
  }

  endWatches(): void {
    for (const w of this.#watches) w.end();
  }

  expireWatches(): void {
    for (const w of this.#watches) w.expire();
  }

  failWatches(err?: Error): void {
    for (const w of this.#watches) w.fail(err);
  }

  async request<T = unknown>(req: ApiRequest): Promise<T> {
    await Promise.resolve();
    const t = parsePath(req.path);
    const verb = verbOf(req.method, t);
    const action: FakeAction = { verb, resource: t.group ? `${t.resource}.${t.group}` : t.resource, namespace: t.namespace, name: t.name, query: req.query };
    if (t.subresource) action.subresource = t.subresource;
    if (req.body !== undefined) action.object = deepCopy(req.body);
    if (verb === 'create') action.name = (req.body as KubeObject | undefined)?.metadata?.name ?? '';
    this.actions.push(action);
    this.#react(action);
    return deepCopy(this.#serve(verb, t, req)) as T;
  }

  async watch(req: ApiRequest, handlers: WatchHandlers): Promise<WatchStream> {
    await Promise.resolve();
    const t = parsePath(req.path);
    const q = req.query ?? {};
    const action: FakeAction = { verb: 'watch', resource: t.group ? `${t.resource}.${t.group}` : t.resource, namespace: t.namespace, name: '', query: q };
    this.actions.push(action);
    this.#react(action);
    const from = typeof q.resourceVersion === 'string' ? q.resourceVersion : '';
    if (from !== '' && from !== '0' && Number(from) < this.#compactedRv) {
      throw newResourceExpired(`too old resource version: ${from} (${this.#compactedRv})`);
    }
    const byLabel = labelMatcher(single(q.labelSelector));
    const byField = fieldMatcher(single(q.fieldSelector));
    const namespace = t.namespace;
    const watch = this.#open(action, handlers, {
      coll: `${t.group}/${t.resource}`,
      matches: (obj) => (!namespace || obj.metadata.namespace === namespace) && byLabel(obj) && byField(obj),
      bookmarks: q.allowWatchBookmarks === 'true',
    });
    if (from === '' || from === '0') {
      for (const obj of this.#collection(t.group, t.resource).values()) if (watch.matches(obj)) watch.emit({ type: 'ADDED', object: obj });
    } else {
      for (const entry of this.#history) if (entry.rv > Number(from)) this.#deliver(watch, entry);
    }
    return { stop: () => watch.stopByClient() };
  }

  #react(action: FakeAction): void {
    for (const fn of this.#reactors) {
      const err = fn(action);
      if (err) throw err;
    }
  }

  #serve(verb: FakeVerb, t: Target, req: ApiRequest): unknown {
    const gr: GroupResource = { group: t.group, resource: t.resource };
    const coll = this.#collection(t.group, t.resource);
    const current = coll.get(keyOf(t.namespace, t.name));
    const q = req.query ?? {};
    const dryRun = q.dryRun === 'All';
    switch (verb) {
      case 'list':
        return this.#list(t, q);
      case 'get':
        if (!current) throw newNotFound(gr, t.name);
        return current;
      case 'create': {
        const obj = deepCopy(req.body as KubeObject);
        obj.metadata ??= {};
        if (t.namespace && obj.metadata.namespace && obj.metadata.namespace !== t.namespace) {
          throw newBadRequest('the namespace of the provided object does not match the namespace sent on the request');
        }
        if (t.namespace) obj.metadata.namespace = t.namespace;
        if (!obj.metadata.name && obj.metadata.generateName) obj.metadata.name = `${obj.metadata.generateName}${(this.#uid + 1).toString(36).padStart(5, '0')}`;
        if (!obj.metadata.name) throw newBadRequest('name or generateName is required');
        if (coll.has(keyOf(t.namespace, obj.metadata.name))) throw newAlreadyExists(gr, obj.metadata.name);
        obj.metadata.uid = `uid-${++this.#uid}`;
        obj.metadata.creationTimestamp ??= new Date().toISOString();
        obj.metadata.generation = 1;
        obj.apiVersion ??= t.group ? `${t.group}/${t.version}` : t.version;
        obj.kind ??= findResource(t.group, t.version, t.resource)?.kind;
        return dryRun ? { ...obj, metadata: { ...obj.metadata, uid: undefined } } : this.#write(t.group, t.resource, obj, undefined);
      }
      case 'update':
      case 'patch': {
        if (!current) throw newNotFound(gr, t.name);
        let next: KubeObject;
        if (verb === 'patch') {
          if (req.contentType === 'application/json-patch+json') throw newUnsupportedMediaType(req.contentType);
          next = mergePatch(current, req.body) as KubeObject;
        } else {
          next = deepCopy(req.body as KubeObject);
          const rv = next.metadata?.resourceVersion;
          if (rv && rv !== current.metadata.resourceVersion) throw newConflict(gr, t.name, OBJECT_MODIFIED);
        }
        if (t.subresource === 'status') next = { ...deepCopy(current), status: next.status };
        next.metadata = { ...next.metadata, uid: current.metadata.uid, name: t.name, namespace: current.metadata.namespace, creationTimestamp: current.metadata.creationTimestamp };
        if (current.metadata.deletionTimestamp) next.metadata.deletionTimestamp = current.metadata.deletionTimestamp;
        if (dryRun) return next;
        if (next.metadata.deletionTimestamp && !next.metadata.finalizers?.length) {
          this.#erase(t.group, t.resource, next);
          return next;
        }
        return this.#write(t.group, t.resource, next, current);
      }
      case 'delete': {
        if (!current) throw newNotFound(gr, t.name);
        const pre = (req.body as { preconditions?: { uid?: string; resourceVersion?: string } } | undefined)?.preconditions;
        if (pre?.uid && pre.uid !== current.metadata.uid) {
          throw newConflict(gr, t.name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`);
        }
        if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) {
          throw newConflict(gr, t.name, OBJECT_MODIFIED);
        }
        if (dryRun) return current;
        if (current.metadata.finalizers?.length) {
          if (current.metadata.deletionTimestamp) return current;
          const marked = deepCopy(current);
          marked.metadata.deletionTimestamp = new Date().toISOString();
          return this.#write(t.group, t.resource, marked, current);
        }
        this.#erase(t.group, t.resource, current);
        return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: t.name, group: t.group, kind: t.resource, uid: current.metadata.uid } };
      }
      default:
        throw newBadRequest(`fake transport: unsupported ${req.method} ${req.path}`);
    }
  }

  /** Lists in key order; `continue` is `<rv>:<offset>`, expired (410) once compacted. */
  #list(t: Target, q: NonNullable<ApiRequest['query']>): unknown {
    const byLabel = labelMatcher(single(q.labelSelector));
    const byField = fieldMatcher(single(q.fieldSelector));
    const all = [...this.#collection(t.group, t.resource).entries()]
      .filter(([, obj]) => (!t.namespace || obj.metadata.namespace === t.namespace) && byLabel(obj) && byField(obj))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, obj]) => obj);
    let offset = 0;
    let listRv = this.#rv;
    const token = single(q.continue);
    if (token) {
      const [rv, off] = token.split(':').map(Number);
      if (rv < this.#compactedRv) {
        throw newResourceExpired('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
      }
      listRv = rv;
      offset = off;
    }
    const limit = Number(single(q.limit) ?? 0);
    const items = limit > 0 ? all.slice(offset, offset + limit) : all.slice(offset);
    const next = offset + items.length;
    const metadata: Record<string, unknown> = { resourceVersion: String(listRv) };
    if (limit > 0 && next < all.length) {
      metadata.continue = `${listRv}:${next}`;
      metadata.remainingItemCount = all.length - next;
    }
    const kind = findResource(t.group, t.version, t.resource)?.kind;
    return { kind: kind ? `${kind}List` : 'List', apiVersion: t.group ? `${t.group}/${t.version}` : t.version, metadata, items };
  }

  #collection(group: string, resource: string): Map<string, KubeObject> {
    const coll = `${group}/${resource}`;
    let map = this.#collections.get(coll);
    if (!map) this.#collections.set(coll, (map = new Map()));
    return map;
  }

  #write(group: string, resource: string, obj: KubeObject, prev: KubeObject | undefined, silent = false): KubeObject {
    const stored = deepCopy(obj);
    if (prev && specOf(prev) !== specOf(stored)) stored.metadata.generation = (prev.metadata.generation ?? 1) + 1;
    else if (prev) stored.metadata.generation = prev.metadata.generation;
    stored.metadata.resourceVersion = String(++this.#rv);
    this.#collection(group, resource).set(keyOf(stored.metadata.namespace ?? '', stored.metadata.name ?? ''), stored);
    this.#record({ rv: this.#rv, coll: `${group}/${resource}`, type: prev ? 'MODIFIED' : 'ADDED', obj: stored, prev }, silent);
    return stored;
  }

  #erase(group: string, resource: string, obj: KubeObject, silent = false): void {
    const key = keyOf(obj.metadata.namespace ?? '', obj.metadata.name ?? '');
    const coll = this.#collection(group, resource);
    const prev = coll.get(key);
    coll.delete(key);
    const gone = deepCopy(obj);
    gone.metadata.resourceVersion = String(++this.#rv);
    this.#record({ rv: this.#rv, coll: `${group}/${resource}`, type: 'DELETED', obj: gone, prev }, silent);
  }

  #record(entry: HistoryEntry, silent: boolean): void {
    this.#history.push(entry);
    if (!silent) for (const w of this.#watches) this.#deliver(w, entry);
  }

  /** Sends `entry` to `w` if it concerns it; objects moving in or out of a selection become ADDED/DELETED. */
  #deliver(w: OpenWatch, entry: HistoryEntry): void {
    if (entry.coll !== w.coll) return;
    const now = w.matches(entry.obj);
    const before = entry.prev !== undefined && w.matches(entry.prev);
    if (entry.type === 'DELETED') {
      if (now || before) w.emit({ type: 'DELETED', object: entry.obj });
    } else if (now) {
      w.emit({ type: before || entry.type === 'ADDED' ? entry.type : 'ADDED', object: entry.obj });
    } else if (before) {
      w.emit({ type: 'DELETED', object: entry.obj });
    }
  }

  #open(action: FakeAction, handlers: WatchHandlers, extra: Pick<OpenWatch, 'coll' | 'matches' | 'bookmarks'>): OpenWatch {
    // `closed`: the test or the client ended it, nothing more is accepted. `stopped`: the client
    // called stop(), which also cancels deliveries already queued (and onClose).
    let closed = false;
    let stopped = false;
    const transport = this;
    const later = (fn: () => void) => queueMicrotask(() => stopped || fn());
    const watch: OpenWatch = {
      ...extra,
      action,
      get closed() {
        return closed;
      },
      emit(event) {
        if (closed) return;
        const copy = deepCopy(event);
        later(() => handlers.onEvent(copy));
      },
      end() {
        if (closed) return;
        closed = true;
        transport.#watches.delete(watch);
        later(() => handlers.onClose());
      },
      fail(err) {
        if (closed) return;
        closed = true;
        transport.#watches.delete(watch);
        const cause = err ?? new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'ServiceUnavailable', message: 'watch broken by test', code: 503 });
        later(() => handlers.onClose(cause));
      },
      stopByClient() {
        closed = stopped = true;
        transport.#watches.delete(watch);
      },
      expire() {
        watch.emit({ type: 'ERROR', object: newResourceExpired(`too old resource version: ${action.query?.resourceVersion ?? ''} (${transport.#rv})`).status as unknown as KubeObject });
        watch.end();
      },
    };
    this.#watches.add(watch);
    return watch;
  }
}
