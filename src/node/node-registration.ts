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

export const LEASE_DURATION_SECONDS = 40;
export const LEASE_RENEW_MS = 10_000;
export const STATUS_REPORT_MS = 5 * 60_000;

/** metav1.MicroTime: microseconds, always six digits. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
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

  constructor(client: Client, options: { clock: Clock; config: NodeConfig; facts: NodeFacts; log: (line: string) => void }) {
    this.#client = client;
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
    await this.postStatus();
    await this.#renewLease();
    this.#scheduleLease();
    this.#scheduleStatus();
  }

  get node(): KubeObject | undefined {
    return this.#node;
  }

  async postStatus(): Promise<void> {
    const previous = (this.#node as { status?: { conditions?: NodeCondition[] } } | undefined)?.status?.conditions;
    const status = nodeStatus(this.#config, this.#facts, { now: iso(this.#clock.now()), previous });
    this.#node = await this.#client.resource(NODES).patch(this.#config.nodeName, { status }, { subresource: 'status' });
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
