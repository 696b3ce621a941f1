/**
 * @module Deployment and ReplicaSet spec validation with kube-apiserver 1.33's field paths,
 * error types and texts, in upstream's order (pkg/apis/apps/validation/validation.go:
 * ValidateDeploymentSpec, ValidateDeploymentStrategy, ValidateRollingUpdateDeployment,
 * ValidateReplicaSetSpec, ValidatePodTemplateSpecForReplicaSet; the registry strategies'
 * apps/v1 selector immutability). Bad values print as Go's `%#v` of the internal types
 * (`v1.LabelSelector{...}`, `intstr.IntOrString{...}`, `map[string]string{...}`).
 */
import type { FieldError } from '../errors.js';
import { isObj, isSet, numOf, type Obj, objOf } from './json-view.js';
import { type LabelSelector, selectorFromLabelSelector, validateLabelSelector } from '../selectors/structured.js';
import { isEmptySelector, matches, type Selector } from '../selectors/labels.js';
import { child, forbidden, goRendered, invalid, notSupported, required } from './field-errors.js';
import { goPointer, goQuote, goStringMap, goStruct } from './go-format.js';
import { regexError } from './names.js';
import { FIELD_IMMUTABLE } from './object-meta.js';
import { validateNonnegative, validatePodTemplateSpec } from './pod-spec.js';
import { goLabelSelector } from './go-label-selector.js';

export { goLabelSelector };
import { semanticEqual } from './semantic.js';

/** `%#v` of an intstr.IntOrString as JSON carried it (a number is Type 0, a string Type 1). */
export function goIntOrString(v: unknown): string {
  if (typeof v === 'string') return `intstr.IntOrString{Type:1, IntVal:0, StrVal:${goQuote(v)}}`;
  return `intstr.IntOrString{Type:0, IntVal:${numOf(v)}, StrVal:""}`;
}

/** The label map a template carries, or null (a nil map) when absent. */
function labelsOf(template: Obj): Record<string, string> | null {
  const labels = objOf(template.metadata).labels;
  return isObj(labels) ? (labels as Record<string, string>) : null;
}

/** metav1.LabelSelectorAsSelector, or undefined where it fails. */
function asSelector(ls: LabelSelector | null): Selector | undefined {
  try {
    return selectorFromLabelSelector(ls);
  } catch {
    return undefined;
  }
}

/**
 * ValidatePodTemplateSpecForReplicaSet: the selector matches the template's labels, the
 * template is a valid pod template, restartPolicy is Always and there is no
 * activeDeadlineSeconds.
 */
function validateTemplateForReplicaSet(template: Obj, selector: Selector, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const labels = labelsOf(template);
  if (!isEmptySelector(selector) && !matches(selector, labels)) {
    errs.push(invalid(child(path, 'metadata', 'labels'), goRendered(goStringMap(labels)), '`selector` does not match template `labels`'));
  }
  errs.push(...validatePodTemplateSpec(template, path));
  const spec = objOf(template.spec);
  const restartPolicy = typeof spec.restartPolicy === 'string' ? spec.restartPolicy : '';
  if (restartPolicy !== 'Always') errs.push(notSupported(child(path, 'spec', 'restartPolicy'), restartPolicy, ['Always']));
  if (isSet(spec.activeDeadlineSeconds)) errs.push(forbidden(child(path, 'spec', 'activeDeadlineSeconds'), 'activeDeadlineSeconds in ReplicaSet is not Supported'));
  return errs;
}

/** The selector checks both kinds share: required, valid, not empty; then the template against it. */
function validateSelectorAndTemplate(spec: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const ls = isObj(spec.selector) ? (spec.selector as LabelSelector) : null;
  if (!ls) errs.push(required(child(path, 'selector')));
  else {
    errs.push(...validateLabelSelector(ls, child(path, 'selector')));
    const count = Object.keys(ls.matchLabels ?? {}).length + (ls.matchExpressions ?? []).length;
    // Upstream says "deployment" for ReplicaSets too.
    if (count === 0) errs.push(invalid(child(path, 'selector'), goRendered(goLabelSelector(ls)), 'empty selector is invalid for deployment'));
  }
  const selector = asSelector(ls);
  if (!selector) errs.push(invalid(child(path, 'selector'), goRendered(goLabelSelector(ls ?? {})), 'invalid label selector'));
  else errs.push(...validateTemplateForReplicaSet(objOf(spec.template), selector, child(path, 'template')));
  return errs;
}

const PERCENT_FMT = '[0-9]+%';

/** validation.IsValidPercent. */
function isValidPercent(s: string): string[] {
  return /^[0-9]+%$/.test(s) ? [] : [regexError("a valid percent string must be a numeric string followed by an ending '%'", PERCENT_FMT, '1%', '93%')];
}

/** ValidatePositiveIntOrPercent. */
function validatePositiveIntOrPercent(v: unknown, path: string): FieldError[] {
  if (typeof v === 'string') return isValidPercent(v).map((m) => invalid(path, goRendered(goIntOrString(v)), m));
  return validateNonnegative(numOf(v), path);
}

/** getPercentValue: the number of a valid percent string. */
function percentValue(v: unknown): number | undefined {
  if (typeof v !== 'string' || isValidPercent(v).length) return undefined;
  return Number(v.slice(0, -1));
}

/** getIntOrPercentValue: a percent's number, else IntValue() (Atoi of a string, 0 when it fails). */
function intOrPercentValue(v: unknown): number {
  const percent = percentValue(v);
  if (percent !== undefined) return percent;
  if (typeof v === 'string') return /^[+-]?[0-9]+$/.test(v) ? Number(v) : 0;
  return numOf(v);
}

/** IsNotMoreThan100Percent. */
function notMoreThan100Percent(v: unknown, path: string): FieldError[] {
  const percent = percentValue(v);
  if (percent === undefined || percent <= 100) return [];
  return [invalid(path, goRendered(goIntOrString(v)), 'must not be greater than 100%')];
}

/** ValidateRollingUpdateDeployment. */
function validateRollingUpdate(rolling: Obj, path: string): FieldError[] {
  const maxUnavailablePath = child(path, 'maxUnavailable');
  const errs = [...validatePositiveIntOrPercent(rolling.maxUnavailable, maxUnavailablePath), ...validatePositiveIntOrPercent(rolling.maxSurge, child(path, 'maxSurge'))];
  if (intOrPercentValue(rolling.maxUnavailable) === 0 && intOrPercentValue(rolling.maxSurge) === 0) {
    errs.push(invalid(maxUnavailablePath, goRendered(goIntOrString(rolling.maxUnavailable)), 'may not be 0 when `maxSurge` is 0'));
  }
  errs.push(...notMoreThan100Percent(rolling.maxUnavailable, maxUnavailablePath));
  return errs;
}

/** ValidateDeploymentStrategy. */
function validateDeploymentStrategy(strategy: Obj, path: string): FieldError[] {
  const type = typeof strategy.type === 'string' ? strategy.type : '';
  switch (type) {
    case 'Recreate':
      return isSet(strategy.rollingUpdate) ? [forbidden(child(path, 'rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'")] : [];
    case 'RollingUpdate':
      if (!isSet(strategy.rollingUpdate)) return [required(child(path, 'rollingUpdate'), 'this should be defaulted and never be nil')];
      return validateRollingUpdate(objOf(strategy.rollingUpdate), child(path, 'rollingUpdate'));
    default: {
      const rendered = goStruct('apps.DeploymentStrategy', [
        ['Type', goQuote(type)],
        ['RollingUpdate', goPointer('apps.RollingUpdateDeployment', isSet(strategy.rollingUpdate))],
      ]);
      return [notSupported(path, goRendered(rendered), ['Recreate', 'RollingUpdate'])];
    }
  }
}

/** ValidateDeploymentSpec (spec of a Deployment, at `spec`). */
export function validateDeploymentSpec(spec: Obj): FieldError[] {
  const path = 'spec';
  const errs = validateNonnegative(numOf(spec.replicas), child(path, 'replicas'));
  errs.push(...validateSelectorAndTemplate(spec, path));
  errs.push(...validateDeploymentStrategy(objOf(spec.strategy), child(path, 'strategy')));
  const minReadySeconds = numOf(spec.minReadySeconds);
  errs.push(...validateNonnegative(minReadySeconds, child(path, 'minReadySeconds')));
  if (isSet(spec.revisionHistoryLimit)) errs.push(...validateNonnegative(numOf(spec.revisionHistoryLimit), child(path, 'revisionHistoryLimit')));
  if (isSet(spec.progressDeadlineSeconds)) {
    const deadline = numOf(spec.progressDeadlineSeconds);
    const p = child(path, 'progressDeadlineSeconds');
    errs.push(...validateNonnegative(deadline, p));
    if (deadline <= minReadySeconds) errs.push(invalid(p, deadline, 'must be greater than minReadySeconds'));
  }
  return errs;
}

/** ValidateReplicaSetSpec (spec of a ReplicaSet, at `spec`). */
export function validateReplicaSetSpec(spec: Obj): FieldError[] {
  const path = 'spec';
  const errs = validateNonnegative(numOf(spec.replicas), child(path, 'replicas'));
  errs.push(...validateNonnegative(numOf(spec.minReadySeconds), child(path, 'minReadySeconds')));
  errs.push(...validateSelectorAndTemplate(spec, path));
  return errs;
}

/**
 * The apps/v1 strategies' ValidateImmutableField on spec.selector (the value printed is the
 * new selector).
 */
export function validateSelectorImmutable(next: Obj, prev: Obj): FieldError[] {
  if (semanticEqual(next.selector ?? null, prev.selector ?? null)) return [];
  const ls = isObj(next.selector) ? (next.selector as LabelSelector) : null;
  return [invalid('spec.selector', ls ? goRendered(goLabelSelector(ls)) : null, FIELD_IMMUTABLE)];
}

/** The Deployment strategy's ValidateUpdate: ValidateDeploymentUpdate's spec part, then the selector. */
export function validateDeploymentUpdate(next: Obj, prev: Obj): FieldError[] {
  return [...validateDeploymentSpec(next), ...validateSelectorImmutable(next, prev)];
}

/**
 * The ReplicaSet strategy's ValidateUpdate: ValidateReplicaSet and ValidateReplicaSetUpdate
 * both run the spec checks, so each spec error is listed twice (in the Status causes; the
 * aggregate message drops repeats), then the selector.
 */
export function validateReplicaSetUpdate(next: Obj, prev: Obj): FieldError[] {
  const spec = validateReplicaSetSpec(next);
  return [...spec, ...spec, ...validateSelectorImmutable(next, prev)];
}
