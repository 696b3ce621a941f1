import { test } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { grpcProbe, healthRequest, responseStatus } from './probe-grpc.js';

test('the health messages: the request carries the service, the response\'s status is read (UNKNOWN when absent)', () => {
  assert.deepEqual([...healthRequest('')], [0, 0, 0, 0, 0]);
  assert.deepEqual([...healthRequest('db')], [0, 0, 0, 0, 4, 0x0a, 2, 0x64, 0x62]);
  assert.equal(responseStatus(Buffer.from([0, 0, 0, 0, 2, 0x08, 1])), 1);
  assert.equal(responseStatus(Buffer.from([0, 0, 0, 0, 0])), 0);
});

test('grpc: SERVING succeeds; NOT_SERVING, Unimplemented and no listener fail with upstream\'s words', async () => {
  const seen: string[] = [];
  const server = http2.createServer();
  server.on('stream', (stream, headers) => {
    const body: Buffer[] = [];
    stream.on('data', (c: Buffer) => body.push(c));
    stream.on('end', () => {
      const frame = Buffer.concat(body);
      const service = frame.subarray(7).toString();
      seen.push(`${headers[':path']} ${service} ${String(headers['user-agent']).split(' ')[0]}`);
      if (service === 'nope') {
        stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '12', 'grpc-message': 'unknown service grpc.health.v1.Health' }, { endStream: true });
        return;
      }
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      stream.end(Buffer.from([0, 0, 0, 0, 2, 0x08, service === 'down' ? 2 : 1]));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const probe = (service: string, p = port) => grpcProbe({ host: '127.0.0.1', port: p, service, timeoutMs: 1000, userAgent: 'kube-probe/1.33' });
  try {
    assert.deepEqual(await probe(''), { ok: true, message: '' });
    assert.deepEqual(seen, ['/grpc.health.v1.Health/Check  kube-probe/1.33']);
    assert.deepEqual(await probe('down'), { ok: false, message: 'service unhealthy (responded with "NOT_SERVING")' });
    assert.deepEqual(await probe('nope'), { ok: false, message: 'error: this server does not implement the grpc health protocol (grpc.health.v1.Health): unknown service grpc.health.v1.Health' });
  } finally {
    server.close();
  }
  const free = net.createServer();
  await new Promise<void>((r) => free.listen(0, '127.0.0.1', r));
  const closed = (free.address() as AddressInfo).port;
  free.close();
  assert.deepEqual(await probe('', closed), { ok: false, message: `timeout: failed to connect service "127.0.0.1:${closed}" within 1s: context deadline exceeded` });
});
