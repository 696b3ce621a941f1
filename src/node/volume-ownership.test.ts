import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setVolumeOwnership } from './volume-ownership.js';
import { writeAtomically } from './atomic-writer.js';

const asRoot = process.getuid?.() === 0;

test('fsGroup on an emptyDir: group-owned, setgid directories, group read and write (SetVolumeOwnership)', { skip: asRoot ? false : 'chown needs root' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-own-'));
  try {
    const vol = join(dir, 'vol');
    mkdirSync(join(vol, 'sub'), { recursive: true });
    chmodSync(vol, 0o777);
    chmodSync(join(vol, 'sub'), 0o700);
    writeFileSync(join(vol, 'sub', 'f'), 'x', { mode: 0o600 });
    symlinkSync('sub/f', join(vol, 'link'));
    setVolumeOwnership(vol, 2000, { readOnly: false });
    const mode = (p: string): string => (statSync(p).mode & 0o7777).toString(8);
    assert.equal(mode(vol), '2777');
    assert.equal(mode(join(vol, 'sub')), '2770');
    assert.equal(mode(join(vol, 'sub', 'f')), '660');
    for (const p of [vol, join(vol, 'sub'), join(vol, 'sub', 'f')]) assert.equal(statSync(p).gid, 2000);
    assert.equal(lstatSync(join(vol, 'link')).gid, 2000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a projected token with an FsUser and fsGroup: 0600 owned by the user, then group read (0640)', { skip: asRoot ? false : 'chown needs root' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-own-'));
  try {
    const vol = join(dir, 'sa');
    const payload = new Map([
      ['token', { data: Buffer.from('jwt'), mode: 0o600, fsUser: 1000 }],
      ['ca.crt', { data: Buffer.from('ca'), mode: 0o644 }],
    ]);
    writeAtomically(vol, payload, { setPerms: (d) => setVolumeOwnership(d, 2000, { readOnly: true }) });
    const token = statSync(join(vol, 'token'));
    assert.deepEqual([(token.mode & 0o7777).toString(8), token.uid, token.gid], ['640', 1000, 2000]);
    const ca = statSync(join(vol, 'ca.crt'));
    assert.deepEqual([(ca.mode & 0o7777).toString(8), ca.uid, ca.gid], ['644', 0, 2000]);
    assert.equal((statSync(vol).mode & 0o7777).toString(8), '2755');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a container-writable volume\'s symlinks never lead the walk out of it: lchown on the link, no chmod through it, no descent into a linked directory', { skip: asRoot ? false : 'chown needs root' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-own-'));
  try {
    const vol = join(dir, 'vol');
    const host = join(dir, 'host');
    mkdirSync(vol);
    mkdirSync(join(host, 'sub'), { recursive: true, mode: 0o700 });
    writeFileSync(join(host, 'secret'), 's', { mode: 0o600 });
    writeFileSync(join(host, 'sub', 'f'), 'f', { mode: 0o600 });
    // What a container could leave in its emptyDir: links to a file and to a directory of the host.
    symlinkSync(join(host, 'secret'), join(vol, 'to-file'));
    symlinkSync(host, join(vol, 'to-dir'));
    setVolumeOwnership(vol, 2000, { readOnly: false });
    for (const p of [host, join(host, 'secret'), join(host, 'sub'), join(host, 'sub', 'f')]) {
      const st = statSync(p);
      assert.deepEqual([st.gid, st.mode & 0o2070], [0, 0], `${p} was changed`);
    }
    for (const link of ['to-file', 'to-dir']) assert.equal(lstatSync(join(vol, link)).gid, 2000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
