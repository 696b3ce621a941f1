/**
 * @module Start benchmark (issue 8's first rows): from spawning `kubito up` to the API answering
 * `/readyz` and the cluster DNS answering `kubernetes.default.svc.cluster.local` at 10.96.0.10
 * (asked from inside the node namespace, as a pod would, by a poller sending every 5 ms), and the idle RSS of the whole
 * cluster (control plane + node agent, which runs the proxy and the DNS).
 *
 * Both are measured from outside, by polling, not from kubito's own log. Baseline: the floor of
 * the runtime on this machine, a bare Node program that serves HTTPS (with the cluster's
 * certificate) and answers DNS on UDP, timed and measured the same way. Bounded: RUNS starts.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { request } from 'node:https';
import { median, report, round, rssMiB, startBenchCluster } from './support.js';
import { CREDENTIAL_FILES } from '../src/pki/credentials.js';
import { freePort } from '../src/testing/ports.js';

const RUNS = Number(process.env.KUBITO_BENCH_START_RUNS ?? 3);
const POLL_MS = 5;

/** Whether `https://127.0.0.1:port/readyz` answers 200 (the certificate is not checked: only "is it up"). */
function readyz(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/readyz', rejectUnauthorized: false, timeout: 500 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/**
 * A DNS poller run as its own process (inside the node namespace when asked): asks for `name`
 * every POLL_MS on one UDP socket and prints `answered` at the first reply carrying `want` —
 * dig's shortest timeout is 1 s, so a query lost before the rules exist would cost a whole second.
 */
const DNS_POLLER = `
const dgram = require('node:dgram');
const [server, port, name, want] = process.argv.slice(1);
const labels = name.split('.').filter(Boolean);
const q = Buffer.concat([Buffer.from([0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]), ...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])), Buffer.from([0, 0, 1, 0, 1])]);
const wanted = Buffer.from(want.split('.').map(Number));
const s = dgram.createSocket('udp4');
s.on('message', (m) => { if (m.includes(wanted, q.length)) { process.stdout.write('answered\\n'); process.exit(0); } });
s.on('error', () => undefined);
setInterval(() => s.send(q, Number(port), server, () => undefined), ${POLL_MS});
`;

/** Resolves with performance.now() when `server` answers `name` with `want`, asked from inside `netns` when given. */
async function dnsAnswered(options: { netns?: string; server: string; port: number; name: string; want: string }, limitMs: number): Promise<number> {
  const end = performance.now() + limitMs;
  while (performance.now() < end) {
    const poller = [process.execPath, '-e', DNS_POLLER, options.server, String(options.port), options.name, options.want];
    // The namespace may not exist yet: `ip netns exec` then fails at once and we try again.
    const argv = options.netns ? ['ip', 'netns', 'exec', options.netns, ...poller] : poller;
    const at = await new Promise<number | undefined>((resolve) => {
      const p = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'ignore'] });
      const timer = setTimeout(() => p.kill('SIGKILL'), Math.max(0, end - performance.now()));
      p.stdout.on('data', (c: Buffer) => {
        if (c.toString().includes('answered')) resolve(performance.now());
      });
      p.on('error', () => resolve(undefined));
      p.on('close', () => {
        clearTimeout(timer);
        resolve(undefined);
      });
    });
    if (at !== undefined) return at;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  throw new Error(`DNS not answering after ${limitMs} ms`);
}

/** Polls `check` every POLL_MS until true; resolves with performance.now() of the first success. */
async function firstSuccess(check: () => Promise<boolean>, limitMs: number): Promise<number> {
  const end = performance.now() + limitMs;
  while (performance.now() < end) {
    if (await check()) return performance.now();
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  throw new Error(`not answering after ${limitMs} ms`);
}

/** The bare floor: one Node process with an HTTPS server and a UDP responder, started from scratch. */
const BASELINE_PROGRAM = `
const https = require('node:https'), dgram = require('node:dgram'), fs = require('node:fs');
const [key, cert, httpsPort, dnsPort] = process.argv.slice(1);
https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, (req, res) => res.end('ok')).listen(Number(httpsPort), '127.0.0.1');
const udp = dgram.createSocket('udp4');
udp.on('message', (q, rinfo) => {
  // Echo the question with one A record 10.96.0.1 (pointer to the question name at offset 12).
  const a = Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 5, 0, 4, 10, 96, 0, 1]);
  const qEnd = q.indexOf(0, 12) + 5;
  const head = Buffer.from(q.subarray(0, qEnd));
  head[2] = 0x85; head[3] = 0; head.writeUInt16BE(1, 6); head.writeUInt16BE(0, 8); head.writeUInt16BE(0, 10);
  udp.send(Buffer.concat([head, a]), rinfo.port, rinfo.address);
});
udp.bind(Number(dnsPort), '127.0.0.1');
`;

async function main(): Promise<void> {
  const kubito: number[] = [];
  const rss: number[] = [];
  let pki = '';
  for (let run = 0; run < RUNS; run++) {
    const name = `bench-start${process.pid % 100000}-${run}`;
    const port = await freePort();
    const t0 = performance.now();
    const api = firstSuccess(() => readyz(port), 20_000);
    const dns = dnsAnswered({ netns: `kubito-${name}-node`, server: '10.96.0.10', port: 53, name: 'kubernetes.default.svc.cluster.local', want: '10.96.0.1' }, 20_000);
    const cluster = await startBenchCluster({ name, extraArgs: ['--api-port', String(port), '--dns-upstream', 'none'], limitMs: 60_000 });
    try {
      const answered = Math.max(await api, await dns);
      kubito.push(answered - t0);
      await new Promise((r) => setTimeout(r, 2000));
      const agentPid = Number(/node agent\s+\S+ \([^)]*\), pid (\d+)/.exec(cluster.output())?.[1]);
      rss.push(rssMiB(cluster.process.pid!) + (agentPid ? rssMiB(agentPid) : Number.NaN));
      if (run === RUNS - 1) {
        // Keep the certificate for the baseline (the temp dir goes with the cluster).
        pki = join('/tmp', `kubito-bench-start-pki-${process.pid}`);
        spawnSync('cp', ['-r', join(cluster.dataDir, 'pki'), pki]);
      }
    } finally {
      await cluster.stop();
    }
  }

  const bare: number[] = [];
  const bareRss: number[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const [httpsPort, dnsPort] = [await freePort(), await freePort()];
      const t0 = performance.now();
      const child = spawn(process.execPath, ['-e', BASELINE_PROGRAM, join(pki, CREDENTIAL_FILES.serverKey), join(pki, CREDENTIAL_FILES.serverCert), String(httpsPort), String(dnsPort)], { stdio: 'ignore' });
      try {
        const api = firstSuccess(() => readyz(httpsPort), 10_000);
        const dns = dnsAnswered({ server: '127.0.0.1', port: dnsPort, name: 'kubernetes.default.svc.cluster.local', want: '10.96.0.1' }, 10_000);
        bare.push(Math.max(await api, await dns) - t0);
        await new Promise((r) => setTimeout(r, 500));
        // Two processes at least (control plane and node agent): twice the bare program.
        bareRss.push(2 * rssMiB(child.pid!));
      } finally {
        child.kill('SIGKILL');
      }
    }
  } finally {
    spawnSync('rm', ['-rf', pki]);
  }

  const startMs = Math.round(median(kubito));
  const bareMs = Math.round(median(bare));
  report({ name: 'up to API + DNS answering (wall, median)', value: startMs, unit: 'ms', goal: '< 1000 ms (about a second)', baseline: 'bare Node HTTPS + UDP DNS program start', baseline_value: bareMs, ratio: round(bareMs / startMs) });
  const clusterRss = round(median(rss), 1);
  const floorRss = round(median(bareRss), 1);
  report({ name: 'idle RSS, whole cluster (control plane + node agent with proxy and DNS)', value: clusterRss, unit: 'MiB', goal: '-', baseline: 'two bare Node HTTPS + UDP processes', baseline_value: floorRss, ratio: round(floorRss / clusterRss) });
}

await main();
