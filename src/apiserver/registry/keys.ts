/**
 * @module Where objects live in the store. Keys end without a slash; prefixes end with one, so
 * that `/registry/services/` never matches `/registry/servicesx/`.
 *
 * core/v1 Events and events.k8s.io/v1 Events are one stored object seen through two APIs, as
 * upstream keeps them; `storageResource` maps both to the same place.
 */
import type { ResourceInfo } from '../../api/resources.js';

/** The storage name of a resource: `services`, `deployments.apps`, `events` for both Event APIs. */
export function storageResource(info: ResourceInfo): string {
  if (info.resource === 'events') return 'events';
  return info.group ? `${info.resource}.${info.group}` : info.resource;
}

export function objectKey(info: ResourceInfo, namespace: string, name: string): string {
  return info.namespaced ? `/registry/${storageResource(info)}/${namespace}/${name}` : `/registry/${storageResource(info)}/${name}`;
}

/** The prefix of every object of the resource, or of one namespace's objects. */
export function prefixKey(info: ResourceInfo, namespace: string): string {
  return info.namespaced && namespace ? `/registry/${storageResource(info)}/${namespace}/` : `/registry/${storageResource(info)}/`;
}
