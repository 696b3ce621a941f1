import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../client/testing/fake-clock.js';
import { Container } from './container.js';
import type { FifoMaker } from './fifo-pool.js';
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

function context(dataDir: string, fifos: FifoMaker): RuntimeContext {
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

test('prepareAhead makes the first run\'s FIFOs (from the pool) with its log file, before the slot; discardAhead removes them', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubito-container-'));
  try {
    const asked: string[][] = [];
    // Stands for the pool: makes plain files where the FIFOs go, once the log directory exists.
    const fifos: FifoMaker = {
      make: async (paths) => {
        asked.push(paths);
        for (const p of paths) writeFileSync(p, '');
      },
    };
    const container = new Container(POD.spec.containers[0], { init: false, ctx: context(dataDir, fifos), pod: () => POD, onChange: () => undefined });
    container.prepareAhead();
    container.prepareAhead(); // once
    const log = containerLogPath(dataDir, { namespace: 'default', name: 'web', uid: POD.metadata.uid }, 'main', 0);
    await new Promise((r) => setImmediate(r));
    await container.discardAhead();
    assert.deepEqual(asked, [[`${log}.stdout`, `${log}.stderr`]]);
    assert.ok(existsSync(log), 'the log file was opened (made)');
    assert.equal(existsSync(`${log}.stdout`) || existsSync(`${log}.stderr`), false, 'discarded FIFOs are removed');
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
