/**
 * @module The nftables backend against the real kernel, in network namespaces this test makes
 * (`kubito-t<pid>n{node,cli,p1,p2}`, removed in `after`): a client namespace routed through a
 * node namespace holding the rules, two "pod" namespaces on the node's bridge with tiny TCP
 * servers. ClusterIP traffic reaches both endpoints, affinity sticks, no endpoints → refused at
 * once, NodePort on the node address (from the client and from the node itself), a partial update
 * removing an endpoint, a full resync after partial ones changes nothing, cleanup — once with
 * the syncs applied by libnftables in this process (native/nft-addon.c), once by the nft
 * command. With a recording runner: the commands of full, partial and stale-deleting syncs; nft
 * missing; with a stand-in addon: its refusals, and the fallback when the library is unusable.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { answers, connect, inNs, makeTopology, type Topology } from '../testing/topology.js';
import { execCommandRunner } from '../runner.js';
import { computeDesiredState } from '../tracker/desired.js';
import { ep, makeService, makeSlice, TEST_NODE } from '../tracker/fixtures.js';
import { SCENARIO_SERVICES, SCENARIO_SLICES } from '../tracker/scenario.js';
import type { CommandRunner, DesiredState } from '../types.js';
import { NftablesBackend, NftNotFoundError } from './applier.js';
import { loadNftAddon, queued, type NftAddon } from './libnft.js';
import { affinitySet } from './names.js';

const P = `kubito-t${process.pid}n`;
const NODE = `${P}node`;
const CLI = `${P}cli`;
const canRun = process.platform === 'linux' && process.getuid?.() === 0 && spawnSync('ip', ['netns', 'list']).status === 0 && spawnSync('nft', ['--version']).status === 0;

const web = (endpoints: string[]) => [
  makeService('t', 'web', (s) => {
    s.spec.type = 'NodePort';
    s.spec.clusterIP = '10.96.0.100';
    s.spec.ports = [{ name: 'http', protocol: 'TCP', port: 80, nodePort: 30080 }];
  }),
  makeService('t', 'sticky', (s) => {
    s.spec.clusterIP = '10.96.0.102';
    s.spec.ports = [{ name: 'http', protocol: 'TCP', port: 80 }];
    s.spec.sessionAffinity = 'ClientIP';
    s.spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 60 } };
  }),
  makeService('t', 'empty', (s) => {
    s.spec.clusterIP = '10.96.0.101';
    s.spec.ports = [{ name: 'http', protocol: 'TCP', port: 80 }];
  }),
  ...[
    makeSlice('t', 'web', 1, (s) => {
      s.ports = [{ name: 'http', protocol: 'TCP', port: 8080 }];
      s.endpoints = endpoints.map((ip) => ep(ip));
    }),
    makeSlice('t', 'sticky', 1, (s) => {
      s.ports = [{ name: 'http', protocol: 'TCP', port: 8080 }];
      s.endpoints = [ep('10.244.0.11'), ep('10.244.0.12')];
    }),
  ],
];

function stateWith(endpoints: string[]): DesiredState {
  const objs = web(endpoints);
  return computeDesiredState(objs.slice(0, 3) as never, objs.slice(3) as never, TEST_NODE);
}

/** The table as data, independent of listing order: chains with their rules, maps/sets with sorted elements. */
async function tableShape(): Promise<string[]> {
  const json = JSON.parse(inNs(NODE, 'nft', '-j', 'list', 'table', 'ip', 'kube-proxy')) as { nftables: Record<string, Record<string, unknown>>[] };
  const out: string[] = [];
  for (const item of json.nftables) {
    const [kind, body] = Object.entries(item)[0];
    if (kind === 'metainfo' || kind === 'table') continue;
    const { handle: _h, elem, ...rest } = body;
    // Affinity sets hold the clients seen (dynamic, restarted by a full sync): compare their definitions only.
    const dynamic = String(body.name ?? '').startsWith('affinity-');
    const elems = Array.isArray(elem) && !dynamic ? elem.map((e) => JSON.stringify(e)).sort() : [];
    out.push(`${kind} ${JSON.stringify(rest)} ${elems.join(' ')}`);
  }
  return out.sort();
}

test('the libnftables addon was built and loads', () => {
  const addon = loadNftAddon();
  assert.ok(!(addon instanceof Error), addon instanceof Error ? `${addon.message}: node scripts/build-native.js (needs cc)` : '');
});

describe('the libnftables addon itself', { skip: canRun ? false : 'needs root, ip netns and nft' }, () => {
  const NS = `${P}lib`;
  before(() => {
    spawnSync('ip', ['netns', 'delete', NS]);
    assert.equal(spawnSync('ip', ['netns', 'add', NS]).status, 0);
  });
  after(() => {
    spawnSync('ip', ['netns', 'delete', NS]);
  });

  test('applies in the namespace it is given, answers nft\'s errors with their line, and a namespace gone with -2', async () => {
    const addon = loadNftAddon();
    assert.ok(!(addon instanceof Error));
    assert.deepEqual(await addon.run('add table ip kubito-lib-test\nadd chain ip kubito-lib-test c\n', `/run/netns/${NS}`), { code: 0, stdout: '', stderr: '' });
    assert.match(inNs(NS, 'nft', 'list', 'table', 'ip', 'kubito-lib-test'), /chain c \{/);
    assert.doesNotMatch(spawnSync('nft', ['list', 'tables']).stdout.toString(), /kubito-lib-test/, 'not in this process\'s own namespace');
    const refused = await addon.run('add chain ip kubito-lib-test d\nadd rule ip kubito-lib-test nosuch counter\n', `/run/netns/${NS}`);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^\/proc\/self\/fd\/\d+:2:\d+-\d+: Error: /);
    assert.doesNotMatch(inNs(NS, 'nft', 'list', 'table', 'ip', 'kubito-lib-test'), /chain d/, 'one transaction: nothing of it applied');
    const nowhere = await addon.run('add table ip x\n', `/run/netns/${P}absent`);
    assert.equal(nowhere.code, -2, 'not for this run: the library stays usable');
    assert.match(nowhere.stderr, /kubito nft addon: open \/run\/netns\/\S+absent: No such file or directory/);
    await assert.rejects(async () => (addon.run as (...a: unknown[]) => unknown)(7, null), TypeError);
  });

  test('interface names are looked up in the namespace it applies in', async () => {
    // An interface only the target namespace has: nft run there accepts it, as the addon must.
    // (A veth pair: this kernel has no dummy devices.)
    assert.equal(spawnSync('ip', ['-n', NS, 'link', 'add', 'kubito-tonly', 'type', 'veth', 'peer', 'name', 'kubito-tonlyp']).status, 0);
    const addon = loadNftAddon();
    assert.ok(!(addon instanceof Error));
    const r = await addon.run('add table ip kubito-lib-if\nadd chain ip kubito-lib-if c\nadd rule ip kubito-lib-if c iifname "kubito-tonly" counter\nadd rule ip kubito-lib-if c iif "kubito-tonly" counter\n', `/run/netns/${NS}`);
    assert.deepEqual(r, { code: 0, stdout: '', stderr: '' });
    assert.match(inNs(NS, 'nft', 'list', 'chain', 'ip', 'kubito-lib-if', 'c'), /iif "kubito-tonly"/);
  });
});

for (const applier of ['libnftables', 'nft'] as const) describe(`NftablesBackend in network namespaces (${applier})`, { skip: canRun ? false : 'needs root, ip netns and nft' }, () => {
  let clockMs = 0;
  const addon = applier === 'libnftables' ? loadNftAddon() : null;
  const backend = new NftablesBackend({ runner: execCommandRunner(), wrap: ['ip', 'netns', 'exec', NODE], now: () => clockMs, addon });

  test(`syncs are applied by ${applier}`, () => {
    assert.equal(backend.applier, applier);
  });

  let topology: Topology | undefined;

  before(() => {
    topology = makeTopology(P);
  });

  after(() => {
    topology?.close();
  });

  test('a full sync loads the scenario cluster as written', async () => {
    await backend.sync(computeDesiredState(SCENARIO_SERVICES, SCENARIO_SLICES, TEST_NODE), 'all');
    const rules = await backend.currentRules();
    assert.match(rules, /numgen random mod 2 vmap \{ 0 : goto endpoint-5OJB2KTY-ns1\/svc1\/tcp\/p80__10\.180\.0\.1\/80, 1 : goto endpoint-MLKSHPWN-ns1\/svc1\/tcp\/p80__10\.180\.2\.1\/80 \}/);
    assert.match(rules, /10\.96\.0\.30 \. tcp \. 8080 comment "ns2\/empty:http" : goto reject-chain/);
    assert.equal(backend.lastSync.kind, 'full');
  });

  test('ClusterIP traffic reaches both endpoints; affinity sticks; no endpoints are refused at once', async () => {
    await backend.sync(stateWith(['10.244.0.11', '10.244.0.12']), 'all');
    assert.deepEqual([...(await answers(CLI, '10.96.0.100', 80, 16))].sort(), ['pod-10.244.0.11', 'pod-10.244.0.12']);
    assert.equal((await answers(CLI, '10.96.0.102', 80, 6)).size, 1, 'ClientIP affinity keeps one endpoint');
    const t0 = Date.now();
    assert.match(await connect(CLI, '10.96.0.101', 80), /refused/i);
    assert.ok(Date.now() - t0 < 1500, 'reject answers at once');
    assert.match(await connect(CLI, '10.96.0.100', 81), /refused/i, 'a port the ClusterIP does not serve');
  });

  test('NodePort on the node address, from the client and from the node itself', async () => {
    assert.match(await connect(CLI, '10.244.0.1', 30080), /^pod-10\.244\.0\.1[12]$/);
    assert.match(await connect(NODE, '10.244.0.1', 30080), /^pod-10\.244\.0\.1[12]$/);
    assert.match(await connect(NODE, '10.96.0.100', 80), /^pod-10\.244\.0\.1[12]$/);
  });

  test('a partial update removing an endpoint takes effect; its chain goes at the next sync', async () => {
    await backend.sync(stateWith(['10.244.0.11']), new Set(['t/web:http/TCP']));
    assert.equal(backend.lastSync.kind, 'partial');
    assert.deepEqual([...(await answers(CLI, '10.96.0.100', 80, 8))], ['pod-10.244.0.11']);
    assert.match(await connect(CLI, '10.244.0.1', 30080), /^pod-10\.244\.0\.11$/);
    assert.ok((await backend.currentRules()).includes('endpoint-'), 'flushed chain still listed');
    const stale = /chain (endpoint-\S+__10\.244\.0\.12\/8080) \{\s*\}/.exec(await backend.currentRules());
    assert.ok(stale, 'the gone endpoint chain is flushed, not yet deleted');
    clockMs += 999;
    await backend.sync(stateWith(['10.244.0.11']), new Set());
    assert.equal(backend.lastSync.staleDeleted, 0, 'not within a second');
    clockMs += 1;
    await backend.sync(stateWith(['10.244.0.11']), new Set());
    assert.equal(backend.lastSync.staleDeleted, 1);
    assert.ok(!(await backend.currentRules()).includes(stale[1]));
  });

  test('a full resync after partial ones leaves the same table', async () => {
    const afterPartial = await tableShape();
    await backend.sync(stateWith(['10.244.0.11']), 'all');
    assert.deepEqual(await tableShape(), afterPartial);
    await backend.sync(stateWith(['10.244.0.11']), 'all');
    assert.deepEqual(await tableShape(), afterPartial);
    // And back to two endpoints, partially.
    await backend.sync(stateWith(['10.244.0.11', '10.244.0.12']), new Set(['t/web:http/TCP']));
    assert.equal((await answers(CLI, '10.96.0.100', 80, 16)).size, 2);
  });

  test('a full resync keeps the clients of the affinity sets', async () => {
    await backend.sync(stateWith(['10.244.0.11', '10.244.0.12']), 'all');
    const seen = [...(await answers(CLI, '10.96.0.102', 80, 3))];
    assert.equal(seen.length, 1);
    const clientsOf = () => inNs(NODE, 'nft', 'list', 'sets', 'ip').split('\n').filter((l) => /elements = \{ 10\.\d+\.\d+\.\d+ /.test(l));
    assert.equal(clientsOf().length, 1, 'one client remembered');
    await backend.sync(stateWith(['10.244.0.11', '10.244.0.12']), 'all');
    assert.equal(clientsOf().length, 1, 'still remembered after the full sync');
    assert.match(clientsOf()[0], /expires [1-5]?\d(s|ms)/, 'with what was left of its 60 s');
    assert.deepEqual([...(await answers(CLI, '10.96.0.102', 80, 6))], seen, 'the client stays on its endpoint');
  });

  test('cleanup deletes the table; a sync brings it back', async () => {
    await backend.cleanup();
    assert.equal(await backend.currentRules(), '');
    await backend.cleanup();
    await backend.sync(stateWith(['10.244.0.12']), new Set(['t/web:http/TCP']));
    assert.equal(backend.lastSync.kind, 'full', 'after cleanup the next sync is full');
    assert.match(await connect(CLI, '10.96.0.100', 80), /^pod-10\.244\.0\.12$/);
  });

  test(`every sync above was applied by ${applier}`, () => {
    // The backend falls back to the nft command when the library fails it: that must not have
    // happened here, or the tests above tested the command.
    assert.equal(backend.applier, applier);
  });
});

test('commands of full, partial and stale-deleting syncs (recording runner)', async () => {
  const inputs: string[] = [];
  const calls: string[] = [];
  const runner: CommandRunner = {
    async run(argv, options) {
      calls.push(argv.join(' '));
      inputs.push(options?.input ?? '');
      return { code: 0, stdout: '', stderr: '' };
    },
  };
  let clockMs = 0;
  const b = new NftablesBackend({ runner, now: () => clockMs });
  const two = stateWith(['10.244.0.11', '10.244.0.12']);
  await b.sync(two, new Set(['t/web:http/TCP']));
  assert.deepEqual(calls, ['nft -j list sets ip', 'nft -f -'], 'the first sync is full even when given keys; with affinity sets, their clients are read first');
  assert.ok(inputs[1].startsWith('add table ip kube-proxy\ndelete table ip kube-proxy\n'));
  calls.length = 0;
  inputs.length = 0;
  await b.sync(stateWith(['10.244.0.11']), new Set(['t/web:http/TCP']));
  assert.deepEqual(calls, ['nft -f -']);
  assert.ok(!inputs[0].includes('t/sticky') && inputs[0].includes('flush chain ip kube-proxy endpoint-'));
  calls.length = 0;
  inputs.length = 0;
  await b.sync(stateWith(['10.244.0.11']), new Set());
  assert.deepEqual(calls, [], 'nothing changed, the stale chain is not a second old');
  clockMs += 1000;
  await b.sync(stateWith(['10.244.0.11']), new Set());
  assert.deepEqual(calls, ['nft -f -'], 'only the stale-chain deletion');
  assert.match(inputs[0], /^delete chain ip kube-proxy endpoint-\S+__10\.244\.0\.12\/8080\n$/);
  // A chain flushed, then used again before its deletion, stays.
  calls.length = 0;
  inputs.length = 0;
  await b.sync(stateWith(['10.244.0.12']), new Set(['t/web:http/TCP']));
  clockMs += 500;
  await b.sync(stateWith(['10.244.0.11', '10.244.0.12']), new Set(['t/web:http/TCP']));
  clockMs += 1000;
  await b.sync(stateWith(['10.244.0.12']), new Set(['t/web:http/TCP']));
  assert.equal(calls.length, 3, 'one transaction per sync');
  assert.equal(b.lastSync.staleDeleted, 0, 'the .11 chain came back before it was due');
  assert.ok(!inputs[2].includes('delete chain'));
  clockMs += 1000;
  await b.sync(stateWith(['10.244.0.12']), new Set(['t/web:http/TCP']));
  assert.equal(b.lastSync.staleDeleted, 1);
  assert.match(inputs[3], /^delete chain ip kube-proxy endpoint-\S+__10\.244\.0\.11\/8080\n/);
});

test('a failed script makes the next sync full; a missing nft names the Debian package', async () => {
  let fail = true;
  const inputs: string[] = [];
  const runner: CommandRunner = {
    async run(_argv, options) {
      inputs.push(options?.input ?? '');
      return fail ? { code: 1, stdout: '', stderr: '/dev/stdin:2:1-6: Error: Could not process rule' } : { code: 0, stdout: '', stderr: '' };
    },
  };
  const b = new NftablesBackend({ runner });
  await assert.rejects(b.sync(stateWith(['10.244.0.11']), 'all'), /line 2: delete table ip kube-proxy/);
  fail = false;
  await b.sync(stateWith(['10.244.0.11']), new Set(['t/web:http/TCP']));
  assert.ok(inputs.at(-1)!.startsWith('add table'), 'full after a failure');

  const missing = new NftablesBackend({ runner: { run: async () => ({ code: -1, stdout: '', stderr: 'spawn nft ENOENT' }) } });
  await assert.rejects(missing.sync(stateWith([]), 'all'), (err: unknown) => err instanceof NftNotFoundError && /Debian package nftables/.test(err.message));
});

test('a full sync whose affinity clients cannot be re-added still loads the table, without them', async () => {
  const state = stateWith(['10.244.0.11', '10.244.0.12']);
  const sticky = state.servicePorts.find((sp) => sp.name === 'sticky')!;
  const setName = affinitySet(sticky, sticky.endpoints[0]);
  const listed = JSON.stringify({ nftables: [{ set: { family: 'ip', table: 'kube-proxy', name: setName, elem: [{ elem: { val: '10.244.0.9', expires: 30 } }] } }] });
  const inputs: string[] = [];
  const logs: string[] = [];
  const runner: CommandRunner = {
    async run(argv, options) {
      if (argv.includes('list')) return { code: 0, stdout: listed, stderr: '' };
      inputs.push(options?.input ?? '');
      return options?.input?.includes(' expires ') ? { code: 1, stdout: '', stderr: 'Error: boom' } : { code: 0, stdout: '', stderr: '' };
    },
  };
  const b = new NftablesBackend({ runner, log: (l) => logs.push(l) });
  await b.sync(state, 'all');
  assert.equal(inputs.length, 2);
  assert.ok(inputs[0].includes(`add element ip kube-proxy ${setName} { 10.244.0.9 timeout 60s expires 30s }`));
  assert.ok(!inputs[1].includes(' expires '));
  assert.equal(b.lastSync.kind, 'full');
  assert.match(logs.join('\n'), /affinity sets' clients failed/);
});

describe('the libnftables addon as the applier (stand-in addon)', () => {
  const recording = () => {
    const calls: string[] = [];
    const runner: CommandRunner = {
      async run(argv) {
        calls.push(argv.join(' '));
        return { code: 0, stdout: '', stderr: '' };
      },
    };
    return { calls, runner };
  };

  test('scripts go to the addon, in the namespace the wrap names; listing stays with nft', async () => {
    const seen: (string | null)[] = [];
    const addon: NftAddon = {
      async run(_script, netns) {
        seen.push(netns);
        return { code: 0, stdout: '', stderr: '' };
      },
    };
    const { calls, runner } = recording();
    const b = new NftablesBackend({ runner, wrap: ['ip', 'netns', 'exec', 'kubito-x-node'], addon });
    await b.sync(stateWith(['10.244.0.11']), 'all');
    assert.deepEqual(seen, ['/run/netns/kubito-x-node']);
    assert.deepEqual(calls, ['ip netns exec kubito-x-node nft -j list sets ip'], 'the affinity clients are read with nft');
    assert.equal(b.applier, 'libnftables');
    // A wrap the addon cannot follow: every command through the runner.
    const other = new NftablesBackend({ runner, wrap: ['sudo'], addon });
    assert.equal(other.applier, 'nft');
  });

  test("a refused script is the sync's error, naming its line; the next sync is full", async () => {
    const scripts: string[] = [];
    let fail = true;
    const addon: NftAddon = {
      async run(script) {
        scripts.push(script);
        return fail ? { code: 1, stdout: '', stderr: '/proc/self/fd/21:2:1-6: Error: Could not process rule' } : { code: 0, stdout: '', stderr: '' };
      },
    };
    const b = new NftablesBackend({ runner: recording().runner, addon });
    await assert.rejects(b.sync(stateWith(['10.244.0.11']), 'all'), /\(libnftables, in process\): exit 1: .*Could not process rule\nline 2: delete table ip kube-proxy/);
    fail = false;
    await b.sync(stateWith(['10.244.0.11']), new Set(['t/web:http/TCP']));
    assert.ok(scripts.at(-1)!.startsWith('add table'), 'full after a failure');
    assert.equal(b.applier, 'libnftables', 'a refusal is not a reason to leave the library');
  });

  test('a run it could not make (code -2) goes to the nft command that once', async () => {
    let asked = 0;
    const addon: NftAddon = {
      async run() {
        asked++;
        return asked === 1 ? { code: -2, stdout: '', stderr: 'kubito nft addon: netlink socket (NETLINK_NETFILTER): Too many open files\n' } : { code: 0, stdout: '', stderr: '' };
      },
    };
    const logs: string[] = [];
    const { calls, runner } = recording();
    const b = new NftablesBackend({ runner, addon, log: (l) => logs.push(l) });
    await b.sync(stateWith(['10.244.0.11']), 'all');
    await b.sync(stateWith(['10.244.0.12']), new Set(['t/web:http/TCP']));
    assert.equal(asked, 2, 'the library is asked again');
    assert.equal(calls.filter((c) => c === 'nft -f -').length, 1);
    assert.equal(b.applier, 'libnftables');
    assert.match(logs.join('\n'), /libnftables could not run this sync, applying it with the nft command: .*Too many open files/);
  });

  test('runs are queued: one at a time, in order, a failure not stopping the next', async () => {
    let running = 0;
    let most = 0;
    const order: string[] = [];
    const addon = queued({
      async run(script) {
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        order.push(script);
        if (script === 'b') throw new Error('boom');
        return { code: 0, stdout: '', stderr: '' };
      },
    });
    const results = await Promise.allSettled(['a', 'b', 'c'].map((s) => addon.run(s, null)));
    assert.equal(most, 1);
    assert.deepEqual(order, ['a', 'b', 'c']);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
  });

  test('a library it cannot use (code -1) is left for the nft command, said once', async () => {
    let asked = 0;
    const addon: NftAddon = {
      async run() {
        asked++;
        return { code: -1, stdout: '', stderr: 'kubito nft addon: libnftables: libnftables.so.1: cannot open shared object file\n' };
      },
    };
    const logs: string[] = [];
    const { calls, runner } = recording();
    const b = new NftablesBackend({ runner, addon, log: (l) => logs.push(l) });
    await b.sync(stateWith(['10.244.0.11']), 'all');
    await b.sync(stateWith(['10.244.0.12']), new Set(['t/web:http/TCP']));
    assert.equal(asked, 1);
    assert.deepEqual(calls.filter((c) => c === 'nft -f -').length, 2, 'this sync and the next through nft');
    assert.equal(b.applier, 'nft');
    assert.equal(logs.length, 1);
    assert.match(logs[0], /libnftables unavailable, applying rules with the nft command: .*cannot open shared object file/);
  });
});
