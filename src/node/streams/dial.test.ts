/** @module Tests for the kubelet API's `/dial` route: its refusals and Go's dial error words. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DialError, dialThroughKubelet } from '../../apiserver/proxy/dial.js';
import { KubeletServer } from '../kubelet-server.js';
import { dialErrorText, serveDial } from './dial.js';
import { connect } from 'node:net';

test("dialErrorText: Go's words", () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 10.244.0.5:80'), { code: 'ECONNREFUSED' });
  assert.equal(dialErrorText({ host: '10.244.0.5', port: 80 }, refused), 'dial tcp 10.244.0.5:80: connect: connection refused');
  const timeout = Object.assign(new Error('x'), { code: 'ETIMEDOUT' });
  assert.equal(dialErrorText({ host: 'fd00::5', port: 8080 }, timeout), 'dial tcp [fd00::5]:8080: i/o timeout');
});

test('/dial: refusals before the upgrade, then bytes both ways', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-dial-'));
  const echo = createServer((s) => s.pipe(s));
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  const echoPort = (echo.address() as AddressInfo).port;
  const kubelet = new KubeletServer(join(dir, 'kubelet.sock'), { logs: { containerLog: () => { throw new Error('none'); } } });
  kubelet.onUpgrade('dial', (req, socket, head) => serveDial(req, socket, head, {
    // 10.244.0.9 stands for the loopback echo server; any other address meets a closed port (1).
    connect: (target) => connect({ host: '127.0.0.1', port: target.host === '10.244.0.9' ? echoPort : 1 }),
    timeoutMs: 2_000,
  }));
  await kubelet.listen();
  const sock = join(dir, 'kubelet.sock');
  try {
    for (const [host, port, want] of [
      ['127.0.0.1', 80, 'address not allowed: "127.0.0.1" port "80"'],
      ['nginx', 80, 'address not allowed: "nginx" port "80"'],
      ['10.244.0.9', 0, 'address not allowed: "10.244.0.9" port "0"'],
      ['10.244.0.9', 70000, 'address not allowed: "10.244.0.9" port "70000"'],
      ['10.244.0.8', 80, 'dial tcp 10.244.0.8:80: connect: connection refused'],
    ] as const) {
      await assert.rejects(dialThroughKubelet(sock, { host, port }), (err: unknown) => err instanceof DialError && err.message === want, `${host}:${port}`);
    }
    const socket = await dialThroughKubelet(sock, { host: '10.244.0.9', port: 80 });
    const back = await new Promise<string>((resolve) => {
      socket.once('data', (c: Buffer) => resolve(c.toString()));
      socket.write('ping');
    });
    assert.equal(back, 'ping');
    socket.destroy();
  } finally {
    await kubelet.close();
    await new Promise<void>((r) => echo.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  }
});
