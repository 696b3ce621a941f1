/**
 * @module Which pods a Service selects and which Services select a pod, answered from informer
 * indexes so the work follows the change, not the namespace's size. Upstream lists every pod
 * (or Service) of the namespace and matches each; with 1,000 Services x 3,000 pods that was
 * most of the endpoint controllers' CPU per change. The answers are the same: a Service's
 * selector is a set of `key=value` requirements, and an object matching it carries every one
 * of those labels, so the candidates under any one of them hold all matches.
 *
 * Pods are indexed under every `key=value` label they carry (`POD_LABEL_INDEX`); Services
 * under one requirement of their selector, the least key (`SERVICE_SELECTOR_INDEX`). Both
 * controllers register the same IndexFunc instances with the shared informers.
 */
import type { IndexFunc, ObjectCache } from '../../client/index.js';
import { hasSelector } from './pods.js';
import type { PodView, ServiceView } from './types.js';

/** Pods by `namespace␤key=value`, one entry per label. */
export const POD_LABEL_INDEX = 'kubito.endpoints/pod-labels';
/** Services with a selector by `namespace␤key=value` of their selector's least key. */
export const SERVICE_SELECTOR_INDEX = 'kubito.endpoints/service-selector';

// A newline is in no namespace, label key or value, so the index values are unambiguous.
function term(namespace: string, key: string, value: string): string {
  return `${namespace}\n${key}=${value}`;
}

/** The IndexFunc behind POD_LABEL_INDEX (share this instance). */
export const podLabelIndex: IndexFunc = (obj) => {
  const namespace = obj.metadata.namespace ?? '';
  const labels = obj.metadata.labels;
  if (!labels) return [];
  return Object.keys(labels).map((k) => term(namespace, k, labels[k]));
};

/** The IndexFunc behind SERVICE_SELECTOR_INDEX (share this instance). */
export const serviceSelectorIndex: IndexFunc = (obj) => {
  const selector = (obj as ServiceView).spec?.selector;
  if (!selector) return [];
  let least: string | undefined;
  for (const k of Object.keys(selector)) if (least === undefined || k < least) least = k;
  return least === undefined ? [] : [term(obj.metadata.namespace ?? '', least, selector[least])];
};

/** labels.SelectorFromSet(selector).Matches(labels): every requirement is present and equal. */
export function selectsLabels(selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>> | undefined): boolean {
  if (!labels) return Object.keys(selector).length === 0;
  for (const k of Object.keys(selector)) {
    if (!Object.prototype.hasOwnProperty.call(labels, k) || labels[k] !== selector[k]) return false;
  }
  return true;
}

/**
 * The pods of the Service's namespace its selector matches, from a pod cache with
 * POD_LABEL_INDEX: the smallest bucket among the selector's requirements, filtered.
 * No selector selects nothing here (callers skip such Services).
 */
export function podsSelectedBy(pods: ObjectCache<PodView>, service: ServiceView): PodView[] {
  const selector = service.spec?.selector;
  if (!selector || !hasSelector(service)) return [];
  const namespace = service.metadata.namespace ?? '';
  let best: PodView[] | undefined;
  for (const k of Object.keys(selector)) {
    const bucket = pods.byIndex(POD_LABEL_INDEX, term(namespace, k, selector[k]));
    if (best === undefined || bucket.length < best.length) best = bucket;
    if (best.length === 0) return best;
  }
  return best!.filter((p) => selectsLabels(selector, p.metadata.labels));
}

/** Which Services (`namespace/name` keys) in `namespace` select pods with `labels`. */
export type ServicesFor = (namespace: string, labels: Record<string, string> | undefined) => Set<string>;

/** ServicesFor over a Service cache with SERVICE_SELECTOR_INDEX: one lookup per pod label. */
export function servicesFromIndex(services: ObjectCache<ServiceView>): ServicesFor {
  return (namespace, labels) => {
    const keys = new Set<string>();
    if (!labels) return keys;
    for (const k of Object.keys(labels)) {
      for (const service of services.byIndex(SERVICE_SELECTOR_INDEX, term(namespace, k, labels[k]))) {
        if (hasSelector(service) && selectsLabels(service.spec!.selector!, labels)) keys.add(`${namespace}/${service.metadata.name}`);
      }
    }
    return keys;
  };
}
