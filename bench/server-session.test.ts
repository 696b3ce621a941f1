/** @module Tests of server-session.ts: quoting, the script, and servers sharing a session of their own. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { sessionScript, shellQuote, startServerSession } from './server-session.js';

/** The session ID of a process (field 6 of /proc/<pid>/stat, after the parenthesised name). */
function sessionOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]);
}

test('shellQuote leaves plain words and quotes the rest', () => {
  assert.equal(shellQuote('/usr/sbin/nginx'), '/usr/sbin/nginx');
  assert.equal(shellQuote('a b'), `'a b'`);
  assert.equal(shellQuote(`it's`), `'it'\\''s'`);
  assert.equal(shellQuote(''), `''`);
  assert.equal(execFileSync('sh', ['-c', `printf %s ${shellQuote(`x'$(y) "z"`)}`], { encoding: 'utf8' }), `x'$(y) "z"`);
});

test('sessionScript starts each command in the background, prints its PID, then waits', () => {
  assert.equal(sessionScript([['sleep', '1'], ['echo', 'a b']]), "exec sleep 1 </dev/null >/dev/null &\necho $!\nexec echo 'a b' </dev/null >/dev/null &\necho $!\nwait\n");
});

test('the servers share one new session, apart from ours, and stop() ends them', async () => {
  const session = await startServerSession([['sleep', '30'], ['sleep', '31']]);
  try {
    assert.equal(session.pids.length, 2);
    for (const pid of session.pids) assert.match(readFileSync(`/proc/${pid}/cmdline`, 'utf8'), /^sleep\x003[01]\x00$/);
    const [a, b] = session.pids.map(sessionOf);
    assert.equal(a, b);
    assert.notEqual(a, sessionOf(process.pid));
  } finally {
    await session.stop();
  }
  for (const pid of session.pids) assert.equal(session.alive(pid), false);
});

test('ownSession: false keeps the servers in our session', async () => {
  const session = await startServerSession([['sleep', '30']], { ownSession: false });
  try {
    assert.equal(sessionOf(session.pids[0]), sessionOf(process.pid));
  } finally {
    await session.stop();
  }
});
