import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { loadAgentAddon, type AgentAddon } from '../agent-addon.js';
import { AWAIT_TERMINAL_SIZE, resizePty, setTerminalSize, wrapInPty } from './pty.js';
import { shellQuote } from '../shell-quote.js';
import { Resizer } from './resizer.js';

const missing = ['script', 'stty'].filter((tool) => !(process.env.PATH ?? '').split(delimiter).some((d) => existsSync(join(d, tool))));
const skip = missing.length ? `${missing.join(', ')} not installed` : false;

test('shell quoting keeps plain words and quotes the rest', () => {
  assert.equal(shellQuote('/bin/sh'), '/bin/sh');
  assert.equal(shellQuote('a b'), "'a b'");
  assert.equal(shellQuote("it's"), "'it'\\''s'");
  assert.equal(shellQuote(''), "''");
  assert.equal(shellQuote('$HOME'), "'$HOME'");
});

test('wrapInPty runs the command through script with SHELL pinned, then restored or unset', () => {
  const wrapped = wrapInPty({ file: 'nsenter', args: ['--net=/run/netns/x', '--', 'sh', '-c', 'echo $HOME'], env: { PATH: '/bin' }, cwd: '/tmp' });
  assert.deepEqual(wrapped, {
    file: 'script',
    args: ['-qfec', `${AWAIT_TERMINAL_SIZE}unset SHELL; exec nsenter --net=/run/netns/x -- sh -c 'echo $HOME'`, '/dev/null'],
    env: { PATH: '/bin', TERM: 'xterm', SHELL: '/bin/sh' },
    cwd: '/tmp',
  });
  const keep = wrapInPty({ file: 'bash', args: [], env: { SHELL: '/bin/bash', TERM: 'vt100' } });
  assert.equal(keep.args[1], `${AWAIT_TERMINAL_SIZE}SHELL=/bin/bash; exec bash`);
  assert.equal(keep.env.TERM, 'vt100');
});

function runWrapped(script: string, onSpawn?: (pid: number) => void): Promise<{ out: string; code: number | null }> {
  const command = wrapInPty({ file: 'sh', args: ['-c', script], env: { PATH: process.env.PATH } });
  const child = spawn(command.file, command.args, { env: command.env, stdio: 'pipe' });
  onSpawn?.(child.pid!);
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ out, code })));
}

test('a command that asks for the size at once sees the first size sent, not 0x0', { skip }, async () => {
  let pid = 0;
  const done = runWrapped('stty size', (p) => (pid = p));
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(await resizePty(pid, { width: 90, height: 20 }), true);
  assert.match((await done).out, /^20 90\r\n$/);
});

test('the wrapped command runs on a pty, sees the size set from outside, and its exit code comes back', { skip }, async () => {
  let pid = 0;
  const done = runWrapped('sleep 0.4; stty size; tty; exit 5', (p) => (pid = p));
  assert.equal(await resizePty(pid, { width: 100, height: 30 }), true);
  const { out, code } = await done;
  assert.equal(code, 5);
  assert.match(out, /^30 100\r\n\/dev\/pts\/\d+\r\n$/);
});

test('a process killed by a signal reports 128 + the signal, as container runtimes do', { skip }, async () => {
  const { code } = await runWrapped('kill -9 $$');
  assert.equal(code, 137);
});

test('resizing a process that is gone reports false', { skip }, async () => {
  assert.equal(await resizePty(2 ** 22 + 12345, { width: 1, height: 1 }, { attempts: 2, delayMs: 1 }), false);
});

test('the resizer applies sizes in order and skips the ones overtaken meanwhile', async () => {
  const applied: string[] = [];
  let release: () => void = () => undefined;
  const resizer = new Resizer((size) => {
    applied.push(`${size.width}x${size.height}`);
    return new Promise<void>((r) => (release = r));
  });
  resizer.push({ width: 1, height: 1 });
  resizer.push({ width: 2, height: 2 });
  resizer.push({ width: 80, height: 24 });
  assert.deepEqual(applied, ['1x1']);
  release();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(applied, ['1x1', '80x24']);
  release();
});

/** The pty slave that the `script` process `pid` gave its child. */
function slaveOf(pid: number): string {
  const child = Number(readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0]);
  const device = `/proc/${child}/fd/0`;
  assert.match(readlinkSync(device), /^\/dev\/pts\/\d+$/);
  return device;
}

/**
 * A program that prints the size at each SIGWINCH until `flag` exists (at most 10 s): the test
 * makes it once it has resized, so a loaded machine cannot end the program first. The trap runs
 * when the current sleep returns, before the loop looks for the flag again.
 */
const trapWinch = (flag: string): string => `trap 'echo winch $(stty size)' WINCH; i=0; while [ ! -e ${shellQuote(flag)} ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done`;

test("with the agent's addon a size is set without a process: the program gets SIGWINCH and sees it", { skip }, async () => {
  const addon = loadAgentAddon();
  assert.ok(!(addon instanceof Error), addon instanceof Error ? addon.message : '');
  let pid = 0;
  const flag = join(mkdtempSync(join(tmpdir(), 'kubito-pty-')), 'resized');
  const done = runWrapped(trapWinch(flag), (p) => (pid = p));
  assert.equal(await resizePty(pid, { width: 80, height: 24 }), true);
  await new Promise((r) => setTimeout(r, 200));
  // kubectl attach's pair, size plus one then size; no stty to run: the ioctl it is.
  const device = slaveOf(pid);
  assert.equal(await setTerminalSize(device, { width: 81, height: 25 }, { stty: '/nonexistent/stty' }), true);
  assert.equal(await setTerminalSize(device, { width: 80, height: 24 }, { stty: '/nonexistent/stty' }), true);
  writeFileSync(flag, '');
  const winches = (await done).out.split('\r\n').filter((l) => l.startsWith('winch'));
  rmSync(dirname(flag), { recursive: true, force: true });
  assert.ok(winches.length >= 1, `no SIGWINCH seen: ${JSON.stringify(winches)}`);
  assert.equal(winches.at(-1), 'winch 24 80');
});

test('without the addon a size is set by stty', { skip }, async () => {
  let pid = 0;
  const done = runWrapped('sleep 0.3; stty size', (p) => (pid = p));
  assert.equal(await resizePty(pid, { width: 70, height: 20 }), true);
  const noAddon = new Error('not built');
  assert.equal(await setTerminalSize(slaveOf(pid), { width: 72, height: 21 }, { addon: noAddon }), true);
  assert.match((await done).out, /^21 72\r\n$/);
  assert.equal(await setTerminalSize('/nonexistent/pts', { width: 1, height: 1 }, { addon: noAddon }), false);
});

test("the addon's setWinsize refuses what is not a terminal, in the system's words", () => {
  const addon = loadAgentAddon() as AgentAddon;
  assert.throws(() => addon.setWinsize('/dev/null', 24, 80), { syscall: 'ioctl', code: 'ENOTTY', message: 'inappropriate ioctl for device' });
  assert.throws(() => addon.setWinsize('/nonexistent/pts', 24, 80), { syscall: 'open', code: 'ENOENT' });
  assert.throws(() => addon.setWinsize('/dev/null', 70000, 80), TypeError);
});
