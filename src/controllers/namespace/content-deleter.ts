/**
 * @module Deletes everything inside one namespace, as kube-controller-manager's
 * NamespacedResourcesDeleter does (pkg/controller/namespace/deletion): for every namespaced,
 * deletable resource, DELETE the collection (or, where that is not served, list and delete each
 * object), with Background propagation; then list again and report what is left, by resource
 * and by the finalizers holding it. Pods go first and alone (OrderedNamespaceDeletion, on by
 * default since 1.33): nothing else is touched while pods remain, so a pod never outlives the
 * Secrets, ConfigMaps or Services it uses.
 */
import { isNotFound, StatusError } from '../../api/errors.js';
import { RESOURCES, type ResourceInfo } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { resourcePath, type Client, type Clock } from '../../client/index.js';
import { emptyReport, type DeletionReport } from './conditions.js';

/** Upstream's default wait for finalizers on remaining objects (finalizerEstimateSeconds). */
export const FINALIZER_ESTIMATE_SECONDS = 15;

export interface ContentDeleterOptions {
  client: Client;
  clock: Clock;
  /**
   * The resources the server serves (discovery). Default: kubito's static table. A throw is a
   * discovery failure: reported in the NamespaceDeletionDiscoveryFailure condition and retried.
   */
  discover?: () => readonly ResourceInfo[] | Promise<readonly ResourceInfo[]>;
}

/** What one pass over a namespace did and found. */
export interface ContentResult {
  /** Seconds to wait before looking again (graceful pod termination, finalizers); 0: no wait. */
  estimateSeconds: number;
  /** Failures; the pass went on with the other resources. Non-empty: retry with backoff. */
  errors: Error[];
  report: DeletionReport;
}

/** The fields of a Pod the estimate reads. */
interface PodView {
  spec?: { terminationGracePeriodSeconds?: number };
  status?: { phase?: string };
}

interface ResourceResult {
  estimateSeconds: number;
  remaining: number;
  finalizers: Map<string, number>;
  error?: Error;
}

/** `/v1, Resource=pods`: how Go prints a GroupVersionResource, kept for upstream's messages. */
export function gvrString(info: Pick<ResourceInfo, 'group' | 'version' | 'resource'>): string {
  return `${info.group}/${info.version}, Resource=${info.resource}`;
}

export class NamespaceContentDeleter {
  readonly #client: Client;
  readonly #clock: Clock;
  readonly #discover: () => readonly ResourceInfo[] | Promise<readonly ResourceInfo[]>;
  /** Resources whose collection DELETE answered 404/405: list and delete each from then on. */
  readonly #noDeleteCollection = new Set<string>();

  constructor(options: ContentDeleterOptions) {
    this.#client = options.client;
    this.#clock = options.clock;
    this.#discover = options.discover ?? (() => RESOURCES);
  }

  /**
   * One pass over `namespace`, deleted at `deletedAtMs` (its deletionTimestamp). Never throws:
   * failures come back in `errors` and in the report.
   */
  async deleteAllContent(namespace: string, deletedAtMs: number): Promise<ContentResult> {
    const result: ContentResult = { estimateSeconds: 0, errors: [], report: emptyReport() };
    let resources: readonly ResourceInfo[] = [];
    try {
      resources = await this.#discover();
    } catch (err) {
      const error = asError(err);
      result.errors.push(error);
      result.report.discoveryError = error.message;
    }
    const deletable = resources.filter((r) => r.namespaced && r.verbs.includes('delete'));
    const pods = deletable.filter((r) => r.group === '' && r.resource === 'pods');
    for (const phase of [pods, deletable.filter((r) => !pods.includes(r))]) {
      for (const info of phase) addTo(result, { info, outcome: await this.#deleteResource(info, { namespace, deletedAtMs }) });
      // Pods still there: leave the rest alone until they are gone.
      if (phase === pods && pods.some((info) => (result.report.remaining.get(groupResource(info)) ?? 0) > 0)) break;
    }
    return result;
  }

  /** deleteAllContentForGroupVersionResource: delete, then count what is left and why. */
  async #deleteResource(info: ResourceInfo, where: { namespace: string; deletedAtMs: number }): Promise<ResourceResult> {
    const { namespace, deletedAtMs } = where;
    const none: ResourceResult = { estimateSeconds: 0, remaining: 0, finalizers: new Map() };
    try {
      if (!(await this.#deleteCollection(info, namespace))) await this.#deleteEach(info, namespace);
      const left = await this.#list(info, namespace);
      if (left === undefined || left.length === 0) return none;
      const finalizers = new Map<string, number>();
      for (const obj of left) for (const f of obj.metadata.finalizers ?? []) finalizers.set(f, (finalizers.get(f) ?? 0) + 1);
      const estimate = this.#estimate(info, { left, deletedAtMs });
      if (estimate > 0) return { estimateSeconds: estimate, remaining: left.length, finalizers };
      // Finalizers are normal: give their controllers time (upstream's default estimate).
      if (finalizers.size > 0) return { estimateSeconds: FINALIZER_ESTIMATE_SECONDS, remaining: left.length, finalizers };
      return { ...none, remaining: left.length, error: new Error(`unexpected items still remain in namespace: ${namespace} for gvr: ${gvrString(info)}`) };
    } catch (err) {
      return { ...none, error: asError(err) };
    }
  }

  /** True if the collection DELETE was served; false if this resource does not support it. */
  async #deleteCollection(info: ResourceInfo, namespace: string): Promise<boolean> {
    const key = groupResource(info);
    if (!info.verbs.includes('deletecollection') || this.#noDeleteCollection.has(key)) return false;
    try {
      await this.#client.transport.request({ method: 'DELETE', path: resourcePath(info, { namespace }), body: BACKGROUND });
      return true;
    } catch (err) {
      // Upstream treats both as "not supported" (kubernetes/kubernetes#22413) and remembers it.
      if (!isNotFound(err) && !isMethodNotAllowed(err)) throw err;
      this.#noDeleteCollection.add(key);
      return false;
    }
  }

  async #deleteEach(info: ResourceInfo, namespace: string): Promise<void> {
    const items = await this.#list(info, namespace);
    const resource = this.#client.resource(info);
    for (const obj of items ?? []) {
      try {
        await resource.delete(obj.metadata.name ?? '', { namespace, propagationPolicy: 'Background' });
      } catch (err) {
        if (!isNotFound(err) && !isMethodNotAllowed(err)) throw err;
      }
    }
  }

  /** The objects left; undefined if the resource cannot be listed (nothing to wait for then). */
  async #list(info: ResourceInfo, namespace: string): Promise<KubeObject[] | undefined> {
    if (!info.verbs.includes('list')) return undefined;
    try {
      return (await this.#client.resource(info).list({ namespace })).items;
    } catch (err) {
      if (isNotFound(err) || isMethodNotAllowed(err)) return undefined;
      throw err;
    }
  }

  /**
   * estimateGracefulTermination: pods that are not finished get their grace period, counted
   * from the namespace's deletion; past it, no estimate (their lingering is then unexpected).
   */
  #estimate(info: ResourceInfo, found: { left: KubeObject[]; deletedAtMs: number }): number {
    const { left, deletedAtMs } = found;
    if (info.group !== '' || info.resource !== 'pods') return 0;
    let estimate = 0;
    for (const pod of left as Array<KubeObject & PodView>) {
      const phase = pod.status?.phase;
      if (phase === 'Succeeded' || phase === 'Failed') continue;
      estimate = Math.max(estimate, pod.spec?.terminationGracePeriodSeconds ?? 0);
    }
    const elapsedMs = this.#clock.now() - deletedAtMs;
    return elapsedMs >= estimate * 1000 ? 0 : estimate;
  }
}

/** Folds one resource's outcome into the pass's result. */
function addTo(result: ContentResult, one: { info: ResourceInfo; outcome: ResourceResult }): void {
  const { info, outcome: r } = one;
  if (r.error) {
    result.errors.push(r.error);
    result.report.contentErrors.push(r.error.message);
  }
  result.estimateSeconds = Math.max(result.estimateSeconds, r.estimateSeconds);
  if (r.remaining === 0) return;
  result.report.remaining.set(groupResource(info), r.remaining);
  for (const [finalizer, n] of r.finalizers) result.report.finalizers.set(finalizer, (result.report.finalizers.get(finalizer) ?? 0) + n);
}

const BACKGROUND = { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' };

/** `pods.` / `deployments.apps`: upstream's `resource.group` in condition messages. */
function groupResource(info: Pick<ResourceInfo, 'group' | 'resource'>): string {
  return `${info.resource}.${info.group}`;
}

function isMethodNotAllowed(err: unknown): boolean {
  return err instanceof StatusError && err.reason === 'MethodNotAllowed';
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
