import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeDesiredState } from './desired.js';
import { mergeSlices } from './endpoints.js';
import { ep, makeService, makeSlice, TEST_NODE } from './fixtures.js';

test('an address that is not IPv4, or a port outside 1-65535, never reaches the endpoints (rule text)', () => {
  const slice = makeSlice('ns1', 'svc1', 1, (s) => {
    s.ports = [{ name: 'p80', port: 80, protocol: 'TCP' }, { name: 'huge', port: 99999, protocol: 'TCP' }, { name: 'frac', port: 80.5, protocol: 'TCP' }];
    s.endpoints = [ep('10.180.0.1'), ep('foo bar; flush ruleset'), ep('10.180.0.300'), ep('fd00::1'), ep('010.180.0.2')];
  });
  const merged = mergeSlices([slice], 'node1');
  assert.deepEqual([...merged.keys()], ['p80/TCP']);
  assert.deepEqual(merged.get('p80/TCP')!.endpoints.map((e) => `${e.ip}:${e.port}`), ['010.180.0.2:80', '10.180.0.1:80']);
});

test('nil conditions read as kube-proxy reads them: ready and serving nil = true, terminating nil = false', () => {
  // pkg/proxy/endpointslicecache.go newEndpointSliceInfo: `Serving: Serving == nil || *Serving`
  // (not "defer to ready"): a terminating endpoint with ready false and no serving condition is
  // serving, so it is the serving-and-terminating fallback when no endpoint is ready.
  const slice = makeSlice('ns1', 'svc1', 1, (s) => {
    s.ports = [{ name: 'p80', port: 80, protocol: 'TCP' }];
    s.endpoints = [
      { addresses: ['10.180.0.1'], conditions: { ready: false, terminating: true }, nodeName: 'node1' },
      { addresses: ['10.180.0.2'], conditions: {}, nodeName: 'node1' },
      { addresses: ['10.180.0.3'], conditions: { ready: false }, nodeName: 'node1' },
    ];
  });
  const flags = mergeSlices([slice], 'node1').get('p80/TCP')!.endpoints.map((e) => [e.ip, e.ready, e.serving, e.terminating]);
  assert.deepEqual(flags, [
    ['10.180.0.1', false, true, true],
    ['10.180.0.2', true, true, false],
    ['10.180.0.3', false, true, false],
  ]);
  const svc = makeService('ns1', 'svc1', (s) => {
    s.spec.clusterIP = '172.30.0.41';
    s.spec.ports = [{ name: 'p80', protocol: 'TCP', port: 80 }];
  });
  const onlyTerminating = makeSlice('ns1', 'svc1', 1, (s) => {
    s.ports = [{ name: 'p80', port: 80, protocol: 'TCP' }];
    s.endpoints = [{ addresses: ['10.180.0.1'], conditions: { ready: false, terminating: true }, nodeName: 'node1' }];
  });
  const [sp] = computeDesiredState([svc], [onlyTerminating], TEST_NODE).servicePorts;
  assert.deepEqual(sp.clusterEndpoints.map((e) => e.ip), ['10.180.0.1']);
});
