/**
 * @module The strategy of each served resource, in one explicit table. Resources absent here
 * get the generic behaviour only.
 */
import type { ServiceAllocators } from '../service/allocators.js';
import { serviceDefaults } from '../service/defaults.js';
import { serviceStrategy } from '../service/strategy.js';
import type { Strategy } from '../strategy.js';
import { configMapStrategy, secretStrategy } from './config.js';
import { endpointSliceStrategy, endpointsStrategy } from './endpoints.js';
import { coreEventStrategy, eventsV1EventStrategy } from './events.js';
import { leaseStrategy } from './lease.js';
import { namespaceStrategy } from './namespace.js';
import { nodeStrategy } from './node.js';
import { podStrategy } from './pod.js';
import { serviceAccountStrategy } from './serviceaccount.js';
import { deploymentStrategy, replicaSetStrategy } from './workloads.js';

/** Keyed like the API handler's storages: `group/version/resource`. */
export function buildStrategies(deps: { serviceAllocators: ServiceAllocators }): Map<string, Strategy> {
  return new Map<string, Strategy>([
    ['/v1/configmaps', configMapStrategy],
    ['/v1/endpoints', endpointsStrategy],
    ['/v1/events', coreEventStrategy],
    ['/v1/namespaces', namespaceStrategy],
    ['/v1/nodes', nodeStrategy],
    ['/v1/pods', podStrategy],
    ['/v1/secrets', secretStrategy],
    ['/v1/serviceaccounts', serviceAccountStrategy],
    ['/v1/services', { ...serviceStrategy(deps.serviceAllocators), defaults: serviceDefaults }],
    ['apps/v1/deployments', deploymentStrategy],
    ['apps/v1/replicasets', replicaSetStrategy],
    ['coordination.k8s.io/v1/leases', leaseStrategy],
    ['discovery.k8s.io/v1/endpointslices', endpointSliceStrategy],
    ['events.k8s.io/v1/events', eventsV1EventStrategy],
  ]);
}

/** Resources whose PUT creates a missing object, as upstream's registries allow. */
export const CREATE_ON_UPDATE = new Set(['/v1/endpoints', '/v1/events', 'events.k8s.io/v1/events', 'coordination.k8s.io/v1/leases']);
