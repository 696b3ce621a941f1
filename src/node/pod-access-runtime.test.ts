import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import type { AgentAddon } from './agent-addon.js';
import { findHostBinaries } from './host-tools.js';
import { choosePortForwardDial } from './netns-dial.js';
import { RuntimePodAccess } from './pod-access-runtime.js';
import type { Sandbox } from './pod-sandbox.js';
import type { PodWorker } from './pod-worker.js';
import { PodNotFoundError } from './streams/types.js';

// The dial of port-forward through the agent's pod access: a pod whose server listens on its
// 127.0.0.1 alone (root, a network namespace of our own standing for the pod's).
const POD_NETNS = `kubito-t-pa${process.pid}p`;
const UID = '0123abcd-0000-4000-8000-000000000000';
let server: ChildProcess | undefined;

function worker(sandbox: Partial<Sandbox> | undefined, spec: { hostNetwork?: boolean } = {}): PodWorker {
  return { pod: { metadata: { uid: UID, name: 'p', namespace: 'default' }, spec }, sandbox } as unknown as PodWorker;
}

function access(w: PodWorker | undefined, options: { podIP?: boolean } = {}): RuntimePodAccess {
  const portForward = options.podIP ? choosePortForwardDial({ KUBITO_PORT_FORWARD_DIAL: 'pod-ip' }) : choosePortForwardDial({ KUBITO_PORT_FORWARD_DIAL: 'netns' });
  return new RuntimePodAccess({ worker: (ref) => (ref.name === 'p' ? w : undefined), bin: findHostBinaries(), portForward });
}

async function greeting(socket: Duplex): Promise<string> {
  let text = '';
  for await (const chunk of socket) text += String(chunk);
  return text;
}

before(async () => {
  execFileSync('ip', ['netns', 'add', POD_NETNS]);
  execFileSync('ip', ['-n', POD_NETNS, 'link', 'set', 'lo', 'up']);
  const code = "require('net').createServer((s) => s.end('local only')).listen(9000, '127.0.0.1', () => console.log('ready'))";
  server = spawn('ip', ['netns', 'exec', POD_NETNS, process.execPath, '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  await once(server.stdout!, 'data');
});

after(() => {
  server?.kill();
  try {
    execFileSync('ip', ['netns', 'del', POD_NETNS], { stdio: 'ignore' });
  } catch {
    // not made
  }
});

test("port-forward reaches a server on the pod's 127.0.0.1 by the sandbox's name", async () => {
  const { socket, podUID } = await access(worker({ netns: POD_NETNS, podIP: '10.244.0.9' })).dial({ namespace: 'default', pod: 'p' }, 9000);
  assert.equal(podUID, UID);
  assert.equal(await greeting(socket), 'local only');
});

test("a warm pool sandbox not yet named for the pod: by the pool's name", async () => {
  const w = worker({ netns: `${POD_NETNS}-unnamed`, adoptNetns: POD_NETNS, podIP: '10.244.0.9', pooled: { poolNetns: POD_NETNS } });
  assert.equal(await greeting((await access(w).dial({ namespace: 'default', pod: 'p' }, 9000)).socket), 'local only');
});

test("a warm pool sandbox renamed for the pod while the dial enters it: by the pod's name", async () => {
  // The pool's name: a second name of the test's namespace (a bind mount, as `ip netns add` makes).
  const dir = '/run/netns';
  const poolName = `${POD_NETNS}w`;
  const podName = `${POD_NETNS}n`;
  writeFileSync(join(dir, poolName), '', { flag: 'wx' });
  execFileSync('mount', ['--bind', join(dir, POD_NETNS), join(dir, poolName)]);
  const real = choosePortForwardDial({ KUBITO_PORT_FORWARD_DIAL: 'netns' }).module!;
  let calls = 0;
  // Just before the dial's first open, as launch.c adopt_netns and the agent would: the pod's name
  // bound, the pool's removed.
  const renaming: AgentAddon = {
    socketIn(path, family) {
      if (calls++ === 0) {
        writeFileSync(join(dir, podName), '', { flag: 'wx' });
        execFileSync('mount', ['--bind', join(dir, poolName), join(dir, podName)]);
        execFileSync('umount', [join(dir, poolName)]);
        rmSync(join(dir, poolName));
      }
      return real.socketIn(path, family);
    },
    setWinsize: real.setWinsize,
    strerror: real.strerror,
  };
  try {
    const w = worker({ netns: podName, adoptNetns: poolName, podIP: '10.244.0.9', pooled: { poolNetns: poolName } });
    const pods = new RuntimePodAccess({ worker: () => w, bin: findHostBinaries(), portForward: { kind: 'netns', module: renaming, reason: 'test' } });
    assert.equal(await greeting((await pods.dial({ namespace: 'default', pod: 'p' }, 9000)).socket), 'local only');
    assert.equal(calls, 2, 'the pool name tried once, then the pod name');
  } finally {
    for (const name of [poolName, podName]) {
      spawnSync('umount', [join(dir, name)], { stdio: 'ignore' });
      rmSync(join(dir, name), { force: true });
    }
  }
});

test('no namespace by any name: the sandbox is closed; no pod, no sandbox: the errors as before', async () => {
  const w = worker({ netns: `${POD_NETNS}-gone`, podIP: '10.244.0.9' });
  await assert.rejects(access(w).dial({ namespace: 'default', pod: 'p' }, 9000), { message: 'network namespace for sandbox "0123abcd" is closed' });
  await assert.rejects(access(w).dial({ namespace: 'default', pod: 'other' }, 9000), PodNotFoundError);
  await assert.rejects(access(worker(undefined)).dial({ namespace: 'default', pod: 'p' }, 9000), { message: 'pod p has no IP address yet' });
  await assert.rejects(access(worker(undefined), { podIP: true }).dial({ namespace: 'default', pod: 'p' }, 9000), { message: 'pod p has no IP address yet' });
});

test("the pod-ip dial and dialPodIP connect to the pod's IP from the agent's namespace", async () => {
  // 127.0.0.2 stands for a pod IP no server of ours listens on: refused, in the old words.
  const w = worker({ netns: POD_NETNS, podIP: '127.0.0.2' });
  const words = "failed to connect to 127.0.0.2:9 inside the pod's network namespace: dial tcp4 127.0.0.2:9: connect: connection refused";
  await assert.rejects(access(w, { podIP: true }).dial({ namespace: 'default', pod: 'p' }, 9), { message: words });
  await assert.rejects(access(w).dialPodIP({ namespace: 'default', pod: 'p' }, 9), { message: words });
});
