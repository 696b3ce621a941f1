/**
 * @module The HTTPS front against broken and hostile clients, on a whole control plane over real
 * TLS: malformed request lines and headers, lying or huge Content-Length, broken chunked bodies,
 * bodies over the limit, upgrades to exec/port-forward/proxy with garbage, clients that leave
 * half-way, and a few hundred requests with random bytes flipped. Every connection must end in
 * an HTTP answer or a close (never a hang past its deadline), the process must not throw, and a
 * valid request must still be served afterwards.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type TLSSocket } from 'node:tls';
import { ensureClusterCredentials } from '../pki/credentials.js';
import { rng } from '../testing/rng.js';
import { startControlPlane, type ControlPlane } from './control-plane.js';

const TOKEN = 'fuzz-token';
let cp: ControlPlane;
let dataDir: string;
let ca: string;
const uncaught: unknown[] = [];
const onUncaught = (err: unknown): void => {
  uncaught.push(err);
};

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'kubito-http-fuzz-'));
  const credentials = await ensureClusterCredentials(join(dataDir, 'pki'));
  ca = credentials.caCertPem;
  cp = await startControlPlane({
    dataDir,
    store: 'memory',
    host: '127.0.0.1',
    port: 0,
    certPem: credentials.serverCertPem,
    keyPem: credentials.serverKeyPem,
    authenticate: (headers) => headers.authorization === `Bearer ${TOKEN}`,
    dnsUpstreams: [],
  });
  process.on('uncaughtException', onUncaught);
});

after(async () => {
  process.off('uncaughtException', onUncaught);
  await cp?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/**
 * Sends `chunks` (with a pause between them) on a new TLS connection, then waits for the server
 * to answer and close or to go quiet; resolves with what came back.
 */
function exchange(chunks: Array<string | Buffer>, options: { endAfter?: boolean; waitMs?: number } = {}): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    let text = '';
    let done = false;
    const socket: TLSSocket = connect({ host: '127.0.0.1', port: cp.server.port, ca, servername: 'localhost', rejectUnauthorized: false });
    const finish = (closed: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ text, closed });
    };
    const timer = setTimeout(() => finish(false), options.waitMs ?? 3000);
    socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
    socket.once('secureConnect', async () => {
      for (const chunk of chunks) {
        if (socket.destroyed) break;
        socket.write(chunk);
        await new Promise((r) => setTimeout(r, 5));
      }
      if (options.endAfter) socket.end();
    });
  });
}

const AUTH = `Authorization: Bearer ${TOKEN}\r\n`;

async function stillServing(): Promise<void> {
  const { text } = await exchange([`GET /api/v1/namespaces/default HTTP/1.1\r\nHost: x\r\n${AUTH}Connection: close\r\n\r\n`]);
  assert.match(text, /^HTTP\/1\.1 200 /, text.slice(0, 200));
  assert.match(text, /"name":"default"/);
}

test('broken and hostile requests get an answer or a close, and the server goes on serving', async () => {
  const cases: Array<{ name: string; chunks: Array<string | Buffer>; expect?: RegExp; endAfter?: boolean }> = [
    { name: 'garbage', chunks: [Buffer.from([0, 1, 2, 255, 254, 13, 10, 13, 10])], expect: /^HTTP\/1\.1 400|^$/ },
    { name: 'HTTP/2 preface', chunks: ['PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'] },
    { name: 'unknown method', chunks: [`BREW /api HTTP/1.1\r\nHost: x\r\n${AUTH}\r\n`], expect: /^HTTP\/1\.1 [45]\d\d / },
    { name: 'no credentials', chunks: ['GET /api/v1/namespaces HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'], expect: /^HTTP\/1\.1 401 / },
    { name: 'header too large', chunks: [`GET /api HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`], expect: /^HTTP\/1\.1 431 |^$/ },
    { name: 'Content-Length longer than the body, then the client leaves', chunks: [`POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: x\r\n${AUTH}Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"a":`], endAfter: true },
    { name: 'two Content-Lengths', chunks: [`POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: x\r\n${AUTH}Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}`], expect: /^HTTP\/1\.1 400 |^$/ },
    { name: 'Content-Length over the limit', chunks: [`POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: x\r\n${AUTH}Content-Type: application/json\r\nContent-Length: 99999999\r\nConnection: close\r\n\r\n`], expect: /^HTTP\/1\.1 413 / },
    { name: 'chunked body over the limit', chunks: [`POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: x\r\n${AUTH}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`, ...Array.from({ length: 4 }, () => `100000\r\n${'x'.repeat(0x100000)}\r\n`)], expect: /^HTTP\/1\.1 413 / },
    { name: 'a broken chunk size', chunks: [`POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: x\r\n${AUTH}Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n`], expect: /^HTTP\/1\.1 400 |^$/ },
    { name: 'a body that is not JSON', chunks: [`POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: x\r\n${AUTH}Content-Type: application/json\r\nContent-Length: 5\r\nConnection: close\r\n\r\n{{{{{`], expect: /^HTTP\/1\.1 400 / },
    { name: 'exec upgrade with garbage after it', chunks: [`GET /api/v1/namespaces/default/pods/nope/exec?command=sh&stdout=1 HTTP/1.1\r\nHost: x\r\n${AUTH}Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: v5.channel.k8s.io\r\n\r\n`, Buffer.from([0x82, 0xff, 1, 2, 3])], expect: /^HTTP\/1\.1 404 |^$/ },
    { name: 'SPDY port-forward to a pod that does not exist', chunks: [`POST /api/v1/namespaces/default/pods/nope/portforward HTTP/1.1\r\nHost: x\r\n${AUTH}Connection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: portforward.k8s.io\r\n\r\n`, Buffer.alloc(64, 0x80)], expect: /^HTTP\/1\.1 404 |^$/ },
    { name: 'upgrade without credentials', chunks: [`GET /api/v1/namespaces/default/pods/nope/exec HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n`], expect: /^HTTP\/1\.1 401 |^$/ },
    { name: 'services proxy to nothing, with a body', chunks: [`POST /api/v1/namespaces/default/services/nope:80/proxy/x%zz HTTP/1.1\r\nHost: x\r\n${AUTH}Content-Length: 3\r\nConnection: close\r\n\r\nabc`], expect: /^HTTP\/1\.1 [45]\d\d / },
    { name: 'nodes proxy with a malformed escape', chunks: [`GET /api/v1/nodes/nope/proxy/%zz HTTP/1.1\r\nHost: x\r\n${AUTH}Connection: close\r\n\r\n`], expect: /^HTTP\/1\.1 [45]\d\d / },
    { name: 'a watch whose client leaves at once', chunks: [`GET /api/v1/services?watch=1&timeoutSeconds=99999999999 HTTP/1.1\r\nHost: x\r\n${AUTH}\r\n`], endAfter: true },
    { name: 'a request line with a malformed escape', chunks: [`GET /api/v1/namespaces/%zz HTTP/1.1\r\nHost: x\r\n${AUTH}Connection: close\r\n\r\n`], expect: /^HTTP\/1\.1 400 / },
  ];
  for (const c of cases) {
    const { text, closed } = await exchange(c.chunks, { endAfter: c.endAfter });
    if (c.expect) assert.match(text, c.expect, `${c.name}: ${text.slice(0, 300)}`);
    assert.ok(closed || text.length > 0 || c.endAfter, `${c.name}: neither an answer nor a close`);
    await stillServing();
  }
  assert.deepEqual(uncaught, []);
});

test('unknown fields with names no header can carry as they are: 201, the warnings as upstream sends them (the path as strconv.Quote writes it: a control character escaped; UTF-8 bytes)', async () => {
  const body = Buffer.from(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'w-' }, 'x中q': 1, 'y\u0001': 2, '\ud800z': 3 }), 'utf8');
  const { text } = await exchange([Buffer.concat([Buffer.from(`POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: x\r\n${AUTH}Content-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`), body])]);
  assert.match(text, /^HTTP\/1\.1 201 /, text.slice(0, 300));
  const warnings = Buffer.from(text, 'latin1').toString('utf8').split('\r\n').filter((l) => /^warning:/i.test(l));
  assert.deepEqual(warnings.map((l) => l.replace(/^warning: /i, '')).sort(), ['299 - "unknown field \\"x中q\\""', '299 - "unknown field \\"y\\\\x01\\""', '299 - "unknown field \\"\ufffdz\\""']);
  await stillServing();
  assert.deepEqual(uncaught, []);
});

test('requests with random bytes flipped: an answer or a close each, then still serving', async () => {
  const r = rng(Number(process.env.KUBITO_FUZZ_SEED ?? 7));
  const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'f-' }, data: { a: '1' } });
  const valid = `POST /api/v1/namespaces/default/configmaps?fieldValidation=Strict HTTP/1.1\r\nHost: x\r\n${AUTH}Content-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
  const count = Number(process.env.KUBITO_FUZZ_REQUESTS ?? 80);
  const answered = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const bytes = Buffer.from(valid, 'latin1');
    for (let j = 0, n = 1 + Math.floor(r() * 3); j < n; j++) bytes[Math.floor(r() * bytes.length)] = Math.floor(r() * 256);
    const { text } = await exchange([bytes], { waitMs: 1000 });
    const status = /^HTTP\/1\.1 (\d\d\d)/.exec(text)?.[1] ?? (text ? 'other' : 'closed or quiet');
    answered.set(status, (answered.get(status) ?? 0) + 1);
    assert.ok(!status.startsWith('5'), `request ${i}: ${JSON.stringify(bytes.toString('latin1'))} -> ${text.slice(0, 400)}`);
  }
  assert.ok((answered.get('201') ?? 0) > 0, `some still went through: ${JSON.stringify([...answered])}`);
  if (process.env.KUBITO_FUZZ_SURVEY) console.log(JSON.stringify([...answered]));
  await stillServing();
  assert.deepEqual(uncaught, []);
});
