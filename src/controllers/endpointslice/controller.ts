/**
 * @module The EndpointSlice controller (kube-controller-manager's `endpointslice-controller`):
 * keeps, for every Service with a selector, EndpointSlices listing the pods it selects. The
 * handlers only enqueue Service keys; `sync` reads the caches, asks `desiredSlices` (pure)
 * what to change, and writes it. A missing Service is done (the garbage collector removes its
 * slices through their owner references); failures throw and are retried with backoff
 * (1 s doubling to 1000 s, at most 15 times, as upstream).
 */
import { hasStatusCause, StatusError } from '../../api/errors.js';
import { findResource } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { controllerRateLimiter, runWorkers, splitKey, WorkQueue, type Client, type IndexFunc, type Informer } from '../../client/index.js';
import type { Controller, ControllerContext, EventRecorder } from '../controller.js';
import { desiredSlices, type SliceChanges } from './desired.js';
import { managesEndpoints, servicesForPodUpdate } from './pods.js';
import { POD_LABEL_INDEX, podLabelIndex, podsSelectedBy, SERVICE_SELECTOR_INDEX, serviceSelectorIndex, servicesFromIndex } from './selection.js';
import { EndpointSliceTracker } from './tracker.js';
import { TriggerTimeTracker } from './trigger-time.js';
import { CONTROLLER_NAME, LABEL_MANAGED_BY, LABEL_SERVICE_NAME, type EndpointSlice, type NodeView, type PodView, type ServiceView } from './types.js';

const SERVICES = findResource('', 'v1', 'services')!;
const PODS = findResource('', 'v1', 'pods')!;
const NODES = findResource('', 'v1', 'nodes')!;
const ENDPOINT_SLICES = findResource('discovery.k8s.io', 'v1', 'endpointslices')!;

/** The slice cache index by owning Service: values are `namespace/<kubernetes.io/service-name>`. */
export const SERVICE_NAME_INDEX = 'kubernetes.io/service-name';

/** The index function behind SERVICE_NAME_INDEX; share this one instance with other users. */
export const serviceNameIndex: IndexFunc = (obj) => {
  const name = obj.metadata.labels?.[LABEL_SERVICE_NAME];
  return name ? [`${obj.metadata.namespace ?? ''}/${name}`] : [];
};

/** endpointSliceChangeMinSyncDelay: slice changes are batched for at least a second. */
const SLICE_CHANGE_MIN_DELAY_MS = 1000;

export interface EndpointSliceControllerOptions {
  /** `--max-endpoints-per-slice`: default 100, at most 1000. */
  maxEndpointsPerSlice?: number;
  /** `--concurrent-service-endpoint-syncs`: default 5. */
  workers?: number;
  /** `--endpointslice-updates-batch-period`: delay of syncs caused by pod changes; default 0. */
  endpointUpdatesBatchPeriodMs?: number;
  /** Honour trafficDistribution PreferSameZone / PreferSameNode (a feature gate upstream). */
  preferSameTrafficDistribution?: boolean;
  /** Where failed syncs are reported; default: one line on stderr. */
  log?: (line: string) => void;
}

/** client-go's NewAggregate message: one error as is, several as `[e1, e2]`. */
function aggregate(messages: string[]): string {
  return messages.length === 1 ? messages[0] : `[${messages.join(', ')}]`;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function namespaceTerminating(err: unknown): boolean {
  return hasStatusCause(err, 'NamespaceTerminating');
}

/** The informer cache is behind our own writes; the sync is retried. */
export class StaleInformerCacheError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StaleInformerCacheError';
  }
}

export class EndpointSliceController implements Controller {
  readonly name = 'endpointslice';
  readonly #options: Required<EndpointSliceControllerOptions>;
  #client!: Client;
  #events!: EventRecorder;
  #queue!: WorkQueue<string>;
  #services!: Informer<ServiceView>;
  #pods!: Informer<PodView>;
  #nodes!: Informer<KubeObject>;
  #slices!: Informer<EndpointSlice>;
  readonly #tracker = new EndpointSliceTracker();
  readonly #triggerTimes = new TriggerTimeTracker();
  /** Service key → slice event checks parked while our writes for it are in flight. */
  readonly #writing = new Map<string, Array<() => void>>();

  constructor(options: EndpointSliceControllerOptions = {}) {
    this.#options = {
      maxEndpointsPerSlice: Math.min(1000, Math.max(1, options.maxEndpointsPerSlice ?? 100)),
      workers: options.workers ?? 5,
      endpointUpdatesBatchPeriodMs: options.endpointUpdatesBatchPeriodMs ?? 0,
      preferSameTrafficDistribution: options.preferSameTrafficDistribution ?? false,
      log: options.log ?? ((line) => process.stderr.write(`${line}\n`)),
    };
  }

  setup(ctx: ControllerContext): void {
    this.#client = ctx.client;
    this.#events = ctx.events;
    this.#queue = new WorkQueue<string>({ clock: ctx.clock, rateLimiter: controllerRateLimiter({ clock: ctx.clock, baseMs: 1000, maxMs: 1_000_000 }) });
    this.#services = ctx.informers.informer<ServiceView>(SERVICES, { indexers: { [SERVICE_SELECTOR_INDEX]: serviceSelectorIndex } });
    this.#pods = ctx.informers.informer<PodView>(PODS, { indexers: { [POD_LABEL_INDEX]: podLabelIndex } });
    this.#nodes = ctx.informers.informer(NODES);
    this.#slices = ctx.informers.informer<EndpointSlice>(ENDPOINT_SLICES, { indexers: { [SERVICE_NAME_INDEX]: serviceNameIndex } });

    const enqueueService = (svc: ServiceView) => this.#queue.add(`${svc.metadata.namespace}/${svc.metadata.name}`);
    this.#services.addHandlers({ onAdd: enqueueService, onUpdate: (_old, svc) => enqueueService(svc), onDelete: enqueueService });

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

    this.#slices.addHandlers({
      onAdd: (slice) => {
        this.#afterOwnWrites(slice, () => {
          if (this.#managed(slice) && this.#tracker.shouldSync(slice)) this.#enqueueForSlice(slice);
        });
      },
      onUpdate: (old, slice) => {
        // Users may relabel a slice; both Services then need a look.
        if (old.metadata.labels?.[LABEL_SERVICE_NAME] !== slice.metadata.labels?.[LABEL_SERVICE_NAME]) {
          this.#enqueueForSlice(slice);
          this.#enqueueForSlice(old);
          return;
        }
        if (this.#managed(old) !== this.#managed(slice)) {
          this.#enqueueForSlice(slice);
          return;
        }
        this.#afterOwnWrites(slice, () => {
          if (this.#managed(slice) && this.#tracker.shouldSync(slice)) this.#enqueueForSlice(slice);
        });
      },
      onDelete: (slice) => {
        this.#afterOwnWrites(slice, () => {
          if (this.#managed(slice) && this.#tracker.has(slice) && !this.#tracker.handleDeletion(slice)) this.#enqueueForSlice(slice);
        });
      },
    });
  }

  run(): Promise<void> {
    return runWorkers(this.#queue, (key) => this.#sync(key), {
      workers: this.#options.workers,
      maxRetries: 15,
      onError: (err, key, willRetry) =>
        this.#options.log(`kubito endpointslice: syncing ${key}: ${messageOf(err)}${willRetry ? '; retrying' : '; retry budget exceeded, dropping the Service out of the queue'}`),
    });
  }

  stop(): void {
    this.#queue.shutDown();
  }

  #managed(slice: EndpointSlice): boolean {
    return slice.metadata.labels?.[LABEL_MANAGED_BY] === CONTROLLER_NAME;
  }

  /**
   * Runs a slice event's tracker check now, or, while a write of ours for the slice's Service
   * is in flight, once it is done. The watch can deliver our own write before the write's
   * answer reaches the tracker; checked early, it would look like someone else's change and
   * cost a needless sync a second later (upstream's informer lag hides this race).
   */
  #afterOwnWrites(slice: EndpointSlice, check: () => void): void {
    const parked = this.#writing.get(`${slice.metadata.namespace ?? ''}/${slice.metadata.labels?.[LABEL_SERVICE_NAME] ?? ''}`);
    if (parked) parked.push(check);
    else check();
  }

  #enqueueForSlice(slice: EndpointSlice): void {
    const name = slice.metadata.labels?.[LABEL_SERVICE_NAME];
    if (!name) return;
    this.#queue.addAfter(`${slice.metadata.namespace}/${name}`, Math.max(SLICE_CHANGE_MIN_DELAY_MS, this.#options.endpointUpdatesBatchPeriodMs));
  }

  async #sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const service = this.#services.cache.get(name, namespace);
    if (!service) {
      this.#triggerTimes.delete(namespace, name);
      this.#tracker.deleteService(namespace, name);
      return;
    }
    if (!managesEndpoints(service)) return;
    const pods = podsSelectedBy(this.#pods.cache, service);
    const slices = this.#slices.cache
      .byIndex(SERVICE_NAME_INDEX, key)
      .filter((s) => this.#managed(s) && !s.metadata.deletionTimestamp);
    if (this.#tracker.staleSlices(service, slices)) throw new StaleInformerCacheError('EndpointSlice informer cache is out of date');
    const triggerTime = this.#triggerTimes.compute(service, pods);
    const changes = desiredSlices(service, pods, slices, {
      maxEndpointsPerSlice: this.#options.maxEndpointsPerSlice,
      nodes: (nodeName) => this.#nodes.cache.get(nodeName) as NodeView | undefined,
      triggerTime,
      preferSameTrafficDistribution: this.#options.preferSameTrafficDistribution,
    });
    const errors = [...changes.errors];
    try {
      await this.#write(service, changes);
    } catch (err) {
      errors.push(messageOf(err));
    }
    if (errors.length === 0) return;
    const message = aggregate(errors);
    this.#events.event(service, 'Warning', 'FailedToUpdateEndpointSlices', `Error updating Endpoint Slices for Service ${namespace}/${name}: ${message}`);
    throw new Error(message);
  }

  /** finalize: creates, then updates, then deletes; the first failure stops the rest. */
  async #write(service: ServiceView, changes: SliceChanges): Promise<void> {
    const svc = `${service.metadata.namespace ?? ''}/${service.metadata.name}`;
    if (changes.create.length + changes.update.length + changes.delete.length === 0) return;
    // The queue never syncs one key in two workers at once, so this key is ours alone.
    const parked: Array<() => void> = [];
    this.#writing.set(svc, parked);
    try {
      await this.#writeAll(service, changes);
    } finally {
      this.#writing.delete(svc);
      for (const check of parked) check();
    }
  }

  async #writeAll(service: ServiceView, changes: SliceChanges): Promise<void> {
    const ns = service.metadata.namespace ?? '';
    const svc = `${ns}/${service.metadata.name}`;
    const slices = this.#client.resource<EndpointSlice>(ENDPOINT_SLICES);
    for (const slice of changes.create) {
      try {
        this.#tracker.update(await slices.create(slice, { namespace: ns, readOnlyResult: true }));
      } catch (err) {
        // Creates keep failing in a terminating namespace; the Service is going anyway.
        if (namespaceTerminating(err)) return;
        throw new Error(`failed to create EndpointSlice for Service ${svc}: ${messageOf(err)}`, { cause: err });
      }
    }
    for (const slice of changes.update) {
      try {
        this.#tracker.update(await slices.update(slice, { namespace: ns }));
      } catch (err) {
        throw new Error(`failed to update ${slice.metadata.name} EndpointSlice for Service ${svc}: ${messageOf(err)}`, { cause: err });
      }
    }
    for (const slice of changes.delete) {
      try {
        await slices.delete(slice.metadata.name ?? '', { namespace: ns });
        this.#tracker.expectDeletion(slice);
      } catch (err) {
        if (err instanceof StatusError && err.reason === 'NotFound') continue;
        throw new Error(`failed to delete ${slice.metadata.name} EndpointSlice for Service ${svc}: ${messageOf(err)}`, { cause: err });
      }
    }
  }
}
