/**
 * @module The namespace controller (kube-controller-manager's, pkg/controller/namespace): once a
 * Namespace is being deleted it makes sure its phase is Terminating, deletes everything inside
 * it (content-deleter.ts), keeps the deletion conditions current (conditions.ts), waits for the
 * content to be gone, and then takes its `kubernetes` finalizer out of `spec.finalizers` through
 * the `finalize` subresource; the API server removes the Namespace when no finalizer is left.
 *
 * Waiting: a pass that leaves content behind requeues the namespace after upstream's estimate
 * (half of it plus a second); besides, any deletion of an object inside a namespace being
 * waited for wakes it at once, so a namespace goes as soon as its last object does.
 */
import { isConflict, isNotFound } from '../../api/errors.js';
import { findResource, RESOURCES } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import {
  controllerRateLimiter,
  resourcePath,
  runWorkers,
  WorkQueue,
  type Informer,
  type ResourceClient,
} from '../../client/index.js';
import type { Controller, ControllerContext } from '../controller.js';
import { mergeConditions, type DeletionReport, type NamespaceCondition } from './conditions.js';
import { NamespaceContentDeleter, type ContentDeleterOptions } from './content-deleter.js';

const NAMESPACES = findResource('', 'v1', 'namespaces')!;

/** The finalizer token this controller owns in `spec.finalizers` (core/v1 FinalizerKubernetes). */
export const FINALIZER_KUBERNETES = 'kubernetes';

export interface NamespaceControllerOptions {
  /**
   * Wait between seeing a namespace's deletion and deleting its content. Upstream waits 5s so
   * that every API server of an HA control plane refuses new content first; kubito has one
   * API server, so the wait only lets creates already past its namespace check land. Default 100.
   */
  deletionDelayMs?: number;
  /** Served resources (discovery); default kubito's static table. See ContentDeleterOptions. */
  discover?: ContentDeleterOptions['discover'];
  /** Default 2. */
  workers?: number;
  /** Failed passes and lost status writes. Default: one line on stderr. */
  onError?: (message: string) => void;
}

/** The fields of a Namespace this controller reads and writes. */
interface NamespaceView {
  spec?: { finalizers?: string[] };
  status?: { phase?: string; conditions?: NamespaceCondition[] };
}

type Namespace = KubeObject & NamespaceView;

/** Several resources failed in one pass; the message lists them as Go's error aggregate does. */
export class ContentDeletionError extends Error {
  readonly errors: readonly Error[];

  constructor(errors: readonly Error[]) {
    super(errors.length === 1 ? errors[0].message : `[${errors.map((e) => e.message).join(', ')}]`);
    this.name = 'ContentDeletionError';
    this.errors = errors;
  }
}

export class NamespaceController implements Controller {
  readonly name = 'namespace-controller';
  readonly #options: NamespaceControllerOptions;
  #ctx!: ControllerContext;
  #queue!: WorkQueue<string>;
  #namespaces!: Informer<Namespace>;
  #deleter!: NamespaceContentDeleter;
  /** Namespaces whose content we wait for: a deletion inside one requeues it at once. */
  readonly #waiting = new Set<string>();

  constructor(options: NamespaceControllerOptions = {}) {
    this.#options = options;
  }

  setup(ctx: ControllerContext): void {
    this.#ctx = ctx;
    // Upstream's nsControllerRateLimiter: retry a namespace at least every minute, never slower.
    this.#queue = new WorkQueue<string>({ clock: ctx.clock, rateLimiter: controllerRateLimiter({ clock: ctx.clock, maxMs: 60_000 }) });
    this.#deleter = new NamespaceContentDeleter({ client: ctx.client, clock: ctx.clock, discover: this.#options.discover });
    this.#namespaces = ctx.informers.informer<Namespace>(NAMESPACES);
    this.#namespaces.addHandlers({
      onAdd: (ns) => this.#enqueue(ns),
      // A change of status alone (our own writes, mostly) changes nothing to do.
      onUpdate: (old, ns) => {
        if (!sameButStatus(old, ns)) this.#enqueue(ns);
      },
      onDelete: (ns) => this.#waiting.delete(ns.metadata.name ?? ''),
    });
    // Events are left out: they never hold a namespace (no finalizers) and are many.
    for (const info of RESOURCES) {
      if (!info.namespaced || info.resource === 'events') continue;
      ctx.informers.informer(info).addHandlers({ onDelete: (obj) => this.#wake(obj.metadata.namespace ?? '') });
    }
  }

  run(): Promise<void> {
    const onError = this.#options.onError;
    return runWorkers(this.#queue, (name) => this.#sync(name), {
      workers: this.#options.workers ?? 2,
      onError: onError ? (err, name) => onError(`deletion of namespace ${name} failed: ${errorMessage(err)}`) : undefined,
    });
  }

  stop(): void {
    this.#queue.shutDown();
  }

  #enqueue(ns: Namespace): void {
    if (!ns.metadata.deletionTimestamp) return;
    this.#queue.addAfter(ns.metadata.name ?? '', this.#options.deletionDelayMs ?? 100);
  }

  #wake(namespace: string): void {
    if (this.#waiting.has(namespace)) this.#queue.add(namespace);
  }

  #api(): ResourceClient<Namespace> {
    return this.#ctx.client.resource<Namespace>(NAMESPACES);
  }

  /** One pass, as upstream's NamespacedResourcesDeleter.Delete. NotFound means the namespace is gone. */
  async #sync(name: string): Promise<void> {
    if (!this.#namespaces.cache.get(name)?.metadata.deletionTimestamp) {
      this.#waiting.delete(name);
      return;
    }
    // Several writers edit a terminating namespace: work from the latest state, not the cache.
    let ns = await this.#api().get(name);
    if (!ns.metadata.deletionTimestamp) return;
    ns = await this.#retryOnConflict(ns, (current) => this.#markTerminating(current));
    if ((ns.spec?.finalizers ?? []).length === 0) {
      this.#waiting.delete(name);
      return;
    }
    const result = await this.#deleter.deleteAllContent(name, Date.parse(ns.metadata.deletionTimestamp!));
    ns = await this.#writeConditions(ns, result.report);
    if (result.errors.length > 0) {
      this.#waiting.add(name);
      throw new ContentDeletionError(result.errors);
    }
    if (result.estimateSeconds > 0) {
      // Upstream's ResourcesRemainingError: look again after half the estimate plus a second.
      this.#waiting.add(name);
      this.#queue.addAfter(name, (Math.floor(result.estimateSeconds / 2) + 1) * 1000);
      return;
    }
    try {
      await this.#retryOnConflict(ns, (current) => this.#finalize(current));
    } catch (err) {
      // Another controller sharing the token finished first: the namespace is gone, as wanted.
      if (!isNotFound(err)) throw err;
    }
    this.#waiting.delete(name);
  }

  /** Phase Terminating, through the status subresource, if it is not already. */
  async #markTerminating(ns: Namespace): Promise<Namespace> {
    if (!ns.metadata.deletionTimestamp || ns.status?.phase === 'Terminating') return ns;
    return this.#api().updateStatus({ ...ns, status: { ...ns.status, phase: 'Terminating' } });
  }

  /**
   * Writes the deletion conditions if they changed. A failed write is reported, not thrown
   * (as upstream): the next pass writes them again. Returns the namespace as it now stands.
   */
  async #writeConditions(ns: Namespace, report: DeletionReport): Promise<Namespace> {
    const { conditions, changed } = mergeConditions(ns.status?.conditions, report, { now: rfc3339(this.#ctx.clock.now()) });
    if (!changed) return ns;
    try {
      return await this.#api().updateStatus({ ...ns, status: { ...ns.status, conditions } });
    } catch (err) {
      this.#report(`couldn't update status condition for namespace "${ns.metadata.name}": ${errorMessage(err)}`);
      return ns;
    }
  }

  /** PUT .../finalize with our token taken out of spec.finalizers (the rest kept, sorted, as upstream). */
  async #finalize(ns: Namespace): Promise<Namespace> {
    const finalizers = [...new Set((ns.spec?.finalizers ?? []).filter((f) => f !== FINALIZER_KUBERNETES))].sort();
    const body: Namespace = { ...ns, spec: { ...ns.spec, finalizers } };
    const path = resourcePath(NAMESPACES, { name: ns.metadata.name ?? '', subresource: 'finalize' });
    return this.#ctx.client.transport.request<Namespace>({ method: 'PUT', path, body });
  }

  /** Runs `fn`, re-reading the namespace after each 409 Conflict; a changed uid is an error. */
  async #retryOnConflict(ns: Namespace, fn: (ns: Namespace) => Promise<Namespace>): Promise<Namespace> {
    let current = ns;
    for (;;) {
      try {
        return await fn(current);
      } catch (err) {
        if (!isConflict(err)) throw err;
      }
      const latest = await this.#api().get(current.metadata.name ?? '');
      if (latest.metadata.uid !== current.metadata.uid) throw new Error('namespace uid has changed across retries');
      current = latest;
    }
  }

  #report(message: string): void {
    if (this.#options.onError) this.#options.onError(message);
    else process.stderr.write(`kubito ${this.name}: ${message}\n`);
  }
}

/** Whether two versions of a namespace differ only in status (and in resourceVersion, managedFields). */
function sameButStatus(a: Namespace, b: Namespace): boolean {
  const strip = ({ status: _s, metadata: { resourceVersion: _rv, managedFields: _mf, ...meta }, ...rest }: Namespace) => JSON.stringify({ ...rest, meta });
  return strip(a) === strip(b);
}

/** metav1.Time on the wire: RFC 3339, whole seconds, UTC. */
function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
