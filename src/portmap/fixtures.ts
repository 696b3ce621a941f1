/**
 * @module Pods for the port-mapping tests (imported by tests only): `makePod("ns", "name", p => ...)`
 * and the scenario node the golden files render.
 */
import type { PortMapPod } from './mappings.js';

export const NODE = 'node-1';

/** A running pod of NODE with one container `app` and no ports; `fn` edits it. */
export function makePod(namespace: string, name: string, fn: (p: PortMapPod & { spec: NonNullable<PortMapPod['spec']>; status: NonNullable<PortMapPod['status']> }) => void = () => undefined): PortMapPod {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { namespace, name, uid: `uid-${namespace}-${name}`, creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: { nodeName: NODE, containers: [{ name: 'app', ports: [] as NonNullable<NonNullable<PortMapPod['spec']>['containers']>[number]['ports'] }] },
    status: { phase: 'Running', podIP: '10.244.0.2' },
  };
  fn(pod as never);
  return pod;
}

/**
 * The scenario: web (TCP 8081 -> 80, UDP 5353 -> 53), a pod bound to 127.0.0.5 only, an older
 * pod whose sidecar holds 9000, a newer squatter on 8081 (past the scheduler), a hostNetwork
 * pod, a pod without an IP yet, a finished pod, another node's pod and an SCTP port.
 */
export function scenarioPods(): PortMapPod[] {
  return [
    makePod('default', 'web', (p) => {
      p.metadata.creationTimestamp = '2026-01-01T00:00:10Z';
      p.status.podIP = '10.244.0.5';
      p.spec.containers = [{ name: 'nginx', ports: [{ containerPort: 80, hostPort: 8081, protocol: 'TCP' }, { name: 'dns', containerPort: 53, hostPort: 5353, protocol: 'UDP' }, { containerPort: 9999 }] }];
    }),
    makePod('default', 'local-only', (p) => {
      p.metadata.creationTimestamp = '2026-01-01T00:00:20Z';
      p.status.podIP = '10.244.0.6';
      p.spec.containers = [{ name: 'agnhost', ports: [{ containerPort: 8080, hostPort: 8082, hostIP: '127.0.0.5', protocol: 'TCP' }, { containerPort: 8080, hostPort: 8083, hostIP: '0.0.0.0', protocol: 'TCP' }, { containerPort: 8080, hostPort: 8084, hostIP: 'fd00::1', protocol: 'TCP' }] }];
    }),
    makePod('kube-system', 'sidecar', (p) => {
      p.metadata.creationTimestamp = '2026-01-01T00:00:05Z';
      p.status.podIP = '10.244.0.7';
      p.spec.initContainers = [
        { name: 'proxy', restartPolicy: 'Always', ports: [{ containerPort: 9000, hostPort: 9000 }] },
        { name: 'setup', ports: [{ containerPort: 9100, hostPort: 9100 }] },
      ];
    }),
    makePod('default', 'squatter', (p) => {
      p.metadata.creationTimestamp = '2026-01-01T00:01:00Z';
      p.status.podIP = '10.244.0.8';
      p.spec.containers = [{ name: 'app', ports: [{ containerPort: 8080, hostPort: 8081, protocol: 'TCP' }, { containerPort: 7000, hostPort: 7000, protocol: 'SCTP' }] }];
    }),
    makePod('default', 'hostnet', (p) => {
      p.spec.hostNetwork = true;
      p.status.podIP = '10.244.0.1';
      p.spec.containers = [{ name: 'app', ports: [{ containerPort: 8085, hostPort: 8085 }] }];
    }),
    makePod('default', 'starting', (p) => {
      delete p.status.podIP;
      p.status.phase = 'Pending';
      p.spec.containers = [{ name: 'app', ports: [{ containerPort: 80, hostPort: 8086 }] }];
    }),
    makePod('default', 'done', (p) => {
      p.status.phase = 'Succeeded';
      p.status.podIP = '10.244.0.9';
      p.spec.containers = [{ name: 'app', ports: [{ containerPort: 80, hostPort: 8087 }] }];
    }),
    makePod('default', 'elsewhere', (p) => {
      p.spec.nodeName = 'node-2';
      p.status.podIP = '10.244.1.5';
      p.spec.containers = [{ name: 'app', ports: [{ containerPort: 80, hostPort: 8088 }] }];
    }),
  ];
}
