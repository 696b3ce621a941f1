import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeClock } from '../client/testing/fake-clock.js';
import { runHook, type HookTarget } from './lifecycle-hooks.js';

function target(exec: HookTarget['exec'], clock = new FakeClock(0)): HookTarget {
  return { container: 'c', pod: 'web_default(uid-1)', podIP: '127.0.0.1', ports: [{ name: 'http', containerPort: 1 }], clock, exec };
}

test('exec hook: exit 0 succeeds; otherwise the kubelet\'s message with ExecSync\'s error and the output', async () => {
  assert.equal(await runHook({ exec: { command: ['true'] } }, target(async () => ({ code: 0, output: '', stderr: '' }))), undefined);
  const failed = await runHook({ exec: { command: ['sh', '-c', 'echo out; echo err >&2; exit 3'] } }, target(async () => ({ code: 3, output: 'out\nerr\n', stderr: 'err\n' })));
  assert.equal(failed, 'Exec lifecycle hook ([sh -c echo out; echo err >&2; exit 3]) for Container "c" in Pod "web_default(uid-1)" failed - error: command \'sh -c echo out; echo err >&2; exit 3\' exited with 3: err\n, message: "out\\nerr\\n"');
});

test('httpGet hook: any response succeeds (its status is not looked at), a failed exchange fails', async () => {
  let agent = '';
  const server = http.createServer((req, res) => {
    agent = req.headers['user-agent'] ?? '';
    res.writeHead(500);
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const none = async () => ({ code: 0, output: '', stderr: '' });
  try {
    assert.equal(await runHook({ httpGet: { path: '/hook', port } }, target(none)), undefined);
    assert.equal(agent, 'kube-lifecycle/1.33');
  } finally {
    server.close();
  }
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(await runHook({ httpGet: { path: '/hook', port } }, target(none)), `HTTP lifecycle hook (/hook) for Container "c" in Pod "web_default(uid-1)" failed - error: Get "http://127.0.0.1:${port}/hook": dial tcp 127.0.0.1:${port}: connect: connection refused`);
  assert.equal(await runHook({ httpGet: { path: '/hook', port: 'web' } }, target(none)), 'HTTP lifecycle hook (/hook) for Container "c" in Pod "web_default(uid-1)" failed - error: strconv.Atoi: parsing "web": invalid syntax');
});

test('sleep hook: waits its seconds on the clock', async () => {
  const clock = new FakeClock(0);
  let done = false;
  void runHook({ sleep: { seconds: 5 } }, target(async () => ({ code: 0, output: '', stderr: '' }), clock)).then(() => (done = true));
  await clock.advance(4999);
  assert.equal(done, false);
  await clock.advance(1);
  assert.equal(done, true);
});
