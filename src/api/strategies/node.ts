/**
 * @module Node (pkg/registry/core/node/strategy.go): the deprecated spec.configSource and
 * status.config dropped (dropDisabledFields), spec.podCIDR mirroring spec.podCIDRs[0] as the v1
 * conversion shows it, and validated as ValidateNode / ValidateNodeUpdate (validation/node.ts);
 * a status write gets ValidateNodeUpdate only, as nodeStatusStrategy does.
 */
import type { Strategy } from '../strategy.js';
import type { KubeObject } from '../types.js';
import { isObj, listOf, strOf } from '../validation/json-view.js';
import { validateNode, validateNodeUpdate } from '../validation/node.js';

/** Convert_v1_NodeSpec_To_core_NodeSpec and back: podCIDRs is the source of truth, podCIDR its first. */
function podCIDRDefaults(node: KubeObject): void {
  if (!isObj(node.spec)) return;
  const cidrs = listOf(node.spec.podCIDRs).map(strOf);
  if (cidrs.length === 0 && strOf(node.spec.podCIDR) !== '') node.spec.podCIDRs = [node.spec.podCIDR];
  else if (cidrs.length > 0) node.spec.podCIDR = cidrs[0];
}

/** dropDisabledFields: the DynamicKubeletConfig fields, unless the old node already used them. */
function dropConfigSource(node: KubeObject, prev?: KubeObject): void {
  if (isObj(node.spec) && !(prev && isObj(prev.spec) && prev.spec.configSource)) delete node.spec.configSource;
  if (!prev && isObj(node.status)) delete node.status.config;
}

export const nodeStrategy: Strategy = {
  defaults: podCIDRDefaults,
  prepareForCreate(obj) {
    podCIDRDefaults(obj);
    dropConfigSource(obj);
  },
  prepareForUpdate(next, prev) {
    podCIDRDefaults(next);
    dropConfigSource(next, prev);
  },
  validate: (obj) => validateNode(obj),
  validateUpdate: (next, prev, subresource) => (subresource === 'status' ? validateNodeUpdate(next, prev) : [...validateNode(next), ...validateNodeUpdate(next, prev)]),
};
