/**
 * @module ObjectMeta validation as k8s.io/apimachinery/pkg/api/validation/objectmeta.go and
 * pkg/apis/meta/v1/validation (v0.33) do it: names, generateName, namespace by scope,
 * generation, labels, annotations (256 KiB in total), ownerReferences, finalizers,
 * managedFields, and the update rules (`field is immutable`). Returns `FieldError[]` in
 * upstream's order; the caller wraps them with `newInvalid`. Go walks maps in random order;
 * here labels and annotations are walked in sorted key order, so output is deterministic.
 */
import type { FieldError } from '../errors.js';
import type { ManagedFieldsEntry, ObjectMeta, OwnerReference } from '../types.js';
import { child, forbidden, goRendered, index, invalid, required, tooLong } from './field-errors.js';
import { byteLength, compareGoStrings, goBoolPointer, goQuote, goSlice, goStringSlice, goStruct, goTime, isGoPrintable } from './go-format.js';
import { isQualifiedName, isValidLabelValue, type NameValidator, validateNamespaceName } from './names.js';

/** objectmeta.go FieldImmutableErrorMsg. */
export const FIELD_IMMUTABLE = 'field is immutable';
/** objectmeta.go TotalAnnotationSizeLimitB: 256 KiB over all keys and values. */
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;
/** generic.go IsNegativeErrorMsg. */
export const IS_NEGATIVE = 'must be greater than or equal to 0';
/** meta/v1/validation FieldManagerMaxLength and MaxSubresourceNameLength. */
export const FIELD_MANAGER_MAX_LENGTH = 128;
export const MAX_SUBRESOURCE_NAME_LENGTH = 256;
export const FINALIZER_ORPHAN = 'orphan';
export const FINALIZER_FOREGROUND = 'foregroundDeletion';

function sortedKeys(map: Record<string, string> | undefined): string[] {
  return Object.keys(map ?? {}).sort(compareGoStrings);
}

/**
 * Label keys found valid lately: a handful of keys (app, the controllers' own) recur on every
 * object, and checking one is a few regular expressions. Bounded; cleared when full.
 */
const validLabelNames = new Set<string>();
const VALID_LABEL_NAMES = 1024;

/** ValidateLabelName: a qualified name. */
export function validateLabelName(name: string, path: string): FieldError[] {
  if (validLabelNames.has(name)) return [];
  const errs = isQualifiedName(name).map((msg) => invalid(path, name, msg));
  if (errs.length === 0) {
    if (validLabelNames.size >= VALID_LABEL_NAMES) validLabelNames.clear();
    validLabelNames.add(name);
  }
  return errs;
}

/** v1validation.ValidateLabels: keys are qualified names, values label values; all errors at `path`. */
export function validateLabels(labels: Record<string, string> | undefined, path: string): FieldError[] {
  // Keys are checked in any order; only those with errors are sorted (upstream's deterministic
  // order), so nearly every object's labels, all valid, sort nothing.
  const failing: Array<[string, FieldError[]]> = [];
  for (const k in labels) {
    if (!Object.hasOwn(labels, k)) continue;
    const v = labels[k];
    const errs = [...validateLabelName(k, path), ...isValidLabelValue(v).map((msg) => invalid(path, v, msg))];
    if (errs.length) failing.push([k, errs]);
  }
  return failing.sort(([a], [b]) => compareGoStrings(a, b)).flatMap(([, errs]) => errs);
}

/** ValidateAnnotations: keys are qualified names once lower-cased; keys plus values ≤ 256 KiB. */
export function validateAnnotations(annotations: Record<string, string> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const k of sortedKeys(annotations)) {
    errs.push(...isQualifiedName(k.toLowerCase()).map((msg) => invalid(path, k, msg)));
    total += byteLength(k) + byteLength(annotations![k] ?? '');
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

/** schema.ParseGroupVersion as FromAPIVersionAndKind uses it: a malformed apiVersion yields nothing. */
function parseGroupVersion(apiVersion: string): { group: string; version: string } {
  if (apiVersion === '' || apiVersion === '/') return { group: '', version: '' };
  const slashes = apiVersion.split('/').length - 1;
  if (slashes === 0) return { group: '', version: apiVersion };
  if (slashes === 1) {
    const i = apiVersion.indexOf('/');
    return { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
  }
  return { group: '', version: '' };
}

/** `%#v` of a metav1.OwnerReference. */
export function goOwnerReference(ref: OwnerReference): string {
  return goStruct('v1.OwnerReference', [
    ['APIVersion', goQuote(ref.apiVersion ?? '')],
    ['Kind', goQuote(ref.kind ?? '')],
    ['Name', goQuote(ref.name ?? '')],
    ['UID', goQuote(ref.uid ?? '')],
    ['Controller', goBoolPointer(ref.controller)],
    ['BlockOwnerDeletion', goBoolPointer(ref.blockOwnerDeletion)],
  ]);
}

/** Kinds that may not own anything (objectmeta.go BannedOwners): core/v1 Event. */
const BANNED_OWNERS = new Set(['/v1, Kind=Event']);

function validateOwnerReference(ref: OwnerReference, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const gv = parseGroupVersion(ref.apiVersion ?? '');
  const kind = ref.kind ?? '';
  if (!gv.version) errs.push(invalid(child(path, 'apiVersion'), ref.apiVersion ?? '', 'version must not be empty'));
  if (!kind) errs.push(invalid(child(path, 'kind'), kind, 'kind must not be empty'));
  if (!ref.name) errs.push(invalid(child(path, 'name'), ref.name ?? '', 'name must not be empty'));
  if (!ref.uid) errs.push(invalid(child(path, 'uid'), ref.uid ?? '', 'uid must not be empty'));
  // schema.GroupVersionKind.String(): "group/version, Kind=kind".
  const gvk = `${gv.group}/${gv.version}, Kind=${kind}`;
  if (BANNED_OWNERS.has(gvk)) errs.push(invalid(path, goRendered(goOwnerReference(ref)), `${gvk} is disallowed from being an owner`));
  return errs;
}

/** ValidateOwnerReferences: each reference complete, at most one with `controller: true`. */
export function validateOwnerReferences(refs: OwnerReference[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let firstController = '';
  for (const ref of refs ?? []) {
    errs.push(...validateOwnerReference(ref, path));
    if (ref.controller === true) {
      const current = `${ref.kind}/${ref.name}`;
      if (firstController) {
        const all = goRendered(goSlice('v1.OwnerReference', refs!.map(goOwnerReference)));
        errs.push(invalid(path, all, `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`));
      } else {
        firstController = current;
      }
    }
  }
  return errs;
}

/** ValidateFinalizerName: a qualified name. */
export function validateFinalizerName(name: string, path: string): FieldError[] {
  return isQualifiedName(name).map((msg) => invalid(path, name, msg));
}

/** ValidateFinalizers: qualified names; `orphan` and `foregroundDeletion` exclude each other. */
export function validateFinalizers(finalizers: string[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of finalizers ?? []) errs.push(...validateFinalizerName(f, path));
  if (finalizers?.includes(FINALIZER_ORPHAN) && finalizers.includes(FINALIZER_FOREGROUND)) {
    errs.push(invalid(path, goRendered(goStringSlice(finalizers)), `finalizer ${FINALIZER_ORPHAN} and ${FINALIZER_FOREGROUND} cannot be both set`));
  }
  return errs;
}

/** Finalizers with no `/` that pkg/apis/core/validation accepts (helper.IsStandardFinalizerName). */
export const STANDARD_FINALIZERS: ReadonlySet<string> = new Set(['kubernetes', FINALIZER_ORPHAN, FINALIZER_FOREGROUND]);

/**
 * pkg/apis/core/validation validateKubeFinalizerName, which core, apps and discovery kinds
 * add: a finalizer without a `/` must be a standard one. Paths are indexed (`finalizers[0]`).
 */
export function validateKubeFinalizers(finalizers: string[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (finalizers ?? []).forEach((f, i) => {
    if (f.split('/').length === 1 && !STANDARD_FINALIZERS.has(f)) {
      errs.push(invalid(index(path, i), f, 'name is neither a standard finalizer name nor is it fully qualified'));
    }
  });
  return errs;
}

/** `%#U` of a rune: `U+0007`. */
function goRuneCode(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** ValidateFieldManager: ≤ 128 bytes, printable characters only. */
export function validateFieldManager(manager: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (byteLength(manager) > FIELD_MANAGER_MAX_LENGTH) errs.push(tooLong(path, FIELD_MANAGER_MAX_LENGTH));
  let position = 0;
  for (const rune of manager) {
    // A lone surrogate is U+FFFD once Go decodes it (printable, 3 bytes, as Buffer counts it).
    const cp = rune.codePointAt(0)!;
    const surrogate = cp >= 0xd800 && cp <= 0xdfff;
    if (!surrogate && !isGoPrintable(rune)) {
      errs.push(invalid(path, manager, `invalid character ${goRuneCode(cp)} (at position ${position})`));
    }
    position += byteLength(rune);
  }
  return errs;
}

/** ValidateManagedFields: operation Apply|Update, fieldsType FieldsV1, manager, subresource length. */
export function validateManagedFields(entries: ManagedFieldsEntry[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (entries ?? []).forEach((entry, i) => {
    const p = index(path, i);
    if (entry.operation !== 'Apply' && entry.operation !== 'Update') {
      errs.push(invalid(child(p, 'operation'), entry.operation ?? '', 'must be `Apply` or `Update`'));
    }
    if (entry.fieldsType && entry.fieldsType !== 'FieldsV1') {
      errs.push(invalid(child(p, 'fieldsType'), entry.fieldsType, 'must be `FieldsV1`'));
    }
    errs.push(...validateFieldManager(entry.manager ?? '', child(p, 'manager')));
    if (byteLength(entry.subresource ?? '') > MAX_SUBRESOURCE_NAME_LENGTH) errs.push(tooLong(child(p, 'subresource'), MAX_SUBRESOURCE_NAME_LENGTH));
  });
  return errs;
}

export interface ObjectMetaOptions {
  /** Whether the kind is namespaced (`requiresNamespace`). */
  namespaced: boolean;
  /** The kind's name rule (see resource-meta.ts). */
  nameFn: NameValidator;
  /** Defaults to `metadata`. */
  path?: string;
}

/**
 * ValidateObjectMetaAccessor, for a create (after name generation): generateName, name,
 * namespace (required and a DNS label when namespaced, forbidden otherwise), generation,
 * labels, annotations, ownerReferences, finalizers, managedFields.
 */
export function validateObjectMeta(meta: ObjectMeta, opts: ObjectMetaOptions): FieldError[] {
  const path = opts.path ?? 'metadata';
  const errs: FieldError[] = [];
  if (meta.generateName) {
    errs.push(...opts.nameFn(meta.generateName, true).map((msg) => invalid(child(path, 'generateName'), meta.generateName!, msg)));
  }
  if (!meta.name) {
    errs.push(required(child(path, 'name'), 'name or generateName is required'));
  } else {
    errs.push(...opts.nameFn(meta.name, false).map((msg) => invalid(child(path, 'name'), meta.name!, msg)));
  }
  if (opts.namespaced) {
    if (!meta.namespace) errs.push(required(child(path, 'namespace')));
    else errs.push(...validateNamespaceName(meta.namespace, false).map((msg) => invalid(child(path, 'namespace'), meta.namespace!, msg)));
  } else if (meta.namespace) {
    errs.push(forbidden(child(path, 'namespace'), 'not allowed on this type'));
  }
  const generation = meta.generation ?? 0;
  if (generation < 0) errs.push(invalid(child(path, 'generation'), generation, IS_NEGATIVE));
  errs.push(...validateLabels(meta.labels, child(path, 'labels')));
  errs.push(...validateAnnotations(meta.annotations, child(path, 'annotations')));
  errs.push(...validateOwnerReferences(meta.ownerReferences, child(path, 'ownerReferences')));
  errs.push(...validateFinalizers(meta.finalizers, child(path, 'finalizers')));
  errs.push(...validateManagedFields(meta.managedFields, child(path, 'managedFields')));
  return errs;
}

function sameInstant(a: string | null | undefined, b: string | null | undefined): boolean {
  if (!a || !b) return !a && !b;
  return new Date(a).getTime() === new Date(b).getTime();
}

/** ValidateNoNewFinalizers: once deletion started, no finalizer may be added. */
export function validateNoNewFinalizers(next: string[] | undefined, prev: string[] | undefined, path: string): FieldError[] {
  const old = new Set(prev ?? []);
  const extra = [...new Set(next ?? [])].filter((f) => !old.has(f)).sort(compareGoStrings);
  if (!extra.length) return [];
  return [forbidden(path, `no new finalizers can be added if the object is being deleted, found new finalizers ${goStringSlice(extra)}`)];
}

/**
 * ValidateObjectMetaAccessorUpdate: no new finalizers while deleting, resourceVersion set,
 * generation not decremented, name/namespace/uid/creationTimestamp/deletionTimestamp/
 * deletionGracePeriodSeconds immutable, then labels, annotations, ownerReferences, managedFields.
 */
export function validateObjectMetaUpdate(next: ObjectMeta, prev: ObjectMeta, opts: { path?: string } = {}): FieldError[] {
  const path = opts.path ?? 'metadata';
  const errs: FieldError[] = [];
  if (prev.deletionTimestamp) errs.push(...validateNoNewFinalizers(next.finalizers, prev.finalizers, child(path, 'finalizers')));
  if (!next.resourceVersion) errs.push(invalid(child(path, 'resourceVersion'), next.resourceVersion ?? '', 'must be specified for an update'));
  if ((next.generation ?? 0) < (prev.generation ?? 0)) errs.push(invalid(child(path, 'generation'), next.generation ?? 0, 'must not be decremented'));
  const immutableString = (field: 'name' | 'namespace' | 'uid') => {
    if ((next[field] ?? '') !== (prev[field] ?? '')) errs.push(invalid(child(path, field), next[field] ?? '', FIELD_IMMUTABLE));
  };
  immutableString('name');
  immutableString('namespace');
  immutableString('uid');
  if (!sameInstant(next.creationTimestamp, prev.creationTimestamp)) {
    errs.push(invalid(child(path, 'creationTimestamp'), goRendered(goTime(next.creationTimestamp)), FIELD_IMMUTABLE));
  }
  if (!sameInstant(next.deletionTimestamp, prev.deletionTimestamp)) {
    const value = next.deletionTimestamp ? goRendered(goTime(next.deletionTimestamp)) : null;
    errs.push(invalid(child(path, 'deletionTimestamp'), value, FIELD_IMMUTABLE));
  }
  if ((next.deletionGracePeriodSeconds ?? null) !== (prev.deletionGracePeriodSeconds ?? null)) {
    errs.push(invalid(child(path, 'deletionGracePeriodSeconds'), next.deletionGracePeriodSeconds ?? null, FIELD_IMMUTABLE));
  }
  errs.push(...validateLabels(next.labels, child(path, 'labels')));
  errs.push(...validateAnnotations(next.annotations, child(path, 'annotations')));
  errs.push(...validateOwnerReferences(next.ownerReferences, child(path, 'ownerReferences')));
  errs.push(...validateManagedFields(next.managedFields, child(path, 'managedFields')));
  return errs;
}
