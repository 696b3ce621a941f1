/**
 * @module The path rules of pod volumes (pkg/apis/core/validation/validation.go,
 * validatePathNoBacksteps, validateLocalDescendingPath, ValidateLocalNonReservedPath): paths
 * split on `/` as on the Linux nodes kubito runs.
 */
import type { FieldError } from '../errors.js';
import { invalid } from './field-errors.js';

/** validatePathNoBacksteps: no `..` element (one error however many). */
export function validatePathNoBacksteps(target: string, path: string): FieldError[] {
  return target.split('/').includes('..') ? [invalid(path, target, "must not contain '..'")] : [];
}

/** validateLocalDescendingPath: relative, no `..` element. */
export function validateLocalDescendingPath(target: string, path: string): FieldError[] {
  const errs = target.startsWith('/') ? [invalid(path, target, 'must be a relative path')] : [];
  errs.push(...validatePathNoBacksteps(target, path));
  return errs;
}

/** ValidateLocalNonReservedPath: a local descending path that does not start with `..` either. */
export function validateLocalNonReservedPath(target: string, path: string): FieldError[] {
  const errs = validateLocalDescendingPath(target, path);
  if (target.startsWith('..') && !target.startsWith('../')) errs.push(invalid(path, target, "must not start with '..'"));
  return errs;
}
