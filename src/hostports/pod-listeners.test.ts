import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makePod } from '../portmap/fixtures.js';
import { hostListenersForPod } from './pod-listeners.js';

const CONFIG = { nodeIP: '10.244.0.1', hostIP: '127.0.0.1' };

function lines(pod: ReturnType<typeof makePod>): string[] {
  return hostListenersForPod(pod, CONFIG).map((l) => `${l.key} => ${l.target.ip}:${l.target.port} (${l.kind} ${l.container}${l.portName ? ` ${l.portName}` : ''})`);
}

test('a running pod: each hostPort on 127.0.0.1 (to the node address), a 127/8 hostIP on itself, other hostIPs nowhere', () => {
  const pod = makePod('default', 'web', (p) => {
    p.spec.containers = [
      { name: 'nginx', ports: [{ name: 'http', containerPort: 80, hostPort: 8081 }, { containerPort: 53, hostPort: 5353, protocol: 'UDP' }, { containerPort: 9, hostPort: 9, protocol: 'SCTP' }, { containerPort: 81 }] },
      { name: 'side', ports: [{ containerPort: 82, hostPort: 8082, hostIP: '127.0.0.5' }, { containerPort: 83, hostPort: 8083, hostIP: '0.0.0.0' }, { containerPort: 84, hostPort: 8084, hostIP: '10.244.0.1' }] },
    ];
  });
  assert.deepEqual(lines(pod), [
    'TCP 127.0.0.1:8081 => 10.244.0.1:8081 (HostPort nginx http)',
    'TCP 127.0.0.1:8083 => 10.244.0.1:8083 (HostPort side)',
    'TCP 127.0.0.5:8082 => 127.0.0.5:8082 (HostPort side)',
    'UDP 127.0.0.1:5353 => 10.244.0.1:5353 (HostPort nginx)',
  ]);
});

test('hostNetwork pods are served too (their socket is in the node namespace); pods not running are not', () => {
  const ports = [{ name: 'c', ports: [{ containerPort: 8085, hostPort: 8085 }] }];
  assert.deepEqual(lines(makePod('d', 'hn', (p) => ((p.spec.hostNetwork = true), (p.status.podIP = '10.244.0.1'), (p.spec.containers = ports)))), ['TCP 127.0.0.1:8085 => 10.244.0.1:8085 (HostPort c)']);
  assert.deepEqual(lines(makePod('d', 'pending', (p) => (delete p.status.podIP, (p.spec.containers = ports)))), []);
  assert.deepEqual(lines(makePod('d', 'done', (p) => ((p.status.phase = 'Failed'), (p.spec.containers = ports)))), []);
  assert.deepEqual(lines(makePod('d', 'unbound', (p) => (delete p.spec.nodeName, (p.spec.containers = ports)))), []);
});

test("a mirror pod's ports stay off the host: they are the node's own servers (kubito's cluster DNS, hostNetwork)", () => {
  const dns = makePod('kube-system', 'kube-dns-n', (p) => {
    p.metadata.annotations = { 'kubernetes.io/config.mirror': 'abc' };
    p.spec.hostNetwork = true;
    p.status.podIP = '10.244.0.1';
    p.spec.containers = [{ name: 'dns', ports: [{ name: 'dns', containerPort: 53, hostPort: 53, protocol: 'UDP' }, { name: 'metrics', containerPort: 9153, hostPort: 9153 }] }];
  });
  assert.deepEqual(lines(dns), []);
  delete dns.metadata.annotations!['kubernetes.io/config.mirror'];
  assert.equal(lines(dns).length, 2, 'the same pod made by a user is served');
});
