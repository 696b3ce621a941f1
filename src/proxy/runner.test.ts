import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { RunOptions } from '../node/runner.js';
import { execCommandRunner, helperCommandRunner, serveCommand, spawnerPath, startCommand } from './runner.js';
import type { CommandRunner, StreamingCommand } from './types.js';

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

/** The started-command contract, for Node's spawn and the native spawner alike. */
async function startedCommands(start: (argv: string[]) => StreamingCommand): Promise<void> {
  const cat = start(['sh', '-c', 'wc -c; echo err >&2; exit 4']);
  for (let i = 0; i < 20; i++) await cat.write('x'.repeat(10_000));
  assert.deepEqual(await cat.end(), { code: 4, stdout: '200000\n', stderr: 'err\n' });
  const early = start(['sh', '-c', 'head -c 1 >/dev/null; exit 3']);
  for (let i = 0; i < 40; i++) await early.write('y'.repeat(65_536));
  assert.equal((await early.end()).code, 3, 'a command that stops reading: its exit code, no EPIPE thrown');
  const missing = start(['/nonexistent/kubito-command']);
  await missing.write('z');
  const r = await missing.end();
  assert.equal(r.code, -1);
  assert.match(r.stderr, /ENOENT/);
  const killed = start(['sleep', '5']);
  killed.abort();
  assert.equal((await killed.end()).code, -1);
  const utf8 = start(['cat']);
  await utf8.write('é\0ü\n');
  assert.deepEqual(await utf8.end(), { code: 0, stdout: 'é\0ü\n', stderr: '' }, 'bytes as written, counted in bytes');
}

test('a started command takes its input piece by piece; a missing one exits -1 (Node spawn)', async () => {
  await startedCommands(startCommand);
});

test('the same through the native spawner; one started while another runs is spawned by Node', async () => {
  assert.ok(existsSync(spawnerPath()), `${spawnerPath()} missing: node scripts/build-native.js`);
  const runner = execCommandRunner({ spawner: spawnerPath() });
  await startedCommands((argv) => runner.start!(argv));
  // Two at once: the second is Node's (both work).
  const a = runner.start!(['sh', '-c', 'cat; echo "$PPID" >&2']);
  const b = runner.start!(['sh', '-c', 'cat; echo "$PPID" >&2']);
  await a.write('a');
  await b.write('b');
  const [ra, rb] = await Promise.all([a.end(), b.end()]);
  assert.deepEqual([ra.stdout, rb.stdout], ['a', 'b']);
  assert.notEqual(ra.stderr, rb.stderr, 'different parents: the spawner and this process');
  assert.equal(rb.stderr.trim(), String(process.pid));
  // The spawner killed meanwhile: that command ends -1, the next one starts another spawner.
  const c = runner.start!(['sh', '-c', 'kill -9 $PPID; sleep 1']);
  assert.equal((await c.end()).code, -1);
  const d = runner.start!(['echo', 'again']);
  assert.deepEqual(await d.end(), { code: 0, stdout: 'again\n', stderr: '' });
});

test('a served command answers requests in turn up to its #end line; gone, it answers -1', async () => {
  // A stand-in server: per request line, its words on lines of their own, one answer split
  // across writes with pauses (the `#end` line too), then `#end <number of words>`.
  const script = 'while read -r line; do for w in $line; do echo "$w"; done; printf "#en"; sleep 0.05; echo "d $(echo $line | wc -w)"; echo "said $line" >&2; done';
  const server = serveCommand(['sh', '-c', script]);
  const [a, b] = await Promise.all([server.ask('one two'), server.ask('three')]);
  assert.deepEqual([a.code, a.stdout], [2, 'one\ntwo\n']);
  assert.deepEqual([b.code, b.stdout], [1, 'three\n']);
  const empty = await server.ask('');
  assert.deepEqual([empty.code, empty.stdout], [0, ''], 'an answer that is its #end line alone');
  const big = 'w'.repeat(200_000);
  assert.deepEqual([(await server.ask(big)).stdout.length, (await server.ask('y')).stdout], [200_001, 'y\n'], 'a long answer in many pieces');
  server.close();
  const after = await server.ask('late');
  assert.equal(after.code, -1, 'closed: -1');
  const missing = serveCommand(['/nonexistent/kubito-server']);
  const r = await missing.ask('x');
  assert.equal(r.code, -1);
  assert.match(r.stderr, /ENOENT|exited/);
});

test('an idle server does not keep the process alive; a pending request does', async () => {
  const script = "const s = (await import(process.argv[1])).serveCommand(['sh', '-c', 'read -r l; sleep 0.2; echo \"#end 7\"; sleep 60']); console.log((await s.ask('x')).code);";
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, new URL('./runner.js', import.meta.url).href], { encoding: 'utf8', timeout: 10_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '7\n', 'waited for the answer, then exited with the server still running');
});
