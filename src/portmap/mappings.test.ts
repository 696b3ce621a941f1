/** @module Which pods get port mappings, and in which order. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makePod, NODE, scenarioPods } from './fixtures.js';
import { desiredMappings, hostPortsOf, mapsPorts } from './mappings.js';

const show = (m: ReturnType<typeof desiredMappings>[number]) => `${m.pod} ${m.container} ${m.protocol} ${m.hostIP || '*'}:${m.hostPort} -> ${m.podIP}:${m.containerPort}`;

test('the scenario: running pods of this node with a hostPort, oldest first', () => {
  assert.deepEqual(desiredMappings(scenarioPods(), NODE).map(show), [
    'kube-system/sidecar proxy tcp *:9000 -> 10.244.0.7:9000',
    'default/web nginx tcp *:8081 -> 10.244.0.5:80',
    'default/web nginx udp *:5353 -> 10.244.0.5:53',
    'default/local-only agnhost tcp 127.0.0.5:8082 -> 10.244.0.6:8080',
    'default/local-only agnhost tcp *:8083 -> 10.244.0.6:8080',
    'default/squatter app tcp *:8081 -> 10.244.0.8:8080',
  ]);
});

test('no mappings: hostNetwork, no IP yet, finished, another node', () => {
  const byName = new Map(scenarioPods().map((p) => [p.metadata.name, p]));
  for (const name of ['hostnet', 'starting', 'done', 'elsewhere']) assert.equal(mapsPorts(byName.get(name)!, NODE), false, name);
  assert.equal(mapsPorts(byName.get('web')!, NODE), true);
});

test('hostPortsOf: sidecars (restartPolicy Always) and containers; plain init containers and ports without hostPort are not', () => {
  const pod = makePod('ns', 'p', (p) => {
    p.spec.initContainers = [{ name: 'once', ports: [{ containerPort: 1, hostPort: 1 }] }, { name: 'side', restartPolicy: 'Always', ports: [{ containerPort: 2, hostPort: 2 }] }];
    p.spec.containers = [{ name: 'app', ports: [{ containerPort: 3 }, { containerPort: 4, hostPort: 4 }] }];
  });
  assert.deepEqual(hostPortsOf(pod).map((x) => `${x.container}:${x.port.hostPort}`), ['side:2', 'app:4']);
});

test('same creation time: ordered by namespace/name', () => {
  const a = makePod('b', 'x', (p) => (p.spec.containers = [{ name: 'c', ports: [{ containerPort: 1, hostPort: 10 }] }]));
  const b = makePod('a', 'y', (p) => (p.spec.containers = [{ name: 'c', ports: [{ containerPort: 1, hostPort: 11 }] }]));
  assert.deepEqual(desiredMappings([a, b], NODE).map((m) => m.pod), ['a/y', 'b/x']);
});
