/**
 * @module What the image catalog needs on this host, prepared once under the data dir: a
 * directory of busybox applet links (first on a busybox container's PATH), an `agnhost`
 * launcher, and the argv that runs the built-in agnhost (the compiled module, or under tsx
 * when the agent itself runs from source).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readlinkSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HostBinaries } from './host-tools.js';
import { shellQuote } from './container-process.js';
import type { HostTools } from './images.js';

/** argv prefix running the built-in agnhost. */
export function agnhostArgv(): string[] {
  const js = fileURLToPath(new URL('./agnhost/main.js', import.meta.url));
  if (existsSync(js)) return [process.execPath, js];
  const ts = fileURLToPath(new URL('./agnhost/main.ts', import.meta.url));
  return [process.execPath, '--import', import.meta.resolve('tsx'), ts];
}

function link(target: string, path: string): void {
  try {
    if (readlinkSync(path) === target) return;
    unlinkSync(path);
  } catch {
    // absent
  }
  symlinkSync(target, path);
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
    mkdirSync(busyboxBin, { recursive: true });
    const applets = execFileSync(bin.busybox, ['--list'], { encoding: 'utf8' }).split('\n').map((s) => s.trim()).filter((s) => /^[\w.[-]+$/.test(s));
    for (const a of applets) link(bin.busybox, join(busyboxBin, a));
    tools.busybox = bin.busybox;
    tools.busyboxBin = busyboxBin;
    tools.applets = new Set(applets);
  }
  return tools;
}
