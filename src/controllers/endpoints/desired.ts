/**
 * @module The Endpoints controller's decision as a pure function (pkg/controller/endpoint
 * syncService): the subsets a Service's pods give, and whether the Endpoints object named
 * like the Service must be created, updated, or left alone.
 *
 * Each pod with an IP (terminating pods only with publishNotReadyAddresses) contributes its
 * first IP of the Service's primary family, once per Service port its targetPort resolves for,
 * as a ready or a not-ready address (always ready with publishNotReadyAddresses); the subsets
 * are then repacked. The object carries the Service's labels plus
 * `endpoints.kubernetes.io/managed-by: endpoint-controller` (and the headless label when the
 * Service has no cluster IP), the trigger-time annotation, and is capped at 1000 addresses
 * with `endpoints.kubernetes.io/over-capacity: truncated`.
 */
import { isIPv6 } from 'node:net';
import { findPort, isPodReady, podIPs, shouldPodBeInEndpoints, shouldSetHostname } from '../endpointslice/pods.js';
import { hasClusterIP } from '../endpointslice/slice-meta.js';
import { ANNOTATION_TRIGGER_TIME, LABEL_HEADLESS, type PodView, type ServiceView } from '../endpointslice/types.js';
import { countAddresses, repackSubsets, truncateSubsets } from './repack.js';
import {
  ANNOTATION_OVER_CAPACITY,
  ENDPOINTS_CONTROLLER_NAME,
  LABEL_ENDPOINTS_MANAGED_BY,
  MAX_CAPACITY,
  type EndpointAddress,
  type EndpointSubset,
  type Endpoints,
  type EndpointsPort,
} from './types.js';

/** podToEndpointAddressForService: the pod's first IP of the Service's primary family. */
function podAddress(service: ServiceView, pod: PodView): EndpointAddress | undefined {
  let v6: boolean;
  const families = service.spec?.ipFamilies ?? [];
  if (families.length > 0) v6 = families[0] === 'IPv6';
  else if (hasClusterIP(service)) v6 = isIPv6(service.spec!.clusterIP!);
  else v6 = isIPv6(pod.status?.podIP ?? '');
  const ip = podIPs(pod).find((candidate) => isIPv6(candidate) === v6);
  if (!ip) return undefined;
  const address: EndpointAddress = { ip };
  if (shouldSetHostname(pod, service)) address.hostname = pod.spec!.hostname;
  // Upstream always points nodeName at the pod's (possibly empty) spec.nodeName; a pod with an
  // IP is always scheduled, and an empty name would fail validation, so it is left out then.
  if (pod.spec?.nodeName) address.nodeName = pod.spec.nodeName;
  address.targetRef = { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid };
  return address;
}

/** The repacked subsets for a Service and the pods its selector matches. */
export function endpointSubsets(service: ServiceView, pods: readonly PodView[]): EndpointSubset[] {
  const publishNotReady = !!service.spec?.publishNotReadyAddresses;
  const subsets: EndpointSubset[] = [];
  const add = (pod: PodView, address: EndpointAddress, port: EndpointsPort | undefined) => {
    const ports = port ? [port] : [];
    if (publishNotReady || isPodReady(pod)) subsets.push({ addresses: [address], ports });
    else subsets.push({ notReadyAddresses: [address], ports });
  };
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, publishNotReady)) continue;
    const address = podAddress(service, pod);
    if (!address) continue;
    const servicePorts = service.spec?.ports ?? [];
    if (servicePorts.length === 0) {
      // A headless Service may have no ports; its addresses are listed without any.
      if (service.spec?.clusterIP === 'None') add(pod, address, undefined);
      continue;
    }
    for (const servicePort of servicePorts) {
      const port = findPort(pod, servicePort);
      if (port === undefined) continue;
      const endpointPort: EndpointsPort = { ...(servicePort.name ? { name: servicePort.name } : {}), port, protocol: servicePort.protocol ?? 'TCP' };
      if (servicePort.appProtocol !== undefined) endpointPort.appProtocol = servicePort.appProtocol;
      add(pod, address, endpointPort);
    }
  }
  return repackSubsets(subsets);
}

/**
 * apiequality.Semantic.DeepEqual for these JSON shapes, with targetRef resourceVersions
 * ignored: missing, null, "" and empty arrays or maps all mean "unset", key order is free.
 */
function semanticEqual(a: unknown, b: unknown): boolean {
  const unset = (v: unknown) =>
    v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0);
  if (unset(a) || unset(b)) return unset(a) && unset(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => semanticEqual(x, b[i]));
  }
  if (typeof a === 'object' && typeof b === 'object') {
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
    keys.delete('resourceVersion');
    return [...keys].every((k) => semanticEqual(ra[k], rb[k]));
  }
  return a === b;
}

/**
 * labelsCorrectForEndpoints: the managed-by label is ours, and every other label but the
 * headless one mirrors the Service's labels exactly.
 */
function labelsCorrect(endpointsLabels: Record<string, string>, serviceLabels: Record<string, string>): boolean {
  if (endpointsLabels[LABEL_ENDPOINTS_MANAGED_BY] !== ENDPOINTS_CONTROLLER_NAME) return false;
  let skipped = 0;
  for (const [k, v] of Object.entries(endpointsLabels)) {
    if (k === LABEL_HEADLESS || k === LABEL_ENDPOINTS_MANAGED_BY) skipped++;
    else if (serviceLabels[k] !== v) return false;
  }
  return Object.keys(serviceLabels).length === Object.keys(endpointsLabels).length - skipped;
}

/** capacityAnnotationSetCorrectly: under capacity and without the over-capacity annotation. */
function capacityAnnotationCorrect(endpoints: Endpoints): boolean {
  if (countAddresses(endpoints.subsets) > MAX_CAPACITY) return false;
  return !Object.prototype.hasOwnProperty.call(endpoints.metadata.annotations ?? {}, ANNOTATION_OVER_CAPACITY);
}

export type EndpointsAction = { action: 'none' } | { action: 'create' | 'update'; endpoints: Endpoints };

/**
 * What to do about the Endpoints of `service`, given the current object (undefined: none).
 * Updates start from a copy of `current` (its resourceVersion included, so a stale one
 * conflicts); creates carry only name, namespace, labels and annotations besides the subsets.
 */
export function desiredEndpoints(service: ServiceView, pods: readonly PodView[], current: Endpoints | undefined, options: { triggerTime?: string } = {}): EndpointsAction {
  const subsets = endpointSubsets(service, pods);
  const serviceLabels = service.metadata.labels ?? {};
  const create = !current?.metadata.resourceVersion;
  if (
    !create &&
    semanticEqual(current!.subsets, subsets) &&
    labelsCorrect(current!.metadata.labels ?? {}, serviceLabels) &&
    capacityAnnotationCorrect(current!)
  ) {
    return { action: 'none' };
  }
  // Labels, annotations and subsets are replaced below, so a shallow copy keeps the cache intact.
  const base: Endpoints = current
    ? { ...current, metadata: { ...current.metadata } }
    : { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: service.metadata.name, namespace: service.metadata.namespace, labels: { ...serviceLabels } } };
  const labels: Record<string, string> = { ...serviceLabels, [LABEL_ENDPOINTS_MANAGED_BY]: ENDPOINTS_CONTROLLER_NAME };
  if (!hasClusterIP(service)) labels[LABEL_HEADLESS] = '';
  else delete labels[LABEL_HEADLESS];
  const annotations = { ...(base.metadata.annotations ?? {}) };
  if (options.triggerTime) annotations[ANNOTATION_TRIGGER_TIME] = options.triggerTime;
  else delete annotations[ANNOTATION_TRIGGER_TIME];
  const truncated = truncateSubsets(subsets);
  if (truncated) annotations[ANNOTATION_OVER_CAPACITY] = 'truncated';
  else delete annotations[ANNOTATION_OVER_CAPACITY];
  base.metadata.labels = labels;
  // Empty ones are left out, as Go encodes what upstream's controller writes (`omitempty`).
  if (Object.keys(annotations).length) base.metadata.annotations = annotations;
  else delete base.metadata.annotations;
  const written = truncated ?? subsets;
  if (written.length) base.subsets = written;
  else delete base.subsets;
  return { action: create ? 'create' : 'update', endpoints: base };
}
