/** @module Tests of the node lifecycle and taint eviction controllers against the fake API server, on a fake clock. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findResource } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { Client, InformerFactory } from '../../client/index.js';
import { FakeClock, settle } from '../../client/testing/fake-clock.js';
import { FakeTransport } from '../../client/testing/fake-transport.js';
import type { Controller, ClusterConfig } from '../controller.js';
import { NodeLifecycleController } from './controller.js';
import { TaintEvictionController } from './taint-eviction.js';

const NODES = findResource('', 'v1', 'nodes')!;
const PODS = findResource('', 'v1', 'pods')!;
const LEASES = findResource('coordination.k8s.io', 'v1', 'leases')!;
const config: ClusterConfig = { serviceCIDR: '10.96.0.0/12', nodePortRange: { first: 30000, last: 32767 }, loadBalancerPool: '127.0.100.0/24', clusterDomain: 'cluster.local' };
const T0 = Date.parse('2026-11-30T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

async function idle(): Promise<void> {
  for (let i = 0; i < 30; i++) await settle();
}

function readyNode(name: string, labels: Record<string, string> = {}): KubeObject {
  const c = (type: string, status: string) => ({ type, status, reason: 'Kubelet', lastHeartbeatTime: iso(T0), lastTransitionTime: iso(T0) });
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, uid: `uid-${name}`, creationTimestamp: iso(T0), labels }, spec: {}, status: { conditions: [c('MemoryPressure', 'False'), c('DiskPressure', 'False'), c('PIDPressure', 'False'), c('Ready', 'True')] } } as KubeObject;
}

function pod(name: string, nodeName: string, tolerations?: unknown[]): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: `uid-${name}` }, spec: { nodeName, containers: [{ name: 'c', image: 'busybox' }], ...(tolerations ? { tolerations } : {}) }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: iso(T0) }] } } as KubeObject;
}

async function started(make: () => Controller, seed: (fake: FakeTransport) => void) {
  const fake = new FakeTransport();
  seed(fake);
  const client = new Client(fake);
  const clock = new FakeClock(T0);
  const events: string[] = [];
  const informers = new InformerFactory(client, { clock, random: () => 0, onError: (e) => assert.fail(e) });
  const controller = make();
  controller.setup({ client, informers, clock, config, events: { event: (o, type, reason, message) => void events.push(`${o.kind} ${o.metadata.name} ${type} ${reason}: ${message}`) } });
  informers.start();
  assert.equal(await informers.waitForSync(), true);
  const running = controller.run();
  await idle();
  const stop = async () => {
    controller.stop();
    informers.stop();
    await running;
  };
  return { fake, clock, events, stop };
}

type NodeView = { spec?: { taints?: Array<{ key: string; effect: string; timeAdded?: string }>; unschedulable?: boolean }; status: { conditions: Array<{ type: string; status: string; reason?: string }> } };
type PodView = { status: { conditions: Array<{ type: string; status: string; reason?: string }> } };

test('RegisteredNode; cordon taints node.kubernetes.io/unschedulable:NoSchedule and uncordon removes it', async () => {
  const { fake, events, stop } = await started(() => new NodeLifecycleController({ onError: (m) => assert.fail(m) }), (f) => f.set(NODES, readyNode('n1')));
  assert.deepEqual(events, ['Node n1 Normal RegisteredNode: Node n1 event: Registered Node n1 in Controller']);
  const n = fake.object(NODES, { name: 'n1' })!;
  fake.set(NODES, { ...n, spec: { unschedulable: true } } as KubeObject);
  await idle();
  assert.deepEqual((fake.object(NODES, { name: 'n1' }) as unknown as NodeView).spec?.taints, [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: iso(T0) }]);
  const cordoned = fake.object(NODES, { name: 'n1' })!;
  fake.set(NODES, { ...cordoned, spec: { ...(cordoned as unknown as NodeView).spec, unschedulable: false } } as KubeObject);
  await idle();
  assert.equal((fake.object(NODES, { name: 'n1' }) as unknown as NodeView).spec?.taints, undefined);
  await stop();
});

test('a node that stops renewing its Lease: Unknown after 50 s, NodeNotReady, its pods not Ready, unreachable:NoSchedule; the only node is not tainted NoExecute', async () => {
  const { fake, clock, events, stop } = await started(() => new NodeLifecycleController({ onError: (m) => assert.fail(m) }), (f) => {
    f.set(NODES, readyNode('n1'));
    f.set(LEASES, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'n1', namespace: 'kube-node-lease' }, spec: { renewTime: '2026-11-30T00:00:00.000000Z' } } as KubeObject);
    f.set(PODS, pod('web', 'n1'));
  });
  await clock.advance(45_000);
  await idle();
  assert.equal((fake.object(NODES, { name: 'n1' }) as unknown as NodeView).status.conditions.find((c) => c.type === 'Ready')?.status, 'True', 'within the grace period');
  await clock.advance(10_000);
  await idle();
  const node = fake.object(NODES, { name: 'n1' }) as unknown as NodeView;
  assert.deepEqual(node.status.conditions.map((c) => `${c.type}=${c.status}/${c.reason}`), ['MemoryPressure=Unknown/NodeStatusUnknown', 'DiskPressure=Unknown/NodeStatusUnknown', 'PIDPressure=Unknown/NodeStatusUnknown', 'Ready=Unknown/NodeStatusUnknown']);
  assert.deepEqual(node.spec?.taints?.map((t) => `${t.key}:${t.effect}`), ['node.kubernetes.io/unreachable:NoSchedule']);
  assert.equal((fake.object(PODS, { namespace: 'default', name: 'web' }) as unknown as PodView).status.conditions.find((c) => c.type === 'Ready')?.status, 'False');
  assert.ok(events.includes('Node n1 Normal NodeNotReady: Node n1 status is now: NodeNotReady'));
  assert.ok(events.includes('Pod web Warning NodeNotReady: Node is not ready'));
  await clock.advance(30_000);
  await idle();
  assert.ok(!(fake.object(NODES, { name: 'n1' }) as unknown as NodeView).spec?.taints?.some((t) => t.effect === 'NoExecute'), 'every zone fully disrupted: no NoExecute taint');
  await stop();
});

test('pods that could not be marked not Ready are tried again on the next pass (nodesToRetry)', async () => {
  const errors: string[] = [];
  const { fake, clock, stop } = await started(() => new NodeLifecycleController({ onError: (m) => void errors.push(m) }), (f) => {
    f.set(NODES, readyNode('n1'));
    f.set(PODS, pod('web', 'n1'));
  });
  let failures = 1;
  fake.inject((a) => (a.verb === 'patch' && a.name === 'web' && a.subresource === 'status' && failures-- > 0 ? new Error('connection reset') : undefined));
  await clock.advance(55_000);
  await idle();
  const ready = () => (fake.object(PODS, { namespace: 'default', name: 'web' }) as unknown as PodView).status.conditions.find((c) => c.type === 'Ready')?.status;
  assert.equal(ready(), 'True', 'the first try failed');
  assert.equal(errors.length, 1);
  await clock.advance(5_000);
  await idle();
  assert.equal(ready(), 'False');
  await stop();
});

test('beside a Ready node, one that stops posting is tainted unreachable:NoExecute; Ready again, the taint goes', async () => {
  const { fake, clock, stop } = await started(() => new NodeLifecycleController({ onError: (m) => assert.fail(m) }), (f) => {
    f.set(NODES, readyNode('good'));
    f.set(NODES, readyNode('gone'));
  });
  const renew = () => fake.set(LEASES, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'good', namespace: 'kube-node-lease' }, spec: { renewTime: new Date(clock.now()).toISOString().replace('Z', '000Z') } } as KubeObject);
  for (let i = 0; i < 14; i++) {
    renew();
    await clock.advance(5_000);
    await idle();
  }
  const gone = () => fake.object(NODES, { name: 'gone' }) as unknown as NodeView;
  assert.deepEqual(gone().spec?.taints?.map((t) => `${t.key}:${t.effect}`).sort(), ['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule']);
  assert.equal((fake.object(NODES, { name: 'good' }) as unknown as NodeView).spec?.taints, undefined);
  // The kubelet posts Ready again.
  const back = readyNode('gone');
  (back as unknown as NodeView).status.conditions.forEach((c) => Object.assign(c, { lastHeartbeatTime: iso(clock.now()) }));
  fake.set(NODES, { ...back, spec: gone().spec } as KubeObject);
  renew();
  await clock.advance(5_000);
  await idle();
  assert.deepEqual(gone().spec?.taints ?? [], []);
  await stop();
});

test('zones: a fully disrupted zone beside a healthy one is tainted NoExecute at the normal rate; a small zone in partial disruption is not', async () => {
  const zone = (z: string) => ({ 'topology.kubernetes.io/zone': z });
  const names = ['a1', 'b1', 'c1', 'c2', 'c3', 'c4'];
  const { fake, clock, stop } = await started(() => new NodeLifecycleController({ onError: (m) => assert.fail(m) }), (f) => {
    for (const name of names) f.set(NODES, readyNode(name, zone(name[0]!)));
  });
  const alive = ['a1', 'c1'];
  const renew = () => {
    for (const name of alive) fake.set(LEASES, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: 'kube-node-lease' }, spec: { renewTime: new Date(clock.now()).toISOString().replace('Z', '000Z') } } as KubeObject);
  };
  for (let i = 0; i < 14; i++) {
    renew();
    await clock.advance(5_000);
    await idle();
  }
  const noExecute = (name: string) => ((fake.object(NODES, { name }) as unknown as NodeView).spec?.taints ?? []).filter((t) => t.effect === 'NoExecute').map((t) => t.key);
  assert.deepEqual(names.map(noExecute), [[], ['node.kubernetes.io/unreachable'], [], [], [], []]);
  await stop();
});

test('taint eviction: a NoExecute taint deletes pods that do not tolerate it at once, the others when their tolerationSeconds run out; removing it cancels', async () => {
  const { fake, clock, events, stop } = await started(() => new TaintEvictionController({ onError: (m) => assert.fail(m) }), (f) => {
    f.set(NODES, readyNode('n1'));
    f.set(PODS, pod('plain', 'n1'));
    f.set(PODS, pod('brief', 'n1', [{ key: 'evict', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 }]));
    f.set(PODS, pod('forever', 'n1', [{ operator: 'Exists' }]));
    f.set(PODS, pod('later', 'n1', [{ key: 'evict', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }]));
  });
  const n = fake.object(NODES, { name: 'n1' })!;
  fake.set(NODES, { ...n, spec: { taints: [{ key: 'evict', value: 'now', effect: 'NoExecute' }] } } as KubeObject);
  await idle();
  const exists = (name: string) => !!fake.object(PODS, { namespace: 'default', name });
  assert.deepEqual(['plain', 'brief', 'forever', 'later'].map(exists), [false, true, true, true]);
  assert.ok(fake.actions.some((a) => a.verb === 'patch' && a.name === 'plain' && a.subresource === 'status' && JSON.stringify(a.object).includes('DeletionByTaintManager')), 'DisruptionTarget before the delete');
  await clock.advance(5_000);
  await idle();
  assert.deepEqual(['brief', 'forever', 'later'].map(exists), [false, true, true]);
  fake.set(NODES, { ...n, spec: {} } as KubeObject);
  await idle();
  await clock.advance(60_000);
  await idle();
  assert.deepEqual(['forever', 'later'].map(exists), [true, true]);
  assert.deepEqual(events, [
    'Pod plain Normal TaintManagerEviction: Marking for deletion Pod default/plain',
    'Pod brief Normal TaintManagerEviction: Marking for deletion Pod default/brief',
    'Pod later Normal TaintManagerEviction: Cancelling deletion of Pod default/later',
  ]);
  await stop();
});

test('taint eviction: DisruptionTarget as PatchPodStatus writes it (one condition, the uid, no resourceVersion), over the Eviction API reason; a pod deleted while its eviction waits cancels it with the event', async () => {
  const { fake, clock, events, stop } = await started(() => new TaintEvictionController({ onError: (m) => assert.fail(m) }), (f) => {
    f.set(NODES, readyNode('n1'));
    const evicted = pod('evicted', 'n1') as KubeObject & { status: { conditions: object[] } };
    evicted.status.conditions.push({ type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting', lastTransitionTime: iso(T0 - 1000) });
    f.set(PODS, evicted);
    f.set(PODS, pod('waiting', 'n1', [{ key: 'evict', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }]));
  });
  const n = fake.object(NODES, { name: 'n1' })!;
  fake.set(NODES, { ...n, spec: { taints: [{ key: 'evict', effect: 'NoExecute' }] } } as KubeObject);
  await idle();
  const patch = fake.actions.find((a) => a.verb === 'patch' && a.name === 'evicted' && a.subresource === 'status');
  assert.deepEqual(patch?.object, {
    metadata: { uid: 'uid-evicted' },
    status: { conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint', lastProbeTime: null, lastTransitionTime: iso(T0 - 1000) }] },
  });
  fake.remove(PODS, { namespace: 'default', name: 'waiting' });
  await idle();
  await clock.advance(60_000);
  await idle();
  assert.deepEqual(events, ['Pod evicted Normal TaintManagerEviction: Marking for deletion Pod default/evicted', 'Pod waiting Normal TaintManagerEviction: Cancelling deletion of Pod default/waiting']);
  await stop();
});
