import { execFile } from 'node:child_process';
import { createPublicKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { request, createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { ensureClusterCredentials, CREDENTIAL_FILES, type ClusterCredentials } from './credentials.js';
import { isPkiError } from './errors.js';
import { checkBearerToken } from './token.js';

const run = promisify(execFile);
const DAY = 24 * 60 * 60 * 1000;
const T0 = new Date('2030-01-01T00:00:00Z');
const dirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-pki-'));
  dirs.push(dir);
  return dir;
}

after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const mode = (path: string) => statSync(path).mode & 0o777;

test('first call makes everything; the second reuses it byte for byte', async () => {
  const dir = join(tempDir(), 'nested', 'pki');
  const first = await ensureClusterCredentials(dir, { clientCert: true });
  assert.deepEqual(first.generated.map((g) => g.kind).sort(), ['ca', 'client', 'server', 'serviceaccount', 'token']);
  assert.equal(mode(dir), 0o700);
  for (const key of ['caKey', 'serverKey', 'adminKey', 'adminToken', 'serviceAccountKey'] as const) assert.equal(mode(first.paths[key]), 0o600, key);
  for (const key of ['caCert', 'serverCert', 'adminCert', 'serviceAccountPub'] as const) assert.equal(mode(first.paths[key]), 0o644, key);
  assert.equal(readFileSync(first.paths.caCert, 'utf8'), first.caCertPem);
  assert.equal(readFileSync(first.paths.adminToken, 'utf8'), `${first.adminToken}\n`);
  assert.equal(new X509Certificate(first.caCertPem).subject, 'CN=kubito-ca');
  assert.equal(new X509Certificate(first.adminCertPem!).subject, 'O=system:masters\nCN=kubernetes-admin');

  const second = await ensureClusterCredentials(dir, { clientCert: true });
  assert.deepEqual(second.generated, []);
  for (const key of ['caCertPem', 'serverCertPem', 'serverKeyPem', 'adminToken', 'adminCertPem', 'adminKeyPem', 'serviceAccountKeyPem'] as const) {
    assert.equal(second[key], first[key], key);
  }
  assert.deepEqual(second.paths, first.paths);
});

test('a new host reissues only the serving certificate', async () => {
  const dir = tempDir();
  const first = await ensureClusterCredentials(dir, { now: T0 });
  const second = await ensureClusterCredentials(dir, { now: T0, hosts: ['192.168.1.5', 'api.example'] });
  assert.deepEqual(second.generated, [{ kind: 'server', reason: 'lacks 192.168.1.5, api.example' }]);
  assert.equal(second.caCertPem, first.caCertPem);
  assert.equal(second.adminToken, first.adminToken);
  const cert = new X509Certificate(second.serverCertPem);
  assert.equal(cert.checkIP('192.168.1.5'), '192.168.1.5');
  assert.equal(cert.checkHost('api.example'), 'api.example');
  assert.ok(second.serverSans.includes('api.example'));
  // Asking for a subset (or nothing extra) keeps the wider certificate.
  const third = await ensureClusterCredentials(dir, { now: T0, hosts: ['api.example'] });
  assert.deepEqual(third.generated, []);
  assert.equal(third.serverCertPem, second.serverCertPem);
});

test('leaf certificates are renewed near expiry, on the injected clock; the CA is kept', async () => {
  const dir = tempDir();
  const first = await ensureClusterCredentials(dir, { now: T0, clientCert: true });
  const calm = await ensureClusterCredentials(dir, { now: new Date(T0.getTime() + 200 * DAY), clientCert: true });
  assert.deepEqual(calm.generated, []);
  const late = await ensureClusterCredentials(dir, { now: new Date(T0.getTime() + 300 * DAY), clientCert: true });
  assert.deepEqual(late.generated.map((g) => g.kind), ['server', 'client']);
  assert.match(late.generated[0]!.reason, /^expires within 90 days/);
  assert.equal(late.caCertPem, first.caCertPem);
  assert.notEqual(late.serverCertPem, first.serverCertPem);
});

test('damaged derived files are remade; a damaged CA or token is an error and is left alone', async () => {
  const dir = tempDir();
  const first = await ensureClusterCredentials(dir);
  writeFileSync(first.paths.serverKey, 'not a key');
  const healed = await ensureClusterCredentials(dir);
  assert.deepEqual(healed.generated, [{ kind: 'server', reason: 'private key does not parse' }]);
  assert.equal(healed.caCertPem, first.caCertPem);

  writeFileSync(first.paths.caKey, 'not a key');
  await assert.rejects(ensureClusterCredentials(dir), (err) => isPkiError(err, 'InvalidCredentials') && /ca\.crt: private key does not parse/.test(err.message));
  assert.equal(readFileSync(first.paths.caKey, 'utf8'), 'not a key');
  assert.equal(readFileSync(first.paths.caCert, 'utf8'), first.caCertPem);

  const dir2 = tempDir();
  const other = await ensureClusterCredentials(dir2);
  unlinkSync(other.paths.caKey);
  await assert.rejects(ensureClusterCredentials(dir2), (err) => isPkiError(err, 'InvalidCredentials') && /ca\.key: missing/.test(err.message));

  const dir3 = tempDir();
  const third = await ensureClusterCredentials(dir3);
  writeFileSync(third.paths.adminToken, 'x\n');
  await assert.rejects(ensureClusterCredentials(dir3), (err) => isPkiError(err, 'InvalidCredentials') && /admin\.token/.test(err.message));
});

test('a CA key without its certificate (a crash between the two writes) starts a new CA', async () => {
  const dir = tempDir();
  const first = await ensureClusterCredentials(dir);
  unlinkSync(first.paths.caCert);
  const second = await ensureClusterCredentials(dir);
  assert.deepEqual(second.generated.map((g) => g.kind), ['ca', 'server']);
  assert.notEqual(second.caCertPem, first.caCertPem);
  assert.equal(second.adminToken, first.adminToken);
  assert.ok(new X509Certificate(second.serverCertPem).checkIssued(new X509Certificate(second.caCertPem)));
});

test('bad hosts are refused before anything is written', async () => {
  const dir = join(tempDir(), 'never');
  await assert.rejects(ensureClusterCredentials(dir, { hosts: ['[::1]'] }), (err) => isPkiError(err, 'InvalidHost'));
  assert.throws(() => statSync(dir), /ENOENT/);
});

test('file names are the documented ones', async () => {
  const dir = tempDir();
  const creds = await ensureClusterCredentials(dir, { clientCert: true });
  for (const [key, file] of Object.entries(CREDENTIAL_FILES)) assert.equal(creds.paths[key as keyof typeof CREDENTIAL_FILES], join(dir, file));
});

// ---- over real TLS ----

async function serve(creds: ClusterCredentials): Promise<{ server: Server; port: number }> {
  const server = createServer(
    { cert: creds.serverCertPem, key: creds.serverKeyPem, ca: creds.caCertPem, requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      const socket = req.socket as TLSSocket;
      const peer = socket.authorized ? socket.getPeerCertificate() : undefined;
      const byCert = peer?.subject?.CN === 'kubernetes-admin';
      if (checkBearerToken(req.headers.authorization, creds.adminToken) || byCert) {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        return;
      }
      const status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 };
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify(status));
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

function get(port: number, opts: { ca: string; servername?: string; token?: string; cert?: string; key?: string }) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/healthz',
        ca: opts.ca,
        ...(opts.servername ? { servername: opts.servername } : {}),
        ...(opts.cert ? { cert: opts.cert, key: opts.key } : {}),
        headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {},
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk) => (body += chunk)).on('end', () => resolve({ status: res.statusCode!, body }));
      },
    );
    req.on('error', reject).end();
  });
}

test('node https: a client that trusts only the CA connects to 127.0.0.1 as localhost', async () => {
  const creds = await ensureClusterCredentials(tempDir(), { clientCert: true });
  const stranger = await ensureClusterCredentials(tempDir());
  const { server, port } = await serve(creds);
  try {
    assert.deepEqual(await get(port, { ca: creds.caCertPem, servername: 'localhost', token: creds.adminToken }), { status: 200, body: 'ok' });
    assert.deepEqual(await get(port, { ca: creds.caCertPem, token: creds.adminToken }), { status: 200, body: 'ok' });
    assert.equal((await get(port, { ca: creds.caCertPem, token: stranger.adminToken })).status, 401);
    assert.deepEqual(await get(port, { ca: creds.caCertPem, cert: creds.adminCertPem!, key: creds.adminKeyPem! }), { status: 200, body: 'ok' });
    await assert.rejects(get(port, { ca: stranger.caCertPem, servername: 'localhost' }), /self-signed|unable to verify|UNABLE_TO_VERIFY/i);
    await assert.rejects(get(port, { ca: creds.caCertPem, servername: 'elsewhere.example' }), (err: Error) => 'code' in err && err.code === 'ERR_TLS_CERT_ALTNAME_INVALID');
  } finally {
    server.close();
  }
});

test('real kubectl: token + CA succeed, a wrong token is Unauthorized, the admin client certificate works', async () => {
  const dir = tempDir();
  const creds = await ensureClusterCredentials(join(dir, 'pki'), { clientCert: true });
  const { server, port } = await serve(creds);
  const kubeconfig = (user: Record<string, string>) => {
    const path = join(dir, `kubeconfig-${Math.random().toString(36).slice(2)}`);
    const config = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 't', cluster: { server: `https://127.0.0.1:${port}`, 'certificate-authority-data': Buffer.from(creds.caCertPem).toString('base64') } }],
      users: [{ name: 't', user }],
      contexts: [{ name: 't', context: { cluster: 't', user: 't' } }],
      'current-context': 't',
    };
    writeFileSync(path, JSON.stringify(config), { mode: 0o600 });
    return path;
  };
  const kubectl = (path: string) => run('kubectl', ['--kubeconfig', path, '--cache-dir', join(dir, 'cache'), 'get', '--raw', '/healthz'], { timeout: 20_000 });
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  try {
    assert.equal((await kubectl(kubeconfig({ token: creds.adminToken }))).stdout, 'ok');
    assert.equal((await kubectl(kubeconfig({ 'client-certificate-data': b64(creds.adminCertPem!), 'client-key-data': b64(creds.adminKeyPem!) }))).stdout, 'ok');
    await assert.rejects(kubectl(kubeconfig({ token: 'wrong-token-wrong-token' })), (err: Error & { stderr?: string }) => /Unauthorized/.test(err.stderr ?? ''));
  } finally {
    server.close();
  }
});

test('the service account key: made once, kept; a cluster made before it gets one; sa.pub follows the key', async () => {
  const dir = tempDir();
  const first = await ensureClusterCredentials(dir, { now: T0 });
  assert.equal(readFileSync(first.paths.serviceAccountKey, 'utf8'), first.serviceAccountKeyPem);
  const pub = createPublicKey(first.serviceAccountKeyPem).export({ type: 'spki', format: 'pem' }).toString();
  assert.equal(readFileSync(first.paths.serviceAccountPub, 'utf8'), pub);
  // sa.pub is derived: written again when missing.
  unlinkSync(first.paths.serviceAccountPub);
  const second = await ensureClusterCredentials(dir, { now: T0 });
  assert.deepEqual(second.generated, []);
  assert.equal(second.serviceAccountKeyPem, first.serviceAccountKeyPem);
  assert.equal(readFileSync(first.paths.serviceAccountPub, 'utf8'), pub);
  // An older kubito's pki dir (no sa.key): a key at the next start, the rest untouched.
  unlinkSync(first.paths.serviceAccountKey);
  unlinkSync(first.paths.serviceAccountPub);
  const upgraded = await ensureClusterCredentials(dir, { now: T0 });
  assert.deepEqual(upgraded.generated, [{ kind: 'serviceaccount', reason: 'missing' }]);
  assert.notEqual(upgraded.serviceAccountKeyPem, first.serviceAccountKeyPem);
  assert.equal(upgraded.caCertPem, first.caCertPem);
  assert.equal(upgraded.adminToken, first.adminToken);
  assert.equal(mode(upgraded.paths.serviceAccountKey), 0o600);
  // A key that does not parse is refused, not replaced (tokens handed out trust it).
  writeFileSync(first.paths.serviceAccountKey, 'not a key');
  await assert.rejects(ensureClusterCredentials(dir, { now: T0 }), (err) => isPkiError(err, 'InvalidCredentials') && /sa\.key: not a private key/.test(err.message));
  assert.equal(readFileSync(first.paths.serviceAccountKey, 'utf8'), 'not a key');
});
