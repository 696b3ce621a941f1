/**
 * @module For handler tests: an ApiHandler over a memory store serving pods (with the pod
 * strategy) and namespaces, at a fixed clock.
 */
import { RESOURCES } from '../../api/resources.js';
import { podStrategy } from '../../api/strategies/pod.js';
import { openMemoryStore } from '../../storage/memory/memory-store.js';
import { ApiHandler, storageKey } from '../handler.js';
import { validateMetadata } from '../registry/meta-validation.js';
import { RestStorage } from '../registry/rest-storage.js';

export async function podHandler(now: number): Promise<{ handler: ApiHandler; pods: RestStorage }> {
  const store = await openMemoryStore();
  const storages = new Map<string, RestStorage>();
  for (const info of RESOURCES.filter((r) => r.group === '' && (r.resource === 'pods' || r.resource === 'namespaces'))) {
    storages.set(storageKey(info.group, info.version, info.resource), new RestStorage(info, store, { strategy: info.resource === 'pods' ? podStrategy : undefined, validateMeta: validateMetadata }));
  }
  const pods = storages.get(storageKey('', 'v1', 'pods'))!;
  const handler = new ApiHandler({ storages, serverAddress: '127.0.0.1:6443', version: { major: '1', minor: '33', gitVersion: 'v1.33.0', gitCommit: '', gitTreeState: '', buildDate: '', goVersion: '', compiler: '', platform: '' }, clock: () => now });
  return { handler, pods };
}
