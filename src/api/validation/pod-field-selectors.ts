/**
 * @module The downward API selectors an env var and a downwardAPI volume file share, with
 * kube-apiserver 1.33's paths and texts (pkg/apis/core/validation/validation.go:
 * validateObjectFieldSelector, validateContainerResourceFieldSelector,
 * validateContainerResourceDivisor; pods.ConvertDownwardAPIFieldLabel's errors).
 */
import type { FieldError } from '../errors.js';
import { type Obj, isSet, strOf } from './json-view.js';
import { child, invalid, notSupported, required } from './field-errors.js';
import { validateQualifiedName } from './name-fields.js';
import { canonicalQuantity, parseQuantity } from './quantity.js';

/** The paths an env var's fieldRef may name (validEnvDownwardAPIFieldPathExpressions, sorted). */
export const ENV_FIELD_PATHS: readonly string[] = [
  'metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs',
];

/** The paths a downwardAPI volume file's fieldRef may name (validVolumeDownwardAPIFieldPathExpressions, sorted). */
export const VOLUME_FIELD_PATHS: readonly string[] = ['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid'];

/** The labels pods.ConvertDownwardAPIFieldLabel accepts for v1. */
const CONVERTIBLE_FIELD_LABELS = new Set([
  'metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.restartPolicy',
  'spec.serviceAccountName', 'spec.schedulerName', 'status.phase', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs',
]);

/** fieldpath.SplitMaybeSubscriptedPath: `metadata.labels['k']` → [`metadata.labels`, `k`]. */
function splitSubscript(fieldPath: string): [string, string] | undefined {
  if (!fieldPath.endsWith("']")) return undefined;
  const s = fieldPath.slice(0, -2);
  const at = s.indexOf("['");
  if (at <= 0) return undefined;
  return [s.slice(0, at), s.slice(at + 2)];
}

/** validateObjectFieldSelector: apiVersion and fieldPath required, convertible, and one of `expressions`. */
export function validateObjectFieldSelector(ref: Obj, expressions: readonly string[], path: string): FieldError[] {
  const apiVersion = strOf(ref.apiVersion);
  const fieldPath = strOf(ref.fieldPath);
  if (apiVersion.length === 0) return [required(child(path, 'apiVersion'))];
  if (fieldPath.length === 0) return [required(child(path, 'fieldPath'))];
  const sub = splitSubscript(fieldPath);
  let conversionError: string | undefined;
  if (apiVersion !== 'v1') conversionError = `unsupported pod version: ${apiVersion}`;
  else if (sub) {
    if (sub[0] !== 'metadata.annotations' && sub[0] !== 'metadata.labels') conversionError = `field label does not support subscript: ${fieldPath}`;
  } else if (fieldPath === 'spec.host') {
    // Converted to spec.nodeName.
  } else if (!CONVERTIBLE_FIELD_LABELS.has(fieldPath)) conversionError = `field label not supported: ${fieldPath}`;
  if (conversionError) return [invalid(child(path, 'fieldPath'), fieldPath, `error converting fieldPath: ${conversionError}`)];
  if (sub) {
    if (sub[0] === 'metadata.annotations') return validateQualifiedName(sub[1].toLowerCase(), path);
    return validateQualifiedName(sub[1], path);
  }
  const internal = fieldPath === 'spec.host' ? 'spec.nodeName' : fieldPath;
  if (!expressions.includes(internal)) return [notSupported(child(path, 'fieldPath'), internal, expressions)];
  return [];
}

/** validContainerResourceFieldPathExpressions, sorted. */
const RESOURCE_FIELD_PATHS = ['limits.cpu', 'limits.ephemeral-storage', 'limits.memory', 'requests.cpu', 'requests.ephemeral-storage', 'requests.memory'];
const HUGEPAGES_PREFIXES = ['limits.hugepages-', 'requests.hugepages-'];

const BYTE_DIVISORS = new Set(['1', '1k', '1M', '1G', '1T', '1P', '1E', '1Ki', '1Mi', '1Gi', '1Ti', '1Pi', '1Ei']);
const BYTE_DIVISOR_LIST = '1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei';

/** validateContainerResourceDivisor: a set divisor (not zero) must be one the resource allows, by its String(). */
function validateDivisor(resource: string, divisor: unknown, path: string): FieldError[] {
  if (!isSet(divisor)) return [];
  const q = parseQuantity(divisor);
  if (!q || q.nanos === 0n) return [];
  const text = canonicalQuantity(q);
  const errs: FieldError[] = [];
  const p = child(path, 'divisor');
  if (resource === 'limits.cpu' || resource === 'requests.cpu') {
    if (text !== '1m' && text !== '1') errs.push(invalid(p, resource, "only divisor's values 1m and 1 are supported with the cpu resource"));
  } else if (resource === 'limits.memory' || resource === 'requests.memory') {
    if (!BYTE_DIVISORS.has(text)) errs.push(invalid(p, resource, `only divisor's values ${BYTE_DIVISOR_LIST} are supported with the memory resource`));
  } else if (resource === 'limits.ephemeral-storage' || resource === 'requests.ephemeral-storage') {
    if (!BYTE_DIVISORS.has(text)) errs.push(invalid(p, resource, `only divisor's values ${BYTE_DIVISOR_LIST} are supported with the local ephemeral storage resource`));
  }
  if (HUGEPAGES_PREFIXES.some((prefix) => resource.startsWith(prefix)) && !BYTE_DIVISORS.has(text)) {
    errs.push(invalid(p, resource, `only divisor's values ${BYTE_DIVISOR_LIST} are supported with the hugepages resource`));
  }
  return errs;
}

/**
 * validateContainerResourceFieldSelector: a volume file's selector needs its containerName,
 * then the resource (a listed one or a hugepages one), then the divisor.
 */
export function validateResourceFieldSelector(ref: Obj, path: string, volume: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const resource = strOf(ref.resource);
  if (volume && strOf(ref.containerName).length === 0) errs.push(required(child(path, 'containerName')));
  else if (resource.length === 0) errs.push(required(child(path, 'resource')));
  else if (!RESOURCE_FIELD_PATHS.includes(resource) && !HUGEPAGES_PREFIXES.some((prefix) => resource.startsWith(prefix))) {
    errs.push(notSupported(child(path, 'resource'), resource, RESOURCE_FIELD_PATHS));
  }
  errs.push(...validateDivisor(resource, ref.divisor, path));
  return errs;
}
