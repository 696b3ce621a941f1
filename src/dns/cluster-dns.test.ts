/** @module The node agent's DNS configuration: kubeadm's Corefile values. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterDnsConfig } from './cluster-dns.js';

test('records have kubeadm\'s TTL, 30, unless told otherwise', () => {
  assert.deepEqual(clusterDnsConfig({ clusterDomain: 'Cluster.Local', host: '10.244.0.1' }), { zone: 'cluster.local.', ttl: 30, selfIPs: ['10.244.0.1'], pods: 'insecure' });
  assert.equal(clusterDnsConfig({ clusterDomain: 'cluster.local.', host: '10.244.0.1', ttl: 5 }).ttl, 5);
});
