/**
 * @module Definitions: coordination.k8s.io/v1 Lease.
 * Fields, types, list/patch extensions and descriptions follow upstream's OpenAPI (long
 * descriptions keep their first sentences).
 */
import type { Definitions } from './types.js';
import { arr, gvk, int32, obj, ref, str, typeMeta } from './builders.js';
import { COORDINATION, META } from './names.js';

export const COORDINATION_V1_DEFINITIONS: Definitions = {
  'io.k8s.api.coordination.v1.Lease': obj('Lease defines a lease concept.', {
    ...typeMeta(),
    metadata: ref(META + 'ObjectMeta', 'More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata'),
    spec: ref(COORDINATION + 'LeaseSpec', 'spec contains the specification of the Lease. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status'),
  }, { gvk: gvk('coordination.k8s.io', 'v1', 'Lease') }),
  'io.k8s.api.coordination.v1.LeaseList': obj('LeaseList is a list of Lease objects.', {
    ...typeMeta(),
    items: arr(ref(COORDINATION + 'Lease'), 'items is a list of schema objects.'),
    metadata: ref(META + 'ListMeta', 'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata'),
  }, { required: ['items'], gvk: gvk('coordination.k8s.io', 'v1', 'LeaseList') }),
  'io.k8s.api.coordination.v1.LeaseSpec': obj('LeaseSpec is a specification of a Lease.', {
    acquireTime: ref(META + 'MicroTime', 'acquireTime is a time when the current lease was acquired.'),
    holderIdentity: str('holderIdentity contains the identity of the holder of a current lease. If Coordinated Leader Election is used, the holder identity must be equal to the elected LeaseCandidate.metadata.name field.'),
    leaseDurationSeconds: int32('leaseDurationSeconds is a duration that candidates for a lease need to wait to force acquire it. This is measured against the time of last observed renewTime.'),
    leaseTransitions: int32('leaseTransitions is the number of transitions of a lease between holders.'),
    preferredHolder: str('PreferredHolder signals to a lease holder that the lease has a more optimal holder and should be given up. This field can only be set if Strategy is also set.'),
    renewTime: ref(META + 'MicroTime', 'renewTime is a time when the current holder of a lease has last updated the lease.'),
    strategy: str('Strategy indicates the strategy for picking the leader for coordinated leader election. If the field is not specified, there is no active coordination for this lease. (Alpha) Using this field requires the CoordinatedLeaderElection feature gate to be enabled.'),
  }),
};
