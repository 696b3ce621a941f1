/**
 * @module The iptables backend against the real kernel, in a network namespace this test makes
 * (`kubito-t<pid>ipt`, removed in `after`): jump rules once, full and partial restores, stale
 * chains deleted, packets DNATed to an endpoint and REJECTed without endpoints, cleanup. With a
 * recording runner: the commands a sync issues.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { execCommandRunner } from '../runner.js';
import { computeDesiredState } from '../tracker/desired.js';
import { ep, makeService, makeSlice, TEST_NODE } from '../tracker/fixtures.js';
import { SCENARIO_SERVICES, SCENARIO_SLICES } from '../tracker/scenario.js';
import type { CommandRunner } from '../types.js';
import { chainsOfTable, IptablesBackend } from './applier.js';
import { manyServices } from '../testing/many-services.js';
import { JUMP_RULES, jumpRuleText, missingJumpRules } from './jump-rules.js';

const NS = `kubito-t${process.pid}ipt`;
const canRun = process.platform === 'linux' && process.getuid?.() === 0 && spawnSync('ip', ['netns', 'list']).status === 0;

function sh(...argv: string[]): string {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Connects from inside the namespace; resolves with what the server said or the error text. */
function connect(ip: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const p = spawn('ip', ['netns', 'exec', NS, 'socat', '-T', '2', '-', `TCP:${ip}:${port},connect-timeout=2`], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString()));
    p.stderr.on('data', (c: Buffer) => (out += c.toString()));
    p.stdin.end();
    p.on('close', () => resolve(out));
  });
}

describe('IptablesBackend in a network namespace', { skip: canRun ? false : 'needs root and ip netns' }, () => {
  let server: ChildProcess | undefined;
  const backend = new IptablesBackend({ runner: execCommandRunner(), wrap: ['ip', 'netns', 'exec', NS] });

  before(() => {
    spawnSync('ip', ['netns', 'delete', NS]);
    sh('ip', 'netns', 'add', NS);
    sh('ip', 'netns', 'exec', NS, 'ip', 'link', 'set', 'lo', 'up');
    sh('ip', 'netns', 'exec', NS, 'ip', 'link', 'add', 'd0', 'type', 'veth', 'peer', 'name', 'd1');
    sh('ip', 'netns', 'exec', NS, 'ip', 'link', 'set', 'd0', 'up');
    sh('ip', 'netns', 'exec', NS, 'ip', 'addr', 'add', '10.180.0.1/32', 'dev', 'd0');
    sh('ip', 'netns', 'exec', NS, 'ip', 'route', 'add', 'default', 'dev', 'd0');
    server = spawn('ip', ['netns', 'exec', NS, 'socat', 'TCP-LISTEN:80,bind=10.180.0.1,fork,reuseaddr', 'SYSTEM:echo endpoint-10.180.0.1'], { stdio: 'ignore' });
  });

  after(() => {
    server?.kill('SIGKILL');
    spawnSync('ip', ['netns', 'delete', NS]);
  });

  test('probes a working iptables', async () => {
    assert.ok(['default', 'legacy', 'nft'].includes(await backend.variant()));
  });

  test('a full sync loads the scenario; rules read back as upstream writes them', async () => {
    await backend.sync(computeDesiredState(SCENARIO_SERVICES, SCENARIO_SLICES, TEST_NODE), 'all');
    const rules = await backend.currentRules();
    assert.match(rules, /-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1\/svc1:p80 -> 10.180.0.1:80" -m statistic --mode random --probability 0.5000000000\d* -j KUBE-SEP-SXIVWICOYRO3J4NJ/);
    assert.match(rules, /-A KUBE-SVC-2CMXP7HKUVJN7L6M -m comment --comment "default\/nginx -> 10.244.0.10:8080" -m statistic --mode random --probability 0.33333333\d* -j KUBE-SEP-477SGSZ3KF3WUNLR/);
    assert.match(rules, /-A KUBE-SERVICES -d 10.96.0.30\/32 -p tcp -m comment --comment "ns2\/empty:http has no endpoints" -m tcp --dport 8080 -j REJECT/);
    assert.match(rules, /-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES/);
    assert.match(rules, /-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING/);
  });

  test('the jump rules: every one once, also after the full sync of a restarted backend', async () => {
    const again = new IptablesBackend({ runner: execCommandRunner(), wrap: ['ip', 'netns', 'exec', NS], variant: await backend.variant() });
    await again.sync(computeDesiredState(SCENARIO_SERVICES, SCENARIO_SLICES, TEST_NODE), 'all');
    const save = await backend.currentRules();
    assert.deepEqual(missingJumpRules(save), []);
    for (const rule of JUMP_RULES) assert.equal(save.split('\n').filter((l) => l === jumpRuleText(rule)).length, 1, jumpRuleText(rule));
  });

  test('a resync puts back jump rules someone deleted, once each', async () => {
    const output = JUMP_RULES.find((r) => r.table === 'nat' && r.from === 'OUTPUT')!;
    const forward = JUMP_RULES.find((r) => r.table === 'filter' && r.from === 'FORWARD' && r.to === 'KUBE-FORWARD')!;
    const variant = await backend.variant();
    const bin = variant === 'legacy' ? 'iptables-legacy' : variant === 'nft' ? 'iptables-nft' : 'iptables';
    for (const rule of [output, forward]) sh('ip', 'netns', 'exec', NS, bin, '-w', '-t', rule.table, '-D', rule.from, ...rule.args);
    assert.equal(missingJumpRules(await backend.currentRules()).length, 2);
    await backend.sync(computeDesiredState(SCENARIO_SERVICES, SCENARIO_SLICES, TEST_NODE), 'all');
    const save = await backend.currentRules();
    assert.deepEqual(missingJumpRules(save), []);
    for (const rule of JUMP_RULES) assert.equal(save.split('\n').filter((l) => l === jumpRuleText(rule)).length, 1, jumpRuleText(rule));
  });

  test('packets to a cluster IP reach the endpoint; without endpoints they are refused at once', async () => {
    // svc1's endpoints are 10.180.0.1 (here) and 10.180.2.1 (nowhere): narrow to the live one.
    const svc = SCENARIO_SERVICES[0];
    const slice = makeSlice('ns1', 'svc1', 1, (s) => {
      s.ports = [{ name: 'p80', protocol: 'TCP', port: 80 }];
      s.endpoints = [ep('10.180.0.1')];
    });
    const state = computeDesiredState([svc, ...SCENARIO_SERVICES.slice(1)], [slice, ...SCENARIO_SLICES.slice(2)], TEST_NODE);
    await backend.sync(state, new Set(['ns1/svc1:p80/TCP']));
    for (let i = 0; i < 3; i++) assert.match(await connect('172.30.0.41', 80), /endpoint-10\.180\.0\.1/);
    const t0 = Date.now();
    assert.match(await connect('10.96.0.30', 8080), /refused/i);
    assert.ok(Date.now() - t0 < 1500, 'REJECT answers at once');
    const rules = await backend.currentRules();
    assert.ok(!rules.includes('KUBE-SEP-ZX7GRIZKSNUQ3LAJ'), 'the gone endpoint chain was deleted');
  });

  test('a Service removed: its chains go; cleanup removes everything', async () => {
    const services = SCENARIO_SERVICES.filter((s) => s.metadata.name !== 'nginx');
    await backend.sync(computeDesiredState(services, SCENARIO_SLICES, TEST_NODE), new Set(['default/nginx/TCP']));
    const nat = chainsOfTable(await backend.currentRules(), 'nat');
    assert.ok(!nat.includes('KUBE-SVC-2CMXP7HKUVJN7L6M'));
    assert.ok(!nat.includes('KUBE-SEP-477SGSZ3KF3WUNLR'));
    await backend.cleanup();
    const rules = await backend.currentRules();
    assert.ok(!rules.includes('KUBE-'), rules);
    // And it comes back after cleanup.
    await backend.sync(computeDesiredState(services, SCENARIO_SLICES, TEST_NODE), 'all');
    assert.ok((await backend.currentRules()).includes('KUBE-SVC-XPGD46QRK7WJZT7O'));
  });
});

test('commands of a first sync and a partial sync (recording runner)', async () => {
  const calls: string[] = [];
  const inputs: string[] = [];
  const runner: CommandRunner = {
    async run(argv, options) {
      calls.push(argv.join(' '));
      if (options?.input) inputs.push(options.input);
      const isCheck = argv.includes('-C');
      return { code: isCheck ? 1 : 0, stdout: argv[0].endsWith('-save') ? '*nat\n:KUBE-SEP-OLD0000000000000 - [0:0]\nCOMMIT\n' : '', stderr: '' };
    },
  };
  const b = new IptablesBackend({ runner, variant: 'legacy', factsProgram: null });
  const state = computeDesiredState(SCENARIO_SERVICES, SCENARIO_SLICES, TEST_NODE);
  await b.sync(state, new Set());
  assert.deepEqual(calls, ['iptables-legacy-save', 'iptables-legacy-restore -w --noflush'], 'first sync is full: reads what the kernel holds, then one restore');
  assert.ok(inputs[0].includes('-X KUBE-SEP-OLD0000000000000'));
  assert.equal(inputs[0].split('\n').filter((l) => l.startsWith('-I ')).length, 12, 'the missing jump rules inserted by the restore');
  assert.ok(inputs[0].includes('\n-I OUTPUT 1 -m comment --comment "kubernetes service portals" -j KUBE-SERVICES\n'));
  calls.length = 0;
  await b.sync(state, new Set(['default/nginx/TCP']));
  assert.deepEqual(calls, ['iptables-legacy-restore -w --noflush']);
  assert.ok(inputs[1].includes(':KUBE-SVC-2CMXP7HKUVJN7L6M'));
  assert.ok(!inputs[1].includes(':KUBE-SVC-XPGD46QRK7WJZT7O'));
  assert.ok(!inputs[1].includes('*filter') && !inputs[1].includes(':KUBE-SERVICES'), 'top-level rules unchanged: not rewritten');
  assert.deepEqual(b.lastSync, { kind: 'partial', wroteTopLevel: false });

  calls.length = 0;
  await b.sync(state, new Set());
  assert.deepEqual(calls, [], 'nothing changed: no restore');

  const without = computeDesiredState(SCENARIO_SERVICES.filter((s) => s.metadata.name !== 'nginx'), SCENARIO_SLICES, TEST_NODE);
  await b.sync(without, new Set(['default/nginx/TCP']));
  assert.deepEqual(calls, ['iptables-legacy-restore -w --noflush']);
  const last = inputs.at(-1)!;
  assert.ok(last.includes('*filter') && last.includes(':KUBE-SERVICES - [0:0]'), 'a Service gone: the top-level chains are rewritten');
  assert.ok(last.includes('-X KUBE-SVC-2CMXP7HKUVJN7L6M') && !last.includes('-j KUBE-SVC-2CMXP7HKUVJN7L6M'));
  assert.deepEqual(b.lastSync, { kind: 'partial', wroteTopLevel: true });
});

test('with the native reader a full sync reads both tables through it, else through iptables-save (recording runner)', async () => {
  const calls: string[] = [];
  const inputs: string[] = [];
  const program = process.execPath; // any file that exists: the runner below answers for it
  const runner: CommandRunner = {
    async run(argv, options) {
      calls.push(argv.join(' '));
      if (options?.input) inputs.push(options.input);
      const stdout = argv[0] === program ? '*nat\n:PREROUTING - [0:0]\n:KUBE-SEP-OLD0000000000000 - [0:0]\n-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES\nCOMMIT\n*filter\n:INPUT - [0:0]\nCOMMIT\n' : '';
      return { code: 0, stdout, stderr: '' };
    },
  };
  const b = new IptablesBackend({ runner, variant: 'legacy', factsProgram: program });
  await b.sync(computeDesiredState(SCENARIO_SERVICES, SCENARIO_SLICES, TEST_NODE), 'all');
  assert.deepEqual(calls, [`${program} nat filter`, 'iptables-legacy-restore -w --noflush']);
  assert.ok(inputs[0].includes('-X KUBE-SEP-OLD0000000000000'), 'a stale chain the reader listed is deleted');
  assert.equal(inputs[0].split('\n').filter((l) => l.startsWith('-I ')).length, 11, 'every jump but the one the reader found');
  assert.ok(!inputs[0].includes('-I PREROUTING 1 -m comment --comment "kubernetes service portals"'));

  // The reader failing: the sync reads iptables-save instead.
  calls.length = 0;
  const failing: CommandRunner = { run: async (argv, o) => (argv[0] === program ? (calls.push('reader'), { code: 2, stdout: '', stderr: 'out of bounds' }) : runner.run(argv, o)) };
  await new IptablesBackend({ runner: failing, variant: 'legacy', factsProgram: program }).sync(computeDesiredState(SCENARIO_SERVICES, SCENARIO_SLICES, TEST_NODE), 'all');
  assert.deepEqual(calls, ['reader', 'iptables-legacy-save', 'iptables-legacy-restore -w --noflush']);
});

test('a runner that serves: the reader is started once and asked per full sync; gone, the sync reads with one run and the next starts another; closed, none starts', async () => {
  const calls: string[] = [];
  const program = process.execPath;
  const facts = '*nat\n:PREROUTING - [0:0]\n:KUBE-SEP-OLD0000000000000 - [0:0]\nCOMMIT\n*filter\n:INPUT - [0:0]\nCOMMIT\n';
  let alive = true;
  const runner: CommandRunner = {
    async run(argv) {
      calls.push(argv.join(' '));
      return { code: 0, stdout: '', stderr: '' };
    },
    serve(argv) {
      calls.push(`serve ${argv.join(' ')}`);
      return {
        ask: async (request) => (calls.push(`ask ${request}`), alive ? { code: 0, stdout: facts, stderr: '' } : { code: -1, stdout: '', stderr: 'exited' }),
        close: () => calls.push('close'),
      };
    },
  };
  const b = new IptablesBackend({ runner, wrap: ['nsenter', '--net=/x', '--'], variant: 'legacy', factsProgram: program });
  const state = computeDesiredState(SCENARIO_SERVICES, SCENARIO_SLICES, TEST_NODE);
  await b.sync(state, 'all');
  await b.sync(state, 'all');
  const restore = 'nsenter --net=/x -- iptables-legacy-restore -w --noflush';
  assert.deepEqual(calls, [`serve nsenter --net=/x -- ${program} --serve`, 'ask nat filter', restore, 'ask nat filter', restore]);
  calls.length = 0;
  alive = false;
  await b.sync(state, 'all');
  alive = true;
  await b.sync(state, 'all');
  assert.deepEqual(calls, ['ask nat filter', 'close', `nsenter --net=/x -- ${program} nat filter`, restore, `serve nsenter --net=/x -- ${program} --serve`, 'ask nat filter', restore]);
  calls.length = 0;
  b.close();
  assert.deepEqual(calls, ['close']);
  // A sync after close (one in flight at the proxy's stop) starts no server nothing would close.
  calls.length = 0;
  await b.sync(state, 'all');
  assert.deepEqual(calls, [`nsenter --net=/x -- ${program} nat filter`, restore]);
});

describe('a big full sync streams its restore', { skip: canRun ? false : 'needs root and ip netns' }, () => {
  // The backend streams from 2,000 ports on; 200 here keeps the test fast.
  const STREAM_MIN_PORTS = 200;
  const streamed = `kubito-t${process.pid}ips`;
  const plain = `kubito-t${process.pid}ipp`;
  const exec = execCommandRunner();
  const noStream: CommandRunner = { run: (argv, o) => exec.run(argv, o) };
  const save = (ns: string): string =>
    sh('ip', 'netns', 'exec', ns, 'iptables-legacy-save')
      .split('\n')
      .filter((l) => !l.startsWith('#'))
      .map((l) => l.replace(/ \[\d+:\d+\]$/, ''))
      .join('\n');

  before(() => {
    for (const ns of [streamed, plain]) {
      spawnSync('ip', ['netns', 'delete', ns]);
      sh('ip', 'netns', 'add', ns);
    }
  });
  after(() => {
    for (const ns of [streamed, plain]) spawnSync('ip', ['netns', 'delete', ns]);
  });

  test('the kernel holds the same rules as after one plain restore; stale chains go, missing jumps come back', async () => {
    const state = manyServices(STREAM_MIN_PORTS + 50);
    const a = new IptablesBackend({ runner: exec, wrap: ['ip', 'netns', 'exec', streamed], variant: 'legacy', streamMinPorts: STREAM_MIN_PORTS });
    // a reads the kernel with the native nat reader when it was built, b with iptables-save.
    const b = new IptablesBackend({ runner: noStream, wrap: ['ip', 'netns', 'exec', plain], variant: 'legacy', factsProgram: null });
    // Leftovers of an earlier run in both: a service chain no port uses, and a missing jump.
    for (const ns of [streamed, plain]) sh('ip', 'netns', 'exec', ns, 'iptables-legacy', '-t', 'nat', '-N', 'KUBE-SEP-OLD0000000000000');
    await a.sync(state, 'all');
    await b.sync(state, 'all');
    const rules = save(streamed);
    assert.equal(rules, save(plain));
    assert.ok(!rules.includes('KUBE-SEP-OLD0000000000000'));
    assert.equal((rules.match(/^-A KUBE-SEP-/gm) ?? []).length, 2 * 2 * (STREAM_MIN_PORTS + 50));
    sh('ip', 'netns', 'exec', streamed, 'iptables-legacy', '-t', 'nat', '-D', 'OUTPUT', '-m', 'comment', '--comment', 'kubernetes service portals', '-j', 'KUBE-SERVICES');
    await a.sync(state, 'all');
    assert.equal(save(streamed), rules);
    // A partial sync after a streamed full one knows each port's chains.
    const fewer = manyServices(STREAM_MIN_PORTS + 49);
    await a.sync(fewer, new Set(['many/s249:http/TCP']));
    assert.deepEqual(a.lastSync, { kind: 'partial', wroteTopLevel: true });
    assert.equal((save(streamed).match(/^:KUBE-SEP-/gm) ?? []).length, 2 * (STREAM_MIN_PORTS + 49));
  });

  test('a restore that fails is reported with its line, and the next sync is full again', async () => {
    const bad = new IptablesBackend({ runner: exec, wrap: ['ip', 'netns', 'exec', streamed], variant: 'legacy', streamMinPorts: STREAM_MIN_PORTS });
    const state = manyServices(STREAM_MIN_PORTS, { ...TEST_NODE, clusterCIDR: 'not-a-cidr' });
    await assert.rejects(bad.sync(state, 'all'), /iptables-legacy-restore -w --noflush: exit \d+/);
    const calls: string[] = [];
    const recorder: CommandRunner = { run: (argv, o) => (calls.push(argv.at(-1)!), exec.run(argv, o)), start: (argv) => (calls.push(`start ${argv.at(-3)}`), exec.start!(argv)) };
    const again = new IptablesBackend({ runner: recorder, wrap: ['ip', 'netns', 'exec', streamed], variant: 'legacy', streamMinPorts: STREAM_MIN_PORTS, factsProgram: null });
    await again.sync(manyServices(STREAM_MIN_PORTS), new Set());
    assert.deepEqual(calls, ['start iptables-legacy-restore', 'iptables-legacy-save'], 'the kernel is read once the rules are handed to the restore');
  });
});
