/**
 * @module Lease validation as kube-apiserver 1.33 has it (pkg/apis/coordination/validation:
 * ValidateLease, ValidateLeaseUpdate -> ValidateLeaseSpec, ValidateCoordinatedLeaseStrategy),
 * without the ObjectMeta parts (the registry's). Create and update check the same.
 */
import type { FieldError } from '../errors.js';
import { child, forbidden, invalid, notSupported } from './field-errors.js';
import { isSet, type Obj, objOf, strOf } from './json-view.js';
import { isQualifiedName } from './names.js';

/** validLeaseStrategies. */
const LEASE_STRATEGIES = ['OldestEmulationVersion'];

/** ValidateCoordinatedLeaseStrategy; upstream names the field `<path>.strategy` (so `spec.strategy.strategy`). */
function validateStrategy(strategy: string, path: string): FieldError[] {
  const at = child(path, 'strategy');
  if (strategy.split('/').length === 1) return LEASE_STRATEGIES.includes(strategy) ? [] : [notSupported(at, strategy, LEASE_STRATEGIES)];
  return isQualifiedName(strategy).map((msg) => invalid(at, strategy, msg));
}

/** ValidateLeaseSpec at `spec`. */
export function validateLeaseSpec(lease: Obj): FieldError[] {
  const spec = objOf(lease.spec);
  const errs: FieldError[] = [];
  if (typeof spec.leaseDurationSeconds === 'number' && spec.leaseDurationSeconds <= 0) {
    errs.push(invalid('spec.leaseDurationSeconds', spec.leaseDurationSeconds, 'must be greater than 0'));
  }
  if (typeof spec.leaseTransitions === 'number' && spec.leaseTransitions < 0) {
    errs.push(invalid('spec.leaseTransitions', spec.leaseTransitions, 'must be greater than or equal to 0'));
  }
  if (isSet(spec.strategy)) errs.push(...validateStrategy(strOf(spec.strategy), 'spec.strategy'));
  if (strOf(spec.preferredHolder) !== '' && strOf(spec.strategy) === '') {
    errs.push(forbidden('spec.preferredHolder', 'may only be specified if `strategy` is defined'));
  }
  return errs;
}
