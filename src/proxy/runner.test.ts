import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunOptions } from '../node/runner.js';
import { helperCommandRunner } from './runner.js';
import type { CommandRunner } from './types.js';

test('the helper runs commands with small or no input, never throwing; large input goes direct', async () => {
  const seen: string[] = [];
  const helper = {
    run: async (argv: string[], o: RunOptions = {}) => {
      seen.push(`helper ${argv[0]} ${o.input?.length ?? '-'} ${o.allowFailure}`);
      return { code: 1, stdout: '', stderr: 'no' };
    },
  };
  const direct: CommandRunner = {
    run: async (argv, o = {}) => {
      seen.push(`direct ${argv[0]} ${o.input?.length ?? '-'}`);
      return { code: 0, stdout: 'ok', stderr: '' };
    },
  };
  const runner = helperCommandRunner(helper, { direct, maxInputBytes: 10 });
  assert.deepEqual(await runner.run(['nft', '-f', '-'], { input: 'small' }), { code: 1, stdout: '', stderr: 'no' });
  await runner.run(['conntrack', '-D']);
  assert.equal((await runner.run(['nft', '-f', '-'], { input: 'x'.repeat(11) })).stdout, 'ok');
  assert.deepEqual(seen, ['helper nft 5 true', 'helper conntrack - true', 'direct nft 11']);
});
