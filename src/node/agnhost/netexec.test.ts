import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import { netexecHandler, parseNetexecFlags } from './netexec.js';
import { goLogLine } from './go-log.js';

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

test('netexec endpoints the Service tests use', async () => {
  const stderr = process.stderr.write;
  process.stderr.write = () => true;
  const server = http.createServer(netexecHandler({ shellPath: '/bin/sh' }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  try {
    assert.deepEqual(await get(port, '/hostname'), { status: 200, body: os.hostname() });
    assert.deepEqual(await get(port, '/echo?msg=hello'), { status: 200, body: 'hello' });
    assert.deepEqual(await get(port, '/echo?msg=teapot&code=418'), { status: 418, body: 'teapot' });
    assert.match((await get(port, '/clientip')).body, /^127\.0\.0\.1:\d+$/);
    assert.deepEqual(JSON.parse((await get(port, '/shell?cmd=echo%20hi')).body), { output: 'hi\n' });
    assert.equal((await get(port, '/healthz')).status, 200);
    assert.match((await get(port, '/')).body, /^NOW: \d{4}-\d{2}-\d{2} /);
    assert.deepEqual(JSON.parse((await get(port, `/dial?request=hostname&host=127.0.0.1&port=${port}&protocol=http&tries=2`)).body), { responses: [os.hostname(), os.hostname()] });
  } finally {
    server.close();
    process.stderr.write = stderr;
  }
  assert.deepEqual(parseNetexecFlags(['--http-port=8080', '--udp-port', '-1']), { httpPort: 8080, udpPort: -1, shellPath: '/bin/sh' });
  assert.equal(goLogLine('x', new Date(2009, 10, 10, 23, 0, 0)), '2009/11/10 23:00:00 x\n');
});
