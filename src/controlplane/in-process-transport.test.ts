/** @module The in-process transport against a real API handler on a memory store: values, not text, and shared answers only when asked for. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RESOURCES } from '../api/resources.js';
import type { KubeObject, WatchEvent } from '../api/types.js';
import { ApiHandler, storageKey } from '../apiserver/handler.js';
import { RestStorage } from '../apiserver/registry/rest-storage.js';
import { Client } from '../client/index.js';
import { openMemoryStore } from '../storage/memory/memory-store.js';
import { InProcessTransport } from './in-process-transport.js';

const CONFIGMAPS = RESOURCES.find((r) => r.group === '' && r.resource === 'configmaps')!;

async function apiHandler(): Promise<ApiHandler> {
  const store = await openMemoryStore();
  const storages = new Map<string, RestStorage>();
  for (const info of RESOURCES.filter((r) => r.group === '' && (r.resource === 'configmaps' || r.resource === 'namespaces'))) {
    storages.set(storageKey(info.group, info.version, info.resource), new RestStorage(info, store));
  }
  return new ApiHandler({ storages, serverAddress: '127.0.0.1:6443', version: { major: '1', minor: '33', gitVersion: 'v1.33.0', gitCommit: '', gitTreeState: '', buildDate: '', goVersion: '', compiler: '', platform: '' } });
}

async function apiClient(): Promise<Client> {
  return new Client(new InProcessTransport(await apiHandler(), 'test'));
}

/** A watch of default's ConfigMaps and the objects it has been handed. */
async function watchConfigMaps(client: Client): Promise<{ seen: KubeObject[]; watch: { stop(): void } }> {
  const seen: KubeObject[] = [];
  const watch = await client.transport.watch({ method: 'GET', path: '/api/v1/namespaces/default/configmaps' }, {
    onEvent: (ev: WatchEvent) => seen.push(ev.object as KubeObject),
    onClose: () => undefined,
  });
  return { seen, watch };
}

test('a create with readOnlyResult answers with the object its watches were handed; without it, with one of its own', async () => {
  const client = await apiClient();
  const configmaps = client.resource(CONFIGMAPS);
  const { seen, watch } = await watchConfigMaps(client);
  try {
    const shared = await configmaps.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { k: 'v' } }, { namespace: 'default', readOnlyResult: true });
    const own = await configmaps.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' }, data: { k: 'v' } }, { namespace: 'default' });
    assert.equal(seen.length, 2);
    assert.equal(shared, seen[0], 'the very object the watch got');
    assert.notEqual(own, seen[1], 'a copy of its own');
    // The watches' shared objects come without managedFields (RestStorage.#decodeShared); a
    // create's own answer has them.
    assert.equal(seen[0].metadata.managedFields, undefined);
    assert.equal(own.metadata.managedFields?.[0]?.manager, 'test');
    const { managedFields: _m, ...ownMetadata } = own.metadata;
    assert.deepEqual({ ...own, metadata: ownMetadata }, seen[1]);
    assert.equal(shared.metadata.resourceVersion, seen[0].metadata.resourceVersion);
  } finally {
    watch.stop();
  }
});

test("an update of an informer's object (no managedFields) keeps the stored managedFields and records its manager", async () => {
  const handler = await apiHandler();
  const client = new Client(new InProcessTransport(handler, 'test'));
  const configmaps = client.resource(CONFIGMAPS);
  const { seen, watch } = await watchConfigMaps(client);
  try {
    await configmaps.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { k: 'v' } }, { namespace: 'default' });
    const cached = seen[0] as KubeObject & { data: Record<string, string> };
    assert.equal(cached.metadata.managedFields, undefined);
    const other = new Client(new InProcessTransport(handler, 'other'));
    await other.resource(CONFIGMAPS).update({ ...cached, data: { ...cached.data, j: 'w' } }, { namespace: 'default' });
    const stored = (await configmaps.get('a', { namespace: 'default' })) as KubeObject;
    assert.deepEqual(stored.metadata.managedFields?.map((e) => e.manager).sort(), ['other', 'test']);
  } finally {
    watch.stop();
  }
});

