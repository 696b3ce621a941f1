/**
 * @module A generic ephemeral volume's claim template as kube-apiserver 1.33 validates it in a
 * pod (pkg/apis/core/validation/validation.go: validateEphemeralVolumeSource,
 * ValidatePersistentVolumeClaimTemplate, ValidateTemplateObjectMeta,
 * ValidatePersistentVolumeClaimSpec with a create's options; VolumeAttributesClass is off in
 * 1.33, so volumeAttributesClassName is not checked).
 */
import type { FieldError } from '../errors.js';
import { isObj, isSet, listOf, type Obj, objOf, strOf } from './json-view.js';
import { child, forbidden, goRendered, invalid, key, notSupported, required } from './field-errors.js';
import { goPointer, goQuote, goStruct } from './go-format.js';
import { isDNS1123Subdomain, nameIsDNSLabel, nameIsDNSSubdomain } from './names.js';
import { validateAnnotations, validateLabels } from './object-meta.js';
import { canonicalQuantity, parseQuantity } from './quantity.js';
import { validateLabelSelector } from '../selectors/structured.js';

/**
 * ObjectMeta's fields in Go's order with the name validateFieldAllowList reports them under
 * (the Go name with its first letter lowered: `uID`); only labels and annotations may be set.
 */
const TEMPLATE_META_FIELDS: ReadonlyArray<readonly [string, string]> = [
  ['name', 'name'], ['generateName', 'generateName'], ['namespace', 'namespace'], ['selfLink', 'selfLink'], ['uid', 'uID'],
  ['resourceVersion', 'resourceVersion'], ['generation', 'generation'], ['creationTimestamp', 'creationTimestamp'],
  ['deletionTimestamp', 'deletionTimestamp'], ['deletionGracePeriodSeconds', 'deletionGracePeriodSeconds'],
  ['ownerReferences', 'ownerReferences'], ['finalizers', 'finalizers'], ['managedFields', 'managedFields'],
];

/** A decoded JSON value that is not its Go field's zero value ("" , 0, null). */
function nonZero(v: unknown): boolean {
  return isSet(v) && v !== '' && v !== 0;
}

/** ValidateTemplateObjectMeta: annotations, labels, and nothing else set. */
function validateTemplateObjectMeta(meta: Obj, path: string): FieldError[] {
  const errs = validateAnnotations(isObj(meta.annotations) ? (meta.annotations as Record<string, string>) : undefined, child(path, 'annotations'));
  errs.push(...validateLabels(isObj(meta.labels) ? (meta.labels as Record<string, string>) : undefined, child(path, 'labels')));
  for (const [field, goName] of TEMPLATE_META_FIELDS) if (nonZero(meta[field])) errs.push(forbidden(child(path, goName), 'cannot be set'));
  return errs;
}

/** supportedAccessModes and supportedVolumeModes, sets.List order. */
const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const VOLUME_MODES = ['Block', 'Filesystem'];

/** validateDataSource / validateDataSourceRef (`namespace` only on the latter). */
function validateDataSource(ref: Obj, path: string, withNamespace: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const kind = strOf(ref.kind);
  const apiGroup = strOf(ref.apiGroup);
  if (strOf(ref.name).length === 0) errs.push(required(child(path, 'name')));
  if (kind.length === 0) errs.push(required(child(path, 'kind')));
  if (apiGroup.length === 0 && kind !== 'PersistentVolumeClaim') errs.push(invalid(path, kind, "must be 'PersistentVolumeClaim' when referencing the default apiGroup"));
  if (apiGroup.length > 0) errs.push(...isDNS1123Subdomain(apiGroup).map((m) => invalid(child(path, 'apiGroup'), apiGroup, m)));
  const ns = strOf(ref.namespace);
  if (withNamespace && ns.length > 0) errs.push(...nameIsDNSLabel(ns, false).map((m) => invalid(child(path, 'namespace'), ns, m)));
  return errs;
}

/** `%#v` of the *field.Path upstream passes as the bad value of the dataSource consistency errors. */
function goFieldPath(name: string): string {
  return goStruct('field.Path', [['name', goQuote(name)], ['index', '""'], ['parent', goPointer('field.Path', true)]]);
}

/** ValidatePersistentVolumeClaimSpec. */
function validateClaimSpec(spec: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const modes = listOf(spec.accessModes).map(strOf);
  if (modes.length === 0) errs.push(required(child(path, 'accessModes'), 'at least 1 access mode is required'));
  if (isSet(spec.selector)) errs.push(...validateLabelSelector(objOf(spec.selector), child(path, 'selector')));
  let rwop = false;
  let other = false;
  for (const mode of modes) {
    if (!ACCESS_MODES.includes(mode)) errs.push(notSupported(child(path, 'accessModes'), mode, ACCESS_MODES));
    if (mode === 'ReadWriteOncePod') rwop = true;
    else if (ACCESS_MODES.includes(mode)) other = true;
  }
  if (rwop && other) errs.push(forbidden(child(path, 'accessModes'), 'may not use ReadWriteOncePod with other access modes'));
  const storagePath = key(child(path, 'resources'), 'storage');
  const requests = objOf(objOf(spec.resources).requests);
  if (!Object.hasOwn(requests, 'storage')) errs.push(required(storagePath));
  else {
    const q = parseQuantity(requests.storage);
    if (q && q.nanos <= 0n) errs.push(invalid(storagePath, canonicalQuantity(q), 'must be greater than zero'));
  }
  const className = strOf(spec.storageClassName);
  if (className.length > 0) errs.push(...nameIsDNSSubdomain(className, false).map((m) => invalid(child(path, 'storageClassName'), className, m)));
  if (isSet(spec.volumeMode) && !VOLUME_MODES.includes(strOf(spec.volumeMode))) {
    errs.push(notSupported(child(path, 'volumeMode'), strOf(spec.volumeMode), VOLUME_MODES));
  }
  const source = isSet(spec.dataSource) ? objOf(spec.dataSource) : undefined;
  const sourceRef = isSet(spec.dataSourceRef) ? objOf(spec.dataSourceRef) : undefined;
  if (source) errs.push(...validateDataSource(source, child(path, 'dataSource'), false));
  if (sourceRef) errs.push(...validateDataSource(sourceRef, child(path, 'dataSourceRef'), true));
  if (sourceRef && strOf(sourceRef.namespace).length > 0) {
    if (source) errs.push(invalid(path, goRendered(goFieldPath('dataSource')), 'may not be specified when dataSourceRef.namespace is specified'));
  } else if (source && sourceRef) {
    const group = (ref: Obj): string | null => (isSet(ref.apiGroup) ? strOf(ref.apiGroup) : null);
    const same = group(source) === group(sourceRef) && strOf(source.kind) === strOf(sourceRef.kind) && strOf(source.name) === strOf(sourceRef.name);
    if (!same) errs.push(invalid(path, goRendered(goFieldPath('dataSource')), 'must match dataSourceRef'));
  }
  return errs;
}

/** validateEphemeralVolumeSource: the claim template is required; its metadata and spec are checked. */
export function validateEphemeralVolumeSource(src: Obj, path: string): FieldError[] {
  const templatePath = child(path, 'volumeClaimTemplate');
  if (!isSet(src.volumeClaimTemplate)) return [required(templatePath)];
  const template = objOf(src.volumeClaimTemplate);
  return [...validateTemplateObjectMeta(objOf(template.metadata), child(templatePath, 'metadata')), ...validateClaimSpec(objOf(template.spec), child(templatePath, 'spec'))];
}
