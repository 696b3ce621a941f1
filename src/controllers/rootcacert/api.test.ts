/**
 * @module The root CA publisher and the ServiceAccount admission in a real control plane (memory
 * store, every controller, the in-process client): a new namespace gets kube-root-ca.crt with the
 * CA the control plane was given and a `default` account, and a pod created there at once (the
 * admission waits for `default`) gets the kube-api-access volume that projects that ConfigMap.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findResource } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { Client } from '../../client/index.js';
import { InProcessTransport } from '../../controlplane/in-process-transport.js';
import { startControlPlane, type ControlPlane } from '../../controlplane/control-plane.js';
import { ensureClusterCredentials } from '../../pki/credentials.js';
import { DESCRIPTION, DESCRIPTION_ANNOTATION, ROOT_CA_CONFIG_MAP } from './controller.js';

const NAMESPACES = findResource('', 'v1', 'namespaces')!;
const CONFIG_MAPS = findResource('', 'v1', 'configmaps')!;
const PODS = findResource('', 'v1', 'pods')!;

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('root CA publisher and ServiceAccount admission against the API', () => {
  let dataDir: string;
  let cp: ControlPlane;
  let client: Client;
  let ca: string;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kubito-rootca-'));
    const creds = await ensureClusterCredentials(join(dataDir, 'pki'));
    ca = creds.caCertPem;
    cp = await startControlPlane({ dataDir, store: 'memory', host: '127.0.0.1', port: 0, certPem: creds.serverCertPem, keyPem: creds.serverKeyPem, caCertPem: ca, authenticate: () => true, dnsUpstreams: [] });
    await cp.controllersStarted;
    client = new Client(new InProcessTransport(cp.handler, 'test'));
  });

  after(async () => {
    await cp?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a new namespace: kube-root-ca.crt with the cluster CA, and a pod made at once runs as default with the token volume', async () => {
    await client.resource(NAMESPACES).create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } } as KubeObject);
    const created = await client.resource(PODS).create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'first' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } as KubeObject, { namespace: 'shop' });
    const spec = created.spec as { serviceAccountName: string; volumes: Array<{ name: string; projected: { sources: Array<Record<string, unknown>> } }> };
    assert.equal(spec.serviceAccountName, 'default');
    assert.match(spec.volumes[0].name, /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.deepEqual(spec.volumes[0].projected.sources[1], { configMap: { name: ROOT_CA_CONFIG_MAP, items: [{ key: 'ca.crt', path: 'ca.crt' }] } });
    const cm = await until('kube-root-ca.crt in shop', () => client.resource<KubeObject & { data?: Record<string, string> }>(CONFIG_MAPS).get(ROOT_CA_CONFIG_MAP, { namespace: 'shop' }));
    assert.deepEqual(cm.data, { 'ca.crt': ca });
    assert.equal(cm.metadata.annotations?.[DESCRIPTION_ANNOTATION], DESCRIPTION);
  });
});
