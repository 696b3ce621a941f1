/**
 * @module ServiceAccount (pkg/registry/core/serviceaccount/strategy.go): its secret references
 * keep only their names (cleanSecretReferences), and the deprecated
 * kubernetes.io/enforce-mountable-secrets annotation draws a warning. ValidateServiceAccount
 * checks metadata only, which the registry does.
 */
import type { Strategy } from '../strategy.js';
import type { KubeObject } from '../types.js';
import { isObj, listOf, strOf } from '../validation/json-view.js';

const ENFORCE_MOUNTABLE_SECRETS = 'kubernetes.io/enforce-mountable-secrets';

/** cleanSecretReferences: `secrets[i]` becomes `{name}`. */
function cleanSecretReferences(sa: KubeObject): void {
  if (!Array.isArray(sa.secrets)) return;
  sa.secrets = listOf(sa.secrets).map((ref) => (isObj(ref) && strOf(ref.name) !== '' ? { name: strOf(ref.name) } : {}));
}

function warnings(sa: KubeObject): string[] {
  const annotations = sa.metadata.annotations ?? {};
  if (!Object.hasOwn(annotations, ENFORCE_MOUNTABLE_SECRETS)) return [];
  return [`metadata.annotations[${ENFORCE_MOUNTABLE_SECRETS}]: deprecated in v1.32+; prefer separate namespaces to isolate access to mounted secrets`];
}

export const serviceAccountStrategy: Strategy = {
  prepareForCreate: cleanSecretReferences,
  prepareForUpdate: cleanSecretReferences,
  warningsOnCreate: warnings,
  warningsOnUpdate: (next) => warnings(next),
};
