/**
 * @module Rootless mode end to end (issue 4): `kubito up` run as the unprivileged user nobody
 * starts its node agent in a user namespace (src/node/rootless.ts). The node becomes Ready, an
 * nginx pod serves the welcome page to a busybox pod, exec works, nothing appears in the
 * host's /run/netns; a crashed agent's orphans are killed by clean-up through the recorded
 * user namespace, and a stopped cluster leaves no process behind. Runs as root (to become
 * nobody); skipped, with the reason, where the kernel refuses unprivileged user namespaces.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupCluster } from '../../src/node/launch.js';
import { WELCOME_PAGE } from '../../src/node/nginx-config.js';
import { KUBITO_BIN, kubectlPath } from './harness.js';

const NOBODY = 65534;
const probe = process.getuid?.() === 0 ? spawnSync('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', 'unshare', '--user', '--map-root-user', '--net', '--mount', 'true'], { encoding: 'utf8' }) : undefined;
/** nobody must be able to run node on the checkout (not so when it lives under /root). */
const readable = process.getuid?.() === 0 ? spawnSync('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath, '-e', `require('fs').accessSync(${JSON.stringify(KUBITO_BIN)}, require('fs').constants.R_OK)`]) : undefined;
const skip = process.platform !== 'linux' || process.getuid?.() !== 0
  ? 'needs root (to run kubito as nobody)'
  : probe?.status !== 0
    ? `unprivileged user namespaces refused here: ${probe?.stderr.trim()}`
    : readable?.status !== 0
      ? `nobody cannot read ${KUBITO_BIN}`
      : false;

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Processes in the user namespace `ns` (`user:[N]`). */
function inUserns(ns: string): number[] {
  const found: number[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (readlinkSync(`/proc/${pid}/ns/user`) === ns && !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'))) found.push(Number(pid));
    } catch {
      // gone
    }
  }
  return found;
}

describe('rootless: kubito up as nobody', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-rootless-'));
  const name = `rl${process.pid % 100000}`;
  const dataDir = join(dir, 'data');
  let up: ChildProcess;
  let output = '';
  const kubectl = (args: string[]): string => {
    const r = spawnSync(kubectlPath(), ['--kubeconfig', join(dir, 'kc'), '--cache-dir', join(dir, 'cache'), ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };

  before(async () => {
    chownSync(dir, NOBODY, NOBODY);
    up = spawn(process.execPath, [KUBITO_BIN, 'up', '--name', name, '--data-dir', dataDir, '--kubeconfig', join(dir, 'kc'), '--api-port', '0', '--store', 'memory'], {
      uid: NOBODY,
      gid: NOBODY,
      env: { ...process.env, HOME: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    up.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    up.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    await waitFor(`kubito up as nobody:\n${output}`, async () => (output.includes('ready in') ? true : undefined));
  });

  after(async () => {
    if (up && up.exitCode === null && up.signalCode === null) {
      const exited = new Promise((r) => up.once('exit', r));
      up.kill('SIGTERM');
      await exited;
    }
    await cleanupCluster(name, { dataDir });
    rmSync(dir, { recursive: true, force: true });
  });

  test('the node is Ready and its agent runs as nobody in a user namespace of its own', async () => {
    assert.match(output, /node agent\s+\S+, pid \d+/, output);
    await waitFor('a Ready node', async () => (/\sReady\s/.test(kubectl(['get', 'nodes'])) ? true : undefined));
    const pid = Number(/node agent\s+\S+, pid (\d+)/.exec(output)![1]);
    assert.match(readFileSync(`/proc/${pid}/status`, 'utf8'), /^Uid:\s+65534\s/m);
    assert.notEqual(readlinkSync(`/proc/${pid}/ns/user`), readlinkSync('/proc/self/ns/user'));
    assert.equal(readFileSync(join(dataDir, 'run', 'agent-userns'), 'utf8').trim(), readlinkSync(`/proc/${pid}/ns/user`));
  });

  test('nginx serves busybox on the pod network; exec works; the host sees no namespace', async () => {
    kubectl(['run', 'web', '--image=nginx', '--port=80']);
    kubectl(['run', 'client', '--image=busybox', '--', 'sleep', '3600']);
    for (const pod of ['web', 'client']) {
      await waitFor(`${pod} Ready`, async () => (kubectl(['get', 'pod', pod, '-o', 'jsonpath={.status.containerStatuses[0].ready}']) === 'true' ? true : undefined));
    }
    const ip = kubectl(['get', 'pod', 'web', '-o', 'jsonpath={.status.podIP}']);
    assert.match(ip, /^10\.244\.0\.\d+$/);
    assert.equal(kubectl(['exec', 'client', '--', 'wget', '-qO-', ip]), WELCOME_PAGE);
    const hostNetns = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
    assert.doesNotMatch(hostNetns, new RegExp(`kubito-${name}-`));
  });

  test('a crashed agent\'s pods are killed by clean-up through its user namespace; a stopped cluster leaves nothing', async () => {
    const ns = readFileSync(join(dataDir, 'run', 'agent-userns'), 'utf8').trim();
    const pid = Number(/node agent\s+\S+, pid (\d+)/.exec(output)![1]);
    assert.ok(inUserns(ns).length > 2, 'the agent and its pods');
    process.kill(pid, 'SIGKILL');
    await waitFor('the agent to die', async () => (inUserns(ns).includes(pid) ? undefined : true), 10_000);
    assert.ok(inUserns(ns).length > 0, 'orphaned pods run on');
    await cleanupCluster(name, { dataDir });
    await waitFor(`the user namespace to empty (${inUserns(ns).join(' ')})`, async () => (inUserns(ns).length === 0 ? true : undefined), 5_000);
    const exited = new Promise((r) => up.once('exit', r));
    up.kill('SIGTERM');
    await exited;
    assert.deepEqual(inUserns(ns), []);
  });
});
