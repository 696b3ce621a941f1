/**
 * @module Definitions: policy/v1 Eviction (the eviction subresource of Pods).
 * Fields, types, list/patch extensions and descriptions follow upstream's OpenAPI (long
 * descriptions keep their first sentences).
 */
import type { Definitions } from './types.js';
import { gvk, obj, ref, typeMeta } from './builders.js';
import { META } from './names.js';

export const POLICY_V1_DEFINITIONS: Definitions = {
  'io.k8s.api.policy.v1.Eviction': obj('Eviction evicts a pod from its node subject to certain policies and safety constraints. This is a subresource of Pod.  A request to cause such an eviction is created by POSTing to .../pods/<pod name>/evictions.', {
    ...typeMeta(),
    deleteOptions: ref(META + 'DeleteOptions', 'DeleteOptions may be provided'),
    metadata: ref(META + 'ObjectMeta', 'ObjectMeta describes the pod that is being evicted.'),
  }, { gvk: gvk('policy', 'v1', 'Eviction') }),
};
