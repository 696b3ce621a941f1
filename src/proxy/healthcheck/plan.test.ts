import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeDesiredState } from '../tracker/desired.js';
import { ep, makeService, makeSlice, TEST_NODE } from '../tracker/fixtures.js';
import { healthCheckResponse, healthChecksOf } from './plan.js';

function lbLocal(name: string, healthCheckNodePort: number) {
  return makeService('ns1', name, (s) => {
    s.spec.type = 'LoadBalancer';
    s.spec.clusterIP = '10.96.0.10';
    s.spec.externalTrafficPolicy = 'Local';
    s.spec.healthCheckNodePort = healthCheckNodePort;
    s.spec.ports = [
      { name: 'http', port: 80, protocol: 'TCP', nodePort: 30080 },
      { name: 'https', port: 443, protocol: 'TCP', nodePort: 30443 },
    ];
  });
}

test('health checks: LoadBalancer + Local only; local ready endpoints counted once per IP across ports', () => {
  const services = [
    lbLocal('web', 32000),
    makeService('ns1', 'cluster', (s) => {
      s.spec.type = 'LoadBalancer';
      s.spec.clusterIP = '10.96.0.11';
      s.spec.externalTrafficPolicy = 'Cluster';
      s.spec.ports = [{ port: 80, protocol: 'TCP', nodePort: 30081 }];
    }),
    lbLocal('empty', 32001),
  ];
  const slices = [
    makeSlice('ns1', 'web', 1, (s) => {
      s.ports = [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'https', port: 8443, protocol: 'TCP' }];
      s.endpoints = [
        ep('10.244.0.5'),
        ep('10.244.0.6'),
        ep('10.244.0.7', { ready: false }), // not ready: not counted
        ep('10.244.0.8', { ready: false, serving: true, terminating: true }), // terminating: not counted
        ep('10.244.1.9', { nodeName: 'node2' }), // another node's
      ];
    }),
    makeSlice('ns1', 'empty', 1, (s) => {
      s.ports = [{ name: 'http', port: 8080, protocol: 'TCP' }];
      s.endpoints = [ep('10.244.1.3', { nodeName: 'node2' })];
    }),
  ];
  const checks = healthChecksOf(computeDesiredState(services, slices, TEST_NODE));
  assert.deepEqual([...checks.entries()], [
    ['ns1/empty', { namespace: 'ns1', name: 'empty', port: 32001, localEndpoints: 0 }],
    ['ns1/web', { namespace: 'ns1', name: 'web', port: 32000, localEndpoints: 2 }],
  ]);
});

test('the answer is upstream\'s: 200 with local endpoints and a healthy proxy, else 503; tab-indented JSON', () => {
  assert.deepEqual(healthCheckResponse({ namespace: 'ns1', name: 'web', localEndpoints: 2 }, true), {
    status: 200,
    body: '{\n\t"service": {\n\t\t"namespace": "ns1",\n\t\t"name": "web"\n\t},\n\t"localEndpoints": 2,\n\t"serviceProxyHealthy": true\n}',
  });
  assert.equal(healthCheckResponse({ namespace: 'ns1', name: 'web', localEndpoints: 0 }, true).status, 503);
  const sick = healthCheckResponse({ namespace: 'ns1', name: 'web', localEndpoints: 2 }, false);
  assert.equal(sick.status, 503);
  assert.match(sick.body, /"serviceProxyHealthy": false\n}$/);
  assert.deepEqual(JSON.parse(sick.body), { service: { namespace: 'ns1', name: 'web' }, localEndpoints: 2, serviceProxyHealthy: false });
});
