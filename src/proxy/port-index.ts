/**
 * @module One service port of a DesiredState by its key (`servicePortKey`), without walking the
 * state: a partial sync and what runs after it look up only the changed keys, so their cost
 * follows the change, not the cluster. The change tracker registers the index it keeps up to
 * date for the state it hands out (and withdraws it when it hands out the next one); a state
 * nobody registered (fixtures, `computeDesiredState`) gets one built on first use. States are
 * never mutated once made (types.ts), so an index stays right for the array it belongs to.
 */
import { servicePortKey, type DesiredState, type ServicePortState } from './types.js';

const indexes = new WeakMap<readonly ServicePortState[], ReadonlyMap<string, ServicePortState>>();

/** Says that `index` maps every key of `servicePorts` to its port (the caller keeps that true while registered). */
export function registerPortIndex(servicePorts: readonly ServicePortState[], index: ReadonlyMap<string, ServicePortState>): void {
  indexes.set(servicePorts, index);
}

/** Withdraws a registered index (its owner is about to change it for a newer state). */
export function withdrawPortIndex(servicePorts: readonly ServicePortState[]): void {
  indexes.delete(servicePorts);
}

/** Key → port of the state: the registered index, else one built now (and kept for the array). */
export function portIndexOf(state: Pick<DesiredState, 'servicePorts'>): ReadonlyMap<string, ServicePortState> {
  let index = indexes.get(state.servicePorts);
  if (!index) {
    index = new Map(state.servicePorts.map((sp) => [servicePortKey(sp), sp]));
    indexes.set(state.servicePorts, index);
  }
  return index;
}
