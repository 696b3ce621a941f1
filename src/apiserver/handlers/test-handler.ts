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
import type { HandlerRequest } from '../http-types.js';

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

/** A POST of a JSON body to a pod's subresource (binding, eviction), answered as status and parsed JSON. */
export async function postPodSubresource<T = Record<string, unknown>>(handler: ApiHandler, name: string, subresource: string, body: unknown, query = ''): Promise<{ status: number; json: T }> {
  const req: HandlerRequest = {
    method: 'POST',
    path: `/api/v1/namespaces/default/pods/${name}/${subresource}`,
    query: new URLSearchParams(query),
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: Buffer.from(JSON.stringify(body)),
    inProcess: true,
  };
  const res = await handler.handle(req);
  if (res.kind !== 'body') throw new Error(`a ${res.kind} answer to POST pods/${subresource}`);
  return { status: res.status, json: JSON.parse(res.body.toString()) as T };
}
