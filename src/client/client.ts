/**
 * @module The typed-ish REST client every component uses: `client.resource(info)` gives get,
 * list, create, update, updateStatus, patch, delete and watch for one resource, with the URL
 * and query built the way kube-apiserver expects. Everything goes through a `Transport`, so the
 * same code runs over HTTPS or in-process. Errors are the Transport's StatusErrors.
 */
import { newBadRequest } from '../api/errors.js';
import { groupVersion } from '../api/resources.js';
import type { KubeList, KubeObject, Status } from '../api/types.js';
import type { Transport, WatchHandlers, WatchStream } from './transport.js';

/** What the client needs to know about a resource; `ResourceInfo` from api/resources.ts fits. */
export interface ResourceRef {
  /** `""` for the core group. */
  group: string;
  version: string;
  /** Plural, lower case: `services`. */
  resource: string;
  namespaced: boolean;
  kind: string;
}

export interface GetOptions {
  namespace?: string;
  /** e.g. `status`, `scale`. */
  subresource?: string;
}

export interface ListOptions {
  /** Omitted or `""` on a namespaced resource: all namespaces. Ignored for cluster-scoped ones. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'NotOlderThan' | 'Exact';
}

export interface WatchOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Events after this version; omitted: synthetic ADDED events for the current state first. */
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  /** The server ends the watch cleanly after this long. */
  timeoutSeconds?: number;
}

export interface WriteOptions {
  /** Default: the object's `metadata.namespace`. */
  namespace?: string;
  /** Run admission and validation, persist nothing (`dryRun=All`). */
  dryRun?: boolean;
  fieldManager?: string;
  fieldValidation?: 'Ignore' | 'Warn' | 'Strict';
  /**
   * The caller never changes the object it gets back (a controller that notes its resourceVersion):
   * in the control plane's process the answer may then be the object its watches were handed,
   * shared like an informer's objects, instead of one decoded for this caller alone. Creates only.
   */
  readOnlyResult?: boolean;
}

/** merge: RFC 7386; strategic: strategic merge patch; json: RFC 6902; apply: server-side apply. */
export type PatchType = 'merge' | 'strategic' | 'json' | 'apply';

export interface PatchOptions extends WriteOptions {
  /** Default `merge`. */
  type?: PatchType;
  /** Server-side apply only: take over conflicting fields. */
  force?: boolean;
  subresource?: string;
}

export interface DeleteOptions {
  namespace?: string;
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  gracePeriodSeconds?: number;
  /** Delete only if the stored object still has this uid / resourceVersion (409 Conflict otherwise). */
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
};

/**
 * The URL path of a resource, a named object or its subresource:
 * `/api/v1/namespaces/ns/pods/x/status`, `/apis/apps/v1/deployments`, `/api/v1/nodes/n1`.
 * The namespace is left out for cluster-scoped resources and when empty (all namespaces).
 */
export function resourcePath(ref: ResourceRef, options: { namespace?: string; name?: string; subresource?: string } = {}): string {
  let path = ref.group ? `/apis/${ref.group}/${ref.version}` : `/api/${ref.version}`;
  if (ref.namespaced && options.namespace) path += `/namespaces/${encodeURIComponent(options.namespace)}`;
  path += `/${ref.resource}`;
  if (options.name !== undefined) path += `/${encodeURIComponent(options.name)}`;
  if (options.subresource) path += `/${options.subresource}`;
  return path;
}

/** The entry point: one Client per Transport, shared by everything in a process. */
export class Client {
  readonly transport: Transport;

  constructor(transport: Transport) {
    this.transport = transport;
  }

  /** A client for one resource. Cheap; no state beyond the reference. */
  resource<T extends KubeObject = KubeObject>(ref: ResourceRef): ResourceClient<T> {
    return new ResourceClient<T>(this.transport, ref);
  }
}

/**
 * Verbs on one resource. `T` is the object type the caller expects; nothing checks it. Every
 * method returns a promise that rejects with a StatusError (also for bad arguments, as 400).
 */
export class ResourceClient<T extends KubeObject = KubeObject> {
  readonly ref: ResourceRef;
  #transport: Transport;

  constructor(transport: Transport, ref: ResourceRef) {
    this.#transport = transport;
    this.ref = { group: ref.group, version: ref.version, resource: ref.resource, namespaced: ref.namespaced, kind: ref.kind };
  }

  /** GET one object; 404 NotFound if absent. */
  async get(name: string, options: GetOptions = {}): Promise<T> {
    const path = this.#objectPath('get', name, options.namespace, options.subresource);
    return this.#transport.request<T>({ method: 'GET', path });
  }

  /**
   * GET a list. Items get `apiVersion` and `kind` filled in when the server left them out (as
   * kube-apiserver does for built-in kinds), so cached objects look the same as watched ones.
   */
  async list(options: ListOptions = {}): Promise<KubeList<T>> {
    const list = await this.#transport.request<KubeList<T>>({
      method: 'GET',
      path: resourcePath(this.ref, { namespace: options.namespace }),
      query: {
        labelSelector: options.labelSelector || undefined,
        fieldSelector: options.fieldSelector || undefined,
        limit: options.limit ? String(options.limit) : undefined,
        continue: options.continue || undefined,
        resourceVersion: options.resourceVersion,
        resourceVersionMatch: options.resourceVersionMatch,
      },
    });
    const apiVersion = groupVersion(this.ref);
    for (const item of list.items ?? []) {
      item.apiVersion ??= apiVersion;
      item.kind ??= this.ref.kind;
    }
    list.items ??= [];
    list.metadata ??= {};
    return list;
  }

  /** POST; the namespace comes from `options` or the object. 409 AlreadyExists if taken. */
  async create(obj: T, options: WriteOptions = {}): Promise<T> {
    const namespace = this.#namespaceFor('create', obj.metadata.name ?? obj.metadata.generateName ?? '', options.namespace ?? obj.metadata.namespace);
    return this.#transport.request<T>({
      method: 'POST',
      path: resourcePath(this.ref, { namespace }),
      query: writeQuery(options),
      body: obj,
      readOnlyResult: options.readOnlyResult,
    });
  }

  /** PUT the whole object; 409 Conflict if its resourceVersion is stale. */
  update(obj: T, options: WriteOptions = {}): Promise<T> {
    return this.#put(obj, undefined, options);
  }

  /** PUT the object to its `status` subresource: only `.status` changes. */
  updateStatus(obj: T, options: WriteOptions = {}): Promise<T> {
    return this.#put(obj, 'status', options);
  }

  /** PATCH; `patch` is the JSON body (an array of operations for `json`). */
  async patch(name: string, patch: unknown, options: PatchOptions = {}): Promise<T> {
    const type = options.type ?? 'merge';
    const query = writeQuery(options);
    if (options.force !== undefined) query.force = String(options.force);
    return this.#transport.request<T>({
      method: 'PATCH',
      path: this.#objectPath('patch', name, options.namespace, options.subresource),
      query,
      body: patch,
      contentType: PATCH_CONTENT_TYPES[type],
    });
  }

  /**
   * DELETE. Resolves with the object when deletion is pending (finalizers, graceful pod
   * deletion) and with a Success Status when it is gone; 404 NotFound if it was not there.
   */
  async delete(name: string, options: DeleteOptions = {}): Promise<T | Status> {
    const body: Record<string, unknown> = { kind: 'DeleteOptions', apiVersion: 'v1' };
    if (options.propagationPolicy) body.propagationPolicy = options.propagationPolicy;
    if (options.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = options.gracePeriodSeconds;
    if (options.preconditions) body.preconditions = options.preconditions;
    if (options.dryRun) body.dryRun = ['All'];
    return this.#transport.request<T | Status>({
      method: 'DELETE',
      path: this.#objectPath('delete', name, options.namespace),
      body,
    });
  }

  /** Opens a watch; see Transport.watch for when it resolves and how it ends. */
  watch(options: WatchOptions, handlers: WatchHandlers): Promise<WatchStream> {
    return this.#transport.watch(
      {
        method: 'GET',
        path: resourcePath(this.ref, { namespace: options.namespace }),
        query: {
          labelSelector: options.labelSelector || undefined,
          fieldSelector: options.fieldSelector || undefined,
          resourceVersion: options.resourceVersion,
          allowWatchBookmarks: options.allowWatchBookmarks ? 'true' : undefined,
          timeoutSeconds: options.timeoutSeconds !== undefined ? String(options.timeoutSeconds) : undefined,
        },
      },
      handlers,
    );
  }

  async #put(obj: T, subresource: string | undefined, options: WriteOptions): Promise<T> {
    const name = obj.metadata.name ?? '';
    return this.#transport.request<T>({
      method: 'PUT',
      path: this.#objectPath('update', name, options.namespace ?? obj.metadata.namespace, subresource),
      query: writeQuery(options),
      body: obj,
    });
  }

  #objectPath(verb: string, name: string, namespace: string | undefined, subresource?: string): string {
    if (!name) throw newBadRequest(`resource name may not be empty (${verb} ${this.ref.resource})`);
    return resourcePath(this.ref, { namespace: this.#namespaceFor(verb, name, namespace), name, subresource });
  }

  /** Namespaced verbs on one object need a namespace; cluster-scoped ones ignore it. */
  #namespaceFor(verb: string, name: string, namespace: string | undefined): string | undefined {
    if (!this.ref.namespaced) return undefined;
    if (!namespace) throw newBadRequest(`a namespace is required to ${verb} ${this.ref.resource} "${name}"`);
    return namespace;
  }
}

function writeQuery(options: WriteOptions): Record<string, string | undefined> {
  return {
    dryRun: options.dryRun ? 'All' : undefined,
    fieldManager: options.fieldManager,
    fieldValidation: options.fieldValidation,
  };
}
