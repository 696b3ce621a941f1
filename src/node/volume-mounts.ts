/**
 * @module A container's volume mounts as its launcher gets them: the pod's volume directories
 * (subPath included), the mount plan (mount-plan.ts) read from the host's file system and mount
 * table, the mount points made inside kubito's own volume directories, and the FailedMount
 * messages. A pod whose mountPaths all exist pays one lstat per path component.
 */
import { lstatSync, mkdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import type { ContainerMount } from './container-process.js';
import { planMounts, type FsView, type MountRequest, type Overlay } from './mount-plan.js';
import type { VolumeMount } from './pod-view.js';

/** The host's file system, as the planner reads it. */
export const hostFs: FsView = {
  lstat(path) {
    let st;
    try {
      st = lstatSync(path, { throwIfNoEntry: false });
    } catch {
      // ENOTDIR, EACCES...: nothing there that a mount could use.
      return undefined;
    }
    if (!st) return undefined;
    if (st.isSymbolicLink()) return { kind: 'symlink', link: readlinkSync(path) };
    return { kind: st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other' };
  },
};

let cached: { at: number; text: string } | undefined;

/**
 * Mounts an overlay leaves hidden: the network namespace handles (iproute2's /run/netns, one
 * nsfs mount per pod and per warm sandbox). Put back, every pod with the service account volume
 * (its overlay is on /run) cloned all of them into its mount namespace, more with each pod; a
 * container on a real node sees its image's /run, never the node's namespace handles.
 */
const NODE_ONLY_MOUNTS: readonly string[] = ['/run/netns'];

/**
 * The agent's /proc/self/mountinfo, read at most once a second (a burst of pods with the service
 * account volume would read its 100-300 lines per container): the mounts kept below an overlay
 * are the host's lasting ones (/proc, /dev), and one gone since is skipped.
 */
export function recentMountinfo(): string {
  const now = Date.now();
  if (!cached || now - cached.at > 1000) cached = { at: now, text: readFileSync('/proc/self/mountinfo', 'utf8') };
  return cached.text;
}

export interface ContainerMounts {
  mounts: ContainerMount[];
  overlays?: Overlay[];
  create?: Array<{ path: string; kind: 'dir' | 'file' }>;
  /** Volume name -> the FailedMount message (the volume is not mounted). */
  failed: Map<string, string>;
}

/**
 * The mounts of a container. `volumes`: volume name -> host path; `owned`: the directories
 * kubito owns (its data and scratch dirs), where subPaths and mount points may be made;
 * `rootOverlay`: whether the launcher can overlay `/` (the native one).
 */
export function containerMounts(volumeMounts: VolumeMount[], volumes: Map<string, string>, options: { owned: string[]; rootOverlay: boolean; fs?: FsView; mountinfo?: () => string }): ContainerMounts {
  const fs = options.fs ?? hostFs;
  const owned = (path: string): boolean => options.owned.some((d) => path.startsWith(`${d}/`));
  const failed = new Map<string, string>();
  const requests: MountRequest[] = [];
  for (const m of volumeMounts) {
    const base = volumes.get(m.name);
    if (!base) continue;
    let source = base;
    if (m.subPath) {
      const sub = posix.normalize(m.subPath);
      if (posix.isAbsolute(sub) || sub === '..' || sub.startsWith('../')) {
        failed.set(m.name, `Error: failed to prepare subPath for volumeMount "${m.name}" of container: subPath ${m.subPath} must be a relative path that does not leave the volume`);
        continue;
      }
      source = join(base, sub);
      // As the kubelet: a missing subPath is made, a directory.
      if (!fs.lstat(source) && owned(source)) mkdirSync(source, { recursive: true, mode: 0o750 });
    }
    const st = statSync(source, { throwIfNoEntry: false });
    requests.push({ name: m.name, source, target: m.mountPath, readOnly: m.readOnly, sourceKind: st && !st.isDirectory() ? 'file' : 'dir' });
  }
  const plan = planMounts(requests, { fs, mountinfo: options.mountinfo ?? recentMountinfo, rootOverlay: options.rootOverlay, owned, hidden: NODE_ONLY_MOUNTS });
  for (const c of plan.createInVolume) {
    if (c.kind === 'dir') mkdirSync(c.path, { recursive: true });
    else {
      mkdirSync(dirname(c.path), { recursive: true });
      writeFileSync(c.path, '', { flag: 'a' });
    }
  }
  for (const f of plan.failed) failed.set(f.name, f.message);
  if (!plan.overlays.length) return { mounts: plan.mounts, failed };
  for (const o of plan.overlays) {
    const st = statSync(o.dir, { throwIfNoEntry: false });
    if (st) Object.assign(o, { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid });
  }
  return { mounts: plan.mounts, overlays: plan.overlays, create: plan.create, failed };
}
