import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAgentFlags } from './flags.js';

test('flags and their defaults', () => {
  assert.deepEqual(parseAgentFlags(['--cluster', 'demo', '--data-dir=/d']), {
    cluster: 'demo', dataDir: '/d', nodeName: 'demo-node', podCIDR: '10.244.0.0/24', clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local', resolvConf: '/etc/resolv.conf', proxyMode: 'nftables', clusterCIDR: '10.244.0.0/16', sandboxPool: 64,
  });
  assert.equal(parseAgentFlags(['--cluster=a', '--data-dir=/d', '--proxy-mode', 'iptables']).proxyMode, 'iptables');
  assert.throws(() => parseAgentFlags(['--cluster=a', '--data-dir=/d', '--proxy-mode=ipvs']), /--proxy-mode must be/);
  assert.deepEqual(parseAgentFlags(['--cluster=a', '--data-dir=/d', '--cluster-dns=', '--node-name', 'n1']).clusterDNS, []);
  assert.equal(parseAgentFlags(['--cluster=a', '--data-dir=/d', '--sandbox-pool=0']).sandboxPool, 0);
  assert.throws(() => parseAgentFlags(['--cluster=a', '--data-dir=/d', '--sandbox-pool=-1']), /--sandbox-pool must be/);
  assert.equal(parseAgentFlags(['--cluster=a', '--data-dir=/d', '--min-sync-period=250ms']).burstSyncPeriodMs, 250);
  assert.equal(parseAgentFlags(['--cluster=a', '--data-dir=/d', '--min-sync-period', '1.5s']).burstSyncPeriodMs, 1500);
  assert.equal(parseAgentFlags(['--cluster=a', '--data-dir=/d', '--min-sync-period=0']).burstSyncPeriodMs, 0);
  assert.throws(() => parseAgentFlags(['--cluster=a', '--data-dir=/d', '--min-sync-period=250']), /--min-sync-period must be a duration/);
  assert.throws(() => parseAgentFlags(['--data-dir=/d']), /--cluster is required/);
  assert.throws(() => parseAgentFlags(['--cluster=a', '--data-dir=/d', '--bogus=1']), /unknown argument "--bogus=1"/);
});
