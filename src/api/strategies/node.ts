/**
 * @module Node (pkg/registry/core/node/strategy.go): the deprecated spec.configSource and
 * status.config dropped (dropDisabledFields), spec.podCIDR mirroring spec.podCIDRs[0] as the v1
 * conversion shows it, allocatable defaulted to the capacity, quantities as defaulting leaves them, and validated as ValidateNode / ValidateNodeUpdate (validation/node.ts);
 * a status write gets ValidateNodeUpdate only, as nodeStatusStrategy does.
 */
import type { Strategy } from '../strategy.js';
import type { KubeObject } from '../types.js';
import { isObj, isSet, listOf, strOf } from '../validation/json-view.js';
import { validateNode, validateNodeUpdate } from '../validation/node.js';
import { defaultResourceList } from './resource-lists.js';

/**
 * Convert_v1_NodeSpec_To_core_NodeSpec and back (podCIDRs is the source of truth, podCIDR its
 * first); SetDefaults_NodeStatus (allocatable is the capacity when absent) and
 * SetDefaults_ResourceList on both.
 */
function nodeDefaults(node: KubeObject): void {
  if (isObj(node.spec)) {
    const cidrs = listOf(node.spec.podCIDRs).map(strOf);
    if (cidrs.length === 0 && strOf(node.spec.podCIDR) !== '') node.spec.podCIDRs = [node.spec.podCIDR];
    else if (cidrs.length > 0) node.spec.podCIDR = cidrs[0];
  }
  if (isObj(node.status)) {
    const status = node.status;
    if (!isSet(status.allocatable) && isObj(status.capacity)) status.allocatable = { ...status.capacity };
    defaultResourceList(status.capacity);
    defaultResourceList(status.allocatable);
  }
}

/** dropDisabledFields: the DynamicKubeletConfig fields, unless the old node already used them. */
function dropConfigSource(node: KubeObject, prev?: KubeObject): void {
  if (isObj(node.spec) && !(prev && isObj(prev.spec) && prev.spec.configSource)) delete node.spec.configSource;
  if (!prev && isObj(node.status)) delete node.status.config;
}

export const nodeStrategy: Strategy = {
  defaults: nodeDefaults,
  prepareForCreate(obj) {
    nodeDefaults(obj);
    dropConfigSource(obj);
  },
  prepareForUpdate(next, prev) {
    nodeDefaults(next);
    dropConfigSource(next, prev);
  },
  validate: (obj) => validateNode(obj),
  validateUpdate: (next, prev, subresource) => (subresource === 'status' ? validateNodeUpdate(next, prev) : [...validateNode(next), ...validateNodeUpdate(next, prev)]),
};
