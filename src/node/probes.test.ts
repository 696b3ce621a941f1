import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { execProbe, httpProbe, ProbeCounter, probeTiming, resolvePort, tcpProbe } from './probes.js';

test('defaults and thresholds: a result sticks after N in a row', () => {
  assert.deepEqual(probeTiming({}), { initialDelayMs: 0, periodMs: 10_000, timeoutMs: 1000, successThreshold: 1, failureThreshold: 3 });
  const readiness = new ProbeCounter('readiness', { successThreshold: 2, failureThreshold: 3 });
  assert.equal(readiness.value, false);
  assert.deepEqual([true, true].map((r) => readiness.record(r)), [false, true]);
  assert.deepEqual([false, false, true, false, false, false].map((r) => readiness.record(r)), [false, false, false, false, false, true]);
  assert.equal(readiness.value, false);
  const startup = new ProbeCounter('startup', { successThreshold: 1, failureThreshold: 3 });
  assert.equal(startup.value, undefined);
  assert.equal(startup.record(true), true);
  assert.equal(new ProbeCounter('liveness', { successThreshold: 1, failureThreshold: 1 }).record(false), true);
});

test('named ports resolve from the container ports', () => {
  assert.equal(resolvePort('http', [{ name: 'http', containerPort: 8080 }]), 8080);
  assert.equal(resolvePort('81', []), 81);
  assert.equal(resolvePort('nope', []), undefined);
});

async function listen(server: http.Server | net.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

test('httpGet: 2xx/3xx pass, other codes and refusals fail with upstream\'s words', async () => {
  const server = http.createServer((req, res) => {
    assert.equal(req.headers['user-agent'], 'kube-probe/1.33');
    res.writeHead(req.url === '/bad' ? 500 : req.url === '/moved' ? 302 : 200, { Location: '/' });
    res.end();
  });
  const port = await listen(server);
  try {
    const probe = (path: string, p = port) => httpProbe({ scheme: 'HTTP', host: '127.0.0.1', port: p, path, headers: [], timeoutMs: 1000, userAgent: 'kube-probe/1.33' });
    assert.deepEqual(await probe('/'), { ok: true, message: '' });
    assert.deepEqual(await probe('/moved'), { ok: true, message: '' });
    assert.deepEqual(await probe('/bad'), { ok: false, message: 'HTTP probe failed with statuscode: 500' });
    server.close();
    await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(await probe('/healthz'), { ok: false, message: `Get "http://127.0.0.1:${port}/healthz": dial tcp 127.0.0.1:${port}: connect: connection refused` });
  } finally {
    server.close();
  }
});

test('tcpSocket: connect or refuse; exec: exit code and output', async () => {
  const server = net.createServer((s) => s.end());
  const port = await listen(server);
  assert.deepEqual(await tcpProbe('127.0.0.1', port, 1000), { ok: true, message: '' });
  server.close();
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(await tcpProbe('127.0.0.1', port, 1000), { ok: false, message: `dial tcp 127.0.0.1:${port}: connect: connection refused` });
  const run = async (argv: string[]) => ({ code: argv[0] === 'true' ? 0 : 1, output: argv[0] === 'true' ? '' : "cat: can't open '/tmp/healthy': No such file or directory\n", timedOut: false });
  assert.deepEqual(await execProbe(['true'], 1000, run), { ok: true, message: '' });
  assert.deepEqual(await execProbe(['cat', '/tmp/healthy'], 1000, run), { ok: false, message: "cat: can't open '/tmp/healthy': No such file or directory\n" });
  assert.deepEqual(await execProbe(['sleep', '9'], 1000, async () => ({ code: null, output: '', timedOut: true })), { ok: false, message: 'command "sleep 9" timed out' });
});
