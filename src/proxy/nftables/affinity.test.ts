/** @module Affinity clients carried over a full nftables sync: `nft -j list sets` parsed, `add element` lines. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { affinityCarryOver, hasAffinitySets, parseAffinityClients } from './affinity.js';
import type { TableState } from './render.js';

// What nft 1.0.6 prints for `nft -j list sets ip` (cluster-ips and another table's set are skipped).
const LISTED = JSON.stringify({
  nftables: [
    { metainfo: { version: '1.0.6', json_schema_version: 1 } },
    { set: { family: 'ip', name: 'cluster-ips', table: 'kube-proxy', type: 'ipv4_addr', elem: ['10.96.0.1'] } },
    { set: { family: 'ip', name: 'affinity-A', table: 'kube-proxy', type: 'ipv4_addr', flags: ['timeout'], timeout: 10800, elem: [{ elem: { val: '10.244.0.5', expires: 99 } }, { elem: { val: '10.244.0.6', expires: 20000 } }] } },
    { set: { family: 'ip', name: 'affinity-B', table: 'kube-proxy', type: 'ipv4_addr', flags: ['timeout'], timeout: 60, elem: [{ elem: { val: '10.244.0.7', expires: 0 } }] } },
    { set: { family: 'ip', name: 'affinity-C', table: 'other', type: 'ipv4_addr', elem: [{ elem: { val: '10.244.0.8', expires: 5 } }] } },
  ],
});

function table(sets: { name: string; timeoutSeconds: number }[]): TableState {
  return { ports: new Map([['ns/s:p/TCP', { key: 'ns/s:p/TCP', servicePortName: 'ns/s:p', clusterIP: '10.96.0.9', chains: [], sets, rules: [], elements: [] }]]), clusterIPs: new Map() };
}

test('the clients of kube-proxy affinity sets, with their seconds left', () => {
  const clients = parseAffinityClients(LISTED);
  assert.deepEqual([...clients.keys()], ['affinity-A', 'affinity-B']);
  assert.deepEqual(clients.get('affinity-A'), [{ ip: '10.244.0.5', expiresSeconds: 99 }, { ip: '10.244.0.6', expiresSeconds: 20000 }]);
  assert.equal(parseAffinityClients('not json').size, 0);
});

test('carried over into the sets of the same name, expiry capped at the new timeout; expired ones and gone sets dropped', () => {
  const clients = parseAffinityClients(LISTED);
  assert.deepEqual(affinityCarryOver(clients, table([{ name: 'affinity-A', timeoutSeconds: 10800 }, { name: 'affinity-B', timeoutSeconds: 60 }, { name: 'affinity-D', timeoutSeconds: 60 }])), [
    'add element ip kube-proxy affinity-A { 10.244.0.5 timeout 10800s expires 99s, 10.244.0.6 timeout 10800s expires 10800s }',
  ]);
  assert.deepEqual(affinityCarryOver(clients, table([{ name: 'affinity-A', timeoutSeconds: 30 }])), ['add element ip kube-proxy affinity-A { 10.244.0.5 timeout 30s expires 30s, 10.244.0.6 timeout 30s expires 30s }']);
  assert.equal(hasAffinitySets(table([])), false);
  assert.equal(hasAffinitySets(table([{ name: 'affinity-A', timeoutSeconds: 30 }])), true);
});
