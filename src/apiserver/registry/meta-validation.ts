/**
 * @module The metadata checks the registry runs on every write, in kube-apiserver's order:
 * the kind's own name rule and metadata validation on create, then the generic
 * (path-segment) pass; on update, the generic pass and the update rules (immutable fields).
 */
import type { FieldError } from '../../api/errors.js';
import type { ResourceInfo } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { validateGenericCreate, validateGenericUpdate, validateStrategyCreate, validateStrategyUpdate } from '../../api/validation/index.js';

export function validateMetadata(info: ResourceInfo, obj: KubeObject, prev?: KubeObject): FieldError[] {
  if (!prev) {
    const errs = validateStrategyCreate(obj.metadata, info);
    return errs.length ? errs : validateGenericCreate(obj.metadata, info);
  }
  const errs = validateGenericUpdate(obj.metadata, prev.metadata, info);
  const seen = new Set(errs.map((e) => `${e.field}|${e.detail}`));
  for (const e of validateStrategyUpdate(obj.metadata, prev.metadata, info)) if (!seen.has(`${e.field}|${e.detail}`)) errs.push(e);
  return errs;
}
