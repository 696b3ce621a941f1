/**
 * @module Containers' hostPorts end to end (issues 4/5), with the real kubectl, in each proxy
 * mode (nftables and userspace: the `ip kubito-hostports` table; iptables: CNI-HOSTPORT-* chains): an
 * nginx pod with `hostPort` answers `curl 127.0.0.1:<hostPort>` on the host and `wget
 * 10.244.0.1:<hostPort>` from a busybox pod, and on `<hostIP>:<hostPort>` for a hostIP in 127/8
 * (the node's localhost path: DNAT, masquerade, route_localnet); a second pod asking the same
 * port stays Pending with kube-scheduler's FailedScheduling message and is bound once the first
 * is deleted, whose ports then close on the host and in the node; a UDP hostPort (agnhost
 * serve-hostname) answers datagrams from the host and from a pod (socat); a hostNetwork pod's
 * hostPort answers on the host through its own socket, with no rule.
 * Ports are picked free on this machine's loopback (it is shared), starting at 8081.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { startCluster, type Cluster } from './harness.js';
import { waitFor, waitForTimed } from './wait.js';

const canRun = process.platform === 'linux' && process.getuid?.() === 0 && spawnSync('ip', ['netns', 'list']).status === 0;

/** curl's body, or `curl:<exit code>` (7: refused). */
function curl(url: string): Promise<string> {
  return new Promise((resolve) => {
    const p = spawn('curl', ['-sS', '--max-time', '2', url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString()));
    p.on('close', (code) => resolve(code === 0 ? out : `curl:${code}`));
  });
}

/** A port free for TCP and UDP on 127.0.0.1 (and 127.0.0.<n> alike), from `start` up. */
async function freePort(start: number, taken: Set<number>): Promise<number> {
  for (let port = start; port < start + 2000; port++) {
    if (taken.has(port)) continue;
    const tcp = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen({ host: '0.0.0.0', port, exclusive: true }, () => s.close(() => resolve(true)));
    });
    const udp = tcp && (await new Promise<boolean>((resolve) => {
      const s = createSocket('udp4');
      s.once('error', () => resolve(false));
      s.bind(port, '0.0.0.0', () => s.close(() => resolve(true)));
    }));
    if (udp) {
      taken.add(port);
      return port;
    }
  }
  throw new Error(`no free port from ${start}`);
}

/** One datagram to ip:port from the host; the first answer, or `timeout`. */
function udpAsk(ip: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const done = (v: string) => {
      clearTimeout(timer);
      s.close();
      resolve(v);
    };
    const timer = setTimeout(() => done('timeout'), 1000);
    s.on('message', (m) => done(m.toString()));
    s.send('hostname?', port, ip);
  });
}

function nginx(name: string, ports: Array<{ hostPort: number; hostIP?: string }>): string {
  const list = ports.map((p, i) => `    - {name: h${i}, containerPort: 80, hostPort: ${p.hostPort}${p.hostIP ? `, hostIP: "${p.hostIP}"` : ''}}`).join('\n');
  return `apiVersion: v1
kind: Pod
metadata: {name: ${name}, labels: {app: hostport-web}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: nginx
    image: nginx
    ports:
${list}
`;
}

const CLIENT = `apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  terminationGracePeriodSeconds: 0
  containers:
  - {name: c, image: busybox, command: ["sleep", "3600"]}
`;

function udpPod(port: number): string {
  return `apiVersion: v1
kind: Pod
metadata: {name: udp-host}
spec:
  terminationGracePeriodSeconds: 0
  containers:
  - name: agnhost
    image: registry.k8s.io/e2e-test-images/agnhost:2.53
    args: ["serve-hostname", "--udp", "--http=false", "--port=9376"]
    ports:
    - {containerPort: 9376, hostPort: ${port}, protocol: UDP}
`;
}

for (const mode of ['nftables', 'iptables', 'userspace'] as const) describe(`hostPort with the real kubectl (proxy mode ${mode})`, { skip: canRun ? false : 'needs root and network namespaces' }, () => {
  let cluster: Cluster;
  const taken = new Set<number>();
  const ok = (args: string[], input?: string): Promise<string> => cluster.kubectlOk(args, input === undefined ? undefined : { input });
  const nodeRules = (): string => {
    const ns = `kubito-${cluster.name}-node`;
    const argv = mode === 'iptables' ? ['iptables-save', '-t', 'nat'] : ['nft', 'list', 'ruleset'];
    return spawnSync('ip', ['netns', 'exec', ns, ...argv], { encoding: 'utf8' }).stdout;
  };
  const nodeAddresses = (): string => spawnSync('ip', ['netns', 'exec', `kubito-${cluster.name}-node`, 'ip', '-o', '-4', 'addr'], { encoding: 'utf8' }).stdout;
  const fromClient = async (script: string): Promise<string> => (await cluster.kubectl(['exec', 'client', '--', 'sh', '-c', script])).stdout;

  before(async () => {
    cluster = await startCluster({ name: `hpt${mode.slice(0, 1)}${process.pid % 100000}`, extraArgs: ['--proxy-mode', mode] });
    await ok(['apply', '-f', '-'], CLIENT);
  });

  after(async () => {
    await cluster?.stop();
  });

  test('nginx with hostPort: the host and a pod get the welcome page; a second pod on the port waits; deleting the first closes it', async () => {
    const port = await freePort(8081, taken);
    const local = await freePort(port + 1, taken);
    await ok(['apply', '-f', '-'], nginx('web', [{ hostPort: port }, { hostPort: local, hostIP: '127.0.0.1' }]));
    await ok(['wait', '--for=condition=Ready', 'pod/web', 'pod/client', '--timeout=60s']);
    const { ms } = await waitForTimed('the welcome page on the host', async () => ((await curl(`http://127.0.0.1:${port}/`)).includes('Welcome to nginx!') ? true : undefined), 5000, 50);
    console.log(`# hostPort answered on the host ${ms} ms after the pod was Ready`);
    assert.match(await fromClient(`wget -qO- http://10.244.0.1:${port}/`), /<title>Welcome to nginx!<\/title>/, 'from a pod, on the node address');
    assert.match(await curl(`http://127.0.0.1:${local}/`), /Welcome to nginx!/, 'hostIP 127.0.0.1: on the host, through the node\'s localhost rule');
    // hostIP 127.0.0.1 limits the port to that address: not on the node's pod-network address.
    // (`timeout`, not wget's -T: the host busybox's `wget -T` segfaults, exit 139.)
    assert.match(await fromClient(`timeout 3 wget -qO- http://10.244.0.1:${local}/ 2>&1; echo rc=$?`), /Connection refused\s+rc=1\s*$/);
    if (mode === 'userspace') {
      // A ClusterIP Service on the same port (no endpoints) is not the hostPort's: userspace mode
      // makes VIPs local (kube-ipvs0), and the rule takes only the node address pods come in on.
      await ok(['create', 'service', 'clusterip', 'same-port', `--tcp=${port}:80`]);
      const vip = await ok(['get', 'service', 'same-port', '-o', 'jsonpath={.spec.clusterIP}']);
      await waitFor('the VIP in the node', async () => (nodeAddresses().includes(` ${vip}/`) ? true : undefined), 10_000, 50);
      assert.doesNotMatch(await fromClient(`timeout 3 wget -qO- http://${vip}:${port}/ 2>&1; echo rc=$?`), /Welcome to nginx!/, 'a Service VIP on the hostPort is not mapped to the pod');
      await ok(['delete', 'service', 'same-port']);
    }
    const rules = nodeRules();
    assert.ok(rules.includes(String(port)) && rules.includes(String(local)), rules);
    if (mode !== 'iptables') assert.match(rules, /table ip kubito-hostports/);
    else assert.match(rules, /-A CNI-HOSTPORT-DNAT .*--dports .*-j CNI-DN-/);

    // The scheduler's NodePorts filter keeps a second pod on the same port Pending.
    await ok(['apply', '-f', '-'], nginx('web2', [{ hostPort: port }]));
    const message = await waitFor('FailedScheduling', async () => {
      const out = await ok(['get', 'events', '--field-selector', 'involvedObject.name=web2,reason=FailedScheduling', '-o', 'jsonpath={.items[*].message}']);
      return out || undefined;
    }, 10_000);
    assert.equal(message, "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod..");
    assert.equal(await ok(['get', 'pod', 'web2', '-o', 'jsonpath={.status.phase}/{.spec.nodeName}/{.status.conditions[0].reason}']), 'Pending//Unschedulable');

    await ok(['delete', 'pod', 'web', '--wait=true']);
    // web2 is bound once web is gone; until it runs, nothing answers on the port.
    await waitFor('the local port to close', async () => ((await curl(`http://127.0.0.1:${local}/`)) === 'curl:7' ? true : undefined), 5000, 50);
    await ok(['wait', '--for=condition=Ready', 'pod/web2', '--timeout=60s']);
    const web2IP = await ok(['get', 'pod', 'web2', '-o', 'jsonpath={.status.podIP}']);
    await waitFor('web2 on the port', async () => ((await curl(`http://127.0.0.1:${port}/`)).includes('Welcome to nginx!') ? true : undefined), 5000, 50);
    assert.ok(nodeRules().includes(web2IP), 'the rule now names web2');
    await ok(['delete', 'pod', 'web2', '--wait=true']);
    await waitFor('the host port to close', async () => ((await curl(`http://127.0.0.1:${port}/`)) === 'curl:7' ? true : undefined), 5000, 50);
    assert.match(await fromClient(`timeout 3 wget -qO- http://10.244.0.1:${port}/ 2>&1; echo rc=$?`), /Connection refused\s+rc=1\s*$/, 'closed in the node too');
    await waitFor('the rules to go', async () => (!nodeRules().includes(`dport ${port} `) && !nodeRules().includes(`--dport ${port} `) ? true : undefined), 5000, 50);
  });

  // The proxy mode plays no part here (no rule is written): once, in the default mode.
  if (mode === 'nftables') test("a hostNetwork pod's hostPort answers on the host through its own socket; no rule is written for it", async () => {
    // Not 53 or 9153: the node namespace's own servers (the cluster DNS and its metrics, health and ready) hold them.
    const port = await freePort(18080, taken);
    await ok(['apply', '-f', '-'], `apiVersion: v1
kind: Pod
metadata: {name: hostnet}
spec:
  hostNetwork: true
  terminationGracePeriodSeconds: 1
  containers:
  - name: nginx
    image: nginx
    ports:
    - {containerPort: ${port}, hostPort: ${port}}
`);
    await ok(['wait', '--for=condition=Ready', 'pod/hostnet', '--timeout=60s']);
    await waitFor('the welcome page on the host', async () => ((await curl(`http://127.0.0.1:${port}/`)).includes('Welcome to nginx!') ? true : undefined), 5000, 50);
    assert.ok(!nodeRules().includes(String(port)), 'its port is the node\'s already: no DNAT');
    await ok(['delete', 'pod', 'hostnet', '--wait=true']);
    await waitFor('the host port to close', async () => ((await curl(`http://127.0.0.1:${port}/`)) === 'curl:7' ? true : undefined), 5000, 50);
  });

  // userspace mode writes nftables mode's table: UDP (conntrack) once per rule family.
  if (mode !== 'userspace') test('a UDP hostPort answers datagrams from the host and from a pod', async () => {
    const port = await freePort(9376, taken);
    await ok(['apply', '-f', '-'], udpPod(port));
    await ok(['wait', '--for=condition=Ready', 'pod/udp-host', '--timeout=60s']);
    const answer = await waitFor('an answer on the host', async () => {
      const a = await udpAsk('127.0.0.1', port);
      return a === 'timeout' ? undefined : a;
    }, 5000, 50);
    assert.equal(answer, 'udp-host');
    // busybox's nc has no -u here; the host's socat, run in the pod's namespaces, does UDP.
    assert.match(await fromClient(`echo hi | socat -T 1 - UDP4:10.244.0.1:${port}`), /udp-host/, 'from a pod, on the node address');
    await ok(['delete', 'pod', 'udp-host', '--wait=true']);
    await waitFor('no answer once deleted', async () => ((await udpAsk('127.0.0.1', port)) === 'timeout' ? true : undefined), 5000, 50);
  });
});
