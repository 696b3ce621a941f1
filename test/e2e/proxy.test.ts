/**
 * @module The data plane end to end in nftables and iptables modes (issue 5's acceptance): a real
 * cluster per mode (`kubito up --proxy-mode M`), three agnhost serve-hostname pods behind a
 * ClusterIP Service, a busybox client pod, real kernel rules in the node namespace, the real
 * kubectl. Load spreads over every backend; ClientIP affinity pins one; a Service without
 * endpoints is refused at once; `kubito proxy rules` reads like upstream (iptables-save text or
 * the `ip kube-proxy` table); a deleted backend's KUBE-SEP chain / endpoint- chain leaves the
 * dispatch right after its EndpointSlice change (lag printed); /metrics on 10.244.0.1:10249.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client, HttpTransport, InformerFactory, loadKubeconfigConnection } from '../../src/client/index.js';
import { findResource } from '../../src/api/resources.js';
import { endpointChain } from '../../src/proxy/iptables/names.js';
import { endpointChain as nftEndpointChain } from '../../src/proxy/nftables/names.js';
import type { ProxyEndpointSlice } from '../../src/proxy/tracker/views.js';
import { KUBITO_BIN, startCluster, type Cluster } from './harness.js';
import { waitFor } from './wait.js';

const run = promisify(execFile);
const canRun = process.platform === 'linux' && process.getuid?.() === 0 && spawnSync('ip', ['netns', 'list']).status === 0;

const MANIFESTS = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: hostnames
spec:
  replicas: 3
  selector:
    matchLabels:
      app: hostnames
  template:
    metadata:
      labels:
        app: hostnames
    spec:
      terminationGracePeriodSeconds: 2
      containers:
      - name: agnhost
        image: registry.k8s.io/e2e-test-images/agnhost:2.53
        args: ["serve-hostname"]
        ports:
        - containerPort: 9376
---
apiVersion: v1
kind: Service
metadata:
  name: hostnames
spec:
  selector:
    app: hostnames
  ports:
  - name: http
    port: 80
    targetPort: 9376
---
apiVersion: v1
kind: Service
metadata:
  name: sticky
spec:
  selector:
    app: hostnames
  sessionAffinity: ClientIP
  ports:
  - name: http
    port: 80
    targetPort: 9376
---
apiVersion: v1
kind: Service
metadata:
  name: nobody
spec:
  selector:
    app: nothing-matches
  ports:
  - name: http
    port: 80
---
apiVersion: v1
kind: Pod
metadata:
  name: client
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: bb
    image: busybox
    command: ["sleep", "3600"]
`;

interface SliceJSON {
  metadata: { name: string; labels?: Record<string, string> };
  endpoints?: Array<{ addresses: string[]; conditions?: { ready?: boolean; terminating?: boolean }; targetRef?: { name?: string } }>;
}

function counts(lines: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const l of lines) m.set(l, (m.get(l) ?? 0) + 1);
  return m;
}

/** The rules-text checks and the deleted-endpoint probe, per mode. */
interface ModeChecks {
  /** Patterns `kubito proxy rules` must show. */
  rules: RegExp[];
  /** The kernel's rules text in the node namespace. */
  dump(name: string): Promise<string>;
  /** Text present in `dump` while the endpoint at ip serves, gone once it left the dispatch. */
  marker(podIP: string): string;
}

const CHECKS: Record<'iptables' | 'nftables', ModeChecks> = {
  iptables: {
    rules: [
      // kube-proxy writes 0.3333333333; the kernel keeps a 32-bit fraction, which iptables-save
      // prints with 11 decimals: 0.33333333349, as on any kube-proxy node.
      /-A KUBE-SVC-[A-Z2-7]{16} -m comment --comment "default\/hostnames:http -> 10\.244\.0\.\d+:9376" -m statistic --mode random --probability 0\.33333333349 -j KUBE-SEP-[A-Z2-7]{16}/,
      /-A KUBE-SERVICES -d [\d.]+\/32 -p tcp -m comment --comment "default\/nobody:http has no endpoints" -m tcp --dport 80 -j REJECT/,
      /-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE/,
    ],
    dump: async (name) => (await run('nsenter', [`--net=/run/netns/kubito-${name}-node`, '--', 'iptables-save', '-t', 'nat'])).stdout,
    marker: (ip) => `:${endpointChain('default/hostnames:http', 'TCP', `${ip}:9376`)} `,
  },
  nftables: {
    rules: [
      /numgen random mod 3 vmap \{ 0 : goto endpoint-[A-Z2-7]{8}-default\/hostnames\/tcp\/http__10\.244\.0\.\d+\/9376, 1 : goto endpoint-/,
      /[\d.]+ \. tcp \. 80 comment "default\/nobody:http" : goto reject-chain/,
      /meta l4proto tcp dnat to 10\.244\.0\.\d+:9376/,
      /masquerade fully-random/,
    ],
    dump: async (name) => (await run('nsenter', [`--net=/run/netns/kubito-${name}-node`, '--', 'nft', 'list', 'table', 'ip', 'kube-proxy'])).stdout,
    // A flushed chain lingers until the next sync; what matters is that nothing jumps to it.
    marker: (ip) => `goto ${nftEndpointChain({ namespace: 'default', name: 'hostnames', portName: 'http', protocol: 'TCP' }, { ip, port: 9376 })}`,
  },
};

for (const mode of ['nftables', 'iptables'] as const) describe(`proxy (${mode} mode)`, { skip: canRun ? false : 'needs root and network namespaces' }, () => {
  const NAME = `px${mode.slice(0, 1)}${process.pid % 100000}`;
  const checks = CHECKS[mode];
  let cluster: Cluster;
  const ok = (args: string[], input?: string) => cluster.kubectlOk(args, { input });
  const dataDir = () => join(cluster.dir, 'data');
  const vip = async (svc: string) => (await ok(['get', 'svc', svc, '-o', 'jsonpath={.spec.clusterIP}'])).trim();
  /** Runs a shell script in the busybox pod; returns its output lines. */
  const inClient = async (script: string) => (await ok(['exec', 'client', '--', 'sh', '-c', script])).split('\n').map((l) => l.trim()).filter(Boolean);

  before(async () => {
    cluster = await startCluster({ name: NAME, extraArgs: ['--proxy-mode', mode] });
    await ok(['apply', '-f', '-'], MANIFESTS);
    await waitFor('3 ready endpoints and the client', async () => {
      const slices = JSON.parse(await ok(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=hostnames', '-o', 'json'])) as { items: SliceJSON[] };
      const ready = slices.items.flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions?.ready);
      const phase = (await ok(['get', 'pod', 'client', '-o', 'jsonpath={.status.phase}'])).trim();
      return ready.length === 3 && phase === 'Running' ? true : undefined;
    }, 60_000);
  });

  after(async () => {
    await cluster?.stop();
  });

  test('300 requests to the ClusterIP reach every backend, each 20-47%', async () => {
    const ip = await vip('hostnames');
    const lines = await inClient(`for i in $(seq 300); do wget -qO- http://${ip}/; echo; done`);
    const byHost = counts(lines);
    assert.equal(lines.length, 300, lines.join(' '));
    assert.equal(byHost.size, 3, JSON.stringify([...byHost]));
    for (const [host, n] of byHost) assert.ok(n >= 60 && n <= 141, `${host}: ${n}/300`);
  });

  test('with sessionAffinity ClientIP every request goes to one backend', async () => {
    const ip = await vip('sticky');
    const lines = await inClient(`for i in $(seq 60); do wget -qO- http://${ip}/; echo; done`);
    assert.equal(lines.length, 60);
    assert.equal(counts(lines).size, 1, JSON.stringify([...counts(lines)]));
  });

  test('a Service without endpoints is refused at once', async () => {
    const ip = await vip('nobody');
    // Timed inside the pod (/proc/uptime, 10 ms steps): kubectl exec's own time on a loaded
    // machine is not the data plane's.
    const r = await cluster.kubectl(['exec', 'client', '--', 'sh', '-c', `a=$(cut -d' ' -f1 /proc/uptime); wget -qO- http://${ip}/ 2>&1; echo rc=$?; b=$(cut -d' ' -f1 /proc/uptime); echo took=$a,$b`]);
    assert.match(r.stdout, /refused/i);
    assert.match(r.stdout, /rc=1/);
    const [a, b] = /took=([\d.]+),([\d.]+)/.exec(r.stdout)!.slice(1).map(Number);
    const ms = Math.round((b - a) * 1000);
    // About 1 s, as upstream's REJECT (ICMP port unreachable) from the same node: the ICMP answer
    // to the first SYN comes back while connect() still holds the socket, so Linux keeps it as a
    // soft error, and the first retransmit (1 s) meets the hard one (traced with nft monitor
    // trace, 2026-11-29: 1,020-1,050 ms, the same without ICMP redirects). A drop would wait for
    // the next retransmits (3 s, 7 s, ...) and wget's timeout.
    assert.ok(ms < 2500, `took ${ms} ms (one SYN retransmit is 1 s; a drop takes 3 s and more)`);
  });

  test('kubito proxy rules prints the rules as upstream writes them', async () => {
    const { stdout } = await run(process.execPath, [KUBITO_BIN, 'proxy', 'rules', '--name', NAME, '--data-dir', dataDir()]);
    for (const re of checks.rules) assert.match(stdout, re);
  });

  // The 100 ms goal is the benchmarks' (network programming latency); here the lag is printed
  // and only bounded far above it, so that a loaded machine does not fail the suite.
  test("a deleted backend's endpoint chain leaves the rules right after its slice change", async () => {
    const conn = loadKubeconfigConnection(cluster.kubeconfig);
    const transport = new HttpTransport(conn.transport);
    const factory = new InformerFactory(new Client(transport));
    const slices = factory.informer<ProxyEndpointSlice>(findResource('discovery.k8s.io', 'v1', 'endpointslices')!, { namespace: 'default', labelSelector: 'kubernetes.io/service-name=hostnames' });
    const pods = JSON.parse(await ok(['get', 'pods', '-l', 'app=hostnames', '-o', 'json'])) as { items: Array<{ metadata: { name: string }; status: { podIP: string } }> };
    const victim = pods.items[0];
    const sep = checks.marker(victim.status.podIP);
    let sliceChangedAt: number | undefined;
    slices.addHandlers({
      onUpdate: (_old, s) => {
        const e = (s.endpoints ?? []).find((x) => x.addresses[0] === victim.status.podIP);
        if (sliceChangedAt === undefined && (!e || e.conditions?.ready === false)) sliceChangedAt = Date.now();
      },
    });
    factory.start();
    await factory.waitForSync();
    const save = () => checks.dump(NAME);
    assert.ok((await save()).includes(sep), `${sep} is in the rules before the delete`);
    try {
      await ok(['delete', 'pod', victim.metadata.name, '--wait=false']);
      let goneAt: number | undefined;
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline) {
        const text = await save();
        if (!text.includes(sep)) {
          goneAt = Date.now();
          break;
        }
      }
      assert.ok(goneAt !== undefined, `${sep} still in the rules after 15 s`);
      await waitFor('the slice change seen by the watch', async () => sliceChangedAt, 5000);
      const lag = goneAt! - sliceChangedAt!;
      console.log(`# the endpoint chain left the rules ${lag} ms after the slice change`);
      assert.ok(lag <= 2000, `rules changed ${lag} ms after the slice`);
    } finally {
      factory.stop();
      transport.close();
    }
  });

  test('the node serves kube-proxy metrics on 10.244.0.1:10249 and healthz on 10256', async () => {
    // Until the proxy pinned the bridge's MAC (node-network.ts), about 1 run in 5 got no answer
    // from 10.244.0.1 here: the backend pod deleted above had held the lowest MAC on kbr0, the
    // bridge took another address, and the client's ARP entry for its gateway named a MAC the
    // bridge no longer delivered, for ~20-30 s. The bridge now keeps one address whatever its
    // ports do (addr_assign_type 3: set by hand).
    const assignType = (await run('ip', ['netns', 'exec', `kubito-${cluster.name}-node`, 'cat', '/sys/class/net/kbr0/addr_assign_type'])).stdout.trim();
    assert.equal(assignType, '3', 'the node bridge MAC is not pinned: it follows its ports');
    const scrape = async () => (await inClient('timeout 10 wget -qO- http://10.244.0.1:10249/metrics; timeout 10 wget -qO- http://10.244.0.1:10256/healthz; true')).join('\n');
    const text = await scrape();
    assert.match(text, /^kubeproxy_sync_proxy_rules_duration_seconds_count [1-9]\d*$/m);
    assert.match(text, /"nodeEligible":true/);
    // Programming latency counts only slices whose trigger time is after the proxy started (as
    // upstream's EndpointsChangeTracker does), and trigger times are pods' Ready transitions and
    // Services' creation, whole seconds. On a fast machine every pod of the set-up turns Ready
    // in the proxy's first second, so none counts; the replacement of the pod deleted above
    // does (seconds later), once the Deployment has it Ready again.
    await ok(['rollout', 'status', 'deployment/hostnames', '--timeout=60s']);
    await waitFor('a programming latency observation', async () => (/^kubeproxy_network_programming_duration_seconds_count [1-9]\d*$/m.test(await scrape()) ? true : undefined), 15_000, 500);
  });
});
