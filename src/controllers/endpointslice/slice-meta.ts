/**
 * @module The metadata of controller-made EndpointSlices (k8s.io/endpointslice utils.go):
 * labels copied from the Service with the reserved ones set by the controller, generateName
 * `<service>-`, an owner reference to the Service, the trigger-time annotation, and the
 * comparison that keeps an existing placeholder slice instead of replacing it.
 */
import type { OwnerReference } from '../../api/types.js';
import {
  ANNOTATION_TRIGGER_TIME,
  LABEL_HEADLESS,
  LABEL_MANAGED_BY,
  LABEL_SERVICE_NAME,
  type AddressType,
  type EndpointPort,
  type EndpointSlice,
  type ServiceView,
} from './types.js';

/** Labels the controller owns; a Service's own values for them are not copied. */
const RESERVED = new Set([LABEL_SERVICE_NAME, LABEL_MANAGED_BY, LABEL_HEADLESS]);

/** isServiceIPSet: a cluster IP that is neither empty nor None. */
export function hasClusterIP(service: ServiceView): boolean {
  const ip = service.spec?.clusterIP ?? '';
  return ip !== '' && ip !== 'None';
}

function unreserved(labels: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(labels ?? {}).filter(([k]) => !RESERVED.has(k)));
}

function sameMap(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && a[k] === b[k]);
}

/**
 * setEndpointSliceLabels: the Service's labels (reserved keys dropped), the headless label
 * when the Service has no cluster IP, the service-name and managed-by labels. `changed` says
 * whether the slice's copy of the Service labels differs (reserved labels do not count).
 */
export function sliceLabels(sliceLabelsNow: Record<string, string> | undefined, service: ServiceView, controllerName: string): { labels: Record<string, string>; changed: boolean } {
  const fromService = unreserved(service.metadata.labels);
  const changed = !sameMap(unreserved(sliceLabelsNow), fromService);
  const labels: Record<string, string> = { ...fromService };
  if (!hasClusterIP(service)) labels[LABEL_HEADLESS] = '';
  labels[LABEL_SERVICE_NAME] = service.metadata.name ?? '';
  labels[LABEL_MANAGED_BY] = controllerName;
  return { labels, changed };
}

/** metav1.NewControllerRef to the Service. */
export function serviceOwnerRef(service: ServiceView): OwnerReference {
  return { apiVersion: 'v1', kind: 'Service', name: service.metadata.name ?? '', uid: service.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/** ownedBy: the slice has an owner reference to this Service (same uid). */
export function ownedBy(slice: EndpointSlice, service: ServiceView): boolean {
  return (slice.metadata.ownerReferences ?? []).some((o) => o.uid === service.metadata.uid && o.kind === 'Service' && o.apiVersion === 'v1');
}

/**
 * getEndpointSlicePrefix: `<service>-`, or the bare name when the dash would make the prefix
 * too long for a DNS subdomain (253).
 */
export function slicePrefix(serviceName: string): string {
  return serviceName.length + 1 > 253 ? serviceName : `${serviceName}-`;
}

/** newEndpointSlice: an empty slice for one address type and port mapping. */
export function newEndpointSlice(service: ServiceView, ports: EndpointPort[], addressType: AddressType, controllerName: string): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      labels: sliceLabels({}, service, controllerName).labels,
      generateName: slicePrefix(service.metadata.name ?? ''),
      namespace: service.metadata.namespace,
      ownerReferences: [serviceOwnerRef(service)],
    },
    addressType,
    endpoints: [],
    ports,
  };
}

function sameOwnerRefs(a: OwnerReference[] | undefined, b: OwnerReference[] | undefined): boolean {
  const ra = a ?? [];
  const rb = b ?? [];
  const text = (r: OwnerReference) => JSON.stringify([r.apiVersion, r.kind, r.name, r.uid, r.controller ?? null, r.blockOwnerDeletion ?? null]);
  return ra.length === rb.length && ra.every((r, i) => text(r) === text(rb[i]));
}

/**
 * placeholderSliceCompare: the existing slice is the placeholder we would create again. Of the
 * metadata only the namespace, the labels and the owner references count; no endpoints and no
 * ports (empty and missing alike).
 */
export function isSamePlaceholder(existing: EndpointSlice, placeholder: EndpointSlice): boolean {
  return (
    existing.metadata.namespace === placeholder.metadata.namespace &&
    sameMap(existing.metadata.labels ?? {}, placeholder.metadata.labels ?? {}) &&
    sameOwnerRefs(existing.metadata.ownerReferences, placeholder.metadata.ownerReferences) &&
    existing.addressType === placeholder.addressType &&
    (existing.endpoints ?? []).length === 0 &&
    (existing.ports ?? []).length === 0
  );
}

/** addTriggerTimeAnnotation: set it, or remove it when this sync has no trigger time. */
export function setTriggerTime(slice: EndpointSlice, triggerTime: string | undefined): void {
  const annotations = { ...(slice.metadata.annotations ?? {}) };
  if (triggerTime) annotations[ANNOTATION_TRIGGER_TIME] = triggerTime;
  else delete annotations[ANNOTATION_TRIGGER_TIME];
  // No empty map: the API server stores none (Go's omitempty), and the in-process client writes as given.
  if (Object.keys(annotations).length) slice.metadata.annotations = annotations;
  else delete slice.metadata.annotations;
}
