/**
 * @module A container's volumeMounts and volumeDevices as kube-apiserver 1.33 validates them
 * (pkg/apis/core/validation/validation.go: ValidateVolumeMounts, validateMountPropagation,
 * validateMountRecursiveReadOnly, ValidateVolumeDevices), with upstream's paths — subPath,
 * subPathExpr, mountPropagation and recursiveReadOnly errors sit at `volumeMounts.<field>`,
 * without the mount's index, as upstream reports them. An image volume may be mounted by subPath
 * or subPathExpr (1.33; 1.31 and 1.32 refused it).
 */
import type { FieldError } from '../errors.js';
import { isSet, listOf, type Obj, objOf, strOf } from './json-view.js';
import { child, forbidden, index, invalid, notFound, notSupported, required } from './field-errors.js';
import { validateLocalDescendingPath, validatePathNoBacksteps } from './volume-paths.js';

/** The supported mountPropagation and recursiveReadOnly values, sets.List order. */
const MOUNT_PROPAGATIONS = ['Bidirectional', 'HostToContainer', 'None'];
const RECURSIVE_READ_ONLY = ['Disabled', 'Enabled', 'IfPossible'];

/** GetVolumeMountMap / GetVolumeDeviceMap: name → path (a later entry of a name wins). */
function pathsByName(list: unknown[], pathField: string): Map<string, string> {
  return new Map(list.map((x) => [strOf(objOf(x).name), strOf(objOf(x)[pathField])] as const));
}

/** validateMountPropagation for a container: a supported mode; Bidirectional only when privileged. */
function validateMountPropagation(mode: string, ctr: Obj, path: string): FieldError[] {
  const errs = MOUNT_PROPAGATIONS.includes(mode) ? [] : [notSupported(path, mode, MOUNT_PROPAGATIONS)];
  if (mode === 'Bidirectional' && objOf(ctr.securityContext).privileged !== true) {
    errs.push(forbidden(path, 'Bidirectional mount propagation is available only to privileged containers'));
  }
  return errs;
}

/** validateMountRecursiveReadOnly. */
function validateRecursiveReadOnly(mount: Obj, path: string): FieldError[] {
  if (!isSet(mount.recursiveReadOnly)) return [];
  const mode = strOf(mount.recursiveReadOnly);
  if (mode === 'Disabled') return [];
  if (mode !== 'Enabled' && mode !== 'IfPossible') return [notSupported(path, mode, RECURSIVE_READ_ONLY)];
  const errs: FieldError[] = [];
  if (mount.readOnly !== true) errs.push(forbidden(path, 'may only be specified when readOnly is true'));
  if (isSet(mount.mountPropagation) && strOf(mount.mountPropagation) !== 'None') {
    errs.push(forbidden(path, 'may only be specified when mountPropagation is None or not specified'));
  }
  return errs;
}

/** ValidateVolumeMounts for one container (`volumes`: the pod's valid volumes by name). */
export function validateVolumeMounts(ctr: Obj, volumes: ReadonlyMap<string, Obj>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const devices = pathsByName(listOf(ctr.volumeDevices), 'devicePath');
  const devicePaths = new Set(devices.values());
  const mountPoints = new Set<string>();
  listOf(ctr.volumeMounts).forEach((m, i) => {
    const mnt = objOf(m);
    const idxPath = index(path, i);
    const name = strOf(mnt.name);
    const mountPath = strOf(mnt.mountPath);
    const subPath = strOf(mnt.subPath);
    const subPathExpr = strOf(mnt.subPathExpr);
    if (name.length === 0) errs.push(required(child(idxPath, 'name')));
    if (!volumes.has(name)) errs.push(notFound(child(idxPath, 'name'), name));
    if (mountPath.length === 0) errs.push(required(child(idxPath, 'mountPath')));
    if (mountPoints.has(mountPath)) errs.push(invalid(child(idxPath, 'mountPath'), mountPath, 'must be unique'));
    mountPoints.add(mountPath);
    if (devices.has(name)) errs.push(invalid(child(idxPath, 'name'), name, 'must not already exist in volumeDevices'));
    if (devicePaths.has(mountPath)) errs.push(invalid(child(idxPath, 'mountPath'), mountPath, 'must not already exist as a path in volumeDevices'));
    // 1.33 mounts image volumes by subPath too (KEP-4639 beta, kubernetes#130135 dropped 1.31's
    // `not allowed in image volume sources`).
    if (subPath.length > 0) errs.push(...validateLocalDescendingPath(subPath, child(path, 'subPath')));
    if (subPathExpr.length > 0) {
      if (subPath.length > 0) errs.push(invalid(child(idxPath, 'subPathExpr'), subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
      errs.push(...validateLocalDescendingPath(subPathExpr, child(path, 'subPathExpr')));
    }
    if (isSet(mnt.mountPropagation)) errs.push(...validateMountPropagation(strOf(mnt.mountPropagation), ctr, child(path, 'mountPropagation')));
    errs.push(...validateRecursiveReadOnly(mnt, child(path, 'recursiveReadOnly')));
  });
  return errs;
}

/** ValidateVolumeDevices for one container: block devices only from claims (a PVC or an ephemeral volume). */
export function validateVolumeDevices(ctr: Obj, volumes: ReadonlyMap<string, Obj>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const mounts = pathsByName(listOf(ctr.volumeMounts), 'mountPath');
  const mountPaths = new Set(mounts.values());
  const devicePaths = new Set<string>();
  const deviceNames = new Set<string>();
  listOf(ctr.volumeDevices).forEach((d, i) => {
    const dev = objOf(d);
    const idxPath = index(path, i);
    const name = strOf(dev.name);
    const devicePath = strOf(dev.devicePath);
    const volume = volumes.get(name);
    if (name.length === 0) errs.push(required(child(idxPath, 'name')));
    if (deviceNames.has(name)) errs.push(invalid(child(idxPath, 'name'), name, 'must be unique'));
    if (volume && !isSet(volume.persistentVolumeClaim) && !isSet(volume.ephemeral)) {
      errs.push(invalid(child(idxPath, 'name'), name, 'can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode'));
    }
    if (!volume) errs.push(notFound(child(idxPath, 'name'), name));
    if (devicePath.length === 0) errs.push(required(child(idxPath, 'devicePath')));
    if (devicePaths.has(devicePath)) errs.push(invalid(child(idxPath, 'devicePath'), devicePath, 'must be unique'));
    if (devicePath.length > 0 && validatePathNoBacksteps(devicePath, path).length > 0) {
      errs.push(invalid(child(idxPath, 'devicePath'), devicePath, "can not contain backsteps ('..')"));
    } else devicePaths.add(devicePath);
    if (mounts.has(name)) errs.push(invalid(child(idxPath, 'name'), name, 'must not already exist in volumeMounts'));
    if (mountPaths.has(devicePath)) errs.push(invalid(child(idxPath, 'devicePath'), devicePath, 'must not already exist as a path in volumeMounts'));
    if (name.length > 0) deviceNames.add(name);
  });
  return errs;
}
