/**
 * @module The native table reader (`build/kubito-ipt-facts`, native/ipt-facts.c) against
 * iptables-legacy-save of the same kernel table, in a network namespace this test makes
 * (`kubito-t<pid>ift`, removed in `after`): the same chains, and the same answer to
 * missingJumpRules, with jumps present, deleted and imitated by rules that only look alike;
 * then its dump read back, and mangled dumps (it must exit 0 or 2, never crash).
 * Fails, not skips, when the program was not built (`node scripts/build-native.js`).
 * `KUBITO_TEST_IPT_FACTS` runs another build of it (e.g. one with -fsanitize=address,undefined).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execCommandRunner } from '../runner.js';
import { manyServices } from '../testing/many-services.js';
import { chainsOfTable, IptablesBackend, iptFactsPath } from './applier.js';
import { loadIptFactsAddon } from './ipt-facts-addon.js';
import { JUMP_RULES, missingJumpRules } from './jump-rules.js';

const NS = `kubito-t${process.pid}ift`;
const PROGRAM = process.env.KUBITO_TEST_IPT_FACTS ?? iptFactsPath();
const canRun = process.platform === 'linux' && process.getuid?.() === 0 && spawnSync('ip', ['netns', 'list']).status === 0;

function inNs(argv: string[], input?: string): { status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string } {
  const r = spawnSync('ip', ['netns', 'exec', NS, ...argv], { input, encoding: 'utf8', maxBuffer: 1 << 28 });
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function must(argv: string[], input?: string): string {
  const r = inNs(argv, input);
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: exit ${r.status} ${r.stderr}`);
  return r.stdout;
}

/** What the backend reads with the reader, and with iptables-legacy-save. */
function readBoth(): { facts: string; save: string } {
  return { facts: must([PROGRAM, 'nat', 'filter']), save: must(['iptables-legacy-save']) };
}

function assertSameAnswers(what: string): void {
  const { facts, save } = readBoth();
  assert.deepEqual(chainsOfTable(facts, 'nat').sort(), chainsOfTable(save, 'nat').sort(), `${what}: nat chains`);
  assert.deepEqual(missingJumpRules(facts), missingJumpRules(save), `${what}: missing jump rules`);
}

test('the native table reader was built, as a program and as an addon', () => {
  assert.ok(existsSync(PROGRAM), `${PROGRAM} missing: node scripts/build-native.js (needs cc and the Linux headers)`);
  const addon = loadIptFactsAddon();
  assert.ok(!(addon instanceof Error), addon instanceof Error ? addon.message : '');
});

describe('kubito-ipt-facts in a network namespace', { skip: canRun ? false : 'needs root and ip netns' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-ipt-facts-'));
  before(() => {
    spawnSync('ip', ['netns', 'delete', NS]);
    spawnSync('ip', ['netns', 'add', NS]);
  });
  after(() => {
    spawnSync('ip', ['netns', 'delete', NS]);
    rmSync(dir, { recursive: true, force: true });
  });

  test('an empty namespace: built-in chains, no rules, every jump missing', () => {
    const out = must([PROGRAM, 'nat']);
    assert.equal(out, '*nat\n:PREROUTING - [0:0]\n:INPUT - [0:0]\n:OUTPUT - [0:0]\n:POSTROUTING - [0:0]\nCOMMIT\n');
    assert.equal(missingJumpRules(must([PROGRAM, 'nat', 'filter'])).length, JUMP_RULES.length);
  });

  test('the same chains and missing jumps as iptables-legacy-save: after a sync, jumps deleted, look-alikes added', async () => {
    const backend = new IptablesBackend({ runner: execCommandRunner(), wrap: ['ip', 'netns', 'exec', NS], variant: 'legacy', factsProgram: null });
    await backend.sync(manyServices(30), 'all');
    assertSameAnswers('after a full sync');
    assert.deepEqual(missingJumpRules(readBoth().facts), []);
    must(['iptables-legacy', '-t', 'nat', '-D', 'OUTPUT', '-m', 'comment', '--comment', 'kubernetes service portals', '-j', 'KUBE-SERVICES']);
    must(['iptables-legacy', '-t', 'filter', '-D', 'FORWARD', '-m', 'comment', '--comment', 'kubernetes forwarding rules', '-j', 'KUBE-FORWARD']);
    // Rules that differ from a jump rule only outside the comment and the target.
    must(['iptables-legacy-restore', '--noflush'], [
      '*nat',
      ':KUBE-SEP-OLD0000000000000 - [0:0]',
      '-A OUTPUT -o lo -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
      '-A OUTPUT -p tcp -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
      '-A OUTPUT -m comment --comment "kubernetes service portals" -g KUBE-SERVICES',
      '-A OUTPUT -m mark --mark 0x1 -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
      '-A OUTPUT -m comment --comment "kubernetes service portals" -j ACCEPT',
      '-A POSTROUTING -m comment --comment "a \\"quoted\\" \'comment\'" -j KUBE-SEP-OLD0000000000000',
      '-A POSTROUTING -m comment --comment plain -j KUBE-SEP-OLD0000000000000',
      'COMMIT',
      '*filter',
      '-A FORWARD -m conntrack --ctstate NEW,ESTABLISHED -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD',
      '-A FORWARD -m conntrack ! --ctstate NEW -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD',
      '-A FORWARD -m conntrack --ctstate NEW --ctproto tcp -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD',
      '-A FORWARD -m comment --comment "kubernetes forwarding rules" -m conntrack --ctstate NEW -j KUBE-FORWARD',
      'COMMIT',
      '',
    ].join('\n'));
    assertSameAnswers('jumps deleted, look-alikes added');
    const facts = must([PROGRAM, 'nat']);
    assert.ok(facts.includes('\n-A POSTROUTING -m comment --comment plain -j KUBE-SEP-OLD0000000000000\n'), facts);
    assert.ok(facts.includes('\n-A POSTROUTING -m comment --comment "a \\"quoted\\" \\\'comment\\\'" -j KUBE-SEP-OLD0000000000000\n'), 'quoted as iptables-save quotes');
    assert.equal(facts.split('\n').filter((l) => l === '-A OUTPUT ?').length, 5, 'the look-alikes are unread rules');
    const both = must([PROGRAM, 'nat', 'filter']);
    assert.ok(both.includes('\n-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES\n'), both);
    assert.ok(both.includes('\n-A FORWARD -m comment --comment "kubernetes forwarding rules" -m conntrack --ctstate NEW -j KUBE-FORWARD\n'), 'matches in their order');
    assert.equal(both.split('\n').filter((l) => l === '-A FORWARD ?').length, 3, 'other conntrack matches are unread rules');
    assert.deepEqual(missingJumpRules(readBoth().facts).map((r) => `${r.table} ${r.from} ${r.to}`), ['filter FORWARD KUBE-FORWARD', 'nat OUTPUT KUBE-SERVICES']);
    // The backend repairs through the reader and deletes the stale chain.
    const repairing = new IptablesBackend({ runner: execCommandRunner(), wrap: ['ip', 'netns', 'exec', NS], variant: 'legacy', factsProgram: PROGRAM });
    must(['iptables-legacy', '-t', 'nat', '-F', 'POSTROUTING']);
    must(['iptables-legacy', '-t', 'nat', '-F', 'OUTPUT']);
    await repairing.sync(manyServices(30), 'all');
    repairing.close();
    assert.deepEqual(missingJumpRules(readBoth().save), []);
    assert.ok(!must(['iptables-legacy-save', '-t', 'nat']).includes('KUBE-SEP-OLD0000000000000'));
    assertSameAnswers('after the repair');
  });

  test('a dump reads back the same; mangled dumps end in exit 0 or 2, never a signal', () => {
    const path = join(dir, 'nat.dump');
    const dump = spawnSync('ip', ['netns', 'exec', NS, PROGRAM, '--dump', 'nat'], { maxBuffer: 1 << 28 });
    assert.equal(dump.status, 0, String(dump.stderr));
    writeFileSync(path, dump.stdout);
    assert.equal(must([PROGRAM, '--file', path]), must([PROGRAM, 'nat']));
    const original = readFileSync(path);
    const codes = new Map<number, number>();
    for (let i = 0; i < 300; i++) {
      // Deterministic mangling (replayable by i): 1-8 bytes overwritten at spread-out places,
      // every fifth dump also cut short.
      const bytes = Buffer.from(original);
      for (let f = 0; f <= i % 8; f++) bytes[(i * 7919 + f * 104729) % bytes.length] = (i * 31 + f * 97) & 255;
      const cut = i % 5 === 4 ? (i * 3571) % bytes.length : bytes.length;
      writeFileSync(path, bytes.subarray(0, cut));
      const r = spawnSync(PROGRAM, ['--file', path], { encoding: 'utf8', maxBuffer: 1 << 28 });
      assert.equal(r.signal, null, `mangled dump ${i}: ${r.signal} ${r.stderr}`);
      assert.ok(r.status === 0 || r.status === 1 || r.status === 2, `mangled dump ${i}: exit ${r.status} ${r.stderr}`);
      assert.ok(!/runtime error|AddressSanitizer/.test(r.stderr), `mangled dump ${i}: ${r.stderr}`);
      codes.set(r.status!, (codes.get(r.status!) ?? 0) + 1);
    }
    assert.ok((codes.get(2) ?? 0) > 0, `some mangled dumps are refused: ${[...codes]}`);
  });

  test('--serve answers each request line as one run would, framed with its status and its own stderr; a bad table fails only its request', async () => {
    const once = must([PROGRAM, 'nat', 'filter']);
    const r = inNs([PROGRAM, '--serve'], `nat filter\nno-such-table\nnat\n${'x'.repeat(3000)}\n\nnat filter\n`);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '', 'each failure told in its own answer');
    const nat = must([PROGRAM, 'nat']);
    const frame = (code: number, out: string, err: string): string => `exit ${code} ${Buffer.byteLength(out)} ${Buffer.byteLength(err)}\n${out}${err}`;
    const missing = /^exit 1 0 (\d+)\n(kubito-ipt-facts: IPT_SO_GET_INFO no-such-table: [^\n]*\n)/.exec(r.stdout.slice(frame(0, once, '').length));
    assert.ok(missing, r.stdout.slice(0, 400));
    const long = 'kubito-ipt-facts: request over 1022 bytes\n';
    assert.equal(r.stdout, frame(0, once, '') + frame(1, '', missing[2]) + frame(0, nat, '') + frame(1, '', long) + frame(0, '', '') + frame(0, once, ''));
    // Through the runner's server, as the backend asks it.
    const server = execCommandRunner().serve!(['ip', 'netns', 'exec', NS, PROGRAM, '--serve']);
    try {
      assert.deepEqual(await server.ask('nat filter'), { code: 0, stdout: once, stderr: '' });
      const bad = await server.ask('no-such-table');
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /no-such-table/, 'its own stderr');
      assert.deepEqual(await server.ask('nat filter'), { code: 0, stdout: once, stderr: '' }, 'not the failure before');
    } finally {
      server.close();
    }
  });

  test('the addon answers as the program does, from a pool thread, for the namespace it is given; a bad table or namespace answers 1', async () => {
    const addon = loadIptFactsAddon();
    if (addon instanceof Error) throw addon;
    must(['iptables-legacy', '-t', 'nat', '-N', 'KUBE-SEP-ADDON00000000000']);
    const path = `/run/netns/${NS}`;
    for (const tables of ['nat filter', 'nat', 'filter nat']) assert.deepEqual(await addon.read(tables, path), { code: 0, stdout: must([PROGRAM, ...tables.split(' ')]), stderr: '' }, tables);
    // Several at once: each its own socket and its own memory files.
    const many = await Promise.all(Array.from({ length: 8 }, () => addon.read('nat filter', path)));
    for (const r of many) assert.deepEqual(r, { code: 0, stdout: must([PROGRAM, 'nat', 'filter']), stderr: '' });
    const bad = await addon.read('nat no-such-table', path);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /IPT_SO_GET_INFO no-such-table/);
    assert.equal(bad.stdout, must([PROGRAM, 'nat']), 'the tables read before the failure, as the program prints them');
    const gone = await addon.read('nat', `/run/netns/${NS}-absent`);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /open .*-absent: No such file/);
    assert.throws(() => addon.read('', path), TypeError);
    assert.throws(() => (addon.read as (t: unknown, n: unknown) => unknown)('nat', 7), TypeError);
    // The JS thread is back in its own namespace: its raw socket reads the host's tables, not NS's.
    assert.notEqual(spawnSync('readlink', [`/proc/${process.pid}/task/${process.pid}/ns/net`], { encoding: 'utf8' }).stdout.trim(), spawnSync('ip', ['netns', 'exec', NS, 'readlink', '/proc/self/ns/net'], { encoding: 'utf8' }).stdout.trim());
    // The backend reads through it (no process for the read) and deletes the chain it found.
    const calls: string[] = [];
    const exec = execCommandRunner();
    const runner = { run: (argv: string[], o?: { input?: string }) => (calls.push(argv.join(' ')), exec.run(argv, o)) };
    const backend = new IptablesBackend({ runner, wrap: ['ip', 'netns', 'exec', NS], variant: 'legacy', factsAddon: addon });
    await backend.sync(manyServices(3), 'all');
    assert.deepEqual(calls, [`ip netns exec ${NS} iptables-legacy-restore -w --noflush`], 'no process read the tables');
    assert.ok(!must(['iptables-legacy-save', '-t', 'nat']).includes('KUBE-SEP-ADDON00000000000'), 'the stale chain it read is gone');
  });

  test('usage errors exit 1', () => {
    assert.equal(spawnSync(PROGRAM, []).status, 1);
    assert.equal(spawnSync(PROGRAM, ['--file', join(dir, 'absent')]).status, 1);
    assert.equal(inNs([PROGRAM, 'no-such-table']).status, 1);
  });
});
