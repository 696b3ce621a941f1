import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RESOURCES } from '../api/resources.js';
import { podStrategy } from '../api/strategies/pod.js';
import { ApiHandler, storageKey } from '../apiserver/handler.js';
import { RestStorage } from '../apiserver/registry/rest-storage.js';
import { InProcessTransport } from '../controlplane/in-process-transport.js';
import { openMemoryStore } from '../storage/memory/memory-store.js';
import { Client } from '../client/index.js';
import { FakeTransport } from '../client/testing/fake-transport.js';
import { PODS } from './api-refs.js';
import type { Pod } from './pod-view.js';
import { placementChanged, podFits, Scheduler, wantsScheduling, type SchedulingNode } from './scheduler.js';

function node(labels: Record<string, string> = {}, spec: SchedulingNode['spec'] = {}): SchedulingNode {
  return { metadata: { name: 'kubito-node', labels }, spec };
}

function pod(spec: Partial<Pod['spec']> = {}): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', uid: '' }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec } };
}

test('which pods are ours to schedule, and whether they fit', () => {
  assert.ok(wantsScheduling(pod()));
  assert.ok(!wantsScheduling(pod({ nodeName: 'n1' })));
  assert.ok(!wantsScheduling(pod({ schedulerName: 'other' })));
  assert.ok(!wantsScheduling(pod({ schedulingGates: [{ name: 'example.com/wait' }] } as Partial<Pod['spec']>)), 'gated: not queued');
  assert.ok(wantsScheduling(pod({ schedulingGates: [] } as Partial<Pod['spec']>)));
  assert.ok(podFits(pod({ nodeSelector: { 'kubernetes.io/os': 'linux' } }), node({ 'kubernetes.io/os': 'linux' })).fits);
  assert.match(podFits(pod({ nodeSelector: { disk: 'ssd' } }), node()).message!, /^0\/1 nodes are available: 1 node\(s\) didn't match Pod's node affinity\/selector\./);
});

test("kube-scheduler's filters in its order, each with its reason: cordoned, tainted, node affinity", () => {
  const why = (p: Pod, n: SchedulingNode) => podFits(p, n).message?.replace(/^0\/1 nodes are available: 1 /, '');
  const notHelpful = '. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling..';
  // kubectl cordon: spec.unschedulable; a pod tolerating the unschedulable taint is let in.
  assert.equal(why(pod(), node({}, { unschedulable: true })), `node(s) were unschedulable${notHelpful}`);
  assert.equal(podFits(pod({ tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] }), node({}, { unschedulable: true })).fits, true);
  // kubectl taint: NoSchedule and NoExecute keep pods off; PreferNoSchedule does not.
  const tainted = (effect: string, value?: string) => node({}, { taints: [{ key: 'dedicated', value, effect }] });
  assert.equal(why(pod(), tainted('NoSchedule', 'gpu')), `node(s) had untolerated taint {dedicated: gpu}${notHelpful}`);
  assert.equal(why(pod(), tainted('NoExecute')), `node(s) had untolerated taint {dedicated: }${notHelpful}`);
  assert.equal(podFits(pod(), tainted('PreferNoSchedule', 'gpu')).fits, true);
  assert.equal(podFits(pod({ tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] }), tainted('NoSchedule', 'gpu')).fits, true);
  assert.equal(podFits(pod({ tolerations: [{ key: 'dedicated', value: 'cpu' }] }), tainted('NoSchedule', 'gpu')).fits, false, 'another value');
  assert.equal(podFits(pod({ tolerations: [{ operator: 'Exists' }] }), tainted('NoExecute', 'gpu')).fits, true, 'tolerates everything');
  // The first failing filter names the reason: unschedulable before the taint, the taint before the selector.
  assert.match(why(pod({ nodeSelector: { disk: 'ssd' } }), node({}, { unschedulable: true, taints: [{ key: 'k', effect: 'NoSchedule' }] }))!, /^node\(s\) were unschedulable/);
  assert.match(why(pod({ nodeSelector: { disk: 'ssd' } }), tainted('NoSchedule'))!, /^node\(s\) had untolerated taint/);
  // Required node affinity, beside the nodeSelector.
  const affinity = (...nodeSelectorTerms: unknown[]) => ({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms } } } }) as Partial<Pod['spec']>;
  const ssd = node({ disk: 'ssd', 'kubernetes.io/hostname': 'kubito-node' });
  assert.equal(podFits(pod(affinity({ matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd', 'nvme'] }] })), ssd).fits, true);
  assert.equal(why(pod(affinity({ matchExpressions: [{ key: 'disk', operator: 'NotIn', values: ['ssd'] }] })), ssd), `node(s) didn't match Pod's node affinity/selector${notHelpful}`);
  assert.equal(podFits(pod(affinity({ matchExpressions: [{ key: 'gpu', operator: 'Exists' }] }, { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['kubito-node'] }] })), ssd).fits, true, 'any term');
  assert.equal(podFits(pod({ ...affinity({ matchExpressions: [{ key: 'disk', operator: 'Exists' }] }), nodeSelector: { zone: 'a' } }), ssd).fits, false, 'both the selector and the affinity');
  // NodeAffinity's PreFilter: a pod pinned to another node by name (a DaemonSet's pod) is not filtered here.
  const pinned = (...names: string[][]) => pod(affinity(...names.map((values) => ({ matchFields: [{ key: 'metadata.name', operator: 'In', values }] }))));
  assert.equal(why(pinned(['other-node']), node({}, { unschedulable: true })), `node(s) didn't satisfy plugin(s) [NodeAffinity]${notHelpful}`);
  assert.equal(podFits(pinned(['other-node'], ['kubito-node']), ssd).fits, true);
  assert.equal(podFits(pod(affinity({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['a'] }, { key: 'metadata.name', operator: 'In', values: ['b'] }] })), ssd).message, `0/1 nodes are available: pod affinity terms conflict${notHelpful}`);
});

test('NodeResourcesFit after NodePorts: requests beyond what the node has left, with the preemption verdict of an Unschedulable filter', () => {
  const full: SchedulingNode = { metadata: { name: 'kubito-node' }, status: { allocatable: { cpu: '2', memory: '1Gi', pods: '110' } } };
  const asking = (name: string, cpu: string, memory = '1Mi') => ({ ...pod({ containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu, memory } } }] as Pod['spec']['containers'] }), metadata: { name, namespace: 'default', uid: name } }) as Pod;
  assert.equal(podFits(asking('a', '1'), full, { nodePods: [asking('b', '1')] }).fits, true);
  assert.equal(
    podFits(asking('a', '1500m', '2Gi'), full, { nodePods: [asking('b', '1')] }).message,
    '0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod..',
  );
  const never = { ...asking('a', '1500m'), spec: { ...asking('a', '1500m').spec, preemptionPolicy: 'Never' } } as Pod;
  assert.equal(podFits(never, full, { nodePods: [asking('b', '1')] }).message, '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never..', 'PodEligibleToPreemptOthers first');
  assert.equal(podFits({ ...never, spec: { ...never.spec, nodeSelector: { disk: 'ssd' } } } as Pod, full).message, "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: not eligible due to preemptionPolicy=Never..");
  const done = { ...asking('b', '2'), status: { phase: 'Succeeded' } } as Pod;
  assert.equal(podFits(asking('a', '2'), full, { nodePods: [done] }).fits, true, 'a finished pod holds nothing');
});

test("a pod whose affinity terms do not parse: InterPodAffinity's PreFilter message, before any filter", () => {
  const bad = pod({ affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchExpressions: [{ key: 'app', operator: 'Near', values: ['x'] }] }, topologyKey: 'kubernetes.io/hostname' }] } } } as Partial<Pod['spec']>);
  assert.equal(podFits(bad, node({}, { unschedulable: true })).message, '0/1 nodes are available: parsing pod: requiredAffinityTerms: "Near" is not a valid label selector operator. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling..');
});

test('a change of the node that may let pods in: labels, taints, spec.unschedulable', () => {
  assert.equal(placementChanged(node({ a: '1' }), node({ a: '1' })), false);
  assert.equal(placementChanged(node({ a: '1' }), node({ a: '2' })), true);
  assert.equal(placementChanged(node({}, { unschedulable: true }), node({}, {})), true);
  assert.equal(placementChanged(node({}, { taints: [{ key: 'k', effect: 'NoSchedule' }] }), node({}, { taints: [] })), true);
});

/** A real API handler (pods and namespaces in memory) behind the client: binding as served. */
async function apiClient(): Promise<{ client: Client; pods: RestStorage }> {
  const store = await openMemoryStore();
  const storages = new Map<string, RestStorage>();
  for (const info of RESOURCES.filter((r) => r.group === '' && (r.resource === 'pods' || r.resource === 'namespaces'))) {
    storages.set(storageKey(info.group, info.version, info.resource), new RestStorage(info, store, { strategy: info.resource === 'pods' ? podStrategy : undefined }));
  }
  const handler = new ApiHandler({ storages, serverAddress: '127.0.0.1:6443', version: { major: '1', minor: '33', gitVersion: 'v1.33.0', gitCommit: '', gitTreeState: '', buildDate: '', goVersion: '', compiler: '', platform: '' } });
  return { client: new Client(new InProcessTransport(handler, 'test')), pods: storages.get(storageKey('', 'v1', 'pods'))! };
}

test('binding through pods/binding: nodeName and PodScheduled set by the API, the Scheduled event', async () => {
  const { client, pods } = await apiClient();
  const stored = (await pods.create('default', pod() as never)) as unknown as Pod;
  const events: string[] = [];
  const scheduler = new Scheduler(client, { nodeName: 'kubito-node', node: () => node(), events: { event: (_o, type, reason, message) => events.push(`${type} ${reason} ${message}`) } });
  assert.equal(await scheduler.schedule(stored), true);
  const after = (await pods.get('default', 'web')) as unknown as Pod;
  assert.equal(after.spec.nodeName, 'kubito-node');
  assert.deepEqual(after.status?.conditions?.map((c) => [c.type, c.status]), [['PodScheduled', 'True']]);
  assert.deepEqual(events, ['Normal Scheduled Successfully assigned default/web to kubito-node']);
  // A stale copy (the pod was bound meanwhile): the 409 ends it quietly, no second event.
  assert.equal(await scheduler.schedule(stored), false);
  assert.equal(events.length, 1);
  assert.equal(((await pods.get('default', 'web')) as unknown as Pod).spec.nodeName, 'kubito-node');
});

test('a pod that does not fit: PodScheduled=False/Unschedulable and FailedScheduling, once', async () => {
  const fake = new FakeTransport();
  const stored = fake.set(PODS, pod({ nodeSelector: { disk: 'ssd' } })) as Pod;
  const events: string[] = [];
  const scheduler = new Scheduler(new Client(fake), { nodeName: 'n', node: () => node(), events: { event: (_o, _t, reason) => events.push(reason) } });
  assert.equal(await scheduler.schedule(stored), false);
  const after = fake.object(PODS, { namespace: 'default', name: 'web' }) as Pod;
  assert.equal(after.spec.nodeName, undefined);
  assert.deepEqual(after.status?.conditions?.map((c) => [c.type, c.status, c.reason]), [['PodScheduled', 'False', 'Unschedulable']]);
  assert.equal(await scheduler.schedule(after), false);
  assert.deepEqual(events, ['FailedScheduling']);
});

/** A pod named `name` asking for `ports` (hostPort, protocol, hostIP). */
function withPorts(name: string, ports: Array<{ hostPort: number; protocol?: string; hostIP?: string }>, extra: Partial<Pod['spec']> = {}): Pod {
  const p = pod({ ...extra, containers: [{ name: 'c', image: 'nginx', ports: ports.map((x) => ({ containerPort: 80, ...x })) as never }] });
  return { ...p, metadata: { ...p.metadata, name, uid: `uid-${name}` } };
}

test("NodePorts: a used hostPort conflicts on the same protocol and address, 0.0.0.0 with any; finished pods don't hold theirs", () => {
  const used = [withPorts('a', [{ hostPort: 8081 }, { hostPort: 53, protocol: 'UDP', hostIP: '127.0.0.5' }], { nodeName: 'n' })];
  const fits = (p: Pod, on = used) => podFits(p, node(), { nodePods: on }).fits;
  assert.equal(fits(withPorts('b', [{ hostPort: 8081 }])), false);
  assert.equal(fits(withPorts('b', [{ hostPort: 8081, hostIP: '127.0.0.9' }])), false, '0.0.0.0 holds every address');
  assert.equal(fits(withPorts('b', [{ hostPort: 8081, protocol: 'UDP' }])), true, 'another protocol');
  assert.equal(fits(withPorts('b', [{ hostPort: 53, protocol: 'UDP', hostIP: '127.0.0.6' }])), true, 'another address');
  assert.equal(fits(withPorts('b', [{ hostPort: 53, protocol: 'UDP' }])), false, 'any address holds it');
  assert.equal(fits(withPorts('b', [{ hostPort: 9090 }])), true);
  assert.equal(fits(withPorts('a', [{ hostPort: 8081 }])), true, 'the pod itself does not count');
  const finished = [{ ...used[0], status: { phase: 'Succeeded' } }] as Pod[];
  assert.equal(fits(withPorts('b', [{ hostPort: 8081 }]), finished), true);
  assert.equal(
    podFits(withPorts('b', [{ hostPort: 8081 }]), node(), { nodePods: used }).message,
    "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod..",
  );
});

test('two pods asking one hostPort at once: the first is bound (and counted at once), the second stays Pending with FailedScheduling', async () => {
  const { client, pods } = await apiClient();
  const first = (await pods.create('default', withPorts('first', [{ hostPort: 8081 }]) as never)) as unknown as Pod;
  const second = (await pods.create('default', withPorts('second', [{ hostPort: 8081 }]) as never)) as unknown as Pod;
  const events: string[] = [];
  // The node's pod list never shows the first bound: only the scheduler's own memory of it counts.
  const scheduler = new Scheduler(client, { nodeName: 'kubito-node', node: () => node(), nodePods: () => [], events: { event: (o, _t, reason) => events.push(`${o.metadata.name} ${reason}`) } });
  const results = await Promise.all([scheduler.schedule(first), scheduler.schedule(second)]);
  assert.deepEqual(results, [true, false]);
  assert.deepEqual(events.sort(), ['first Scheduled', 'second FailedScheduling']);
  const pending = (await pods.get('default', 'second')) as unknown as Pod;
  assert.equal(pending.spec.nodeName, undefined);
  assert.deepEqual(pending.status?.conditions?.map((c) => [c.type, c.status, c.reason]), [['PodScheduled', 'False', 'Unschedulable']]);
  // The first is gone (forgotten, not in the node's list): the second is bound on its next try.
  scheduler.forget(first.metadata.uid);
  assert.equal(await scheduler.schedule(pending), true);
});
