/**
 * @module The in-tree volume plugins' sources as kube-apiserver 1.33 validates them inside a
 * pod (pkg/apis/core/validation/validation.go: validateGitRepoVolumeSource,
 * validateGCEPersistentDiskVolumeSource, ..., validateCSIVolumeSource): mostly their required
 * fields, with upstream's paths (`iscsi.initiatorname`) and texts. kubito's node runs none of
 * them; the API server accepts or refuses them as kube-apiserver does.
 */
import type { FieldError } from '../errors.js';
import { isSet, listOf, numOf, type Obj, objOf, strOf } from './json-view.js';
import { child, goRendered, invalid, key, notSupported, required, tooLong } from './field-errors.js';
import { compareGoStrings, goStringSlice } from './go-format.js';
import { inclusiveRangeError, isDNS1123Subdomain, nameIsDNSSubdomain } from './names.js';
import { validateDNS1123Label } from './name-fields.js';
import { validateLocalDescendingPath } from './volume-paths.js';

type Validator = (src: Obj, path: string) => FieldError[];

/** Required errors for each listed string member that is empty. */
function requireStrings(src: Obj, path: string, members: readonly string[]): FieldError[] {
  return members.filter((m) => strOf(src[m]).length === 0).map((m) => required(child(path, m)));
}

/** A set secretRef without a name. */
function secretRefName(src: Obj, path: string): FieldError[] {
  return isSet(src.secretRef) && strOf(objOf(src.secretRef).name).length === 0 ? [required(child(path, 'secretRef', 'name'))] : [];
}

/** pdPartitionErrorMsg (sic: 1, though 0 passes). */
function validatePartition(src: Obj, path: string): FieldError[] {
  const partition = numOf(src.partition);
  return partition < 0 || partition > 255 ? [invalid(child(path, 'partition'), partition, inclusiveRangeError(1, 255))] : [];
}

/** iscsiInitiatorIqnRegex (unanchored at the start, as Go's MatchString finds it anywhere), Eui, Naa; RE2's \s is ASCII. */
const IQN_RE = /iqn\.\d{4}-\d{2}\.([A-Za-z0-9\-.]+)(:[^,;*&$|\t\n\f\r ]+)$/;
const EUI_RE = /^eui[^\n][A-Za-z0-9]{16}$/;
const NAA_RE = /^naa[^\n][A-Za-z0-9]{32}$/;

/** The iqn/eui/naa name checks an iscsi iqn and initiatorName share. */
function iscsiNameErrors(name: string, path: string): FieldError[] {
  if (!name.startsWith('iqn') && !name.startsWith('eui') && !name.startsWith('naa')) {
    return [invalid(path, name, 'must be valid format starting with iqn, eui, or naa')];
  }
  const ok = name.startsWith('iqn') ? IQN_RE.test(name) : name.startsWith('eui') ? EUI_RE.test(name) : NAA_RE.test(name);
  return ok ? [] : [invalid(path, name, 'must be valid format')];
}

function validateISCSI(src: Obj, path: string): FieldError[] {
  const errs = requireStrings(src, path, ['targetPortal']);
  const iqn = strOf(src.iqn);
  if (iqn.length === 0) errs.push(required(child(path, 'iqn')));
  else errs.push(...iscsiNameErrors(iqn, child(path, 'iqn')));
  const lun = numOf(src.lun);
  if (lun < 0 || lun > 255) errs.push(invalid(child(path, 'lun'), lun, inclusiveRangeError(0, 255)));
  if ((src.chapAuthDiscovery === true || src.chapAuthSession === true) && !isSet(src.secretRef)) errs.push(required(child(path, 'secretRef')));
  if (isSet(src.initiatorName)) errs.push(...iscsiNameErrors(strOf(src.initiatorName), child(path, 'initiatorname')));
  return errs;
}

function validateNFS(src: Obj, path: string): FieldError[] {
  const errs = requireStrings(src, path, ['server', 'path']);
  const target = strOf(src.path);
  if (!target.startsWith('/')) errs.push(invalid(child(path, 'path'), target, 'must be an absolute path'));
  return errs;
}

/** Whether Go's net.SplitHostPort accepts the text. */
function splitsHostPort(hostport: string): boolean {
  const i = hostport.lastIndexOf(':');
  if (i < 0) return false;
  let j = 0;
  let k = 0;
  if (hostport[0] === '[') {
    const end = hostport.indexOf(']');
    if (end < 0 || end + 1 !== i) return false;
    j = 1;
    k = end + 1;
  } else if (hostport.slice(0, i).includes(':')) return false;
  return !hostport.slice(j).includes('[') && !hostport.slice(k).includes(']');
}

const QUOBYTE_REGISTRY = 'must be a host:port pair or multiple pairs separated by commas';

function validateQuobyte(src: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const registry = strOf(src.registry);
  if (registry.length === 0) errs.push(required(child(path, 'registry'), QUOBYTE_REGISTRY));
  else if (Buffer.byteLength(strOf(src.tenant)) >= 65) errs.push(required(child(path, 'tenant'), 'must be a UUID and may not exceed a length of 64 characters'));
  else {
    for (const pair of registry.split(',')) if (!splitsHostPort(pair)) errs.push(invalid(child(path, 'registry'), registry, QUOBYTE_REGISTRY));
  }
  errs.push(...requireStrings(src, path, ['volume']));
  return errs;
}

function validateFlocker(src: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = strOf(src.datasetName);
  const uuid = strOf(src.datasetUUID);
  if (name.length === 0 && uuid.length === 0) errs.push(required(path, 'one of datasetName and datasetUUID is required'));
  if (name.length !== 0 && uuid.length !== 0) errs.push(invalid(path, 'resource', 'datasetName and datasetUUID can not be specified simultaneously'));
  if (name.includes('/')) errs.push(invalid(child(path, 'datasetName'), name, "must not contain '/'"));
  return errs;
}

function validateFC(src: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const wwns = listOf(src.targetWWNs).map(strOf);
  const wwids = listOf(src.wwids);
  if (wwns.length < 1 && wwids.length < 1) errs.push(required(child(path, 'targetWWNs'), 'must specify either targetWWNs or wwids, but not both'));
  if (wwns.length !== 0 && wwids.length !== 0) errs.push(invalid(child(path, 'targetWWNs'), goRendered(goStringSlice(wwns)), 'targetWWNs and wwids can not be specified simultaneously'));
  if (wwns.length !== 0) {
    if (!isSet(src.lun)) errs.push(required(child(path, 'lun'), 'lun is required if targetWWNs is specified'));
    else if (numOf(src.lun) < 0 || numOf(src.lun) > 255) errs.push(invalid(child(path, 'lun'), numOf(src.lun), inclusiveRangeError(0, 255)));
  }
  return errs;
}

/** validateFlexVolumeSource: the driver, and no option in the kubernetes.io or k8s.io namespaces (keys in sorted order; Go's map order is random). */
function validateFlex(src: Obj, path: string): FieldError[] {
  const errs = requireStrings(src, path, ['driver']);
  for (const k of Object.keys(objOf(src.options)).sort(compareGoStrings)) {
    const slash = k.indexOf('/');
    const normalized = `.${(slash === -1 ? k : k.slice(0, slash)).toLowerCase()}`;
    if (normalized.endsWith('.kubernetes.io') || normalized.endsWith('.k8s.io')) {
      errs.push(invalid(key(child(path, 'options'), k), k, 'kubernetes.io and k8s.io namespaces are reserved'));
    }
  }
  return errs;
}

const AZURE_CACHING_MODES = ['None', 'ReadOnly', 'ReadWrite'];
const AZURE_DISK_KINDS = ['Dedicated', 'Managed', 'Shared'];

function validateAzureDisk(src: Obj, path: string): FieldError[] {
  const errs = requireStrings(src, path, ['diskName', 'diskURI']);
  if (isSet(src.cachingMode) && !AZURE_CACHING_MODES.includes(strOf(src.cachingMode))) {
    errs.push(notSupported(child(path, 'cachingMode'), strOf(src.cachingMode), AZURE_CACHING_MODES));
  }
  if (isSet(src.kind) && !AZURE_DISK_KINDS.includes(strOf(src.kind))) errs.push(notSupported(child(path, 'kind'), strOf(src.kind), AZURE_DISK_KINDS));
  const uri = strOf(src.diskURI);
  if (isSet(src.kind) && strOf(src.kind) === 'Managed' && !uri.startsWith('/subscriptions/')) {
    errs.push(notSupported(child(path, 'diskURI'), uri, ['/subscriptions/{sub-id}/resourcegroups/{group-name}/providers/microsoft.compute/disks/{disk-id}']));
  }
  if (isSet(src.kind) && strOf(src.kind) !== 'Managed' && !uri.startsWith('https://')) {
    errs.push(notSupported(child(path, 'diskURI'), uri, ['https://{account-name}.blob.core.windows.net/{container-name}/{disk-name}.vhd']));
  }
  return errs;
}

function validateStorageOS(src: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = strOf(src.volumeName);
  if (name.length === 0) errs.push(required(child(path, 'volumeName')));
  else errs.push(...validateDNS1123Label(name, child(path, 'volumeName')));
  const ns = strOf(src.volumeNamespace);
  if (ns.length > 0) errs.push(...validateDNS1123Label(ns, child(path, 'volumeNamespace')));
  errs.push(...secretRefName(src, path));
  return errs;
}

/** ValidateCSIDriverName. */
function validateCSIDriverName(driver: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (driver.length === 0) errs.push(required(path));
  if (Buffer.byteLength(driver) > 63) errs.push(tooLong(path, 63));
  errs.push(...isDNS1123Subdomain(driver.toLowerCase()).map((m) => invalid(path, driver, m)));
  return errs;
}

function validateCSI(src: Obj, path: string): FieldError[] {
  const errs = validateCSIDriverName(strOf(src.driver), child(path, 'driver'));
  if (isSet(src.nodePublishSecretRef)) {
    const name = strOf(objOf(src.nodePublishSecretRef).name);
    // Upstream reports a bad name at `csi.name`.
    if (name.length === 0) errs.push(required(child(path, 'nodePublishSecretRef', 'name')));
    else errs.push(...nameIsDNSSubdomain(name, false).map((m) => invalid(child(path, 'name'), name, m)));
  }
  return errs;
}

/** The in-tree sources' validators by JSON member. */
export const PLUGIN_VALIDATORS: Readonly<Record<string, Validator>> = {
  gitRepo: (src, path) => [...requireStrings(src, path, ['repository']), ...validateLocalDescendingPath(strOf(src.directory), child(path, 'directory'))],
  gcePersistentDisk: (src, path) => [...requireStrings(src, path, ['pdName']), ...validatePartition(src, path)],
  awsElasticBlockStore: (src, path) => [...requireStrings(src, path, ['volumeID']), ...validatePartition(src, path)],
  nfs: validateNFS,
  iscsi: validateISCSI,
  glusterfs: (src, path) => requireStrings(src, path, ['endpoints', 'path']),
  flocker: validateFlocker,
  rbd: (src, path) => [...(listOf(src.monitors).length === 0 ? [required(child(path, 'monitors'))] : []), ...requireStrings(src, path, ['image'])],
  cinder: (src, path) => [...requireStrings(src, path, ['volumeID']), ...secretRefName(src, path)],
  cephfs: (src, path) => (listOf(src.monitors).length === 0 ? [required(child(path, 'monitors'))] : []),
  quobyte: validateQuobyte,
  fc: validateFC,
  flexVolume: validateFlex,
  azureFile: (src, path) => requireStrings(src, path, ['secretName', 'shareName']),
  vsphereVolume: (src, path) => requireStrings(src, path, ['volumePath']),
  photonPersistentDisk: (src, path) => requireStrings(src, path, ['pdID']),
  portworxVolume: (src, path) => requireStrings(src, path, ['volumeID']),
  azureDisk: validateAzureDisk,
  storageos: validateStorageOS,
  scaleIO: (src, path) => requireStrings(src, path, ['gateway', 'system', 'volumeName']),
  csi: validateCSI,
};
