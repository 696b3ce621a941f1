/**
 * @module Topology hints on endpoints (k8s.io/endpointslice trafficdist): with the Service's
 * `trafficDistribution: PreferClose` (and, when enabled, PreferSameZone / PreferSameNode) every
 * ready endpoint gets a hint for its own zone (and node); otherwise hints are removed. The
 * topology-aware-hints annotation (`service.kubernetes.io/topology-mode: Auto`) would hand
 * hints to upstream's topology cache, which kubito does not have: such Services get none.
 */
import type { Endpoint, EndpointSlice, ServiceView } from './types.js';

const TOPOLOGY_MODE = 'service.kubernetes.io/topology-mode';
const TOPOLOGY_AWARE_HINTS = 'service.kubernetes.io/topology-aware-hints';

/** hintsEnabled: the deprecated or current topology annotation says Auto. */
function hintsEnabled(annotations: Record<string, string> | undefined): boolean {
  const value = annotations?.[TOPOLOGY_AWARE_HINTS] ?? annotations?.[TOPOLOGY_MODE];
  return value === 'Auto' || value === 'auto';
}

/** What to do with hints for this Service: none, zone hints, or zone and node hints. */
export type HintMode = 'none' | 'zone' | 'zone-and-node';

/** validTrafficDistribution + the annotation check of the reconciler. */
export function hintMode(service: ServiceView, options: { preferSameTrafficDistribution?: boolean } = {}): HintMode {
  if (hintsEnabled(service.metadata.annotations)) return 'none';
  switch (service.spec?.trafficDistribution) {
    case 'PreferClose':
      return 'zone';
    case 'PreferSameZone':
      return options.preferSameTrafficDistribution ? 'zone' : 'none';
    case 'PreferSameNode':
      return options.preferSameTrafficDistribution ? 'zone-and-node' : 'none';
    default:
      return 'none';
  }
}

function wantedHints(endpoint: Endpoint, mode: HintMode): Endpoint['hints'] {
  if (mode === 'none' || endpoint.conditions?.ready !== true) return undefined;
  const hints: NonNullable<Endpoint['hints']> = {};
  if (endpoint.zone) hints.forZones = [{ name: endpoint.zone }];
  if (mode === 'zone-and-node' && endpoint.nodeName) hints.forNodes = [{ name: endpoint.nodeName }];
  return hints.forZones || hints.forNodes ? hints : undefined;
}

/** The heuristic's needsUpdate: some endpoint's hints differ from what `mode` wants. */
export function needsHintUpdate(slice: EndpointSlice, mode: HintMode): boolean {
  for (const endpoint of slice.endpoints ?? []) {
    if (mode === 'none') {
      if (endpoint.hints) return true;
      continue;
    }
    // Not-ready endpoints are left as they are.
    if (endpoint.conditions?.ready !== true) continue;
    const want = wantedHints(endpoint, mode);
    const zones = endpoint.hints?.forZones ?? [];
    const nodes = endpoint.hints?.forNodes ?? [];
    const wantZone = want?.forZones?.[0]?.name;
    const wantNode = want?.forNodes?.[0]?.name;
    if (wantZone ? zones.length !== 1 || zones[0].name !== wantZone : zones.length > 0) return true;
    if (wantNode ? nodes.length !== 1 || nodes[0].name !== wantNode : nodes.length > 0) return true;
  }
  return false;
}

/** The heuristic's update, in place: set (or clear) the hints `mode` wants. */
export function applyHints(slice: EndpointSlice, mode: HintMode): void {
  for (const endpoint of slice.endpoints ?? []) {
    if (mode !== 'none' && endpoint.conditions?.ready !== true) continue;
    const want = wantedHints(endpoint, mode);
    if (want) endpoint.hints = want;
    else delete endpoint.hints;
  }
}
