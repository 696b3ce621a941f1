/**
 * @module The kubelet's AtomicWriter (pkg/volume/util/atomic_writer.go): a volume's files are
 * written in a new timestamped directory `..<2006_01_02_15_04_05>.<random>`, the symlink `..data`
 * is swapped to it by a rename (`..data_tmp` -> `..data`), each top-level entry of the volume is
 * a symlink `<name>` -> `..data/<name>`, then the old directory goes. A reader sees the old set or
 * the new one, never a mix, and programs that watch `..data` see each update as one event.
 */
import { chmodSync, chownSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import { join, posix } from 'node:path';
import type { Payload } from './volume-payload.js';

const DATA = '..data';
const DATA_TMP = '..data_tmp';

/** Throws for a path the kubelet refuses (validatePath): absolute, with `..`, or starting with `..`. */
export function validatePayloadPath(path: string): void {
  if (!path) throw new Error('invalid path: must not be empty');
  if (posix.isAbsolute(path)) throw new Error(`invalid path: must be relative path: ${path}`);
  if (path.length > 4096) throw new Error(`invalid path: must be less than or equal to 4096 characters`);
  if (path.split('/').includes('..')) throw new Error(`invalid path: must not contain '..': ${path}`);
  if (path.startsWith('..')) throw new Error(`invalid path: must not start with '..': ${path}`);
}

/** `..2006_01_02_15_04_05.<random>`, as the kubelet names its data directories (UTC). */
export function dataDirName(now: Date, random: number): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `..${now.getUTCFullYear()}_${p(now.getUTCMonth() + 1)}_${p(now.getUTCDate())}_${p(now.getUTCHours())}_${p(now.getUTCMinutes())}_${p(now.getUTCSeconds())}.${random}`;
}

function sameAsWritten(dir: string, payload: Payload): boolean {
  const files: string[] = [];
  const walk = (rel: string): void => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else files.push(r);
    }
  };
  try {
    walk('');
  } catch {
    return false;
  }
  if (files.length !== payload.size) return false;
  for (const f of files) {
    const want = payload.get(f);
    if (!want) return false;
    const st = statSync(join(dir, f));
    if ((st.mode & 0o7777) !== want.mode || !readFileSync(join(dir, f)).equals(want.data)) return false;
  }
  return true;
}

/**
 * Writes the payload into `dir` (made if missing) as the kubelet does; false when it already held
 * exactly this payload (nothing written). Throws for an invalid path (nothing written).
 */
export function writeAtomically(dir: string, input: Payload, options: { now?: Date; setPerms?: (dir: string) => void } = {}): boolean {
  // validatePayload: each path checked, then cleaned (filepath.Clean: `./a` and `a/` are `a`).
  const payload: Payload = new Map();
  for (const [path, file] of input) {
    validatePayloadPath(path);
    payload.set(posix.normalize(path).replace(/(.)\/+$/, '$1'), file);
  }
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  let old: string | undefined;
  try {
    old = readlinkSync(join(dir, DATA));
  } catch {
    old = undefined;
  }
  if (old && sameAsWritten(join(dir, old), payload)) return false;
  const ts = dataDirName(options.now ?? new Date(), randomInt(1_000_000_000, 4_294_967_295));
  const tsDir = join(dir, ts);
  mkdirSync(tsDir, { mode: 0o755 });
  for (const [path, file] of payload) {
    const full = join(tsDir, path);
    mkdirSync(posix.dirname(full), { recursive: true, mode: 0o755 });
    writeFileSync(full, file.data, { mode: file.mode });
    chmodSync(full, file.mode);
    // A token's owner (the kubelet's FsUser: the one runAsUser of every container).
    if (file.fsUser !== undefined) chownSync(full, file.fsUser, -1);
  }
  // fsGroup (volume-ownership.ts) before the new data is published, as the kubelet's setPerms hook.
  options.setPerms?.(dir);
  rmSync(join(dir, DATA_TMP), { force: true });
  symlinkSync(ts, join(dir, DATA_TMP));
  renameSync(join(dir, DATA_TMP), join(dir, DATA));
  const top = new Set([...payload.keys()].map((p) => p.split('/')[0]));
  for (const name of top) {
    if (!lstatSync(join(dir, name), { throwIfNoEntry: false })) symlinkSync(posix.join(DATA, name), join(dir, name));
  }
  for (const name of readdirSync(dir)) {
    if (name.startsWith('..') || top.has(name)) continue;
    if (lstatSync(join(dir, name)).isSymbolicLink()) unlinkSync(join(dir, name));
  }
  if (old && old !== ts) rmSync(join(dir, old), { recursive: true, force: true });
  return true;
}
