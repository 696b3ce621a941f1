/**
 * @module Which metadata rules each served resource gets, in one table, and the passes
 * kube-apiserver (1.33) runs around a write:
 *
 * - create: the kind's strategy validates metadata with its own name rule (plus, for core,
 *   apps and discovery kinds, the legacy finalizer check); only if the whole strategy
 *   validation passes does the generic pass (rest.BeforeCreate) validate metadata again with
 *   path-segment names. Two `newInvalid`s, never merged.
 * - update: the generic pass (rest.validateCommonFields: path-segment metadata + update rules)
 *   and then the kind's update validation, merged into one `newInvalid`.
 *
 * core/v1 Events are the exception: their strategy checks no metadata at all (only that
 * `namespace` is a DNS subdomain); events.k8s.io/v1 Events get the strict rules.
 */
import { newBadRequest } from '../errors.js';
import type { FieldError } from '../errors.js';
import type { ResourceInfo } from '../resources.js';
import type { ObjectMeta } from '../types.js';
import { invalid } from './field-errors.js';
import {
  isDNS1123Subdomain,
  nameIsDNS1035Label,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  type NameValidator,
  validatePathSegmentName,
} from './names.js';
import { validateKubeFinalizers, validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';

/** The name formats upstream uses. */
export type NameFormat = 'dns1123-subdomain' | 'dns1123-label' | 'dns1035-label' | 'path-segment';

/**
 * Which ObjectMeta validation a kind's strategy runs: `core` is pkg/apis/core/validation's
 * (apimachinery's plus the legacy finalizer check), `apimachinery` the plain one, `legacy-event`
 * none but the namespace check of core/v1 Events.
 */
export type StrategyMeta = 'core' | 'apimachinery' | 'legacy-event';

export interface MetaRules {
  nameFormat: NameFormat;
  strategyMeta: StrategyMeta;
}

const NAME_FUNCS: Record<NameFormat, NameValidator> = {
  'dns1123-subdomain': nameIsDNSSubdomain,
  'dns1123-label': nameIsDNSLabel,
  'dns1035-label': nameIsDNS1035Label,
  'path-segment': validatePathSegmentName,
};

/**
 * The rules per `group/resource`, as 1.33's validation packages set them:
 * ValidateConfigMapName, ValidateEndpointsName, ValidateNodeName, ValidatePodName,
 * ValidateSecretName, ValidateServiceAccountName, ValidateDeploymentName,
 * ValidateReplicaSetName, ValidateEndpointSliceName, ValidateLeaseName are DNS subdomains;
 * ValidateNamespaceName a DNS-1123 label; ValidateServiceName a DNS-1035 label.
 */
export const META_RULES: Readonly<Record<string, MetaRules>> = {
  '/configmaps': { nameFormat: 'dns1123-subdomain', strategyMeta: 'core' },
  '/endpoints': { nameFormat: 'dns1123-subdomain', strategyMeta: 'core' },
  '/events': { nameFormat: 'path-segment', strategyMeta: 'legacy-event' },
  '/namespaces': { nameFormat: 'dns1123-label', strategyMeta: 'core' },
  '/nodes': { nameFormat: 'dns1123-subdomain', strategyMeta: 'core' },
  '/pods': { nameFormat: 'dns1123-subdomain', strategyMeta: 'core' },
  '/secrets': { nameFormat: 'dns1123-subdomain', strategyMeta: 'core' },
  '/serviceaccounts': { nameFormat: 'dns1123-subdomain', strategyMeta: 'core' },
  '/services': { nameFormat: 'dns1035-label', strategyMeta: 'core' },
  'apps/deployments': { nameFormat: 'dns1123-subdomain', strategyMeta: 'core' },
  'apps/replicasets': { nameFormat: 'dns1123-subdomain', strategyMeta: 'core' },
  'discovery.k8s.io/endpointslices': { nameFormat: 'dns1123-subdomain', strategyMeta: 'core' },
  'coordination.k8s.io/leases': { nameFormat: 'dns1123-subdomain', strategyMeta: 'apimachinery' },
  'apiextensions.k8s.io/customresourcedefinitions': { nameFormat: 'dns1123-subdomain', strategyMeta: 'apimachinery' },
  'events.k8s.io/events': { nameFormat: 'dns1123-subdomain', strategyMeta: 'core' },
};

/** Custom resources (apiextensions) validate names as DNS subdomains with the plain rules. */
const DEFAULT_RULES: MetaRules = { nameFormat: 'dns1123-subdomain', strategyMeta: 'apimachinery' };

type ResourceRef = Pick<ResourceInfo, 'group' | 'resource' | 'namespaced'>;

/** The metadata rules of a resource (custom resources' for one not in the table). */
export function metaRulesFor(resource: ResourceRef): MetaRules {
  return META_RULES[`${resource.group}/${resource.resource}`] ?? DEFAULT_RULES;
}

/** The name rule upstream's strategy applies to this resource's `metadata.name`. */
export function nameValidatorFor(resource: ResourceRef): NameValidator {
  return NAME_FUNCS[metaRulesFor(resource).nameFormat];
}

/**
 * The metadata part of the kind's `strategy.Validate` on create. The strategy adds its spec
 * errors after these; if any error results, the create fails before `validateGenericCreate`.
 */
export function validateStrategyCreate(meta: ObjectMeta, resource: ResourceRef): FieldError[] {
  const rules = metaRulesFor(resource);
  if (rules.strategyMeta === 'legacy-event') {
    return isDNS1123Subdomain(meta.namespace ?? '').map((msg) => invalid('namespace', meta.namespace ?? '', msg));
  }
  const errs = validateObjectMeta(meta, { namespaced: resource.namespaced, nameFn: NAME_FUNCS[rules.nameFormat] });
  if (rules.strategyMeta === 'core') errs.push(...validateKubeFinalizers(meta.finalizers, 'metadata.finalizers'));
  return errs;
}

/** rest.BeforeCreate's second pass: every kind's metadata with path-segment names. */
export function validateGenericCreate(meta: ObjectMeta, resource: ResourceRef): FieldError[] {
  return validateObjectMeta(meta, { namespaced: resource.namespaced, nameFn: validatePathSegmentName });
}

/** The metadata part of the kind's `strategy.ValidateUpdate` (ValidateObjectMetaUpdate). */
export function validateStrategyUpdate(next: ObjectMeta, prev: ObjectMeta, resource: ResourceRef): FieldError[] {
  const rules = metaRulesFor(resource);
  if (rules.strategyMeta === 'legacy-event') {
    return isDNS1123Subdomain(next.namespace ?? '').map((msg) => invalid('namespace', next.namespace ?? '', msg));
  }
  const errs = validateObjectMetaUpdate(next, prev);
  if (rules.strategyMeta === 'core') errs.push(...validateKubeFinalizers(next.finalizers, 'metadata.finalizers'));
  return errs;
}

/**
 * rest.validateCommonFields, run on every update before the kind's own validation: generic
 * metadata (path-segment names) and the update rules. The kind's errors are appended to
 * these, so some appear twice in `causes`; the message text drops repeats.
 */
export function validateGenericUpdate(next: ObjectMeta, prev: ObjectMeta, resource: ResourceRef): FieldError[] {
  return [...validateGenericCreate(next, resource), ...validateObjectMetaUpdate(next, prev)];
}

/** rest.EnsureObjectNamespaceMatchesRequestNamespace's message. */
export const NAMESPACE_MISMATCH = 'the namespace of the provided object does not match the namespace sent on the request';

/**
 * The namespace an object ends up with, given the request's (`''` for cluster-scoped URLs):
 * a cluster-scoped kind loses any namespace, an empty one takes the request's, a different
 * one is a 400 BadRequest.
 */
export function reconcileNamespace(objectNamespace: string | undefined, opts: { requestNamespace: string; namespaced: boolean }): string {
  const expected = opts.namespaced ? opts.requestNamespace : '';
  const actual = objectNamespace ?? '';
  if (actual === expected || actual === '' || expected === '') return expected;
  throw newBadRequest(NAMESPACE_MISMATCH);
}
