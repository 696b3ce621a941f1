import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RESOURCES } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { RestStorage } from '../apiserver/registry/rest-storage.js';
import { openMemoryStore } from '../storage/memory/memory-store.js';
import { bootstrap } from './bootstrap.js';

async function storages(): Promise<Parameters<typeof bootstrap>[0]> {
  const store = await openMemoryStore();
  const storage = (group: string, resource: string): RestStorage => new RestStorage(RESOURCES.find((r) => r.group === group && r.resource === resource)!, store);
  return { namespaces: storage('', 'namespaces'), services: storage('', 'services'), endpoints: storage('', 'endpoints'), endpointSlices: storage('discovery.k8s.io', 'endpointslices') };
}

const options = { kubernetesIP: '10.96.0.1', dnsIP: '10.96.0.10', apiPort: 6443 };

function slice(manager: string): KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'kube-dns', namespace: 'kube-system', labels: { 'kubernetes.io/service-name': 'kube-dns', 'endpointslice.kubernetes.io/managed-by': manager } },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['10.244.0.1'], conditions: { ready: true } }],
    ports: [{ name: 'dns', protocol: 'UDP', port: 53 }],
  } as unknown as KubeObject;
}

test('kube-dns selects k8s-app=kube-dns (its mirror pod) and gets no hand-written endpoints', async () => {
  const s = await storages();
  await bootstrap(s, options);
  const svc = (await s.services.get('kube-system', 'kube-dns')) as KubeObject & { spec: { selector?: Record<string, string>; clusterIP: string } };
  assert.deepEqual(svc.spec.selector, { 'k8s-app': 'kube-dns' });
  assert.equal(svc.spec.clusterIP, '10.96.0.10');
  await assert.rejects(s.endpointSlices.get('kube-system', 'kube-dns'), /not found/);
  await assert.rejects(s.endpoints.get('kube-system', 'kube-dns'), /not found/);
  // default/kubernetes keeps its endpoints, written here as the apiserver's reconciler does.
  assert.ok(await s.endpoints.get('default', 'kubernetes'));
});

test("a cluster an earlier kubito made: the selector is set and that kubito's kube-dns slice goes; another manager's stays", async () => {
  const s = await storages();
  await bootstrap(s, options);
  await s.services.guaranteedUpdate('kube-system', 'kube-dns', (current) => {
    const svc = current as KubeObject & { spec: { selector?: unknown } };
    delete svc.spec.selector;
    return svc;
  });
  await s.endpointSlices.create('kube-system', slice('control-plane.kubito.io'));
  await bootstrap(s, options);
  assert.deepEqual(((await s.services.get('kube-system', 'kube-dns')) as KubeObject & { spec: { selector?: unknown } }).spec.selector, { 'k8s-app': 'kube-dns' });
  await assert.rejects(s.endpointSlices.get('kube-system', 'kube-dns'), /not found/);
  await s.endpointSlices.create('kube-system', slice('someone-else'));
  await bootstrap(s, options);
  assert.ok(await s.endpointSlices.get('kube-system', 'kube-dns'));
});
