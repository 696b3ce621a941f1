import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DAY, HOUR, NOW, ago, makeLease, makeNamespace, makeNode } from './testing/builders.js';
import { kubectlGet, lines } from './testing/kubectl-print.js';

test('kubectl get namespaces', () => {
  const namespaces = [
    makeNamespace('default', (n) => (n.metadata.creationTimestamp = ago(2 * DAY + 3 * HOUR))),
    makeNamespace('going', (n) => {
      n.metadata.deletionTimestamp = ago(5);
      n.status.phase = 'Terminating';
    }),
  ];
  assert.equal(
    kubectlGet('v1', 'Namespace', namespaces, { now: NOW }),
    lines(
      'NAME      STATUS        AGE',
      'default   Active        2d3h',
      'going     Terminating   0s',
    ),
  );
});

test('kubectl get nodes (-o wide): Ready/NotReady/Unknown, SchedulingDisabled, roles', () => {
  const nodes = [
    makeNode('kubito-control-plane', (n) => {
      n.metadata.creationTimestamp = ago(3 * HOUR + 7 * 60);
      n.metadata.labels = { 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/hostname': 'kubito-control-plane' };
    }),
    makeNode('worker-1', (n) => {
      n.metadata.labels = { 'kubernetes.io/role': 'worker', 'node-role.kubernetes.io/ingress': '' };
      n.spec.unschedulable = true;
      n.status.conditions = [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'Unknown' }];
      n.status.addresses.push({ type: 'ExternalIP', address: '127.0.0.5' });
    }),
    makeNode('worker-2', (n) => {
      n.status.conditions = [];
      n.status.nodeInfo = {};
      n.status.addresses = [];
    }),
  ];
  assert.equal(
    kubectlGet('v1', 'Node', nodes, { now: NOW }),
    lines(
      'NAME                   STATUS                        ROLES            AGE    VERSION',
      'kubito-control-plane   Ready                         control-plane    3h7m   v1.32.0-kubito',
      'worker-1               NotReady,SchedulingDisabled   ingress,worker   0s     v1.32.0-kubito',
      'worker-2               Unknown                       <none>           0s     ',
    ),
  );
  assert.equal(
    kubectlGet('v1', 'Node', nodes.slice(1), { now: NOW, wide: true }),
    lines(
      'NAME       STATUS                        ROLES            AGE   VERSION          INTERNAL-IP   EXTERNAL-IP   OS-IMAGE                         KERNEL-VERSION   CONTAINER-RUNTIME',
      'worker-1   NotReady,SchedulingDisabled   ingress,worker   0s    v1.32.0-kubito   172.18.0.2    127.0.0.5     Debian GNU/Linux 12 (bookworm)   6.1.0-18-amd64   kubito://0.1.0',
      'worker-2   Unknown                       <none>           0s                     <none>        <none>        <unknown>                        <unknown>        <unknown>',
    ),
  );
});

test('kubectl get leases -n kube-node-lease', () => {
  const leases = [
    makeLease('kube-node-lease', 'node-1', (l) => {
      l.metadata.creationTimestamp = ago(3 * HOUR + 7 * 60);
      l.spec = { holderIdentity: 'node-1', leaseDurationSeconds: 40 };
    }),
    makeLease('kube-system', 'unheld'),
  ];
  assert.equal(
    kubectlGet('coordination.k8s.io/v1', 'Lease', leases, { now: NOW }),
    lines(
      'NAME     HOLDER   AGE',
      'node-1   node-1   3h7m',
      'unheld            0s',
    ),
  );
});
