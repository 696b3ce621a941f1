import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeRunner } from './runner.js';
import { reapHostNetworkContainers, reapPodSandboxes, removeOrphanPodDirs } from './stale-state.js';
import { symlinkSync, writeFileSync } from 'node:fs';

const dir = mkdtempSync(join(tmpdir(), 'kubito-stale-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('reapPodSandboxes: kills what runs in the cluster\'s pod namespaces and deletes them, never the node\'s or another cluster\'s', async () => {
  const runner = new FakeRunner();
  runner.answer('ip netns list', { stdout: 'kubito-a-node (id: 0)\nkubito-a-p0123abcd (id: 1)\nkubito-a-b-p0123abcd\nkubito-ab-p89abcdef\nkubito-a-p89abcdef\nkubito-a-w00c0ffee\nkubito-b-w00c0ffee\n' });
  runner.answer('ip netns pids kubito-a-p0123abcd', { stdout: '101\n102\n' });
  runner.answer('ip netns pids kubito-a-p89abcdef', { stdout: `${process.pid}\n` });
  const killed: number[] = [];
  const reaped = await reapPodSandboxes(runner, 'a', { kill: (pid) => killed.push(pid) });
  assert.deepEqual(reaped, { pods: ['kubito-a-p0123abcd', 'kubito-a-p89abcdef'], pool: ['kubito-a-w00c0ffee'] });
  assert.deepEqual(killed, [101, 102]);
  assert.deepEqual(runner.lines(), [
    'ip netns list',
    'ip netns pids kubito-a-p0123abcd',
    'ip netns delete kubito-a-p0123abcd',
    'ip netns pids kubito-a-p89abcdef',
    'ip netns delete kubito-a-p89abcdef',
    'ip -force -batch -',
  ]);
});

test('removeOrphanPodDirs keeps the directories of the pods that still exist', () => {
  const live = 'default_web_0123abcd-0000-4000-8000-000000000001';
  const gone = 'default_old_89abcdef-0000-4000-8000-000000000002';
  for (const d of [live, gone]) mkdirSync(join(dir, 'pods', d, 'c'), { recursive: true });
  assert.deepEqual(removeOrphanPodDirs(dir, new Set(['0123abcd-0000-4000-8000-000000000001'])), [gone]);
  assert.ok(existsSync(join(dir, 'pods', live, 'c')));
  assert.ok(!existsSync(join(dir, 'pods', gone)));
  assert.deepEqual(removeOrphanPodDirs(join(dir, 'nowhere'), new Set()), []);
});

test('reapHostNetworkContainers: only the container launchers of this data dir, in the node namespace', async () => {
  const proc = join(dir, 'proc');
  const cmd = (pid: number, argv: string[]) => {
    mkdirSync(join(proc, String(pid)), { recursive: true });
    writeFileSync(join(proc, String(pid), 'cmdline'), `${argv.join('\0')}\0`);
  };
  cmd(201, ['/usr/bin/unshare', '--uts', '--pid', '--fork', '--kill-child', '--', '/usr/bin/sh', '-c', 'cd /d/pods/default_h_0123abcd && exec "$@"']);
  cmd(202, ['/usr/bin/node', '/k/main.js', '--data-dir', '/d']);
  cmd(203, ['/usr/bin/unshare', '--', 'sh', '-c', 'cd /other/pods/x']);
  cmd(204, ['/usr/sbin/nginx', '-p', '/d/pods/default_h_0123abcd/h/nginx']);
  // Native launchers forked by their server: the server's command line, the pod's directory as cwd.
  cmd(206, ['/k/build/kubito-launch', '--serve', '/dev/shm/kubito-a-runner']);
  symlinkSync('/d/pods/default_h_0123abcd', join(proc, '206', 'cwd'));
  cmd(207, ['/k/build/kubito-launch', '--serve', '/dev/shm/kubito-a-runner']);
  symlinkSync('/home/someone', join(proc, '207', 'cwd'));
  cmd(208, ['/usr/sbin/nginx', '-g', 'daemon off;']);
  symlinkSync('/d/pods/default_h_0123abcd', join(proc, '208', 'cwd'));
  const runner = new FakeRunner();
  runner.answer('ip netns pids kubito-a-node', { stdout: '201\n202\n203\n204\n205\n206\n207\n208\n' });
  const killed: number[] = [];
  assert.deepEqual(await reapHostNetworkContainers(runner, 'a', '/d', { proc, kill: (p) => killed.push(p) }), [201, 206]);
  assert.deepEqual(killed, [201, 206]);
});
