/**
 * @module kubito's cloud provider for LoadBalancer Services (like MetalLB, or kind's
 * cloud-provider-kind, but on loopback): every Service of type LoadBalancer without a
 * loadBalancerClass (or with `kubito.io/loopback`) gets an address of the pool at once, written
 * to status.loadBalancer.ingress through the status subresource, and the upstream cleanup
 * finalizer; the address is released when the Service is deleted or stops being a
 * LoadBalancer (its status then cleared). Events follow upstream's service controller
 * (staging/src/k8s.io/cloud-provider/controllers/service/controller.go).
 *
 * The allocation lives in memory (allocator.ts) and is rebuilt from the Services' stored status
 * before the first sync, so a restart keeps every address. A Service left without an address
 * (pool full, requested address taken) is retried as soon as some address is released.
 */
import { findResource } from '../../api/resources.js';
import { controllerRateLimiter, runWorkers, splitKey, WorkQueue, objectKey, type Informer, type ResourceClient } from '../../client/index.js';
import type { Controller, ControllerContext } from '../controller.js';
import { LoadBalancerIPAllocator, rebuildAllocations, type PreviousHolder } from './allocator.js';
import { parsePool } from './pool.js';
import {
  hasCleanupFinalizer,
  ingressFor,
  ingressIPs,
  LB_CLEANUP_FINALIZER,
  needsCleanup,
  statusMatches,
  wantsLoadBalancer,
  type Service,
} from './service.js';
import { updateEvents } from './update-events.js';

const SERVICES = findResource('', 'v1', 'services')!;
const FIELD_MANAGER = 'service-lb-controller';

export interface LoadBalancerControllerOptions {
  /** Default 1: allocation decisions are cheap; one worker keeps them in event order. */
  workers?: number;
  /** Failed syncs (they are retried). Default: one line on stderr. */
  onError?: (message: string) => void;
}

export class LoadBalancerController implements Controller {
  readonly name = 'service-lb-controller';
  readonly #options: LoadBalancerControllerOptions;
  #ctx!: ControllerContext;
  #queue!: WorkQueue<string>;
  #services!: Informer<Service>;
  #allocator!: LoadBalancerIPAllocator;
  /** The last state synced of each Service holding an address: for events once it is gone. */
  readonly #holders = new Map<string, Service>();
  /** Services that could not get an address but might once another is released. */
  readonly #waiting = new Set<string>();
  /** The failure last reported per Service, so a repeated sync does not repeat the warning. */
  readonly #reported = new Map<string, string>();

  constructor(options: LoadBalancerControllerOptions = {}) {
    this.#options = options;
  }

  setup(ctx: ControllerContext): void {
    this.#ctx = ctx;
    this.#allocator = new LoadBalancerIPAllocator(parsePool(ctx.config.loadBalancerPool));
    this.#queue = new WorkQueue<string>({ clock: ctx.clock, rateLimiter: controllerRateLimiter({ clock: ctx.clock, maxMs: 300_000 }) });
    this.#services = ctx.informers.informer<Service>(SERVICES);
    this.#services.addHandlers({
      onAdd: (svc) => this.#enqueue(svc),
      onUpdate: (old, svc) => {
        for (const e of updateEvents(old, svc)) ctx.events.event(svc, 'Normal', e.reason, e.message);
        if (this.#concerns(old)) this.#queue.add(objectKey(svc));
        else this.#enqueue(svc);
      },
      onDelete: (svc) => this.#enqueue(svc),
    });
  }

  /** Rebuilds the allocation from the synced cache, then serves. */
  run(): Promise<void> {
    this.#rebuild();
    const onError = this.#options.onError;
    return runWorkers(this.#queue, (key) => this.#sync(key), {
      workers: this.#options.workers ?? 1,
      onError: onError ? (err, key) => onError(`error processing service ${key} (will retry): ${err instanceof Error ? err.message : String(err)}`) : undefined,
    });
  }

  stop(): void {
    this.#queue.shutDown();
  }

  /** The address a Service holds, if any (for status pages and tests). */
  addressOf(namespace: string, name: string): string | undefined {
    return this.#allocator.ipOf(`${namespace}/${name}`);
  }

  #concerns(svc: Service): boolean {
    return wantsLoadBalancer(svc) || hasCleanupFinalizer(svc) || this.#allocator.ipOf(objectKey(svc)) !== undefined;
  }

  #enqueue(svc: Service): void {
    if (this.#concerns(svc)) this.#queue.add(objectKey(svc));
  }

  #rebuild(): void {
    const holders: PreviousHolder[] = [];
    for (const svc of this.#services.cache.list()) {
      if (!wantsLoadBalancer(svc) && !hasCleanupFinalizer(svc)) continue;
      holders.push({ owner: objectKey(svc), ips: ingressIPs(svc), createdAt: svc.metadata.creationTimestamp ?? '' });
    }
    rebuildAllocations(this.#allocator, holders);
    for (const svc of this.#services.cache.list()) {
      const key = objectKey(svc);
      if (this.#allocator.ipOf(key) !== undefined) this.#holders.set(key, svc);
    }
  }

  #api(): ResourceClient<Service> {
    return this.#ctx.client.resource<Service>(SERVICES);
  }

  async #sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const svc = this.#services.cache.get(name, namespace);
    const last = this.#holders.get(key);
    // Gone, or replaced by a new Service of the same name, without our cleanup having run.
    if (last && (!svc || svc.metadata.uid !== last.metadata.uid)) this.#releaseGone(key, last);
    if (!svc) {
      this.#forget(key);
      return;
    }
    if (needsCleanup(svc) || (!wantsLoadBalancer(svc) && this.#allocator.ipOf(key) !== undefined)) return this.#cleanup(key, svc);
    if (!wantsLoadBalancer(svc)) {
      this.#forget(key);
      return;
    }
    // Being deleted without our finalizer (another one holds it): no new finalizer may be added.
    if (svc.metadata.deletionTimestamp) return this.#cleanup(key, svc);
    return this.#ensure(key, svc);
  }

  /** EnsureLoadBalancer: an address, in status, guarded by the cleanup finalizer. Quiet if all is in place. */
  async #ensure(key: string, svc: Service): Promise<void> {
    const held = this.#allocator.ipOf(key);
    const result = this.#allocator.ensure(key, svc.spec?.loadBalancerIP || undefined);
    const ip = result.ok ? result.ip : undefined;
    if (held !== undefined && held !== ip) this.#wakeWaiting();
    if (ip) {
      this.#holders.set(key, svc);
      this.#waiting.delete(key);
    } else {
      this.#holders.delete(key);
      if (result.ok === false && result.retryable) this.#waiting.add(key);
      else this.#waiting.delete(key);
    }
    const inStatus = statusMatches(svc, ip);
    const guarded = hasCleanupFinalizer(svc);
    if (result.ok && inStatus && guarded) {
      this.#reported.delete(key);
      return;
    }
    const events = this.#ctx.events;
    if (result.ok === false) {
      const message = `Error syncing load balancer: failed to ensure load balancer: ${result.message}`;
      if (this.#reported.get(key) !== message) {
        events.event(svc, 'Normal', 'EnsuringLoadBalancer', 'Ensuring load balancer');
        events.event(svc, 'Warning', 'SyncLoadBalancerFailed', message);
        this.#reported.set(key, message);
      }
    } else {
      events.event(svc, 'Normal', 'EnsuringLoadBalancer', 'Ensuring load balancer');
    }
    // The address first, so `kubectl get svc` shows it as early as possible.
    if (!inStatus) await this.#patchStatus(svc, ip);
    if (!guarded) await this.#setFinalizer(svc, true);
    if (result.ok) {
      this.#reported.delete(key);
      events.event(svc, 'Normal', 'EnsuredLoadBalancer', 'Ensured load balancer');
    }
  }

  /** EnsureLoadBalancerDeleted: status cleared (unless the Service is going), finalizer removed, address released. */
  async #cleanup(key: string, svc: Service): Promise<void> {
    const ip = this.#allocator.ipOf(key);
    const guarded = hasCleanupFinalizer(svc);
    this.#waiting.delete(key);
    this.#reported.delete(key);
    const events = this.#ctx.events;
    if (ip) events.event(svc, 'Normal', 'DeletingLoadBalancer', 'Deleting load balancer');
    // Release only once the writes went through: until then the Service still shows the address.
    if (!svc.metadata.deletionTimestamp && !statusMatches(svc, undefined)) await this.#patchStatus(svc, undefined);
    if (guarded) await this.#setFinalizer(svc, false);
    if (ip) this.#release(key);
    if (ip || guarded) events.event(svc, 'Normal', 'DeletedLoadBalancer', 'Deleted load balancer');
  }

  /** The Service disappeared while holding an address (e.g. its finalizer was removed by hand). */
  #releaseGone(key: string, last: Service): void {
    if (this.#allocator.ipOf(key) === undefined) return;
    this.#ctx.events.event(last, 'Normal', 'DeletingLoadBalancer', 'Deleting load balancer');
    this.#release(key);
    this.#ctx.events.event(last, 'Normal', 'DeletedLoadBalancer', 'Deleted load balancer');
  }

  #release(key: string): void {
    this.#allocator.release(key);
    this.#holders.delete(key);
    this.#wakeWaiting();
  }

  #forget(key: string): void {
    this.#waiting.delete(key);
    this.#reported.delete(key);
  }

  /** An address came free: whoever waited for one tries again. */
  #wakeWaiting(): void {
    for (const key of this.#waiting) this.#queue.add(key);
    this.#waiting.clear();
  }

  async #patchStatus(svc: Service, ip: string | undefined): Promise<void> {
    const ingress = ingressFor(ip);
    const patch = { status: { loadBalancer: { ingress: ingress.length ? ingress : null } } };
    await this.#api().patch(svc.metadata.name ?? '', patch, { namespace: svc.metadata.namespace, subresource: 'status', type: 'merge', fieldManager: FIELD_MANAGER });
  }

  /** Adds or removes the cleanup finalizer; the resourceVersion makes a concurrent change a 409 (retried). */
  async #setFinalizer(svc: Service, present: boolean): Promise<void> {
    const others = (svc.metadata.finalizers ?? []).filter((f) => f !== LB_CLEANUP_FINALIZER);
    const finalizers = present ? [...others, LB_CLEANUP_FINALIZER] : others;
    const patch = { metadata: { finalizers: finalizers.length ? finalizers : null, resourceVersion: svc.metadata.resourceVersion } };
    await this.#api().patch(svc.metadata.name ?? '', patch, { namespace: svc.metadata.namespace, type: 'merge', fieldManager: FIELD_MANAGER });
  }
}
