/**
 * @module What every benchmark shares: a kubito started for the run (`kubito up` in the
 * foreground, on a free loopback port, in a temp dir, removed after), HTTPS clients with its
 * admin credentials, percentiles, RSS, and the JSON rows `scripts/run-bench.js` collects.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HttpTransport } from '../src/client/index.js';
import { cleanupCluster } from '../src/node/launch.js';
import { CREDENTIAL_FILES } from '../src/pki/credentials.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** One figure, as `bench/results/latest.json` lists it. */
export interface Row {
  name: string;
  value: number;
  unit: string;
  /** What the goal is, e.g. `< 20 ms` or `>= 1.0x`. */
  goal: string;
  /** The peer measured in the same run, its figure, and kubito's over it (oriented: higher is better). */
  baseline?: string;
  baseline_value?: number;
  ratio?: number;
}

/** Prints one row (a JSON line, which the runner collects). */
export function report(row: Row): void {
  console.log(JSON.stringify(row));
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** `kubito up`'s ready line, matched whole (a log line before it may read "address already in use"). */
export const READY_LINE = /✓ kubito "[^"]*" ready in \d+ ms/;

export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

export interface BenchCluster {
  name: string;
  dir: string;
  /** `kubito up --data-dir` (`<dir>/data`): pki/, run/ (api.sock, proxy.sock), pods/. */
  dataDir: string;
  server: string;
  ca: string;
  token: string;
  process: ChildProcess;
  /** The `up` output so far. */
  output(): string;
  /** performance.now() when `up` printed its apiserver line (the API serves from then on). */
  apiReadyAt: number;
  /** A new HTTPS client with the admin token (close it when done). */
  client(): HttpTransport;
  stop(): Promise<void>;
}

/**
 * Starts `kubito up` for a benchmark; `limitMs` bounds the whole benchmark: past it the cluster
 * is stopped and the process exits 1, so a stuck run never outlives its budget.
 */
export async function startBenchCluster(options: { name: string; extraArgs?: string[]; limitMs: number }): Promise<BenchCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-bench-'));
  const dataDir = join(dir, 'data');
  // KUBITO_BENCH_CP_NODE_OPTIONS: Node options for the control plane alone (e.g. --cpu-prof).
  const cpOptions = (process.env.KUBITO_BENCH_CP_NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean);
  const child = spawn(process.execPath, [...cpOptions, join(ROOT, 'bin', 'kubito.js'), 'up', '--name', options.name, '--data-dir', dataDir, '--kubeconfig', join(dir, 'kc'), '--api-port', '0', ...(options.extraArgs ?? [])], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  let apiReadyAt = 0;
  const stop = async (): Promise<void> => {
    clearTimeout(deadline);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await cleanupCluster(options.name, { dataDir });
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = setTimeout(() => {
    console.error(`benchmark took longer than ${options.limitMs / 1000} s; stopping`);
    void stop().finally(() => process.exit(1));
  }, options.limitMs);
  const server = await new Promise<string>((res, rej) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /apiserver\s+(https:\/\/\S+)/.exec(out);
      if (m && !apiReadyAt) apiReadyAt = performance.now();
      if (m && READY_LINE.test(out)) res(m[1]);
    });
    child.once('exit', () => rej(new Error(`kubito exited:\n${out}`)));
  });
  const pki = join(dataDir, 'pki');
  const ca = readFileSync(join(pki, CREDENTIAL_FILES.caCert), 'utf8');
  const token = readFileSync(join(pki, CREDENTIAL_FILES.adminToken), 'utf8').trim();
  return {
    name: options.name,
    dir,
    dataDir,
    server,
    ca,
    token,
    process: child,
    output: () => out,
    apiReadyAt,
    client: () => new HttpTransport({ server, ca, token }),
    stop,
  };
}

/** Runs `fn` over `items` with `concurrency` workers. */
export async function inParallel<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let i = next++; i < items.length; i = next++) await fn(items[i]);
  }));
}

/** Polls `fn` every 100 ms until it returns something other than undefined; throws past `timeoutMs`. */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The median of a non-empty list. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Rounds to `digits` decimals (for rows). */
export function round(value: number, digits = 2): number {
  return Number(value.toFixed(digits));
}

/** CPU time in ms of `pid` (user + system), with its reaped children's when `children` is set. */
export function cpuMs(pid: number, options: { children?: boolean } = {}): number {
  // Fields after the `(comm)`: utime is the 14th field of the line, stime 15th, cutime 16th, cstime 17th.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]) + (options.children ? Number(fields[13]) + Number(fields[14]) : 0);
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

/** The pids of `pid`'s direct children. */
export function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * Runs two measurements of one sample in turn, `a` first on even samples and `b` first on odd
 * ones, so that neither side always pays for what the other left behind (caches, freed tables).
 */
export async function inTurn(sample: number, a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<void> {
  if (sample % 2 === 0) {
    await a();
    await b();
  } else {
    await b();
    await a();
  }
}
