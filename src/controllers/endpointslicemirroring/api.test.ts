/**
 * @module The mirroring controller in a real control plane (memory store, every controller,
 * the in-process client the controllers use): the "Service for an external database" of the
 * Services docs gets its mirrored slice as the API stores it, the slice settles (no write
 * loop against the API's own fields), follows the Endpoints, and goes with it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../api/types.js';
import { Client } from '../../client/index.js';
import { InProcessTransport } from '../../controlplane/in-process-transport.js';
import { startControlPlane, type ControlPlane } from '../../controlplane/control-plane.js';
import { ensureClusterCredentials } from '../../pki/credentials.js';
import { RESOURCES } from '../endpointslice/harness.js';
import type { EndpointSlice } from '../endpointslice/types.js';

const MIRROR = 'endpointslicemirroring-controller.k8s.io';

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('EndpointSliceMirroringController against the API', () => {
  let dataDir: string;
  let cp: ControlPlane;
  let client: Client;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kubito-mirror-'));
    const creds = await ensureClusterCredentials(join(dataDir, 'pki'));
    cp = await startControlPlane({ dataDir, store: 'memory', host: '127.0.0.1', port: 0, certPem: creds.serverCertPem, keyPem: creds.serverKeyPem, authenticate: () => true, dnsUpstreams: [] });
    await cp.controllersStarted;
    client = new Client(new InProcessTransport(cp.handler, 'test'));
  });

  after(async () => {
    await cp?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const slices = async (name: string) =>
    (await client.resource<EndpointSlice>(RESOURCES.endpointslices).list({ namespace: 'default', labelSelector: `kubernetes.io/service-name=${name}` })).items;

  it('the external-database pattern: a selector-less Service and its Endpoints give one mirrored slice, which settles', async () => {
    await client.resource(RESOURCES.services).create(
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'my-service' }, spec: { ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 9376 }] } } as KubeObject,
      { namespace: 'default' },
    );
    const ep = await client.resource(RESOURCES.endpoints).create(
      {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name: 'my-service', labels: { app: 'db' }, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
        subsets: [{ addresses: [{ ip: '10.244.0.42' }], ports: [{ name: 'http', port: 9376, protocol: 'TCP' }] }],
      } as KubeObject,
      { namespace: 'default' },
    );
    const [slice] = await until('a mirrored slice', async () => {
      const found = await slices('my-service');
      return found.length > 0 ? found : undefined;
    });
    assert.match(slice.metadata.name!, /^my-service-[a-z0-9]{5}$/);
    assert.deepEqual(slice.metadata.labels, { app: 'db', 'kubernetes.io/service-name': 'my-service', 'endpointslice.kubernetes.io/managed-by': MIRROR });
    // last-applied is not copied, and no empty map is written.
    assert.equal(slice.metadata.annotations, undefined);
    assert.deepEqual(slice.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Endpoints', name: 'my-service', uid: ep.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    assert.equal(slice.addressType, 'IPv4');
    assert.deepEqual(slice.endpoints, [{ addresses: ['10.244.0.42'], conditions: { ready: true } }]);
    assert.deepEqual(slice.ports, [{ name: 'http', protocol: 'TCP', port: 9376 }]);
    // Stored as written: a second look a while later finds the same version (no update loop).
    await new Promise((r) => setTimeout(r, 1500));
    const [again] = await slices('my-service');
    assert.equal(again.metadata.resourceVersion, slice.metadata.resourceVersion);
  });

  it('follows the Endpoints, and the slice goes with it', async () => {
    const endpoints = client.resource(RESOURCES.endpoints);
    const current = await endpoints.get('my-service', { namespace: 'default' });
    await endpoints.update({ ...current, subsets: [{ addresses: [{ ip: '10.244.0.43' }], notReadyAddresses: [{ ip: '10.244.0.44' }], ports: [{ name: 'http', port: 9376, protocol: 'TCP' }] }] } as KubeObject, {
      namespace: 'default',
    });
    await until('the slice updated', async () => {
      const [slice] = await slices('my-service');
      return slice?.endpoints?.map((e) => `${e.addresses[0]}:${e.conditions?.ready}`).join(',') === '10.244.0.43:true,10.244.0.44:false' ? true : undefined;
    });
    await endpoints.delete('my-service', { namespace: 'default' });
    await until('no slice left', async () => ((await slices('my-service')).length === 0 ? true : undefined));
  });

  it('the control plane\'s own Endpoints (kubernetes, kube-dns) are not mirrored', async () => {
    const all = await client.resource<EndpointSlice>(RESOURCES.endpointslices).list({});
    assert.deepEqual(all.items.filter((s) => s.metadata.labels?.['endpointslice.kubernetes.io/managed-by'] === MIRROR).map((s) => s.metadata.name), []);
  });
});
