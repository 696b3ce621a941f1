/**
 * @module Definition name prefixes, as upstream's OpenAPI names them (`io.k8s.api.core.v1.Pod`),
 * and the group-versions that share the meta kinds (DeleteOptions, WatchEvent).
 */

export const CORE = 'io.k8s.api.core.v1.';
export const APPS = 'io.k8s.api.apps.v1.';
export const DISCOVERY = 'io.k8s.api.discovery.v1.';
export const COORDINATION = 'io.k8s.api.coordination.v1.';
export const EVENTS = 'io.k8s.api.events.v1.';
export const AUTOSCALING = 'io.k8s.api.autoscaling.v1.';
export const POLICY = 'io.k8s.api.policy.v1.';
export const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
export const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
export const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
export const RAW_EXTENSION = 'io.k8s.apimachinery.pkg.runtime.RawExtension';

/** The API groups whose kinds the registry defines (`""` is core), all at v1. */
const GROUPS = ['', 'apiextensions.k8s.io', 'apps', 'authentication.k8s.io', 'authorization.k8s.io', 'autoscaling', 'coordination.k8s.io', 'discovery.k8s.io', 'events.k8s.io', 'policy'];

/**
 * Upstream registers DeleteOptions and WatchEvent in every group-version it serves; kubito lists
 * the group-versions whose kinds it defines.
 */
export function everyGroupVersion(kind: string): Array<{ group: string; version: string; kind: string }> {
  return GROUPS.map((group) => ({ group, version: 'v1', kind }));
}
