import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONFIG_HASH, CONFIG_MIRROR, CONFIG_SEEN, CONFIG_SOURCE, isMirrorOf, isMirrorPod, mirrorPod, runContainerID, staticPod, staticPodRef, staticPodStatus } from './mirror-pods.js';
import type { Pod, PodStatus } from './pod-view.js';
import { podFits } from './scheduler.js';
import { CLUSTER_DNS_PORTS } from '../dns/ports.js';

const seen = '2026-11-29T18:00:00.123456789Z';
const times = { hostIP: '10.244.0.1', startTime: '2026-11-29T18:00:00Z', now: '2026-11-29T18:00:01Z' };

test('the DNS static pod is shaped as kubeadm shows CoreDNS, and says what it is', () => {
  const pod = staticPod('dns', { nodeName: 'kubito-node', seen });
  assert.equal(pod.metadata.name, 'kube-dns-kubito-node');
  assert.equal(pod.metadata.namespace, 'kube-system');
  assert.deepEqual(pod.metadata.labels, { 'k8s-app': 'kube-dns' });
  assert.equal(pod.metadata.annotations?.[CONFIG_SOURCE], 'kubito-node-agent');
  assert.equal(pod.metadata.annotations?.[CONFIG_SEEN], seen);
  assert.match(pod.metadata.annotations?.['kubito.io/runs-in'] ?? '', /not CoreDNS/);
  assert.equal(pod.spec.nodeName, 'kubito-node');
  assert.equal(pod.spec.hostNetwork, true);
  assert.equal((pod.spec as { priorityClassName?: string }).priorityClassName, 'system-cluster-critical');
  const [c] = pod.spec.containers;
  assert.equal(c.name, 'dns');
  assert.equal(c.image, 'kubito/node-agent-dns:v1.33.0-kubito');
  assert.deepEqual(c.ports, [
    { name: 'dns', containerPort: 53, protocol: 'UDP' },
    { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
    { name: 'metrics', containerPort: 9153, protocol: 'TCP' },
  ]);
  assert.equal(c.readinessProbe?.httpGet?.port, CLUSTER_DNS_PORTS.ready);
  assert.equal(c.livenessProbe?.httpGet?.port, CLUSTER_DNS_PORTS.health);
});

// On a cluster CoreDNS has its own network namespace: a user's hostPort never meets its ports.
// kubito's DNS serves on the node address, so every port it holds there must be a port of its
// hostNetwork mirror pod — a host port the scheduler counts — and no other: a user pod asking
// hostPort 8080 (CoreDNS's health port) or 8181 (ready) must be scheduled and must not take
// the DNS's traffic, a hostNetwork pod on them must be able to bind.
test("the DNS holds on the node address only its mirror pod's ports, and the scheduler keeps users' hostPorts off them alone", () => {
  const pod = staticPod('dns', { nodeName: 'kubito-node', seen }) as unknown as Pod;
  // The API defaults a hostNetwork pod's hostPorts to its container ports (src/api/strategies/pod.ts).
  const ports = pod.spec.containers.flatMap((c) => (c.ports ?? []) as Array<{ containerPort: number; hostPort?: number; protocol?: string }>);
  for (const p of ports) p.hostPort ??= p.containerPort;
  const declared = new Set(ports.map((p) => `${p.protocol}/${p.hostPort}`));
  const served = [`UDP/${CLUSTER_DNS_PORTS.dns}`, `TCP/${CLUSTER_DNS_PORTS.dns}`, ...[CLUSTER_DNS_PORTS.metrics, CLUSTER_DNS_PORTS.health, CLUSTER_DNS_PORTS.ready].map((p) => `TCP/${p}`)];
  for (const s of served) assert.ok(declared.has(s), `the DNS serves ${s} on the node address, which its mirror pod does not declare`);
  const user = (hostPort: number, protocol = 'TCP'): Pod => ({ metadata: { name: `hp${hostPort}`, namespace: 'default', uid: `u${hostPort}` }, spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80, hostPort, protocol }] }] } }) as unknown as Pod;
  for (const port of [8080, 8181]) assert.equal(podFits(user(port), { metadata: { name: 'kubito-node' } }, { nodePods: [pod] }).fits, true, `hostPort ${port}`);
  for (const [port, proto] of [[53, 'UDP'], [53, 'TCP'], [9153, 'TCP']] as const) assert.equal(podFits(user(port, proto), { metadata: { name: 'kubito-node' } }, { nodePods: [pod] }).fits, false, `hostPort ${port}/${proto}: the DNS's`);
});

test('the proxy static pod is shaped as kubeadm shows kube-proxy', () => {
  const pod = staticPod('proxy', { nodeName: 'kubito-node', seen });
  assert.equal(pod.metadata.name, 'kube-proxy-kubito-node');
  assert.deepEqual(pod.metadata.labels, { 'k8s-app': 'kube-proxy' });
  assert.equal(pod.spec.hostNetwork, true);
  assert.equal((pod.spec as { priorityClassName?: string }).priorityClassName, 'system-node-critical');
  assert.deepEqual(pod.spec.containers.map((c) => [c.name, c.image]), [['kube-proxy', 'kubito/node-agent-proxy:v1.33.0-kubito']]);
});

test('the hash (the static UID) is stable across runs and differs per node and component', () => {
  const a = staticPod('dns', { nodeName: 'n1', seen });
  const b = staticPod('dns', { nodeName: 'n1', seen: '2030-01-01T00:00:00Z' });
  assert.match(a.metadata.uid, /^[0-9a-f]{32}$/);
  assert.equal(a.metadata.uid, b.metadata.uid);
  assert.equal(a.metadata.annotations?.[CONFIG_HASH], a.metadata.uid);
  assert.notEqual(staticPod('dns', { nodeName: 'n2', seen }).metadata.uid, a.metadata.uid);
  assert.notEqual(staticPod('proxy', { nodeName: 'n1', seen }).metadata.uid, a.metadata.uid);
  assert.deepEqual(staticPodRef('proxy', 'n1'), { component: 'proxy', namespace: 'kube-system', name: 'kube-proxy-n1', container: 'kube-proxy', uid: staticPod('proxy', { nodeName: 'n1', seen }).metadata.uid });
});

test('the mirror pod: config.mirror is the hash, the Node its controlling owner, no UID', () => {
  const pod = staticPod('dns', { nodeName: 'kubito-node', seen });
  const mirror = mirrorPod(pod, { name: 'kubito-node', uid: 'node-uid' });
  assert.equal(mirror.metadata.annotations?.[CONFIG_MIRROR], pod.metadata.uid);
  assert.equal(mirror.metadata.uid, undefined);
  assert.deepEqual(mirror.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Node', name: 'kubito-node', uid: 'node-uid', controller: true }]);
  assert.equal((mirror as unknown as { status?: unknown }).status, undefined);
  assert.ok(isMirrorPod(mirror));
  assert.ok(!isMirrorPod(pod));
  assert.ok(isMirrorOf(mirror, pod));
  // Being deleted, or of another spec (another hash): not the mirror of this static pod.
  assert.ok(!isMirrorOf({ metadata: { ...mirror.metadata, deletionTimestamp: '2026-11-29T18:00:00Z' } }, pod));
  assert.ok(!isMirrorOf(mirrorPod(staticPod('dns', { nodeName: 'other', seen }), { name: 'other', uid: 'x' }), pod));
  assert.ok(!isMirrorOf({ metadata: { name: pod.metadata.name } }, pod));
});

function condition(status: PodStatus, type: string): string | undefined {
  return status.conditions?.find((c) => c.type === type)?.status;
}

test('status: Running and Ready while the component serves, with the node address and the real start', () => {
  const pod = staticPod('dns', { nodeName: 'kubito-node', seen });
  const status = staticPodStatus(pod, { restartCount: 0, startedAt: '2026-11-29T18:00:00Z', ready: true }, times);
  assert.equal(status.phase, 'Running');
  assert.equal(status.podIP, '10.244.0.1');
  assert.deepEqual(status.podIPs, [{ ip: '10.244.0.1' }]);
  assert.equal(status.hostIP, '10.244.0.1');
  assert.equal(status.startTime, '2026-11-29T18:00:00Z');
  for (const type of ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']) assert.equal(condition(status, type), 'True', type);
  const [c] = status.containerStatuses!;
  assert.deepEqual(c.state, { running: { startedAt: '2026-11-29T18:00:00Z' } });
  assert.equal(c.ready, true);
  assert.equal(c.started, true);
  assert.equal(c.restartCount, 0);
  assert.equal(c.image, 'kubito/node-agent-dns:v1.33.0-kubito');
  assert.equal(c.containerID, runContainerID(pod.metadata.uid, 'dns', 0));
});

test('status: not Ready while it does not serve; waiting before it starts; terminated when it could not', () => {
  const pod = staticPod('dns', { nodeName: 'kubito-node', seen });
  const unready = staticPodStatus(pod, { restartCount: 0, startedAt: '2026-11-29T18:00:00Z', ready: false }, times);
  assert.equal(unready.phase, 'Running');
  assert.equal(condition(unready, 'Ready'), 'False');
  assert.equal(unready.conditions?.find((c) => c.type === 'Ready')?.message, 'containers with unready status: [dns]');
  const starting = staticPodStatus(pod, { restartCount: 0, ready: false }, times);
  assert.equal(starting.phase, 'Pending');
  assert.deepEqual(starting.containerStatuses?.[0].state, { waiting: { reason: 'ContainerCreating' } });
  assert.equal(starting.containerStatuses?.[0].containerID, undefined);
  const failed = staticPodStatus(pod, { restartCount: 0, ready: true, failed: { message: 'cluster DNS not started: listen EADDRINUSE', at: '2026-11-29T18:00:00Z' } }, times);
  assert.equal(failed.containerStatuses?.[0].state.terminated?.message, 'cluster DNS not started: listen EADDRINUSE');
  assert.equal(failed.containerStatuses?.[0].ready, false);
  assert.equal(condition(failed, 'Ready'), 'False');
});

test('status: the agent restarts count, the previous run in lastState, transitions kept', () => {
  const pod = staticPod('proxy', { nodeName: 'kubito-node', seen });
  const previous = { startedAt: '2026-11-29T17:00:00Z', finishedAt: '2026-11-29T17:59:00Z', exitCode: 0, reason: 'Completed' };
  const first = staticPodStatus(pod, { restartCount: 2, startedAt: '2026-11-29T18:00:00Z', ready: true, previous }, times);
  const [c] = first.containerStatuses!;
  assert.equal(c.restartCount, 2);
  assert.deepEqual(c.lastState, { terminated: { ...previous, containerID: runContainerID(pod.metadata.uid, 'kube-proxy', 1) } });
  // Written again later with the same state: the transition times stay.
  const again = staticPodStatus(pod, { restartCount: 2, startedAt: '2026-11-29T18:00:00Z', ready: true, previous }, { ...times, now: '2026-11-29T19:00:00Z', previous: first });
  assert.deepEqual(again.conditions, first.conditions);
});
