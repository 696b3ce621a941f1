/**
 * @module The Endpoints controller (kube-controller-manager's `endpoints-controller`): keeps a
 * core/v1 Endpoints named like each Service with a selector, listing its pods' addresses
 * (ready and not) per port. Deletes the Endpoints when its Service goes (and, once at start,
 * Endpoints left behind by Services deleted meanwhile). Endpoints of Services without a
 * selector belong to their users and are left alone; `default/kubernetes` is written by the
 * control plane (see kubernetes.ts). Handlers only enqueue Service keys; failures retry with
 * client-go's default backoff (5 ms doubling to 1000 s), at most 15 times.
 */
import { hasStatusCause, StatusError } from '../../api/errors.js';
import { findResource } from '../../api/resources.js';
import { controllerRateLimiter, runWorkers, splitKey, WorkQueue, type Client, type Informer } from '../../client/index.js';
import type { Controller, ControllerContext, EventRecorder } from '../controller.js';
import { managesEndpoints, servicesForPodUpdate } from '../endpointslice/pods.js';
import { POD_LABEL_INDEX, podLabelIndex, podsSelectedBy, SERVICE_SELECTOR_INDEX, serviceSelectorIndex, servicesFromIndex } from '../endpointslice/selection.js';
import { TriggerTimeTracker } from '../endpointslice/trigger-time.js';
import type { PodView, ServiceView } from '../endpointslice/types.js';
import { desiredEndpoints } from './desired.js';
import { ANNOTATION_LEADER, type Endpoints } from './types.js';

const SERVICES = findResource('', 'v1', 'services')!;
const PODS = findResource('', 'v1', 'pods')!;
const ENDPOINTS = findResource('', 'v1', 'endpoints')!;

export interface EndpointsControllerOptions {
  /** `--concurrent-endpoint-syncs`: default 5. */
  workers?: number;
  /** `--endpoint-updates-batch-period`: delay of syncs caused by pod changes; default 0. */
  endpointUpdatesBatchPeriodMs?: number;
  /** Where failed syncs are reported; default: one line on stderr. */
  log?: (line: string) => void;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function statusReason(err: unknown): string | undefined {
  return err instanceof StatusError ? err.reason : undefined;
}

export class EndpointsController implements Controller {
  readonly name = 'endpoints';
  readonly #options: Required<EndpointsControllerOptions>;
  #client!: Client;
  #events!: EventRecorder;
  #queue!: WorkQueue<string>;
  #services!: Informer<ServiceView>;
  #pods!: Informer<PodView>;
  #endpoints!: Informer<Endpoints>;
  readonly #triggerTimes = new TriggerTimeTracker();
  /** `namespace/name` → a resourceVersion we already replaced (staleEndpointsTracker). */
  readonly #staleVersions = new Map<string, string>();
  /** Endpoints we created that the informer has not shown yet (creating again would fail). */
  readonly #created = new Set<string>();

  constructor(options: EndpointsControllerOptions = {}) {
    this.#options = {
      workers: options.workers ?? 5,
      endpointUpdatesBatchPeriodMs: options.endpointUpdatesBatchPeriodMs ?? 0,
      log: options.log ?? ((line) => process.stderr.write(`${line}\n`)),
    };
  }

  setup(ctx: ControllerContext): void {
    this.#client = ctx.client;
    this.#events = ctx.events;
    this.#queue = new WorkQueue<string>({ clock: ctx.clock, rateLimiter: controllerRateLimiter({ clock: ctx.clock }) });
    this.#services = ctx.informers.informer<ServiceView>(SERVICES, { indexers: { [SERVICE_SELECTOR_INDEX]: serviceSelectorIndex } });
    this.#pods = ctx.informers.informer<PodView>(PODS, { indexers: { [POD_LABEL_INDEX]: podLabelIndex } });
    this.#endpoints = ctx.informers.informer<Endpoints>(ENDPOINTS);

    const enqueue = (obj: { metadata: { namespace?: string; name?: string } }) => this.#queue.add(`${obj.metadata.namespace}/${obj.metadata.name}`);
    this.#services.addHandlers({ onAdd: enqueue, onUpdate: (_old, svc) => enqueue(svc), onDelete: enqueue });
    const batch = this.#options.endpointUpdatesBatchPeriodMs;
    const servicesFor = servicesFromIndex(this.#services.cache);
    const enqueuePodServices = (pod: PodView) => {
      for (const key of servicesFor(pod.metadata.namespace ?? '', pod.metadata.labels)) this.#queue.addAfter(key, batch);
    };
    this.#pods.addHandlers({
      onAdd: enqueuePodServices,
      onUpdate: (old, pod) => {
        for (const key of servicesForPodUpdate(servicesFor, old, pod)) this.#queue.addAfter(key, batch);
      },
      onDelete: enqueuePodServices,
    });
    const seen = (ep: Endpoints) => this.#created.delete(`${ep.metadata.namespace}/${ep.metadata.name}`);
    this.#endpoints.addHandlers({
      onAdd: seen,
      onUpdate: (_old, ep) => seen(ep),
      // Someone deleted Endpoints: put them back if their Service wants them.
      onDelete: (ep) => {
        seen(ep);
        enqueue(ep);
      },
    });
  }

  run(): Promise<void> {
    // checkLeftoverEndpoints: Endpoints whose Service went while we were not running.
    for (const ep of this.#endpoints.cache.list()) {
      // Old leader-election records live in Endpoints without a Service; keep them.
      if (ep.metadata.annotations?.[ANNOTATION_LEADER] !== undefined) continue;
      this.#queue.add(`${ep.metadata.namespace}/${ep.metadata.name}`);
    }
    return runWorkers(this.#queue, (key) => this.#sync(key), {
      workers: this.#options.workers,
      maxRetries: 15,
      onError: (err, key, willRetry) => this.#options.log(`kubito endpoints: syncing ${key}: ${messageOf(err)}${willRetry ? '; retrying' : '; dropping the Service out of the queue'}`),
    });
  }

  stop(): void {
    this.#queue.shutDown();
  }

  async #sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const resource = this.#client.resource<Endpoints>(ENDPOINTS);
    const service = this.#services.cache.get(name, namespace);
    if (!service) {
      try {
        await resource.delete(name, { namespace });
      } catch (err) {
        if (statusReason(err) !== 'NotFound') throw new Error(`failed to delete Endpoints ${key}: ${messageOf(err)}`, { cause: err });
      }
      this.#triggerTimes.delete(namespace, name);
      this.#staleVersions.delete(key);
      this.#created.delete(key);
      return;
    }
    if (!managesEndpoints(service)) return;
    const pods = podsSelectedBy(this.#pods.cache, service);
    const triggerTime = this.#triggerTimes.compute(service, pods);
    const current = this.#endpoints.cache.get(name, namespace);
    if (!current && this.#created.has(key)) throw new Error(`endpoints informer cache is out of date, endpoints ${key} created but not seen yet`);
    if (current && this.#staleVersions.get(key) === current.metadata.resourceVersion) {
      throw new Error(`endpoints informer cache is out of date, resource version ${current.metadata.resourceVersion} already processed for endpoints ${key}`);
    }
    const decision = desiredEndpoints(service, pods, current, { triggerTime });
    if (decision.action === 'none') return;
    const { endpoints } = decision;
    try {
      if (decision.action === 'create') {
        await resource.create(endpoints, { namespace, readOnlyResult: true });
        this.#created.add(key);
      } else {
        const updated = await resource.update(endpoints, { namespace });
        // Until the informer shows a newer version, the cached one is known to be stale.
        if (updated.metadata.resourceVersion !== current!.metadata.resourceVersion) this.#staleVersions.set(key, current!.metadata.resourceVersion ?? '');
      }
    } catch (err) {
      if (decision.action === 'create' && statusReason(err) === 'Forbidden') {
        // Creates keep failing in a terminating namespace; the Service is going anyway.
        if (hasStatusCause(err, 'NamespaceTerminating')) return;
      }
      if (decision.action === 'create') {
        this.#events.event(endpoints, 'Warning', 'FailedToCreateEndpoint', `Failed to create endpoint for service ${namespace}/${name}: ${messageOf(err)}`);
      } else {
        this.#events.event(endpoints, 'Warning', 'FailedToUpdateEndpoint', `Failed to update endpoint ${namespace}/${name}: ${messageOf(err)}`);
      }
      throw new Error(messageOf(err), { cause: err });
    }
  }
}
