/** @module Tests of HttpTransport against real local HTTP(S) servers on 127.0.0.1: requests, error mapping, and watch streams cut into odd chunks. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StatusError, isAlreadyExists, isGone, isNotFound, newNotFound, newResourceExpired } from '../api/errors.js';
import type { KubeObject, WatchEvent } from '../api/types.js';
import { HttpTransport, encodeQuery, statusErrorFromResponse } from './http-transport.js';
import { settle } from './testing/fake-clock.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

/** A server on 127.0.0.1 whose answer the test sets per case. */
async function startServer(handler: Handler, server: http.Server | https.Server = http.createServer()) {
  const connections = new Set<unknown>();
  server.on('connection', (socket) => connections.add(socket));
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => handler(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    connections,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

function json(res: http.ServerResponse, code: number, value: unknown): void {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(value));
}

const cleanups: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const fn of cleanups) await fn();
});

async function setup(handler: Handler, options: { prefix?: string; timeoutMs?: number; stripManagedFields?: boolean } = {}) {
  const server = await startServer(handler);
  const transport = new HttpTransport({ server: `http://127.0.0.1:${server.port}${options.prefix ?? ''}`, token: 'secret', timeoutMs: options.timeoutMs, stripManagedFields: options.stripManagedFields });
  cleanups.push(() => transport.close(), server.close);
  return { server, transport };
}

test('requests carry method, path, query, token and JSON body; answers are decoded; sockets are reused', async () => {
  const seen: string[] = [];
  const { server, transport } = await setup((req, res, body) => {
    seen.push(`${req.method} ${req.url} ${req.headers.authorization} ${req.headers['content-type'] ?? '-'} ${body || '-'}`);
    if (req.method === 'DELETE') return void res.writeHead(200).end();
    json(res, 200, { kind: 'Pod', metadata: { name: 'x' } });
  }, { prefix: '/base/' });
  const got = await transport.request({ method: 'GET', path: '/api/v1/pods', query: { labelSelector: 'a=b,c', x: ['1', '2'], skip: undefined } });
  assert.deepEqual(got, { kind: 'Pod', metadata: { name: 'x' } });
  await transport.request({ method: 'PATCH', path: '/api/v1/nodes/n1', body: { spec: {} }, contentType: 'application/merge-patch+json' });
  assert.equal(await transport.request({ method: 'DELETE', path: '/api/v1/nodes/n1' }), undefined);
  assert.deepEqual(seen, [
    'GET /base/api/v1/pods?labelSelector=a%3Db%2Cc&x=1&x=2 Bearer secret - -',
    'PATCH /base/api/v1/nodes/n1 Bearer secret application/merge-patch+json {"spec":{}}',
    'DELETE /base/api/v1/nodes/n1 Bearer secret - -',
  ]);
  assert.equal(server.connections.size, 1, 'one keep-alive connection for all three');
});

test('a Status body becomes a StatusError carrying that Status', async () => {
  const status = newNotFound({ group: 'apps', resource: 'deployments' }, 'web').status;
  const { transport } = await setup((_req, res) => json(res, 404, status));
  await assert.rejects(transport.request({ method: 'GET', path: '/apis/apps/v1/namespaces/ns/deployments/web' }), (err: unknown) => {
    assert.ok(err instanceof StatusError);
    assert.deepEqual(err.status, status);
    assert.ok(isNotFound(err));
    return true;
  });
});

test('other bodies give client-go generic errors', () => {
  const rows: Array<[number, 'GET' | 'POST' | 'PUT', string, string | undefined, RegExp]> = [
    [500, 'GET', 'boom', 'InternalError', /an error on the server \("boom"\) has prevented the request from succeeding/],
    [503, 'GET', '<html>down</html>', 'ServiceUnavailable', /has prevented the request/],
    [409, 'POST', 'taken', 'AlreadyExists', /the server reported a conflict/],
    [409, 'PUT', 'taken', 'Conflict', /the server reported a conflict/],
    [404, 'GET', '404 page not found', 'NotFound', /the server could not find the requested resource/],
    [403, 'GET', 'nope, not you', 'Forbidden', /nope, not you/],
    [418, 'GET', '', undefined, /the server responded with the status code 418 but did not return more information/],
  ];
  for (const [code, method, body, reason, message] of rows) {
    const err = statusErrorFromResponse(code, { method, body });
    assert.equal(err.code, code);
    assert.equal(err.reason, reason, `${code} ${method}`);
    assert.match(err.message, message);
  }
  assert.ok(isAlreadyExists(statusErrorFromResponse(409, { method: 'POST', body: '' })));
  assert.equal(encodeQuery({ a: ['x y', 'z'], b: undefined, c: '' }), 'a=x+y&a=z&c=');
});

test('invalid JSON in a 2xx answer is an InternalError', async () => {
  const { transport } = await setup((_req, res) => res.writeHead(200).end('{not json'));
  await assert.rejects(transport.request({ method: 'GET', path: '/api' }), (err: unknown) => err instanceof StatusError && err.reason === 'InternalError');
});

test('no server at all is a 503 ServiceUnavailable with the socket error as cause', async () => {
  const server = await startServer(() => {});
  await server.close();
  const transport = new HttpTransport({ server: `http://127.0.0.1:${server.port}` });
  cleanups.push(() => transport.close());
  await assert.rejects(transport.request({ method: 'GET', path: '/api' }), (err: unknown) => {
    assert.ok(err instanceof StatusError);
    assert.equal(err.reason, 'ServiceUnavailable');
    assert.match(err.message, /ECONNREFUSED/);
    assert.ok(err.cause instanceof Error);
    return true;
  });
  await assert.rejects(transport.watch({ method: 'GET', path: '/api/v1/pods' }, { onEvent() {}, onClose() {} }), (err: unknown) => err instanceof StatusError && err.code === 503);
});

test('a request the server sits on fails with Timeout after timeoutMs', async () => {
  const { transport } = await setup(() => {}, { timeoutMs: 50 });
  await assert.rejects(transport.request({ method: 'GET', path: '/slow' }), (err: unknown) => err instanceof StatusError && err.reason === 'Timeout');
});

const events: WatchEvent[] = [
  { type: 'ADDED', object: { metadata: { name: 'a', resourceVersion: '1', annotations: { note: 'ñandú 🚀 } {' } } } },
  { type: 'BOOKMARK', object: { metadata: { resourceVersion: '2' } } },
  { type: 'DELETED', object: { metadata: { name: 'a', resourceVersion: '3' } } },
];

test('watch: events split anywhere across chunks (even inside a character) arrive whole; a clean end closes without error', async () => {
  let query = '';
  const { transport } = await setup(async (req, res) => {
    query = req.url ?? '';
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    const bytes = Buffer.from(events.map((e) => JSON.stringify(e) + '\n').join(''));
    for (let i = 0; i < bytes.length; i += 3) {
      res.write(bytes.subarray(i, i + 3));
      await settle();
    }
    res.end();
  });
  const got: WatchEvent[] = [];
  const closed = new Promise<Error | undefined>((resolve) => {
    void transport.watch({ method: 'GET', path: '/api/v1/pods', query: { resourceVersion: '0' } }, { onEvent: (e) => got.push(e), onClose: resolve });
  });
  assert.equal(await closed, undefined);
  assert.deepEqual(got, events);
  assert.equal(query, '/api/v1/pods?resourceVersion=0&watch=true');
});

test('watch: a refusal rejects with the Status; a stream cut mid-event closes with an error', async () => {
  let mode = 'refuse';
  const { transport } = await setup((_req, res) => {
    if (mode === 'refuse') return json(res, 410, newResourceExpired('too old resource version: 1 (5)').status);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.write('{"type":"ADDED","object":{"metadata":{"name":"a"}}}\n{"type":"MOD');
    setImmediate(() => res.socket?.destroy());
  });
  await assert.rejects(transport.watch({ method: 'GET', path: '/api/v1/pods' }, { onEvent() {}, onClose() {} }), isGone);
  mode = 'cut';
  const got: string[] = [];
  const err = await new Promise<Error | undefined>((resolve) => {
    void transport.watch({ method: 'GET', path: '/api/v1/pods' }, { onEvent: (e) => got.push(e.type), onClose: resolve });
  });
  assert.deepEqual(got, ['ADDED']);
  assert.ok(err instanceof StatusError);
});

test('watch: stop() aborts the request, and onClose is not called', async () => {
  let serverSawClose!: () => void;
  const aborted = new Promise<void>((resolve) => (serverSawClose = resolve));
  const { transport } = await setup((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.write(JSON.stringify(events[0]) + '\n');
    res.on('close', serverSawClose);
  });
  let closes = 0;
  const got: string[] = [];
  const first = new Promise<void>((resolve) => {
    void transport
      .watch({ method: 'GET', path: '/api/v1/pods' }, { onEvent: (e) => { got.push(e.type); resolve(); }, onClose: () => closes++ })
      .then((stream) => first.then(() => { stream.stop(); stream.stop(); }));
  });
  await first;
  await aborted;
  await settle();
  assert.deepEqual(got, ['ADDED']);
  assert.equal(closes, 0);
});

test('https with a CA bundle and a bearer token', async (t) => {
  let dir: string;
  try {
    dir = mkdtempSync(join(tmpdir(), 'kubito-client-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=kubito-test', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  } catch {
    t.skip('needs the openssl command to make a test certificate');
    return;
  }
  const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
  const key = readFileSync(join(dir, 'key.pem'), 'utf8');
  rmSync(dir, { recursive: true, force: true });
  const server = await startServer((req, res) => json(res, 200, { auth: req.headers.authorization }), https.createServer({ cert, key }));
  cleanups.push(server.close);
  const good = new HttpTransport({ server: `https://127.0.0.1:${server.port}`, ca: cert, token: 't0k' });
  const noCa = new HttpTransport({ server: `https://127.0.0.1:${server.port}` });
  cleanups.push(() => good.close(), () => noCa.close());
  assert.deepEqual(await good.request({ method: 'GET', path: '/api' }), { auth: 'Bearer t0k' });
  await assert.rejects(noCa.request({ method: 'GET', path: '/api' }), (err: unknown) => err instanceof StatusError && err.code === 503 && /self.signed/i.test(err.message));
});

test('socketPath: requests and watches travel over a Unix socket', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-unix-'));
  const socketPath = join(dir, 'api.sock');
  const server = http.createServer((req, res) => {
    if (req.url?.includes('watch=true')) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(`${JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'w' } } })}\n`);
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ path: req.url }));
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  try {
    const transport = new HttpTransport({ server: 'http://localhost', socketPath });
    assert.deepEqual(await transport.request({ method: 'GET', path: '/api/v1/pods' }), { path: '/api/v1/pods' });
    const events: WatchEvent[] = [];
    await new Promise<void>((resolve, reject) => {
      void transport.watch({ method: 'GET', path: '/api/v1/pods' }, { onEvent: (e) => events.push(e), onClose: (err) => (err ? reject(err) : resolve()) });
    });
    assert.equal(events[0].object.metadata.name, 'w');
    transport.close();
    assert.throws(() => new HttpTransport({ server: 'https://localhost', socketPath }), /socketPath needs an http: server URL/);
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('maxConnections: a burst of requests shares that many connections; watches hold their own outside the limit', async () => {
  let inFlight = 0;
  let most = 0;
  const server = await startServer((req, res) => {
    if (req.url?.includes('watch=true')) {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
      res.write('{"type":"ADDED","object":{"kind":"Pod","metadata":{"name":"w"}}}\n');
      return;
    }
    most = Math.max(most, ++inFlight);
    // Answer on a later turn, so that the burst's requests are all in flight at once.
    setTimeout(() => {
      inFlight--;
      json(res, 200, { kind: 'Pod', metadata: { name: 'x' } });
    }, 5);
  });
  const transport = new HttpTransport({ server: `http://127.0.0.1:${server.port}`, maxConnections: 2 });
  cleanups.push(() => transport.close(), server.close);
  const events: WatchEvent[] = [];
  const watches = await Promise.all([1, 2, 3].map(() => transport.watch({ method: 'GET', path: '/api/v1/pods' }, { onEvent: (e) => events.push(e), onClose: () => undefined })));
  await Promise.all(Array.from({ length: 10 }, () => transport.request({ method: 'GET', path: '/api/v1/pods/x' })));
  assert.equal(most, 2, 'at most two requests reached the server at once');
  assert.equal(server.connections.size, 3 + 2, 'three watches, two request connections');
  assert.equal(events.length, 3);
  for (const w of watches) w.stop();
});

test('a body JSON cannot encode is the caller\'s TypeError, not a 503 to retry', async () => {
  const t = new HttpTransport({ server: 'http://127.0.0.1:1' });
  try {
    await assert.rejects(t.request({ method: 'POST', path: '/x', body: { n: 1n } }), TypeError);
  } finally {
    t.close();
  }
});

test('a kept idle connection does not keep the process alive (as node:http Agent unrefs its idle sockets)', async () => {
  const server = http.createServer((_req, res) => res.end('{}'));
  server.keepAliveTimeout = 90_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  const mod = new URL('./http-transport.js', import.meta.url).href;
  // One request and no close(): the child must still exit at once.
  const script = `import { HttpTransport } from ${JSON.stringify(mod)};
    await new HttpTransport({ server: 'http://127.0.0.1:${port}' }).request({ method: 'GET', path: '/x' });`;
  try {
    const started = Date.now();
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'inherit' });
    const code = await new Promise<number | null | 'hung'>((resolve) => {
      const timer = setTimeout(() => {
        child.kill();
        resolve('hung');
      }, 5000);
      child.on('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    assert.equal(code, 0, `the client process was still alive after ${Date.now() - started} ms`);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('stripManagedFields: watch events (whole lines or cut anywhere) and list items come without managedFields; one object keeps them', async () => {
  const managedFields = [{ manager: 'kubectl', operation: 'Update' as const }];
  const svc = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, managedFields } });
  const { transport } = await setup(async (req, res) => {
    if (req.url?.includes('watch=true')) {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
      res.write(`${JSON.stringify({ type: 'ADDED', object: svc('a') })}\n`);
      await settle();
      const cut = Buffer.from(`${JSON.stringify({ type: 'MODIFIED', object: svc('b') })}\n`);
      res.write(cut.subarray(0, 30));
      await settle();
      res.end(cut.subarray(30));
      return;
    }
    if (req.url?.endsWith('/services')) return json(res, 200, { kind: 'ServiceList', apiVersion: 'v1', metadata: {}, items: [svc('a')] });
    return json(res, 200, svc('one'));
  }, { stripManagedFields: true });
  const got: WatchEvent[] = [];
  await new Promise<Error | undefined>((resolve) => {
    void transport.watch({ method: 'GET', path: '/api/v1/services' }, { onEvent: (e) => got.push(e), onClose: resolve });
  });
  assert.deepEqual(got.map((e) => [e.type, (e.object as KubeObject).metadata]), [['ADDED', { name: 'a' }], ['MODIFIED', { name: 'b' }]]);
  const list = await transport.request<{ items: KubeObject[] }>({ method: 'GET', path: '/api/v1/services' });
  assert.deepEqual(list.items[0].metadata, { name: 'a' });
  const one = await transport.request<KubeObject>({ method: 'GET', path: '/api/v1/namespaces/default/services/one' });
  assert.deepEqual(one.metadata.managedFields, managedFields);
});


test('a kept connection the server drops as a request arrives: a GET is sent again, a write fails with 503 and is not repeated', async () => {
  const seen: string[] = [];
  let requests = 0;
  const { transport } = await setup((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    // Every second request finds its connection closed under it, with no answer.
    if (++requests % 2 === 0) return void req.socket.destroy();
    json(res, 200, { kind: 'Pod', metadata: { name: 'x' } });
  });
  await transport.request({ method: 'GET', path: '/api/v1/pods/a' });
  assert.deepEqual(await transport.request({ method: 'GET', path: '/api/v1/pods/b' }), { kind: 'Pod', metadata: { name: 'x' } });
  await assert.rejects(transport.request({ method: 'POST', path: '/api/v1/pods', body: {} }), (err: unknown) => err instanceof StatusError && err.status.code === 503);
  assert.deepEqual(seen, ['GET /api/v1/pods/a', 'GET /api/v1/pods/b', 'GET /api/v1/pods/b', 'POST /api/v1/pods']);
});
