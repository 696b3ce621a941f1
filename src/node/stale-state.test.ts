import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeRunner } from './runner.js';
import { reapPodSandboxes, removeOrphanPodDirs } from './stale-state.js';

const dir = mkdtempSync(join(tmpdir(), 'kubito-stale-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('reapPodSandboxes: kills what runs in the cluster\'s pod namespaces and deletes them, never the node\'s or another cluster\'s', async () => {
  const runner = new FakeRunner();
  runner.answer('ip netns list', { stdout: 'kubito-a-node (id: 0)\nkubito-a-p0123abcd (id: 1)\nkubito-a-b-p0123abcd\nkubito-ab-p89abcdef\nkubito-a-p89abcdef\n' });
  runner.answer('ip netns pids kubito-a-p0123abcd', { stdout: '101\n102\n' });
  runner.answer('ip netns pids kubito-a-p89abcdef', { stdout: `${process.pid}\n` });
  const killed: number[] = [];
  const reaped = await reapPodSandboxes(runner, 'a', { kill: (pid) => killed.push(pid) });
  assert.deepEqual(reaped, ['kubito-a-p0123abcd', 'kubito-a-p89abcdef']);
  assert.deepEqual(killed, [101, 102]);
  assert.deepEqual(runner.lines(), [
    'ip netns list',
    'ip netns pids kubito-a-p0123abcd',
    'ip netns delete kubito-a-p0123abcd',
    'ip netns pids kubito-a-p89abcdef',
    'ip netns delete kubito-a-p89abcdef',
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
