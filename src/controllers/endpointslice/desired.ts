/**
 * @module The EndpointSlice reconciler as a pure function (k8s.io/endpointslice reconciler.go):
 * from a Service, the pods its selector matches and the slices that exist, the slices to
 * create, update and delete. No I/O; the controller reads the caches, calls this, and writes.
 *
 * Per address type: pods are grouped by their resolved ports (a named targetPort can resolve
 * to different numbers on different pods: one group of slices each). Within a group, existing
 * slices keep the endpoints still wanted (updated in place when their conditions change),
 * slices that changed anyway are filled up first (fullest first), leftovers go into the
 * unchanged slice that ends up closest to full, and only then into new slices of at most
 * `maxEndpointsPerSlice`. Slices no longer needed are reused for slices to create rather than
 * deleted. A Service with no endpoints at all gets one empty placeholder slice.
 *
 * Where upstream iterates Go maps (random order), this takes a fixed one: existing slices by
 * name, new endpoints by address (then pod uid), ports in the Service's order.
 */
import { addressTypesForService, compareEndpoints, endpointKey, endpointPorts, endpointsEqualBeyondKey, podToEndpoint, portMapKey } from './endpoint.js';
import { applyHints, hintMode, needsHintUpdate } from './hints.js';
import { managesEndpoints, shouldPodBeInEndpoints } from './pods.js';
import { isSamePlaceholder, newEndpointSlice, ownedBy, setTriggerTime, sliceLabels } from './slice-meta.js';
import {
  CONTROLLER_NAME,
  LABEL_MANAGED_BY,
  LABEL_SERVICE_NAME,
  type AddressType,
  type Endpoint,
  type EndpointPort,
  type EndpointSlice,
  type NodeView,
  type PodView,
  type ServiceView,
} from './types.js';

export interface DesiredSlicesOptions {
  /** `--max-endpoints-per-slice`; default 100. */
  maxEndpointsPerSlice?: number;
  /** The managed-by label value; default `endpointslice-controller.k8s.io`. */
  controllerName?: string;
  /**
   * The Node of a pod, for its zone. A pod whose Node is missing is left out (and reported in
   * `errors`, so that the sync is retried) unless the Service publishes not-ready addresses.
   * Omitted: nodes are not checked and endpoints get no zone.
   */
  nodes?: (name: string) => NodeView | undefined;
  /** The `endpoints.kubernetes.io/last-change-trigger-time` value for written slices. */
  triggerTime?: string;
  /** Accept `trafficDistribution` PreferSameZone / PreferSameNode (a feature gate upstream). */
  preferSameTrafficDistribution?: boolean;
}

/** What to write. Updates carry the existing slice's resourceVersion (reused slices: none). */
export interface SliceChanges {
  create: EndpointSlice[];
  update: EndpointSlice[];
  delete: EndpointSlice[];
  /** Pods left out because their Node is missing; the sync should be retried. */
  errors: string[];
}

interface Context {
  service: ServiceView;
  max: number;
  controllerName: string;
}

/**
 * The slices a Service should have, as changes to `existingSlices`. Only slices labelled for
 * this Service and managed by this controller are considered (others are never touched);
 * slices being deleted are ignored. Services of type ExternalName or without a selector get
 * no changes at all.
 */
export function desiredSlices(service: ServiceView, pods: readonly PodView[], existingSlices: readonly EndpointSlice[], options: DesiredSlicesOptions = {}): SliceChanges {
  const changes: SliceChanges = { create: [], update: [], delete: [], errors: [] };
  if (!managesEndpoints(service)) return changes;
  const ctx: Context = { service, max: options.maxEndpointsPerSlice ?? 100, controllerName: options.controllerName ?? CONTROLLER_NAME };
  const mine = existingSlices
    .filter(
      (s) =>
        s.metadata.namespace === service.metadata.namespace &&
        s.metadata.labels?.[LABEL_SERVICE_NAME] === service.metadata.name &&
        s.metadata.labels?.[LABEL_MANAGED_BY] === ctx.controllerName &&
        !s.metadata.deletionTimestamp,
    )
    .sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
  const types = addressTypesForService(service);
  for (const addressType of types) {
    const result = reconcileAddressType(
      ctx,
      pods,
      mine.filter((s) => s.addressType === addressType),
      addressType,
      options,
    );
    changes.create.push(...result.create);
    changes.update.push(...result.update);
    changes.delete.push(...result.delete);
    changes.errors.push(...result.errors);
  }
  // Slices of an address type the Service no longer has.
  changes.delete.push(...mine.filter((s) => !types.includes(s.addressType)));
  return changes;
}

function reconcileAddressType(ctx: Context, pods: readonly PodView[], existing: EndpointSlice[], addressType: AddressType, options: DesiredSlicesOptions): SliceChanges {
  const { service } = ctx;
  const errors: string[] = [];
  let toCreate: EndpointSlice[] = [];
  let toUpdate: EndpointSlice[] = [];
  let toDelete: EndpointSlice[] = [];

  const existingByPorts = new Map<string, EndpointSlice[]>();
  for (const slice of existing) {
    if (!ownedBy(slice, service)) {
      toDelete.push(slice);
      continue;
    }
    const key = portMapKey(slice.ports);
    existingByPorts.set(key, [...(existingByPorts.get(key) ?? []), slice]);
  }

  const desiredPorts = new Map<string, EndpointPort[]>();
  const desired = new Map<string, Endpoint[]>();
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const ports = endpointPorts(service, pod);
    const key = portMapKey(ports);
    if (!desired.has(key)) {
      desired.set(key, []);
      desiredPorts.set(key, ports);
    }
    let node: NodeView | undefined;
    if (options.nodes) {
      const nodeName = pod.spec?.nodeName ?? '';
      node = options.nodes(nodeName);
      if (!node && !service.spec?.publishNotReadyAddresses) {
        errors.push(`skipping Pod ${pod.metadata.name} for Service ${service.metadata.namespace}/${service.metadata.name}: Node ${nodeName} Not Found`);
        continue;
      }
    }
    const endpoint = podToEndpoint(pod, node, service, addressType);
    if (endpoint.addresses.length > 0) desired.get(key)!.push(endpoint);
  }

  for (const [key, endpoints] of desired) {
    const set = new Map<string, Endpoint>();
    for (const endpoint of [...endpoints].sort(compareEndpoints)) set.set(endpointKey(endpoint), endpoint);
    const result = reconcilePortMapping(ctx, existingByPorts.get(key) ?? [], set, desiredPorts.get(key)!, addressType);
    toCreate.push(...result.create);
    toUpdate.push(...result.update);
    toDelete.push(...result.delete);
  }
  for (const [key, slices] of existingByPorts) if (!desired.has(key)) toDelete.push(...slices);

  // A Service without endpoints still gets one (empty) slice.
  if (existing.length === toDelete.length && toCreate.length === 0) {
    const placeholder = newEndpointSlice(service, [], addressType, ctx.controllerName);
    if (toDelete.length === 1 && isSamePlaceholder(toDelete[0], placeholder)) toDelete = [];
    else toCreate.push(placeholder);
  }

  // Hints: set or cleared on everything written; unchanged slices with wrong hints are written too.
  const mode = hintMode(service, options);
  const changed = new Set([...toUpdate, ...toDelete].map((s) => s.metadata.name));
  for (const slice of existing) {
    if (!changed.has(slice.metadata.name) && needsHintUpdate(slice, mode)) toUpdate.push(copySlice(slice));
  }
  for (const slice of [...toCreate, ...toUpdate]) applyHints(slice, mode);

  // finalize: rather than delete one slice and create another, update the first into the second.
  for (let i = 0; i < toDelete.length && toCreate.length > 0; ) {
    const gone = toDelete[i];
    const slice = toCreate[toCreate.length - 1];
    if (gone.addressType === slice.addressType && ownedBy(gone, service)) {
      slice.metadata.name = gone.metadata.name;
      toCreate = toCreate.slice(0, -1);
      toUpdate = [...toUpdate, slice];
      toDelete = [...toDelete.slice(0, i), ...toDelete.slice(i + 1)];
    } else {
      i++;
    }
  }
  // No new slices for a Service on its way out: the garbage collector would race with us.
  if (service.metadata.deletionTimestamp) toCreate = [];
  for (const slice of [...toCreate, ...toUpdate]) setTriggerTime(slice, options.triggerTime);
  return { create: toCreate, update: toUpdate, delete: toDelete, errors };
}

/**
 * A copy of a cached slice that this module may change: it replaces metadata fields and the
 * endpoints list, and sets or deletes an endpoint's `hints`, nothing deeper; the rest stays
 * shared with the cache (read-only; writes serialise it).
 */
function copySlice(slice: EndpointSlice): EndpointSlice {
  return { ...slice, metadata: { ...slice.metadata }, endpoints: slice.endpoints ? slice.endpoints.map((e) => ({ ...e })) : slice.endpoints };
}

/** reconcileByPortMapping: the changes for one group of slices sharing the same ports. */
function reconcilePortMapping(ctx: Context, existing: EndpointSlice[], desired: Map<string, Endpoint>, ports: EndpointPort[], addressType: AddressType): Pick<SliceChanges, 'create' | 'update' | 'delete'> {
  const byName = new Map<string, EndpointSlice>();
  const unchanged = new Set<string>();
  const toUpdate = new Set<string>();
  const toDelete = new Set<string>();

  // 1. Keep the endpoints still wanted, refreshed; drop the others.
  for (const slice of existing) {
    const name = slice.metadata.name ?? '';
    byName.set(name, slice);
    const kept: Endpoint[] = [];
    let endpointUpdated = false;
    for (const endpoint of slice.endpoints ?? []) {
      const key = endpointKey(endpoint);
      const want = desired.get(key);
      if (!want) continue;
      kept.push(want);
      if (!endpointsEqualBeyondKey(want, endpoint)) endpointUpdated = true;
      desired.delete(key);
    }
    const { labels, changed } = sliceLabels(slice.metadata.labels, ctx.service, ctx.controllerName);
    if (endpointUpdated || (slice.endpoints ?? []).length !== kept.length) {
      if (kept.length === 0) {
        toDelete.add(name);
      } else {
        const copy = copySlice(slice);
        copy.endpoints = kept;
        copy.metadata.labels = labels;
        byName.set(name, copy);
        toUpdate.add(name);
      }
    } else if (changed) {
      const copy = copySlice(slice);
      copy.metadata.labels = labels;
      byName.set(name, copy);
      toUpdate.add(name);
    } else {
      unchanged.add(name);
    }
  }

  const take = (slice: EndpointSlice): void => {
    slice.endpoints ??= [];
    for (const [key, endpoint] of desired) {
      if (slice.endpoints.length >= ctx.max) break;
      slice.endpoints.push(endpoint);
      desired.delete(key);
    }
  };

  // 2. Fill the slices being updated anyway, fullest first.
  if (desired.size > 0 && toUpdate.size > 0) {
    const slices = [...toUpdate].map((n) => byName.get(n)!).sort((a, b) => (b.endpoints ?? []).length - (a.endpoints ?? []).length);
    for (const slice of slices) take(slice);
  }

  // 3. The rest: into the unchanged slice that ends closest to full, else into new slices.
  const create: EndpointSlice[] = [];
  while (desired.size > 0) {
    let fill: EndpointSlice | undefined;
    if (desired.size < ctx.max && unchanged.size > 0) {
      fill = sliceToFill([...unchanged].map((n) => byName.get(n)!), desired.size, ctx.max);
    }
    if (fill) {
      fill = copySlice(fill);
      byName.set(fill.metadata.name ?? '', fill);
    } else {
      fill = newEndpointSlice(ctx.service, ports, addressType, ctx.controllerName);
    }
    take(fill);
    if (fill.metadata.name) {
      toUpdate.add(fill.metadata.name);
      unchanged.delete(fill.metadata.name);
    } else {
      create.push(fill);
    }
  }

  return {
    create,
    update: [...toUpdate].map((n) => byName.get(n)!),
    delete: [...toDelete].map((n) => byName.get(n)!),
  };
}

/** getSliceToFill: the slice left closest to `max` after adding `count`, if any fits. */
function sliceToFill(slices: EndpointSlice[], count: number, max: number): EndpointSlice | undefined {
  let closestDiff = max;
  let closest: EndpointSlice | undefined;
  for (const slice of slices) {
    const diff = max - (count + (slice.endpoints ?? []).length);
    if (diff >= 0 && diff < closestDiff) {
      closestDiff = diff;
      closest = slice;
      if (diff === 0) break;
    }
  }
  return closest;
}
