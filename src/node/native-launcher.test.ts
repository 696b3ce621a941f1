import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerProcess, exitCodeOf, makeFifos, type LaunchSpec } from './container-process.js';
import { findHostBinaries, isExecutable, type HostBinaries } from './host-tools.js';
import { chooseLauncher, LauncherChoiceError, nativeLaunchArgv, nativeLauncherPath } from './native-launcher.js';
import { ExecRunner } from './runner.js';
import type { ProcessIdentity } from './security-context.js';
import { launchRequest, parseReports, ShellRunner, startBlock } from './shell-runner.js';

const spec: LaunchSpec = {
  netns: 'kubito-demo-p0123abcd',
  baseDir: '/d',
  fifos: { stdout: '/d/c/0.log.stdout', stderr: '/d/c/0.log.stderr' },
  hostname: 'web',
  etc: { hosts: '/d/etc/hosts', resolvConf: '/s/etc/resolv.conf', hostname: '/d/etc/hostname', fstab: '/d/etc/fstab' },
  mounts: [{ source: '/d/volumes/cache', target: '/var/cache', readOnly: true }, { source: '/d/volumes/data', target: '/data' }],
  workingDir: '',
  env: { PATH: '/bin', A: 'x y' },
  argv: ['sh', '-c', "echo 'hi'"],
  tty: false,
  stdin: false,
};

test('the native argv: everything the shell script did, pod-dir paths relative, env as --env words', () => {
  assert.deepEqual(nativeLaunchArgv(spec, { launcher: '/k/build/kubito-launch', script: '/usr/bin/script' }), [
    '/k/build/kubito-launch', '--netns', 'kubito-demo-p0123abcd', '--hostname', 'web', '--dir', '/d',
    '--bind-etc', 'etc/hosts', '/etc/hosts', '--bind-etc', '/s/etc/resolv.conf', '/etc/resolv.conf', '--bind-etc', 'etc/hostname', '/etc/hostname',
    '--bind-ro', 'volumes/cache', '/var/cache', '--bind', 'volumes/data', '/data',
    '--stdout', 'c/0.log.stdout', '--stderr', 'c/0.log.stderr', '--cwd', '/',
    '--env', 'PATH=/bin', '--env', 'A=x y', '--', 'sh', '-c', "echo 'hi'",
  ]);
  // Paths the prefix test cannot vouch for go through path.relative: `..` segments, a sibling
  // directory sharing the prefix, the directory itself.
  const odd = nativeLaunchArgv({ ...spec, baseDir: '/d/', fifos: { stdout: '/d/x/../c/0.log.stdout', stderr: '/dd/0.log.stderr' }, mounts: [{ source: '/d', target: '/m' }] }, { launcher: 'L', script: 'S' });
  assert.deepEqual(odd.slice(odd.indexOf('--bind'), odd.indexOf('--cwd')), ['--bind', '/d', '/m', '--stdout', 'c/0.log.stdout', '--stderr', '/dd/0.log.stderr']);
  // A pool sandbox the launcher names for the pod: --adopt-netns follows --netns.
  assert.deepEqual(nativeLaunchArgv({ ...spec, adoptNetns: 'kubito-demo-w00aa11bb' }, { launcher: 'L', script: 'S' }).slice(0, 5), ['L', '--netns', 'kubito-demo-p0123abcd', '--adopt-netns', 'kubito-demo-w00aa11bb']);
  const tty = nativeLaunchArgv({ ...spec, tty: true }, { launcher: 'L', script: '/usr/bin/script' });
  assert.deepEqual(tty.slice(tty.indexOf('--')), ['--', '/usr/bin/script', '-q', '-e', '-f', '-c', `exec sh -c 'echo '\\''hi'\\'''`, '/dev/null']);
});

test('the helper starts the native launcher without env -i; it reports its program on the helper\'s stdout', () => {
  assert.equal(startBlock(4, ['/k/kubito-launch', '--env', 'A=x y', '--', 'true'], { dir: '/d', env: { A: 'x y' }, envProgram: '/usr/bin/env', envInArgv: true }), `(KUBITO_LAUNCH_REPORT=4 /k/kubito-launch --env 'A=x y' -- true 2>/d/4.err </dev/null & echo "P 4 $!"; wait $!; echo "4 $?") &\n`);
  assert.deepEqual(parseReports('P 4 100\nS 4 101\n4 0\n').reports, [{ id: 4, pid: 100 }, { id: 4, program: 101 }, { id: 4, code: 0 }]);
});

test('chooseLauncher: native when built, shell when asked or not built, a forced native without the program is an error', () => {
  const absent = join(tmpdir(), 'kubito-no-such-dir', 'kubito-launch');
  assert.deepEqual(chooseLauncher({}, { path: '/bin/true' }), { kind: 'native', path: '/bin/true', reason: '/bin/true built' });
  assert.equal(chooseLauncher({ KUBITO_LAUNCHER: 'shell' }, { path: '/bin/true' }).kind, 'shell');
  assert.equal(chooseLauncher({ KUBITO_LAUNCHER: 'native' }, { path: '/bin/true' }).reason, 'KUBITO_LAUNCHER=native');
  assert.deepEqual(chooseLauncher({}, { path: absent }), { kind: 'shell', reason: `${absent} not built` });
  assert.throws(() => chooseLauncher({ KUBITO_LAUNCHER: 'native' }, { path: absent }), LauncherChoiceError);
  assert.throws(() => chooseLauncher({ KUBITO_LAUNCHER: 'fast' }, { path: '/bin/true' }), /expected native, shell or auto/);
});

// A real container through the native launcher: root, a network namespace of our own.
const NETNS = `kubito-t-nl${process.pid}`;
// A warm pool sandbox and the name a pod gives it (the launcher binds it: --adopt-netns).
const POOL_NETNS = `kubito-t-nl${process.pid}w`;
const ADOPTED_NETNS = `kubito-t-nl${process.pid}a`;
const built = nativeLauncherPath();
let dir = '';
let bin: HostBinaries;
let helper: ShellRunner;

before(() => {
  // Fails, not skips, without the program: run `node scripts/build-native.js` first.
  assert.ok(isExecutable(built), `the native launcher ${built} was not built (node scripts/build-native.js)`);
  bin = { ...findHostBinaries(), launcher: built };
  execFileSync(bin.ip, ['netns', 'add', NETNS]);
  execFileSync(bin.ip, ['-n', NETNS, 'link', 'set', 'lo', 'up']);
  execFileSync(bin.ip, ['netns', 'add', POOL_NETNS]);
  execFileSync(bin.ip, ['-n', POOL_NETNS, 'link', 'add', 'pool0', 'type', 'veth', 'peer', 'name', 'pool1']);
  dir = mkdtempSync(join(tmpdir(), 'kubito-t-nl-'));
  mkdirSync(join(dir, 'etc'));
  mkdirSync(join(dir, 'c'));
  mkdirSync(join(dir, 'vol'));
  writeFileSync(join(dir, 'etc/hosts'), '127.0.0.1\tlocalhost\n10.244.0.7\tweb\n');
  writeFileSync(join(dir, 'etc/resolv.conf'), 'search default.svc.cluster.local\nnameserver 10.96.0.10\n');
  writeFileSync(join(dir, 'etc/hostname'), 'web\n');
  writeFileSync(join(dir, 'vol/data.txt'), 'volume data\n');
  helper = new ShellRunner({ sh: '/bin/bash', dir: join(dir, 'runner') });
});

after(() => {
  helper?.close();
  for (const name of [NETNS, POOL_NETNS, ADOPTED_NETNS]) {
    try {
      execFileSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
    } catch {
      // not made, or gone
    }
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

let runs = 0;
async function run(script: string, options: { netns?: string; adoptNetns?: string; workingDir?: string; env?: Record<string, string>; onStart?: (p: ContainerProcess) => void; starter?: boolean | ShellRunner; targetPid?: number; shellChain?: boolean; identity?: ProcessIdentity } = {}): Promise<{ code: number; stdout: string; stderr: string; runtimeMessage: string; signal: string | null }> {
  const n = runs++;
  const fifos = { stdout: join(dir, `c/${n}.stdout`), stderr: join(dir, `c/${n}.stderr`) };
  await makeFifos(fifos, { bin, runner: new ExecRunner() });
  const launch: LaunchSpec = {
    netns: options.netns ?? NETNS,
    adoptNetns: options.adoptNetns,
    baseDir: dir,
    fifos,
    hostname: 'web',
    etc: { hosts: join(dir, 'etc/hosts'), resolvConf: join(dir, 'etc/resolv.conf'), hostname: join(dir, 'etc/hostname') },
    mounts: [{ source: join(dir, 'vol'), target: '/mnt', readOnly: true }],
    workingDir: options.workingDir ?? '/tmp',
    env: options.env ?? { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', GREETING: 'hello world' },
    argv: ['sh', '-c', script],
    tty: false,
    stdin: false,
    targetPid: options.targetPid,
    identity: options.identity,
  };
  const proc = new ContainerProcess(launch, { bin: options.shellChain ? { ...bin, launcher: undefined } : bin, starter: options.starter === false ? undefined : options.starter instanceof ShellRunner ? options.starter : helper });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  options.onStart?.(proc);
  if (options.starter !== false && !options.shellChain) {
    // The launcher reports its program once it runs: PID 1 of the container, the launcher's child.
    const program = await proc.programReady;
    assert.ok(program, 'the native launcher reported its program');
    assert.equal(proc.programPid(), program);
  }
  const status = await proc.exited;
  return { code: exitCodeOf(status), stdout, stderr, runtimeMessage: status.runtimeMessage, signal: status.signal };
}

test('a real container through the native launcher: hostname, /etc files, volume, env, cwd, PID 1, network, logs, exit code', async () => {
  const r = await run('hostname; cat /etc/hostname /etc/resolv.conf /etc/hosts /mnt/data.txt; echo "$GREETING"; pwd; echo pid=$$; ls /sys/class/net | tr "\\n" " "; echo; touch /mnt/x 2>/dev/null || echo ro; echo to-stderr >&2; exit 7');
  assert.equal(r.code, 7);
  assert.equal(r.stdout, 'web\nweb\nsearch default.svc.cluster.local\nnameserver 10.96.0.10\n127.0.0.1\tlocalhost\n10.244.0.7\tweb\nvolume data\nhello world\n/tmp\npid=1\nlo \nro\n');
  assert.equal(r.stderr, 'to-stderr\n');
  assert.equal(r.runtimeMessage, '');
  // The host's own files are untouched (the binds were private to the container).
  assert.notEqual(readFileSync('/etc/resolv.conf', 'utf8'), 'search default.svc.cluster.local\nnameserver 10.96.0.10\n');
});

test('--adopt-netns: launchers racing enter the pool sandbox; the first names it for the pod, the pool\'s name stays for the agent to remove', async () => {
  const netnsNames = (): string[] => execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').map((l) => l.split(' ')[0]);
  const runs = await Promise.all([0, 1, 2, 3].map(() => run('ls /sys/class/net | tr "\\n" " "', { netns: ADOPTED_NETNS, adoptNetns: POOL_NETNS })));
  for (const r of runs) {
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'lo pool0 pool1 ');
  }
  const names = netnsNames();
  assert.ok(names.includes(ADOPTED_NETNS), 'the pod\'s name is bound');
  assert.ok(names.includes(POOL_NETNS), 'the pool\'s name is left');
  const ino = (name: string): number => statSync(`/run/netns/${name}`).ino;
  assert.equal(ino(ADOPTED_NETNS), ino(POOL_NETNS), 'one namespace, two names');
  // The pool's name removed (the agent's ip netns delete): later runs enter by the pod's name.
  execFileSync('ip', ['netns', 'delete', POOL_NETNS]);
  const later = await run('ls /sys/class/net | tr "\\n" " "', { netns: ADOPTED_NETNS, adoptNetns: POOL_NETNS });
  assert.equal(later.stdout, 'lo pool0 pool1 ');
  // Neither name: a set-up failure naming the pod's.
  const none = await run('true', { netns: `${ADOPTED_NETNS}x`, adoptNetns: `${POOL_NETNS}x`, starter: false });
  assert.equal(none.code, 128);
  assert.match(none.runtimeMessage, /Cannot open network namespace "kubito-t-nl\d+ax"/);
});

test('the launch server\'s lean mount namespace: no /run/netns names in a container; a host mount a second old is seen', async () => {
  const first = await run('grep -c " /run/netns" /proc/self/mountinfo || true');
  assert.equal(first.stdout.trim(), '0', 'the network namespaces\' names are not copied into containers');
  const mnt = join(dir, 'later-mount');
  mkdirSync(mnt, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', 'kubito-t-later', mnt]);
  try {
    await new Promise((r) => setTimeout(r, 1100));
    const later = await run(`grep -c " ${mnt} " /proc/self/mountinfo || true`);
    assert.equal(later.stdout.trim(), '1', 'made again from the host\'s once a second old');
  } finally {
    execFileSync('umount', [mnt]);
  }
});

test('--target-pid (an ephemeral container\'s targetContainerName): the run joins that PID namespace, its /proc shows it; with the shell chain too', async () => {
  const argv = nativeLaunchArgv({ ...spec, targetPid: 4242 }, { launcher: 'L', script: 'S' });
  assert.deepEqual(argv.slice(argv.indexOf('--cwd'), argv.indexOf('--env')), ['--cwd', '/', '--target-pid', '4242']);
  for (const shellChain of [false, true]) {
    let sleeping: ReturnType<typeof run> | undefined;
    const target = await new Promise<ContainerProcess>((resolve) => (sleeping = run('exec sleep 30', { onStart: resolve })));
    const pid = await target.programReady;
    assert.ok(pid);
    const r = await run('echo pid1=$(cat /proc/1/comm); [ $$ != 1 ] && echo not-pid-1; hostname', { targetPid: pid, shellChain });
    assert.equal(r.stdout, 'pid1=sleep\nnot-pid-1\nweb\n', `${r.stderr} ${r.runtimeMessage}`);
    target.signal('SIGKILL');
    assert.equal((await sleeping!).code, 137);
  }
  const gone = await run('true', { targetPid: 2 ** 31 - 2, starter: false });
  assert.equal(gone.code, 128);
  assert.match(gone.runtimeMessage, /^kubito-launch: the target container's PID namespace \(\/proc\/2147483646\/ns\/pid\): No such file or directory$/);
});

test('--target-pid: once the program ends, what it left in the target\'s PID namespace is killed (containerd: ShouldKillAllOnExit), with the shell chain too; the target runs on', async () => {
  const left = (): number[] => readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((d) => {
    try {
      return /^sleep\x00361[1-3]\x00$/.test(readFileSync(`/proc/${d}/cmdline`, 'utf8'));
    } catch {
      return false;
    }
  }).map(Number);
  let sleeping: ReturnType<typeof run> | undefined;
  const target = await new Promise<ContainerProcess>((resolve) => (sleeping = run('exec sleep 30', { onStart: resolve })));
  const pid = await target.programReady;
  assert.ok(pid);
  // Through the helper (the launcher reports its program), exec'd by the agent (attach's path),
  // and the shell chain (the agent kills them: leftovers.ts).
  for (const [starter, shellChain] of [[true, false], [false, false], [true, true]]) {
    const began = Date.now();
    const r = await run('sleep 3611 & sleep 3612 & (sleep 3613 &); echo started', { targetPid: pid, starter, shellChain });
    assert.equal(r.code, 0, `${r.stderr} ${r.runtimeMessage}`);
    assert.equal(r.stdout, 'started\n');
    assert.ok(Date.now() - began < 5000, `ended after ${Date.now() - began} ms`);
    assert.deepEqual(left(), []);
    process.kill(pid, 0); // the target's PID 1 lives on
  }
  target.signal('SIGKILL');
  assert.equal((await sleeping!).code, 137);
});

test('a securityContext\'s identity: user, sorted groups, bounding set, no_new_privs, read-only root; with the shell chain (setpriv) too', async () => {
  const identity: ProcessIdentity = { setUser: true, uid: 1000, gid: 3000, groups: [3000, 2000].sort((a, b) => a - b), noNewPrivs: true, caps: 0x400n, readOnlyRoot: true, home: '/', imageEtc: false };
  const script = 'echo $(id -u) $(id -g); grep -E "^(Groups|CapEff|CapBnd|NoNewPrivs)" /proc/self/status; touch /kubito-nl-ro 2>/dev/null || echo ro; touch /mnt/x 2>/dev/null || echo vol-ro';
  const want = '1000 3000\nGroups:\t2000 3000 \nCapEff:\t0000000000000000\nCapBnd:\t0000000000000400\nNoNewPrivs:\t1\nro\nvol-ro\n';
  for (const shellChain of [false, true]) {
    const r = await run(script, { identity, shellChain, workingDir: '/' });
    assert.equal(r.stdout, want, `${shellChain ? 'shell chain' : 'native'}: ${r.stderr} ${r.runtimeMessage}`);
    assert.equal(r.code, 0);
  }
  // Root with a bounding set: its permitted and effective sets are the mask (runc's root container).
  const root = await run('grep -E "^(CapPrm|CapEff)" /proc/self/status', { identity: { ...identity, setUser: false, uid: 0, gid: 0, groups: [], noNewPrivs: false, readOnlyRoot: false, caps: 0xa80425fbn } });
  assert.equal(root.stdout, 'CapPrm:\t00000000a80425fb\nCapEff:\t00000000a80425fb\n');
  assert.equal(existsSync('/kubito-nl-ro'), false);
});

test('a user, group or groups the kernel refuses (a user namespace that maps root alone) ends the launch with 128: the program never runs as root instead', () => {
  // The namespace's maps are written from outside (as a root agent's would be), setgroups allowed,
  // so that each step can be the one refused: setgroups, setresgid, setresuid.
  const inUserns = (args: string[]): { status: number | null; stdout: string; stderr: string } => {
    const script = `f=$(mktemp -u); mkfifo "$f"; unshare --user -- sh -c 'read go < "$0"; exec "$@"' "$f" "$@" & p=$!
while [ "$(readlink /proc/$p/ns/user)" = "$(readlink /proc/self/ns/user)" ]; do sleep 0.01; done
echo '0 0 1' > /proc/$p/uid_map; echo '0 0 1' > /proc/$p/gid_map; echo go > "$f"; rm -f "$f"; wait $p`;
    return spawnSync('sh', ['-c', script, 'sh', built, ...args], { encoding: 'utf8' });
  };
  for (const [user, groups, refused] of [['1000:0', '', 'setuid 1000'], ['0:1000', '', 'setgid 1000'], ['0:0', '1000', 'setgroups']]) {
    const r = inUserns(['--user', user, '--groups', groups, '--', '/bin/echo', 'ran']);
    assert.deepEqual([r.status, r.stdout], [128, ''], `${user} ${groups}: ${r.stderr}`);
    assert.equal(r.stderr, `kubito-launch: ${refused}: Invalid argument\n`);
  }
  // The same namespace lets root's identity through: the refusals above are the ids'.
  const ok = inUserns(['--user', '0:0', '--groups', '', '--', '/bin/sh', '-c', 'echo ran $(id -u)']);
  assert.deepEqual([ok.status, ok.stdout], [0, 'ran 0\n'], ok.stderr);
});

test('exactly the given environment reaches the program', async () => {
  const r = await run('env | sort', { env: { PATH: '/usr/bin:/bin', ONLY: '1' } });
  assert.equal(r.stdout, 'ONLY=1\nPATH=/usr/bin:/bin\nPWD=/tmp\n');
});

test('termination: PID 1 ignores SIGTERM without a handler, takes it with one; SIGKILL ends it (137)', async () => {
  const handled = await run('trap "echo got TERM; exit 3" TERM; echo ready; while :; do sleep 0.05; done', {
    onStart: (p) => void waitForReady(p).then(() => p.signal('SIGTERM')),
  });
  assert.equal(handled.code, 3);
  assert.match(handled.stdout, /got TERM/);
  const killed = await run('echo ready; exec sleep 30', {
    onStart: (p) => void waitForProgram(p).then(async () => {
      p.signal('SIGTERM'); // no handler: PID 1 ignores it
      await new Promise((r) => setTimeout(r, 100));
      p.signal('SIGKILL');
    }),
  });
  assert.equal(killed.code, 137);
  // Spawned by the agent (a container with stdin): the launcher ends by the same signal.
  const spawned = await run('exec sleep 30', { starter: false, onStart: (p) => void waitForProgram(p).then(() => p.signal('SIGKILL')) });
  assert.equal(spawned.signal, 'SIGKILL');
  assert.equal(spawned.code, 137);
});

const ppid = (p: number): number => Number(readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
const cmdline = (p: number): string[] => readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').filter(Boolean);

test('launchRequest: `<id> <length>` and the argv\'s words NUL-terminated', () => {
  assert.equal(launchRequest(7, ['/k/kubito-launch', 'a b', 'é', '']).toString('latin1'), `7 25\n/k/kubito-launch\0a b\0${Buffer.from('é').toString('latin1')}\0\0`);
});

test('the launch server: the launcher is its child (no bash subshell waits for it); a launcher killed before it reports its program\'s end still ends with its status', async () => {
  let launcherPid = 0;
  const killed = await run('echo ready; exec sleep 30', {
    // After the launcher reported its program (programPid() alone may find the child in /proc
    // before the report, and a launcher killed then never reports it).
    onStart: (p) => void p.programReady!.then(() => {
      launcherPid = p.pid!;
      const parent = ppid(launcherPid);
      assert.deepEqual(cmdline(parent).slice(1), ['--serve', join(dir, 'runner')]);
      // Forked by the server, not exec'd: still its own argv as its command line (what an exec
      // would show, the pod's directory on it) and the pod's directory as its working directory.
      assert.equal(readlinkSync(`/proc/${launcherPid}/exe`), readlinkSync(`/proc/${parent}/exe`));
      assert.deepEqual(cmdline(launcherPid).slice(0, 2), [bin.launcher, '--netns']);
      assert.ok(cmdline(launcherPid).includes(dir));
      assert.equal(readlinkSync(`/proc/${launcherPid}/cwd`), dir);
      // The launcher itself, not the program: it cannot report; its parent, the server, does.
      process.kill(launcherPid, 'SIGKILL');
    }),
  });
  assert.ok(launcherPid > 0);
  assert.equal(killed.signal, 'SIGKILL');
  assert.equal(killed.code, 137);
  const exits = await Promise.all([run('exit 0'), run('exit 3'), run('kill -TERM $$; sleep 1; exit 9')]);
  assert.deepEqual(exits.map((r) => r.code), [0, 3, 9]);
});

test('the launch server: its death is told to onHelperExit; what it started is then killed and ends as killed (137)', async () => {
  let died!: (how: string) => void;
  const dead = new Promise<string>((r) => (died = r));
  const own = new ShellRunner({ sh: '/bin/bash', dir: join(dir, 'runner2'), onHelperExit: (code, signal) => died(`${signal ?? code}`) });
  try {
    const r = run('echo ready; exec sleep 30', {
      starter: own,
      onStart: (p) => void waitForProgram(p).then(() => process.kill(ppid(p.pid!), 'SIGKILL')),
    });
    assert.equal(await dead, 'SIGKILL');
    const status = await r;
    assert.equal(status.code, 137);
  } finally {
    own.close();
  }
});

test('the launch server: requests split across writes, a launcher it cannot run (128: a set-up failure, its message), a malformed stream (exit 128)', async () => {
  const out = join(dir, 'serve');
  mkdirSync(out, { recursive: true });
  const server = spawn(built, ['--serve', out], { stdio: ['pipe', 'pipe', 'pipe'] });
  let reports = '';
  server.stdout.setEncoding('utf8').on('data', (c: string) => (reports += c));
  const req = Buffer.concat([launchRequest(1, ['/bin/sh', '-c', 'echo $KUBITO_LAUNCH_REPORT >&2; exit 4']), launchRequest(2, ['/no/such/program'])]);
  server.stdin.write(req.subarray(0, 5));
  await new Promise((r) => setTimeout(r, 20));
  server.stdin.end(req.subarray(5));
  const code = await new Promise((r) => server.once('close', r));
  assert.equal(code, 0);
  // A program not the server's own is forked and exec'd from the host's mount namespace where the
  // server has a lean one (launch.c make_lean_ns): then reported (P) before its exec fails.
  const lines = reports.trim().split('\n').map((l) => l.replace(/^P (\d+) \d+$/, 'P $1 <pid>')).filter((l) => l !== 'P 2 <pid>').sort();
  assert.deepEqual(lines, ['1 4', '2 128', 'P 1 <pid>']);
  assert.equal(readFileSync(join(out, '1.err'), 'utf8'), '1\n');
  assert.equal(readFileSync(join(out, '2.err'), 'utf8'), 'kubito-launch: cannot run /no/such/program: No such file or directory\n');
  for (const bad of ['x 3\nabc', '1 99999999999\n', '1 2\nab']) {
    const r = spawnSync(built, ['--serve', out], { input: bad, encoding: 'utf8' });
    if (bad === '1 2\nab') {
      // Well formed, but not NUL-terminated words: that request fails, the server goes on.
      assert.equal(r.status, 0);
      assert.equal(r.stdout, '1 128\n');
      continue;
    }
    assert.equal(r.status, 128, bad);
    assert.match(r.stderr, /kubito-launch: malformed launch request/);
  }
});

async function waitForProgram(p: ContainerProcess): Promise<void> {
  for (let i = 0; i < 500 && !p.programPid(); i++) await new Promise((r) => setTimeout(r, 10));
}

/**
 * Waits until the program printed `ready`: a shell that traps a signal has its handler by then.
 * (Running is not enough: PID 1 of a container drops a signal it has no handler for, and on a
 * loaded machine the SIGTERM could land between the exec and the `trap`; the test then hung.)
 */
async function waitForReady(p: ContainerProcess): Promise<void> {
  let seen = '';
  const onData = (c: Buffer) => (seen += c.toString());
  p.stdout.on('data', onData);
  for (let i = 0; i < 1000 && !seen.includes('ready'); i++) await new Promise((r) => setTimeout(r, 10));
  p.stdout.off('data', onData);
}

test('set-up failures are the launcher\'s (StartError: code 128 and its message); a missing program is 127 on the container\'s stderr', async () => {
  const badDir = await run('true', { workingDir: '/no/such/dir' });
  assert.equal(badDir.code, 128);
  assert.match(badDir.stderr, /cd: \/no\/such\/dir: No such file or directory/);
  const missing = await run('exec no-such-program-here');
  assert.equal(missing.code, 127);
  const n = runs++;
  const fifos = { stdout: join(dir, `c/${n}.stdout`), stderr: join(dir, `c/${n}.stderr`) };
  await makeFifos(fifos, { bin, runner: new ExecRunner() });
  const proc = new ContainerProcess({ netns: 'kubito-t-no-such-netns', baseDir: dir, fifos, hostname: 'web', etc: { hosts: join(dir, 'etc/hosts'), resolvConf: join(dir, 'etc/resolv.conf'), hostname: join(dir, 'etc/hostname') }, mounts: [], workingDir: '/', env: {}, argv: ['true'], tty: false, stdin: false }, { bin, starter: helper });
  proc.stdout.resume();
  proc.stderr.resume();
  const status = await proc.exited;
  assert.equal(status.code, 128);
  assert.equal(status.runtimeMessage, 'kubito-launch: Cannot open network namespace "kubito-t-no-such-netns": No such file or directory');
});

test('the native argv with overlays: each --overlay with its --keep words, then the mount points to make, before the binds', () => {
  const argv = nativeLaunchArgv({ ...spec, overlays: [{ dir: '/etc', keep: [] }, { dir: '/run', keep: ['/run/netns', '/run/user'] }], create: [{ path: '/etc/config', kind: 'dir' }, { path: '/run/secrets/x/file', kind: 'file' }] }, { launcher: '/l', script: '/s' });
  const from = argv.indexOf('--overlay');
  assert.deepEqual(argv.slice(from, argv.indexOf('--bind-etc')), ['--overlay', '/etc', '--overlay', '/run', '--keep', '/run/netns', '--keep', '/run/user', '--mkdir', '/etc/config', '--mkfile', '/run/secrets/x/file']);
  assert.deepEqual(nativeLaunchArgv(spec, { launcher: '/l', script: '/s' }).includes('--overlay'), false);
});
