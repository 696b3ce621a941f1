/**
 * @module The port mappings against the real kernel, with each family (nftables, iptables), in
 * network namespaces this test makes (`kubito-t<pid>m{node,cli,p1,p2}`, src/proxy/testing/
 * topology.ts; removed in `after`): a node with the pods' bridge, two pods answering
 * `pod-<ip>` on 8080. A host port reaches its pod from the other pod, from the pod itself
 * (hairpin), from the node on its pod-network address and on 127.0.0.1 (localhost masquerade
 * with route_localnet), a hostIP-bound port only on that address; a port of no mapping is
 * refused; when the pod's mapping goes, its port is refused again and the rules are gone.
 */
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, inNs, makeTopology, topologyAvailable, type Topology } from '../proxy/testing/topology.js';
import { execCommandRunner } from '../proxy/runner.js';
import type { CommandRunner } from '../proxy/types.js';
import { createPortMapApplier, type PortMapFamily } from './applier.js';
import { compareMappings, mappingText, parseIptablesHostports, parseNftHostports } from './inspect.js';
import type { PortMapping } from './mappings.js';
import { routeLocalnetStep } from './start.js';

const P = `kubito-t${process.pid}m`;

/** Until something accepts on ip:port in the namespace (a server just spawned). */
async function waitListening(ns: string, ip: string, port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (inNs(ns, 'ss', '-Hltn', `src ${ip}:${port}`).trim()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`nothing listens on ${ip}:${port} in ${ns}`);
}

function mapping(pod: string, podIP: string, hostPort: number, hostIP = ''): PortMapping {
  return { pod: `t/${pod}`, uid: `uid-${pod}`, container: 'app', protocol: 'tcp', hostIP, hostPort, podIP, containerPort: 8080 };
}

/** Records every command, then runs it. */
function recording(runner: CommandRunner, seen: string[][]): CommandRunner {
  return { run: (argv, o) => (seen.push(argv), runner.run(argv, o)) };
}

for (const family of ['nftables', 'iptables'] as PortMapFamily[]) {
  describe(`port mappings in the kernel (${family})`, { skip: topologyAvailable ? false : 'needs root, ip netns and socat', timeout: 60_000 }, () => {
    let topo: Topology;
    const seen: string[][] = [];
    const wrap = () => ['ip', 'netns', 'exec', topo.node];
    let applier: ReturnType<typeof createPortMapApplier>;
    before(() => {
      topo = makeTopology(`${P}${family[0]}`);
      inNs(topo.node, ...routeLocalnetStep('kbr0'));
      applier = createPortMapApplier(family, { runner: recording(execCommandRunner(), seen), wrap: wrap() });
    });
    after(() => topo?.close());

    test('a host port reaches its pod from everywhere on the node', async () => {
      const [p1, p2] = topo.podIPs;
      await applier.apply([mapping('one', p1, 9081), mapping('local', p2, 9082, '127.0.0.5')]);
      const one = `pod-${p1}`;
      assert.equal(await connect(topo.pods[1], '10.244.0.1', 9081), one, 'from another pod');
      assert.equal(await connect(topo.pods[0], '10.244.0.1', 9081), one, 'hairpin: the pod itself');
      assert.equal(await connect(topo.node, '10.244.0.1', 9081), one, 'from the node, its pod-network address');
      assert.equal(await connect(topo.node, '127.0.0.1', 9081), one, "from the node's localhost");
      assert.equal(await connect(topo.node, '127.0.0.5', 9082), `pod-${p2}`, 'a hostIP-bound port on its address');
      assert.match(await connect(topo.node, '10.244.0.1', 9082), /refused/i, 'and not on another');
      assert.match(await connect(topo.pods[1], '10.244.0.1', 9083), /refused/i, 'a port of no mapping');
      // Traffic to another pod's own address on a host port is not the node's: not rewritten.
      assert.match(await connect(topo.pods[1], p1, 9081), /refused/i, 'only node addresses are mapped');
      // What `kubito doctor` and `kubito proxy rules` read back from the kernel: the same mappings.
      const applied = [mapping('one', p1, 9081), mapping('local', p2, 9082, '127.0.0.5')];
      const read = family === 'nftables' ? parseNftHostports(inNs(topo.node, 'nft', 'list', 'table', 'ip', 'kubito-hostports')) : parseIptablesHostports(inNs(topo.node, 'iptables-save', '-t', 'nat'));
      // (iptables-save lists the pods' chains by name.)
      assert.deepEqual(read.mappings.map(mappingText).sort(), applied.map(mappingText).sort());
      assert.deepEqual(read.missingEntries, []);
      assert.deepEqual(compareMappings(applied, read.mappings), { missing: [], stale: [] });
    });

    // userspace mode's Service VIPs are local on their own interface (kube-ipvs0; here a bridge,
    // as on kernels without the dummy module): a pod's connection to one is not a host port's.
    if (family === 'nftables') test('a local address on another interface (a VIP) is not mapped', async () => {
      const [p1] = topo.podIPs;
      inNs(topo.node, 'ip', 'link', 'add', 'kipvs', 'type', 'bridge');
      inNs(topo.node, 'ip', 'addr', 'add', '10.96.0.50/32', 'dev', 'kipvs');
      inNs(topo.node, 'ip', 'link', 'set', 'kipvs', 'up');
      await applier.apply([mapping('one', p1, 9081)]);
      assert.equal(await connect(topo.pods[1], '10.244.0.1', 9081), `pod-${p1}`);
      assert.match(await connect(topo.pods[1], '10.96.0.50', 9081), /refused/i);
    });

    // userspace mode's Service VIPs are local addresses of the node: the node's own connections
    // to one (the agent dialing `<clusterIP>:<port>`, `kubito node exec -- curl <VIP>`) leave
    // through the output hook, where there is no `iif` to tell kube-ipvs0 from kbr0.
    if (family === 'nftables') test("the node's own connection to a VIP on a host port's port reaches the VIP", async () => {
      const [p1] = topo.podIPs;
      if (!inNs(topo.node, 'ip', '-o', 'link', 'show').includes(' kipvs:')) {
        inNs(topo.node, 'ip', 'link', 'add', 'kipvs', 'type', 'bridge');
        inNs(topo.node, 'ip', 'link', 'set', 'kipvs', 'up');
      }
      inNs(topo.node, 'ip', 'addr', 'replace', '10.96.0.51/32', 'dev', 'kipvs');
      // What the userspace proxy does: a listener of the node on the VIP.
      const vip = spawn('ip', ['netns', 'exec', topo.node, 'socat', 'TCP-LISTEN:9081,bind=10.96.0.51,fork,reuseaddr', 'SYSTEM:echo vip'], { stdio: 'ignore' });
      try {
        await applier.apply([mapping('one', p1, 9081)]);
        await waitListening(topo.node, '10.96.0.51', 9081);
        assert.equal(await connect(topo.node, '10.96.0.51', 9081), 'vip', 'the VIP, not the host port');
        assert.equal(await connect(topo.node, '10.244.0.1', 9081), `pod-${p1}`, 'the node address still maps');
        assert.equal(await connect(topo.node, '127.0.0.1', 9081), `pod-${p1}`, 'and localhost');
      } finally {
        vip.kill('SIGKILL');
      }
    });

    test('the mapping goes: refused again, rules gone; an unchanged set is not sent again', async () => {
      const before = seen.length;
      await applier.apply([]);
      assert.ok(seen.length > before, 'applied');
      assert.match(await connect(topo.pods[1], '10.244.0.1', 9081), /refused/i);
      assert.match(await connect(topo.node, '127.0.0.1', 9081), /refused/i);
      const rules = family === 'nftables' ? inNs(topo.node, 'nft', 'list', 'ruleset') : inNs(topo.node, 'iptables-save', '-t', 'nat');
      assert.ok(!rules.includes('9081') && !rules.includes('CNI-DN-'), rules);
      const after = seen.length;
      await applier.apply([]);
      assert.equal(seen.length, after, 'no command for the same rules');
    });
  });
}
