import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureClusterCredentials } from '../pki/credentials.js';
import { startControlPlane, type ControlPlaneOptions } from './control-plane.js';

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

test('a port in use fails the start and leaves the store free for the next one', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubito-cp-'));
  const holder = createServer();
  t.after(() => {
    holder.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const port = await listen(holder);
  const creds = await ensureClusterCredentials(join(dataDir, 'pki'));
  const base: Omit<ControlPlaneOptions, 'port'> = {
    dataDir,
    store: 'sqlite',
    host: '127.0.0.1',
    certPem: creds.serverCertPem,
    keyPem: creds.serverKeyPem,
    authenticate: () => true,
    dnsUpstreams: [],
  };
  await assert.rejects(startControlPlane({ ...base, port }), /EADDRINUSE/);
  // Before the fix the SQLite store stayed open here, and this start failed: 'database is locked'.
  const cp = await startControlPlane({ ...base, port: 0 });
  await cp.controllersStarted;
  await cp.stop();
});
