import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeObject, nodeStatus, type NodeFacts } from './node-object.js';
import { osImage } from './node-facts.js';

const facts: NodeFacts = { cpus: 4, memoryBytes: 8 * 2 ** 30, ephemeralStorageBytes: 100 * 2 ** 30, kernelVersion: '6.1.0', osImage: 'Debian GNU/Linux 12 (bookworm)', architecture: 'amd64', machineID: 'm', bootID: 'b', systemUUID: 's' };
const config = { nodeName: 'kubito-node', podCIDR: '10.244.0.0/24', internalIP: '10.244.0.1' };

test('the Node: labels and pod CIDR', () => {
  const node = nodeObject(config, facts);
  assert.equal(node.metadata.labels!['kubernetes.io/hostname'], 'kubito-node');
  assert.equal(node.metadata.labels!['kubernetes.io/os'], 'linux');
  assert.deepEqual((node as { spec?: unknown }).spec, { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'] });
});

test('its status: Ready, InternalIP, resources, nodeInfo; transitions kept', () => {
  const s = nodeStatus(config, facts, { now: 't1' }) as Record<string, any>;
  assert.deepEqual(s.capacity, { cpu: '4', 'ephemeral-storage': '104857600Ki', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: '8388608Ki', pods: '110' });
  assert.deepEqual(s.addresses, [{ type: 'InternalIP', address: '10.244.0.1' }, { type: 'Hostname', address: 'kubito-node' }]);
  const ready = s.conditions.find((c: { type: string }) => c.type === 'Ready');
  assert.deepEqual(ready, { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: 't1', lastTransitionTime: 't1' });
  assert.equal(s.nodeInfo.kubeletVersion, 'v1.33.0-kubito');
  assert.equal(s.nodeInfo.containerRuntimeVersion, 'kubito://0.1');
  const later = nodeStatus(config, facts, { now: 't2', previous: s.conditions }) as Record<string, any>;
  assert.deepEqual([later.conditions[3].lastHeartbeatTime, later.conditions[3].lastTransitionTime], ['t2', 't1']);
  assert.equal(osImage('NAME="Debian"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n'), 'Debian GNU/Linux 12 (bookworm)');
});
