import { test } from 'node:test';
import { spawn, execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execArgv, exitCodeOf, findTerminal, giveFifos, launchArgv, resizeTerminal, setupScript, type LaunchSpec } from './container-process.js';
import { shellQuote } from './shell-quote.js';
import type { HostBinaries } from './host-tools.js';

const bin: HostBinaries = { ip: '/usr/sbin/ip', unshare: '/usr/bin/unshare', nsenter: '/usr/bin/nsenter', mount: '/usr/bin/mount', hostname: '/usr/bin/hostname', script: '/usr/bin/script', stty: '/usr/bin/stty', mkfifo: '/usr/bin/mkfifo', sh: '/bin/sh' };
const spec: LaunchSpec = {
  netns: 'kubito-demo-p0123abcd',
  baseDir: '/d',
  fifos: { stdout: '/d/c/0.log.stdout', stderr: '/d/c/0.log.stderr' },
  hostname: 'web',
  etc: { hosts: '/d/etc/hosts', resolvConf: '/d/etc/resolv.conf', hostname: '/d/etc/hostname' },
  mounts: [{ source: '/d/volumes/cache', target: '/var/cache', readOnly: true }],
  workingDir: '/tmp',
  env: {},
  argv: ['sh', '-c', "echo 'hi'"],
  tty: false,
  stdin: false,
};

test('the container wrapper: from the pod dir, the FIFOs opened before the mounts, hostname, /etc files and mounts by relative paths, stdio moved to the FIFOs, cwd, exec', () => {
  assert.equal(
    setupScript(spec, bin),
    'cd /d && exec 3>c/0.log.stdout 4>c/0.log.stderr && { printf %s web 2>/dev/null >/proc/sys/kernel/hostname || /usr/bin/hostname web; } && { [ ! -e /etc/hosts ] || /usr/bin/mount --bind etc/hosts /etc/hosts; } && { [ ! -e /etc/resolv.conf ] || /usr/bin/mount --bind etc/resolv.conf /etc/resolv.conf; } && { [ ! -e /etc/hostname ] || /usr/bin/mount --bind etc/hostname /etc/hostname; } && /usr/bin/mount -o bind,ro volumes/cache /var/cache || exit 128\n' +
      'exec >&3 2>&4 3>&- 4>&-\ncd /tmp || exit 128\nexec "$@"\n',
  );
  const argv = launchArgv(spec, bin);
  assert.deepEqual(argv.slice(0, 16), ['/usr/sbin/ip', 'netns', 'exec', 'kubito-demo-p0123abcd', '/usr/bin/unshare', '--uts', '--ipc', '--mount', '--propagation', 'private', '--pid', '--fork', '--mount-proc', '--kill-child', '--', '/bin/sh']);
  assert.deepEqual(argv.slice(-4), ['kubito-init', 'sh', '-c', "echo 'hi'"]);
});

test('with busybox, the /etc files are bound by its mount; volumes still by util-linux mount', () => {
  assert.match(setupScript(spec, { ...bin, busybox: '/bin/busybox' }), / && \{ \[ ! -e \/etc\/hosts \] \|\| \/bin\/busybox mount -o bind etc\/hosts \/etc\/hosts; \} && .* && \/usr\/bin\/mount -o bind,ro volumes\/cache \/var\/cache \|\| exit 128\n/);
});

test('with busybox and the pod\'s fstab, one mount process binds the /etc files', () => {
  const script = setupScript({ ...spec, etc: { ...spec.etc, fstab: '/d/etc/fstab' } }, { ...bin, busybox: '/bin/busybox' });
  assert.match(script, /^cd \/d && exec 3>\S+ 4>\S+ && \{ printf .*; \} && \/bin\/busybox mount -a -T etc\/fstab && \/usr\/bin\/mount -o bind,ro volumes\/cache \/var\/cache \|\| exit 128\n/);
  // Without busybox, one mount per file as before.
  assert.match(setupScript({ ...spec, etc: { ...spec.etc, fstab: '/d/etc/fstab' } }, bin), /\/usr\/bin\/mount --bind etc\/hosts \/etc\/hosts/);
});

test('with a TTY the program runs under script; exec enters the namespaces with nsenter', () => {
  const tty = setupScript({ ...spec, tty: true, argv: ['sh'] }, bin);
  assert.match(tty, /\nexec \/usr\/bin\/script -q -e -f -c 'exec sh' \/dev\/null\n$/);
  assert.deepEqual(launchArgv({ ...spec, tty: true }, bin).slice(-1), ['kubito-init']);
  assert.deepEqual(execArgv(4242, ['cat', '/etc/resolv.conf'], { workingDir: '', tty: false }, bin), ['/usr/bin/nsenter', '-t', '4242', '-n', '-u', '-i', '-m', '-p', '--wd=/', '--', 'cat', '/etc/resolv.conf']);
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
});

test('an ephemeral container with a target: the chain enters its PID namespace (nsenter -p) and unshares the rest', () => {
  const argv = launchArgv({ ...spec, targetPid: 4242 }, bin);
  assert.deepEqual(argv.slice(3, 16), [spec.netns, '/usr/bin/nsenter', '-t', '4242', '-p', '--', '/usr/bin/unshare', '--uts', '--ipc', '--mount', '--propagation', 'private', '--fork']);
  assert.ok(launchArgv(spec, bin).includes('--pid'));
});

test('exit codes: 128 + signal; unshare\'s "sigprocmask unblock failed" is a SIGKILL', () => {
  assert.equal(exitCodeOf({ code: 3, signal: null, runtimeMessage: '' }), 3);
  assert.equal(exitCodeOf({ code: null, signal: 'SIGKILL', runtimeMessage: '' }), 137);
  assert.equal(exitCodeOf({ code: null, signal: 'SIGTERM', runtimeMessage: '' }), 143);
  assert.equal(exitCodeOf({ code: 1, signal: null, runtimeMessage: 'unshare: sigprocmask unblock failed: Invalid argument' }), 137);
  assert.equal(exitCodeOf({ code: 1, signal: null, runtimeMessage: '' }), 1);
});

test('resizeTerminal resolves once the size is set, so that sizes applied in turn land in order', async () => {
  // kubectl attach sends its size plus one, then its size: the second must be the one that stays.
  const child = spawn(bin.script, ['-q', '-e', '-f', '-c', 'exec sleep 30', '/dev/null'], { stdio: 'ignore' });
  try {
    let tty: string | undefined;
    for (let i = 0; i < 100 && !tty; i++) {
      await new Promise((r) => setTimeout(r, 20));
      tty = findTerminal(child.pid!);
    }
    assert.ok(tty, 'script gave its child a terminal');
    for (const [height, width] of [[30, 84], [29, 83]]) {
      await resizeTerminal(bin, child.pid!, { width, height });
      assert.equal(execFileSync(bin.stty, ['-F', tty, 'size'], { encoding: 'utf8' }).trim(), `${height} ${width}`);
    }
  } finally {
    child.kill('SIGKILL');
  }
});

test('the shell chain\'s overlays: a tmpfs on the pod\'s scratch dir, kept mounts bound aside and moved back, the overlay (userxattr where refused), mount points, then -c binds', () => {
  const script = setupScript({ ...spec, overlays: [{ dir: '/run', keep: ['/run/netns'], mode: 0o755, uid: 0, gid: 0 }], create: [{ path: '/run/secrets/sa', kind: 'dir' }, { path: '/run/one/file', kind: 'file' }], overlayScratch: '/d/.overlays' }, { ...bin, mkdir: '/bin/mkdir' });
  const line = script.split('\n')[0].replace(/ \|\| exit 128$/, '');
  assert.equal(line.slice(line.indexOf('/usr/bin/mount -c -t tmpfs')), [
    '/usr/bin/mount -c -t tmpfs -o mode=0700 kubito-overlays .overlays',
    '/bin/mkdir -m 755 .overlays/u0',
    '/bin/mkdir .overlays/w0 .overlays/k0-0',
    '{ [ ! -e /run/netns ] || { /usr/bin/mount -c --rbind /run/netns .overlays/k0-0 && kept0_0=1; }; }',
    "{ /usr/bin/mount -c -t overlay -o lowerdir=/run,upperdir=.overlays/u0,workdir=.overlays/w0 kubito-overlay /run 2>/dev/null || /usr/bin/mount -c -t overlay -o lowerdir=/run,upperdir=.overlays/u0,workdir=.overlays/w0,userxattr kubito-overlay /run; }",
    '{ [ -z "${kept0_0-}" ] || /usr/bin/mount -c --move .overlays/k0-0 /run/netns; }',
    '/bin/mkdir -p /run/secrets/sa /run/one',
    ': >>/run/one/file',
    '{ [ ! -e /etc/hosts ] || /usr/bin/mount --bind etc/hosts /etc/hosts; }',
    '{ [ ! -e /etc/resolv.conf ] || /usr/bin/mount --bind etc/resolv.conf /etc/resolv.conf; }',
    '{ [ ! -e /etc/hostname ] || /usr/bin/mount --bind etc/hostname /etc/hostname; }',
    '/usr/bin/mount -c -o bind,ro volumes/cache /var/cache',
  ].join(' && '));
});

test('a read-only root in the shell chain: `/` and each overlaid directory remounted read-only after the binds (which stay as they are), then setpriv', () => {
  const identity = { setUser: false, uid: 0, gid: 0, groups: [], noNewPrivs: false, readOnlyRoot: true, home: '/root', imageEtc: false };
  const script = setupScript({ ...spec, identity, overlays: [{ dir: '/run', keep: [] }, { dir: '/tmp', keep: [] }], create: [{ path: '/run/secrets/sa', kind: 'dir' }], overlayScratch: '/d/.overlays' }, { ...bin, mkdir: '/bin/mkdir', setpriv: '/usr/bin/setpriv' });
  const first = script.split('\n')[0];
  assert.ok(first.endsWith(' && /usr/bin/mount -c -o bind,ro volumes/cache /var/cache && /usr/bin/mount -o remount,bind,ro / && /usr/bin/mount -o remount,bind,ro /run && /usr/bin/mount -o remount,bind,ro /tmp || exit 128'), first);
  assert.match(script, /\nexec \/usr\/bin\/setpriv -- "\$@"\n$/);
});

test('giveFifos: the run\'s FIFOs owned by the container\'s user, their group kept (runc\'s fixStdioPermissions), so it can open /dev/stdout', { skip: process.getuid?.() === 0 ? false : 'chown needs root' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-fifos-'));
  try {
    const fifos = { stdout: join(dir, 'out'), stderr: join(dir, 'err') };
    execFileSync('mkfifo', ['-m', '600', fifos.stdout, fifos.stderr]);
    giveFifos(fifos, 1000);
    for (const f of [fifos.stdout, fifos.stderr]) {
      const st = statSync(f);
      assert.deepEqual([st.uid, st.gid, st.mode & 0o777], [1000, 0, 0o600]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
