/**
 * @module Where a container's volumes go when their mountPath is not on the host (pure).
 * Containers run on the host's file system, so a mountPath such as /etc/config or
 * /var/run/secrets/kubernetes.io/serviceaccount has no directory to bind onto. In the
 * container's private mount namespace the nearest existing ancestor (symlinks resolved:
 * /var/run -> /run) gets an overlay — its lower layer the directory as the host has it, the upper
 * and work directories on a tmpfs of that mount namespace alone — the missing directories are
 * made in it (so in the tmpfs), and the volume is bound there. Nothing is made on the host.
 *
 * An overlay hides the mounts below its directory; each one whose parent is the mount holding
 * the directory is kept (`keep`: cloned, recursively, before the overlay and put back on top of
 * it). A target below another volume of the container is made inside that volume's directory
 * (as runc makes mount points inside the container's view), when kubito owns it.
 */
import { posix } from 'node:path';
import type { ContainerMount } from './container-process.js';

export type PathKind = 'dir' | 'file' | 'symlink' | 'other';

/** What the planner reads of the file system: lstat, and readlink for symlinks. */
export interface FsView {
  /** Undefined when nothing is there. `link` is the symlink's text (kind 'symlink'). */
  lstat(path: string): { kind: PathKind; link?: string } | undefined;
}

export interface MountRequest {
  /** The volume's name (for messages). */
  name: string;
  source: string;
  /** The mountPath as written in the pod. */
  target: string;
  readOnly?: boolean;
  /** What the source is: a directory, or a file (a subPath to one), made alike at the target. */
  sourceKind: 'dir' | 'file';
}

/** One overlay: on `dir`, with the mounts below it put back on top (outermost first). */
export interface Overlay {
  dir: string;
  keep: string[];
  /** The directory's mode and owner, which the overlay's root shows (the shell chain sets them). */
  mode?: number;
  uid?: number;
  gid?: number;
}

export interface MountPlan {
  /** Outer directories first. */
  overlays: Overlay[];
  /** Made after the overlays, in them: mount points the host does not have. */
  create: Array<{ path: string; kind: 'dir' | 'file' }>;
  /** Made by the agent before the start, inside a volume's directory kubito owns. */
  createInVolume: Array<{ path: string; kind: 'dir' | 'file' }>;
  /** The binds, in order (a parent's before what lies below it), targets resolved. */
  mounts: ContainerMount[];
  /** Volumes that cannot be mounted: the kubelet's FailedMount event's message. */
  failed: Array<{ name: string; target: string; message: string }>;
}

export interface ResolvedPath {
  /** The deepest existing directory (or the target itself when it exists), symlinks resolved. */
  existing: string;
  /** The components below `existing` that do not exist (empty: the target exists). */
  missing: string[];
}

const MAX_LINKS = 40;

/**
 * Resolves an absolute path's symlinks as the kernel would, as far as it exists. Throws an Error
 * with the reason for a relative path, a loop, or a component that is not a directory.
 */
export function resolvePath(path: string, fs: FsView): ResolvedPath {
  if (!path.startsWith('/')) throw new Error(`${path} is not an absolute path`);
  const comps = path.split('/');
  let cur = '/';
  const missing: string[] = [];
  let links = 0;
  while (comps.length > 0) {
    const c = comps.shift()!;
    if (c === '' || c === '.') continue;
    if (c === '..') {
      if (missing.length > 0) missing.pop();
      else cur = posix.dirname(cur);
      continue;
    }
    if (missing.length > 0) {
      missing.push(c);
      continue;
    }
    const next = posix.join(cur, c);
    const info = fs.lstat(next);
    if (!info) {
      missing.push(c);
      continue;
    }
    if (info.kind === 'symlink') {
      if (++links > MAX_LINKS) throw new Error(`too many levels of symbolic links in ${path}`);
      const link = info.link ?? '';
      if (link.startsWith('/')) cur = '/';
      comps.unshift(...link.split('/'));
      continue;
    }
    if (info.kind !== 'dir' && comps.some((x) => x !== '' && x !== '.')) throw new Error(`${next} is not a directory`);
    cur = next;
  }
  return { existing: cur, missing };
}

function under(path: string, dir: string): boolean {
  return dir === '/' ? path !== '/' : path.startsWith(`${dir}/`);
}

interface MountRow {
  id: string;
  parent: string;
  point: string;
}

/** The last mountinfo text parsed, and its rows: a burst of pods plans many containers against one text. */
let parsed: { text: string; rows: MountRow[] } | undefined;

function mountRows(mountinfo: string): MountRow[] {
  if (parsed?.text === mountinfo) return parsed.rows;
  const rows: MountRow[] = [];
  for (const line of mountinfo.split('\n')) {
    const f = line.split(' ');
    if (f.length < 5) continue;
    rows.push({ id: f[0], parent: f[1], point: f[4].replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8))) });
  }
  parsed = { text: mountinfo, rows };
  return rows;
}

/**
 * The mount points below `dir` whose parent mount is the one holding `dir` (the topmost mount at
 * the longest mount point that is `dir` or above it), from /proc/self/mountinfo's text: what an
 * overlay on `dir` would hide. Deeper mounts come with them (they are cloned recursively).
 * Mount points at or below one of `hidden` are left hidden.
 */
export function childMounts(mountinfo: string, dir: string, hidden: readonly string[] = []): string[] {
  const rows = mountRows(mountinfo);
  // The mount holding dir: the longest mount point at or above it; of a stack there, the top.
  let holder: string | undefined;
  let holderLen = -1;
  for (const r of rows) {
    if (r.point === dir || under(dir, r.point)) {
      if (r.point.length > holderLen) {
        holderLen = r.point.length;
        holder = r.id;
      } else if (r.point.length === holderLen && r.parent === holder) {
        holder = r.id;
      }
    }
  }
  const out = new Set<string>();
  for (const r of rows) {
    if (r.parent === holder && r.point !== dir && under(r.point, dir) && !hidden.some((h) => r.point === h || under(r.point, h))) out.add(r.point);
  }
  return [...out].sort();
}

function depth(path: string): number {
  return path === '/' ? 0 : path.split('/').length - 1;
}

/**
 * The plan for a container's volume mounts (pure: the file system through `fs`, the mount table
 * through `mountinfo`, read only when an overlay is needed). `rootOverlay`: whether `/` itself
 * may get an overlay (the native launcher: yes; the shell chain: no, a FailedMount). `owned`
 * says whether a volume source is kubito's (a target below it may be made inside it); mounts at
 * or below `hidden` stay hidden under an overlay (childMounts).
 */
export function planMounts(
  requests: MountRequest[],
  options: { fs: FsView; mountinfo: () => string; rootOverlay: boolean; owned: (source: string) => boolean; hidden?: readonly string[] },
): MountPlan {
  const plan: MountPlan = { overlays: [], create: [], createInVolume: [], mounts: [], failed: [] };
  const resolved: Array<{ req: MountRequest; target: string; missing: string[]; ancestor: string }> = [];
  for (const req of requests) {
    try {
      const r = resolvePath(posix.normalize(req.target), options.fs);
      const target = r.missing.length ? posix.join(r.existing, ...r.missing) : r.existing;
      resolved.push({ req, target, missing: r.missing, ancestor: r.existing });
    } catch (err) {
      plan.failed.push({ name: req.name, target: req.target, message: `MountVolume.SetUp failed for volume "${req.name}" : mount path ${req.target}: ${(err as Error).message}` });
    }
  }
  // Parents before what lies below them (as runtimes sort mounts), stable otherwise.
  resolved.sort((a, b) => depth(a.target) - depth(b.target));
  const ancestors = new Set<string>();
  const overlaid: typeof resolved = [];
  for (const r of resolved) {
    // Below another volume of this container: its mount point lives in that volume.
    const parent = [...plan.mounts].reverse().find((m) => under(r.target, m.target));
    if (parent) {
      const inside = posix.join(parent.source, posix.relative(parent.target, r.target));
      if (!options.fs.lstat(inside)) {
        if (!options.owned(parent.source)) {
          plan.failed.push({ name: r.req.name, target: r.req.target, message: `MountVolume.SetUp failed for volume "${r.req.name}" : mount path ${r.req.target} is inside ${parent.target}, which has no ${posix.relative(parent.target, r.target)}` });
          continue;
        }
        plan.createInVolume.push({ path: inside, kind: r.req.sourceKind });
      }
    } else if (r.missing.length > 0) {
      if (r.ancestor === '/' && !options.rootOverlay) {
        plan.failed.push({ name: r.req.name, target: r.req.target, message: `MountVolume.SetUp failed for volume "${r.req.name}" : mount path ${r.req.target}: the host has no /${r.missing[0]}, and the shell chain (KUBITO_LAUNCHER=shell) does not overlay the root directory; the native launcher does` });
        continue;
      }
      ancestors.add(r.ancestor);
      overlaid.push(r);
    }
    plan.mounts.push({ source: r.req.source, target: r.target, readOnly: r.req.readOnly });
  }
  if (ancestors.size > 0) {
    const info = options.mountinfo();
    const dirs = [...ancestors].sort((a, b) => depth(a) - depth(b) || (a < b ? -1 : 1));
    plan.overlays = dirs.map((dir) => ({ dir, keep: childMounts(info, dir, options.hidden) }));
    for (const r of overlaid) plan.create.push({ path: r.target, kind: r.req.sourceKind });
  }
  return plan;
}
