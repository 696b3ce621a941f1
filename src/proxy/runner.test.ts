import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunOptions } from '../node/runner.js';
import { execCommandRunner, helperCommandRunner, serveCommand, spawnerPath, startCommand } from './runner.js';
import { addonStart, loadSpawnAddon, type SpawnAddon } from './spawn-addon.js';
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

test('the same through the process starter addon (posix_spawn), several at once, each a child of this process', async () => {
  const addon = loadSpawnAddon();
  assert.ok(!(addon instanceof Error), addon instanceof Error ? addon.message : '');
  await startedCommands((argv) => addonStart(addon as Exclude<typeof addon, Error>, argv)!);
  // The runner's default where it was built.
  const runner = execCommandRunner();
  const started = Array.from({ length: 3 }, (_, i) => runner.start!(['sh', '-c', `cat; echo "$PPID $KUBITO_TEST_SPAWN_ENV ${i}" >&2; grep ^SigIgn /proc/self/status`]));
  process.env.KUBITO_TEST_SPAWN_ENV = 'not-seen-by-those-started-before';
  for (const [i, c] of started.entries()) await c.write(`in-${i}`);
  const answers = await Promise.all(started.map((c) => c.end()));
  delete process.env.KUBITO_TEST_SPAWN_ENV;
  for (const [i, r] of answers.entries()) {
    assert.equal(r.code, 0);
    assert.equal(r.stderr, `${process.pid}  ${i}\n`, 'its parent is this process; the environment of its start');
    const ignored = /^in-(\d)SigIgn:\s*([0-9a-f]{16})\n$/.exec(r.stdout);
    assert.ok(ignored && ignored[1] === String(i), r.stdout);
    assert.equal(Number.parseInt(ignored[2].slice(8), 16) & 0x7fffffff, 0, `no signal of 1-31 ignored (SIGPIPE among them): ${ignored[2]}`);
  }
  // Killed after it exited (reaped): nothing is signalled.
  const done = runner.start!(['true']);
  await done.end();
  done.abort();
  runner.close?.();
});

test('commands started through the addon hold no thread while they run: file system calls go on beside them', async () => {
  const addon = loadSpawnAddon();
  assert.ok(!(addon instanceof Error), addon instanceof Error ? addon.message : '');
  // More running commands than libuv's pool has threads (4): a wait that held a pool thread
  // would keep this readFile waiting until one of them ended, which only happens after it.
  const running = Array.from({ length: 6 }, () => addonStart(addon, ['cat'])!);
  const read = readFile(new URL(import.meta.url)).then(() => 'read');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise((resolve) => (timer = setTimeout(resolve, 3000, 'still waiting')));
  try {
    assert.equal(await Promise.race([read, late]), 'read');
  } catch (err) {
    for (const c of running) c.abort(); // no command left running (nor its waits) after a failure
    throw err;
  } finally {
    clearTimeout(timer);
  }
  for (const [i, c] of running.entries()) await c.write(`${i}`);
  const answers = await Promise.all(running.map((c) => c.end()));
  assert.deepEqual(answers.map((a) => [a.code, a.stdout]), running.map((_, i) => [0, `${i}`]));
  // A killed command answers -1, as one a signal ended.
  const killed = addonStart(addon, ['sleep', '30'])!;
  killed.abort();
  assert.equal((await killed.end()).code, -1);
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
  // A spawner that died is not used again: Node spawns the next ones.
  const d = runner.start!(['sh', '-c', 'echo again; echo "$PPID" >&2']);
  assert.deepEqual(await d.end(), { code: 0, stdout: 'again\n', stderr: `${process.pid}\n` });
});

test('a spawner that cannot start (not executable) is not used: that command and the later ones are spawned by Node', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-spawner-'));
  try {
    const program = join(dir, 'kubito-spawner');
    writeFileSync(program, '#!/bin/sh\n', { mode: 0o644 });
    const runner = execCommandRunner({ spawner: program });
    await startedCommands((argv) => runner.start!(argv));
    const again = runner.start!(['sh', '-c', 'cat; echo "$PPID" >&2']);
    await again.write('x');
    assert.deepEqual(await again.end(), { code: 0, stdout: 'x', stderr: `${process.pid}\n` });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the spawner, its stdin ended while a command runs (its caller gone), SIGKILLs the command and exits', async () => {
  const spawner = spawn(spawnerPath(), [], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  spawner.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  const args = 'sleep\x0030\x00';
  spawner.stdin.write(`start ${args.length}\n${args}data 3\nabc`);
  await new Promise((r) => setTimeout(r, 100));
  const t0 = Date.now();
  spawner.stdin.end();
  const code = await new Promise((r) => spawner.once('close', r));
  assert.ok(Date.now() - t0 < 5_000, `not waited for: ${Date.now() - t0} ms`);
  assert.equal(code, 0);
  assert.equal(out, 'exit -1 0 0\n', 'killed');
});

test("the runner's close ends the spawner, which kills a command still running (its input cut short)", async () => {
  const runner = execCommandRunner({ spawner: spawnerPath() });
  const warm = runner.start!(['true']);
  assert.equal((await warm.end()).code, 0);
  const running = runner.start!(['sleep', '30']);
  await running.write('partial');
  const t0 = Date.now();
  runner.close!();
  assert.equal((await running.end()).code, -1);
  assert.ok(Date.now() - t0 < 5_000, `killed, not waited for: ${Date.now() - t0} ms`);
  const after = runner.start!(['sh', '-c', 'echo "$PPID"']);
  assert.equal((await after.end()).stdout, `${process.pid}\n`, 'closed: Node spawns');
});

/**
 * A stand-in server: per request line, its words on lines of their own (`_` a space), framed
 * with code = the number of words and, when a word is `fail`, a stderr of its own; each frame
 * written in two pieces with a pause. `pid` answers its pid; `hang` never answers (and keeps it
 * alive past the end of its stdin: a wedged server).
 */
const STAND_IN = `
const rl = require('node:readline').createInterface({ input: process.stdin });
let queue = Promise.resolve();
async function answer(line) {
  if (line === 'hang') return new Promise(() => setInterval(() => {}, 1 << 30));
  const words = line === 'pid' ? [String(process.pid)] : line.split(' ').filter(Boolean);
  const out = Buffer.from(words.map((w) => w.replace(/_/g, ' ') + '\\n').join(''));
  const err = Buffer.from(words.includes('fail') ? 'said ' + line + '\\n' : '');
  const frame = Buffer.concat([Buffer.from('exit ' + words.length + ' ' + out.length + ' ' + err.length + '\\n'), out, err]);
  process.stdout.write(frame.subarray(0, 3));
  await new Promise((r) => setTimeout(r, 20));
  process.stdout.write(frame.subarray(3));
}
rl.on('line', (line) => (queue = queue.then(() => answer(line))));
`;

test('a served command answers requests in turn, each with its own code and stderr; no output line ends an answer early; gone, it answers -1', async () => {
  const server = serveCommand([process.execPath, '-e', STAND_IN]);
  const [a, b, c] = await Promise.all([server.ask('one two'), server.ask('x fail'), server.ask('three')]);
  assert.deepEqual(a, { code: 2, stdout: 'one\ntwo\n', stderr: '' });
  assert.deepEqual(b, { code: 2, stdout: 'x\nfail\n', stderr: 'said x fail\n' }, 'its stderr in its own answer');
  assert.deepEqual(c, { code: 1, stdout: 'three\n', stderr: '' }, 'not the stderr of the one before');
  assert.deepEqual(await server.ask('#end_0 é_#end_1'), { code: 2, stdout: '#end 0\né #end 1\n', stderr: '' }, 'end-marker-like lines are output');
  assert.deepEqual(await server.ask(''), { code: 0, stdout: '', stderr: '' }, 'an empty answer');
  const big = 'w'.repeat(200_000);
  assert.deepEqual([(await server.ask(big)).stdout.length, (await server.ask('y')).stdout], [200_001, 'y\n'], 'a long answer in many pieces');
  server.close();
  const after = await server.ask('late');
  assert.equal(after.code, -1, 'closed: -1');
  const missing = serveCommand(['/nonexistent/kubito-server']);
  const r = await missing.ask('x');
  assert.equal(r.code, -1);
  assert.match(r.stderr, /ENOENT|exited/);
  const unframed = serveCommand(['sh', '-c', 'read -r l; echo "#end 0"; exec sleep 30']);
  assert.equal((await unframed.ask('x')).code, -1, 'not framed: -1 (and killed)');
});

test('a wedged server: its request and those behind it answer -1 at the timeout, and it is SIGKILLed', async () => {
  // The timeout also bounds the first answer, which waits for Node to start the stand-in
  // (over 400 ms on a loaded machine).
  const server = serveCommand([process.execPath, '-e', STAND_IN], { timeoutMs: 1500 });
  const pid = Number((await server.ask('pid')).stdout);
  assert.ok(pid > 0);
  const [hung, behind] = await Promise.all([server.ask('hang'), server.ask('x')]);
  assert.equal(hung.code, -1);
  assert.match(hung.stderr, /no answer in 1500 ms/);
  assert.equal(behind.code, -1);
  assert.equal((await server.ask('y')).code, -1, 'gone: -1 at once');
  const alive = (): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  // Until Node has reaped it (a killed child stays a zombie until then).
  for (let i = 0; i < 100 && alive(); i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(alive(), false, 'killed, though it outlives the end of its stdin');
});

test('an idle server does not keep the process alive; a pending request does', async () => {
  const script = "const s = (await import(process.argv[1])).serveCommand(['sh', '-c', 'read -r l; sleep 0.2; echo \"exit 7 0 0\"; cat >/dev/null']); console.log((await s.ask('x')).code);";
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, new URL('./runner.js', import.meta.url).href], { encoding: 'utf8', timeout: 10_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '7\n', 'waited for the answer, then exited with the server still running');
});

test('an addon that cannot start processes here (EPERM from a seccomp profile) is asked once: Node spawns that command and every later one', async () => {
  let asked = 0;
  const refusing: SpawnAddon = {
    start: () => {
      asked++;
      return { error: 'EPERM' };
    },
    wait: () => Promise.reject(new Error('not started')),
    kill: () => undefined,
    close: () => undefined,
  };
  const runner = execCommandRunner({ spawnAddon: refusing });
  for (const text of ['a', 'b']) {
    const c = runner.start!(['cat']);
    await c.write(text);
    assert.deepEqual(await c.end(), { code: 0, stdout: text, stderr: '' });
  }
  assert.equal(asked, 1);
  // A program that is missing is the program's failure, not the addon's: -1 with Node's text.
  const real = loadSpawnAddon();
  if (!(real instanceof Error)) {
    const missing = addonStart(real, ['/nonexistent/kubito-command'])!;
    assert.match((await missing.end()).stderr, /^spawn \/nonexistent\/kubito-command ENOENT$/);
  }
});
