/**
 * @module wrk.ts's pure parts: the `done` hook's output parsed, runs merged, percentiles read
 * from the histogram; and one real wrk run against a server on a scratch namespace's loopback
 * (as root with ip netns), so the Lua hook's output format is checked against wrk itself.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { removeNetns, scratchNetns } from './netns-scratch.js';
import { latencyPercentileMs, mergeWrk, parseWrkOutput, requestsPerSecond, runWrk } from './wrk.js';

const OUTPUT = ['Running 1s test @ http://x/', 'WRK-SUMMARY 2000000 1000 1 0 0 2 0', 'WRK-BUCKET 100 900', 'WRK-BUCKET 250 90', 'WRK-BUCKET 5000 10', ''].join('\n');

describe('wrk output', () => {
  test('summary and buckets parse; errors add up', () => {
    const r = parseWrkOutput(OUTPUT)!;
    assert.equal(r.durationUs, 2_000_000);
    assert.equal(r.requests, 1000);
    assert.equal(r.errors, 3);
    assert.deepEqual([...r.histogram], [[100, 900], [250, 90], [5000, 10]]);
    assert.equal(requestsPerSecond(r), 500);
  });

  test('no summary line is no result', () => {
    assert.equal(parseWrkOutput('unable to connect to 10.0.0.1:80 Connection refused\n'), undefined);
  });

  test('percentiles come from the histogram: p90 and p99 and p100', () => {
    const r = parseWrkOutput(OUTPUT)!;
    assert.equal(latencyPercentileMs(r, 50), 0.1);
    assert.equal(latencyPercentileMs(r, 90), 0.1);
    assert.equal(latencyPercentileMs(r, 99), 0.25);
    assert.equal(latencyPercentileMs(r, 99.5), 5);
  });

  test('runs at the same time merge: requests add, the longest duration counts, buckets add', () => {
    const a = parseWrkOutput(OUTPUT)!;
    const b = parseWrkOutput('WRK-SUMMARY 1000000 500 0 0 0 0 0\nWRK-BUCKET 250 500\n')!;
    const m = mergeWrk([a, b]);
    assert.equal(m.requests, 1500);
    assert.equal(m.durationUs, 2_000_000);
    assert.equal(m.histogram.get(250), 590);
    assert.equal(latencyPercentileMs(m, 50), 0.1);
    assert.equal(latencyPercentileMs(m, 99), 0.25);
  });
});

const canRun = process.platform === 'linux' && process.getuid?.() === 0 && spawnSync('wrk', ['-v']).error === undefined && spawnSync('ip', ['netns', 'list']).status === 0;

describe('wrk in a namespace', { skip: canRun ? false : 'needs root, ip netns and wrk' }, () => {
  let ns = '';
  let server: ChildProcess | undefined;
  before(async () => {
    ns = scratchNetns('wrk');
    server = spawn('ip', ['netns', 'exec', ns, 'busybox', 'httpd', '-f', '-p', '127.0.0.1:8080', '-h', '/usr/share/doc/busybox'], { stdio: 'ignore' });
    for (let i = 0; i < 50 && spawnSync('ip', ['netns', 'exec', ns, 'curl', '-s', '-o', '/dev/null', 'http://127.0.0.1:8080/']).status !== 0; i++) await new Promise((r) => setTimeout(r, 50));
  });
  after(() => {
    server?.kill('SIGTERM');
    removeNetns(ns);
  });

  test('a 1 s run reports requests and a histogram holding at least every request', async () => {
    const r = await runWrk({ netns: ns, url: 'http://127.0.0.1:8080/', connections: 2, durationSeconds: 1, close: true });
    assert.ok(r.requests > 0, JSON.stringify(r));
    // wrk's coordinated-omission correction may add samples, never remove any.
    const counted = [...r.histogram.values()].reduce((a, b) => a + b, 0);
    assert.ok(counted >= r.requests, `${counted} < ${r.requests}`);
    assert.ok(latencyPercentileMs(r, 99) > 0);
  });
});
