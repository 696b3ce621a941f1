import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findExecutable } from './host-tools.js';
import { prepareBusyboxApplets } from './agent-tools.js';

const busybox = findExecutable('busybox');
const sameFs = (a: string, b: string): boolean => statSync(a).dev === statSync(b).dev;

test('busybox applets: hard links on busybox\'s file system (root), made once per busybox; a stale set is redone', { skip: !busybox && 'no busybox (apt-get install busybox)' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-applets-'));
  try {
    const bin = join(dir, 'bin');
    const applets = prepareBusyboxApplets(bin, busybox!);
    assert.ok(applets.includes('sh') && applets.includes('wget'), 'busybox --list');
    const sh = lstatSync(join(bin, 'sh'));
    if (process.getuid?.() === 0 && sameFs(dir, busybox!)) {
      assert.equal(sh.isSymbolicLink(), false);
      assert.equal(sh.ino, statSync(busybox!).ino, 'a hard link to busybox');
    } else {
      assert.equal(readlinkSync(join(bin, 'sh')), busybox);
    }
    // Made once: the stamp answers (a link removed meanwhile is not checked again).
    unlinkSync(join(bin, 'wget'));
    assert.deepEqual(prepareBusyboxApplets(bin, busybox!), applets);
    assert.equal(existsSync(join(bin, 'wget')), false);
    // Another busybox (its identity changed): listed and linked again.
    const stamp = join(bin, '.kubito-applets');
    writeFileSync(stamp, readFileSync(stamp, 'utf8').replace(/^[^\n]*/, '1 2 3'));
    assert.deepEqual(prepareBusyboxApplets(bin, busybox!), applets);
    assert.ok(existsSync(join(bin, 'wget')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('busybox applets on another file system than busybox: symlinks', { skip: !busybox && 'no busybox' }, () => {
  const base = existsSync('/dev/shm') && !sameFs('/dev/shm', busybox!) ? '/dev/shm' : undefined;
  if (!base) return; // no second file system here: the first test covers the symlink path
  const dir = mkdtempSync(join(base, 'kubito-applets-'));
  try {
    prepareBusyboxApplets(join(dir, 'bin'), busybox!);
    assert.equal(readlinkSync(join(dir, 'bin', 'sh')), busybox);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
