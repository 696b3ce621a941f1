/**
 * @module API server benchmark (issue 2): `up` to ready, idle RSS, Service creates per second
 * with 4 concurrent clients, list of 10,000 Services as JSON and as Table, and watch event
 * latency with 100 watchers. Starts its own cluster (SQLite store) on a free loopback port,
 * bounded in count and time, and prints one JSON row per figure.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HttpTransport } from '../src/client/index.js';
import { CREDENTIAL_FILES } from '../src/pki/credentials.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SERVICES = Number(process.env.KUBITO_BENCH_SERVICES ?? 10_000);
const WATCHERS = 100;

interface Row {
  name: string;
  value: number;
  unit: string;
  goal: string;
}

const rows: Row[] = [];
function report(row: Row): void {
  rows.push(row);
  console.log(JSON.stringify(row));
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

function rawGet(server: string, path: string, headers: Record<string, string>, ca: string): Promise<{ ms: number; bytes: number }> {
  return new Promise((resolveGet, reject) => {
    const t0 = performance.now();
    const req = request(`${server}${path}`, { headers, ca }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => (res.statusCode === 200 ? resolveGet({ ms: performance.now() - t0, bytes }) : reject(new Error(`${path}: ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-bench-'));
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'kubito.js'), 'up', '--name', 'bench', '--data-dir', join(dir, 'data'), '--kubeconfig', join(dir, 'kc'), '--api-port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const stop = (): void => {
    if (child.exitCode === null) child.kill('SIGTERM');
  };
  const deadline = setTimeout(() => {
    console.error('benchmark took longer than 5 minutes; stopping');
    stop();
    process.exit(1);
  }, 300_000);
  try {
    let out = '';
    const server = await new Promise<string>((res, rej) => {
      child.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /apiserver\s+(https:\/\/\S+)/.exec(out);
        if (m && out.includes('ready in')) res(m[1]);
      });
      child.once('exit', () => rej(new Error(`kubito exited:\n${out}`)));
    });
    report({ name: 'up to API ready (wall, first start)', value: Math.round(performance.now() - t0), unit: 'ms', goal: '< 300 ms' });
    report({ name: 'up to API ready (as kubito reports)', value: Number(/ready in (\d+) ms/.exec(out)![1]), unit: 'ms', goal: '< 300 ms' });
    await new Promise((r) => setTimeout(r, 2000));
    report({ name: 'idle RSS (control plane)', value: Math.round(rssMiB(child.pid!)), unit: 'MiB', goal: '< 80 MiB' });

    const pki = join(dir, 'data', 'pki');
    const ca = readFileSync(join(pki, CREDENTIAL_FILES.caCert), 'utf8');
    const token = readFileSync(join(pki, CREDENTIAL_FILES.adminToken), 'utf8').trim();
    const clients = Array.from({ length: 4 }, () => new HttpTransport({ server, ca, token }));
    const svc = (name: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, labels: { bench: 'x' } }, spec: { selector: { app: name }, ports: [{ port: 80 }] } });
    const createStart = performance.now();
    let next = 0;
    await Promise.all(clients.map(async (client) => {
      for (let i = next++; i < SERVICES; i = next++) {
        await client.request({ method: 'POST', path: '/api/v1/namespaces/default/services', body: svc(`s${i}`) });
      }
    }));
    const createSeconds = (performance.now() - createStart) / 1000;
    report({ name: 'Service creates/s (4 clients)', value: Math.round(SERVICES / createSeconds), unit: 'creates/s', goal: '> 2000' });

    const auth = { Authorization: `Bearer ${token}` };
    const json = await rawGet(server, '/api/v1/namespaces/default/services', { ...auth, Accept: 'application/json' }, ca);
    report({ name: `list ${SERVICES} Services as JSON`, value: Math.round(json.ms), unit: 'ms', goal: '< 200 ms' });
    const table = await rawGet(server, '/api/v1/namespaces/default/services', { ...auth, Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' }, ca);
    report({ name: `list ${SERVICES} Services as Table`, value: Math.round(table.ms), unit: 'ms', goal: '< 200 ms' });

    // Watch latency: WATCHERS watches on one object; each write's ack to each watcher's event.
    const watchClient = new HttpTransport({ server, ca, token });
    const latencies: number[] = [];
    let sentAt = 0;
    let pending = 0;
    let wake: (() => void) | undefined;
    const watches = await Promise.all(Array.from({ length: WATCHERS }, () =>
      watchClient.watch({ method: 'GET', path: '/api/v1/namespaces/default/services', query: { fieldSelector: 'metadata.name=s0', resourceVersion: '0' } }, {
        onEvent: (ev) => {
          if (ev.type !== 'MODIFIED' || !sentAt) return;
          latencies.push(performance.now() - sentAt);
          if (--pending === 0) wake?.();
        },
        onClose: () => undefined,
      })));
    await new Promise((r) => setTimeout(r, 500));
    for (let i = 0; i < 50; i++) {
      pending = WATCHERS;
      const done = new Promise<void>((r) => (wake = r));
      sentAt = performance.now();
      await clients[0].request({ method: 'PATCH', path: '/api/v1/namespaces/default/services/s0', contentType: 'application/merge-patch+json', body: { metadata: { labels: { round: String(i) } } } });
      await Promise.race([done, new Promise((r) => setTimeout(r, 5000))]);
    }
    for (const w of watches) w.stop();
    report({ name: `watch event latency p99 (${WATCHERS} watchers)`, value: Number(percentile(latencies, 99).toFixed(2)), unit: 'ms', goal: '< 10 ms' });
    report({ name: `watch event latency p50 (${WATCHERS} watchers)`, value: Number(percentile(latencies, 50).toFixed(2)), unit: 'ms', goal: '-' });
    for (const c of [...clients, watchClient]) c.close();
  } finally {
    clearTimeout(deadline);
    stop();
    await new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(null)));
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
