/**
 * @module The proxy subresources end to end without root: a real HTTP server with the proxy as its
 * hook, the real kubelet API server with its `/dial` route (its TCP connect pointed at a loopback
 * backend that stands in for pod addresses), and objects from an in-memory map.
 */
import { ADMIN_USER } from '../impersonation.js';
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Duplex } from 'node:stream';
import { newNotFound } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import { KubeletServer } from '../../node/kubelet-server.js';
import { ensureClusterCredentials } from '../../pki/credentials.js';
import { serveDial } from '../../node/streams/dial.js';
import { SubresourceProxy } from './proxy.js';

const TOKEN = 'Bearer good';
let dir: string;
let backend: Server;
let backendPort: number;
let tlsBackend: Server;
let tlsPort: number;
let closedPort: number;
let kubelet: KubeletServer;
let api: Server;
let apiPort: number;
let proxy: SubresourceProxy;
const seen: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }> = [];
const dialed: Array<{ host: string; port: number }> = [];
/** Backend sides of upgrades the backend has not answered yet (`/slow`). */
const slowUpgrades: Duplex[] = [];
/** The agent's connections to the backend, as /dial made them. */
const agentSides: Socket[] = [];

const objects = new Map<string, KubeObject>();
function put(resource: string, namespace: string, obj: Record<string, unknown>): void {
  objects.set(`${resource}/${namespace}/${(obj.metadata as { name: string }).name}`, obj as KubeObject);
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubito-proxy-'));
  backend = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
      if (req.url === '/redirect') {
        res.writeHead(302, { Location: '/landing/' });
        return res.end();
      }
      if (req.url === '/page') {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Access-Control-Allow-Origin': '*' });
        return res.end('<a href="/docs/">docs</a> <a href="https://nginx.org/">nginx</a>');
      }
      if (req.url === '/switch') {
        // A 101 to a request that asked for no upgrade.
        return void res.socket!.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: x\r\n\r\nraw bytes');
      }
      if (req.url === '/gz') {
        res.writeHead(200, { 'Content-Type': 'text/html', 'Content-Encoding': 'gzip' });
        return res.end(gzipSync('<img src="/logo.png">'));
      }
      res.writeHead(200, { 'Content-Type': 'text/plain', 'X-Backend': 'yes' });
      res.end(`${req.method} ${req.url} ${Buffer.concat(chunks)}`);
    });
  });
  backend.on('upgrade', (req, socket) => {
    if (req.url === '/plain') return void socket.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    if (req.url === '/forbidden') return void socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 4\r\n\r\nnope');
    if (req.url === '/slow') {
      slowUpgrades.push(socket);
      return;
    }
    socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n');
    socket.write(`hello ${req.url}\n`);
    socket.pipe(socket);
  });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  backendPort = (backend.address() as AddressInfo).port;
  const creds = await ensureClusterCredentials(join(dir, 'pki'));
  tlsBackend = createHttpsServer({ cert: creds.serverCertPem, key: creds.serverKeyPem }, (req, res) => res.end(`tls ${req.method} ${req.url}`));
  await new Promise<void>((r) => tlsBackend.listen(0, '127.0.0.1', r));
  tlsPort = (tlsBackend.address() as AddressInfo).port;
  const spare = createServer();
  await new Promise<void>((r) => spare.listen(0, '127.0.0.1', r));
  closedPort = (spare.address() as AddressInfo).port;
  await new Promise<void>((r) => spare.close(() => r()));

  kubelet = new KubeletServer(join(dir, 'kubelet.sock'), { logs: { containerLog: () => { throw new Error('no logs'); } } });
  // Pod addresses stand for loopback: port 80 is the backend, 443 its TLS twin, 81 nothing.
  kubelet.onUpgrade('dial', (req, socket, head) => serveDial(req, socket, head, {
    connect: (target) => {
      dialed.push(target);
      const port = { 81: closedPort, 443: tlsPort }[target.port] ?? backendPort;
      const socket = connect({ host: '127.0.0.1', port });
      agentSides.push(socket);
      return socket as Socket;
    },
  }));
  await kubelet.listen();

  put('nodes', '', { metadata: { name: 'kubito' } });
  put('services', 'default', { metadata: { name: 'web' }, spec: { ports: [{ name: 'http', port: 80 }, { name: 'down', port: 81 }] } });
  put('endpoints', 'default', {
    metadata: { name: 'web' },
    subsets: [{ addresses: [{ ip: '10.244.0.5', targetRef: { kind: 'Pod', namespace: 'default', name: 'web-1' } }], ports: [{ name: 'http', port: 80 }, { name: 'down', port: 81 }] }],
  });
  put('services', 'default', { metadata: { name: 'empty' }, spec: { ports: [{ name: '', port: 80 }] } });
  put('endpoints', 'default', { metadata: { name: 'empty' }, subsets: [] });
  put('pods', 'default', { metadata: { name: 'web-1' }, spec: { nodeName: 'kubito', containers: [{ ports: [{ containerPort: 80 }] }] }, status: { podIP: '10.244.0.5', podIPs: [{ ip: '10.244.0.5' }] } });
  put('pods', 'default', { metadata: { name: 'pending' }, spec: { containers: [] }, status: {} });

  proxy = new SubresourceProxy({
    get: async (resource, namespace, name) => {
      const obj = objects.get(`${resource}/${namespace}/${name}`);
      if (!obj) throw newNotFound({ group: '', resource }, name);
      return obj;
    },
    authenticate: (headers) => (headers.authorization === TOKEN ? ADMIN_USER : undefined),
    kubeletSocket: () => join(dir, 'kubelet.sock'),
  });
  api = createServer((req, res) => {
    if (!proxy.handleRequest(req, res)) res.writeHead(404).end('not a proxy path');
  });
  api.on('upgrade', (req, socket, head) => {
    if (!proxy.handleUpgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
  apiPort = (api.address() as AddressInfo).port;
});

after(async () => {
  proxy.close();
  await new Promise<void>((r) => api.close(() => r()));
  await kubelet.close();
  await new Promise<void>((r) => backend.close(() => r()));
  await new Promise<void>((r) => tlsBackend.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

function call(method: string, path: string, options: { body?: string; auth?: boolean; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...(options.auth === false ? {} : { Authorization: TOKEN }), ...options.headers };
    // Node's client frames no body of a DELETE or OPTIONS without a length.
    if (options.body !== undefined && !options.headers?.['Transfer-Encoding']) headers['Content-Length'] = String(Buffer.byteLength(options.body));
    const req = request({ host: '127.0.0.1', port: apiPort, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

function status(answer: Answer): { code: number; reason: string; message: string } {
  const s = JSON.parse(answer.body.toString()) as { code: number; reason: string; message: string };
  return { code: s.code, reason: s.reason, message: s.message };
}

const SVC = '/api/v1/namespaces/default/services';
const POD = '/api/v1/namespaces/default/pods';

test('services/proxy: GET through the agent to an endpoint, credentials kept back, X-Forwarded-* set', async () => {
  const got = await call('GET', `${SVC}/web:80/proxy/?a=1`);
  assert.equal(got.status, 200);
  assert.equal(got.body.toString(), 'GET /?a=1 ');
  assert.equal(got.headers['x-backend'], 'yes');
  assert.equal(got.headers['cache-control'], 'no-cache, private');
  const last = seen.at(-1)!;
  assert.equal(last.headers.authorization, undefined);
  assert.equal(last.headers['x-forwarded-uri'], `${SVC}/web:80/proxy/`);
  assert.equal(last.headers['x-forwarded-for'], '127.0.0.1');
  assert.equal(last.headers.host, `127.0.0.1:${apiPort}`);
  assert.deepEqual(dialed.at(-1), { host: '10.244.0.5', port: 80 });
  // By port name, and by no port (the endpoint port without a name does not exist here).
  assert.equal((await call('GET', `${SVC}/web:http/proxy/x/y`)).body.toString(), 'GET /x/y ');
  assert.equal(status(await call('GET', `${SVC}/web/proxy/`)).message, 'no endpoints available for service "web"');
});

test('https: pods and endpoints over TLS, its certificate not verified (upstream proxy transport)', async () => {
  assert.equal((await call('GET', `${POD}/https:web-1:443/proxy/secure?a=b`)).body.toString(), 'tls GET /secure?a=b');
  assert.equal((await call('PUT', `${POD}/https:web-1:443/proxy`, { body: 'x' })).body.toString(), 'tls PUT /');
  // Two parts are name:port, as SplitSchemeNamePort reads them: pod "https", port "web-1".
  assert.equal(status(await call('GET', `${POD}/https:web-1/proxy/`)).message, 'pods "https" not found');
  const plain = await call('GET', `${SVC}/https:web:80/proxy/`);
  assert.equal(status(plain).code, 503);
  assert.match(status(plain).message, /^error trying to reach service: /);
});

test('every proxied method, with and without a trailing path', async () => {
  for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
    const got = await call(method, `${POD}/web-1:80/proxy/echo/?x=2`, { body: `${method} body`, headers: { 'Content-Type': 'text/plain' } });
    assert.equal(got.body.toString(), `${method} /echo/?x=2 ${method} body`);
  }
  for (const method of ['DELETE', 'POST']) {
    const chunked = await call(method, `${POD}/web-1/proxy/c`, { body: 'in chunks', headers: { 'Transfer-Encoding': 'chunked' } });
    assert.equal(chunked.body.toString(), `${method} /c in chunks`);
  }
  const head = await call('HEAD', `${POD}/web-1/proxy/`);
  assert.deepEqual([head.status, head.headers['x-backend'], head.body.length], [200, 'yes', 0]);
  assert.equal(seen.at(-1)!.method, 'HEAD');
  assert.equal((await call('POST', `${POD}/web-1/proxy`, { body: 'b' })).body.toString(), 'POST / b');
  const redirect = await call('GET', `${SVC}/web:80/proxy?q=1`);
  assert.deepEqual([redirect.status, redirect.headers.location, redirect.headers['cache-control']], [301, `${SVC}/web:80/proxy/?q=1`, 'no-cache, private']);
  const trace = await call('TRACE', `${POD}/web-1/proxy/`);
  assert.equal(status(trace).code, 405);
});

test('Location and HTML links are rewritten to the proxy path; CORS headers removed', async () => {
  const redirect = await call('GET', `${SVC}/web:80/proxy/redirect`);
  assert.deepEqual([redirect.status, redirect.headers.location], [302, `${SVC}/web:80/proxy/landing/`]);
  const page = await call('GET', `${SVC}/web:80/proxy/page`);
  assert.equal(page.body.toString(), `<a href="${SVC}/web:80/proxy/docs/">docs</a> <a href="https://nginx.org/">nginx</a>`);
  assert.equal(page.headers['content-length'], String(page.body.length));
  assert.equal(page.headers['access-control-allow-origin'], undefined);
  const gz = await call('GET', `${POD}/web-1:80/proxy/gz`);
  assert.equal(gunzipSync(gz.body).toString(), `<img src="${POD}/web-1:80/proxy/logo.png">`);
});

test("refusals are upstream's Status answers", async () => {
  assert.deepEqual(status(await call('GET', `${SVC}/web:80/proxy/`, { auth: false })), { code: 401, reason: 'Unauthorized', message: 'Unauthorized' });
  assert.deepEqual(status(await call('GET', `${SVC}/missing:80/proxy/`)), { code: 404, reason: 'NotFound', message: 'services "missing" not found' });
  assert.deepEqual(status(await call('GET', `${SVC}/missing/proxy/`)), { code: 404, reason: 'NotFound', message: 'endpoints "missing" not found' });
  assert.deepEqual(status(await call('GET', `${SVC}/empty:80/proxy/`)), { code: 503, reason: 'ServiceUnavailable', message: 'no endpoints available for service "empty"' });
  assert.deepEqual(status(await call('GET', `${SVC}/web:8080/proxy/`)), { code: 503, reason: 'ServiceUnavailable', message: 'no service port 8080 found for service "web"' });
  assert.deepEqual(status(await call('GET', `${SVC}/web:down/proxy/`)), {
    code: 503, reason: 'ServiceUnavailable', message: 'error trying to reach service: dial tcp 10.244.0.5:81: connect: connection refused',
  });
  assert.deepEqual(status(await call('GET', `${SVC}/a:b:c/proxy/`)), { code: 400, reason: 'BadRequest', message: 'invalid service request "a:b:c"' });
  assert.deepEqual(status(await call('GET', `${POD}/nope/proxy/`)), { code: 404, reason: 'NotFound', message: 'pods "nope" not found' });
  assert.deepEqual(status(await call('GET', `${POD}/pending/proxy/`)), { code: 400, reason: 'BadRequest', message: 'address not allowed' });
  assert.equal((await call('GET', '/api/v1/namespaces/default/services/web')).body.toString(), 'not a proxy path');
});

test('nodes/proxy reaches the kubelet API; other ports and upgrades are refused', async () => {
  const health = await call('GET', '/api/v1/nodes/kubito/proxy/healthz');
  assert.deepEqual([health.status, health.body.toString()], [200, 'ok']);
  assert.equal((await call('GET', '/api/v1/nodes/kubito:10250/proxy/nothing')).status, 404);
  assert.equal(status(await call('GET', '/api/v1/nodes/kubito:22/proxy/')).code, 400);
  assert.equal(status(await call('GET', '/api/v1/nodes/other/proxy/healthz')).message, 'nodes "other" not found');
});

function upgrade(path: string, headers: Record<string, string>): Promise<{ head: string; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: apiPort }, () => {
      const lines = [`GET ${path} HTTP/1.1`, `Host: 127.0.0.1:${apiPort}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
    let buf = '';
    socket.on('data', function onData(c: Buffer) {
      buf += c.toString('latin1');
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      resolve({ head: buf, socket });
    });
    socket.on('error', reject);
  });
}

test('an upgrade passes through as bytes; a refused one is a Status', async () => {
  const { head, socket } = await upgrade(`${POD}/web-1:80/proxy/ws?x=1`, { Authorization: TOKEN, Connection: 'Upgrade', Upgrade: 'echo' });
  assert.match(head, /^HTTP\/1\.1 101 /);
  const echoed = await new Promise<string>((resolve) => {
    let text = head.slice(head.indexOf('\r\n\r\n') + 4);
    const check = (): void => {
      if (text.includes('ping')) resolve(text);
    };
    socket.on('data', (c: Buffer) => {
      text += c.toString();
      check();
    });
    socket.write('ping');
    check();
  });
  assert.equal(echoed, 'hello /ws?x=1\nping');
  socket.destroy();
  const refused = await upgrade(`${SVC}/web:down/proxy/`, { Authorization: TOKEN, Connection: 'Upgrade', Upgrade: 'echo' });
  assert.match(refused.head, /^HTTP\/1\.1 500 /);
  refused.socket.destroy();
  const anonymous = await upgrade(`${SVC}/web:80/proxy/`, { Connection: 'Upgrade', Upgrade: 'echo' });
  assert.match(anonymous.head, /^HTTP\/1\.1 401 /);
  anonymous.socket.destroy();
  const plain = await upgrade(`${SVC}/web:80/proxy/plain`, { Authorization: TOKEN, Connection: 'Upgrade', Upgrade: 'echo' });
  assert.match(plain.head, /^HTTP\/1\.1 500 [^]*invalid upgrade response: status code 200/);
  plain.socket.destroy();
  const forbidden = await upgrade(`${SVC}/web:80/proxy/forbidden`, { Authorization: TOKEN, Connection: 'Upgrade', Upgrade: 'echo' });
  assert.match(forbidden.head, /^HTTP\/1\.1 403 Forbidden/);
  forbidden.socket.destroy();
});

function openConnections(): Promise<number> {
  return new Promise((resolve, reject) => backend.getConnections((err, n) => (err ? reject(err) : resolve(n))));
}

test('connections to an address are kept alive and reused; one the backend closed is dialed again', async () => {
  assert.equal((await call('GET', `${SVC}/web:80/proxy/warm`)).status, 200);
  const before = dialed.length;
  for (let i = 0; i < 20; i++) assert.equal((await call('GET', `${SVC}/web:80/proxy/n${i}`)).status, 200);
  assert.equal(dialed.length, before);
  // The backend drops its idle connections; the very next requests still get through.
  for (let round = 0; round < 5; round++) {
    backend.closeIdleConnections();
    assert.equal((await call('GET', `${POD}/web-1:80/proxy/after-close`)).body.toString(), 'GET /after-close ');
  }
  assert.ok(dialed.length > before);
});

test('close() ends the kept-alive connections', async () => {
  assert.ok((await openConnections()) > 0);
  proxy.close();
  const deadline = Date.now() + 2_000;
  while ((await openConnections()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(await openConnections(), 0);
});

test('a backend answering 101 to a plain request is a 503, not a request left hanging', { timeout: 5000 }, async () => {
  const answer = await call('GET', `${POD}/web-1:80/proxy/switch`);
  assert.equal(answer.status, 503);
  assert.match(status(answer).message, /unexpected 101/);
});

test('a client gone while the backend has not answered its upgrade takes the backend connection with it', { timeout: 10_000 }, async () => {
  const socket = connect({ host: '127.0.0.1', port: apiPort }, () => {
    socket.write(`GET ${POD}/web-1:80/proxy/slow HTTP/1.1\r\nHost: x\r\nAuthorization: ${TOKEN}\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n`);
  });
  socket.on('error', () => undefined);
  for (let i = 0; i < 100 && slowUpgrades.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  const held = slowUpgrades.pop()!;
  assert.ok(held, 'the upgrade reached the backend');
  const agentSide = agentSides[agentSides.length - 1];
  const closed = new Promise<void>((r) => (agentSide.closed ? r() : agentSide.once('close', () => r())));
  socket.destroy();
  await new Promise((r) => setTimeout(r, 100));
  held.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n');
  // The whole chain closes (the agent's connection to the backend too), as UpgradeAwareHandler
  // closes both sides once one is done; it did not stay half-open waiting for the backend.
  await Promise.race([closed, new Promise((_, j) => setTimeout(() => j(new Error('the connection to the backend stayed open')), 3000))]);
  held.destroy();
});

