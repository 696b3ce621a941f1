/**
 * @module Test support for the replicaset and deployment controllers, in sample-controller's
 * style: a FakeTransport seeded with objects, shared informers on a FakeClock, an event
 * recorder that keeps `Normal Reason message` lines, and builders for pods, ReplicaSets and
 * Deployments. Not imported by production code.
 */
import { findResource, type ResourceInfo } from '../../../api/resources.js';
import type { KubeObject } from '../../../api/types.js';
import { Client, InformerFactory, type ApiRequest, type Transport, type WatchHandlers, type WatchStream } from '../../../client/index.js';
import { FakeClock, settle } from '../../../client/testing/fake-clock.js';
import { FakeTransport } from '../../../client/testing/fake-transport.js';
import type { Controller, ControllerContext, EventRecorder } from '../../controller.js';
import { formatTime, type Pod, type PodTemplateSpec, type ReplicaSet } from '../types.js';

export const PODS = findResource('', 'v1', 'pods')!;
export const REPLICA_SETS = findResource('apps', 'v1', 'replicasets')!;
export const DEPLOYMENTS = findResource('apps', 'v1', 'deployments')!;

/** Where the fake clock starts: 2024-05-01T10:00:00Z. */
export const T0 = Date.parse('2024-05-01T10:00:00Z');

/** Keeps every event as `Type Reason message`, with the object it was about. */
export class FakeRecorder implements EventRecorder {
  events: Array<{ object: string; line: string }> = [];

  event(object: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.events.push({ object: `${object.kind}/${object.metadata.name}`, line: `${type} ${reason} ${message}` });
  }

  /** The lines, optionally only those with `reason`. */
  lines(reason?: string): string[] {
    return this.events.map((e) => e.line).filter((l) => !reason || l.split(' ')[1] === reason);
  }

  clear(): void {
    this.events = [];
  }
}

/**
 * Passes everything to the fake, except that watch events of held resources wait until
 * released: a cache that lags behind the server, as after a slow watch.
 */
class HoldingTransport implements Transport {
  readonly #inner: FakeTransport;
  readonly #held = new Set<string>();
  #queued: Array<{ resource: string; deliver: () => void }> = [];

  constructor(inner: FakeTransport) {
    this.#inner = inner;
  }

  request<T = unknown>(req: ApiRequest): Promise<T> {
    if (req.method === 'PUT' && /\/deployments\/[^/]+\/status$/.test(req.path)) this.#statusKeepsAnnotations(req);
    return this.#inner.request<T>(req);
  }

  /**
   * kube-apiserver's deployment status strategy keeps spec and labels from the stored object
   * but takes the rest of the metadata from the request: that is how the controller's revision
   * annotation reaches the Deployment. The fake keeps only status; this stores the annotations
   * first (no watch event of its own) and lets the status write carry them.
   */
  #statusKeepsAnnotations(req: ApiRequest): void {
    const body = req.body as KubeObject;
    const current = this.#inner.object(DEPLOYMENTS, { namespace: body.metadata.namespace, name: body.metadata.name ?? '' });
    if (!current || current.metadata.resourceVersion !== body.metadata.resourceVersion) return;
    if (JSON.stringify(current.metadata.annotations ?? {}) === JSON.stringify(body.metadata.annotations ?? {})) return;
    const stored = this.#inner.set(DEPLOYMENTS, { ...current, metadata: { ...current.metadata, annotations: body.metadata.annotations } }, { silent: true });
    req.body = { ...body, metadata: { ...body.metadata, resourceVersion: stored.metadata.resourceVersion } };
  }

  watch(req: ApiRequest, handlers: WatchHandlers): Promise<WatchStream> {
    const resource = req.path.split('/').pop() ?? '';
    return this.#inner.watch(req, {
      onEvent: (event) => {
        if (this.#held.has(resource)) this.#queued.push({ resource, deliver: () => handlers.onEvent(event) });
        else handlers.onEvent(event);
      },
      onClose: (err) => handlers.onClose(err),
    });
  }

  hold(resource: string): void {
    this.#held.add(resource);
  }

  release(resource: string): void {
    this.#held.delete(resource);
    const due = this.#queued.filter((q) => q.resource === resource);
    this.#queued = this.#queued.filter((q) => q.resource !== resource);
    for (const q of due) q.deliver();
  }
}

export class Fixture {
  readonly fake = new FakeTransport();
  readonly clock = new FakeClock(T0);
  readonly #transport = new HoldingTransport(this.fake);
  readonly client = new Client(this.#transport);
  readonly informers = new InformerFactory(this.client, { clock: this.clock, onError: () => {} });
  readonly events = new FakeRecorder();
  readonly #controllers: Controller[] = [];
  readonly #running: Array<Promise<void>> = [];

  get context(): ControllerContext {
    return {
      client: this.client,
      informers: this.informers,
      events: this.events,
      clock: this.clock,
      config: { serviceCIDR: '10.96.0.0/12', nodePortRange: { first: 30000, last: 32767 }, loadBalancerPool: '127.0.100.0/24', clusterDomain: 'cluster.local' },
    };
  }

  /** Seeds an object (no action recorded). */
  seed<T extends KubeObject>(info: ResourceInfo, obj: T): T {
    return this.fake.set(info, obj) as T;
  }

  /** Sets up the controllers, starts and syncs the informers, and forgets the informers' own actions. */
  async start(...controllers: Controller[]): Promise<void> {
    for (const c of controllers) {
      c.setup(this.context);
      this.#controllers.push(c);
    }
    this.informers.start();
    await this.informers.waitForSync();
    this.fake.clearActions();
  }

  /** Also runs the controllers' workers (for scenarios where they react to each other). */
  run(): void {
    for (const c of this.#controllers) this.#running.push(c.run());
  }

  /** Holds back watch events of `resource` (e.g. `pods`) from the informers until `release`. */
  hold(resource: string): void {
    this.#transport.hold(resource);
  }

  async release(resource: string): Promise<void> {
    this.#transport.release(resource);
    await this.settle();
  }

  /** Lets watch events reach the caches and queued work run (no time passes). */
  async settle(rounds = 20): Promise<void> {
    for (let i = 0; i < rounds; i++) await settle();
  }

  /** Writes (create, update, patch, delete) as `verb resource[/sub] ns/name`, in order; reads and watches left out. */
  writes(): string[] {
    return this.fake.actions
      .filter((a) => a.verb !== 'get' && a.verb !== 'list' && a.verb !== 'watch')
      .map((a) => `${a.verb} ${a.resource}${a.subresource ? `/${a.subresource}` : ''} ${a.namespace}/${a.name}`);
  }

  /** The request bodies of the recorded writes matching `verb resource[/sub]`. */
  bodies<T = KubeObject>(verbResource: string): T[] {
    return this.fake.actions
      .filter((a) => `${a.verb} ${a.resource}${a.subresource ? `/${a.subresource}` : ''}` === verbResource)
      .map((a) => a.object as T);
  }

  async list<T extends KubeObject>(info: ResourceInfo, namespace = 'default'): Promise<T[]> {
    return (await this.client.resource<T>(info).list({ namespace })).items;
  }

  get<T extends KubeObject>(info: ResourceInfo, name: string, namespace = 'default'): T | undefined {
    return this.fake.object(info, { namespace, name }) as T | undefined;
  }

  /** Marks pods Running and Ready since now (as a node agent would); all pods when no filter. */
  async markReady(filter: (pod: Pod) => boolean = () => true): Promise<void> {
    for (const pod of await this.list<Pod>(PODS)) {
      if (!filter(pod) || pod.status?.phase === 'Running') continue;
      this.fake.set(PODS, readyPod(pod, { at: this.clock.now() }));
    }
    await this.settle();
  }

  async stop(): Promise<void> {
    for (const c of this.#controllers) c.stop();
    this.informers.stop();
    await Promise.all(this.#running);
  }
}

/** A copy of `pod`, Running and Ready since `at`, scheduled on `node` (default node-1) unless it was already. */
export function readyPod(pod: Pod, { at, node = 'node-1' }: { at: number; node?: string }): Pod {
  const copy = structuredClone(pod);
  copy.spec = { ...(copy.spec ?? {}), nodeName: copy.spec?.nodeName ?? node };
  copy.status = { ...(copy.status ?? {}), phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: formatTime(at) }] };
  return copy;
}

/** A pod template with one container. */
export function template(labels: Record<string, string>, image = 'nginx:1.25'): PodTemplateSpec {
  return { metadata: { labels }, spec: { containers: [{ name: 'web', image }] } };
}

export interface PodOptions {
  labels?: Record<string, string>;
  owner?: KubeObject;
  phase?: string;
  ready?: boolean;
  /** When it became ready (default T0). */
  readyAt?: number;
  node?: string;
  created?: number;
  uid?: string;
}

export function makePod(name: string, options: PodOptions = {}): Pod {
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { namespace: 'default', name, labels: options.labels ?? { app: 'web' }, creationTimestamp: formatTime(options.created ?? T0) },
    spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] },
    status: { phase: options.phase ?? 'Pending' },
  };
  if (options.uid) pod.metadata.uid = options.uid;
  if (options.node) pod.spec!.nodeName = options.node;
  if (options.owner) {
    pod.metadata.ownerReferences = [
      { apiVersion: options.owner.apiVersion ?? 'apps/v1', kind: options.owner.kind ?? 'ReplicaSet', name: options.owner.metadata.name ?? '', uid: options.owner.metadata.uid ?? '', controller: true, blockOwnerDeletion: true },
    ];
  }
  if (options.ready) return readyPod(pod, { at: options.readyAt ?? T0, node: options.node });
  return pod;
}

export interface ReplicaSetOptions {
  replicas?: number;
  labels?: Record<string, string>;
  minReadySeconds?: number;
  owner?: KubeObject;
  annotations?: Record<string, string>;
  image?: string;
  created?: number;
  status?: ReplicaSet['status'];
}

export function makeReplicaSet(name: string, options: ReplicaSetOptions = {}): ReplicaSet {
  const labels = options.labels ?? { app: 'web' };
  const rs: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { namespace: 'default', name, labels: { ...labels }, generation: 1, creationTimestamp: formatTime(options.created ?? T0) },
    spec: { replicas: options.replicas ?? 1, selector: { matchLabels: { ...labels } }, template: template(labels, options.image) },
  };
  if (options.minReadySeconds) rs.spec!.minReadySeconds = options.minReadySeconds;
  if (options.annotations) rs.metadata.annotations = { ...options.annotations };
  if (options.status) rs.status = options.status;
  if (options.owner) {
    rs.metadata.ownerReferences = [
      { apiVersion: 'apps/v1', kind: 'Deployment', name: options.owner.metadata.name ?? '', uid: options.owner.metadata.uid ?? '', controller: true, blockOwnerDeletion: true },
    ];
  }
  return rs;
}

export interface DeploymentOptions {
  replicas?: number;
  labels?: Record<string, string>;
  image?: string;
  strategy?: 'RollingUpdate' | 'Recreate';
  maxSurge?: number | string;
  maxUnavailable?: number | string;
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  paused?: boolean;
}

/** An apps/v1 Deployment as the API server stores it (defaults filled in, generation 1). */
export function makeDeployment(name: string, options: DeploymentOptions = {}): KubeObject {
  const labels = options.labels ?? { app: name };
  const strategy: Record<string, unknown> = { type: options.strategy ?? 'RollingUpdate' };
  if (strategy.type === 'RollingUpdate') strategy.rollingUpdate = { maxSurge: options.maxSurge ?? '25%', maxUnavailable: options.maxUnavailable ?? '25%' };
  const spec: Record<string, unknown> = {
    replicas: options.replicas ?? 1,
    selector: { matchLabels: { ...labels } },
    template: template(labels, options.image),
    strategy,
    revisionHistoryLimit: options.revisionHistoryLimit ?? 10,
    progressDeadlineSeconds: 600,
  };
  if (options.minReadySeconds) spec.minReadySeconds = options.minReadySeconds;
  if (options.paused) spec.paused = true;
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { namespace: 'default', name, generation: 1, creationTimestamp: formatTime(T0) }, spec };
}
