/**
 * @module The ServiceAccount admission plugin's decisions on a pod's create, pure
 * (plugin/pkg/admission/serviceaccount/admission.go, Admit and Validate): the account a pod runs
 * as, the `kube-api-access-<5>` projected volume that carries its token, the cluster CA and its
 * namespace, mounted read-only in every container and init container, the account's
 * imagePullSecrets, and the refusals. The account lookup (and the wait for `default`) is the
 * caller's: src/controlplane/service-account-admission.ts.
 */
import type { KubeObject } from '../types.js';
import { generateName } from '../validation/names.js';
import { isMirrorPod } from '../mirror-pod.js';
import { records } from './common.js';

/** DefaultServiceAccountName: the account of a pod that names none. */
export const DEFAULT_SERVICE_ACCOUNT = 'default';
/** ServiceAccountVolumeName, then `-`: the prefix of the token volume's generated name. */
export const SERVICE_ACCOUNT_VOLUME_PREFIX = 'kube-api-access-';
/** DefaultAPITokenMountPath: where containers find token, ca.crt and namespace. */
export const DEFAULT_API_TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
/** EnforceMountableSecretsAnnotation: "true" limits a pod's secrets to those its account lists. */
export const ENFORCE_MOUNTABLE_SECRETS_ANNOTATION = 'kubernetes.io/enforce-mountable-secrets';
/** The ConfigMap the root CA publisher keeps in every namespace (src/controllers/rootcacert). */
export const ROOT_CA_CONFIG_MAP = 'kube-root-ca.crt';
/** serviceaccount.WarnOnlyBoundTokenExpirationSeconds: the token volume's requested lifetime. */
export const TOKEN_VOLUME_EXPIRATION_SECONDS = 3607;
/** api.MirrorPodAnnotationKey. */

/** What the plugin reads of a ServiceAccount. */
export interface AccountView {
  name: string;
  automountServiceAccountToken?: boolean;
  /** secrets[].name: what a pod may mount when the account enforces mountable secrets. */
  secrets: string[];
  imagePullSecrets: string[];
  /** The enforce-mountable-secrets annotation parses as true (strconv.ParseBool). */
  enforceMountableSecrets: boolean;
}

type Obj = Record<string, unknown>;

function objOf(v: unknown): Obj {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {};
}

function names(list: unknown): string[] {
  return records(list).map((r) => (typeof r.name === 'string' ? r.name : ''));
}

/** strconv.ParseBool's true values. */
const GO_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);

/** The plugin's view of a ServiceAccount object. */
export function accountView(sa: KubeObject): AccountView {
  const automount = (sa as Obj).automountServiceAccountToken;
  const enforce = sa.metadata.annotations?.[ENFORCE_MOUNTABLE_SECRETS_ANNOTATION];
  return {
    name: sa.metadata.name ?? '',
    automountServiceAccountToken: typeof automount === 'boolean' ? automount : undefined,
    secrets: names((sa as Obj).secrets),
    imagePullSecrets: names((sa as Obj).imagePullSecrets),
    enforceMountableSecrets: enforce !== undefined && GO_TRUE.has(enforce),
  };
}


/** The name a refusal of this create names (extractResourceName: the name, else the generateName, else Unknown). */
export function admissionName(obj: KubeObject): string {
  return obj.metadata.name || obj.metadata.generateName || 'Unknown';
}

/**
 * Validate's rules for a mirror pod, which admission never changes (the kubelet would delete a
 * mirror pod whose spec differs from its static pod's): the refusal, or undefined.
 */
export function mirrorPodRefusal(pod: KubeObject): string | undefined {
  const spec = objOf(pod.spec);
  if (typeof spec.serviceAccountName === 'string' && spec.serviceAccountName) return 'a mirror pod may not reference service accounts';
  if (referencesSecrets(spec)) return 'a mirror pod may not reference secrets';
  for (const v of records(spec.volumes)) {
    if (records(objOf(v.projected).sources).some((s) => isSet(s.serviceAccountToken))) {
      return 'a mirror pod may not use ServiceAccountToken volume projections';
    }
  }
  return undefined;
}

/** The volume sources VisitPodSecretNames reads a Secret's name from, besides `secret` and projected ones. */
const SECRET_REF_VOLUMES: ReadonlyArray<readonly [string, string]> = [
  ['azureFile', 'secretName'], ['cephfs', 'secretRef'], ['cinder', 'secretRef'], ['flexVolume', 'secretRef'], ['rbd', 'secretRef'],
  ['scaleIO', 'secretRef'], ['iscsi', 'secretRef'], ['storageos', 'secretRef'], ['csi', 'nodePublishSecretRef'],
];

function isSet(v: unknown): boolean {
  return v !== undefined && v !== null;
}

/** podutil.VisitPodSecretNames over all containers: whether the pod names any Secret. */
function referencesSecrets(spec: Obj): boolean {
  if (records(spec.imagePullSecrets).length > 0) return true;
  for (const list of ['containers', 'initContainers', 'ephemeralContainers']) {
    for (const c of records(spec[list])) {
      if (records(c.envFrom).some((e) => isSet(e.secretRef))) return true;
      if (records(c.env).some((e) => isSet(objOf(e.valueFrom).secretKeyRef))) return true;
    }
  }
  for (const v of records(spec.volumes)) {
    if (isSet(v.secret) || records(objOf(v.projected).sources).some((s) => isSet(s.secret))) return true;
    if (SECRET_REF_VOLUMES.some(([source, field]) => isSet(objOf(v[source])[field]))) return true;
  }
  return false;
}

/**
 * shouldAutomount: the pod's preference wins, then the account's; true when neither says.
 */
export function shouldAutomount(spec: Obj, account: AccountView): boolean {
  if (typeof spec.automountServiceAccountToken === 'boolean') return spec.automountServiceAccountToken;
  if (account.automountServiceAccountToken !== undefined) return account.automountServiceAccountToken;
  return true;
}

/** TokenVolumeSource: the projected source of the token volume. */
export function tokenVolumeSource(): Obj {
  return {
    // Explicitly the default (upstream #104464: admission runs after defaulting).
    defaultMode: 0o644,
    sources: [
      { serviceAccountToken: { expirationSeconds: TOKEN_VOLUME_EXPIRATION_SECONDS, path: 'token' } },
      { configMap: { name: ROOT_CA_CONFIG_MAP, items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ],
  };
}

/**
 * mountServiceAccountToken: every init container, then every container, without a mount at
 * DEFAULT_API_TOKEN_MOUNT_PATH mounts the token volume there read-only; the volume (a
 * `kube-api-access-` one the pod already has, else a new one) is added if one was mounted.
 */
export function mountServiceAccountToken(spec: Obj, generate: (base: string) => string = generateName): void {
  const volumes = records(spec.volumes);
  const existing = volumes.find((v) => typeof v.name === 'string' && v.name.startsWith(SERVICE_ACCOUNT_VOLUME_PREFIX));
  const volumeName = typeof existing?.name === 'string' ? existing.name : generate(SERVICE_ACCOUNT_VOLUME_PREFIX);
  let needsVolume = false;
  for (const list of ['initContainers', 'containers']) {
    for (const c of records(spec[list])) {
      if (records(c.volumeMounts).some((m) => m.mountPath === DEFAULT_API_TOKEN_MOUNT_PATH)) continue;
      c.volumeMounts = [...(Array.isArray(c.volumeMounts) ? c.volumeMounts : []), { name: volumeName, readOnly: true, mountPath: DEFAULT_API_TOKEN_MOUNT_PATH }];
      needsVolume = true;
    }
  }
  if (!existing && needsVolume) spec.volumes = [...(Array.isArray(spec.volumes) ? spec.volumes : []), { name: volumeName, projected: tokenVolumeSource() }];
}

/**
 * Admit's changes to a (non-mirror) pod once its account is found: the token volume unless
 * automount is off, and the account's imagePullSecrets when the pod has none.
 */
export function admitWithAccount(pod: KubeObject, account: AccountView, generate?: (base: string) => string): void {
  const spec = objOf(pod.spec);
  if (shouldAutomount(spec, account)) mountServiceAccountToken(spec, generate);
  if (records(spec.imagePullSecrets).length === 0 && account.imagePullSecrets.length > 0) {
    spec.imagePullSecrets = account.imagePullSecrets.map((name) => ({ name }));
  }
}

/**
 * limitSecretReferences, for an account that enforces mountable secrets: the refusal when the
 * pod names a Secret (volume, env, envFrom, image pull secret) the account does not list.
 */
export function secretReferenceRefusal(pod: KubeObject, account: AccountView): string | undefined {
  const spec = objOf(pod.spec);
  const mountable = new Set(account.secrets);
  for (const v of records(spec.volumes)) {
    if (!isSet(v.secret)) continue;
    const secretName = objOf(v.secret).secretName;
    if (!mountable.has(String(secretName ?? ''))) return `volume with secret.secretName="${String(secretName ?? '')}" is not allowed because service account ${account.name} does not reference that secret`;
  }
  for (const [list, what] of [['initContainers', 'init container'], ['containers', 'container']] as const) {
    for (const c of records(spec[list])) {
      for (const env of records(c.env)) {
        const ref = objOf(objOf(env.valueFrom).secretKeyRef);
        if (objOf(env.valueFrom).secretKeyRef && !mountable.has(String(ref.name ?? ''))) {
          return `${what} ${String(c.name)} with envVar ${String(env.name)} referencing secret.secretName="${String(ref.name ?? '')}" is not allowed because service account ${account.name} does not reference that secret`;
        }
      }
      for (const from of records(c.envFrom)) {
        const ref = objOf(from.secretRef);
        if (from.secretRef && !mountable.has(String(ref.name ?? ''))) {
          return `${what} ${String(c.name)} with envFrom referencing secret.secretName="${String(ref.name ?? '')}" is not allowed because service account ${account.name} does not reference that secret`;
        }
      }
    }
  }
  const pullable = new Set(account.imagePullSecrets);
  const pulls = records(spec.imagePullSecrets);
  for (let i = 0; i < pulls.length; i++) {
    const name = String(pulls[i].name ?? '');
    if (!pullable.has(name)) return `imagePullSecrets[${i}].name="${name}" is not allowed because service account ${account.name} does not reference that imagePullSecret`;
  }
  return undefined;
}
