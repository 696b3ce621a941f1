import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock, settle } from '../client/testing/fake-clock.js';
import { Ipam, parseCidr } from './ipam.js';
import { podDir } from './names.js';
import type { Pod, PodCondition, PodStatus } from './pod-view.js';
import { setUpSandbox } from './pod-sandbox.js';
import { PodWorker, sameBeyondStatus } from './pod-worker.js';
import { FakeRunner } from './runner.js';
import { SandboxBatcher } from './sandbox-batch.js';
import { SandboxPool } from './sandbox-pool.js';
import { Slots } from './slots.js';
import type { RuntimeContext } from './runtime-context.js';
import { KUBE_API_ACCESS } from './volume-fixtures.js';

function setup() {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubito-worker-'));
  const runner = new FakeRunner();
  const clock = new FakeClock(Date.parse('2024-01-01T00:00:00Z'));
  const statuses: PodStatus[] = [];
  const events: string[] = [];
  const deleted: string[] = [];
  const ctx: RuntimeContext = {
    cluster: 'demo',
    nodeName: 'demo-node',
    dataDir,
    clusterDomain: 'cluster.local',
    dns: { clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local' },
    cidr: parseCidr('10.244.0.0/24'),
    hostIP: '10.244.0.1',
    nodeNetns: 'kubito-demo-node',
    runner,
    bin: { ip: 'ip', unshare: 'unshare', nsenter: 'nsenter', mount: 'mount', hostname: 'hostname', script: 'script', stty: 'stty', mkfifo: 'mkfifo', sh: 'sh' },
    tools: { agnhost: ['node', 'agnhost.js'], exists: () => false },
    ipam: new Ipam(parseCidr('10.244.0.0/24')),
    clock,
    events: { event: (_o, type, reason, message) => events.push(`${type} ${reason} ${message}`) },
    api: {
      patchStatus: async (_pod, status) => void statuses.push(JSON.parse(JSON.stringify(status))),
      deletePod: async (pod) => void deleted.push(pod.metadata.uid),
      services: () => [],
      envSources: { configMap: async () => undefined, secret: async () => undefined },
    },
    allocatable: { cpu: 1, memory: 2 ** 30 },
    asRoot: false,
    log: () => undefined,
  };
  return { ctx, runner, clock, statuses, events, deleted, cleanup: () => rmSync(dataDir, { recursive: true, force: true }) };
}

const POD: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'cache', namespace: 'default', uid: 'abcdef01-0000-4000-8000-000000000000' },
  spec: { nodeName: 'demo-node', containers: [{ name: 'redis', image: 'redis' }], restartPolicy: 'Always', terminationGracePeriodSeconds: 30, volumes: [{ name: 'data', emptyDir: {} }] },
  status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: '2024-01-01T00:00:00Z' }] },
};

test('an image kubito cannot run: sandbox made, ErrImagePull, then ImagePullBackOff, retried after the back-off', async () => {
  const s = setup();
  try {
    const worker = new PodWorker(POD, s.ctx, { onDone: () => undefined });
    worker.update(POD);
    await worker.idle();
    assert.deepEqual(s.runner.lines(), ['ip -batch -', 'ip -n kubito-demo-pabcdef01 -batch -']);
    const dir = podDir(s.ctx.dataDir, { namespace: 'default', name: 'cache', uid: POD.metadata.uid });
    assert.equal(readFileSync(join(dir, 'etc', 'resolv.conf'), 'utf8'), 'search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n');
    assert.match(readFileSync(join(dir, 'etc', 'hosts'), 'utf8'), /\n10\.244\.0\.2\tcache\n$/);
    assert.ok(existsSync(join(dir, 'volumes', 'kubernetes.io~empty-dir', 'data')));
    let last = s.statuses.at(-1)!;
    assert.equal(last.phase, 'Pending');
    assert.equal(last.podIP, '10.244.0.2');
    assert.equal(last.containerStatuses![0].state.waiting?.reason, 'ErrImagePull');
    assert.match(last.containerStatuses![0].state.waiting!.message!, /^Failed to pull image "redis": kubito has no image docker\.io\/library\/redis/);
    assert.deepEqual(last.conditions!.map((c) => c.type), ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);
    assert.ok(s.events.includes('Warning Failed Error: ErrImagePull'));

    await s.clock.advance(1000);
    await worker.idle();
    last = s.statuses.at(-1)!;
    assert.deepEqual(last.containerStatuses![0].state.waiting, { reason: 'ImagePullBackOff', message: 'Back-off pulling image "redis"' });
    await s.clock.advance(9000);
    await worker.idle();
    assert.equal(s.statuses.at(-1)!.containerStatuses![0].state.waiting?.reason, 'ErrImagePull');
    await s.clock.advance(1000);
    await worker.idle();
    assert.equal(s.statuses.at(-1)!.containerStatuses![0].state.waiting?.reason, 'ImagePullBackOff');
    // The second back-off is 20 s: no new pull 9 s later.
    const count = s.events.filter((e) => e.startsWith('Warning Failed Error: ErrImagePull')).length;
    await s.clock.advance(9000);
    await worker.idle();
    assert.equal(s.events.filter((e) => e.startsWith('Warning Failed Error: ErrImagePull')).length, count);
  } finally {
    s.cleanup();
  }
});

test('with init containers, what has not run yet waits as PodInitializing', async () => {
  const s = setup();
  try {
    const pod: Pod = { ...POD, spec: { ...POD.spec, initContainers: [{ name: 'init', image: 'redis' }, { name: 'second', image: 'redis' }] } };
    const worker = new PodWorker(pod, s.ctx, { onDone: () => undefined });
    worker.update(pod);
    await worker.idle();
    const last = s.statuses.at(-1)!;
    assert.equal(last.initContainerStatuses![0].state.waiting?.reason, 'ErrImagePull');
    assert.deepEqual(last.initContainerStatuses![1].state, { waiting: { reason: 'PodInitializing' } });
    assert.deepEqual(last.containerStatuses![0].state, { waiting: { reason: 'PodInitializing' } });
  } finally {
    s.cleanup();
  }
});

test('a container that cannot start: StartError, restarted at once, then CrashLoopBackOff: 10 s, then 20 s, a BackOff event each', async () => {
  const s = setup();
  try {
    const pod: Pod = { ...POD, spec: { ...POD.spec, containers: [{ name: 'app', image: 'example.test/app', command: ['/nonexistent/app'] }] } };
    const worker = new PodWorker(pod, s.ctx, { onDone: () => undefined });
    worker.update(pod);
    await worker.idle();
    await settle();
    await worker.idle();
    const backoffs = () => s.events.filter((e) => e.startsWith('Warning BackOff')).length;
    // Each refused start is shown as RunContainerError (the reason cache) before the next sync decides.
    const shown = s.statuses.map((st) => `${st.containerStatuses![0].restartCount} ${st.containerStatuses![0].state.waiting?.reason}`);
    assert.deepEqual(shown.filter((x) => x.endsWith('RunContainerError')), ['0 RunContainerError', '1 RunContainerError']);
    assert.match(s.statuses.find((st) => st.containerStatuses![0].state.waiting?.reason === 'RunContainerError')!.containerStatuses![0].state.waiting!.message!, /executable file not found|no such file or directory/);
    let last = s.statuses.at(-1)!.containerStatuses![0];
    assert.equal(last.restartCount, 1);
    assert.equal(last.state.waiting?.reason, 'CrashLoopBackOff');
    assert.match(last.state.waiting!.message!, /^back-off 10s restarting failed container=app pod=cache_default\(/);
    assert.equal(last.lastState.terminated?.reason, 'StartError');
    assert.equal(backoffs(), 1);
    await s.clock.advance(10_000);
    await worker.idle();
    await settle();
    await worker.idle();
    // Restarted after 10 s, failed again: a 20 s back-off.
    last = s.statuses.at(-1)!.containerStatuses![0];
    assert.equal(last.restartCount, 2);
    assert.match(last.state.waiting!.message!, /^back-off 20s /);
    assert.equal(backoffs(), 2);
  } finally {
    s.cleanup();
  }
});

test('deletion: terminal status, sandbox and address released, the final delete, files removed', async () => {
  const s = setup();
  try {
    let done = false;
    const worker = new PodWorker(POD, s.ctx, { onDone: () => (done = true) });
    worker.update(POD);
    await worker.idle();
    s.runner.commands.length = 0;
    worker.update({ ...POD, metadata: { ...POD.metadata, deletionTimestamp: '2024-01-01T00:00:05Z', deletionGracePeriodSeconds: 30 } });
    await worker.idle();
    assert.ok(done);
    assert.deepEqual(s.runner.lines(), ['ip netns delete kubito-demo-pabcdef01', 'ip link delete kvabcdef01']);
    assert.deepEqual(s.ctx.ipam.allocations(), {});
    assert.deepEqual(s.deleted, [POD.metadata.uid]);
    assert.equal(s.statuses.at(-1)!.conditions![0].status, 'False');
    assert.ok(!existsSync(podDir(s.ctx.dataDir, { namespace: 'default', name: 'cache', uid: POD.metadata.uid })));
  } finally {
    s.cleanup();
  }
});

test('with a sandbox batcher and start slots: node side batched ahead, pod side in the slot; deleted while it waits for a slot, all of its network goes', async () => {
  const s = setup();
  try {
    s.ctx.sandboxes = new SandboxBatcher(s.runner);
    s.ctx.starts = new Slots(1);
    const worker = new PodWorker(POD, s.ctx, { onDone: () => undefined });
    worker.update(POD);
    await worker.idle();
    assert.deepEqual(s.runner.lines(), ['ip -force -batch -', 'ip -n kubito-demo-pabcdef01 -batch -']);
    assert.equal(s.statuses.at(-1)!.podIP, '10.244.0.2');

    // A second pod waits for the slot (held) and is deleted meanwhile: its whole network goes.
    const other: Pod = { ...POD, metadata: { ...POD.metadata, name: 'other', uid: 'fedcba98-0000-4000-8000-000000000000' } };
    let release!: () => void;
    const held = s.ctx.starts.run(() => new Promise<void>((r) => (release = r)));
    const w2 = new PodWorker(other, s.ctx, { onDone: () => undefined });
    w2.update(other);
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    w2.update({ ...other, metadata: { ...other.metadata, deletionTimestamp: '2024-01-01T00:00:01Z', deletionGracePeriodSeconds: 0 } });
    release();
    await held;
    await w2.idle();
    assert.deepEqual(s.runner.lines().slice(2).filter((l) => l.includes('fedcba98') || l.startsWith('ip -force')), ['ip -force -batch -', 'ip -n kubito-demo-pfedcba98 -batch -', 'ip netns delete kubito-demo-pfedcba98', 'ip link delete kvfedcba98']);
  } finally {
    s.cleanup();
  }
});

test('a pool sandbox with the native launcher: no mount while it starts; where no launcher named it (an image that cannot run), the pool binds the pod\'s name then; the pool\'s name goes once no pod starts', async () => {
  const s = setup();
  const netnsDir = mkdtempSync(join(tmpdir(), 'kubito-worker-netns-'));
  try {
    s.ctx.bin = { ...s.ctx.bin, launcher: '/k/build/kubito-launch' };
    s.runner.answer('sh -c', { stdout: 'ok 00000001\n' });
    s.ctx.pool = new SandboxPool({ cluster: 'demo', runner: s.runner, ipam: s.ctx.ipam, net: { prefix: 24, gateway: '10.244.0.1' }, size: 1, clock: s.clock, netnsDir, scratchDir: netnsDir, isBound: async () => true, mount: ['busybox', 'mount'], newId: () => '00000001' });
    s.ctx.pool.start();
    await s.clock.advance(100);
    for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
    assert.equal(s.ctx.pool.size, 1);
    writeFileSync(join(netnsDir, 'kubito-demo-w00000001'), '');
    s.runner.commands.length = 0;
    const worker = new PodWorker(POD, s.ctx, { onDone: () => undefined });
    worker.update(POD);
    await worker.idle();
    for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
    const lines = s.runner.lines();
    // The pool's sandbox is the pod's (its address), no network made; no launcher ran (ErrImagePull),
    // so the pool named it (one mount) and its own name went (one ip batch).
    assert.equal(s.statuses.at(-1)!.podIP, '10.244.0.2');
    assert.ok(!lines.some((l) => l.startsWith('ip -n ') || l === 'ip -batch -'), lines.join('\n'));
    assert.equal(lines.filter((l) => /^busybox mount -a -T /.test(l)).length, 1, lines.join('\n'));
    assert.ok(existsSync(join(netnsDir, 'kubito-demo-pabcdef01')));
    assert.ok(lines.includes('ip -force -batch -'), lines.join('\n'));
    await s.ctx.pool.close();
  } finally {
    rmSync(netnsDir, { recursive: true, force: true });
    s.cleanup();
  }
});

test('a pool sandbox its launcher named (the pool\'s name gone): the worker neither binds nor removes a name', async () => {
  const s = setup();
  const netnsDir = mkdtempSync(join(tmpdir(), 'kubito-worker-netns-'));
  try {
    s.ctx.bin = { ...s.ctx.bin, launcher: '/k/build/kubito-launch' };
    s.runner.answer('sh -c', { stdout: 'ok 00000001\n' });
    s.ctx.pool = new SandboxPool({ cluster: 'demo', runner: s.runner, ipam: s.ctx.ipam, net: { prefix: 24, gateway: '10.244.0.1' }, size: 1, clock: s.clock, netnsDir, scratchDir: netnsDir, isBound: async () => true, mount: ['busybox', 'mount'], newId: () => '00000001' });
    s.ctx.pool.start();
    await s.clock.advance(100);
    for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
    // As the launcher leaves it once the pool's name was removed: the pod's name alone.
    writeFileSync(join(netnsDir, 'kubito-demo-pabcdef01'), '');
    s.runner.commands.length = 0;
    const worker = new PodWorker(POD, s.ctx, { onDone: () => undefined });
    worker.update(POD);
    await worker.idle();
    for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
    assert.deepEqual(s.runner.lines().filter((l) => l.includes('mount') || l.startsWith('ip ')), []);
    await s.ctx.pool.close();
  } finally {
    rmSync(netnsDir, { recursive: true, force: true });
    s.cleanup();
  }
});

test('sameBeyondStatus: a pod that differs only in its status (the agent\'s own write echoed) needs no sync', () => {
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', uid: 'u1', labels: { app: 'web' } },
    spec: { nodeName: 'n', containers: [{ name: 'c', image: 'busybox' }] },
    status: { phase: 'Pending' },
  };
  assert.equal(sameBeyondStatus(pod, { ...pod, status: { phase: 'Running', podIP: '10.244.0.2' } }), true);
  assert.equal(sameBeyondStatus(pod, { ...pod, metadata: { ...pod.metadata, deletionTimestamp: '2024-01-01T00:00:00Z' } }), false);
  assert.equal(sameBeyondStatus(pod, { ...pod, metadata: { ...pod.metadata, deletionGracePeriodSeconds: 0 } }), false);
  assert.equal(sameBeyondStatus(pod, { ...pod, metadata: { ...pod.metadata, labels: { app: 'other' } } }), false);
  assert.equal(sameBeyondStatus(pod, { ...pod, metadata: { ...pod.metadata, annotations: { a: 'b' } } }), false);
  assert.equal(sameBeyondStatus(pod, { ...pod, spec: { ...pod.spec, activeDeadlineSeconds: 5 } }), false);
  assert.equal(sameBeyondStatus(pod, { ...pod, metadata: { ...pod.metadata, uid: 'u2' } }), false);
  // A condition a readiness gate names, set by another controller: Ready must follow, so a sync.
  const condition = (type: string, status: 'True' | 'False'): PodCondition => ({ type, status, lastProbeTime: null, lastTransitionTime: null });
  const gated: Pod = { ...pod, spec: { ...pod.spec, readinessGates: [{ conditionType: 'example.com/ready' }] }, status: { phase: 'Running', conditions: [condition('example.com/ready', 'False')] } };
  const gateSet = (status: 'True' | 'False'): Pod => ({ ...gated, status: { phase: 'Running', conditions: [condition('example.com/ready', status), condition('Ready', 'False')] } });
  assert.equal(sameBeyondStatus(gated, gateSet('True')), false);
  assert.equal(sameBeyondStatus(gated, gateSet('False')), true);
  assert.equal(sameBeyondStatus(gated, { ...gated, status: { phase: 'Running' } }), false);
});

test('an ephemeral container the pod gains is taken without a new worker: its own status, the phase and the regular container untouched', async () => {
  const s = setup();
  try {
    const worker = new PodWorker(POD, s.ctx, { onDone: () => undefined });
    worker.update(POD);
    await worker.idle();
    const before = s.statuses.at(-1)!;
    assert.equal(before.ephemeralContainerStatuses, undefined);
    // kubectl debug --target=redis: redis does not run (its image cannot), so neither can it.
    const debugged: Pod = { ...POD, spec: { ...POD.spec, ephemeralContainers: [{ name: 'debugger', image: 'anything', command: ['sh'], targetContainerName: 'redis' }] } };
    worker.update(debugged);
    await worker.idle();
    const last = s.statuses.at(-1)!;
    assert.equal(last.phase, 'Pending');
    // (redis goes on as before: ErrImagePull, now its back-off.)
    assert.deepEqual(last.containerStatuses!.map((c) => [c.name, c.restartCount, c.state.waiting?.reason]), [['redis', 0, 'ImagePullBackOff']]);
    assert.equal(last.ephemeralContainerStatuses?.length, 1);
    const [status] = last.ephemeralContainerStatuses!;
    assert.equal(status.name, 'debugger');
    assert.equal(status.ready, false);
    assert.equal(status.started, undefined);
    assert.deepEqual(status.state, { waiting: { reason: 'CreateContainerConfigError', message: 'unable to find target container redis' } });
    assert.ok(worker.container('debugger'), 'logs, attach and exec find it by name');
    // The same spec again (a status echo) adds nothing.
    worker.update({ ...debugged, status: last });
    await worker.idle();
    assert.equal(s.statuses.at(-1)!.ephemeralContainerStatuses?.length, 1);
    await worker.shutdown();
  } finally {
    s.cleanup();
  }
});

test('a sandbox whose network fails leaves no token renewal behind (its volumes were set up meanwhile)', async () => {
  const s = setup();
  s.runner.answer('ip -batch -', { code: 1, stderr: 'RTNETLINK answers: No buffer space available' });
  let tokens = 0;
  s.ctx.api.volumeSources = () => ({
    configMap: async () => ({ data: { 'ca.crt': 'PEM' } }),
    secret: async () => undefined,
    token: async (_sa, spec) => {
      tokens++;
      return { spec: { expirationSeconds: spec.expirationSeconds }, status: { token: `t${tokens}`, expirationTimestamp: new Date(Date.now() + 3607_000).toISOString() } };
    },
  });
  try {
    const pod: Pod = { ...POD, spec: { ...POD.spec, serviceAccountName: 'default', volumes: [KUBE_API_ACCESS] } };
    await assert.rejects(setUpSandbox(s.ctx, pod), /No buffer space available/);
    // The volumes' set-up goes on after the refusal (its files are written in the thread pool,
    // slow on a loaded machine): wait until the token was asked for and no renewal has been
    // pending for 200 ms (at most 5 s). A renewal left behind stays pending and fails below.
    for (let quietSince = 0, deadline = Date.now() + 5000; Date.now() < deadline; ) {
      await settle();
      if (tokens === 1 && s.clock.pending().length === 0) {
        quietSince ||= Date.now();
        if (Date.now() - quietSince >= 200) break;
      } else quietSince = 0;
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(tokens, 1);
    assert.deepEqual(s.clock.pending(), [], 'no renewal timer for a sandbox that was never made');
  } finally {
    s.cleanup();
  }
});
