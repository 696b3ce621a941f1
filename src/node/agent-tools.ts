/**
 * @module What the image catalog needs on this host, prepared once under the data dir: a
 * directory of busybox applet links (first on a busybox container's PATH), an `agnhost`
 * launcher, and the argv that runs the built-in agnhost (the compiled module, or under tsx
 * when the agent itself runs from source). The applet links are hard links where the data dir
 * shares busybox's file system and the kernel allows it (root): a directory entry each, where a
 * symlink is a new inode — on this ext4 disk (no journal) some 0.3 ms of kernel CPU apiece,
 * ≈ 75-146 ms for busybox's ~260 applets on every fresh data dir (each `kubito up` of a new
 * cluster); elsewhere symlinks as before. A stamp file records the busybox it was made for
 * (inode, size, mtime) and its applets, so an agent restarted on the same data dir runs no
 * `busybox --list` and checks no link.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, linkSync, lstatSync, mkdirSync, readFileSync, readlinkSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HostBinaries } from './host-tools.js';
import { shellQuote } from './shell-quote.js';
import type { HostTools } from './images.js';

/** argv prefix running the built-in agnhost. */
export function agnhostArgv(): string[] {
  const js = fileURLToPath(new URL('./agnhost/main.js', import.meta.url));
  if (existsSync(js)) return [process.execPath, js];
  const ts = fileURLToPath(new URL('./agnhost/main.ts', import.meta.url));
  return [process.execPath, '--import', import.meta.resolve('tsx'), ts];
}

/** Which kind of link the directory gets: hard while the kernel allows it, then symbolic. */
interface LinkState {
  hard: boolean;
  /** The target's inode (hard links to it are kept as they are). */
  ino: number;
}

function link(target: string, path: string, state: LinkState): void {
  try {
    const st = lstatSync(path);
    if (st.isSymbolicLink() ? readlinkSync(path) === target : st.ino === state.ino) return;
    unlinkSync(path);
  } catch {
    // absent
  }
  if (state.hard) {
    try {
      linkSync(target, path);
      return;
    } catch {
      // Another file system (EXDEV), or not allowed (protected_hardlinks, rootless): symlinks.
      state.hard = false;
    }
  }
  symlinkSync(target, path);
}

/** The stamp's first line: which busybox the links are for. */
function identity(path: string): string {
  const st = statSync(path);
  return `${st.ino} ${st.size} ${Math.round(st.mtimeMs)}`;
}

/** Busybox's applets and a directory of links to it (made once per data dir and busybox). */
export function prepareBusyboxApplets(dir: string, busybox: string): string[] {
  mkdirSync(dir, { recursive: true });
  const stamp = join(dir, '.kubito-applets');
  const id = identity(busybox);
  try {
    const [first, ...rest] = readFileSync(stamp, 'utf8').split('\n').filter(Boolean);
    if (first === id && rest.length) return rest;
  } catch {
    // none yet
  }
  const applets = execFileSync(busybox, ['--list'], { encoding: 'utf8' }).split('\n').map((s) => s.trim()).filter((s) => /^[\w.[-]+$/.test(s));
  const state: LinkState = { hard: true, ino: statSync(busybox).ino };
  for (const a of applets) link(busybox, join(dir, a), state);
  writeFileSync(stamp, `${id}\n${applets.join('\n')}\n`);
  return applets;
}

export function prepareHostTools(dataDir: string, bin: HostBinaries): HostTools {
  const agnhost = agnhostArgv();
  const agnhostBin = join(dataDir, 'images', 'agnhost', 'bin');
  mkdirSync(agnhostBin, { recursive: true });
  const launcher = join(agnhostBin, 'agnhost');
  writeFileSync(launcher, `#!/bin/sh\nexec ${agnhost.map(shellQuote).join(' ')} "$@"\n`);
  chmodSync(launcher, 0o755);
  const tools: HostTools = { nginx: bin.nginx, agnhost, agnhostBin, exists: existsSync };
  if (bin.busybox) {
    const busyboxBin = join(dataDir, 'images', 'busybox', 'bin');
    const applets = prepareBusyboxApplets(busyboxBin, bin.busybox);
    tools.busybox = bin.busybox;
    tools.busyboxBin = busyboxBin;
    tools.applets = new Set(applets);
  }
  return tools;
}
