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

test('ports resolve as ResolveContainerPort: a name, else a number; its errors otherwise', () => {
  assert.equal(resolvePort('http', [{ name: 'http', containerPort: 8080 }]), 8080);
  assert.equal(resolvePort('81', []), 81);
  assert.throws(() => resolvePort('nope', []), { message: 'strconv.Atoi: parsing "nope": invalid syntax' });
  assert.throws(() => resolvePort(0, []), { message: 'invalid port number: 0' });
});

async function listen(server: http.Server | net.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

test('httpGet: 2xx passes, redirects to the same host are followed, one elsewhere is a warning, other codes fail', async () => {
  const seen: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req.headers);
    const url = req.url ?? '/';
    if (url === '/bad') res.writeHead(500);
    else if (url === '/to-bad') res.writeHead(302, { Location: '/bad' });
    else if (url === '/away') res.writeHead(301, { Location: 'http://192.0.2.1/elsewhere' });
    else if (url.startsWith('/loop')) res.writeHead(307, { Location: `${url}x` });
    else if (url === '/no-location') res.writeHead(302);
    else res.writeHead(200);
    res.end(url === '/away' ? 'moved away' : '');
  });
  const port = await listen(server);
  try {
    const probe = (path: string, headers: Array<{ name: string; value: string }> = []) => httpProbe({ action: { path, port, httpHeaders: headers }, host: '127.0.0.1', port, timeoutMs: 1000, userAgent: 'kube-probe/1.33' });
    assert.deepEqual(await probe('/'), { ok: true, message: '' });
    assert.equal(seen[0]['user-agent'], 'kube-probe/1.33');
    assert.equal(seen[0].accept, '*/*');
    assert.deepEqual(await probe('/to-bad'), { ok: false, message: 'HTTP probe failed with statuscode: 500' });
    assert.deepEqual(await probe('/away'), { ok: true, warning: true, message: 'Probe terminated redirects, Response body: moved away' });
    assert.deepEqual(await probe('/no-location'), { ok: true, warning: true, message: 'Probe terminated redirects, Response body: ' });
    assert.deepEqual(await probe('/loop'), { ok: false, message: `Get "http://127.0.0.1:${port}/loop${'x'.repeat(10)}": stopped after 10 redirects` });
    seen.length = 0;
    await probe('/healthz?x=1', [{ name: 'user-agent', value: 'mine' }, { name: 'Accept', value: '' }, { name: 'Host', value: 'example.test' }, { name: 'X-A', value: '1' }, { name: 'X-A', value: '2' }]);
    assert.equal(seen[0]['user-agent'], 'mine');
    assert.equal(seen[0].accept, undefined);
    assert.equal(seen[0].host, 'example.test');
    assert.equal(seen[0]['x-a'], '1, 2');
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
  // A failure without output says nothing more (upstream's event: "Liveness probe failed: ").
  assert.deepEqual(await execProbe(['false'], 1000, async () => ({ code: 1, output: '', timedOut: false })), { ok: false, message: '' });
  assert.deepEqual(await execProbe(['x'], 1000, async () => ({ code: null, output: '', timedOut: false, error: 'container is not running' })), { ok: false, message: '', error: 'container is not running' });
});
