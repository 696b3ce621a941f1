import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '../client/index.js';
import { FakeClock } from '../client/testing/fake-clock.js';
import { FakeTransport } from '../client/testing/fake-transport.js';
import { LEASES, NODES } from './api-refs.js';
import { microTime, NodeRegistration } from './node-registration.js';
import type { NodeFacts } from './node-object.js';

const facts: NodeFacts = { cpus: 2, memoryBytes: 2 ** 30, ephemeralStorageBytes: 2 ** 34, kernelVersion: 'k', osImage: 'o', architecture: 'amd64', machineID: 'm', bootID: 'b', systemUUID: 's' };

test('registers the Node with a Ready status, takes its Lease and renews it every 10 s', async () => {
  const fake = new FakeTransport();
  const clock = new FakeClock(Date.parse('2024-01-01T00:00:00Z'));
  const reg = new NodeRegistration(new Client(fake), { clock, config: { nodeName: 'kubito-node', podCIDR: '10.244.0.0/24', internalIP: '10.244.0.1' }, facts, log: () => undefined });
  await reg.start();
  const node = fake.object(NODES, { name: 'kubito-node' }) as unknown as { status: { conditions: Array<{ type: string; status: string }> } };
  assert.equal(node.status.conditions.find((c) => c.type === 'Ready')?.status, 'True');
  const lease = () => fake.object(LEASES, { namespace: 'kube-node-lease', name: 'kubito-node' }) as unknown as { metadata: { ownerReferences?: Array<{ kind: string }> }; spec: { holderIdentity: string; leaseDurationSeconds: number; renewTime: string } };
  assert.deepEqual(lease().spec, { holderIdentity: 'kubito-node', leaseDurationSeconds: 40, renewTime: '2024-01-01T00:00:00.000000Z' });
  assert.equal(lease().metadata.ownerReferences?.[0].kind, 'Node');
  await clock.advance(10_000);
  assert.equal(lease().spec.renewTime, '2024-01-01T00:00:10.000000Z');
  reg.stop();
  await clock.advance(60_000);
  assert.equal(lease().spec.renewTime, '2024-01-01T00:00:10.000000Z');
  assert.equal(microTime(Date.parse('2024-01-01T00:00:00.123Z')), '2024-01-01T00:00:00.123000Z');
});

test('an existing Node of that name is taken over', async () => {
  const fake = new FakeTransport();
  fake.set(NODES, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'kubito-node', labels: { keep: 'me' } } });
  const reg = new NodeRegistration(new Client(fake), { clock: new FakeClock(0), config: { nodeName: 'kubito-node', podCIDR: '10.244.0.0/24', internalIP: '10.244.0.1' }, facts, log: () => undefined });
  await reg.start();
  reg.stop();
  const node = fake.object(NODES, { name: 'kubito-node' })!;
  assert.equal(node.metadata.labels?.keep, 'me');
  assert.equal(node.metadata.labels?.['kubernetes.io/hostname'], 'kubito-node');
});

test('each start records the kubelet\'s node events, about the node by its name (uid = name, as the kubelet\'s nodeRef); NodeReady only on a transition', async () => {
  const recorded: Array<{ kind?: string; name?: string; uid?: string; reason: string; message: string }> = [];
  const events = { event: (o: { kind?: string; metadata: { name?: string; uid?: string } }, _type: string, reason: string, message: string) => void recorded.push({ kind: o.kind, name: o.metadata.name, uid: o.metadata.uid, reason, message }) };
  const fake = new FakeTransport();
  const config = { nodeName: 'kubito-node', podCIDR: '10.244.0.0/24', internalIP: '10.244.0.1' };
  const reg = new NodeRegistration(new Client(fake), { clock: new FakeClock(0), config, facts, log: () => undefined, events });
  await reg.start();
  reg.stop();
  assert.deepEqual(recorded.map((e) => [e.reason, e.message]), [
    ['Starting', 'Starting kubelet.'],
    ['NodeHasSufficientMemory', 'Node kubito-node status is now: NodeHasSufficientMemory'],
    ['NodeHasNoDiskPressure', 'Node kubito-node status is now: NodeHasNoDiskPressure'],
    ['NodeHasSufficientPID', 'Node kubito-node status is now: NodeHasSufficientPID'],
    ['NodeAllocatableEnforced', 'Updated Node Allocatable limit across pods'],
  ]);
  assert.ok(recorded.every((e) => e.kind === 'Node' && e.name === 'kubito-node' && e.uid === 'kubito-node'));
  // A node left NotReady (Unknown) comes back Ready: NodeReady.
  recorded.length = 0;
  const node = fake.object(NODES, { name: 'kubito-node' }) as unknown as { status: { conditions: Array<{ type: string; status: string }> } };
  node.status.conditions.find((c) => c.type === 'Ready')!.status = 'Unknown';
  fake.set(NODES, node as never);
  const again = new NodeRegistration(new Client(fake), { clock: new FakeClock(0), config, facts, log: () => undefined, events });
  await again.start();
  again.stop();
  assert.deepEqual(recorded.at(-1), { kind: 'Node', name: 'kubito-node', uid: 'kubito-node', reason: 'NodeReady', message: 'Node kubito-node status is now: NodeReady' });
  assert.equal(recorded.filter((e) => e.reason === 'NodeReady').length, 1);
});

test('conditions the node controller set Unknown are posted back at once, with new transition times and the setters\' events', async () => {
  const recorded: string[] = [];
  const events = { event: (_o: unknown, _type: string, reason: string) => void recorded.push(reason) };
  const fake = new FakeTransport();
  const clock = new FakeClock(Date.parse('2024-01-01T00:00:00Z'));
  const reg = new NodeRegistration(new Client(fake), { clock, config: { nodeName: 'kubito-node', podCIDR: '10.244.0.0/24', internalIP: '10.244.0.1' }, facts, log: () => undefined, events });
  await reg.start();
  type Cond = { type: string; status: string; reason: string; lastTransitionTime: string };
  const stored = () => fake.object(NODES, { name: 'kubito-node' }) as unknown as { status: { conditions: Cond[] } };
  reg.observe(stored() as never);
  assert.equal(recorded.length, 5, 'a node as the kubelet reports it: nothing to post');
  await clock.advance(60_000);
  const node = stored();
  for (const c of node.status.conditions) Object.assign(c, { status: 'Unknown', reason: 'NodeStatusUnknown' });
  fake.set(NODES, node as never);
  reg.observe(node as never);
  await clock.advance(0);
  for (let i = 0; i < 10; i++) await Promise.resolve();
  const ready = stored().status.conditions.find((c) => c.type === 'Ready')!;
  assert.deepEqual([ready.status, ready.reason, ready.lastTransitionTime], ['True', 'KubeletReady', '2024-01-01T00:01:00Z']);
  assert.deepEqual(recorded.slice(5), ['NodeHasSufficientMemory', 'NodeHasNoDiskPressure', 'NodeHasSufficientPID', 'NodeReady']);
  reg.stop();
});
