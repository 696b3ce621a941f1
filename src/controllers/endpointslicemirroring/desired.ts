/**
 * @module The mirroring reconciler as a pure function (endpointslicemirroring reconciler.go and
 * reconciler_helpers.go): from an Endpoints and the slices this controller made for it, the
 * slices to create, update and delete, and the events to record on the Endpoints. No I/O.
 *
 * The subsets are first put in canonical form (RepackSubsets); each subset then gives one
 * group of slices per address type, keyed by its ports. Of a subset's addresses (ready ones,
 * then not-ready ones) at most `maxEndpointsPerSubset` are mirrored, so that one subset fits
 * one slice: each group is one slice. The first existing slice of a group (by name) is kept
 * when it already lists exactly the wanted endpoints and carries the Endpoints' labels and
 * annotations, else rewritten in full; other slices of the group are deleted, and so are the
 * slices of groups no longer wanted. Rather than delete one slice and create another of the
 * same address type, the first is updated into the second (recycleSlices).
 *
 * Where upstream iterates Go maps or sets (random order), this takes a fixed one: groups in the
 * order of the repacked subsets, IPv4 before IPv6; endpoints in the subset's order, ready
 * first; existing slices by name.
 */
import type { Endpoints } from '../endpoints/types.js';
import { repackSubsets } from '../endpoints/repack.js';
import { endpointKey, endpointsEqualBeyondKey } from '../endpointslice/endpoint.js';
import type { AddressType, Endpoint, EndpointPort, EndpointSlice } from '../endpointslice/types.js';
import { addressToEndpoint, groupKey, newMirroredSlice, sameMetadata, slicePorts } from './slice.js';
import { DEFAULT_MAX_ENDPOINTS_PER_SUBSET, REASON_INVALID_IP, REASON_TOO_MANY } from './types.js';

export interface MirrorOptions {
  /** `--mirroring-max-endpoints-per-subset`; default 1000. */
  maxEndpointsPerSubset?: number;
}

/** An event to record on the Endpoints (always a Warning). */
export interface MirrorEvent {
  reason: string;
  message: string;
}

/** What to write. Updates carry no resourceVersion (unconditional, as upstream writes them). */
export interface MirrorChanges {
  create: EndpointSlice[];
  update: EndpointSlice[];
  delete: EndpointSlice[];
  events: MirrorEvent[];
}

interface Group {
  addressType: AddressType;
  ports: EndpointPort[];
  /** endpointKey → endpoint, in the order added (a later duplicate replaces an earlier one). */
  endpoints: Map<string, Endpoint>;
}

const ADDRESS_TYPES: AddressType[] = ['IPv4', 'IPv6'];

/**
 * The slices an Endpoints should have, as changes to `existingSlices` (the slices labelled
 * with its name and managed by the mirroring controller). Whether the Endpoints is to be
 * mirrored at all (`shouldMirror`, a Service without a selector) is the caller's question.
 * Nothing is created for an Endpoints being deleted.
 */
export function mirrorSlices(endpoints: Endpoints, existingSlices: readonly EndpointSlice[], options: MirrorOptions = {}): MirrorChanges {
  const max = options.maxEndpointsPerSubset ?? DEFAULT_MAX_ENDPOINTS_PER_SUBSET;
  const groups = new Map<string, Group>();
  let invalid = 0;
  let skipped = 0;
  for (const subset of repackSubsets(endpoints.subsets ?? [])) {
    const ports = slicePorts(subset.ports);
    // initPorts: a group per address type, even if no address of that type comes.
    for (const addressType of ADDRESS_TYPES) {
      const key = groupKey(addressType, ports);
      const group = groups.get(key);
      if (group) group.ports = ports;
      else groups.set(key, { addressType, ports, endpoints: new Map() });
    }
    const total = (subset.addresses?.length ?? 0) + (subset.notReadyAddresses?.length ?? 0);
    let added = 0;
    const add = (addresses: typeof subset.addresses, ready: boolean) => {
      for (const address of addresses ?? []) {
        if (added >= max) break;
        const converted = addressToEndpoint(address, ready);
        if (!converted) {
          invalid++;
          continue;
        }
        groups.get(groupKey(converted.addressType, ports))!.endpoints.set(endpointKey(converted.endpoint), converted.endpoint);
        added++;
      }
    };
    add(subset.addresses, true);
    add(subset.notReadyAddresses, false);
    skipped += total - added;
  }

  const events: MirrorEvent[] = [];
  if (invalid > 0) events.push({ reason: REASON_INVALID_IP, message: `Skipped ${invalid} invalid IP addresses when mirroring to EndpointSlices` });
  // `skipped` counts the invalid addresses too: this event is for the ones over the limit.
  if (skipped > invalid) {
    events.push({ reason: REASON_TOO_MANY, message: `A max of ${max} addresses can be mirrored to EndpointSlices per Endpoints subset. ${skipped} addresses were skipped` });
  }

  const existingByKey = new Map<string, EndpointSlice[]>();
  const byName = [...existingSlices].sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
  for (const slice of byName) {
    const key = groupKey(slice.addressType, slice.ports);
    existingByKey.set(key, [...(existingByKey.get(key) ?? []), slice]);
  }

  const changes: MirrorChanges = { create: [], update: [], delete: [], events };
  for (const [key, group] of groups) {
    const result = reconcileGroup(endpoints, existingByKey.get(key) ?? [], group, max);
    changes.create.push(...result.create);
    changes.update.push(...result.update);
    changes.delete.push(...result.delete);
  }
  for (const [key, slices] of existingByKey) if (!groups.has(key)) changes.delete.push(...slices);

  recycle(changes);
  if (endpoints.metadata.deletionTimestamp) changes.create = [];
  return changes;
}

/** reconcileByPortMapping: one group's slice, kept, rewritten or created; the others deleted. */
function reconcileGroup(endpoints: Endpoints, existing: EndpointSlice[], group: Group, max: number): Pick<MirrorChanges, 'create' | 'update' | 'delete'> {
  if (group.endpoints.size === 0) return { create: [], update: [], delete: existing };
  const [first, ...rest] = existing;
  if (first && unchanged(first, group.endpoints) && sameMetadata(first, endpoints)) return { create: [], update: [], delete: rest };
  const slice = newMirroredSlice(endpoints, group.ports, group.addressType, first?.metadata.name);
  for (const endpoint of group.endpoints.values()) {
    if (slice.endpoints!.length >= max) break;
    slice.endpoints!.push(endpoint);
  }
  return first ? { create: [], update: [slice], delete: rest } : { create: [slice], update: [], delete: rest };
}

/** totalChanges is zero: the slice lists exactly the wanted endpoints, each as wanted. */
function unchanged(slice: EndpointSlice, wanted: Map<string, Endpoint>): boolean {
  let matches = 0;
  for (const endpoint of slice.endpoints ?? []) {
    const want = wanted.get(endpointKey(endpoint));
    if (!want || !endpointsEqualBeyondKey(want, endpoint)) return false;
    matches++;
  }
  return matches === wanted.size;
}

/**
 * recycleSlices: per address type, each slice to create takes the name of a slice to delete
 * and becomes an update of it.
 */
function recycle(changes: MirrorChanges): void {
  for (const addressType of ADDRESS_TYPES) {
    const creates = changes.create.filter((s) => s.addressType === addressType);
    const deletes = changes.delete.filter((s) => s.addressType === addressType);
    for (let i = 0; i < creates.length && i < deletes.length; i++) {
      const slice = creates[i];
      delete slice.metadata.generateName;
      slice.metadata = { name: deletes[i].metadata.name, ...slice.metadata };
      changes.create = changes.create.filter((s) => s !== slice);
      changes.delete = changes.delete.filter((s) => s !== deletes[i]);
      changes.update.push(slice);
    }
  }
}
