/**
 * @module A controller test bench (imported by tests only): a FakeTransport API server, shared
 * informers on a FakeClock, an event recorder that keeps what it is told, and `idle()`, which
 * lets watches, handlers and workers run until nothing more happens, without sleeping.
 */
import { findResource } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { Client, InformerFactory, type ResourceRef } from '../../client/index.js';
import { FakeClock, settle } from '../../client/testing/fake-clock.js';
import { FakeTransport } from '../../client/testing/fake-transport.js';
import type { Controller, EventRecorder } from '../controller.js';

export const RESOURCES = {
  services: findResource('', 'v1', 'services')!,
  pods: findResource('', 'v1', 'pods')!,
  nodes: findResource('', 'v1', 'nodes')!,
  endpoints: findResource('', 'v1', 'endpoints')!,
  endpointslices: findResource('discovery.k8s.io', 'v1', 'endpointslices')!,
};

export interface RecordedEvent {
  kind?: string;
  name?: string;
  type: string;
  reason: string;
  message: string;
}

export class RecordingEvents implements EventRecorder {
  readonly events: RecordedEvent[] = [];
  event(object: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.events.push({ kind: object.kind, name: object.metadata.name, type, reason, message });
  }
}

export interface Bench {
  fake: FakeTransport;
  clock: FakeClock;
  events: RecordingEvents;
  /** Objects of one resource, sorted by name. */
  list<T extends KubeObject>(ref: ResourceRef, namespace?: string): Promise<T[]>;
  /** Runs everything that is ready to run until the fake API sees no new request. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** Seeds the fake server with `objects`, sets the controllers up, syncs and runs them. */
export async function startBench(controllers: Controller[], objects: Array<[ResourceRef, KubeObject]>): Promise<Bench> {
  const fake = new FakeTransport();
  const clock = new FakeClock(Date.parse('2024-05-01T10:00:30Z'));
  for (const [ref, obj] of objects) fake.set(ref, obj);
  const client = new Client(fake);
  const informers = new InformerFactory(client, { clock });
  const events = new RecordingEvents();
  const config = { serviceCIDR: '10.96.0.0/12', nodePortRange: { first: 30000, last: 32767 }, loadBalancerPool: '127.0.100.0/24', clusterDomain: 'cluster.local' };
  for (const c of controllers) c.setup({ client, informers, events, clock, config });
  informers.start();
  await informers.waitForSync();
  const running = controllers.map((c) => c.run());
  const idle = async () => {
    for (let quiet = 0, seen = -1; quiet < 10; ) {
      await settle();
      if (fake.actions.length === seen) quiet++;
      else {
        quiet = 0;
        seen = fake.actions.length;
      }
    }
  };
  await idle();
  return {
    fake,
    clock,
    events,
    async list<T extends KubeObject>(ref: ResourceRef, namespace = 'default') {
      const list = await client.resource<T>(ref).list({ namespace });
      return list.items.sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
    },
    idle,
    async stop() {
      for (const c of controllers) c.stop();
      informers.stop();
      await Promise.all(running);
    },
  };
}

/**
 * kubectl describe's `Endpoints:` line from EndpointSlices (1.31+, formatEndpointSlices for one
 * Service port name): ready endpoints as `ip:port`, at most 3, then `+ N more...`.
 */
export function describeFromSlices(slices: Array<{ ports?: Array<{ name?: string | null; port?: number | null }> | null; endpoints?: Array<{ addresses: string[]; conditions?: { ready?: boolean | null } }> | null }>, portName: string): string {
  if (slices.length === 0) return '<none>';
  const list: string[] = [];
  let count = 0;
  for (const slice of slices) {
    for (const port of slice.ports ?? []) {
      if ((port.name ?? '') !== portName) continue;
      for (const e of slice.endpoints ?? []) {
        if (e.conditions?.ready === false) continue;
        if (list.length < 3) list.push(`${e.addresses[0]}:${port.port}`);
        count++;
      }
    }
  }
  return count > 3 ? `${list.join(',')} + ${count - 3} more...` : list.join(',');
}

/** kubectl describe's `Endpoints:` line from a v1 Endpoints (1.27-1.30, formatEndpoints). */
export function describeFromEndpoints(ep: { subsets?: Array<{ addresses?: Array<{ ip: string }>; ports?: Array<{ name?: string; port: number }> }> | null } | undefined, portName: string): string {
  if (!ep || !ep.subsets?.length) return '<none>';
  const list: string[] = [];
  let count = 0;
  for (const subset of ep.subsets) {
    for (const port of subset.ports ?? []) {
      if ((port.name ?? '') !== portName) continue;
      for (const a of subset.addresses ?? []) {
        if (list.length < 3) list.push(`${a.ip}:${port.port}`);
        count++;
      }
    }
  }
  return count > 3 ? `${list.join(',')} + ${count - 3} more...` : list.join(',');
}
