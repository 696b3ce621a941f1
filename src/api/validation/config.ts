/**
 * @module ConfigMap and Secret validation as kube-apiserver 1.33 has it
 * (pkg/apis/core/validation/validation.go: ValidateConfigMap, ValidateConfigMapUpdate,
 * ValidateSecret, ValidateSecretUpdate), without the ObjectMeta part (the registry's). Objects
 * are the v1 JSON after defaulting: a Secret's `data` values are base64 and its `stringData`
 * already merged into them. Go walks the maps in random order; here in sorted key order.
 */
import type { FieldError } from '../errors.js';
import { child, forbidden, invalid, key, required, tooLong } from './field-errors.js';
import { byteLength } from './go-format.js';
import { goJSONMapError } from './go-json.js';
import { isObj, type Obj, strOf } from './json-view.js';
import { FIELD_IMMUTABLE } from './object-meta.js';
import { isConfigMapKey } from './pod-spec.js';

/** core.MaxSecretSize, which ConfigMaps share. */
export const MAX_SECRET_SIZE = 1024 * 1024;

const IMMUTABLE_SET = 'field is immutable when `immutable` is set';
const REDACTED = '<secret contents redacted>';

function entries(map: unknown): Array<[string, unknown]> {
  return isObj(map) ? Object.keys(map).sort().map((k) => [k, map[k]]) : [];
}

/** The bytes of a `[]byte` field's base64 text. */
function bytesOf(value: unknown): Buffer {
  return Buffer.from(typeof value === 'string' ? value : '', 'base64');
}

/**
 * reflect.DeepEqual of two string maps as stored: an absent map and an empty one are the same
 * (the store drops empty maps, so the old object's is nil either way).
 */
function sameMap(a: unknown, b: unknown): boolean {
  const x = entries(a);
  const y = entries(b);
  return x.length === y.length && x.every(([k, v], i) => y[i][0] === k && y[i][1] === v);
}

/** ValidateConfigMap without ValidateObjectMeta. */
export function validateConfigMap(cm: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const binary = isObj(cm.binaryData) ? cm.binaryData : {};
  let size = 0;
  for (const [k, value] of entries(cm.data)) {
    const path = key('data', k);
    for (const msg of isConfigMapKey(k)) errs.push(invalid(path, k, msg));
    if (Object.hasOwn(binary, k)) errs.push(invalid(path, k, 'duplicate of key present in binaryData'));
    size += byteLength(strOf(value));
  }
  for (const [k, value] of entries(cm.binaryData)) {
    for (const msg of isConfigMapKey(k)) errs.push(invalid(key('binaryData', k), k, msg));
    size += bytesOf(value).length;
  }
  // The empty path: the error is about the whole object.
  if (size > MAX_SECRET_SIZE) errs.push(tooLong('', MAX_SECRET_SIZE));
  return errs;
}

/** ValidateConfigMapUpdate without ValidateObjectMetaUpdate: nothing changes once `immutable` was set. */
export function validateConfigMapUpdate(next: Obj, prev: Obj): FieldError[] {
  const errs: FieldError[] = [];
  if (prev.immutable === true) {
    if (next.immutable !== true) errs.push(forbidden('immutable', IMMUTABLE_SET));
    if (!sameMap(next.data, prev.data)) errs.push(forbidden('data', IMMUTABLE_SET));
    if (!sameMap(next.binaryData, prev.binaryData)) errs.push(forbidden('binaryData', IMMUTABLE_SET));
  }
  return [...errs, ...validateConfigMap(next)];
}

/** The checks of each Secret type upstream knows (the switch in ValidateSecret). */
function validateSecretType(secret: Obj, data: Map<string, Buffer>): FieldError[] {
  switch (strOf(secret.type)) {
    case 'kubernetes.io/service-account-token': {
      const annotations = isObj(secret.metadata) && isObj(secret.metadata.annotations) ? secret.metadata.annotations : {};
      const name = 'kubernetes.io/service-account.name';
      return strOf(annotations[name]).length === 0 ? [required(key(child('metadata', 'annotations'), name))] : [];
    }
    case 'kubernetes.io/dockercfg':
      return dockerConfig(data, '.dockercfg');
    case 'kubernetes.io/dockerconfigjson':
      return dockerConfig(data, '.dockerconfigjson');
    case 'kubernetes.io/basic-auth':
      // Either may be empty, but one must be present.
      if (!data.has('username') && !data.has('password')) return [required(key('data', 'username')), required(key('data', 'password'))];
      return [];
    case 'kubernetes.io/ssh-auth':
      return (data.get('ssh-privatekey')?.length ?? 0) === 0 ? [required(key('data', 'ssh-privatekey'))] : [];
    case 'kubernetes.io/tls':
      return [...(data.has('tls.crt') ? [] : [required(key('data', 'tls.crt'))]), ...(data.has('tls.key') ? [] : [required(key('data', 'tls.key'))])];
    default:
      return [];
  }
}

/** A docker config key must be there and hold a JSON object. */
function dockerConfig(data: Map<string, Buffer>, name: string): FieldError[] {
  const bytes = data.get(name);
  if (!bytes) return [required(key('data', name))];
  const problem = goJSONMapError(bytes);
  return problem ? [invalid(key('data', name), REDACTED, problem)] : [];
}

/** ValidateSecret without ValidateObjectMeta (but with the annotation a token Secret needs). */
export function validateSecret(secret: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const data = new Map<string, Buffer>();
  let size = 0;
  for (const [k, value] of entries(secret.data)) {
    for (const msg of isConfigMapKey(k)) errs.push(invalid(key('data', k), k, msg));
    const bytes = bytesOf(value);
    data.set(k, bytes);
    size += bytes.length;
  }
  if (size > MAX_SECRET_SIZE) errs.push(tooLong('data', MAX_SECRET_SIZE));
  return [...errs, ...validateSecretType(secret, data)];
}

/** ValidateSecretUpdate without ValidateObjectMetaUpdate: the type is fixed, and everything once `immutable` was set. */
export function validateSecretUpdate(next: Obj, prev: Obj): FieldError[] {
  const errs: FieldError[] = [];
  // ValidateImmutableField.
  if (strOf(next.type) !== strOf(prev.type)) errs.push(invalid('type', strOf(next.type), FIELD_IMMUTABLE));
  if (prev.immutable === true) {
    if (next.immutable !== true) errs.push(forbidden('immutable', IMMUTABLE_SET));
    if (!sameMap(next.data, prev.data)) errs.push(forbidden('data', IMMUTABLE_SET));
  }
  return [...errs, ...validateSecret(next)];
}
