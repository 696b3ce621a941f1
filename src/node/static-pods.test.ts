import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, InformerFactory } from '../client/index.js';
import { FakeClock } from '../client/testing/fake-clock.js';
import { FakeTransport } from '../client/testing/fake-transport.js';
import type { KubeObject } from '../api/types.js';
import { NODES, PODS } from './api-refs.js';
import { CONFIG_MIRROR, staticPodRef } from './mirror-pods.js';
import type { Pod } from './pod-view.js';
import { REPLACE_AFTER_MS, StaticPods, withStaticPods } from './static-pods.js';
import { ExecStartError } from './streams/types.js';
import { parseCriLine } from './cri-log.js';

interface Setup {
  fake: FakeTransport;
  clock: FakeClock;
  informers: InformerFactory;
  statics: StaticPods;
  dataDir: string;
}

async function setup(dataDir = mkdtempSync(join(tmpdir(), 'kubito-static-')), fake = withNode(new FakeTransport())): Promise<Setup> {
  const clock = new FakeClock(Date.parse('2026-11-29T18:00:00Z'));
  const client = new Client(fake);
  const informers = new InformerFactory(client);
  const pods = informers.informer<Pod>(PODS);
  informers.start();
  await informers.waitForSync();
  const statics = new StaticPods({ client, nodeName: 'kubito-node', hostIP: '10.244.0.1', dataDir, clock, log: () => undefined, checkMs: 10_000 });
  return { fake, clock, informers, statics, dataDir, ...{ pods } };
}

function apiPod(fake: FakeTransport, name: string): (KubeObject & { status?: Pod['status'] }) | undefined {
  return fake.object(PODS, { namespace: 'kube-system', name }) as (KubeObject & { status?: Pod['status'] }) | undefined;
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

const DNS = staticPodRef('dns', 'kubito-node');
const PROXY = staticPodRef('proxy', 'kubito-node');
function withNode(fake: FakeTransport): FakeTransport {
  fake.set(NODES, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'kubito-node', uid: 'node-uid' } });
  return fake;
}

/** Both components serving, the mirror pods kept. */
async function serve(s: Setup, dnsReady: () => boolean = () => true): Promise<void> {
  s.statics.started('dns', dnsReady);
  s.statics.started('proxy', () => true);
  await s.statics.start(s.informers.informer<Pod>(PODS));
}

test('creates both mirror pods, Running and Ready once the components serve; not Ready when they stop serving', async () => {
  const s = await setup();
  let dnsReady = true;
  await serve(s, () => dnsReady);
  for (const ref of [DNS, PROXY]) {
    const pod = apiPod(s.fake, ref.name)!;
    assert.equal(pod.metadata.annotations?.[CONFIG_MIRROR], ref.uid);
    assert.equal(pod.metadata.ownerReferences?.[0].uid, 'node-uid');
    assert.equal(pod.status?.phase, 'Running');
    assert.equal(pod.status?.containerStatuses?.[0].ready, true);
    assert.equal(pod.status?.containerStatuses?.[0].restartCount, 0);
    assert.equal(pod.status?.containerStatuses?.[0].state.running?.startedAt, '2026-11-29T18:00:00Z');
  }
  // A readiness read every 10 s: the DNS stops serving, its pod is no longer Ready.
  dnsReady = false;
  await s.clock.advance(10_000);
  await settle();
  assert.equal(apiPod(s.fake, DNS.name)!.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'False');
  assert.equal(apiPod(s.fake, PROXY.name)!.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
  // Nothing changed: no write.
  s.fake.clearActions();
  await s.clock.advance(10_000);
  await settle();
  assert.deepEqual(s.fake.actions.filter((a) => a.verb !== 'watch'), []);
  s.statics.stop();
  s.informers.stop();
  rmSync(s.dataDir, { recursive: true, force: true });
});

test('a mirror pod deleted (gracefully) or changed is deleted for good and made again', async () => {
  const s = await setup();
  await serve(s);
  const before = apiPod(s.fake, DNS.name)!;
  // kubectl delete: the API marks it; the agent leaves it Terminating a moment (kubectl
  // delete --wait must see it go before a new one comes), then deletes it with grace 0 and makes it again.
  s.fake.set(PODS, { ...before, metadata: { ...before.metadata, deletionTimestamp: '2026-11-29T18:00:05Z' } });
  await settle();
  assert.equal(apiPod(s.fake, DNS.name)!.metadata.uid, before.metadata.uid);
  await s.clock.advance(REPLACE_AFTER_MS - 1);
  await settle();
  assert.equal(apiPod(s.fake, DNS.name)!.metadata.uid, before.metadata.uid);
  await s.clock.advance(1);
  await settle();
  const after = apiPod(s.fake, DNS.name)!;
  assert.notEqual(after.metadata.uid, before.metadata.uid);
  assert.equal(after.metadata.deletionTimestamp, undefined);
  assert.equal(after.status?.phase, 'Running');
  const deletes = s.fake.actions.filter((a) => a.verb === 'delete');
  assert.equal(deletes.length, 1);
  // The mirror of another spec (another hash: an older kubito's): replaced too.
  const proxy = apiPod(s.fake, PROXY.name)!;
  s.fake.set(PODS, { ...proxy, metadata: { ...proxy.metadata, annotations: { ...proxy.metadata.annotations, [CONFIG_MIRROR]: 'older' } } });
  await settle();
  assert.equal(apiPod(s.fake, PROXY.name)!.metadata.annotations?.[CONFIG_MIRROR], PROXY.uid);
  assert.notEqual(apiPod(s.fake, PROXY.name)!.metadata.uid, proxy.metadata.uid);
  // Someone's own pod of that name (no mirror annotation): left alone, as the kubelet does; once it goes, the mirror is back.
  s.fake.remove(PODS, { namespace: 'kube-system', name: PROXY.name }, { silent: true });
  s.fake.set(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: PROXY.name, namespace: 'kube-system', uid: 'someone-elses' }, spec: { containers: [{ name: 'x' }] } } as KubeObject);
  await settle();
  assert.equal(apiPod(s.fake, PROXY.name)!.metadata.uid, 'someone-elses');
  s.fake.remove(PODS, { namespace: 'kube-system', name: PROXY.name });
  await settle();
  assert.equal(apiPod(s.fake, PROXY.name)!.metadata.annotations?.[CONFIG_MIRROR], PROXY.uid);
  // Removed outright: back.
  s.fake.remove(PODS, { namespace: 'kube-system', name: DNS.name });
  await settle();
  assert.equal(apiPod(s.fake, DNS.name)!.metadata.annotations?.[CONFIG_MIRROR], DNS.uid);
  // The Node deleted (the garbage collector then deletes its pods): none made again until it is back.
  s.fake.remove(NODES, { name: 'kubito-node' });
  s.fake.remove(PODS, { namespace: 'kube-system', name: DNS.name });
  await settle();
  assert.equal(apiPod(s.fake, DNS.name), undefined);
  s.fake.set(NODES, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'kubito-node', uid: 'node-uid-2' } });
  s.fake.remove(PODS, { namespace: 'kube-system', name: PROXY.name });
  await settle();
  assert.equal(apiPod(s.fake, PROXY.name)!.metadata.ownerReferences?.[0].uid, 'node-uid-2');
  s.statics.stop();
  s.informers.stop();
  rmSync(s.dataDir, { recursive: true, force: true });
});

test('logs: each run a CRI file, the next agent run counts a restart and shows the last in lastState and --previous', async () => {
  const first = await setup();
  first.statics.logger('dns')('cluster DNS: listening on 10.244.0.1:53');
  first.statics.logger('proxy')('proxy: nftables mode');
  await serve(first);
  const log = first.statics.containerLog({ namespace: 'kube-system', name: DNS.name, container: 'dns' }, { previous: false })!;
  assert.ok(log.running());
  const [line] = readFileSync(log.path, 'utf8').trimEnd().split('\n');
  const record = parseCriLine(Buffer.from(line))!;
  assert.equal(record.stream, 'stdout');
  assert.equal(record.message.toString(), 'cluster DNS: listening on 10.244.0.1:53');
  assert.equal(parseCriLine(Buffer.from(readFileSync(first.statics.containerLog({ namespace: 'kube-system', name: PROXY.name, container: 'kube-proxy' }, { previous: false })!.path, 'utf8').trimEnd()))!.stream, 'stderr');
  assert.throws(() => first.statics.containerLog({ namespace: 'kube-system', name: DNS.name, container: 'dns' }, { previous: true }), /previous terminated container "dns" in pod "kube-dns-kubito-node" not found/);
  assert.throws(() => first.statics.containerLog({ namespace: 'kube-system', name: DNS.name, container: 'coredns' }, { previous: false }), /container "coredns" not found/);
  assert.equal(first.statics.containerLog({ namespace: 'default', name: DNS.name, container: 'dns' }, { previous: false }), undefined);
  first.statics.stop();
  assert.ok(!log.running());
  first.informers.stop();

  const second = await setup(first.dataDir, first.fake);
  await serve(second);
  const c = apiPod(second.fake, DNS.name)!.status!.containerStatuses![0];
  assert.equal(c.restartCount, 1);
  assert.equal(c.lastState.terminated?.reason, 'Completed');
  assert.equal(c.lastState.terminated?.exitCode, 0);
  const previous = second.statics.containerLog({ namespace: 'kube-system', name: DNS.name, container: 'dns' }, { previous: true })!;
  assert.match(readFileSync(previous.path, 'utf8'), /listening on 10\.244\.0\.1:53/);
  assert.ok(previous.path.startsWith(join(first.dataDir, 'static-pods', `kube-system_${DNS.name}_${DNS.uid}`, 'dns')), previous.path);
  // A run that ended without a stop (the agent died): 255, Unknown, as containerd's lost exits.
  second.informers.stop();
  const third = await setup(first.dataDir, first.fake);
  await serve(third);
  const t = apiPod(third.fake, DNS.name)!.status!.containerStatuses![0];
  assert.equal(t.restartCount, 2);
  assert.deepEqual([t.lastState.terminated?.exitCode, t.lastState.terminated?.reason], [255, 'Unknown']);
  third.statics.stop();
  third.informers.stop();
  second.statics.stop();
  rmSync(first.dataDir, { recursive: true, force: true });
});

test('exec and attach into a mirror pod are refused with the reason; other pods go to the runtime', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubito-static-'));
  const statics = new StaticPods({ client: new Client(new FakeTransport()), nodeName: 'kubito-node', hostIP: '10.244.0.1', dataDir, clock: new FakeClock(0), log: () => undefined });
  const calls: string[] = [];
  const inner = {
    spawn: () => {
      calls.push('spawn');
      throw new Error('inner');
    },
    attach: () => {
      calls.push('attach');
      throw new Error('inner');
    },
    dial: () => Promise.reject(new Error('inner')),
    containerLog: () => {
      calls.push('log');
      return { path: '/x', running: () => false };
    },
  };
  const access = withStaticPods(inner, statics);
  assert.throws(() => access.spawn({ namespace: 'kube-system', pod: DNS.name, container: 'dns' }, { argv: ['sh'] }), (err: unknown) => err instanceof ExecStartError && /runs inside the node agent process, not in a container/.test(err.message));
  assert.throws(() => access.attach({ namespace: 'kube-system', pod: PROXY.name, container: 'kube-proxy' }), /kubito's proxy, which runs inside the node agent process/);
  assert.throws(() => access.spawn({ namespace: 'kube-system', pod: DNS.name, container: 'nope' }, { argv: ['sh'] }), /container not found \("nope"\)/);
  assert.throws(() => access.spawn({ namespace: 'default', pod: 'web', container: 'c' }, { argv: ['sh'] }), /inner/);
  assert.equal(access.containerLog({ namespace: 'default', name: 'web', container: 'c' }, { previous: false }).path, '/x');
  assert.deepEqual(calls, ['spawn', 'log']);
  statics.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test('the agent is ready once the DNS VIP leads to a ready endpoint', async () => {
  const { vipHasReadyEndpoint } = await import('./static-pods.js');
  const port = (clusterIP: string, ready: boolean[]) => ({ clusterIP, endpoints: ready.map((r, i) => ({ ip: `10.244.0.${i + 1}`, ready: r })) });
  const state = (ports: ReturnType<typeof port>[]) => ({ servicePorts: ports }) as unknown as Parameters<typeof vipHasReadyEndpoint>[0];
  assert.equal(vipHasReadyEndpoint(state([port('10.96.0.1', [true])]), '10.96.0.10'), false);
  assert.equal(vipHasReadyEndpoint(state([port('10.96.0.10', [])]), '10.96.0.10'), false);
  assert.equal(vipHasReadyEndpoint(state([port('10.96.0.10', [false])]), '10.96.0.10'), false);
  assert.equal(vipHasReadyEndpoint(state([port('10.96.0.10', []), port('10.96.0.10', [false, true])]), '10.96.0.10'), true);
});
