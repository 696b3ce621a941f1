/**
 * @module A pod's affinity, validated as kube-apiserver 1.33's validateAffinity
 * (pkg/apis/core/validation/validation.go: validateNodeAffinity, ValidateNodeSelector,
 * ValidateNodeSelectorRequirement, ValidateNodeFieldSelectorRequirement,
 * ValidatePreferredSchedulingTerms, validatePodAffinity / validatePodAntiAffinity,
 * validatePodAffinityTerm, validateWeightedPodAffinityTerms) with its paths and texts.
 * matchLabelKeys / mismatchLabelKeys are not checked (kubito does not merge them either).
 */
import type { FieldError } from '../errors.js';
import { validateLabelSelector, type LabelSelector } from '../selectors/structured.js';
import { child, forbidden, index, invalid, required } from './field-errors.js';
import { isObj, listOf, numOf, objOf, strOf, type Obj } from './json-view.js';
import { validateDNS1123Label } from './name-fields.js';
import { isDNS1123Subdomain } from './names.js';
import { validateLabelName } from './object-meta.js';

function nodeSelectorRequirement(rq: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const values = listOf(rq.values);
  const op = strOf(rq.operator);
  switch (op) {
    case 'In':
    case 'NotIn':
      if (!values.length) errs.push(required(child(path, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length) errs.push(forbidden(child(path, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1) errs.push(required(child(path, 'values'), "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      break;
    default:
      errs.push(invalid(child(path, 'operator'), op, 'not a valid selector operator'));
  }
  errs.push(...validateLabelName(strOf(rq.key), child(path, 'key')));
  return errs;
}

function nodeFieldSelectorRequirement(rq: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const values = listOf(rq.values);
  const op = strOf(rq.operator);
  if (op === 'In' || op === 'NotIn') {
    if (values.length !== 1) errs.push(required(child(path, 'values'), "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
  } else {
    errs.push(invalid(child(path, 'operator'), op, 'not a valid selector operator'));
  }
  if (strOf(rq.key) !== 'metadata.name') errs.push(invalid(child(path, 'key'), strOf(rq.key), 'not a valid field selector key'));
  else values.forEach((v, i) => errs.push(...isDNS1123Subdomain(String(v)).map((m) => invalid(index(child(path, 'values'), i), String(v), m))));
  return errs;
}

function nodeSelectorTerm(term: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  listOf(term.matchExpressions).forEach((rq, j) => errs.push(...nodeSelectorRequirement(objOf(rq), index(child(path, 'matchExpressions'), j))));
  listOf(term.matchFields).forEach((rq, j) => errs.push(...nodeFieldSelectorRequirement(objOf(rq), index(child(path, 'matchFields'), j))));
  return errs;
}

function weight(w: Obj, path: string): FieldError[] {
  const n = numOf(w.weight) ?? 0;
  return n <= 0 || n > 100 ? [invalid(child(path, 'weight'), n, 'must be in the range 1-100')] : [];
}

function podAffinityTerm(term: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateLabelSelector(term.labelSelector as LabelSelector | undefined, child(path, 'labelSelector')));
  errs.push(...validateLabelSelector(term.namespaceSelector as LabelSelector | undefined, child(path, 'namespaceSelector')));
  // Upstream's path names the field "namespace" (singular).
  for (const ns of listOf(term.namespaces)) errs.push(...validateDNS1123Label(String(ns), child(path, 'namespace')));
  const topologyKey = strOf(term.topologyKey);
  if (!topologyKey) errs.push(required(child(path, 'topologyKey'), 'can not be empty'));
  errs.push(...validateLabelName(topologyKey, child(path, 'topologyKey')));
  return errs;
}

function podAffinity(pa: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  listOf(pa.requiredDuringSchedulingIgnoredDuringExecution).forEach((t, i) => errs.push(...podAffinityTerm(objOf(t), index(child(path, 'requiredDuringSchedulingIgnoredDuringExecution'), i))));
  listOf(pa.preferredDuringSchedulingIgnoredDuringExecution).forEach((w, i) => {
    const at = index(child(path, 'preferredDuringSchedulingIgnoredDuringExecution'), i);
    errs.push(...weight(objOf(w), at), ...podAffinityTerm(objOf(objOf(w).podAffinityTerm), child(at, 'podAffinityTerm')));
  });
  return errs;
}

/** validateAffinity. */
export function validateAffinity(affinity: unknown, path: string): FieldError[] {
  if (!isObj(affinity)) return [];
  const errs: FieldError[] = [];
  const na = affinity.nodeAffinity;
  if (isObj(na)) {
    const at = child(path, 'nodeAffinity');
    const requiredTerms = na.requiredDuringSchedulingIgnoredDuringExecution;
    if (isObj(requiredTerms)) {
      const termsPath = child(child(at, 'requiredDuringSchedulingIgnoredDuringExecution'), 'nodeSelectorTerms');
      const terms = listOf(requiredTerms.nodeSelectorTerms);
      if (!terms.length) errs.push(required(termsPath, 'must have at least one node selector term'));
      else terms.forEach((t, i) => errs.push(...nodeSelectorTerm(objOf(t), index(termsPath, i))));
    }
    listOf(na.preferredDuringSchedulingIgnoredDuringExecution).forEach((p, i) => {
      const pAt = index(child(at, 'preferredDuringSchedulingIgnoredDuringExecution'), i);
      errs.push(...weight(objOf(p), pAt), ...nodeSelectorTerm(objOf(objOf(p).preference), child(pAt, 'preference')));
    });
  }
  if (isObj(affinity.podAffinity)) errs.push(...podAffinity(affinity.podAffinity, child(path, 'podAffinity')));
  if (isObj(affinity.podAntiAffinity)) errs.push(...podAffinity(affinity.podAntiAffinity, child(path, 'podAntiAffinity')));
  return errs;
}
