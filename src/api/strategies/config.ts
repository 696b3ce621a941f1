/**
 * @module ConfigMap and Secret: validated as ValidateConfigMap / ValidateSecret and their
 * updates (validation/config.ts), immutable once `immutable: true`; a Secret's `stringData`
 * merged into `data` (Convert_v1_Secret_To_core_Secret) and its type defaulted to Opaque
 * (SetDefaults_Secret), as pkg/registry/core/{configmap,secret}/strategy.go and the v1 scheme do.
 */
import type { Strategy } from '../strategy.js';
import type { KubeObject } from '../types.js';
import { validateConfigMap, validateConfigMapUpdate, validateSecret, validateSecretUpdate } from '../validation/config.js';
import { isObj, strOf } from '../validation/json-view.js';

/**
 * Convert_v1_Secret_To_core_Secret's merge, in place: each `stringData` entry overwrites the
 * `data` one (as base64 of its UTF-8 bytes), and `stringData` goes (it is write-only).
 */
export function mergeStringData(secret: KubeObject): void {
  const stringData = secret.stringData;
  delete secret.stringData;
  if (!isObj(stringData) || Object.keys(stringData).length === 0) return;
  const data = isObj(secret.data) ? secret.data : (secret.data = {});
  for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(strOf(v), 'utf8').toString('base64');
}

/** The v1 decoding of a Secret: stringData merged, then SetDefaults_Secret (type Opaque). */
function secretDefaults(secret: KubeObject): void {
  mergeStringData(secret);
  if (strOf(secret.type) === '') secret.type = 'Opaque';
}

export const configMapStrategy: Strategy = {
  validate: (obj) => validateConfigMap(obj),
  validateUpdate: (next, prev) => validateConfigMapUpdate(next, prev),
};

export const secretStrategy: Strategy = {
  defaults: secretDefaults,
  prepareForCreate: secretDefaults,
  prepareForUpdate(next, prev) {
    mergeStringData(next);
    // "this is weird, but consistent with what the validatedUpdate function used to do."
    if (strOf(next.type) === '') next.type = prev.type;
    secretDefaults(next);
  },
  validate: (obj) => validateSecret(obj),
  validateUpdate: (next, prev) => validateSecretUpdate(next, prev),
};
