import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunOptions } from '../node/runner.js';
import { helperCommandRunner, startCommand } from './runner.js';
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

test('a started command takes its input piece by piece; a missing one exits -1', async () => {
  const cat = startCommand(['sh', '-c', 'wc -c; echo err >&2; exit 4']);
  for (let i = 0; i < 20; i++) await cat.write('x'.repeat(10_000));
  assert.deepEqual(await cat.end(), { code: 4, stdout: '200000\n', stderr: 'err\n' });
  const early = startCommand(['sh', '-c', 'head -c 1 >/dev/null; exit 3']);
  for (let i = 0; i < 40; i++) await early.write('y'.repeat(65_536));
  assert.equal((await early.end()).code, 3, 'a command that stops reading: its exit code, no EPIPE thrown');
  const missing = startCommand(['/nonexistent/kubito-command']);
  await missing.write('z');
  const r = await missing.end();
  assert.equal(r.code, -1);
  assert.match(r.stderr, /ENOENT/);
  const killed = startCommand(['sleep', '5']);
  killed.abort();
  assert.equal((await killed.end()).code, -1);
});
