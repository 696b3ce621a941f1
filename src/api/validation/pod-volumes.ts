/**
 * @module A pod's volumes as kube-apiserver 1.33 validates them
 * (pkg/apis/core/validation/validation.go: ValidateVolumes, validateVolumeSource and each
 * source's validator, validateKeyToPath, the path rules, validateDownwardAPIVolumeFile,
 * validateProjectionSources, validateImageVolumeSource), with upstream's field paths — its
 * quirks included: a downwardAPI volume's item errors sit at `downwardAPI.path` (no item
 * index), a projected token's path at `projected.path`, duplicate projected paths at
 * `projected`, a gcePersistentDisk's at `persistentDisk`. The in-tree plugins are in
 * pod-volume-plugins.ts, the generic ephemeral volume's claim template in pvc-template.ts.
 */
import type { FieldError } from '../errors.js';
import { isSet, listOf, type Obj, objOf, strOf } from './json-view.js';
import { child, duplicate, forbidden, index, invalid, notSupported, required } from './field-errors.js';
import { goPointer, goQuote, goStruct } from './go-format.js';
import { nameIsDNSSubdomain } from './names.js';
import { validateDNS1123Label } from './name-fields.js';
import { compareQuantities, parseQuantity } from './quantity.js';
import { validateObjectFieldSelector, validateResourceFieldSelector, VOLUME_FIELD_PATHS } from './pod-field-selectors.js';
import { PLUGIN_VALIDATORS } from './pod-volume-plugins.js';
import { validateLocalNonReservedPath, validatePathNoBacksteps } from './volume-paths.js';
import { validateEphemeralVolumeSource } from './pvc-template.js';
import { validateLabelSelector } from '../selectors/structured.js';
import { validateClusterTrustBundleName, validateSignerName } from './signer-names.js';
import { goLabelSelector } from './go-label-selector.js';

/** What validateVolumes needs to know of the object around the volumes. */
export interface VolumeValidationOptions {
  /** The spec is a Pod's, not a template's (opts.ResourceIsPod: an image volume needs its reference). */
  resourceIsPod: boolean;
  /** The pod's name (podMeta.Name), for the claims its ephemeral volumes create; absent for templates. */
  podName?: string;
}

/** fileModeErrorMsg. */
export const FILE_MODE_ERROR = 'must be a number between 0 and 0777 (octal), both inclusive';

/** A set mode outside 0..0777. */
function validateMode(mode: unknown, path: string): FieldError[] {
  if (typeof mode !== 'number' || (mode <= 0o777 && mode >= 0)) return [];
  return [invalid(path, mode, FILE_MODE_ERROR)];
}

/** validateKeyToPath: key and path required, the path local and not reserved, the mode in range. */
export function validateKeyToPath(item: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const target = strOf(item.path);
  if (strOf(item.key).length === 0) errs.push(required(child(path, 'key')));
  if (target.length === 0) errs.push(required(child(path, 'path')));
  errs.push(...validateLocalNonReservedPath(target, child(path, 'path')));
  errs.push(...validateMode(item.mode, child(path, 'mode')));
  return errs;
}

function validateItems(items: unknown, path: string): FieldError[] {
  return listOf(items).flatMap((kp, i) => validateKeyToPath(objOf(kp), index(path, i)));
}

function validateEmptyDir(src: Obj, path: string): FieldError[] {
  const size = isSet(src.sizeLimit) ? parseQuantity(src.sizeLimit) : undefined;
  if (size && compareQuantities(size, { nanos: 0n, format: 'DecimalSI' }) < 0) {
    return [forbidden(child(path, 'sizeLimit'), 'SizeLimit field must be a valid resource quantity')];
  }
  return [];
}

/** supportedHostPathTypes, sets.List order. */
const HOST_PATH_TYPES = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];

function validateHostPath(src: Obj, path: string): FieldError[] {
  const target = strOf(src.path);
  if (target.length === 0) return [required(child(path, 'path'))];
  const errs = validatePathNoBacksteps(target, child(path, 'path'));
  if (isSet(src.type) && !HOST_PATH_TYPES.includes(strOf(src.type))) errs.push(notSupported(child(path, 'type'), strOf(src.type), HOST_PATH_TYPES));
  return errs;
}

function validateSecret(src: Obj, path: string): FieldError[] {
  const errs = strOf(src.secretName).length === 0 ? [required(child(path, 'secretName'))] : [];
  errs.push(...validateMode(src.defaultMode, child(path, 'defaultMode')));
  errs.push(...validateItems(src.items, child(path, 'items')));
  return errs;
}

function validateConfigMap(src: Obj, path: string): FieldError[] {
  const errs = strOf(src.name).length === 0 ? [required(child(path, 'name'))] : [];
  errs.push(...validateMode(src.defaultMode, child(path, 'defaultMode')));
  errs.push(...validateItems(src.items, child(path, 'items')));
  return errs;
}

function validatePersistentVolumeClaim(src: Obj, path: string): FieldError[] {
  return strOf(src.claimName).length === 0 ? [required(child(path, 'claimName'))] : [];
}

/** validateDownwardAPIVolumeFile: the file's errors at `path` itself (upstream passes the volume's path, not the item's). */
function validateDownwardAPIFile(file: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const target = strOf(file.path);
  if (target.length === 0) errs.push(required(child(path, 'path')));
  errs.push(...validateLocalNonReservedPath(target, child(path, 'path')));
  if (isSet(file.fieldRef)) {
    errs.push(...validateObjectFieldSelector(objOf(file.fieldRef), VOLUME_FIELD_PATHS, child(path, 'fieldRef')));
    if (isSet(file.resourceFieldRef)) errs.push(invalid(path, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
  } else if (isSet(file.resourceFieldRef)) {
    errs.push(...validateResourceFieldSelector(objOf(file.resourceFieldRef), child(path, 'resourceFieldRef'), true));
  } else {
    errs.push(required(path, 'one of fieldRef and resourceFieldRef is required'));
  }
  errs.push(...validateMode(file.mode, child(path, 'mode')));
  return errs;
}

function validateDownwardAPI(src: Obj, path: string): FieldError[] {
  const errs = validateMode(src.defaultMode, child(path, 'defaultMode'));
  for (const file of listOf(src.items)) errs.push(...validateDownwardAPIFile(objOf(file), path));
  return errs;
}

/** `%#v` of a *core.ClusterTrustBundleProjection (dereferenced by ErrorBody). */
function goClusterTrustBundle(ctb: Obj): string {
  return goStruct('core.ClusterTrustBundleProjection', [
    ['Name', goPointer('string', isSet(ctb.name))],
    ['SignerName', goPointer('string', isSet(ctb.signerName))],
    ['LabelSelector', goPointer('v1.LabelSelector', isSet(ctb.labelSelector))],
    ['Optional', goPointer('bool', isSet(ctb.optional))],
    ['Path', goQuote(strOf(ctb.path))],
  ]);
}

/** The clusterTrustBundle projection (its path is checked by the caller). */
function validateClusterTrustBundle(ctb: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const usingName = isSet(ctb.name);
  const usingSigner = isSet(ctb.signerName);
  if (usingName && usingSigner) {
    errs.push(invalid(path, { goRendered: goClusterTrustBundle(ctb) }, 'only one of name and signerName may be used'));
  } else if (usingName) {
    const name = strOf(ctb.name);
    if (name === '') errs.push(required(child(path, 'name'), 'must be a valid object name'));
    const colon = name.lastIndexOf(':');
    const signer = colon === -1 ? '' : name.slice(0, colon).replaceAll(':', '/');
    for (const msg of validateClusterTrustBundleName(signer, name)) {
      errs.push(invalid(child(path, 'name'), name, `not a valid clustertrustbundlename: ${msg}`));
    }
    if (isSet(ctb.labelSelector)) {
      errs.push(invalid(child(path, 'labelSelector'), { goRendered: goLabelSelector(objOf(ctb.labelSelector)) }, 'labelSelector must be unset if name is specified'));
    }
  } else if (usingSigner) {
    const signer = strOf(ctb.signerName);
    if (signer === '') errs.push(required(child(path, 'signerName'), 'must be a valid signer name'));
    errs.push(...validateSignerName(signer, child(path, 'signerName')));
    errs.push(...validateLabelSelector(isSet(ctb.labelSelector) ? objOf(ctb.labelSelector) : undefined, child(path, 'labelSelector')));
  } else {
    errs.push(required(path, 'either name or signerName must be specified'));
  }
  return errs;
}

/** 2^32 seconds: the longest token a projection may ask for. */
const MAX_TOKEN_SECONDS = 2 ** 32;

/** validateProjectedVolumeSource and validateProjectionSources (AllowNonLocalProjectedTokenPath off: a create's rules). */
function validateProjected(src: Obj, path: string): FieldError[] {
  const errs = validateMode(src.defaultMode, child(path, 'defaultMode'));
  const allPaths = new Set<string>();
  /** Records a projected file's path; a second one with the same path conflicts (reported at the volume). */
  const claim = (target: string, value: string): void => {
    if (allPaths.has(target)) errs.push(invalid(path, value, 'conflicting duplicate paths'));
    else allPaths.add(target);
  };
  listOf(src.sources).forEach((s, i) => {
    const source = objOf(s);
    const srcPath = index(child(path, 'sources'), i);
    let count = 0;
    for (const kind of ['secret', 'configMap'] as const) {
      if (!isSet(source[kind])) continue;
      count++;
      const proj = objOf(source[kind]);
      const projPath = child(srcPath, kind);
      const name = strOf(proj.name);
      if (name.length === 0) errs.push(required(child(projPath, 'name')));
      listOf(proj.items).forEach((kp, j) => {
        const item = objOf(kp);
        errs.push(...validateKeyToPath(item, index(child(projPath, 'items'), j)));
        if (strOf(item.path).length > 0) claim(strOf(item.path), name);
      });
    }
    if (isSet(source.downwardAPI)) {
      count++;
      for (const f of listOf(objOf(source.downwardAPI).items)) {
        const file = objOf(f);
        errs.push(...validateDownwardAPIFile(file, child(srcPath, 'downwardAPI')));
        if (strOf(file.path).length > 0) claim(strOf(file.path), strOf(file.path));
      }
    }
    if (isSet(source.serviceAccountToken)) {
      count++;
      const token = objOf(source.serviceAccountToken);
      const seconds = typeof token.expirationSeconds === 'number' ? token.expirationSeconds : 0;
      const secondsPath = child(srcPath, 'serviceAccountToken', 'expirationSeconds');
      if (seconds < 600) errs.push(invalid(secondsPath, seconds, 'may not specify a duration less than 10 minutes'));
      if (seconds > MAX_TOKEN_SECONDS) errs.push(invalid(secondsPath, seconds, 'may not specify a duration larger than 2^32 seconds'));
      const target = strOf(token.path);
      if (target === '') errs.push(required(child(path, 'path')));
      else errs.push(...validateLocalNonReservedPath(target, child(path, 'path')));
    }
    if (isSet(source.clusterTrustBundle)) {
      count++;
      const ctb = objOf(source.clusterTrustBundle);
      const projPath = child(srcPath, 'clusterTrustBundle');
      errs.push(...validateClusterTrustBundle(ctb, projPath));
      const target = strOf(ctb.path);
      if (target === '') errs.push(required(child(projPath, 'path')));
      errs.push(...validateLocalNonReservedPath(target, child(projPath, 'path')));
      claim(target, target);
    }
    if (count > 1) errs.push(forbidden(srcPath, 'may not specify more than 1 volume type per source'));
  });
  return errs;
}

/** supportedPullPolicies, sets.List order. */
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];

function validateImage(src: Obj, path: string, opts: VolumeValidationOptions): FieldError[] {
  const errs = opts.resourceIsPod && strOf(src.reference).length === 0 ? [required(child(path, 'reference'))] : [];
  const policy = strOf(src.pullPolicy);
  if (policy === '') errs.push(required(child(path, 'pullPolicy')));
  else if (!PULL_POLICIES.includes(policy)) errs.push(notSupported(child(path, 'pullPolicy'), policy, PULL_POLICIES));
  return errs;
}

type SourceValidator = (src: Obj, path: string, opts: VolumeValidationOptions) => FieldError[];

/**
 * The volume sources in validateVolumeSource's order: the JSON member, the path segment its
 * "more than 1 volume type" error names (upstream spells two differently: `cephFS`,
 * `downwarAPI`), the segment its contents' errors sit under, and the contents' validator.
 */
const VOLUME_SOURCES: ReadonlyArray<readonly [string, string, string, SourceValidator]> = [
  ['emptyDir', 'emptyDir', 'emptyDir', validateEmptyDir],
  ['hostPath', 'hostPath', 'hostPath', validateHostPath],
  ['gitRepo', 'gitRepo', 'gitRepo', PLUGIN_VALIDATORS.gitRepo],
  ['gcePersistentDisk', 'gcePersistentDisk', 'persistentDisk', PLUGIN_VALIDATORS.gcePersistentDisk],
  ['awsElasticBlockStore', 'awsElasticBlockStore', 'awsElasticBlockStore', PLUGIN_VALIDATORS.awsElasticBlockStore],
  ['secret', 'secret', 'secret', validateSecret],
  ['nfs', 'nfs', 'nfs', PLUGIN_VALIDATORS.nfs],
  ['iscsi', 'iscsi', 'iscsi', PLUGIN_VALIDATORS.iscsi],
  ['glusterfs', 'glusterfs', 'glusterfs', PLUGIN_VALIDATORS.glusterfs],
  ['flocker', 'flocker', 'flocker', PLUGIN_VALIDATORS.flocker],
  ['persistentVolumeClaim', 'persistentVolumeClaim', 'persistentVolumeClaim', validatePersistentVolumeClaim],
  ['rbd', 'rbd', 'rbd', PLUGIN_VALIDATORS.rbd],
  ['cinder', 'cinder', 'cinder', PLUGIN_VALIDATORS.cinder],
  ['cephfs', 'cephFS', 'cephfs', PLUGIN_VALIDATORS.cephfs],
  ['quobyte', 'quobyte', 'quobyte', PLUGIN_VALIDATORS.quobyte],
  ['downwardAPI', 'downwarAPI', 'downwardAPI', validateDownwardAPI],
  ['fc', 'fc', 'fc', PLUGIN_VALIDATORS.fc],
  ['flexVolume', 'flexVolume', 'flexVolume', PLUGIN_VALIDATORS.flexVolume],
  ['configMap', 'configMap', 'configMap', validateConfigMap],
  ['azureFile', 'azureFile', 'azureFile', PLUGIN_VALIDATORS.azureFile],
  ['vsphereVolume', 'vsphereVolume', 'vsphereVolume', PLUGIN_VALIDATORS.vsphereVolume],
  ['photonPersistentDisk', 'photonPersistentDisk', 'photonPersistentDisk', PLUGIN_VALIDATORS.photonPersistentDisk],
  ['portworxVolume', 'portworxVolume', 'portworxVolume', PLUGIN_VALIDATORS.portworxVolume],
  ['azureDisk', 'azureDisk', 'azureDisk', PLUGIN_VALIDATORS.azureDisk],
  ['storageos', 'storageos', 'storageos', PLUGIN_VALIDATORS.storageos],
  ['projected', 'projected', 'projected', validateProjected],
  ['scaleIO', 'scaleIO', 'scaleIO', PLUGIN_VALIDATORS.scaleIO],
  ['csi', 'csi', 'csi', PLUGIN_VALIDATORS.csi],
  ['ephemeral', 'ephemeral', 'ephemeral', (src, path) => validateEphemeralVolumeSource(src, path)],
  ['image', 'image', 'image', validateImage],
];

/** The members a v1 Volume may carry as a source (SetDefaults_Volume looks at these). */
export const VOLUME_SOURCE_FIELDS: readonly string[] = VOLUME_SOURCES.map(([field]) => field);

/** validateVolumeSource: exactly one source, its contents checked; the iscsi and ephemeral checks that need the volume's name. */
function validateVolumeSource(volume: Obj, path: string, opts: VolumeValidationOptions): FieldError[] {
  const errs: FieldError[] = [];
  const volName = strOf(volume.name);
  let count = 0;
  for (const [field, errorName, contentName, validate] of VOLUME_SOURCES) {
    if (!isSet(volume[field])) continue;
    const src = objOf(volume[field]);
    if (count > 0) errs.push(forbidden(child(path, errorName), 'may not specify more than 1 volume type'));
    else {
      count++;
      errs.push(...validate(src, child(path, contentName), opts));
      if (field === 'ephemeral' && opts.podName && volName !== '') {
        const pvcName = `${opts.podName}-${volName}`;
        for (const msg of nameIsDNSSubdomain(pvcName, false)) errs.push(invalid(child(path, 'name'), volName, `PVC name ${goQuote(pvcName)}: ${msg}`));
      }
    }
    if (field === 'iscsi' && isSet(src.initiatorName) && Buffer.byteLength(`${volName}:${strOf(src.targetPortal)}`) > 64) {
      errs.push(invalid(child(path, 'name'), volName, 'Total length of <volume name>:<iscsi.targetPortal> must be under 64 characters if iscsi.initiatorName is specified.'));
    }
  }
  if (count === 0) errs.push(required(path, 'must specify a volume type'));
  return errs;
}

/** ValidateVolumes: the valid volumes by name, and the errors. */
export function validateVolumes(volumes: unknown[], path: string, opts: VolumeValidationOptions): { names: Map<string, Obj>; errs: FieldError[] } {
  const errs: FieldError[] = [];
  const names = new Map<string, Obj>();
  // The claims this pod's ephemeral volumes create (only known for a named pod).
  const createdClaims = new Set<string>();
  if (opts.podName) {
    for (const v of volumes) if (isSet(objOf(v).ephemeral)) createdClaims.add(`${opts.podName}-${strOf(objOf(v).name)}`);
  }
  volumes.forEach((v, i) => {
    const vol = objOf(v);
    const idxPath = index(path, i);
    const namePath = child(idxPath, 'name');
    const name = strOf(vol.name);
    const el = validateVolumeSource(vol, idxPath, opts);
    if (name.length === 0) el.push(required(namePath));
    else el.push(...validateDNS1123Label(name, namePath));
    if (names.has(name)) el.push(duplicate(namePath, name));
    if (el.length === 0) names.set(name, vol);
    else errs.push(...el);
    const claimName = strOf(objOf(vol.persistentVolumeClaim).claimName);
    if (isSet(vol.persistentVolumeClaim) && createdClaims.has(claimName)) {
      errs.push(invalid(child(idxPath, 'persistentVolumeClaim', 'claimName'), claimName, 'must not reference a PVC that gets created for an ephemeral volume'));
    }
  });
  return { names, errs };
}
