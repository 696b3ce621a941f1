/**
 * @module Registering the Node and keeping it alive, as the kubelet does: create the Node (or
 * take over an existing one with this name), post its status, renew its Lease in
 * kube-node-lease every 10 s (duration 40 s, owned by the Node), and post the status again
 * every 5 minutes (nodeStatusReportFrequency) or when asked.
 */
import { isAlreadyExists, isConflict, isNotFound } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import type { Client, Clock, TimerHandle } from '../client/index.js';
import { LEASES, NODES } from './api-refs.js';
import { nodeObject, nodeStatus, type NodeCondition, type NodeConfig, type NodeFacts } from './node-object.js';
import type { EventSink } from './runtime-context.js';

export const LEASE_DURATION_SECONDS = 40;
export const LEASE_RENEW_MS = 10_000;
export const STATUS_REPORT_MS = 5 * 60_000;

/** The setters' event when a pressure condition is False again. */
const RECOVERED: Record<string, string> = { MemoryPressure: 'NodeHasSufficientMemory', DiskPressure: 'NodeHasNoDiskPressure', PIDPressure: 'NodeHasSufficientPID' };

/** metav1.MicroTime: microseconds, always six digits. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

/**
 * The node as its kubelet and kube-proxy name it in events (their nodeRef): uid = the node's
 * name, not the Node's uid (`kubectl describe node` searches both).
 */
export function nodeEventRef(nodeName: string): KubeObject {
  return { kind: 'Node', metadata: { name: nodeName, uid: nodeName } } as KubeObject;
}

export class NodeRegistration {
  #client: Client;
  #clock: Clock;
  #config: NodeConfig;
  #facts: NodeFacts;
  #log: (line: string) => void;
  #node: KubeObject | undefined;
  #leaseTimer: TimerHandle | undefined;
  #statusTimer: TimerHandle | undefined;
  #stopped = false;
  #events: EventSink | undefined;
  #posting: Promise<void> | undefined;

  /** `events`: the kubelet's recorder, for the node's events (kubectl describe node lists them). */
  constructor(client: Client, options: { clock: Clock; config: NodeConfig; facts: NodeFacts; log: (line: string) => void; events?: EventSink }) {
    this.#client = client;
    this.#events = options.events;
    this.#clock = options.clock;
    this.#config = options.config;
    this.#facts = options.facts;
    this.#log = options.log;
  }

  /** Registers the Node, posts its status and takes the Lease; then keeps both fresh. */
  async start(): Promise<void> {
    const nodes = this.#client.resource(NODES);
    const wanted = nodeObject(this.#config, this.#facts);
    try {
      this.#node = await nodes.create(wanted);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      this.#node = await nodes.patch(this.#config.nodeName, { metadata: { labels: wanted.metadata.labels, annotations: wanted.metadata.annotations }, spec: wanted.spec });
    }
    this.#startEvents();
    await this.postStatus();
    await this.#renewLease();
    this.#scheduleLease();
    this.#scheduleStatus();
  }

  /**
   * What a kubelet records at each start: "Starting kubelet.", its initial node's pressure
   * conditions (the setters run on a node with no conditions yet, so each is new:
   * nodestatus/setters.go), and the container manager's allocatable enforcement.
   */
  #startEvents(): void {
    this.#event('Starting', 'Starting kubelet.');
    for (const reason of ['NodeHasSufficientMemory', 'NodeHasNoDiskPressure', 'NodeHasSufficientPID']) this.#event(reason, this.#statusNow(reason));
    this.#event('NodeAllocatableEnforced', 'Updated Node Allocatable limit across pods');
  }

  #statusNow(reason: string): string {
    return `Node ${this.#config.nodeName} status is now: ${reason}`;
  }

  #event(reason: string, message: string): void {
    this.#events?.event(nodeEventRef(this.#config.nodeName), 'Normal', reason, message);
  }

  get node(): KubeObject | undefined {
    return this.#node;
  }

  async postStatus(): Promise<void> {
    const previous = (this.#node as { status?: { conditions?: NodeCondition[] } } | undefined)?.status?.conditions;
    const status = nodeStatus(this.#config, this.#facts, { now: iso(this.#clock.now()), previous });
    this.#node = await this.#client.resource(NODES).patch(this.#config.nodeName, { status }, { subresource: 'status' });
    // The setters' events, on a transition only (of a condition the node had): NodeReady /
    // NodeNotReady, and NodeHasSufficientMemory ... when a pressure condition comes back to
    // False (after the node controller set it Unknown).
    for (const now of status.conditions as NodeCondition[]) {
      const was = previous?.find((c) => c.type === now.type);
      if (!was || was.status === now.status) continue;
      const reason = now.type === 'Ready' ? (now.status === 'True' ? 'NodeReady' : 'NodeNotReady') : now.status === 'False' ? RECOVERED[now.type] : undefined;
      if (reason) this.#event(reason, this.#statusNow(reason));
    }
  }

  /**
   * The Node as the API holds it now (the agent's watch of it). The kubelet reads its Node on
   * every status sync (10 s) and writes when its conditions differ from what it reports: when
   * the node lifecycle controller marked them Unknown (the kubelet stalled past the grace
   * period), the next sync sets them back, with new transition times. kubito posts at once.
   */
  observe(node: KubeObject): void {
    const stored = (node as { status?: { conditions?: NodeCondition[] } }).status?.conditions ?? [];
    const reported = nodeStatus(this.#config, this.#facts, { now: '', previous: stored }).conditions as NodeCondition[];
    if (this.#stopped || this.#posting || reported.every((c) => stored.some((s) => s.type === c.type && s.status === c.status))) return;
    this.#node = node;
    this.#posting = this.postStatus()
      .catch((err: unknown) => this.#log(`node status: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => (this.#posting = undefined));
  }

  async #renewLease(): Promise<void> {
    const leases = this.#client.resource(LEASES);
    const name = this.#config.nodeName;
    const spec = { holderIdentity: name, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: microTime(this.#clock.now()) };
    let lease: KubeObject | undefined;
    try {
      lease = await leases.get(name, { namespace: 'kube-node-lease' });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    if (!lease) {
      const owner = this.#node?.metadata.uid ? [{ apiVersion: 'v1', kind: 'Node', name, uid: this.#node.metadata.uid }] : undefined;
      await leases.create({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: 'kube-node-lease', ownerReferences: owner }, spec });
      return;
    }
    try {
      await leases.update({ ...lease, spec: { ...(lease as { spec?: object }).spec, ...spec } });
    } catch (err) {
      if (!isConflict(err)) throw err;
      // Someone else wrote it: the next renewal reads it again.
    }
  }

  #scheduleLease(): void {
    if (this.#stopped) return;
    this.#leaseTimer = this.#clock.setTimeout(() => {
      this.#renewLease()
        .catch((err: unknown) => this.#log(`lease: ${err instanceof Error ? err.message : String(err)}`))
        .finally(() => this.#scheduleLease());
    }, LEASE_RENEW_MS);
  }

  #scheduleStatus(): void {
    if (this.#stopped) return;
    this.#statusTimer = this.#clock.setTimeout(() => {
      this.postStatus()
        .catch((err: unknown) => this.#log(`node status: ${err instanceof Error ? err.message : String(err)}`))
        .finally(() => this.#scheduleStatus());
    }, STATUS_REPORT_MS);
  }

  stop(): void {
    this.#stopped = true;
    if (this.#leaseTimer) this.#clock.clearTimeout(this.#leaseTimer);
    if (this.#statusTimer) this.#clock.clearTimeout(this.#statusTimer);
  }
}
