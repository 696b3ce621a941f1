/**
 * @module Host exposure benchmark (issue 5): HTTP through kubito's host NodePort
 * (127.0.0.1:<nodePort> → relay → node agent → node's NodePort → nginx pod) vs haproxy doing the
 * same forwarding (a TCP proxy on 127.0.0.1 to the same pod), and vs straight to the pod IP, with
 * keep-alive and with a new connection per request. wrk drives the load; throughput and p99 are
 * its figures. Bounded to ~60 s, traffic only on loopback and inside kubito's namespaces.
 *
 * The pod network exists only inside kubito's node namespace, so haproxy and the direct run work
 * from there (`ip netns exec kubito-<name>-node`), each through its own 127.0.0.1 — the same
 * one-hop loopback forwarding kubito's host listener does in the host namespace.
 * `KUBITO_BENCH_PROXY_MODE` picks the cluster's proxy modes, comma-separated, one cluster each in
 * turn (default `nftables,userspace`: the product's default mode first, where the agent forwards
 * handed listeners natively, then userspace, where Node does); each row names the mode and the
 * forwarder the agent's log says serves (e.g. "(nftables, native forwarder)").
 * `KUBITO_BENCH_SECONDS` the length of each wrk run (default 3).
 *
 * Two things the measurement must not measure instead of forwarding:
 * - Ephemeral ports. All new-connection traffic to the pod leaves the node namespace from one
 *   address (10.244.0.1: wrk's direct run, haproxy's and the agent's upstream connections) to one
 *   address and port, and the side that closes first keeps each 4-tuple in TIME_WAIT for 60 s;
 *   with the default 28,232 ports (half of them for connect) and `tcp_tw_reuse=2` (loopback
 *   only), the namespace runs dry after a second or two and then sustains about 28,232 / 60 ≈
 *   470 connections/s, whoever runs — that is what the "direct, new connection" row showed (375
 *   req/s). The bench sets `net.ipv4.tcp_tw_reuse=1` in kubito's node namespace (per namespace;
 *   the host's is untouched): a connect may reuse a TIME_WAIT port after 1 s, as a node serving
 *   many clients never runs out. The host side (wrk → 127.0.0.1) is loopback, where reuse is
 *   the default.
 * - The pod's access log. The nginx image logs every request to stdout, which the node agent
 *   copies into the CRI log — the same process that relays kubito's host traffic. The pod runs
 *   the data-plane bench's nginx (nginx-backend.ts: same settings, no access log).
 *
 * Besides wrk's figures, the CPU time each forwarder spent per request (kubito: control plane +
 * node agent; haproxy: its process), which swings less than throughput on a shared machine.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { agentPidFile, cleanupCluster } from '../src/node/launch.js';
import { benchNginxPodCommand, writeBenchNginx } from './nginx-backend.js';
import { median, READY_LINE, report } from './support.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const MODES = (process.env.KUBITO_BENCH_PROXY_MODE ?? 'nftables,userspace').split(',').map((m) => m.trim()).filter(Boolean);
/** Bound on one mode's cluster (start, rollout, 18 wrk runs, teardown). */
const MODE_BUDGET_MS = 115_000;
const SECONDS = Number(process.env.KUBITO_BENCH_SECONDS ?? 3);
const HAPROXY_PORT = 18080;

function run(argv: string[]): string {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: ${r.status}\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

interface WrkResult {
  rps: number;
  p99ms: number;
  errors: number;
  /** CPU µs the forwarder's processes spent per request (undefined: no forwarder). */
  cpuUsPerReq?: number;
}

/** user + system CPU of a process so far, in µs (clock ticks of 10 ms). */
function cpuUs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

function toMs(v: string, unit: string): number {
  const n = Number(v);
  return unit === 'us' ? n / 1000 : unit === 's' ? n * 1000 : unit === 'm' ? n * 60_000 : n;
}

/** wrk against url (optionally inside the node namespace), keep-alive or a new connection per request. */
function wrk(url: string, options: { netns?: string; close: boolean; pids?: number[] }): WrkResult {
  const before = (options.pids ?? []).map(cpuUs);
  const argv = ['wrk', '-t1', '-c8', `-d${SECONDS}s`, '--latency', ...(options.close ? ['-H', 'Connection: close'] : []), url];
  const out = run(options.netns ? ['ip', 'netns', 'exec', options.netns, ...argv] : argv);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)![1]);
  const p99 = /^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$/m.exec(out)!;
  const err = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  const errors = (err ? err.slice(1).reduce((a, b) => a + Number(b), 0) : 0) + (non2xx ? Number(non2xx[1]) : 0);
  const requests = Number(/(\d+) requests in/.exec(out)![1]);
  const used = (options.pids ?? []).reduce((sum, pid, i) => sum + cpuUs(pid) - before[i], 0);
  return { rps, p99ms: toMs(p99[1], p99[2]), errors, ...(options.pids ? { cpuUsPerReq: used / requests } : {}) };
}

/** Which TCP forwarder the node agent's log says serves hand-offs. */
function forwarderFromLog(out: string): string {
  const m = /TCP hand-offs forwarded by (the native forwarder|Node)/.exec(out);
  return !m ? 'forwarder not logged' : m[1] === 'Node' ? 'Node forwarder' : 'native forwarder';
}

/** One cluster in `mode`: its rows, labelled with the mode and the forwarder that serves. */
async function benchMode(mode: string, index: number): Promise<void> {
  const NAME = `bhp${process.pid % 10000}${index}`;
  const NETNS = `kubito-${NAME}-node`;
  const dir = mkdtempSync(join(tmpdir(), 'kubito-bench-hp-'));
  writeBenchNginx(dir);
  const kubeconfig = join(dir, 'kc');
  const kubectl = (args: string[]): string => run(['kubectl', '--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args]);
  const cluster = spawn(process.execPath, [join(ROOT, 'bin', 'kubito.js'), 'up', '--name', NAME, '--data-dir', join(dir, 'data'), '--kubeconfig', kubeconfig, '--api-port', '0', '--store', 'memory', '--proxy-mode', mode], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Both streams kept: the agent's "TCP hand-offs forwarded by ..." line names the forwarder.
  let out = '';
  cluster.stderr!.on('data', (c: Buffer) => {
    out += c.toString();
    process.stderr.write(c);
  });
  let haproxy: ChildProcess | undefined;
  const deadline = setTimeout(() => {
    console.error(`benchmark (${mode}) took longer than ${MODE_BUDGET_MS / 1000} s; stopping`);
    haproxy?.kill('SIGKILL');
    cluster.kill('SIGTERM');
    process.exitCode = 1;
  }, MODE_BUDGET_MS);
  try {
    await new Promise<void>((res, rej) => {
      cluster.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        if (READY_LINE.test(out)) res();
      });
      cluster.once('exit', () => rej(new Error(`kubito exited:\n${out}`)));
    });
    kubectl(['create', 'deployment', 'nginx', '--image=nginx', '--', ...benchNginxPodCommand(dir)]);
    kubectl(['rollout', 'status', 'deployment/nginx', '--timeout=60s']);
    kubectl(['expose', 'deployment/nginx', '--type=NodePort', '--port=80']);
    const nodePort = Number(kubectl(['get', 'svc', 'nginx', '-o', 'jsonpath={.spec.ports[0].nodePort}']));
    const podIP = kubectl(['get', 'pods', '-l', 'app=nginx', '-o', 'jsonpath={.items[0].status.podIP}']).trim();
    // Until the host port answers.
    for (let i = 0; i < 100 && spawnSync('curl', ['-sf', '-o', '/dev/null', `http://127.0.0.1:${nodePort}/`]).status !== 0; i++) await new Promise((r) => setTimeout(r, 50));

    const cfg = join(dir, 'haproxy.cfg');
    writeFileSync(
      cfg,
      [
        'global',
        '  maxconn 4096',
        'defaults',
        '  mode tcp',
        '  timeout connect 5s',
        '  timeout client 30s',
        '  timeout server 30s',
        'frontend f',
        `  bind 127.0.0.1:${HAPROXY_PORT}`,
        '  default_backend b',
        'backend b',
        `  server pod ${podIP}:80`,
        '',
      ].join('\n'),
    );
    haproxy = spawn('ip', ['netns', 'exec', NETNS, 'haproxy', '-f', cfg, '-db'], { stdio: ['ignore', 'ignore', 'inherit'] });
    for (let i = 0; i < 100 && spawnSync('ip', ['netns', 'exec', NETNS, 'curl', '-sf', '-o', '/dev/null', `http://127.0.0.1:${HAPROXY_PORT}/`]).status !== 0; i++) await new Promise((r) => setTimeout(r, 50));
    // See the module comment: TIME_WAIT ports reusable after 1 s, in kubito's namespace only.
    run(['ip', 'netns', 'exec', NETNS, 'sysctl', '-q', '-w', 'net.ipv4.tcp_tw_reuse=1']);
    const kubitoPids = [cluster.pid!, Number(readFileSync(agentPidFile(join(dir, 'data')), 'utf8'))];
    const setup = `${mode}, ${forwarderFromLog(out)}`;

    for (const close of [false, true]) {
      const label = close ? 'new connection per request' : 'keep-alive';
      // Each run leaves thousands of closed connections between the same addresses behind it
      // (TIME_WAIT), which slow the next run's connects: rotate the order over the rounds, so
      // that each target runs first, second and third once, and take medians.
      const targets = {
        direct: () => wrk(`http://${podIP}/`, { netns: NETNS, close }),
        ha: () => wrk(`http://127.0.0.1:${HAPROXY_PORT}/`, { netns: NETNS, close, pids: [haproxy!.pid!] }),
        kubito: () => wrk(`http://127.0.0.1:${nodePort}/`, { close, pids: kubitoPids }),
      };
      const names = Object.keys(targets) as Array<keyof typeof targets>;
      const results: Record<keyof typeof targets, WrkResult[]> = { direct: [], ha: [], kubito: [] };
      for (let round = 0; round < names.length; round++) {
        for (let i = 0; i < names.length; i++) {
          const name = names[(round + i) % names.length];
          results[name].push(targets[name]());
        }
      }
      const med = (name: keyof typeof targets): WrkResult => ({
        rps: median(results[name].map((r) => r.rps)),
        p99ms: median(results[name].map((r) => r.p99ms)),
        errors: results[name].reduce((sum, r) => sum + r.errors, 0),
        cpuUsPerReq: median(results[name].map((r) => r.cpuUsPerReq ?? 0)),
      });
      const [direct, ha, kubito] = [med('direct'), med('ha'), med('kubito')];
      const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100;
      report({ name: `host NodePort throughput, ${label} (${setup})`, value: Math.round(kubito.rps), unit: 'req/s', goal: '>= 1.0x haproxy', baseline: 'haproxy', baseline_value: Math.round(ha.rps), ratio: ratio(kubito.rps, ha.rps) });
      // Lower is better for latency: the ratio is haproxy's over kubito's.
      report({ name: `host NodePort p99, ${label} (${setup})`, value: Math.round(kubito.p99ms * 100) / 100, unit: 'ms', goal: '<= haproxy', baseline: 'haproxy', baseline_value: Math.round(ha.p99ms * 100) / 100, ratio: ratio(ha.p99ms, kubito.p99ms) });
      // Lower is better: the ratio is haproxy's over kubito's.
      report({ name: `host NodePort forwarding CPU per request, ${label} (${setup}; control plane + node agent)`, value: Math.round(kubito.cpuUsPerReq! * 10) / 10, unit: 'µs', goal: '<= haproxy', baseline: 'haproxy', baseline_value: Math.round(ha.cpuUsPerReq! * 10) / 10, ratio: ratio(ha.cpuUsPerReq!, kubito.cpuUsPerReq!) });
      report({ name: `host NodePort throughput vs direct to the pod, ${label} (${setup})`, value: Math.round(kubito.rps), unit: 'req/s', goal: 'report', baseline: 'direct', baseline_value: Math.round(direct.rps), ratio: ratio(kubito.rps, direct.rps) });
      report({ name: `haproxy throughput vs direct to the pod, ${label} (${mode} cluster)`, value: Math.round(ha.rps), unit: 'req/s', goal: 'report (about 0.7x keep-alive, 0.4x new connections)', baseline: 'direct', baseline_value: Math.round(direct.rps), ratio: ratio(ha.rps, direct.rps) });
      report({ name: `host NodePort errors, ${label} (${setup})`, value: kubito.errors, unit: 'count', goal: '0' });
    }
  } finally {
    clearTimeout(deadline);
    if (haproxy && haproxy.exitCode === null) {
      const gone = new Promise((r) => haproxy!.once('exit', r));
      haproxy.kill('SIGTERM');
      await gone;
    }
    if (cluster.exitCode === null) {
      const gone = new Promise((r) => cluster.once('exit', r));
      cluster.kill('SIGTERM');
      await gone;
    }
    await cleanupCluster(NAME, { dataDir: join(dir, 'data') });
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  for (const [i, mode] of MODES.entries()) await benchMode(mode, i);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
