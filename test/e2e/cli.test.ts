/**
 * @module The `kubito` commands as DESIGN.md's contract states them, run as a user would:
 * `up --detach` returns once ready, `status` tells what runs (and exits 1 when nothing does),
 * `kubeconfig` prints one kubectl can use, `doctor` names a broken Service, `down` stops the
 * cluster and keeps its data, and a wrong flag is a usage error (exit 2).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { cleanupCluster } from '../../src/node/launch.js';
import { KUBITO_BIN, kubectlPath, READY_LINE, type KubectlResult } from './harness.js';
import { netnsList } from './processes.js';

function run(program: string, args: string[], input = ''): Promise<KubectlResult> {
  return new Promise((resolveRun) => {
    const proc = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    // A command that exits without reading stdin (--help) closes the pipe first: not an error.
    proc.stdin.on('error', () => undefined);
    proc.stdin.end(input);
    proc.on('close', (code) => resolveRun({ code: code ?? -1, stdout, stderr }));
  });
}

describe('the kubito commands', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-cli-'));
  const name = `cli${process.pid % 100000}`;
  const common = ['--name', name, '--data-dir', join(dir, 'data')];
  const kubito = (args: string[]): Promise<KubectlResult> => run(process.execPath, [KUBITO_BIN, ...args]);
  const kubeconfig = join(dir, 'kubeconfig');
  let upOutput = '';

  before(async () => {
    const up = await kubito(['up', '--detach', ...common, '--kubeconfig', kubeconfig, '--api-port', '0', '--store', 'sqlite']);
    assert.equal(up.code, 0, up.stdout + up.stderr);
    upOutput = up.stdout;
  });

  test('up: a progress line per component with its time, then the ready line with the context and what to try', () => {
    for (const component of ['credentials', 'apiserver', 'node agent', 'kubeconfig']) {
      assert.match(upOutput, new RegExp(`^• ${component} +.*\\(\\d+ ms[,)]`, 'm'), component);
    }
    assert.match(upOutput, /^• store +sqlite \(.*state\.db\), opened with the apiserver$/m);
    assert.match(upOutput, new RegExp(`^• node agent +${name}-node \\(kubelet, nftables proxy, cluster DNS\\), pid \\d+ \\(\\d+ ms\\)$`, 'm'));
    // Its kubeconfig is a file of its own (--kubeconfig): the command to try names it.
    assert.match(upOutput, new RegExp(`^✓ kubito "${name}" ready in \\d+ ms — kubectl --kubeconfig ${kubeconfig} get svc$`, 'm'));
    assert.match(upOutput, new RegExp(`stop with: kubito down --name ${name}$`, 'm'));
  });
  after(async () => {
    await kubito(['down', ...common]);
    await cleanupCluster(name, { dataDir: join(dir, 'data') });
    rmSync(dir, { recursive: true, force: true });
  });

  test('status: components, nodes, pods and Services at a glance', async () => {
    const status = await kubito(['status', ...common]);
    assert.equal(status.code, 0, status.stdout + status.stderr);
    assert.match(status.stdout, /^ {2}apiserver {3}https:\/\/127\.0\.0\.1:\d+: ready$/m);
    assert.match(status.stdout, /^ {2}store {7}sqlite$/m);
    const agentPid = Number(/^ {2}node agent {2}pid (\d+)$/m.exec(status.stdout)?.[1]);
    assert.ok(agentPid > 0, status.stdout);
    assert.match(readFileSync(`/proc/${agentPid}/cmdline`, 'utf8'), /kubito|node/);
    assert.match(status.stdout, /^ {2}services {4}2$/m);
    assert.match(status.stdout, /^ {4}default\/kubernetes\s+ClusterIP\s+10\.96\.0\.1\s+443\/TCP$/m);
    assert.match(status.stdout, /^ {4}kube-system\/kube-dns\s+ClusterIP\s+10\.96\.0\.10\s+53\/UDP,53\/TCP,9153\/TCP$/m);
    // The node agent's DNS and proxy, as their mirror pods in kube-system (src/node/static-pods.ts).
    assert.match(status.stdout, /^ {2}pods {8}2 \(2 Running\)$/m);
  });

  test('kubeconfig: prints one that kubectl uses', async () => {
    const printed = await kubito(['kubeconfig', ...common]);
    assert.equal(printed.code, 0, printed.stderr);
    const file = join(dir, 'printed-kubeconfig');
    writeFileSync(file, printed.stdout);
    const svc = await run(kubectlPath(), ['--kubeconfig', file, 'get', 'svc', 'kubernetes', '-o', 'jsonpath={.spec.clusterIP}']);
    assert.equal(svc.stdout, '10.96.0.1', svc.stderr);
  });

  test('doctor: names the cause of a broken Service and exits 1', async () => {
    const created = await run(kubectlPath(), ['--kubeconfig', kubeconfig, 'create', 'service', 'clusterip', 'lonely', '--tcp=80:80']);
    assert.equal(created.code, 0, created.stderr);
    const doctor = await kubito(['doctor', 'svc/lonely', ...common]);
    assert.equal(doctor.code, 1);
    assert.match(doctor.stdout, /^svc\/lonely in default \(ClusterIP 10\.\d+\.\d+\.\d+\)$/m);
    assert.match(doctor.stdout, /✗ The selector app=lonely matches no pod in namespace default\./);
    assert.match(doctor.stdout, /fix: Make the selector and the pods' labels agree/);
    const missing = await kubito(['doctor', 'svc/absent', ...common]);
    assert.equal(missing.code, 1);
    assert.match(missing.stdout, /✗ There is no Service absent in any namespace\./);
    // A forgotten -n: the Service is in another namespace, and doctor says which.
    for (const args of [['create', 'namespace', 'web'], ['create', 'service', 'clusterip', 'shop', '--tcp=80:80', '-n', 'web']]) {
      const r = await run(kubectlPath(), ['--kubeconfig', kubeconfig, ...args]);
      assert.equal(r.code, 0, r.stderr);
    }
    const elsewhere = await kubito(['doctor', 'svc/shop', ...common]);
    assert.equal(elsewhere.code, 1);
    assert.match(elsewhere.stdout, /✗ There is no Service shop in namespace default, but there is one in web\.\n {4}fix: Name the namespace: kubito doctor svc\/shop -n web/);
  });

  test('node exec runs a host command in the node namespace, with its exit code', async () => {
    const addr = await kubito(['node', 'exec', ...common, '--', 'ip', '-4', '-o', 'addr', 'show', 'kbr0']);
    assert.equal(addr.code, 0, addr.stderr);
    assert.match(addr.stdout, /inet 10\.244\.0\.1\/24/);
    const failed = await kubito(['node', 'exec', ...common, '--', 'sh', '-c', 'exit 3']);
    assert.equal(failed.code, 3);
    const none = await kubito(['node', 'exec', '--name', `${name}x`, '--data-dir', join(dir, 'none'), '--', 'true']);
    assert.equal(none.code, 1);
    assert.match(none.stderr, new RegExp(`cluster "${name}x" has no node running .*; start it with: kubito up --detach --name ${name}x`));
  });

  test('an API port in use says what to do', async () => {
    const holder = createServer();
    await new Promise<void>((r) => holder.listen({ host: '127.0.0.1', port: 0 }, r));
    const port = (holder.address() as AddressInfo).port;
    try {
      const busy = await kubito(['up', '--name', `${name}b`, '--data-dir', join(dir, 'busy'), '--kubeconfig', join(dir, 'busy-kc'), '--api-port', String(port)]);
      assert.equal(busy.code, 1);
      assert.match(busy.stderr, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is in use .*--api-port 0 for a free one`));
    } finally {
      holder.close();
    }
  });

  test('the default API port in use: up picks a free one and starts', async () => {
    // Held here unless something else holds it already; either way 6443 is taken.
    const holder = createServer();
    await new Promise<void>((r) => holder.once('error', () => r()).listen({ host: '127.0.0.1', port: 6443 }, r));
    const flags = ['--name', `${name}d`, '--data-dir', join(dir, 'default-port')];
    try {
      const up = await kubito(['up', '--detach', ...flags, '--kubeconfig', join(dir, 'default-port-kc'), '--dns-upstream', 'none']);
      assert.equal(up.code, 0, up.stdout + up.stderr);
      assert.match(up.stdout, /^ {2}port 6443 is in use; picking a free port$/m);
      assert.match(up.stdout, /^• apiserver +https:\/\/127\.0\.0\.1:(?!6443\b)\d+ /m);
      assert.match(up.stdout, new RegExp(`✓ kubito "${name}d" ready in`));
    } finally {
      await kubito(['down', ...flags]);
      await cleanupCluster(`${name}d`, { dataDir: join(dir, 'default-port') });
      holder.close();
    }
  });

  test('a wrong flag is a usage error', async () => {
    const wrong = await kubito(['up', '--proxy-mode', 'ipvs', ...common]);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /--proxy-mode must be nftables, iptables or userspace, not "ipvs"/);
    assert.match(wrong.stderr, /Usage:/);
  });

  test('--help after any command prints the usage and exits 0', async () => {
    for (const args of [['up', '--help'], ['proxy', 'rules', '-h'], ['--help']]) {
      const help = await kubito(args);
      assert.deepEqual([help.code, help.stderr], [0, ''], args.join(' '));
      assert.match(help.stdout, /^kubito: a Kubernetes-compatible cluster on one machine\n[\s\S]*kubito up \[--detach\]/);
    }
  });

  test('down stops the cluster and keeps its data; status then says so and exits 1', async () => {
    const down = await kubito(['down', ...common]);
    assert.equal(down.code, 0, down.stderr);
    assert.match(down.stdout, new RegExp(`cluster "${name}" stopped; data kept in`));
    assert.ok(existsSync(join(dir, 'data', 'state.db')), 'the SQLite store stays');
    const status = await kubito(['status', ...common]);
    assert.equal(status.code, 1);
    assert.match(status.stdout, new RegExp(`cluster "${name}": not running`));
    assert.match(status.stdout, new RegExp(`^  start it with: kubito up --detach --name ${name}$`, 'm'));
  });
});

describe('kubito up whose output nobody reads any more', { timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-cli-epipe-'));
  const name = `clipipe${process.pid % 100000}`;
  after(async () => {
    await cleanupCluster(name, { dataDir: join(dir, 'data') });
    rmSync(dir, { recursive: true, force: true });
  });

  test('stops on SIGTERM and leaves none of its namespaces behind (its writes to a broken pipe are dropped)', async () => {
    const up = spawn(process.execPath, [KUBITO_BIN, 'up', '--name', name, '--data-dir', join(dir, 'data'), '--kubeconfig', join(dir, 'kc'), '--api-port', '0', '--store', 'memory'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolveExit) => up.once('exit', (code) => resolveExit(code)));
    let output = '';
    await new Promise<void>((resolveReady, reject) => {
      up.stdout.on('data', (c: Buffer) => {
        output += c.toString();
        if (READY_LINE.test(output)) resolveReady();
      });
      up.once('exit', () => reject(new Error(`kubito up exited:\n${output}`)));
    });
    const ours = (): string[] => netnsList().filter((ns) => ns.startsWith(`kubito-${name}-`));
    assert.ok(ours().length > 0, 'the cluster made its namespaces');
    // The reader goes away: every later write of `up` (its "stopping…" line first) meets EPIPE.
    up.stdout.destroy();
    up.stderr.destroy();
    up.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.deepEqual(ours(), []);
  });
});
