/**
 * @module Write sequences whose managedFields are pinned byte for byte (golden.test.ts): a Pod
 * from its controller's create through binding and the kubelet's status patches, and a
 * Service taken through server-side apply, a forced apply by a second manager and a status
 * write. Shared by the test and by whoever regenerates the golden file.
 */
import { findResource } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { definitionFor, schemaLookup } from '../schema-lookup.js';
import { applyConfiguration, recordUpdate } from './field-manager.js';

const PODS = findResource('', 'v1', 'pods')!;
const SERVICES = findResource('', 'v1', 'services')!;

function pod(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { generateName: 'web-', namespace: 'default', labels: { app: 'web', 'pod-template-hash': 'abc' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'rs-uid', controller: true, blockOwnerDeletion: true }] },
    spec: {
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      containers: [{ name: 'web', image: 'busybox', command: ['sh', '-c', 'sleep 3600'], ports: [{ containerPort: 80, protocol: 'TCP' }], resources: {}, imagePullPolicy: 'IfNotPresent' }],
    },
  };
}

function conditions(types: string[], status: string, at: string): unknown[] {
  return types.map((type) => ({ type, status, lastProbeTime: null, lastTransitionTime: at }));
}

/** The managedFields after each step of each scenario, by step name. */
export function goldenRuns(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const podOpts = { schema: schemaLookup, root: definitionFor(PODS) };
  let p = recordUpdate(undefined, pod(), { ...podOpts, manager: 'kube-controller-manager', now: '2026-11-28T08:00:00Z' });
  p.metadata.uid = 'pod-uid';
  p.metadata.name = 'web-1';
  out['pod create'] = p.metadata.managedFields;
  const step = (name: string, change: (next: KubeObject) => void, opts: { manager: string; subresource?: string; now: string }): void => {
    const next = structuredClone(p);
    change(next);
    p = recordUpdate(p, next, { ...podOpts, ...opts });
    out[name] = p.metadata.managedFields;
  };
  step('pod binding', (n) => {
    (n.spec as Record<string, unknown>).nodeName = 'node-1';
    n.status = { conditions: conditions(['PodScheduled'], 'True', '2026-11-28T08:00:01Z') };
  }, { manager: 'kube-scheduler', subresource: 'binding', now: '2026-11-28T08:00:01Z' });
  step('pod status pending', (n) => {
    n.status = { ...(n.status as object), phase: 'Pending', hostIP: '10.0.0.1', qosClass: 'BestEffort', conditions: conditions(['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'], 'False', '2026-11-28T08:00:02Z'),
      containerStatuses: [{ name: 'web', ready: false, restartCount: 0, image: 'busybox', imageID: '', state: { waiting: { reason: 'ContainerCreating' } }, lastState: {} }] };
  }, { manager: 'kubelet', subresource: 'status', now: '2026-11-28T08:00:02Z' });
  step('pod status running', (n) => {
    n.status = { ...(n.status as object), phase: 'Running', podIP: '10.244.0.5', podIPs: [{ ip: '10.244.0.5' }], startTime: '2026-11-28T08:00:02Z', conditions: conditions(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'], 'True', '2026-11-28T08:00:03Z'),
      containerStatuses: [{ name: 'web', ready: true, started: true, restartCount: 0, image: 'busybox', imageID: 'sha256:abc', containerID: 'kubito://123', state: { running: { startedAt: '2026-11-28T08:00:03Z' } }, lastState: {} }] };
  }, { manager: 'kubelet', subresource: 'status', now: '2026-11-28T08:00:03Z' });
  step('pod status same', () => undefined, { manager: 'kubelet', subresource: 'status', now: '2026-11-28T08:00:04Z' });
  step('pod label by kubectl', (n) => {
    n.metadata.labels = { ...n.metadata.labels, tier: 'front' };
    // A main-resource write that also sends a changed status: status is reset, nobody owns it through it.
    (n.status as Record<string, unknown>).phase = 'Failed';
  }, { manager: 'kubectl-label', now: '2026-11-28T08:00:05Z' });

  const svcOpts = { schema: schemaLookup, root: definitionFor(SERVICES) };
  const config = (port: number, extra: Record<string, unknown> = {}): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port, targetPort: 8080 }], ...extra },
  });
  let s = applyConfiguration(undefined, config(80), { ...svcOpts, manager: 'kubectl', now: '2026-11-28T09:00:00Z' });
  s.metadata.uid = 'svc-uid';
  out['svc apply create'] = s.metadata.managedFields;
  s = applyConfiguration(s, config(80, { sessionAffinity: 'None' }), { ...svcOpts, manager: 'kubectl', now: '2026-11-28T09:00:01Z' });
  out['svc apply add field'] = s.metadata.managedFields;
  s = applyConfiguration(s, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { ports: [{ name: 'http', port: 80, targetPort: 9090 }] } }, { ...svcOpts, manager: 'other', force: true, now: '2026-11-28T09:00:02Z' });
  out['svc apply forced by other'] = s.metadata.managedFields;
  try {
    applyConfiguration(s, config(80), { ...svcOpts, manager: 'kubectl', now: '2026-11-28T09:00:03Z' });
    out['svc apply conflict'] = 'no conflict';
  } catch (err) {
    out['svc apply conflict'] = (err as Error).message;
  }
  s = applyConfiguration(s, config(80), { ...svcOpts, manager: 'kubectl', force: true, now: '2026-11-28T09:00:03Z' });
  out['svc apply drop field, forced'] = s.metadata.managedFields;
  const withStatus = structuredClone(s);
  withStatus.status = { loadBalancer: { ingress: [{ ip: '127.0.0.2' }] } };
  s = recordUpdate(s, withStatus, { ...svcOpts, manager: 'kubito-lb', subresource: 'status', now: '2026-11-28T09:00:04Z' });
  out['svc status'] = s.metadata.managedFields;
  return out;
}
