/**
 * @module Cluster DNS benchmark (issue 6): dnsperf on loopback against kubito's DNS server
 * (its own process, pinned to one core) and, side by side in the same run, against NSD
 * serving the same names from a zone file: qps (dnsperf, 10 clients, ~5 s) and p99 latency
 * (dnsperf -v at 20,000 qps) at 100 and 10,000 Services, and the server's RSS at 10,000.
 * Bounded: well under 90 s. Prints one JSON row per figure.
 *
 * `node dist/bench/dns.bench.js --serve N` is the server side: a RecordIndex with N Services
 * (and N/10 namespaces), the DnsServer on 127.0.0.1:<free port>, which it prints.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RecordIndex } from '../src/dns/records.js';
import { DnsServer } from '../src/dns/server.js';

const COUNTS = [100, 10_000];
const QPS_SECONDS = Number(process.env.KUBITO_BENCH_DNS_SECONDS ?? 5);

interface Row {
  name: string;
  value: number;
  unit: string;
  goal: string;
  baseline?: string;
  baseline_value?: number;
  ratio?: number;
}

function report(row: Row): void {
  console.log(JSON.stringify(row));
}

function svcName(i: number): { name: string; ns: string; ip: string } {
  return { name: `svc-${i}`, ns: `ns-${i % Math.max(1, Math.floor(COUNTS[COUNTS.length - 1] / 1000))}`, ip: `10.${96 + ((i >> 16) & 0x0f)}.${(i >> 8) & 0xff}.${i & 0xff}` };
}

async function serve(n: number): Promise<void> {
  const index = new RecordIndex();
  let server: DnsServer | undefined;
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
  server = new DnsServer({ source: index, config: { zone: 'cluster.local.', ttl: 5, selfIPs: ['127.0.0.1'], pods: 'insecure' }, host: '127.0.0.1', port: 0 });
  await server.start();
  process.stdout.write(`port ${server.ports().dns}\n`);
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

async function startKubito(n: number): Promise<{ child: ChildProcess; port: number }> {
  const self = fileURLToPath(import.meta.url);
  const child = spawn('taskset', ['-c', '1', process.execPath, self, '--serve', String(n)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const m = await waitForLine(child, /port (\d+)/, 60_000);
  return { child, port: Number(m[1]) };
}

async function startNsd(dir: string, n: number): Promise<{ child: ChildProcess; port: number }> {
  zoneFile(dir, n);
  const port = 20000 + Math.floor(Math.random() * 20000);
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
  logfile: "${dir}/nsd.log"
remote-control:
  control-enable: no
zone:
  name: cluster.local
  zonefile: cluster.local.zone
`);
  const child = spawn('taskset', ['-c', '1', 'nsd', '-d', '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  // Ready once it answers.
  for (let i = 0; i < 100; i++) {
    const r = spawnSync('dig', ['@127.0.0.1', '-p', String(port), '+short', '+time=1', '+tries=1', 'ns.dns.cluster.local']);
    if (r.stdout.toString().trim() === '127.0.0.1') return { child, port };
    await new Promise((res) => setTimeout(res, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`nsd did not start: ${readFileSync(join(dir, 'nsd.log'), 'utf8')}`);
}

function dnsperfQps(port: number, queries: string): number {
  const r = spawnSync('taskset', ['-c', '0', 'dnsperf', '-s', '127.0.0.1', '-p', String(port), '-d', queries, '-l', String(QPS_SECONDS), '-c', '10', '-q', '200', '-t', '2'], { encoding: 'utf8', timeout: (QPS_SECONDS + 10) * 1000 });
  const m = /Queries per second:\s+([\d.]+)/.exec(r.stdout);
  if (!m) throw new Error(`dnsperf: ${r.stdout}${r.stderr}`);
  const lost = /Queries lost:\s+(\d+)/.exec(r.stdout);
  if (lost && Number(lost[1]) > 0) console.error(`# dnsperf lost ${lost[1]} queries on port ${port}`);
  return Number(m[1]);
}

function dnsperfP99(port: number, queries: string): number {
  const r = spawnSync('taskset', ['-c', '0', 'dnsperf', '-s', '127.0.0.1', '-p', String(port), '-d', queries, '-l', '2', '-Q', '20000', '-v'], { encoding: 'utf8', timeout: 20_000, maxBuffer: 256 << 20 });
  const lat = [...r.stdout.matchAll(/^> \w+ .* ([\d.]+)$/gm)].map((m) => Number(m[1]) * 1000).sort((a, b) => a - b);
  if (lat.length === 0) throw new Error(`dnsperf -v gave no latencies: ${r.stdout.slice(0, 500)}`);
  return lat[Math.floor(lat.length * 0.99)];
}

function rssMiB(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-dnsbench-'));
  const children: ChildProcess[] = [];
  const killAll = (): void => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  };
  const guard = setTimeout(() => {
    console.error('dns bench: over 85 s, stopping');
    killAll();
    process.exit(1);
  }, 85_000);
  try {
    for (const n of COUNTS) {
      const queries = queryFile(dir, n);
      const kubito = await startKubito(n);
      children.push(kubito.child);
      const nsd = await startNsd(dir, n);
      children.push(nsd.child);
      dnsperfQps(kubito.port, queries); // warm-up: JIT and answer cache
      const kq = dnsperfQps(kubito.port, queries);
      const nq = dnsperfQps(nsd.port, queries);
      report({ name: `dns_qps_${n}_services`, value: Math.round(kq), unit: 'qps', goal: '>= 1.0x NSD, one core', baseline: 'nsd', baseline_value: Math.round(nq), ratio: Number((kq / nq).toFixed(2)) });
      const kp = dnsperfP99(kubito.port, queries);
      const np = dnsperfP99(nsd.port, queries);
      report({ name: `dns_p99_ms_${n}_services`, value: Number(kp.toFixed(3)), unit: 'ms', goal: '< 1 ms at 20k qps', baseline: 'nsd', baseline_value: Number(np.toFixed(3)), ratio: Number((kp / np).toFixed(2)) });
      if (n === 10_000) report({ name: 'dns_rss_mib_10000_services', value: Number(rssMiB(kubito.child.pid!).toFixed(1)), unit: 'MiB', goal: 'CoreDNS: ~64 MB at 10k (Scaling_CoreDNS.md)' });
      kubito.child.kill('SIGTERM');
      nsd.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    clearTimeout(guard);
    killAll();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--serve') void serve(Number(process.argv[3]));
else void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
