/**
 * @module The strategy of each served resource, in one explicit table. Resources absent here
 * get the generic behaviour only.
 */
import type { ServiceAllocators } from '../service/allocators.js';
import { serviceDefaults } from '../service/defaults.js';
import { serviceStrategy } from '../service/strategy.js';
import type { Strategy } from '../strategy.js';
import { endpointSliceStrategy, endpointsStrategy } from './endpoints.js';
import { namespaceStrategy } from './namespace.js';
import { podStrategy } from './pod.js';
import { deploymentStrategy, replicaSetStrategy } from './workloads.js';

/** Keyed like the API handler's storages: `group/version/resource`. */
export function buildStrategies(deps: { serviceAllocators: ServiceAllocators }): Map<string, Strategy> {
  return new Map<string, Strategy>([
    ['/v1/endpoints', endpointsStrategy],
    ['/v1/namespaces', namespaceStrategy],
    ['/v1/pods', podStrategy],
    ['/v1/services', { ...serviceStrategy(deps.serviceAllocators), defaults: serviceDefaults }],
    ['apps/v1/deployments', deploymentStrategy],
    ['apps/v1/replicasets', replicaSetStrategy],
    ['discovery.k8s.io/v1/endpointslices', endpointSliceStrategy],
  ]);
}

/** Resources whose PUT creates a missing object, as upstream's registries allow. */
export const CREATE_ON_UPDATE = new Set(['/v1/endpoints', '/v1/events', 'events.k8s.io/v1/events', 'coordination.k8s.io/v1/leases']);
