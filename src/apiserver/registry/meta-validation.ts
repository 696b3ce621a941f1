/**
 * @module The metadata checks the registry runs on every write, in kube-apiserver's order:
 * the kind's own name rule and metadata validation on create, then the generic
 * (path-segment) pass; on update, the generic pass and the update rules (immutable fields).
 */
import type { FieldError } from '../../api/errors.js';
import type { ResourceInfo } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { metaRulesFor, validateGenericCreate, validateKubeFinalizers, validateObjectMetaUpdate, validateStrategyCreate, validateStrategyUpdate } from '../../api/validation/index.js';

/**
 * Whether the kind's create pass makes the generic one redundant: it ran the very same
 * metadata checks with a DNS name rule, and every DNS-1123 subdomain or label and DNS-1035
 * label (and prefix of one) is a valid path segment. So when it finds nothing, neither would
 * the generic pass, which is then skipped (it cost as much as the first).
 */
function strategyCoversGeneric(info: ResourceInfo): boolean {
  const rules = metaRulesFor(info);
  return rules.strategyMeta !== 'legacy-event' && rules.nameFormat !== 'path-segment';
}

export function validateMetadata(info: ResourceInfo, obj: KubeObject, prev?: KubeObject): FieldError[] {
  if (!prev) {
    const errs = validateStrategyCreate(obj.metadata, info);
    if (errs.length) return errs;
    return strategyCoversGeneric(info) ? [] : validateGenericCreate(obj.metadata, info);
  }
  // The generic pass (validateGenericUpdate: the create checks, then the update rules) and the
  // kind's (validateStrategyUpdate: for every kind but legacy events the same update rules, then
  // the finalizer names for core kinds), the kind's errors the generic pass gave already left
  // out. The update rules (labels, annotations, owners, managedFields...) are run once: run
  // again they give the very errors the first run gave, all of them left out.
  const update = validateObjectMetaUpdate(obj.metadata, prev.metadata);
  const errs = [...validateGenericCreate(obj.metadata, info), ...update];
  const rules = metaRulesFor(info);
  const strategy = rules.strategyMeta === 'legacy-event'
    ? validateStrategyUpdate(obj.metadata, prev.metadata, info)
    : rules.strategyMeta === 'core' ? validateKubeFinalizers(obj.metadata.finalizers, 'metadata.finalizers') : [];
  if (strategy.length === 0) return errs;
  const seen = new Set(errs.map((e) => `${e.field}|${e.detail}`));
  for (const e of strategy) if (!seen.has(`${e.field}|${e.detail}`)) errs.push(e);
  return errs;
}
