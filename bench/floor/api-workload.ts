/**
 * @module The API benchmark's workload, run the same way against kubito and against the floor:
 * Service creates from concurrent clients, a list read whole as JSON or as a Table, and watch
 * event latency (one write, many watchers of that object).
 */
import { request } from 'node:https';
import type { HttpTransport } from '../../src/client/index.js';

export function serviceManifest(name: string): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, labels: { bench: 'x' } }, spec: { selector: { app: name }, ports: [{ port: 80 }] } };
}

/**
 * Creates `s0`..`s<count-1>` in `namespace` (default: `default`), the clients taking names in
 * turn; creates per second.
 */
export async function createServices(clients: HttpTransport[], count: number, namespace = 'default'): Promise<number> {
  const start = performance.now();
  let next = 0;
  await Promise.all(clients.map(async (client) => {
    for (let i = next++; i < count; i = next++) {
      await client.request({ method: 'POST', path: `/api/v1/namespaces/${namespace}/services`, body: serviceManifest(`s${i}`) });
    }
  }));
  return count / ((performance.now() - start) / 1000);
}

/** One GET read to its end; its time in ms and size. */
export function timedGet(server: string, path: string, headers: Record<string, string>, ca: string): Promise<{ ms: number; bytes: number }> {
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

export const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io';

/** Watch latencies: the first round's apart from the measured rounds after the warm-up. */
export interface WatchLatencies {
  /** The first change after the watches opened, one sample per watcher (cold code paths). */
  first: number[];
  /** The `rounds` changes after the warm-up: `watchers` samples per round. */
  steady: number[];
}

/** Rounds before the measured ones (the first of them reported apart). */
export const WATCH_WARMUP_ROUNDS = 5;

/**
 * `watchers` watches on Service `s0`; WATCH_WARMUP_ROUNDS merge patches of it, then `rounds`
 * more, one after the other; each latency is from sending the patch to one watcher's event.
 * The warm-up rounds are not measured: the first is the first PATCH the server ever serves and
 * the first change its watches carry, and in the first few this benchmark's own client parses
 * its first watch events (its CPU per round fell from 6-9 ms to ~2 ms over them, 2026-11-28),
 * so they time the JIT compiling those paths, not the steady state the p99 is about. Without
 * them the client was cold for the first target (kubito) and warm for the second (the floor).
 * The first round is kept and reported as a row of its own.
 */
export async function watchLatencies(watchClient: HttpTransport, writer: HttpTransport, options: { watchers: number; rounds: number }): Promise<WatchLatencies> {
  // KUBITO_BENCH_WATCH_ROUNDS=1: one stderr line per round (first and last watcher, PATCH response).
  const perRound = process.env.KUBITO_BENCH_WATCH_ROUNDS === '1';
  const latencies: number[] = [];
  let sentAt = 0;
  let pending = 0;
  let wake: (() => void) | undefined;
  const watches = await Promise.all(Array.from({ length: options.watchers }, () =>
    watchClient.watch({ method: 'GET', path: '/api/v1/namespaces/default/services', query: { fieldSelector: 'metadata.name=s0', resourceVersion: '0' } }, {
      onEvent: (ev) => {
        if (ev.type !== 'MODIFIED' || !sentAt) return;
        latencies.push(performance.now() - sentAt);
        if (--pending === 0) wake?.();
      },
      onClose: () => undefined,
    })));
  await new Promise((r) => setTimeout(r, 500));
  let first: number[] = [];
  for (let i = 0; i < WATCH_WARMUP_ROUNDS + options.rounds; i++) {
    pending = options.watchers;
    const done = new Promise<void>((r) => (wake = r));
    const from = latencies.length;
    const cpuAt = process.cpuUsage();
    sentAt = performance.now();
    const sentWall = Date.now();
    await writer.request({ method: 'PATCH', path: '/api/v1/namespaces/default/services/s0', contentType: 'application/merge-patch+json', body: { metadata: { labels: { round: String(i) } } } });
    const patchMs = performance.now() - sentAt;
    await Promise.race([done, new Promise((r) => setTimeout(r, 5000))]);
    if (perRound) {
      const got = latencies.slice(from);
      const cpu = process.cpuUsage(cpuAt);
      const f = (x: number | undefined) => (x === undefined ? '-' : x.toFixed(2));
      process.stderr.write(`watch round ${i}${i < WATCH_WARMUP_ROUNDS ? ' (warm-up, not measured)' : ''} at ${sentWall}: patch ${f(patchMs)} ms, first ${f(got[0])}, last ${f(got.at(-1))}, events ${got.length}, client CPU ${f((cpu.user + cpu.system) / 1000)} ms\n`);
    }
    if (i === 0) first = latencies.slice(0);
    if (i === WATCH_WARMUP_ROUNDS - 1) latencies.length = 0;
  }
  for (const w of watches) w.stop();
  return { first, steady: latencies };
}
