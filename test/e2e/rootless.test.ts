/**
 * @module Rootless mode end to end (issue 4): `kubito up` run as the unprivileged user nobody
 * starts its node agent in a user namespace (src/node/rootless.ts). The node becomes Ready, an
 * nginx pod serves the welcome page to a busybox pod, exec works, nothing appears in the
 * host's /run/netns; kubectl port-forward reaches a pod's localhost (the agent enters a pod's
 * network namespace from its user namespace); a crashed agent's orphans are killed by clean-up through the recorded
 * user namespace, and a stopped cluster leaves no process behind. Runs as root (to become
 * nobody; from a copy of the runtime when nobody cannot read the checkout); skipped, with the
 * reason, only where the kernel refuses unprivileged user namespaces.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { cleanupCluster } from '../../src/node/launch.js';
import { WELCOME_PAGE } from '../../src/node/nginx-config.js';
import { KUBITO_BIN, kubectlPath, READY_LINE } from './harness.js';
import { Running } from './terminal.js';
import { waitFor } from './wait.js';

const NOBODY = 65534;
const probe = process.getuid?.() === 0 ? spawnSync('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', 'unshare', '--user', '--map-root-user', '--net', '--mount', 'true'], { encoding: 'utf8' }) : undefined;
const skip = process.platform !== 'linux' || process.getuid?.() !== 0
  ? 'needs root (to run kubito as nobody)'
  : probe?.status !== 0
    ? `unprivileged user namespaces refused here: ${probe?.stderr.trim()}`
    : false;

/** Whether nobody can read `path` (not so for a checkout under /root). */
function nobodyCanRead(path: string): boolean {
  return spawnSync('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath, '-e', `require('fs').accessSync(${JSON.stringify(path)}, require('fs').constants.R_OK)`]).status === 0;
}

/**
 * The kubito nobody runs: the checkout's, or, when nobody cannot read the checkout (CI may clone
 * under /root), a copy of what it runs (bin, dist, package.json, node_modules) in a temp dir.
 */
function kubitoForNobody(): { bin: string; remove(): void } {
  if (nobodyCanRead(KUBITO_BIN)) return { bin: KUBITO_BIN, remove: () => undefined };
  const root = resolve(dirname(KUBITO_BIN), '..');
  const copy = mkdtempSync(join(tmpdir(), 'kubito-rootless-copy-'));
  chmodSync(copy, 0o755);
  // build/: the native parts (launcher, the agent's addon), where they were built.
  for (const entry of ['bin', 'dist', 'package.json', 'node_modules', 'build']) if (existsSync(join(root, entry))) execFileSync('cp', ['-a', join(root, entry), copy]);
  return { bin: join(copy, 'bin', 'kubito.js'), remove: () => rmSync(copy, { recursive: true, force: true }) };
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

  let kubito: { bin: string; remove(): void } | undefined;

  before(async () => {
    chownSync(dir, NOBODY, NOBODY);
    kubito = kubitoForNobody();
    up = spawn(process.execPath, [kubito.bin, 'up', '--name', name, '--data-dir', dataDir, '--kubeconfig', join(dir, 'kc'), '--api-port', '0', '--store', 'memory'], {
      uid: NOBODY,
      gid: NOBODY,
      env: { ...process.env, HOME: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    up.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    up.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    // What `up` printed goes into the timeout's message (thrown as "not yet" while it isn't ready).
    await waitFor('kubito up as nobody', async () => {
      if (READY_LINE.test(output)) return true;
      throw new Error(`not ready yet; it printed:\n${output}`);
    }, 90_000);
  });

  after(async () => {
    if (up && up.exitCode === null && up.signalCode === null) {
      const exited = new Promise((r) => up.once('exit', r));
      up.kill('SIGTERM');
      await exited;
    }
    await cleanupCluster(name, { dataDir });
    rmSync(dir, { recursive: true, force: true });
    kubito?.remove();
  });

  test('the node is Ready and its agent runs as nobody in a user namespace of its own', async () => {
    assert.match(output, /node agent\s+\S+ \([^)]*\), pid \d+/, output);
    await waitFor('a Ready node', async () => (/\sReady\s/.test(kubectl(['get', 'nodes'])) ? true : undefined));
    const pid = Number(/node agent\s+\S+ \([^)]*\), pid (\d+)/.exec(output)![1]);
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
    // The warm pool of sandboxes works inside the user namespace too (src/node/sandbox-pool.ts).
    assert.doesNotMatch(output, /sandbox pool|pooled sandbox/, output);
    const agent = /node agent\s+\S+ \([^)]*\), pid (\d+)/.exec(output)![1];
    const veths = spawnSync('nsenter', ['-t', agent, '-n', 'ip', '-o', 'link', 'show', 'type', 'veth'], { encoding: 'utf8' }).stdout;
    assert.match(veths, /: kw[0-9a-f]{8}@/, veths);
    assert.doesNotMatch(veths, /: kv[0-9a-f]{8}@/, `the pods took pool sandboxes:\n${veths}`);
    await waitFor('warm pool sandboxes in the address table', async () => (/"pool:[0-9a-f]{8}"/.test(readFileSync(join(dataDir, 'run', 'ipam.json'), 'utf8')) ? true : undefined), 10_000);
  });

  test("port-forward dials localhost inside the pod's network namespace from the user namespace", async () => {
    assert.match(output, /port-forward dial: netns /, output);
    const pf = new Running(kubectlPath(), ['--kubeconfig', join(dir, 'kc'), '--cache-dir', join(dir, 'cache'), 'port-forward', 'pod/web', ':80'], { env: { ...process.env, HOME: dir } });
    try {
      const port = Number((await pf.waitFor(/Forwarding from 127\.0\.0\.1:(\d+) -> 80\n/))[1]);
      assert.equal(await (await fetch(`http://127.0.0.1:${port}/`)).text(), WELCOME_PAGE);
    } finally {
      await pf.stop();
    }
  });

  test('a crashed agent\'s pods are killed by clean-up through its user namespace; a stopped cluster leaves nothing', async () => {
    const ns = readFileSync(join(dataDir, 'run', 'agent-userns'), 'utf8').trim();
    const pid = Number(/node agent\s+\S+ \([^)]*\), pid (\d+)/.exec(output)![1]);
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
