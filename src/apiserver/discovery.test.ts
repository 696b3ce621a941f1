import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { buildDiscovery, serveDiscovery } from './discovery.js';

const docs = buildDiscovery('127.0.0.1:6443');
const V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';

function legacy(path: string): Record<string, unknown> {
  const answer = serveDiscovery(docs, path, { accept: 'application/json' });
  assert.ok(answer, path);
  return JSON.parse(String(answer.body)) as Record<string, unknown>;
}

test('the core documents carry no apiVersion, as the legacy codec writes them; named groups do', () => {
  assert.deepEqual(Object.keys(legacy('/api')), ['kind', 'versions', 'serverAddressByClientCIDRs']);
  assert.deepEqual(Object.keys(legacy('/api/v1')), ['kind', 'groupVersion', 'resources']);
  assert.deepEqual(Object.keys(legacy('/apis/apps/v1')), ['kind', 'apiVersion', 'groupVersion', 'resources']);
  assert.deepEqual(Object.keys(legacy('/apis')), ['kind', 'apiVersion', 'groups']);
});

test('resources and subresources are listed sorted by path, as the installer registers them', () => {
  const names = (legacy('/api/v1').resources as Array<{ name: string }>).map((r) => r.name);
  assert.deepEqual(names.filter((n) => n.startsWith('pods')), [
    'pods', 'pods/attach', 'pods/binding', 'pods/ephemeralcontainers', 'pods/eviction', 'pods/exec',
    'pods/log', 'pods/portforward', 'pods/proxy', 'pods/status',
  ]);
  assert.deepEqual(names.filter((n) => n.startsWith('namespaces')), ['namespaces', 'namespaces/finalize', 'namespaces/status']);
  assert.deepEqual(names, [...names].sort());
  const agg = serveDiscovery(docs, '/api', { accept: V2 });
  const core = JSON.parse(String(agg?.body)).items[0].versions[0].resources as Array<{ resource: string; subresources?: Array<{ subresource: string }> }>;
  assert.deepEqual(core.map((r) => r.resource), names.filter((n) => !n.includes('/')));
  assert.deepEqual(core.find((r) => r.resource === 'pods')?.subresources?.map((s) => s.subresource),
    ['attach', 'binding', 'ephemeralcontainers', 'eviction', 'exec', 'log', 'portforward', 'proxy', 'status']);
});

test('named groups follow the aggregator priorities, in both forms', () => {
  const expected = ['apps', 'events.k8s.io', 'authentication.k8s.io', 'authorization.k8s.io', 'apiextensions.k8s.io', 'coordination.k8s.io', 'discovery.k8s.io'];
  assert.deepEqual((legacy('/apis').groups as Array<{ name: string }>).map((g) => g.name), expected);
  const agg = JSON.parse(String(serveDiscovery(docs, '/apis', { accept: V2 })?.body));
  assert.deepEqual(agg.items.map((g: { metadata: { name: string } }) => g.metadata.name), expected);
});

test('subresources of another group name it: scale is autoscaling/v1 Scale, eviction policy/v1 Eviction', () => {
  const apps = legacy('/apis/apps/v1').resources as Array<Record<string, unknown>>;
  assert.deepEqual(apps.find((r) => r.name === 'deployments/scale'),
    { name: 'deployments/scale', singularName: '', namespaced: true, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
  const core = legacy('/api/v1').resources as Array<Record<string, unknown>>;
  assert.deepEqual(core.find((r) => r.name === 'pods/eviction'),
    { name: 'pods/eviction', singularName: '', namespaced: true, group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] });
});

test('aggregated documents carry an ETag shared by v2 and v2beta1, Cache-Control public, and answer 304 to it', () => {
  const v2 = serveDiscovery(docs, '/apis', { accept: V2 });
  const beta = serveDiscovery(docs, '/apis', { accept: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList' });
  const etag = v2?.headers?.ETag as string;
  assert.match(etag, /^"[0-9A-F]{128}"$/);
  assert.equal(beta?.headers?.ETag, etag);
  assert.deepEqual(v2?.headers, { ETag: etag, Vary: 'Accept', 'Cache-Control': 'public' });
  assert.notEqual(serveDiscovery(docs, '/api', { accept: V2 })?.headers?.ETag, etag);
  const again = serveDiscovery(docs, '/apis', { accept: V2, 'if-none-match': etag });
  assert.equal(again?.status, 304);
  assert.equal(again?.body, '');
  assert.equal(again?.contentType, 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
  assert.equal(serveDiscovery(docs, '/apis', { accept: V2, 'if-none-match': '"stale"' })?.status, 200);
  // The legacy form has no ETag (WriteObjectNegotiated sets none).
  assert.equal(serveDiscovery(docs, '/apis', { accept: 'application/json', 'if-none-match': etag })?.status, 200);
});

test('storageVersionHash is the storage version\'s: events.k8s.io events are stored as core v1 Events', () => {
  const hashOf = (path: string, name: string): unknown => (legacy(path).resources as Array<Record<string, unknown>>).find((r) => r.name === name)?.storageVersionHash;
  assert.equal(hashOf('/api/v1', 'events'), 'r2yiGXH7wu8=');
  assert.equal(hashOf('/apis/events.k8s.io/v1', 'events'), 'r2yiGXH7wu8=');
  assert.equal(hashOf('/api/v1', 'pods'), 'xPOwRZ+Yhw8=');
  assert.equal(hashOf('/apis/apps/v1', 'deployments'), '8aSe+NMegvE=');
  assert.equal(hashOf('/api/v1', 'pods/status'), undefined);
});
