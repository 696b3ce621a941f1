/**
 * @module Test-only object builders in kube-proxy's style: `makeService('default', 'nginx',
 * (s) => {...})` returns a plausible, already-defaulted object created at `NOW`, and the
 * mutator adjusts it. Timestamps are relative to one fixed clock, `NOW`.
 */
import type { KubeObject } from '../../types.js';

/** The clock every golden test injects. */
export const NOW = new Date('2024-05-01T12:00:00Z');

export const SECOND = 1;
export const MINUTE = 60;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** The RFC 3339 time `seconds` before `NOW` (negative: in the future). */
export function ago(seconds: number): string {
  return new Date(NOW.getTime() - seconds * 1000).toISOString().replace(/\.000Z$/, 'Z');
}

/** A JSON object whose fields tests may set freely. */
export type Obj = KubeObject & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test fixtures

type Mutator = (obj: Obj) => void;

function make(apiVersion: string, kind: string, namespace: string | undefined, name: string, body: Record<string, unknown>, mutate?: Mutator): Obj {
  const obj: Obj = {
    apiVersion,
    kind,
    metadata: {
      name,
      ...(namespace !== undefined ? { namespace } : {}),
      uid: `uid-${name}`,
      resourceVersion: '1',
      creationTimestamp: ago(0),
    },
    ...body,
  };
  mutate?.(obj);
  return obj;
}

export function makeService(ns: string, name: string, mutate?: Mutator): Obj {
  return make('v1', 'Service', ns, name, {
    spec: {
      type: 'ClusterIP',
      clusterIP: '10.96.0.10',
      clusterIPs: ['10.96.0.10'],
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
      selector: { app: name },
    },
    status: { loadBalancer: {} },
  }, mutate);
}

/** A running pod with one ready container named after the pod. */
export function makePod(ns: string, name: string, mutate?: Mutator): Obj {
  return make('v1', 'Pod', ns, name, {
    spec: { containers: [{ name: 'main', image: 'nginx' }], nodeName: 'node-1' },
    status: {
      phase: 'Running',
      podIP: '10.244.0.6',
      podIPs: [{ ip: '10.244.0.6' }],
      conditions: [
        { type: 'Initialized', status: 'True' },
        { type: 'Ready', status: 'True' },
        { type: 'ContainersReady', status: 'True' },
        { type: 'PodScheduled', status: 'True' },
      ],
      containerStatuses: [running('main')],
    },
  }, mutate);
}

/** A ready, running container status. */
export function running(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, ready: true, started: true, restartCount: 0, state: { running: { startedAt: ago(0) } }, ...extra };
}

/** A container status waiting for `reason`. */
export function waiting(name: string, reason: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, ready: false, started: false, restartCount: 0, state: { waiting: { reason } }, ...extra };
}

/** A container status that terminated with `exitCode` and `reason`. */
export function terminated(name: string, exitCode: number, reason?: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, ready: false, started: false, restartCount: 0, state: { terminated: { exitCode, ...(reason ? { reason } : {}) } }, ...extra };
}

/** `lastState` of a container whose previous run ended `seconds` ago. */
export function lastTerminated(seconds: number): Record<string, unknown> {
  return { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(seconds) } };
}

export function makeDeployment(ns: string, name: string, mutate?: Mutator): Obj {
  return make('apps/v1', 'Deployment', ns, name, {
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: 'nginx' }] } },
    },
    status: { replicas: 2, readyReplicas: 2, updatedReplicas: 2, availableReplicas: 2 },
  }, mutate);
}

export function makeReplicaSet(ns: string, name: string, mutate?: Mutator): Obj {
  return make('apps/v1', 'ReplicaSet', ns, name, {
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'nginx', 'pod-template-hash': '7c5ddbdf54' } },
      template: { spec: { containers: [{ name: 'nginx', image: 'nginx' }] } },
    },
    status: { replicas: 2, readyReplicas: 2 },
  }, mutate);
}

export function makeEndpoints(ns: string, name: string, mutate?: Mutator): Obj {
  return make('v1', 'Endpoints', ns, name, {}, mutate);
}

export function makeEndpointSlice(ns: string, name: string, mutate?: Mutator): Obj {
  return make('discovery.k8s.io/v1', 'EndpointSlice', ns, name, { addressType: 'IPv4', endpoints: [], ports: [] }, mutate);
}

export function makeNamespace(name: string, mutate?: Mutator): Obj {
  return make('v1', 'Namespace', undefined, name, { spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } }, mutate);
}

export function makeNode(name: string, mutate?: Mutator): Obj {
  return make('v1', 'Node', undefined, name, {
    spec: { podCIDR: '10.244.0.0/24' },
    status: {
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }],
      addresses: [
        { type: 'InternalIP', address: '172.18.0.2' },
        { type: 'Hostname', address: name },
      ],
      nodeInfo: {
        kubeletVersion: 'v1.32.0-kubito',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        kernelVersion: '6.1.0-18-amd64',
        containerRuntimeVersion: 'kubito://0.1.0',
      },
    },
  }, mutate);
}

export function makeEvent(ns: string, name: string, mutate?: Mutator): Obj {
  return make('v1', 'Event', ns, name, {
    involvedObject: { kind: 'Pod', namespace: ns, name: 'nginx', apiVersion: 'v1' },
    reason: 'Scheduled',
    message: 'Successfully assigned default/nginx to node-1',
    source: { component: 'default-scheduler' },
    type: 'Normal',
    count: 1,
    firstTimestamp: ago(0),
    lastTimestamp: ago(0),
  }, mutate);
}

export function makeEventV1(ns: string, name: string, mutate?: Mutator): Obj {
  return make('events.k8s.io/v1', 'Event', ns, name, {
    regarding: { kind: 'Pod', namespace: ns, name: 'nginx', apiVersion: 'v1' },
    reason: 'Scheduled',
    note: 'Successfully assigned default/nginx to node-1',
    type: 'Normal',
    action: 'Binding',
    eventTime: ago(0).replace('Z', '.000000Z'),
    reportingController: 'default-scheduler',
    reportingInstance: 'default-scheduler-node-1',
  }, mutate);
}

export function makeConfigMap(ns: string, name: string, mutate?: Mutator): Obj {
  return make('v1', 'ConfigMap', ns, name, { data: {} }, mutate);
}

export function makeSecret(ns: string, name: string, mutate?: Mutator): Obj {
  return make('v1', 'Secret', ns, name, { type: 'Opaque', data: {} }, mutate);
}

export function makeServiceAccount(ns: string, name: string, mutate?: Mutator): Obj {
  return make('v1', 'ServiceAccount', ns, name, {}, mutate);
}

export function makeLease(ns: string, name: string, mutate?: Mutator): Obj {
  return make('coordination.k8s.io/v1', 'Lease', ns, name, { spec: {} }, mutate);
}
