/** @module Which pods get port mappings, and in which order. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makePod, NODE, scenarioPods } from './fixtures.js';
import { desiredMappings, hostPortsOf, mapsPorts, planMappings } from './mappings.js';

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

test("a host port kubito's DNS holds on the node is not mapped, even past the scheduler", () => {
  // The DNS's mirror pod as the API stores it: hostNetwork, its ports defaulted to host ports.
  const dns = makePod('kube-system', 'kube-dns-node-1', (p) => {
    p.metadata.annotations = { 'kubernetes.io/config.mirror': 'abc' };
    p.spec.hostNetwork = true;
    p.status.podIP = '10.244.0.1';
    p.spec.containers = [{ name: 'dns', ports: [{ containerPort: 53, hostPort: 53, protocol: 'UDP' }, { containerPort: 53, hostPort: 53, protocol: 'TCP' }, { containerPort: 9153, hostPort: 9153, protocol: 'TCP' }] }];
  });
  // A user's hostNetwork pod is no mirror pod: its ports do not keep others' mappings out here.
  const hostnet = makePod('default', 'hostnet', (p) => {
    p.spec.hostNetwork = true;
    p.spec.containers = [{ name: 'c', ports: [{ containerPort: 7070, hostPort: 7070 }] }];
  });
  const user = makePod('default', 'resolver', (p) => {
    p.status.podIP = '10.244.0.20';
    p.spec.containers = [{ name: 'c', ports: [{ containerPort: 5353, hostPort: 53, protocol: 'UDP' }, { containerPort: 9153, hostPort: 9153, hostIP: '127.0.0.5' }, { containerPort: 8080, hostPort: 8080 }, { containerPort: 8181, hostPort: 8181 }, { containerPort: 7070, hostPort: 7070 }] }];
  });
  const plan = planMappings([dns, hostnet, user], NODE);
  assert.deepEqual(plan.mappings.map(show), [
    'default/resolver c tcp *:8080 -> 10.244.0.20:8080',
    'default/resolver c tcp *:8181 -> 10.244.0.20:8181',
    'default/resolver c tcp *:7070 -> 10.244.0.20:7070',
  ]);
  assert.deepEqual(plan.refused.map((r) => `${show(r.mapping)} held by ${r.heldBy}`), [
    'default/resolver c udp *:53 -> 10.244.0.20:5353 held by kube-system/kube-dns-node-1',
    'default/resolver c tcp 127.0.0.5:9153 -> 10.244.0.20:9153 held by kube-system/kube-dns-node-1',
  ]);
  assert.deepEqual(desiredMappings([dns, hostnet, user], NODE), plan.mappings);
});
