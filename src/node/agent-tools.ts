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
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HostBinaries } from './host-tools.js';
import { shellQuote } from './shell-quote.js';
import type { HostTools } from './images.js';
import { BUSYBOX_GROUP, BUSYBOX_PASSWD, parseAccounts } from './security-context.js';

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

export function prepareHostTools(dataDir: string, bin: HostBinaries, options: { publicDir?: string } = {}): HostTools {
  const agnhost = agnhostArgv();
  const agnhostBin = join(dataDir, 'images', 'agnhost', 'bin');
  mkdirSync(agnhostBin, { recursive: true });
  const launcher = join(agnhostBin, 'agnhost');
  writeFileSync(launcher, `#!/bin/sh\nexec ${agnhost.map(shellQuote).join(' ')} "$@"\n`);
  chmodSync(launcher, 0o755);
  const tools: HostTools = { nginx: bin.nginx, agnhost, agnhostBin, exists: existsSync };
  if (bin.busybox) {
    let busyboxBin = join(dataDir, 'images', 'busybox', 'bin');
    // A container run as another user (securityContext) searches its PATH as that user: where the
    // data dir is not reachable by others (under root's home, 0700), the applets are linked from
    // a public directory (`options.publicDir`, on /run: symlinks, no disk inode) instead.
    if (options.publicDir && !searchableByAll(dirname(busyboxBin))) {
      const pub = join(options.publicDir, 'busybox', 'bin');
      try {
        mkdirSync(pub, { recursive: true, mode: 0o755 });
        for (let d = pub; d !== dirname(options.publicDir); d = dirname(d)) chmodSync(d, 0o755);
        busyboxBin = pub;
      } catch {
        // not writable (rootless): the data dir's, as before
      }
    }
    const applets = prepareBusyboxApplets(busyboxBin, bin.busybox);
    tools.busybox = bin.busybox;
    tools.busyboxBin = busyboxBin;
    tools.applets = new Set(applets);
    // The image's accounts (security-context.ts), bound over /etc/passwd and /etc/group of a
    // container given a user: `id` shows uid=1000, not the host's name for it.
    const etc = join(dataDir, 'images', 'busybox', 'etc');
    mkdirSync(etc, { recursive: true });
    tools.busyboxEtc = { passwd: join(etc, 'passwd'), group: join(etc, 'group') };
    writeIfChanged(tools.busyboxEtc.passwd, BUSYBOX_PASSWD);
    writeIfChanged(tools.busyboxEtc.group, BUSYBOX_GROUP);
    tools.busyboxAccounts = parseAccounts(BUSYBOX_PASSWD, BUSYBOX_GROUP);
  }
  return tools;
}

/** Writes `text` (mode 0644) unless the file already holds it: a restarted agent writes nothing. */
function writeIfChanged(path: string, text: string): void {
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return;
  writeFileSync(path, text, { mode: 0o644 });
  chmodSync(path, 0o644);
}

/** Whether every directory from `/` down to `path` lets others search it (mode o+x). */
function searchableByAll(path: string): boolean {
  try {
    for (let d = path; ; d = dirname(d)) {
      if (!(statSync(d).mode & 0o001)) return false;
      if (d === dirname(d)) return true;
    }
  } catch {
    return false;
  }
}
