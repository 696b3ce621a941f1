import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { containerMounts } from './volume-mounts.js';

test('subPath: joined to the volume (a missing one made, a directory), a file made a file mount point; one leaving the volume refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-vm-'));
  try {
    const vol = join(dir, 'vol');
    mkdirSync(vol);
    writeFileSync(join(vol, 'app.conf'), 'x');
    const volumes = new Map([['v', vol]]);
    const mountinfo = () => '20 1 8:1 / / rw - ext4 /dev/sda1 rw\n';
    const r = containerMounts(
      [
        { name: 'v', mountPath: '/etc/kubito-vm-test/app.conf', subPath: 'app.conf', readOnly: true },
        { name: 'v', mountPath: '/etc/kubito-vm-test/data', subPath: 'a/b' },
        { name: 'v', mountPath: '/etc/x', subPath: '../escape' },
        { name: 'gone', mountPath: '/etc/y' },
      ],
      volumes,
      { owned: [dir], rootOverlay: true, mountinfo },
    );
    assert.ok(statSync(join(vol, 'a/b')).isDirectory());
    assert.deepEqual(r.mounts, [
      { source: join(vol, 'app.conf'), target: '/etc/kubito-vm-test/app.conf', readOnly: true },
      { source: join(vol, 'a/b'), target: '/etc/kubito-vm-test/data', readOnly: undefined },
    ]);
    assert.deepEqual(r.create, [{ path: '/etc/kubito-vm-test/app.conf', kind: 'file' }, { path: '/etc/kubito-vm-test/data', kind: 'dir' }]);
    assert.deepEqual(r.overlays?.map((o) => o.dir), ['/etc']);
    assert.match(r.failed.get('v') ?? '', /subPath \.\.\/escape must be a relative path that does not leave the volume/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
