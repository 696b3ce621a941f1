import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeSlices } from './endpoints.js';
import { ep, makeSlice } from './fixtures.js';

test('an address that is not IPv4, or a port outside 1-65535, never reaches the endpoints (rule text)', () => {
  const slice = makeSlice('ns1', 'svc1', 1, (s) => {
    s.ports = [{ name: 'p80', port: 80, protocol: 'TCP' }, { name: 'huge', port: 99999, protocol: 'TCP' }, { name: 'frac', port: 80.5, protocol: 'TCP' }];
    s.endpoints = [ep('10.180.0.1'), ep('foo bar; flush ruleset'), ep('10.180.0.300'), ep('fd00::1'), ep('010.180.0.2')];
  });
  const merged = mergeSlices([slice], 'node1');
  assert.deepEqual([...merged.keys()], ['p80/TCP']);
  assert.deepEqual(merged.get('p80/TCP')!.endpoints.map((e) => `${e.ip}:${e.port}`), ['010.180.0.2:80', '10.180.0.1:80']);
});
