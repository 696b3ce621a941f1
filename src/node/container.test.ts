import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FakeClock } from '../client/testing/fake-clock.js';
import { Container, probeKillMessage } from './container.js';
import type { FifoSource } from './fifo-pool.js';
import { Ipam, parseCidr } from './ipam.js';
import { containerLogPath } from './names.js';
import type { Pod } from './pod-view.js';
import { FakeRunner } from './runner.js';
import type { RuntimeContext } from './runtime-context.js';

const POD: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'default', uid: 'abcdef01-0000-4000-8000-000000000001' },
  spec: { nodeName: 'demo-node', containers: [{ name: 'main', image: 'busybox' }], restartPolicy: 'Always' },
  status: { phase: 'Pending' },
};

function context(dataDir: string, fifos: FifoSource): RuntimeContext {
  return {
    cluster: 'demo',
    nodeName: 'demo-node',
    dataDir,
    clusterDomain: 'cluster.local',
    dns: { clusterDNS: [], clusterDomain: 'cluster.local' },
    cidr: parseCidr('10.244.0.0/24'),
    hostIP: '10.244.0.1',
    nodeNetns: 'kubito-demo-node',
    runner: new FakeRunner(),
    bin: { ip: 'ip', unshare: 'unshare', nsenter: 'nsenter', mount: 'mount', hostname: 'hostname', script: 'script', stty: 'stty', mkfifo: 'mkfifo', sh: 'sh' },
    tools: { agnhost: ['node', 'agnhost.js'], exists: () => false },
    ipam: new Ipam(parseCidr('10.244.0.0/24')),
    clock: new FakeClock(Date.parse('2024-01-01T00:00:00Z')),
    events: { event: () => undefined },
    api: {
      patchStatus: async () => undefined,
      deletePod: async () => undefined,
      services: () => [],
      envSources: { configMap: async () => undefined, secret: async () => undefined },
    },
    allocatable: { cpu: 1, memory: 2 ** 30 },
    asRoot: false,
    log: () => undefined,
    fifos,
  };
}

test('prepareAhead takes the first run\'s FIFOs (from the pool) and makes its log file, before the slot; discardAhead removes the FIFOs', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubito-container-'));
  try {
    const asked: number[] = [];
    const made: string[] = [];
    // Stands for the pool: plain files in its own directory.
    const fifos: FifoSource = {
      take: async (count) => {
        asked.push(count);
        const paths = Array.from({ length: count }, (_, i) => join(dataDir, `fifo${made.length + i}`));
        for (const p of paths) writeFileSync(p, '');
        made.push(...paths);
        return paths;
      },
    };
    const container = new Container(POD.spec.containers[0], { init: false, ctx: context(dataDir, fifos), pod: () => POD, onChange: () => undefined });
    container.prepareAhead();
    container.prepareAhead(); // once
    const log = containerLogPath(dataDir, { namespace: 'default', name: 'web', uid: POD.metadata.uid }, 'main', 0);
    await new Promise((r) => setImmediate(r));
    await container.discardAhead();
    assert.deepEqual(asked, [2]);
    assert.ok(existsSync(log), 'the log file was opened (made)');
    assert.equal(made.some((p) => existsSync(p)), false, 'discarded FIFOs are removed');
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('prepareAhead waits for the pod\'s directory and makes no log directory the pool brought', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubito-container-'));
  try {
    const fifos: FifoSource = { take: async (count) => Array.from({ length: count }, (_, i) => join(dataDir, `f${i}`)) };
    const log = containerLogPath(dataDir, { namespace: 'default', name: 'web', uid: POD.metadata.uid }, 'main', 0);
    let served!: (name: string | undefined) => void;
    const dir = new Promise<string | undefined>((r) => (served = r));
    const container = new Container(POD.spec.containers[0], { init: false, ctx: context(dataDir, fifos), pod: () => POD, onChange: () => undefined });
    container.prepareAhead(dir);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(existsSync(log), false, 'nothing made before the pod directory is settled');
    // The pool says it brought this container's directory: no mkdir (here it is missing, so the
    // open fails and nothing appears); for another container's name it is made.
    served('main');
    await container.discardAhead();
    assert.equal(existsSync(dirname(log)), false);
    const other = new Container(POD.spec.containers[0], { init: false, ctx: context(dataDir, fifos), pod: () => POD, onChange: () => undefined });
    other.prepareAhead(Promise.resolve('sidecar'));
    await other.discardAhead();
    assert.ok(existsSync(log));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a regular init container that completed is ready; a failed one, a sidecar that ended and a running one without readiness are not', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubito-container-'));
  try {
    const ctx = context(dataDir, { take: async () => [] });
    const make = (spec: Pod['spec']['containers'][number], exitCode: number) => {
      const c = new Container(spec, { init: true, ctx, pod: () => POD, onChange: () => undefined });
      c.waiting = undefined;
      c.latest = { index: 0, containerID: 'x', startedAt: '', startedMs: 0, finishedMs: 1, finishedAt: '', exitCode, logPath: '', podIP: '', env: {}, workingDir: '/', tty: false, listeners: new Set(), exited: Promise.resolve({ code: exitCode, signal: null }) };
      return c.status();
    };
    assert.equal(make({ name: 'init', image: 'busybox' }, 0).ready, true);
    assert.equal(make({ name: 'init', image: 'busybox' }, 1).ready, false);
    assert.equal(make({ name: 'side', image: 'busybox', restartPolicy: 'Always' }, 0).ready, false);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a probe kill\'s message says a restart follows unless restartPolicy is Never; a sidecar\'s names the init container', () => {
  assert.equal(probeKillMessage('c', 'liveness', { sidecar: false, restartPolicy: 'Always' }), 'Container c failed liveness probe, will be restarted');
  assert.equal(probeKillMessage('c', 'startup', { sidecar: false, restartPolicy: 'OnFailure' }), 'Container c failed startup probe, will be restarted');
  assert.equal(probeKillMessage('c', 'liveness', { sidecar: false, restartPolicy: 'Never' }), 'Container c failed liveness probe');
  assert.equal(probeKillMessage('side', 'startup', { sidecar: true, restartPolicy: 'Never' }), 'Init container side failed startup probe');
});

test('a container\'s events refer to it by field path, as GenerateContainerRef does', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubito-container-'));
  try {
    const ctx = context(dataDir, { take: async () => [] });
    const ref = (init: boolean, ephemeral = false) => new Container({ name: 'x', image: 'busybox' }, { init, ephemeral, ctx, pod: () => POD, onChange: () => undefined }).ref();
    assert.deepEqual([ref(false).fieldPath, ref(true).fieldPath, ref(false, true).fieldPath], ['spec.containers{x}', 'spec.initContainers{x}', 'spec.ephemeralContainers{x}']);
    assert.equal(ref(false).metadata.uid, POD.metadata.uid);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
