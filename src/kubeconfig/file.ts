/**
 * @module Merging kubito's entries into a kubeconfig file, and taking them out again, safely:
 * under `<file>.lock` (the lock kubectl's client-go and kind take), reading and checking the
 * whole file before changing anything, and replacing it by rename so a reader never sees half
 * a file. A file that cannot be read or parsed is never overwritten: that is an error.
 */
import { mkdir, open, readFile, realpath, rename, stat, unlink, chown } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { entriesOf, mergeEntries, parseKubeconfig, removeEntries, stringifyKubeconfig } from './edit.js';
import { KubeconfigError } from './errors.js';
import { kubeconfigEntryName } from './render.js';

export interface KubeconfigWriteOptions {
  /** Tries to take `<file>.lock`, and the pause between tries; kind and client-go: 5 and 100 ms. */
  lockAttempts?: number;
  lockRetryMs?: number;
  /**
   * Owner for the file and folders this call creates. For a kubito run with sudo, pass the
   * invoking user (SUDO_UID/SUDO_GID) so the kubeconfig stays theirs. An existing file keeps
   * its owner (when running as root) and its mode whatever this says.
   */
  owner?: { uid: number; gid: number };
}

/**
 * Merges the entries of `rendered` (renderKubeconfig's output) into the kubeconfig at `path`
 * and makes its context current. Creates the file (0600) and its folders (0700) when missing.
 * Returns the file written (symlinks followed) and whether it was created.
 */
export async function mergeKubeconfig(
  path: string,
  rendered: string,
  opts: KubeconfigWriteOptions = {},
): Promise<{ path: string; created: boolean }> {
  const entries = entriesOf(rendered);
  const made = await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  if (made !== undefined && opts.owner) await chownCreated(made, dirname(path), opts.owner);
  return withLock(path, opts, async () => {
    const target = await resolve(path);
    const existing = await readExisting(target);
    const doc = parseKubeconfig(existing?.text ?? '', target);
    mergeEntries(doc, entries);
    await writeAtomic(target, stringifyKubeconfig(doc), existing ? { mode: existing.mode, owner: existing.owner } : { mode: 0o600, owner: opts.owner });
    return { path: target, created: existing === undefined };
  });
}

/**
 * Removes the `kubito-<name>` cluster, user and context from the kubeconfig at `path`, and
 * current-context if it named that context (for `kubito down` / delete). A missing file, or
 * one without those entries, is left alone. Returns whether the file changed.
 */
export async function removeFromKubeconfig(path: string, name: string, opts: KubeconfigWriteOptions = {}): Promise<boolean> {
  const key = kubeconfigEntryName(name);
  if ((await readExisting(await resolve(path))) === undefined) return false;
  return withLock(path, opts, async () => {
    const target = await resolve(path);
    const existing = await readExisting(target);
    if (!existing) return false;
    const doc = parseKubeconfig(existing.text, target);
    if (!removeEntries(doc, key)) return false;
    await writeAtomic(target, stringifyKubeconfig(doc), { mode: existing.mode, owner: existing.owner });
    return true;
  });
}

interface Existing {
  text: string;
  mode: number;
  owner: { uid: number; gid: number };
}

async function readExisting(path: string): Promise<Existing | undefined> {
  try {
    const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    return { text, mode: info.mode & 0o777, owner: { uid: info.uid, gid: info.gid } };
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return undefined;
    throw new KubeconfigError('Unreadable', `${path}: cannot read: ${(err as Error).message}`, { cause: err });
  }
}

/** The file a write should replace: the target of a symlink, so the link itself survives. */
async function resolve(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return path;
    throw err;
  }
}

async function withLock<T>(path: string, opts: KubeconfigWriteOptions, fn: () => Promise<T>): Promise<T> {
  const lock = `${path}.lock`;
  const attempts = Math.max(1, opts.lockAttempts ?? 5);
  for (let i = 0; ; i++) {
    try {
      await (await open(lock, 'wx', 0o600)).close();
      break;
    } catch (err) {
      if (errnoOf(err) !== 'EEXIST') throw err;
      if (i + 1 >= attempts) {
        throw new KubeconfigError(
          'Locked',
          `${lock} exists: another program is changing this kubeconfig (remove the lock file if none is)`,
        );
      }
      await new Promise((r) => setTimeout(r, opts.lockRetryMs ?? 100));
    }
  }
  try {
    return await fn();
  } finally {
    await unlink(lock).catch(() => undefined);
  }
}

async function writeAtomic(path: string, data: string, opts: { mode: number; owner: { uid: number; gid: number } | undefined }): Promise<void> {
  const tmp = `${path}.kubito-${process.pid}-${Math.random().toString(36).slice(2)}.tmp`;
  try {
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(data);
      await fh.chmod(opts.mode);
      // Only root may give a file away; for anyone else the owner is already right.
      if (opts.owner && process.getuid?.() === 0) await fh.chown(opts.owner.uid, opts.owner.gid);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

async function chownCreated(first: string, last: string, owner: { uid: number; gid: number }): Promise<void> {
  if (process.getuid?.() !== 0) return;
  let dir = first;
  await chown(dir, owner.uid, owner.gid);
  for (const part of relative(first, last).split(sep).filter(Boolean)) {
    dir = join(dir, part);
    await chown(dir, owner.uid, owner.gid);
  }
}

function errnoOf(err: unknown): string | undefined {
  return err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}
