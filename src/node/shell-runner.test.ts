import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { findExecutable } from './host-tools.js';
import { CommandError } from './runner.js';
import { helperBlock, parseReports, ShellRunner, startBlock } from './shell-runner.js';
import { runnerDir } from './names.js';

test('helperBlock: a background subshell, output in files, stdin from /dev/null', () => {
  assert.equal(helperBlock(7, ['ip', 'netns', 'add', 'a b'], { dir: '/d' }), `(ip netns add 'a b' >/d/7.out 2>/d/7.err </dev/null; echo "7 $?") &\n`);
});

test('helperBlock: input as a here-document whose end line the input does not hold', () => {
  assert.equal(helperBlock(3, ['ip', '-batch', '-'], { dir: '/d', input: 'link set lo up\nKUBITO_IN_3' }), `(ip -batch - >/d/3.out 2>/d/3.err <<'KUBITO_IN_3_'\nlink set lo up\nKUBITO_IN_3\nKUBITO_IN_3_\necho "3 $?") &\n`);
});

test('helperBlock: input from a file when given one', () => {
  assert.equal(helperBlock(4, ['nft', '-f', '-'], { dir: '/d', inputFile: '/d/4.in' }), `(nft -f - >/d/4.out 2>/d/4.err </d/4.in; echo "4 $?") &\n`);
});

test('parseReports: whole lines only; the partial one is carried', () => {
  assert.deepEqual(parseReports('1 0\n12 2\n3'), { reports: [{ id: 1, code: 0 }, { id: 12, code: 2 }], rest: '3' });
});

const bash = findExecutable('bash');

test('ShellRunner: exit codes, stdout, stderr and input as ExecRunner gives them, concurrently', { skip: !bash && 'no bash' }, async () => {
  const runner = new ShellRunner({ sh: bash! });
  try {
    const many = await Promise.all(Array.from({ length: 40 }, (_, i) => runner.run(['echo', `n${i}`])));
    assert.deepEqual(many.map((r) => r.stdout), Array.from({ length: 40 }, (_, i) => `n${i}\n`));
    const fed = await runner.run(['sh', '-c', 'cat; echo oops >&2; exit 3'], { input: "it's\nKUBITO_IN_1\n", allowFailure: true });
    assert.deepEqual(fed, { code: 3, stdout: "it's\nKUBITO_IN_1\n", stderr: 'oops\n' });
    // Input larger than a pipe's buffer, without a final newline, bytes as given; its file is gone after.
    const big = `${'x'.repeat(100_000)}\nKUBITO_IN_9\nend`;
    const dir = join(mkdtempSync(join(tmpdir(), 'kubito-t-shellrunner-')), 'run');
    const filed = new ShellRunner({ sh: bash!, dir });
    try {
      assert.equal((await filed.run(['cat'], { input: big })).stdout, big);
      assert.equal((await filed.run(['wc', '-c'], { input: '' })).stdout.trim(), '0');
      assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.in')), []);
    } finally {
      filed.close();
      rmSync(dirname(dir), { recursive: true, force: true });
    }
    // No input: stdin is empty, not the helper's own command stream.
    assert.equal((await runner.run(['cat'])).stdout, '');
    await assert.rejects(runner.run(['sh', '-c', 'echo no >&2; exit 2']), (err: unknown) => err instanceof CommandError && err.code === 2 && err.stderr === 'no\n');
  } finally {
    runner.close();
  }
});

test('ShellRunner.start: pid, exactly the given environment, exit code or signal, stderr', { skip: !bash && 'no bash' }, async () => {
  const runner = new ShellRunner({ sh: bash! });
  try {
    const failing = runner.start(['sh', '-c', 'echo "$ONLY $HOME" >&2; exit 3'], { env: { ONLY: "it's", PATH: process.env.PATH ?? '/usr/bin:/bin' } });
    assert.ok((await failing.pid)! > 0);
    assert.deepEqual(await failing.exited, { code: 3, signal: null, stderr: "it's \n" }, 'HOME is not passed on');
    const sleeping = runner.start(['sleep', '30'], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
    const pid = (await sleeping.pid)!;
    process.kill(pid, 'SIGKILL');
    assert.deepEqual(await sleeping.exited, { code: null, signal: 'SIGKILL', stderr: '' });
  } finally {
    runner.close();
  }
});

test('startBlock: env -i with the environment, pid reported, then the status', () => {
  assert.equal(startBlock(4, ['ip', 'netns', 'exec', 'p'], { dir: '/d', env: { A: 'x y' }, envProgram: '/usr/bin/env' }), `(/usr/bin/env -i 'A=x y' ip netns exec p >/dev/null 2>/d/4.err </dev/null & echo "P 4 $!"; wait $!; echo "4 $?") &\n`);
  assert.deepEqual(parseReports('P 4 1234\n4 137\n').reports, [{ id: 4, pid: 1234 }, { id: 4, code: 137 }]);
});

test('ShellRunner: a helper that dies is reported; what it started is still followed; the next command gets a new one', { skip: !bash && 'no bash' }, async () => {
  let died!: (how: string) => void;
  const dead = new Promise<string>((r) => (died = r));
  const runner = new ShellRunner({ sh: bash!, onHelperExit: (code, signal) => died(`${signal ?? code}`) });
  try {
    const sleeping = runner.start(['sleep', '30'], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
    const pid = (await sleeping.pid)!;
    const ppid = (p: number): number => Number(readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
    // sleep's parent is the subshell that waits for it; the subshell's, the helper.
    process.kill(ppid(ppid(pid)), 'SIGKILL');
    assert.equal(await dead, 'SIGKILL');
    assert.equal((await runner.run(['echo', 'again'])).stdout, 'again\n');
    process.kill(pid, 'SIGTERM');
    assert.deepEqual(await sleeping.exited, { code: null, signal: 'SIGTERM', stderr: '' });
  } finally {
    runner.close();
  }
});

test('runnerDir: on /dev/shm per cluster where it is writable; the dir given is emptied and used', { skip: !bash && 'no bash' }, async () => {
  assert.ok(['/dev/shm/kubito-demo-runner', '/x/runner'].includes(runnerDir('demo', '/x/runner')));
  const dir = mkdtempSync(join(tmpdir(), 'kubito-runner-test-'));
  writeFileSync(join(dir, 'stale.out'), 'old');
  const runner = new ShellRunner({ sh: bash!, dir });
  try {
    assert.deepEqual(readdirSync(dir), []);
    assert.equal((await runner.run(['echo', 'here'])).stdout, 'here\n');
    assert.deepEqual(readdirSync(dir), [], 'output files are removed once read');
  } finally {
    runner.close();
    await new Promise((r) => setTimeout(r, 50));
    rmSync(dir, { recursive: true, force: true });
  }
});
