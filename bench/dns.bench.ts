/**
 * @module Cluster DNS benchmark (issue 6): dnsperf on loopback against kubito's DNS server
 * (its own process) and, side by side in the same run, NSD serving the same names from a zone
 * file, both pinned to core 1 with dnsperf on core 0. At 100 and 10,000 Services:
 * - qps at saturation (dnsperf, 10 clients, 200 outstanding, `KUBITO_BENCH_DNS_SECONDS` each),
 *   and the server's CPU time per answered query (utime + stime from /proc over the run):
 *   the second holds when the client, not the server, is the limit, or other work shares the
 *   core; dnsperf's own CPU share is printed to say which. From the same runs, **qps per
 *   server core**: queries answered / server CPU seconds, kubito's process against NSD's
 *   processes: the qps each would answer with one whole core to itself, whoever saturated.
 * - Load generators: `KUBITO_BENCH_DNS_CLIENTS` dnsperf processes at once (default 1; their
 *   qps summed), each with `KUBITO_BENCH_DNS_THREADS` threads (dnsperf -T, default 1), on the
 *   cores `KUBITO_BENCH_DNS_CLIENT_CPUS` (taskset list, default 0; "0,1" lets them share the
 *   servers' core, which the CPU figures account for). Every dnsperf runs under
 *   `timeout -s KILL`.
 * - p50/p99 latency at a fixed 20,000 qps (below both servers' saturation; the answered rate
 *   is printed), client and server at SCHED_FIFO so the figures are the servers' and not the
 *   scheduler's queueing behind other processes.
 * Rounds alternate kubito and NSD (`KUBITO_BENCH_DNS_ROUNDS`, default 3); figures are medians,
 * ratios medians of per-round ratios. RSS at 10,000. Bounded: under 260 s. One JSON row per
 * figure on stdout, per-round detail on stderr.
 *
 * `kubito` is the product path: the server with the UDP transport it picks itself (native,
 * src/dns/native, when `npm run build` compiled it; dgram otherwise; KUBITO_DNS_UDP forces
 * one), named in its rows' `goal` and on stderr.
 *
 * When kubito serves over the native transport, `kubito-nocache` runs beside it at both sizes:
 * the same server with the native answer cache off (KUBITO_DNS_NATIVE_CACHE=0: every query
 * goes to JS, whose answer cache answers it), the A/B of the C fast path in the same rounds.
 *
 * In the 10,000-Service rounds, beside it: `kubito-dgram` or `kubito-native`, the same server
 * forced onto the other transport; and two floors (they do no DNS work: each reply is the query
 * with QR set): `node-udp-floor`, a bare Node dgram server with the server's I/O (a
 * literal-only lookup, sends batched in a `setImmediate`): what Node's dgram path (one libuv
 * read, one JS callback, one sendto per datagram) costs before any answer; and
 * `node-mmsg-floor`, the same in Node through recvmmsg/sendmmsg (bench/dns-mmsg-floor.c, an
 * N-API module compiled here with gcc; skipped without it): what batched I/O leaves.
 *
 * `node dist/bench/dns.bench.js --serve N [dgram|native|auto] [nocache]` is the server side: a
 * RecordIndex with N Services (and N/10 namespaces), the DnsServer on 127.0.0.1:<free port>,
 * which it prints; SIGTERM ends it cleanly (so `node --cpu-prof` writes its profile); SIGUSR2
 * prints its memory (RSS, V8's heap and new space, the answer cache's entries) to stderr.
 * `--echo` and `--echo-mmsg <module>` are the floors' servers.
 * `KUBITO_BENCH_DNS_NODE_FLAGS` (e.g. `--max-semi-space-size=4`) is passed to all.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { getHeapSpaceStatistics } from 'node:v8';
import { fileURLToPath } from 'node:url';
import { RecordIndex } from '../src/dns/records.js';
import { buildMmsg, echo, echoMmsg } from './dns-floors.js';
import { DnsServer } from '../src/dns/server.js';
import { loadNative, nativeCacheFromEnv, udpChoiceFromEnv, type UdpChoice } from '../src/dns/udp-transport.js';
import { report } from './support.js';

const COUNTS = [100, 10_000];
const QPS_SECONDS = Number(process.env.KUBITO_BENCH_DNS_SECONDS ?? 3);
const CLIENTS = Math.max(1, Number(process.env.KUBITO_BENCH_DNS_CLIENTS ?? 1));
const THREADS = Math.max(1, Number(process.env.KUBITO_BENCH_DNS_THREADS ?? 1));
const CLIENT_CPUS = /^[\d,-]+$/.test(process.env.KUBITO_BENCH_DNS_CLIENT_CPUS ?? '') ? process.env.KUBITO_BENCH_DNS_CLIENT_CPUS! : '0';
const ROUNDS = Number(process.env.KUBITO_BENCH_DNS_ROUNDS ?? 3);
const P99_RATE = 20_000;
const P99_SECONDS = 2;
const TICKS = 100; // USER_HZ: /proc/<pid>/stat times are in 1/100 s on Linux

function svcName(i: number): { name: string; ns: string; ip: string } {
  return { name: `svc-${i}`, ns: `ns-${i % Math.max(1, Math.floor(COUNTS[COUNTS.length - 1] / 1000))}`, ip: `10.${96 + ((i >> 16) & 0x0f)}.${(i >> 8) & 0xff}.${i & 0xff}` };
}

function dnsServer(n: number, udp: UdpChoice, nativeCache: boolean): DnsServer {
  const index = new RecordIndex();
  const namespaces = new Set<string>();
  for (let i = 0; i < n; i++) {
    const s = svcName(i);
    if (!namespaces.has(s.ns)) {
      namespaces.add(s.ns);
      index.updateNamespace(null, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: s.ns } });
    }
    index.updateService(null, { apiVersion: 'v1', kind: 'Service', metadata: { namespace: s.ns, name: s.name }, spec: { clusterIP: s.ip, ports: [{ name: 'http', protocol: 'TCP', port: 80 }] } });
  }
  index.setSynced(true);
  return new DnsServer({ source: index, config: { zone: 'cluster.local.', ttl: 5, selfIPs: ['127.0.0.1'], pods: 'insecure' }, host: '127.0.0.1', port: 0, udp, nativeCache, log: (line) => process.stderr.write(`# ${line}\n`) });
}

async function serve(n: number, udp: UdpChoice, nativeCache: boolean): Promise<void> {
  const server = dnsServer(n, udp, nativeCache);
  await server.start();
  process.on('SIGUSR2', () => {
    const mem = process.memoryUsage();
    const space = getHeapSpaceStatistics().find((x) => x.space_name === 'new_space');
    const mib = (b: number): string => (b / 1048576).toFixed(1);
    process.stderr.write(`# kubito dns memory: rss ${mib(mem.rss)} MiB, heap total ${mib(mem.heapTotal)} used ${mib(mem.heapUsed)}, new space committed ${mib(space?.physical_space_size ?? 0)}, external ${mib(mem.external)} arrayBuffers ${mib(mem.arrayBuffers)} MiB; answer cache ${server.stats().cacheEntries} entries, native ${server.stats().nativeCacheEntries} entries (${server.stats().nativeCacheHits} hits)\n`);
    const c = server.nativeCounters();
    if (c) process.stderr.write(`# kubito dns batches: ${c.received} datagrams in ${c.batches} batches (mean ${(c.received / Math.max(1, c.batches)).toFixed(1)}), ${c.wakeups} wake-ups, ${c.jsCalls} JS calls\n`);
  });
  process.stdout.write(`port ${server.ports().dns} transport ${server.udpTransport()}\n`);
}

function nodeFlags(): string[] {
  return (process.env.KUBITO_BENCH_DNS_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
}

function queryFile(dir: string, n: number): string {
  const lines: string[] = [];
  for (let k = 0; k < Math.min(n, 10_000); k++) {
    const i = Math.floor((k * 7919) % n);
    const s = svcName(i);
    lines.push(`${s.name}.${s.ns}.svc.cluster.local A`);
  }
  const path = join(dir, `queries-${n}.txt`);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

function zoneFile(dir: string, n: number): string {
  const lines = ['$ORIGIN cluster.local.', '$TTL 5', '@ IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 5', '@ IN NS ns.dns.cluster.local.', 'ns.dns IN A 127.0.0.1'];
  for (let i = 0; i < n; i++) {
    const s = svcName(i);
    lines.push(`${s.name}.${s.ns}.svc IN A ${s.ip}`);
  }
  writeFileSync(join(dir, 'cluster.local.zone'), lines.join('\n') + '\n');
  return join(dir, 'cluster.local.zone');
}

function waitForLine(child: ChildProcess, re: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no ${re} in ${timeoutMs} ms: ${out}`)), timeoutMs);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = re.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
  });
}

/** `--serve N` (kubito), `--echo` or `--echo-mmsg <module>` (the floors), on core 1. */
async function startNode(args: string[]): Promise<{ child: ChildProcess; port: number; transport: string }> {
  const self = fileURLToPath(import.meta.url);
  const child = spawn('taskset', ['-c', '1', process.execPath, ...nodeFlags(), self, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const m = await waitForLine(child, /port (\d+)(?: transport (\w+))?\n/, 60_000);
  return { child, port: Number(m[1]), transport: m[2] ?? '' };
}

/**
 * NSD on a random port below Linux's ephemeral range (32768+), so that no outgoing connection
 * holds it; another port if it still cannot bind (the machine is shared).
 */
async function startNsd(dir: string, n: number): Promise<{ child: ChildProcess; port: number }> {
  zoneFile(dir, n);
  for (let attempt = 1; ; attempt++) {
    try {
      return await startNsdOn(dir, 20000 + Math.floor(Math.random() * 12000));
    } catch (err) {
      if (attempt >= 3) throw err;
      console.error(`# ${err instanceof Error ? err.message.split('\n')[0] : String(err)}; another port`);
    }
  }
}

async function startNsdOn(dir: string, port: number): Promise<{ child: ChildProcess; port: number }> {
  const conf = join(dir, 'nsd.conf');
  writeFileSync(conf, `server:
  ip-address: 127.0.0.1@${port}
  server-count: 1
  username: ""
  chroot: ""
  zonesdir: "${dir}"
  pidfile: "${dir}/nsd.pid"
  database: ""
  xfrdfile: "${dir}/xfrd.state"
  zonelistfile: "${dir}/zone.list"
  verbosity: 0
  hide-version: yes
  # Debian's NSD has response rate limiting on (200 identical answers/s per /24, every 2nd
  # limited one dropped): at 100 names it dropped dnsperf's queries and 2 s timeouts decided
  # NSD's figure. A benchmark of one client measures the server, so it is off.
  rrl-ratelimit: 0
  rrl-whitelist-ratelimit: 0
  logfile: "${dir}/nsd.log"
remote-control:
  control-enable: no
zone:
  name: cluster.local
  zonefile: cluster.local.zone
`);
  const child = spawn('taskset', ['-c', '1', 'nsd', '-d', '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  // Ready once it answers.
  for (let i = 0; i < 100 && child.exitCode === null; i++) {
    const r = spawnSync('dig', ['@127.0.0.1', '-p', String(port), '+short', '+time=1', '+tries=1', 'ns.dns.cluster.local']);
    if (r.stdout.toString().trim() === '127.0.0.1') return { child, port };
    await new Promise((res) => setTimeout(res, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`nsd did not start: ${readFileSync(join(dir, 'nsd.log'), 'utf8')}`);
}

/** utime + stime of the processes, in seconds (all their threads). */
function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on
    ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks / TICKS;
}

/** UDP datagrams the kernel dropped for want of socket buffer, in this network namespace. */
function rcvbufErrors(): number {
  const lines = readFileSync('/proc/net/snmp', 'utf8').split('\n').filter((l) => l.startsWith('Udp:'));
  const names = lines[0].split(/\s+/);
  return Number(lines[1].split(/\s+/)[names.indexOf('RcvbufErrors')]);
}

interface Server {
  name: string;
  port: number;
  /** The processes whose CPU time is the server's. */
  pids: number[];
  /** The process to raise to SCHED_FIFO for the latency runs (all its threads). */
  main: number;
}

/**
 * dnsperf on core 0 (the servers are on core 1; see CLIENT_CPUS), run from a shell that
 * prints its children's CPU time afterwards: dnsperf's own CPU share tells whether the client
 * was the limit. `clients` dnsperf processes at once: their outputs in `outs`.
 */
function dnsperf(server: Server, queries: string, args: string[], o: { fifo?: boolean; clients?: number } = {}): { outs: string[]; clientCpu: number; serverCpu: number; wall: number; drops: number } {
  const prio = o.fifo ? 'chrt -f 10 ' : '';
  const clients = o.clients ?? 1;
  const cpus = o.fifo ? '0' : CLIENT_CPUS; // latency runs: one client, on core 0
  // `timeout`: a dnsperf left behind by a run that overran would keep its SCHED_FIFO priority
  // and, its reader gone, spin on a core (seen once under load 12: four minutes at 95%).
  const one = `${prio}timeout -s KILL 25 taskset -c ${cpus} dnsperf -s 127.0.0.1 -p ${server.port} -d ${queries} ${args.join(' ')}`;
  const outFile = (k: number): string => join(dirname(queries), `dnsperf-${k}.out`);
  const runs = Array.from({ length: clients }, (_, k) => `${one} > ${outFile(k)} 2>&1 &`).join(' ');
  const cat = Array.from({ length: clients }, (_, k) => `cat ${outFile(k)}; echo '=== dnsperf end'`).join('; ');
  const cmd = `${runs} wait; ${cat}; echo "children $(cut -d' ' -f16,17 /proc/$$/stat)"`;
  const drops0 = rcvbufErrors();
  const c0 = cpuSeconds(server.pids);
  const t0 = performance.now();
  const r = spawnSync('sh', ['-c', cmd], { encoding: 'utf8', timeout: 30_000, maxBuffer: 256 << 20 });
  const wall = (performance.now() - t0) / 1000;
  const serverCpu = cpuSeconds(server.pids) - c0;
  const m = /children (\d+) (\d+)/.exec(r.stdout);
  if (!m) throw new Error(`dnsperf (${r.error ? r.error.message : `exit ${r.status}`}, ${wall.toFixed(1)} s): ${r.stdout.slice(-500)}${r.stderr}`);
  const outs = r.stdout.split('=== dnsperf end').slice(0, clients);
  return { outs, clientCpu: (Number(m[1]) + Number(m[2])) / TICKS, serverCpu, wall, drops: rcvbufErrors() - drops0 };
}

interface QpsRun {
  qps: number;
  /** Server CPU time per answered query, microseconds. */
  cpuUs: number;
  /** Queries answered per second of server CPU: the qps of one whole core. */
  perCore: number;
  /** dnsperf's CPU share of its run (1.0: the client was the limit). */
  clientShare: number;
}

function qpsRun(server: Server, queries: string): QpsRun {
  const r = dnsperf(server, queries, ['-l', String(QPS_SECONDS), '-c', '10', '-q', '200', '-t', '2', ...(THREADS > 1 ? ['-T', String(THREADS)] : [])], { clients: CLIENTS });
  let qps = 0;
  let done = 0;
  let lost = 0;
  for (const out of r.outs) {
    const q = /Queries per second:\s+([\d.]+)/.exec(out);
    const d = /Queries completed:\s+(\d+)/.exec(out);
    if (!q || !d) throw new Error(`dnsperf: ${out.slice(0, 500)}`);
    qps += Number(q[1]);
    done += Number(d[1]);
    lost += Number(/Queries lost:\s+(\d+)/.exec(out)?.[1] ?? 0);
  }
  if (lost > 0) console.error(`# dnsperf lost ${lost} queries (${server.name}); kernel UDP receive-buffer drops meanwhile: ${r.drops}`);
  return { qps, cpuUs: (r.serverCpu / done) * 1e6, perCore: done / r.serverCpu, clientShare: r.clientCpu / QPS_SECONDS };
}

/** Sets the scheduling policy of every thread of `pid`; false when not allowed (not root). */
function schedule(pid: number, fifo: boolean): boolean {
  return spawnSync('chrt', fifo ? ['-a', '-f', '-p', '10', String(pid)] : ['-a', '-o', '-p', '0', String(pid)]).status === 0;
}

/**
 * Latency at a fixed offered rate both servers sustain, client and server at SCHED_FIFO (so a
 * runnable one is not queued behind other work on the shared cores for a scheduler tick, 4 ms
 * here: that, not the servers, made earlier p99 figures 4-6 ms for both). Percentiles of
 * dnsperf -v's per-query times (send to receive, in the client).
 */
function latencyRun(server: Server, queries: string): { p50: number; p99: number; rate: number; fifo: boolean } {
  const fifo = schedule(server.main, true);
  try {
    const r = dnsperf(server, queries, ['-l', String(P99_SECONDS), '-Q', String(P99_RATE), '-v'], { fifo });
    const lat = [...r.outs[0].matchAll(/^> \w+ .* ([\d.]+)$/gm)].map((m) => Number(m[1]) * 1000).sort((a, b) => a - b);
    if (lat.length === 0) throw new Error(`dnsperf -v gave no latencies: ${r.outs[0].slice(0, 500)}`);
    return { p50: lat[Math.floor(lat.length * 0.5)], p99: lat[Math.floor(lat.length * 0.99)], rate: lat.length / P99_SECONDS, fifo };
  } finally {
    if (fifo) schedule(server.main, false);
  }
}

/** A latency run, once more if it failed (a dnsperf killed by its timeout on a loaded machine). */
function latencyOnce(server: Server, queries: string): ReturnType<typeof latencyRun> {
  try {
    return latencyRun(server, queries);
  } catch (err) {
    console.error(`# ${server.name} latency run failed, once more: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    return latencyRun(server, queries);
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function rssMiB(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
}

function nsdPids(parent: number): number[] {
  // nsd -d: the main process forks xfrd and the server process(es); count all of them.
  const all = spawnSync('pgrep', ['-P', String(parent)], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);
  const grand = all.flatMap((p) => spawnSync('pgrep', ['-P', String(p)], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number));
  return [parent, ...all, ...grand];
}

function nsdServer(pids: number[]): number {
  for (const pid of pids) if (/nsd: server/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))) return pid;
  return pids[pids.length - 1];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-dnsbench-'));
  const children: ChildProcess[] = [];
  const killAll = (): void => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  };
  const guard = setTimeout(() => {
    console.error('dns bench: over 260 s, stopping');
    killAll();
    process.exit(1);
  }, 260_000);
  try {
    console.error(`# dns bench: load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}${nodeFlags().length ? `; node flags ${nodeFlags().join(' ')}` : ''}`);
    const floors: Server[] = [];
    const e = await startNode(['--echo']);
    children.push(e.child);
    floors.push({ name: 'node-udp-floor', port: e.port, pids: [e.child.pid!], main: e.child.pid! });
    const mmsg = buildMmsg(dir);
    if (mmsg) {
      const f = await startNode(['--echo-mmsg', mmsg]);
      children.push(f.child);
      floors.push({ name: 'node-mmsg-floor', port: f.port, pids: [f.child.pid!], main: f.child.pid! });
    }
    const last = COUNTS[COUNTS.length - 1];
    let transport = '';
    for (const n of COUNTS) {
      const queries = queryFile(dir, n);
      const k = await startNode(['--serve', String(n), udpChoiceFromEnv()]);
      children.push(k.child);
      transport = k.transport;
      console.error(`# kubito (${n} Services) serves UDP over ${transport}`);
      // The A/B of the native answer cache, in the same rounds: the same server with it off.
      const variants: Server[] = [];
      if (transport === 'native') {
        const off = await startNode(['--serve', String(n), 'native', 'nocache']);
        children.push(off.child);
        variants.push({ name: 'kubito-nocache', port: off.port, pids: [off.child.pid!], main: off.child.pid! });
      }
      if (n === last) {
        // The same server on the other transport (skipped when native cannot load).
        const other = transport === 'native' ? 'dgram' : 'native';
        const missing = other === 'native' ? loadNative() : undefined;
        const ko = missing instanceof Error ? undefined : await startNode(['--serve', String(n), other]).catch((err: unknown) => {
          console.error(`# kubito-${other} skipped: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
          return undefined;
        });
        if (missing instanceof Error) console.error(`# kubito-native skipped: ${missing.message}`);
        if (ko) {
          children.push(ko.child);
          floors.unshift({ name: `kubito-${other}`, port: ko.port, pids: [ko.child.pid!], main: ko.child.pid! });
        }
      }
      const nsdChild = await startNsd(dir, n);
      children.push(nsdChild.child);
      const kubito: Server = { name: 'kubito', port: k.port, pids: [k.child.pid!], main: k.child.pid! };
      const nsdAll = nsdPids(nsdChild.child.pid!);
      const nsd: Server = { name: 'nsd', port: nsdChild.port, pids: nsdAll, main: nsdServer(nsdAll) };
      // The floors do no DNS work: measured once, in the 10,000-Service rounds.
      const others = [...variants, ...(n === last ? floors : [])];
      for (const s of [kubito, ...others]) qpsRun(s, queries); // warm-up: JIT and answer cache
      const runs = new Map<Server, QpsRun[]>([kubito, nsd, ...others].map((s) => [s, []]));
      const ks = runs.get(kubito)!;
      const ns = runs.get(nsd)!;
      const line = (r: QpsRun): string => `${r.qps.toFixed(0)} qps ${r.cpuUs.toFixed(2)} us/q ${r.perCore.toFixed(0)} q/cpu-s (dnsperf ${(r.clientShare * 100).toFixed(0)}% cpu)`;
      for (let round = 0; round < ROUNDS; round++) {
        // Alternate the order: the machine's other load shifts during a run.
        const order = [kubito, ...others, nsd];
        for (const s of round % 2 ? order.reverse() : order) runs.get(s)!.push(qpsRun(s, queries));
        console.error(`# ${n} services, round ${round + 1}: ${[...runs].map(([s, r]) => `${s.name} ${line(r[round])}`).join(', ')}`);
      }
      const kq = median(ks.map((r) => r.qps));
      const nq = median(ns.map((r) => r.qps));
      const qpsRatio = median(ks.map((r, i) => r.qps / ns[i].qps));
      if (median(ns.map((r) => r.clientShare)) > 0.9) console.error(`# ${n}: dnsperf used a whole core against nsd: nsd's qps is the client's limit (a lower bound); compare CPU per query`);
      report({ name: `dns_qps_${n}_services`, value: Math.round(kq), unit: 'qps', goal: `>= 1.0x NSD, one core (UDP over ${transport})`, baseline: 'nsd', baseline_value: Math.round(nq), ratio: Number(qpsRatio.toFixed(2)) });
      const kc = median(ks.map((r) => r.cpuUs));
      const nc = median(ns.map((r) => r.cpuUs));
      report({ name: `dns_cpu_us_per_query_${n}_services`, value: Number(kc.toFixed(2)), unit: 'us', goal: `<= NSD (ratio >= 1.0x; UDP over ${transport})`, baseline: 'nsd', baseline_value: Number(nc.toFixed(2)), ratio: Number(median(ks.map((r, i) => ns[i].cpuUs / r.cpuUs)).toFixed(2)) });
      // The qps each server would answer with a core to itself: answered / server CPU seconds.
      report({ name: `dns_qps_per_server_core_${n}_services`, value: Math.round(median(ks.map((r) => r.perCore))), unit: 'qps/core', goal: `>= 1.0x NSD, one core (answered / server CPU s; UDP over ${transport}, ${CLIENTS} dnsperf x ${THREADS} thread(s) on cpu ${CLIENT_CPUS})`, baseline: 'nsd', baseline_value: Math.round(median(ns.map((r) => r.perCore))), ratio: Number(median(ks.map((r, i) => r.perCore / ns[i].perCore)).toFixed(2)) });
      for (const v of variants) {
        const vr = runs.get(v)!;
        const what = 'kubito with the native answer cache off (KUBITO_DNS_NATIVE_CACHE=0)';
        report({ name: `dns_cpu_us_per_query_${n}_services_${v.name.replace(/-/g, '_')}`, value: Number(median(vr.map((r) => r.cpuUs)).toFixed(2)), unit: 'us', goal: `report: ${what}`, baseline: 'nsd', baseline_value: Number(nc.toFixed(2)), ratio: Number(median(vr.map((r, i) => ns[i].cpuUs / r.cpuUs)).toFixed(2)) });
        report({ name: `dns_qps_per_server_core_${n}_services_${v.name.replace(/-/g, '_')}`, value: Math.round(median(vr.map((r) => r.perCore))), unit: 'qps/core', goal: `report: ${what}`, baseline: 'nsd', baseline_value: Math.round(median(ns.map((r) => r.perCore))), ratio: Number(median(vr.map((r, i) => r.perCore / ns[i].perCore)).toFixed(2)) });
      }
      for (const f of n === last ? floors : []) {
        const fr = runs.get(f)!;
        const what = f.name === 'node-udp-floor' ? 'Node dgram, no DNS work (kubito on dgram cannot go below it)' : f.name === 'node-mmsg-floor' ? 'Node + recvmmsg/sendmmsg module, no DNS work' : `kubito (${last} Services) with UDP over ${f.name.slice('kubito-'.length)}`;
        report({ name: `dns_cpu_us_per_query_${f.name.replace(/-/g, '_')}`, value: Number(median(fr.map((r) => r.cpuUs)).toFixed(2)), unit: 'us', goal: `report: ${what}`, baseline: 'nsd', baseline_value: Number(nc.toFixed(2)), ratio: Number(median(fr.map((r, i) => ns[i].cpuUs / r.cpuUs)).toFixed(2)) });
        report({ name: `dns_qps_${f.name.replace(/-/g, '_')}`, value: Math.round(median(fr.map((r) => r.qps))), unit: 'qps', goal: `report: ${what}`, baseline: 'nsd', baseline_value: Math.round(nq), ratio: Number(median(fr.map((r, i) => r.qps / ns[i].qps)).toFixed(2)) });
      }
      const kl: Array<ReturnType<typeof latencyRun>> = [];
      const nl: Array<ReturnType<typeof latencyRun>> = [];
      for (let round = 0; round < ROUNDS; round++) {
        for (const s of round % 2 ? [nsd, kubito] : [kubito, nsd]) (s === kubito ? kl : nl).push(latencyOnce(s, queries));
        console.error(`# ${n} services, latency round ${round + 1} at ${P99_RATE} qps${kl[round].fifo ? ' (SCHED_FIFO)' : ' (no SCHED_FIFO: not root?)'}: kubito p50 ${kl[round].p50.toFixed(3)} p99 ${kl[round].p99.toFixed(3)} ms (${kl[round].rate.toFixed(0)} answered/s), nsd p50 ${nl[round].p50.toFixed(3)} p99 ${nl[round].p99.toFixed(3)} ms (${nl[round].rate.toFixed(0)}/s)`);
      }
      const kp = median(kl.map((r) => r.p99));
      const np = median(nl.map((r) => r.p99));
      report({ name: `dns_p99_ms_${n}_services`, value: Number(kp.toFixed(3)), unit: 'ms', goal: `< 1 ms at ${P99_RATE / 1000}k qps`, baseline: 'nsd', baseline_value: Number(np.toFixed(3)), ratio: Number((np / kp).toFixed(2)) });
      if (n === 10_000) {
        report({ name: 'dns_rss_mib_10000_services', value: Number(rssMiB(k.child.pid!).toFixed(1)), unit: 'MiB', goal: 'CoreDNS: ~64 MB at 10k (Scaling_CoreDNS.md)' });
        report({ name: 'dns_rss_mib_node_udp_floor', value: Number(rssMiB(e.child.pid!).toFixed(1)), unit: 'MiB', goal: 'report: bare Node UDP process after the same load' });
        for (const v of variants) report({ name: `dns_rss_mib_10000_services_${v.name.replace(/-/g, '_')}`, value: Number(rssMiB(v.main).toFixed(1)), unit: 'MiB', goal: 'report: kubito with the native answer cache off, after the same load' });
        k.child.kill('SIGUSR2'); // its memory breakdown, on stderr
        await new Promise((r) => setTimeout(r, 200));
      }
      k.child.kill('SIGTERM');
      for (const v of variants) process.kill(v.main, 'SIGTERM');
      nsdChild.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    clearTimeout(guard);
    killAll();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (['--serve', '--echo', '--echo-mmsg'].includes(process.argv[2])) {
  // A clean exit on SIGTERM lets `node --cpu-prof ... --serve N` write its profile.
  process.on('SIGTERM', () => process.exit(0));
  if (process.argv[2] === '--echo-mmsg') echoMmsg(process.argv[3]);
  else if (process.argv[2] === '--echo') void echo();
  else {
    const udp = process.argv[4];
    const nativeCache = process.argv[5] === 'nocache' ? false : nativeCacheFromEnv();
    void serve(Number(process.argv[3]), udp === 'dgram' || udp === 'native' ? udp : 'auto', nativeCache).catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
  }
}
else void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
