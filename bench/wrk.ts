/**
 * @module Debian's `wrk` run inside a network namespace (`ip netns exec <ns> wrk ...`), bounded
 * in time, its whole latency histogram read back through a Lua `done` hook, so that runs of
 * several wrk processes at once (one per pod IP) merge into one exact throughput and p99.
 *
 * wrk's latency is from writing a request to reading its whole response; with
 * `Connection: close` each request opens a new connection (wrk reconnects after every response)
 * and the TCP handshake counts in the throughput but not in the latency. The histogram is wrk's
 * own after its coordinated-omission correction (requests that stalled longer than twice the
 * mean interval add the samples a steady client would have seen), so it may hold more entries
 * than requests, and its p99 is the one `wrk --latency` prints.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Prints totals and every populated latency bucket (µs, count) after the run. */
const DONE_SCRIPT = `
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK-SUMMARY %d %d %d %d %d %d %d\\n", summary.duration, summary.requests, e.connect, e.read, e.write, e.status, e.timeout))
  for i = 1, #latency do
    local v, c = latency(i)
    io.write(string.format("WRK-BUCKET %d %d\\n", v, c))
  end
end
`;

export interface WrkOptions {
  /** The network namespace wrk runs in. */
  netns: string;
  url: string;
  connections: number;
  durationSeconds: number;
  /** Send `Connection: close`: a new TCP connection for every request. */
  close: boolean;
}

export interface WrkResult {
  durationUs: number;
  requests: number;
  /** connect + read + write + timeout errors, and non-2xx/3xx answers. */
  errors: number;
  /** Latency in µs → how many requests took it. */
  histogram: Map<number, number>;
}

let scriptDir: string | undefined;

function scriptPath(): string {
  if (!scriptDir) {
    scriptDir = mkdtempSync(join(tmpdir(), 'kubito-bench-wrk-'));
    writeFileSync(join(scriptDir, 'done.lua'), DONE_SCRIPT);
    process.once('exit', () => rmSync(scriptDir!, { recursive: true, force: true }));
  }
  return join(scriptDir, 'done.lua');
}

/** One wrk run; rejects if wrk fails or prints no summary. Killed past its duration + 10 s. */
export function runWrk(options: WrkOptions): Promise<WrkResult> {
  const argv = ['netns', 'exec', options.netns, 'wrk', '-t1', `-c${options.connections}`, `-d${options.durationSeconds}s`, '--timeout', '2s', '-s', scriptPath()];
  if (options.close) argv.push('-H', 'Connection: close');
  argv.push(options.url);
  return new Promise((resolve, reject) => {
    const child = spawn('ip', argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const guard = setTimeout(() => child.kill('SIGKILL'), (options.durationSeconds + 10) * 1000);
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(guard);
      const result = code === 0 ? parseWrkOutput(out) : undefined;
      if (!result) {
        reject(new Error(`wrk ${options.url} in ${options.netns}: exit ${code}\n${err}${out}`));
        return;
      }
      resolve(result);
    });
  });
}

/** What the `done` hook printed; undefined when there is no summary line. */
export function parseWrkOutput(out: string): WrkResult | undefined {
  const summary = /^WRK-SUMMARY (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)$/m.exec(out);
  if (!summary) return undefined;
  const [durationUs, requests, ...errors] = summary.slice(1).map(Number);
  const histogram = new Map<number, number>();
  for (const m of out.matchAll(/^WRK-BUCKET (\d+) (\d+)$/gm)) histogram.set(Number(m[1]), (histogram.get(Number(m[1])) ?? 0) + Number(m[2]));
  return { durationUs, requests, errors: errors.reduce((a, b) => a + b, 0), histogram };
}

/** Several wrk runs at once (e.g. one per pod IP), merged. */
export async function runWrkTogether(runs: WrkOptions[]): Promise<WrkResult> {
  return mergeWrk(await Promise.all(runs.map(runWrk)));
}

/** Runs that went on at the same time: requests add up over the longest duration. */
export function mergeWrk(results: WrkResult[]): WrkResult {
  const histogram = new Map<number, number>();
  for (const r of results) for (const [v, c] of r.histogram) histogram.set(v, (histogram.get(v) ?? 0) + c);
  return {
    durationUs: Math.max(...results.map((r) => r.durationUs)),
    requests: results.reduce((n, r) => n + r.requests, 0),
    errors: results.reduce((n, r) => n + r.errors, 0),
    histogram,
  };
}

export function requestsPerSecond(r: WrkResult): number {
  return r.requests / (r.durationUs / 1e6);
}

/** The latency below which `p` percent of the requests finished, in ms. */
export function latencyPercentileMs(r: WrkResult, p: number): number {
  const total = [...r.histogram.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * total);
  let seen = 0;
  for (const v of [...r.histogram.keys()].sort((a, b) => a - b)) {
    seen += r.histogram.get(v)!;
    if (seen >= rank) return v / 1000;
  }
  return Number.NaN;
}
