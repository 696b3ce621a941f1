/**
 * @module Which fields each resource can be selected by, as kube-apiserver 1.33 defines it in
 * two places that do not quite agree:
 *
 * - the field label conversion funcs (pkg/apis/{core,events}/v1 conversion.go), which decide
 *   what a `fieldSelector` may name; anything else is a 400 BadRequest, with
 *   `field label not supported: <f>` for kinds that register a func and
 *   `"<f>" is not a known field selector: only "metadata.name", "metadata.namespace"`
 *   (runtime.DefaultMetaV1FieldSelectorConversion) for the others;
 * - the registries' GetAttrs (ToSelectableFields), which give each object's values.
 *
 * Mismatches are kept: Pod `status.podIPs` is accepted but has no value (so it reads as "");
 * ReplicaSet `status.replicas` has a value but is rejected (kubernetes/kubernetes#135136);
 * Nodes and Namespaces reject `metadata.namespace`; events.k8s.io maps `regarding.*` and
 * `reportingController` onto the core names. The same rules apply to list and watch.
 */
import { newBadRequest } from '../errors.js';
import type { ResourceInfo } from '../resources.js';
import type { KubeObject } from '../types.js';
import { goQuote } from '../validation/go-format.js';
import { type FieldSelector, type FieldTerm, parseFieldSelector } from './fields.js';

type ResourceRef = Pick<ResourceInfo, 'group' | 'resource' | 'namespaced'>;

/**
 * A kind's field label conversion func, as data: the labels it accepts unchanged and the
 * ones it renames to an internal field. Anything else: `field label not supported: <f>`.
 */
interface FieldLabelRules {
  readonly accepted: readonly string[];
  readonly renamed?: Readonly<Record<string, string>>;
}

const EVENT_FIELDS = [
  'involvedObject.kind',
  'involvedObject.namespace',
  'involvedObject.name',
  'involvedObject.uid',
  'involvedObject.apiVersion',
  'involvedObject.resourceVersion',
  'involvedObject.fieldPath',
  'reason',
  'reportingComponent',
  'source',
  'type',
  'metadata.namespace',
  'metadata.name',
];

/** Conversion funcs per `group/resource`; the others use DefaultMetaV1FieldSelectorConversion. */
export const FIELD_LABEL_RULES: Readonly<Record<string, FieldLabelRules>> = {
  '/pods': {
    accepted: [
      'metadata.name',
      'metadata.namespace',
      'spec.nodeName',
      'spec.restartPolicy',
      'spec.schedulerName',
      'spec.serviceAccountName',
      'spec.hostNetwork',
      'status.phase',
      'status.podIP',
      'status.podIPs',
      'status.nominatedNodeName',
    ],
    // Old v1 clients send spec.host.
    renamed: { 'spec.host': 'spec.nodeName' },
  },
  '/nodes': { accepted: ['metadata.name', 'spec.unschedulable'] },
  '/events': { accepted: EVENT_FIELDS },
  '/namespaces': { accepted: ['status.phase', 'metadata.name'] },
  '/secrets': { accepted: ['type', 'metadata.namespace', 'metadata.name'] },
  '/services': { accepted: ['metadata.namespace', 'metadata.name', 'spec.clusterIP', 'spec.type'] },
  // events.k8s.io/v1 names mapped onto the core Event's selectable fields.
  'events.k8s.io/events': {
    accepted: ['reason', 'source', 'type', 'metadata.namespace', 'metadata.name'],
    renamed: {
      'regarding.kind': 'involvedObject.kind',
      'regarding.namespace': 'involvedObject.namespace',
      'regarding.name': 'involvedObject.name',
      'regarding.uid': 'involvedObject.uid',
      'regarding.apiVersion': 'involvedObject.apiVersion',
      'regarding.resourceVersion': 'involvedObject.resourceVersion',
      'regarding.fieldPath': 'involvedObject.fieldPath',
      reportingController: 'reportingComponent',
    },
  },
};

const DEFAULT_LABELS = ['metadata.name', 'metadata.namespace'];

/** The internal field for `label`, or upstream's error text. */
function convertLabel(resource: ResourceRef, label: string): { field: string } | { error: string } {
  const rules = FIELD_LABEL_RULES[`${resource.group}/${resource.resource}`];
  if (!rules) {
    if (DEFAULT_LABELS.includes(label)) return { field: label };
    return { error: `${goQuote(label)} is not a known field selector: only "metadata.name", "metadata.namespace"` };
  }
  if (rules.accepted.includes(label)) return { field: label };
  if (rules.renamed && Object.prototype.hasOwnProperty.call(rules.renamed, label)) return { field: rules.renamed[label] };
  return { error: `field label not supported: ${label}` };
}

/**
 * Selector.Transform with the resource's conversion func, as the list/watch handler runs it:
 * each term's field renamed to the internal name, terms in order; the first unsupported
 * field is a 400 BadRequest with upstream's message.
 */
export function convertFieldSelector(resource: ResourceRef, selector: FieldSelector): FieldSelector {
  const terms: FieldTerm[] = selector.terms.map((term) => {
    const result = convertLabel(resource, term.field);
    if ('error' in result) throw newBadRequest(result.error);
    return { ...term, field: result.field };
  });
  return { terms };
}

/** parseFieldSelector then convertFieldSelector: a list/watch `fieldSelector` parameter, ready to match. */
export function fieldSelectorFor(resource: ResourceRef, selector: string): FieldSelector {
  return convertFieldSelector(resource, parseFieldSelector(selector));
}

/** The field names a resource's `fieldSelector` may use. */
export function supportedFieldLabels(resource: ResourceRef): string[] {
  const rules = FIELD_LABEL_RULES[`${resource.group}/${resource.resource}`];
  if (!rules) return [...DEFAULT_LABELS];
  return [...rules.accepted, ...Object.keys(rules.renamed ?? {})];
}

type Json = Record<string, unknown>;

function obj(value: unknown): Json {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** generic.ObjectMetaFieldsSet: name, and namespace for namespaced kinds. */
function metaFields(resource: ResourceRef, o: KubeObject): Record<string, string> {
  const fields: Record<string, string> = { 'metadata.name': o.metadata?.name ?? '' };
  if (resource.namespaced) fields['metadata.namespace'] = o.metadata?.namespace ?? '';
  return fields;
}

function podFields(o: KubeObject): Record<string, string> {
  const spec = obj(o.spec);
  const status = obj(o.status);
  const podIPs = Array.isArray(status.podIPs) ? status.podIPs : [];
  // v1 → internal conversion: podIP wins when set, else the first podIPs entry.
  const podIP = str(status.podIP) || str(obj(podIPs[0]).ip);
  return {
    'spec.nodeName': str(spec.nodeName),
    'spec.restartPolicy': str(spec.restartPolicy),
    'spec.schedulerName': str(spec.schedulerName),
    'spec.serviceAccountName': str(spec.serviceAccountName),
    'spec.hostNetwork': String(spec.hostNetwork === true),
    'status.phase': str(status.phase),
    'status.podIP': podIP,
    'status.nominatedNodeName': str(status.nominatedNodeName),
  };
}

/** EventToSelectableFields over either wire form (core/v1 or events.k8s.io/v1). */
function eventFields(o: KubeObject, eventsV1: boolean): Record<string, string> {
  const ref = obj(eventsV1 ? o.regarding : o.involvedObject);
  const reportingController = str(eventsV1 ? o.reportingController : o.reportingComponent);
  const component = str(obj(eventsV1 ? o.deprecatedSource : o.source).component);
  return {
    'involvedObject.kind': str(ref.kind),
    'involvedObject.namespace': str(ref.namespace),
    'involvedObject.name': str(ref.name),
    'involvedObject.uid': str(ref.uid),
    'involvedObject.apiVersion': str(ref.apiVersion),
    'involvedObject.resourceVersion': str(ref.resourceVersion),
    'involvedObject.fieldPath': str(ref.fieldPath),
    reason: str(o.reason),
    reportingComponent: reportingController,
    source: component || reportingController,
    type: str(o.type),
  };
}

function kindFields(key: string, o: KubeObject): Record<string, string> {
  switch (key) {
    case '/pods':
      return podFields(o);
    case '/nodes':
      return { 'spec.unschedulable': String(obj(o.spec).unschedulable === true) };
    case '/namespaces':
      // "name" is an upstream bug kept for compatibility; the conversion func rejects it anyway.
      return { 'status.phase': str(obj(o.status).phase), name: o.metadata?.name ?? '' };
    case '/secrets':
      return { type: str(o.type) };
    case '/services':
      return { 'spec.clusterIP': str(obj(o.spec).clusterIP), 'spec.type': str(obj(o.spec).type) };
    case '/events':
      return eventFields(o, false);
    case 'events.k8s.io/events':
      return eventFields(o, true);
    case 'apps/replicasets': {
      const replicas = obj(o.status).replicas;
      return { 'status.replicas': String(typeof replicas === 'number' ? Math.trunc(replicas) : 0) };
    }
    default:
      return {};
  }
}

/**
 * The attribute set GetAttrs gives an object of this resource: metadata.name (and
 * metadata.namespace when namespaced) plus the kind's fields, under their internal names.
 * Match converted selectors against it with `matchesFields`.
 */
export function fieldsFor(resource: ResourceRef, o: KubeObject): Record<string, string> {
  return { ...kindFields(`${resource.group}/${resource.resource}`, o), ...metaFields(resource, o) };
}
