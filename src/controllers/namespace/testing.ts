/**
 * @module For tests: the client's FakeTransport with kube-apiserver's Namespace registry
 * semantics on top (pkg/registry/core/namespace/storage/storage.go), which the plain fake does
 * not have. It is also a small executable statement of what the real registry must do:
 *  - DELETE of a namespace not yet being deleted only marks it: deletionTimestamp and phase
 *    Terminating; later DELETEs return it unchanged while spec.finalizers is non-empty; with
 *    spec.finalizers empty, the generic delete applies (metadata.finalizers still hold it);
 *  - PUT .../status changes only status; PUT .../finalize changes only spec.finalizers;
 *  - an update that leaves a namespace being deleted with neither spec.finalizers nor
 *    metadata.finalizers removes it (ShouldDeleteNamespaceDuringUpdate).
 * Optionally it serves DELETE on a namespaced collection (deletecollection), which the plain
 * fake answers with 404, as a server without that verb may.
 */
import { newConflict, newNotFound, OBJECT_MODIFIED } from '../../api/errors.js';
import { findResource } from '../../api/resources.js';
import { deepCopy, type KubeList, type KubeObject } from '../../api/types.js';
import type { ApiRequest, Clock, Transport, WatchHandlers, WatchStream } from '../../client/index.js';
import type { FakeTransport } from '../../client/testing/fake-transport.js';
import { parsePath } from '../../client/testing/fake-support.js';

const NAMESPACES = findResource('', 'v1', 'namespaces')!;
const GR = { group: '', resource: 'namespaces' };

type Namespace = KubeObject & { spec?: { finalizers?: string[] }; status?: { phase?: string } };

export class NamespaceRegistryFake implements Transport {
  readonly fake: FakeTransport;
  /** Requests this layer answered itself: `DELETE namespaces/x`, `PUT namespaces/x/finalize`, `DELETE configmaps in ns`. */
  readonly handled: string[] = [];
  readonly #clock: Clock;
  readonly #deleteCollection: boolean;

  constructor(fake: FakeTransport, options: { clock: Clock; deleteCollection?: boolean }) {
    this.fake = fake;
    this.#clock = options.clock;
    this.#deleteCollection = options.deleteCollection ?? false;
  }

  async request<T = unknown>(req: ApiRequest): Promise<T> {
    const t = parsePath(req.path);
    if (t.group === '' && t.resource === 'namespaces' && t.name) {
      if (req.method === 'DELETE' && !t.subresource) return this.#record(`DELETE namespaces/${t.name}`, () => this.#delete(t.name)) as T;
      if (req.method === 'PUT' && (t.subresource === 'status' || t.subresource === 'finalize')) {
        return this.#record(`PUT namespaces/${t.name}/${t.subresource}`, () => this.#put(t.name, t.subresource, req.body as Namespace)) as T;
      }
    }
    if (this.#deleteCollection && req.method === 'DELETE' && !t.name && t.namespace) {
      const list = (await this.fake.request<KubeList>({ method: 'GET', path: req.path })).items;
      for (const obj of list) await this.fake.request({ method: 'DELETE', path: `${req.path}/${obj.metadata.name}`, body: req.body });
      this.handled.push(`DELETE ${t.resource} in ${t.namespace}`);
      return { ...(await this.fake.request<KubeList>({ method: 'GET', path: req.path })) } as T;
    }
    return this.fake.request<T>(req);
  }

  watch(req: ApiRequest, handlers: WatchHandlers): Promise<WatchStream> {
    return this.fake.watch(req, handlers);
  }

  async #record(what: string, fn: () => Namespace): Promise<Namespace> {
    await Promise.resolve();
    this.handled.push(what);
    return deepCopy(fn());
  }

  #current(name: string): Namespace {
    const current = this.fake.object(NAMESPACES, { name }) as Namespace | undefined;
    if (!current) throw newNotFound(GR, name);
    return current;
  }

  #delete(name: string): Namespace {
    const current = this.#current(name);
    if (!current.metadata.deletionTimestamp) {
      const marked = deepCopy(current);
      marked.metadata.deletionTimestamp = new Date(this.#clock.now()).toISOString().replace(/\.\d+Z$/, 'Z');
      marked.status = { ...marked.status, phase: 'Terminating' };
      return this.fake.set(NAMESPACES, marked) as Namespace;
    }
    if ((current.spec?.finalizers ?? []).length > 0 || (current.metadata.finalizers ?? []).length > 0) return current;
    this.fake.remove(NAMESPACES, { name });
    return current;
  }

  #put(name: string, subresource: string, body: Namespace): Namespace {
    const current = this.#current(name);
    if (body.metadata?.resourceVersion && body.metadata.resourceVersion !== current.metadata.resourceVersion) throw newConflict(GR, name, OBJECT_MODIFIED);
    const next = deepCopy(current);
    if (subresource === 'status') next.status = deepCopy(body.status);
    else next.spec = { ...next.spec, finalizers: [...(body.spec?.finalizers ?? [])] };
    const gone = next.metadata.deletionTimestamp && !(next.spec?.finalizers ?? []).length && !(next.metadata.finalizers ?? []).length;
    if (gone) {
      this.fake.remove(NAMESPACES, { name });
      return next;
    }
    return this.fake.set(NAMESPACES, next) as Namespace;
  }
}
