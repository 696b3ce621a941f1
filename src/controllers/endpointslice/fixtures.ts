/**
 * @module Test fixtures for the endpoint controllers (imported by tests only): Services, Pods
 * and Nodes built as `makeService('ns1', 'web', (s) => {...})`, with pods Ready, scheduled and
 * given an IP by default (kubito has no node agent filling those in yet), and a one-line-per-
 * endpoint text form of slices to compare against golden strings.
 */
import type { KubeObject } from '../../api/types.js';
import type { EndpointSlice, NodeView, PodView, ServiceView } from './types.js';

/** Fixed times so trigger-time annotations are stable. */
export const CREATED = '2024-05-01T10:00:00Z';
export const READY_AT = '2024-05-01T10:00:05Z';

export function makeService(namespace: string, name: string, edit: (s: ServiceView & { spec: NonNullable<ServiceView['spec']> }) => void = () => {}): ServiceView {
  const svc = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { namespace, name, uid: `uid-svc-${name}`, creationTimestamp: CREATED, labels: { app: name } as Record<string, string> },
    spec: {
      type: 'ClusterIP',
      selector: { app: name } as Record<string, string> | null,
      clusterIP: '10.96.0.20',
      clusterIPs: ['10.96.0.20'],
      ipFamilies: ['IPv4'],
      ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 80 as number | string }],
    },
  };
  edit(svc);
  return svc;
}

export interface PodOptions {
  ip?: string | null;
  ready?: boolean;
  node?: string;
  app?: string;
  /** Container ports, e.g. `[{ name: 'http', containerPort: 8080 }]`. */
  ports?: Array<{ name?: string; containerPort: number; protocol?: string }>;
  terminating?: boolean;
  phase?: string;
}

export function makePod(namespace: string, name: string, options: PodOptions = {}, edit: (p: PodView) => void = () => {}): PodView {
  const ip = options.ip === undefined ? '10.244.0.5' : options.ip;
  const pod: PodView = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { namespace, name, uid: `uid-pod-${name}`, labels: { app: options.app ?? 'web' }, resourceVersion: '1' },
    spec: {
      nodeName: options.node ?? 'node-1',
      containers: [{ name: 'main', ports: options.ports ?? [{ containerPort: 80, protocol: 'TCP' }] }],
    },
    status: {
      phase: options.phase ?? 'Running',
      ...(ip ? { podIP: ip, podIPs: [{ ip }] } : {}),
      conditions: [{ type: 'Ready', status: options.ready === false ? 'False' : 'True', lastTransitionTime: READY_AT }],
    },
  };
  if (options.terminating) pod.metadata.deletionTimestamp = '2024-05-01T10:01:00Z';
  edit(pod);
  return pod;
}

export function makeNode(name: string, zone?: string): KubeObject & NodeView {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: zone ? { 'topology.kubernetes.io/zone': zone } : {} } };
}

/** `n` pods `web-000`... with IPs 10.244.<i/250>.<i%250+2>. */
export function manyPods(namespace: string, n: number, options: PodOptions = {}): PodView[] {
  return Array.from({ length: n }, (_, i) =>
    makePod(namespace, `web-${String(i).padStart(3, '0')}`, { ...options, ip: `10.244.${Math.floor(i / 250)}.${(i % 250) + 2}` }),
  );
}

/**
 * Slices as text: a header per slice (`name|generateName addressType ports`) and one line per
 * endpoint (`address pod node [zone] r/s/t flags`), where r/s/t are ready/serving/terminating.
 */
export function renderSlices(slices: readonly EndpointSlice[]): string {
  const lines: string[] = [];
  for (const s of slices) {
    const ports = (s.ports ?? []).map((p) => `${p.name || '-'}:${p.protocol}:${p.port}${p.appProtocol ? `:${p.appProtocol}` : ''}`).join(',') || '<none>';
    lines.push(`${s.metadata.name ?? s.metadata.generateName} ${s.addressType} ${ports}`);
    for (const e of s.endpoints ?? []) {
      const c = e.conditions ?? {};
      const flag = (b: boolean | null | undefined) => (b === true ? 'T' : b === false ? 'F' : '?');
      const extra = [e.hostname ? `host=${e.hostname}` : '', e.zone ? `zone=${e.zone}` : '', e.hints ? `hints=${JSON.stringify(e.hints)}` : ''].filter(Boolean).join(' ');
      lines.push(`  ${e.addresses.join(',')} ${e.targetRef?.name} ${e.nodeName ?? '-'} ${flag(c.ready)}${flag(c.serving)}${flag(c.terminating)}${extra ? ` ${extra}` : ''}`);
    }
  }
  return lines.join('\n');
}

/** Freezes `value` and everything in it: a test's way to prove a function leaves its input (the informer cache) alone. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
