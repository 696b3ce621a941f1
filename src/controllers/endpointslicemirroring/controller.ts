/**
 * @module The EndpointSlice mirroring controller (kube-controller-manager's
 * `endpointslice-mirroring-controller`): copies the Endpoints of Services without a selector
 * (written by their users) into EndpointSlices, which kube-proxy and DNS read. Handlers only
 * enqueue `namespace/name` keys (an Endpoints and its Service share them); `sync` reads the
 * caches, asks `mirrorSlices` (pure) what to change and writes it. Mirrored slices are deleted
 * when the Endpoints or its Service goes, when the Service gains a selector, or when the
 * Endpoints is labelled skip-mirror. Failures throw and are retried with backoff (1 s doubling
 * to 100 s, at most 15 times, as upstream).
 */
import { hasStatusCause, StatusError } from '../../api/errors.js';
import { findResource } from '../../api/resources.js';
import { controllerRateLimiter, runWorkers, splitKey, WorkQueue, type Client, type Informer } from '../../client/index.js';
import type { Controller, ControllerContext, EventRecorder } from '../controller.js';
import type { Endpoints } from '../endpoints/types.js';
import { SERVICE_NAME_INDEX, serviceNameIndex, StaleInformerCacheError } from '../endpointslice/controller.js';
import { hasSelector } from '../endpointslice/pods.js';
import { EndpointSliceTracker } from '../endpointslice/tracker.js';
import { LABEL_SERVICE_NAME, type EndpointSlice, type ServiceView } from '../endpointslice/types.js';
import { mirrorSlices, type MirrorChanges } from './desired.js';
import { isMirrored, shouldMirror } from './slice.js';
import { DEFAULT_MAX_ENDPOINTS_PER_SUBSET } from './types.js';

const SERVICES = findResource('', 'v1', 'services')!;
const ENDPOINTS = findResource('', 'v1', 'endpoints')!;
const ENDPOINT_SLICES = findResource('discovery.k8s.io', 'v1', 'endpointslices')!;

export interface EndpointSliceMirroringControllerOptions {
  /** `--mirroring-max-endpoints-per-subset`: default 1000 (1..1000). */
  maxEndpointsPerSubset?: number;
  /** `--mirroring-concurrent-service-endpoint-syncs`: default 5. */
  workers?: number;
  /** `--mirroring-endpointslice-updates-batch-period`: delay of syncs caused by slice changes; default 0. */
  endpointUpdatesBatchPeriodMs?: number;
  /** Where failed syncs are reported; default: one line on stderr. */
  log?: (line: string) => void;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function isNotFound(err: unknown): boolean {
  return err instanceof StatusError && err.reason === 'NotFound';
}

function namespaceTerminating(err: unknown): boolean {
  return hasStatusCause(err, 'NamespaceTerminating');
}

type Named = { metadata: { namespace?: string; name?: string } };

function keyOf(obj: Named): string {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
}

export class EndpointSliceMirroringController implements Controller {
  readonly name = 'endpointslicemirroring';
  readonly #options: Required<EndpointSliceMirroringControllerOptions>;
  #client!: Client;
  #events!: EventRecorder;
  #queue!: WorkQueue<string>;
  #services!: Informer<ServiceView>;
  #endpoints!: Informer<Endpoints>;
  #slices!: Informer<EndpointSlice>;
  readonly #tracker = new EndpointSliceTracker();
  /** Key → slice event checks held back while our writes for that key are in flight. */
  readonly #inFlight = new Map<string, Array<() => void>>();

  constructor(options: EndpointSliceMirroringControllerOptions = {}) {
    this.#options = {
      maxEndpointsPerSubset: Math.min(1000, Math.max(1, options.maxEndpointsPerSubset ?? DEFAULT_MAX_ENDPOINTS_PER_SUBSET)),
      workers: options.workers ?? 5,
      endpointUpdatesBatchPeriodMs: options.endpointUpdatesBatchPeriodMs ?? 0,
      log: options.log ?? ((line) => process.stderr.write(`${line}\n`)),
    };
  }

  setup(ctx: ControllerContext): void {
    this.#client = ctx.client;
    this.#events = ctx.events;
    this.#queue = new WorkQueue<string>({ clock: ctx.clock, rateLimiter: controllerRateLimiter({ clock: ctx.clock, baseMs: 1000, maxMs: 100_000 }) });
    this.#services = ctx.informers.informer<ServiceView>(SERVICES);
    this.#endpoints = ctx.informers.informer<Endpoints>(ENDPOINTS);
    this.#slices = ctx.informers.informer<EndpointSlice>(ENDPOINT_SLICES, { indexers: { [SERVICE_NAME_INDEX]: serviceNameIndex } });
    const enqueueIf = (wanted: boolean, obj: Named) => {
      if (wanted) this.#queue.add(keyOf(obj));
    };

    // Only Services without a selector have mirrored Endpoints; a selector coming or going matters.
    this.#services.addHandlers({
      onAdd: (svc) => enqueueIf(!hasSelector(svc), svc),
      onUpdate: (old, svc) => enqueueIf(hasSelector(old) !== hasSelector(svc), svc),
      onDelete: (svc) => enqueueIf(!hasSelector(svc), svc),
    });
    this.#endpoints.addHandlers({
      onAdd: (ep) => enqueueIf(shouldMirror(ep), ep),
      // Either side: an Endpoints newly labelled skip-mirror has slices to delete.
      onUpdate: (old, ep) => enqueueIf(shouldMirror(old) || shouldMirror(ep), ep),
      onDelete: (ep) => enqueueIf(shouldMirror(ep), ep),
    });
    this.#slices.addHandlers({
      onAdd: (slice) => this.#afterOwnWrites(slice, () => isMirrored(slice) && this.#tracker.shouldSync(slice)),
      onUpdate: (old, slice) => {
        // Users may relabel a slice; both Endpoints then need a look.
        if (old.metadata.labels?.[LABEL_SERVICE_NAME] !== slice.metadata.labels?.[LABEL_SERVICE_NAME]) {
          this.#enqueueForSlice(slice);
          this.#enqueueForSlice(old);
        } else if (isMirrored(old) !== isMirrored(slice)) {
          this.#enqueueForSlice(slice);
        } else {
          this.#afterOwnWrites(slice, () => isMirrored(slice) && this.#tracker.shouldSync(slice));
        }
      },
      // A deletion we did not expect: put the slice back.
      onDelete: (slice) => this.#afterOwnWrites(slice, () => isMirrored(slice) && this.#tracker.has(slice) && !this.#tracker.handleDeletion(slice)),
    });
  }

  run(): Promise<void> {
    return runWorkers(this.#queue, (key) => this.#sync(key), {
      workers: this.#options.workers,
      maxRetries: 15,
      onError: (err, key, willRetry) =>
        this.#options.log(`kubito endpointslicemirroring: mirroring ${key}: ${messageOf(err)}${willRetry ? '; retrying' : '; retry budget exceeded, dropping the Endpoints out of the queue'}`),
    });
  }

  stop(): void {
    this.#queue.shutDown();
  }

  /**
   * Asks `isForeign` whether a slice event is someone else's change (then the Endpoints is
   * synced): now, or, while a write of ours for the same name is in flight, once it is done.
   * The watch can deliver our own write before the write's answer reaches the tracker; asked
   * early, the tracker would take it for a foreign change and cost a second sync (and its
   * events) at once.
   */
  #afterOwnWrites(slice: EndpointSlice, isForeign: () => boolean): void {
    const check = () => {
      if (isForeign()) this.#enqueueForSlice(slice);
    };
    const parked = this.#inFlight.get(`${slice.metadata.namespace ?? ''}/${slice.metadata.labels?.[LABEL_SERVICE_NAME] ?? ''}`);
    if (parked) parked.push(check);
    else check();
  }

  #enqueueForSlice(slice: EndpointSlice): void {
    const name = slice.metadata.labels?.[LABEL_SERVICE_NAME];
    if (!name) return;
    this.#queue.addAfter(`${slice.metadata.namespace ?? ''}/${name}`, this.#options.endpointUpdatesBatchPeriodMs);
  }

  /** endpointSlicesMirroredForService: our slices labelled with this name. */
  #mirroredSlices(key: string): EndpointSlice[] {
    return this.#slices.cache.byIndex(SERVICE_NAME_INDEX, key).filter(isMirrored);
  }

  async #sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const endpoints = this.#endpoints.cache.get(name, namespace);
    const service = this.#services.cache.get(name, namespace);
    // No Endpoints, not to be mirrored, no Service, or a Service with a selector: no slices.
    if (!endpoints || !shouldMirror(endpoints) || !service || hasSelector(service)) {
      this.#tracker.deleteService(namespace, name);
      await this.#deleteAll(namespace, name, this.#mirroredSlices(key));
      return;
    }
    const slices = this.#mirroredSlices(key);
    if (this.#tracker.staleSlices(service, slices)) throw new StaleInformerCacheError('EndpointSlice informer cache is out of date');
    const changes = mirrorSlices(endpoints, slices, { maxEndpointsPerSubset: this.#options.maxEndpointsPerSubset });
    for (const e of changes.events) this.#events.event(endpoints, 'Warning', e.reason, e.message);
    await this.#write(endpoints, changes);
  }

  /** deleteEndpoints: every mirrored slice of a name; one already gone is fine. */
  async #deleteAll(namespace: string, name: string, slices: EndpointSlice[]): Promise<void> {
    const resource = this.#client.resource<EndpointSlice>(ENDPOINT_SLICES);
    const errors: string[] = [];
    for (const slice of slices) {
      try {
        await resource.delete(slice.metadata.name ?? '', { namespace });
      } catch (err) {
        if (!isNotFound(err)) errors.push(messageOf(err));
      }
    }
    if (errors.length > 0) throw new Error(`error(s) deleting ${errors.length}/${slices.length} EndpointSlices for ${namespace}/${name} Endpoints, including: ${errors[0]}`);
  }

  /** Writes the changes, holding back slice event checks for this key meanwhile. */
  async #write(endpoints: Endpoints, changes: MirrorChanges): Promise<void> {
    if (changes.create.length + changes.update.length + changes.delete.length === 0) return;
    // The queue never syncs one key in two workers at once, so this key is ours alone.
    const key = keyOf(endpoints);
    const parked: Array<() => void> = [];
    this.#inFlight.set(key, parked);
    try {
      await this.#finalize(endpoints, changes);
    } finally {
      this.#inFlight.delete(key);
      for (const check of parked) check();
    }
  }

  /** finalize: creates, then updates, then deletes; the first failure stops the rest. */
  async #finalize(endpoints: Endpoints, changes: MirrorChanges): Promise<void> {
    const namespace = endpoints.metadata.namespace ?? '';
    const ep = keyOf(endpoints);
    const slices = this.#client.resource<EndpointSlice>(ENDPOINT_SLICES);
    for (const slice of changes.create) {
      try {
        this.#tracker.update(await slices.create(slice, { namespace, readOnlyResult: true }));
      } catch (err) {
        // Creates keep failing in a terminating namespace; the Endpoints is going anyway.
        if (namespaceTerminating(err)) return;
        throw new Error(`failed to create EndpointSlice for Endpoints ${ep}: ${messageOf(err)}`, { cause: err });
      }
    }
    for (const slice of changes.update) {
      try {
        this.#tracker.update(await slices.update(slice, { namespace }));
      } catch (err) {
        throw new Error(`failed to update ${slice.metadata.name} EndpointSlice for Endpoints ${ep}: ${messageOf(err)}`, { cause: err });
      }
    }
    for (const slice of changes.delete) {
      try {
        await slices.delete(slice.metadata.name ?? '', { namespace });
        this.#tracker.expectDeletion(slice);
      } catch (err) {
        if (isNotFound(err)) continue;
        throw new Error(`failed to delete ${slice.metadata.name} EndpointSlice for Endpoints ${ep}: ${messageOf(err)}`, { cause: err });
      }
    }
  }
}
