import { test } from 'node:test';
import assert from 'node:assert/strict';
import { childMounts, planMounts, resolvePath, type FsView, type MountRequest } from './mount-plan.js';

/** A host as a table: `d` directory, `f` file, `-> x` symlink. */
function fakeFs(table: Record<string, string>): FsView {
  return {
    lstat(path) {
      const v = table[path];
      if (v === undefined) return path === '/' ? { kind: 'dir' } : undefined;
      if (v.startsWith('-> ')) return { kind: 'symlink', link: v.slice(3) };
      return { kind: v === 'd' ? 'dir' : 'file' };
    },
  };
}

const host = fakeFs({
  '/etc': 'd', '/etc/hosts': 'f', '/etc/ssl': 'd', '/var': 'd', '/var/run': '-> ../run', '/run': 'd', '/run/netns': 'd',
  '/srv': 'd', '/loop': '-> /loop2', '/loop2': '-> /loop', '/data': '-> /missing/dir', '/kubito': 'd', '/kubito/pod': 'd', '/kubito/pod/vol': 'd',
});

// /proc/self/mountinfo: the root, /proc, /run/netns (a bind with a namespace below it), /etc/ssl/private a tmpfs, and a stacked mount on /srv.
const MOUNTINFO = [
  '20 1 8:1 / / rw - ext4 /dev/sda1 rw',
  '21 20 0:5 / /proc rw - proc proc rw',
  '22 20 0:24 /run/netns /run/netns rw shared:5 - tmpfs tmpfs rw',
  '23 22 0:4 net:[1] /run/netns/kubito-x-p1 rw - nsfs nsfs rw',
  '24 20 0:30 / /etc/ssl/private rw - tmpfs tmpfs rw',
  '25 20 0:31 / /srv rw - tmpfs tmpfs rw',
  '26 25 0:32 / /srv rw - tmpfs tmpfs rw',
  '27 26 0:33 / /srv/a\\040b rw - tmpfs tmpfs rw',
  '',
].join('\n');

const req = (target: string, extra: Partial<MountRequest> = {}): MountRequest => ({ name: target.split('/').pop()!, source: `/kubito/pod/vol${target}`, target, sourceKind: 'dir', ...extra });
const owned = (s: string) => s.startsWith('/kubito/');

test('resolvePath: symlinks resolved as the kernel does, as far as the path exists', () => {
  assert.deepEqual(resolvePath('/var/run/secrets/kubernetes.io/serviceaccount', host), { existing: '/run', missing: ['secrets', 'kubernetes.io', 'serviceaccount'] });
  assert.deepEqual(resolvePath('/etc/hosts', host), { existing: '/etc/hosts', missing: [] });
  assert.deepEqual(resolvePath('/etc/./config/../cfg', host), { existing: '/etc', missing: ['cfg'] });
  assert.deepEqual(resolvePath('/data/x', host), { existing: '/', missing: ['missing', 'dir', 'x'] });
  assert.throws(() => resolvePath('/loop/x', host), /too many levels of symbolic links/);
  assert.throws(() => resolvePath('/etc/hosts/x', host), /\/etc\/hosts is not a directory/);
  assert.throws(() => resolvePath('etc', host), /not an absolute path/);
});

test('childMounts: the mounts an overlay on a directory would hide, whose parent holds the directory', () => {
  assert.deepEqual(childMounts(MOUNTINFO, '/'), ['/etc/ssl/private', '/proc', '/run/netns', '/srv']);
  assert.deepEqual(childMounts(MOUNTINFO, '/run'), ['/run/netns']);
  assert.deepEqual(childMounts(MOUNTINFO, '/etc'), ['/etc/ssl/private']);
  // A stack on /srv: the top one holds it; its child's name unescaped.
  assert.deepEqual(childMounts(MOUNTINFO, '/srv'), ['/srv/a b']);
  assert.deepEqual(childMounts(MOUNTINFO, '/var'), []);
  // What the agent leaves hidden (its network namespace handles) is not put back.
  assert.deepEqual(childMounts(MOUNTINFO, '/run', ['/run/netns']), []);
  assert.deepEqual(childMounts(MOUNTINFO, '/', ['/run/netns']), ['/etc/ssl/private', '/proc', '/srv']);
});

test('planMounts: existing targets bind as before, with nothing else (pods that need none pay no mount table read)', () => {
  const plan = planMounts([req('/etc/ssl', { readOnly: true }), req('/srv')], { fs: host, mountinfo: () => assert.fail('read'), rootOverlay: true, owned });
  assert.deepEqual(plan, {
    overlays: [], create: [], createInVolume: [], failed: [],
    // Parents first: by depth, as runtimes sort mounts.
    mounts: [{ source: '/kubito/pod/vol/srv', target: '/srv', readOnly: undefined }, { source: '/kubito/pod/vol/etc/ssl', target: '/etc/ssl', readOnly: true }],
  });
});

test('planMounts: the service account path, a ConfigMap under /etc and two volumes under one new directory', () => {
  const plan = planMounts(
    [req('/var/run/secrets/kubernetes.io/serviceaccount', { readOnly: true }), req('/etc/config/a'), req('/etc/config/b', { sourceKind: 'file' }), req('/etc/hosts')],
    { fs: host, mountinfo: () => MOUNTINFO, rootOverlay: false, owned },
  );
  assert.deepEqual(plan.overlays, [{ dir: '/etc', keep: ['/etc/ssl/private'] }, { dir: '/run', keep: ['/run/netns'] }]);
  assert.deepEqual(plan.create, [
    { path: '/etc/config/a', kind: 'dir' },
    { path: '/etc/config/b', kind: 'file' },
    { path: '/run/secrets/kubernetes.io/serviceaccount', kind: 'dir' },
  ]);
  assert.deepEqual(plan.mounts.map((m) => m.target), ['/etc/hosts', '/etc/config/a', '/etc/config/b', '/run/secrets/kubernetes.io/serviceaccount']);
  assert.deepEqual(plan.failed, []);
});

test('planMounts: below /, an overlay on the root where the launcher can, else the kubelet-style FailedMount', () => {
  const native = planMounts([req('/opt/x')], { fs: host, mountinfo: () => MOUNTINFO, rootOverlay: true, owned });
  assert.deepEqual(native.overlays, [{ dir: '/', keep: ['/etc/ssl/private', '/proc', '/run/netns', '/srv'] }]);
  assert.deepEqual(native.create, [{ path: '/opt/x', kind: 'dir' }]);
  const shell = planMounts([req('/opt/x'), req('/etc/y')], { fs: host, mountinfo: () => MOUNTINFO, rootOverlay: false, owned });
  assert.deepEqual(shell.overlays.map((o) => o.dir), ['/etc']);
  assert.deepEqual(shell.mounts.map((m) => m.target), ['/etc/y']);
  assert.equal(shell.failed.length, 1);
  assert.match(shell.failed[0].message, /^MountVolume\.SetUp failed for volume "x" : mount path \/opt\/x: the host has no \/opt, and the shell chain \(KUBITO_LAUNCHER=shell\) does not overlay the root directory; the native launcher does$/);
});

test('planMounts: a target below another volume is made inside that volume (kubito\'s), a hostPath\'s is refused', () => {
  const plan = planMounts([req('/srv/cache/x'), req('/srv')], { fs: host, mountinfo: () => MOUNTINFO, rootOverlay: true, owned });
  assert.deepEqual(plan.mounts.map((m) => m.target), ['/srv', '/srv/cache/x']);
  assert.deepEqual(plan.createInVolume, [{ path: '/kubito/pod/vol/srv/cache/x', kind: 'dir' }]);
  assert.deepEqual(plan.overlays, []);
  const hostPath = planMounts([{ ...req('/srv'), source: '/srv' }, req('/srv/new')], { fs: host, mountinfo: () => MOUNTINFO, rootOverlay: true, owned });
  assert.match(hostPath.failed[0].message, /mount path \/srv\/new is inside \/srv, which has no new/);
});

test('planMounts: a path through a loop or a file is a FailedMount', () => {
  const plan = planMounts([req('/loop/a'), req('/etc/hosts/b')], { fs: host, mountinfo: () => MOUNTINFO, rootOverlay: true, owned });
  assert.deepEqual(plan.failed.map((f) => f.message), [
    'MountVolume.SetUp failed for volume "a" : mount path /loop/a: too many levels of symbolic links in /loop/a',
    'MountVolume.SetUp failed for volume "b" : mount path /etc/hosts/b: /etc/hosts is not a directory',
  ]);
});
