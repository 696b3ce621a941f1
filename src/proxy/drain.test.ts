/** @module routesNewConnectionsTo: ready endpoints count, serving-and-terminating ones do not. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { routesNewConnectionsTo } from './drain.js';
import { computeDesiredState } from './tracker/desired.js';
import { ep, makeService, makeSlice, TEST_NODE } from './tracker/fixtures.js';

const web = makeService('ns1', 'web', (s) => {
  s.spec.clusterIP = '10.96.0.20';
  s.spec.ports = [{ name: 'http', protocol: 'TCP', port: 80 }];
});
const state = (...endpoints: ReturnType<typeof ep>[]) =>
  computeDesiredState([web], [makeSlice('ns1', 'web', 1, (s) => {
    s.endpoints = endpoints;
    s.ports = [{ name: 'http', port: 80, protocol: 'TCP' }];
  })], TEST_NODE);

test('a ready endpoint is routed to; once terminating (ready false) it is not, even as the fallback', () => {
  assert.equal(routesNewConnectionsTo(state(ep('10.244.0.2'), ep('10.244.0.3')), ['10.244.0.2']), true);
  const terminating = ep('10.244.0.2', { ready: false, serving: true, terminating: true });
  assert.equal(routesNewConnectionsTo(state(terminating, ep('10.244.0.3')), ['10.244.0.2']), false);
  // Every endpoint terminating: the rules still use it (upstream's fallback), but waiting moves nothing.
  assert.equal(routesNewConnectionsTo(state(terminating), ['10.244.0.2']), false);
  assert.equal(routesNewConnectionsTo(state(ep('10.244.0.3')), ['10.244.0.2']), false);
  assert.equal(routesNewConnectionsTo(state(ep('10.244.0.2')), []), false);
});
