/**
 * @module Service VIP throughput and p99 from a pod (issue 5, "Benchmarks"; issue 8's VIP rows),
 * per proxy mode (`KUBITO_BENCH_PROXY_MODES`, default `iptables`), with keep-alive and with a
 * new connection per request, against two baselines measured in the same run:
 *
 * - **the same rules loaded by hand**: the node namespace's ruleset, copied verbatim
 *   (`iptables-save` → `iptables-restore`, or `nft list ruleset` → `nft -f`) into a second
 *   namespace set built with kubito's own network steps — same bridge, veths, sysctls, routes
 *   and pod addresses, backends the same nginx with the same configuration — where no kubito
 *   process runs. Same rules, same topology, same servers: what is left is what kubito adds
 *   at run time (goal >= 1.0x). Backends (kubito's and the copy's) run nginx without an access
 *   log (nginx-backend.ts): through a pod's log pipe the log would cost more than the Service.
 * - **straight to the pod IPs** (no Service, no NAT) from a second client pod: the price of a
 *   Service at all (issue 5: hand-loaded rules reach about 0.82x of it).
 *
 * Load: two wrk processes of 4 connections each (both to the VIP, or one per pod IP), so every
 * target gets the same client. With a new connection per request the Service `web` (2 nginx
 * backends) is the target: every connection goes through the rules. With keep-alive the rules
 * see only each connection's first packet and conntrack NATs the rest; a random split of 8
 * connections over 2 backends (even only 27% of the time) would then decide the figures, so
 * keep-alive runs use the Service `web-solo`, whose only endpoint is one of those backends, and
 * the direct runs that pod's IP.
 *
 * Each target has its own client pods: `client` (keep-alive, to web-solo) and `client-new` (new
 * connections, to web) for kubito's VIP, the copy's two of the same, `client-direct` for the pod
 * IPs. Linux gives a client's TCP timestamps a clock per (source, destination) address pair, and
 * nginx closes a keep-alive connection itself after 1,000 requests, so the keep-alive phase
 * leaves the solo backend ~60 s of TIME_WAITs holding the client's web-solo clock. A new
 * connection from the same client through web that lands on that backend with a port of one of
 * those — unless conntrack first gave it another source port because a 120 s conntrack entry of
 * the web-solo connection holds the reply tuple — carries a clock behind it half the time: PAWS
 * rejects the SYN (`TcpExtPAWSTimewait` in the backend), the client waits a 1 s retransmit
 * (measured: both counters equal, 3-23 per 2 s round, through kubito's VIP and the copy's alike,
 * ~100 rewritten source ports in conntrack, only on the solo backend; none with a client per
 * phase). Before each measurement the target's node namespace gets an empty conntrack table
 * (kubito's also carries the direct target's flows), so every target starts alike.
 *
 * Every client namespace (kubito's client pods and the copy's) gets `net.ipv4.tcp_tw_reuse=1`
 * (`KUBITO_BENCH_TW_REUSE=0`: the kernel default, reuse on loopback only). With `Connection:
 * close` the client closes first on ~20% of the connections (wrk closes as soon as the response
 * is read, often before nginx's FIN) and keeps those ports 60 s in TIME_WAIT; a VIP client sends
 * every connection to one destination (VIP:80), and connect() scans the even ports of the
 * ephemeral range first (14,116 of 32768-60999). Measured 2026-11-29 (8 rounds, this bench
 * alone): kubito's and the copy's VIP clients grew ~2-3k TIME_WAITs per round (1.6k, 4.5k, 6.3k,
 * 9.6k, 11.6k, 13.8k, 14.1k), and each target collapsed in the round it reached ~14.1k (kubito
 * 10.1k → 3.0k → 0.3k req/s, the copy 9.2k → 5.4k → 0.7k, one round apart by the order of the
 * rounds), the connect() of every request walking the even ports before an odd one; the direct
 * client, with two destinations and fewer client-side closes, never came near. With reuse the
 * VIP clients hold 0.2-2k TIME_WAITs throughout and no round collapses.
 *
 * The copy's nginx servers run in one session of their own (replica.ts, server-session.ts), as
 * kubito's backends run in the session of its node's launch server; wrk runs in the bench's
 * session for every target. Until 2026-11-29 the copy's servers ran in the bench's session,
 * beside the wrk clients, and that alone made the copy faster: with `kernel.sched_autogroup_enabled=1`
 * (the default on these machines) the scheduler divides CPU between sessions first and between
 * a session's tasks second, so the copy's clients and servers shared one group task by task
 * while kubito's clients and backends were two groups. Measured with both set up and held
 * (`KUBITO_BENCH_HOLD_FILE`), 3 s A/B rounds, schedstat of wrk and of the nginx workers per
 * request: wrk waited on the run queue 94-108 µs per request through kubito's VIP vs 92-96
 * through the copy's and ran 91-98 µs vs 86-94 (nginx waited less in kubito's: 75-90 vs
 * 83-91); moving the copy's running servers into a session of their own made both sides' waits
 * and CPU per request the same (wrk waits 100-112 µs in both). Then, held, the copy's running
 * servers switched between the two layouts every 4 rounds (2 s, kubito and the copy in turn; 40
 * pairs per layout, load 2-12): kubito / copy throughput, median of the per-pair ratios, 0.89
 * with the copy's servers in the bench's session (as every full run before: 0.90-0.92) and 0.96
 * in a session of their own. The CPU rows (wrk + nginx per request) of three full runs: kubito /
 * copy 0.99-1.01 — the packets cost the same through both. Rules (`iptables-save`, `nft list
 * ruleset`), sysctls, links, bridge ports, addresses, neighbours of the node and pod namespaces
 * were compared and are the same but for names, MACs and the pool's size.
 *
 * Rounds alternate the targets' order; a row is the median over rounds. Traffic stays in
 * kubito's and this bench's namespaces. Bounded: about 2 minutes per mode
 * (`KUBITO_BENCH_WRK_SECONDS`, `KUBITO_BENCH_ROUNDS`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../src/api/types.js';
import type { HttpTransport } from '../src/client/index.js';
import { nodeNetns, podNetns } from '../src/node/names.js';
import type { ProxyMode } from '../src/proxy/backends.js';
import { benchNginxArgv, benchNginxPodCommand, writeBenchNginx } from './nginx-backend.js';
import { BENCH_NODE } from './proxy-state.js';
import { benchModes, HAND_LOADERS, proxyModeInEffect } from './proxy-modes.js';
import { buildReplica, type Replica } from './replica.js';
import { agentPidFile } from '../src/node/launch.js';
import { cpuMs, median, report, round, startBenchCluster, waitFor } from './support.js';
import { latencyPercentileMs, requestsPerSecond, runWrkTogether, type WrkOptions, type WrkResult } from './wrk.js';

const SECONDS = Number(process.env.KUBITO_BENCH_WRK_SECONDS ?? 2);
const ROUNDS = Number(process.env.KUBITO_BENCH_ROUNDS ?? 6);
const BACKENDS = 2;
const CONNECTIONS_PER_WRK = 4;
const POD_CIDR = '10.244.0.0/24';

interface Pod extends KubeObject {
  status?: { phase?: string; podIP?: string; conditions?: Array<{ type: string; status: string }> };
}

const DEPLOYMENT = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: {
    replicas: BACKENDS,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'nginx', image: 'nginx', command: [] as string[], ports: [{ containerPort: 80 }] }] },
    },
  },
};
const SERVICE = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 80 }] } };
/** One of the backends only (the bench labels it `solo: "1"`), for the keep-alive runs. */
const SOLO_SERVICE = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web-solo' }, spec: { selector: { app: 'web', solo: '1' }, ports: [{ name: 'http', port: 80, targetPort: 80 }] } };

/** The client pods: keep-alive through a VIP, new connections through a VIP, straight to the pods. */
const CLIENTS = ['client', 'client-new', 'client-direct'];

function clientPod(name: string): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'bb', image: 'busybox', command: ['sleep', '3600'] }] },
  };
}

function curlOk(netns: string, url: string): boolean {
  return spawnSync('ip', ['netns', 'exec', netns, 'curl', '-sf', '-o', '/dev/null', '--max-time', '1', url]).status === 0;
}

/**
 * Kernel counters of one namespace that say why new connections stall: conntrack's per-CPU
 * statistics summed (insert_failed, drop, early_drop, clash_resolve) and the TCP ones for
 * TIME_WAIT and PAWS rejections (nstat, absolute values).
 */
function kernelCounters(netns: string): Map<string, number> {
  const out = new Map<string, number>();
  const ct = spawnSync('ip', ['netns', 'exec', netns, 'conntrack', '-S'], { encoding: 'utf8' }).stdout ?? '';
  for (const m of ct.matchAll(/\b(insert_failed|drop|early_drop|clash_resolve|invalid)=(\d+)/g)) out.set(`ct.${m[1]}`, (out.get(`ct.${m[1]}`) ?? 0) + Number(m[2]));
  const count = spawnSync('ip', ['netns', 'exec', netns, 'conntrack', '-C'], { encoding: 'utf8' }).stdout ?? '';
  if (/^\d+/.test(count)) out.set('ct.count', Number(count));
  const ns = spawnSync('ip', ['netns', 'exec', netns, 'nstat', '-az', 'TcpExtTW*', 'TcpExtPAWS*', 'TcpExtTCPTimeWaitOverflow', 'TcpExtTCPSynRetrans', 'TcpAttemptFails', 'TcpExtListenDrops', 'TcpExtTCPAbortOnData', 'TcpExtTCPChallengeACK', 'TcpExtTCPACKSkippedTimeWait', 'TcpOutRsts'], { encoding: 'utf8' }).stdout ?? '';
  for (const m of ns.matchAll(/^(\w+)\s+(\d+)/gm)) out.set(m[1], Number(m[2]));
  return out;
}

/**
 * Conntrack entries of a node namespace whose NAT gave the connection another source port: the
 * reply tuple's dport differs from the original sport (the implicit rewrite on a reply-tuple
 * clash). Returns the count of TCP entries to port 80 and how many of them were rewritten.
 */
function rewrittenPorts(netns: string): { entries: number; rewritten: number; sample?: string } {
  const text = spawnSync('ip', ['netns', 'exec', netns, 'conntrack', '-L', '-p', 'tcp'], { encoding: 'utf8', maxBuffer: 256 << 20 }).stdout ?? '';
  let entries = 0;
  let rewritten = 0;
  let sample: string | undefined;
  for (const line of text.split('\n')) {
    const m = /sport=(\d+) dport=(\d+) .*?sport=(\d+) dport=(\d+)/.exec(line);
    if (!m || m[2] !== '80') continue;
    entries++;
    if (m[1] !== m[4]) {
      rewritten++;
      sample ??= line.trim();
    }
  }
  return { entries, rewritten, sample };
}

/**
 * Lets the bench's client namespaces reuse a TIME_WAIT port for a new connection once its last
 * segment is 1 s old (`net.ipv4.tcp_tw_reuse=1`; the kernel default 2 allows it on loopback
 * only). Set in every client namespace of every target alike (the client pods' namespaces and
 * the copy's), never elsewhere. Why (measured 2026-11-29, see the file header): without it the
 * TIME_WAITs a VIP client leaves towards its one destination fill the even ports that connect()
 * scans first, and that target's throughput collapses in whichever round it crosses them.
 */
function allowTimeWaitReuse(netns: string): void {
  const r = spawnSync('ip', ['netns', 'exec', netns, 'sysctl', '-q', '-w', 'net.ipv4.tcp_tw_reuse=1'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sysctl net.ipv4.tcp_tw_reuse=1 in ${netns}: ${r.stderr}`);
}

/** TCP sockets in TIME_WAIT in a namespace (`ss -Htan state time-wait`). */
function timeWaits(netns: string): number {
  const text = spawnSync('ip', ['netns', 'exec', netns, 'ss', '-Htan', 'state', 'time-wait'], { encoding: 'utf8', maxBuffer: 64 << 20 }).stdout ?? '';
  return text.split('\n').filter(Boolean).length;
}

/** The counters that moved between two snapshots (`ct.count`: the later value). */
function countersMoved(before: Map<string, number>, after: Map<string, number>): string {
  const moved: string[] = [];
  for (const [k, v] of after) if (k === 'ct.count' ? true : v !== (before.get(k) ?? 0)) moved.push(`${k}=${k === 'ct.count' ? v : v - (before.get(k) ?? 0)}`);
  return moved.join(' ');
}

interface Target {
  label: 'kubito' | 'hand' | 'direct';
  /** Namespaces whose kernel counters are printed after each new-connection round. */
  watch?: string[];
  /** The namespace whose conntrack NATs this target's connections (rewritten ports printed). */
  natNetns?: string;
  /** The wrk runs that make one measurement (run at the same time). */
  runs(close: boolean, seconds: number): WrkOptions[];
  /** The namespaces of the servers its requests reach (their CPU per request is measured). */
  servers: string[];
}

interface Figures {
  rps: number;
  p99: number;
  errors: number;
  /** CPU per request of the wrk clients and the servers, µs (see `serverCpuNs`). */
  cpuUs: number;
}

/**
 * CPU time in ns of every process in the namespaces (their threads' run times from
 * `/proc/<pid>/task/<tid>/schedstat`). A packet crossing veths and the node namespace is
 * processed in the softirq of the task that sent it, so the servers' and clients' CPU includes
 * what the bridge, conntrack and the rules cost them.
 */
function serverCpuNs(netns: string[]): number {
  let ns = 0;
  for (const n of netns) {
    for (const pid of (spawnSync('ip', ['netns', 'pids', n], { encoding: 'utf8' }).stdout ?? '').split('\n').filter(Boolean)) {
      let tids: string[] = [];
      try {
        tids = readdirSync(`/proc/${pid}/task`);
      } catch {
        continue;
      }
      for (const tid of tids) {
        try {
          ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
        } catch {
          // exited meanwhile
        }
      }
    }
  }
  return ns;
}

/** CPU in ms of this process's reaped children (cutime + cstime). */
function reapedChildrenMs(): number {
  return cpuMs(process.pid, { children: true }) - cpuMs(process.pid);
}

async function measure(target: Target, close: boolean, seconds: number): Promise<Figures> {
  // Every measurement starts from the same empty conntrack table in its node namespace: kubito's
  // also carries the direct target's flows (its pods' traffic crosses its bridge), ~3x the
  // copy's entries, and connections whose client port comes round again meet their own 120 s
  // TIME_WAIT entries there.
  if (target.natNetns) spawnSync('ip', ['netns', 'exec', target.natNetns, 'conntrack', '-F'], { stdio: 'ignore' });
  // The wrk processes are this process's only children that end in the window (10 ms ticks).
  const clients0 = reapedChildrenMs();
  const servers0 = serverCpuNs(target.servers);
  const r: WrkResult = await runWrkTogether(target.runs(close, seconds));
  const cpuNs = serverCpuNs(target.servers) - servers0 + (reapedChildrenMs() - clients0) * 1e6;
  return { rps: requestsPerSecond(r), p99: latencyPercentileMs(r, 99), errors: r.errors, cpuUs: r.requests ? cpuNs / 1000 / r.requests : Number.NaN };
}

async function benchMode(mode: ProxyMode, index: number): Promise<void> {
  const cluster = await startBenchCluster({ name: `bdp${process.pid % 100000}${index}`, extraArgs: ['--proxy-mode', mode], limitMs: process.env.KUBITO_BENCH_HOLD_FILE ? 3_600_000 : 240_000 });
  const api: HttpTransport = cluster.client();
  // The backends' nginx config and prefixes (kubito's pods run host programs on this file system).
  const dir = mkdtempSync(join(tmpdir(), 'kubito-bench-nginx-'));
  let replica: Replica | undefined;
  try {
    const inEffect = await waitFor('the proxy socket', () => proxyModeInEffect(cluster.dataDir));
    if (inEffect !== mode) {
      console.error(`dataplane: --proxy-mode ${mode} runs as ${inEffect} in this build; no rows for ${mode}`);
      return;
    }
    const post = (path: string, body: object) => api.request<{ spec: { clusterIP: string } }>({ method: 'POST', path, body });
    writeBenchNginx(dir);
    DEPLOYMENT.spec.template.spec.containers[0].command = benchNginxPodCommand(dir);
    await post('/apis/apps/v1/namespaces/default/deployments', DEPLOYMENT);
    const vip = (await post('/api/v1/namespaces/default/services', SERVICE)).spec.clusterIP;
    const soloVip = (await post('/api/v1/namespaces/default/services', SOLO_SERVICE)).spec.clusterIP;
    for (const name of CLIENTS) await post('/api/v1/namespaces/default/pods', clientPod(name));

    const pods = await waitFor('backends Ready and the clients Running', async () => {
      const items = (await api.request<{ items: Pod[] }>({ method: 'GET', path: '/api/v1/namespaces/default/pods' })).items;
      const backends = items.filter((p) => p.metadata.labels?.app === 'web' && p.status?.podIP && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
      const clients = CLIENTS.map((n) => items.find((p) => p.metadata.name === n && p.status?.phase === 'Running' && p.status.podIP));
      return backends.length === BACKENDS && clients.every(Boolean) ? { backends, client: clients[0]!, clientNew: clients[1]!, clientDirect: clients[2]! } : undefined;
    });
    const backendIPs = pods.backends.map((p) => p.status!.podIP!);
    const solo = pods.backends[0];
    await api.request({ method: 'PATCH', path: `/api/v1/namespaces/default/pods/${solo.metadata.name}`, contentType: 'application/merge-patch+json', body: { metadata: { labels: { solo: '1' } } } });
    const clientNs = podNetns(cluster.name, pods.client.metadata.uid!);
    const clientNewNs = podNetns(cluster.name, pods.clientNew.metadata.uid!);
    const directNs = podNetns(cluster.name, pods.clientDirect.metadata.uid!);
    const backendNs = pods.backends.map((p) => podNetns(cluster.name, p.metadata.uid!));
    if (process.env.KUBITO_BENCH_TW_REUSE !== '0') for (const ns of [clientNs, clientNewNs, directNs]) allowTimeWaitReuse(ns);
    await waitFor(`the VIP ${soloVip} answering from the client pod`, () => (curlOk(clientNs, `http://${soloVip}/`) ? true : undefined), 30_000);
    await waitFor(`the VIP ${vip} answering from the client pod`, () => (curlOk(clientNewNs, `http://${vip}/`) ? true : undefined), 30_000);

    // keep-alive: the one-endpoint Service and its pod; new connections: both backends.
    const wrk = (netns: string, urls: string[]) => (close: boolean, seconds: number): WrkOptions[] =>
      urls.map((url) => ({ netns, url, connections: CONNECTIONS_PER_WRK, durationSeconds: seconds, close }));
    // One client pod per phase: keep-alive from `keepAliveNs` to web-solo, new connections from
    // `newNs` to web (why two: the file's header).
    const vipRuns = (keepAliveNs: string, newNs: string) => (close: boolean, seconds: number) =>
      close ? wrk(newNs, [`http://${vip}/`, `http://${vip}/`])(close, seconds) : wrk(keepAliveNs, [`http://${soloVip}/`, `http://${soloVip}/`])(close, seconds);
    const targets: Target[] = [
      { label: 'kubito', runs: vipRuns(clientNs, clientNewNs), watch: [nodeNetns(cluster.name), clientNewNs, ...backendNs], natNetns: nodeNetns(cluster.name), servers: backendNs },
      { label: 'direct', watch: [nodeNetns(cluster.name), directNs, ...backendNs], natNetns: nodeNetns(cluster.name), servers: backendNs, runs: (close, seconds) => wrk(directNs, close ? backendIPs.map((ip) => `http://${ip}/`) : [solo, solo].map((p) => `http://${p.status!.podIP}/`))(close, seconds) },
    ];
    const loader = HAND_LOADERS[mode];
    if (loader) {
      // The copy: the client pod, then the backends, at their addresses in the cluster.
      // kubito's bridge also holds its warm pool's idle sandboxes: the copy gets as many
      // (KUBITO_BENCH_REPLICA_IDLE=0: none, to see what they cost).
      // Counted once the pool stopped growing (the same count over 2 s, 30 s at most): right
      // after the pods are Ready it is still filling (32 ports counted, 69 by the rounds).
      const bridgePorts = () => (spawnSync('ip', ['-n', nodeNetns(cluster.name), '-o', 'link', 'show', 'master', 'kbr0'], { encoding: 'utf8' }).stdout ?? '').split('\n').filter(Boolean).length;
      let ports = bridgePorts();
      for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
        await new Promise((r) => setTimeout(r, 2000));
        const now = bridgePorts();
        if (now === ports) break;
        ports = now;
      }
      const idleSandboxes = process.env.KUBITO_BENCH_REPLICA_IDLE === '0' ? 0 : Math.max(0, ports - BACKENDS - CLIENTS.length);
      console.error(`dataplane: kubito's bridge has ${ports} ports (${BACKENDS + CLIENTS.length} pods); the copy gets ${idleSandboxes} idle sandboxes`);
      replica = await buildReplica(`tb${process.pid % 100000}${index}`, {
        podCIDR: POD_CIDR,
        node: BENCH_NODE,
        idleSandboxes,
        pods: [{ ip: pods.client.status!.podIP! }, { ip: pods.clientNew.status!.podIP! }, ...backendIPs.map((ip) => ({ ip, server: { argv: (netns: string) => benchNginxArgv(dir, join(dir, 'replica', netns)), port: 80 } }))],
      });
      loader.load(replica.nodeNetns, loader.snapshot(nodeNetns(cluster.name)));
      const [handClient, handClientNew] = replica.podNetns;
      if (process.env.KUBITO_BENCH_TW_REUSE !== '0') for (const ns of [handClient, handClientNew]) allowTimeWaitReuse(ns);
      await waitFor(`the VIP ${soloVip} answering in the hand-loaded copy`, () => (curlOk(handClient, `http://${soloVip}/`) ? true : undefined), 10_000);
      await waitFor(`the VIP ${vip} answering in the hand-loaded copy`, () => (curlOk(handClientNew, `http://${vip}/`) ? true : undefined), 10_000);
      const handBackends = replica.podNetns.slice(2, 2 + BACKENDS);
      targets.push({ label: 'hand', runs: vipRuns(handClient, handClientNew), watch: [replica.nodeNetns, handClientNew, ...handBackends], natNetns: replica.nodeNetns, servers: handBackends });
    }

    const hold = process.env.KUBITO_BENCH_HOLD_FILE;
    if (hold) {
      // For manual A/B measurements: the setup's names, kept up until the file is deleted.
      writeFileSync(hold, JSON.stringify({ vip, soloVip, backendIPs, kubito: { node: nodeNetns(cluster.name), client: clientNs, clientNew: clientNewNs, direct: directNs, backends: backendNs, dataDir: cluster.dataDir, pids: [cluster.process.pid, readFileSync(agentPidFile(cluster.dataDir), 'utf8').trim()] }, hand: replica && { node: replica.nodeNetns, pods: replica.podNetns } }, null, 1));
      console.error(`dataplane: holding until ${hold} is deleted`);
      while (existsSync(hold)) await new Promise((r) => setTimeout(r, 500));
    }
    // kubito's own processes (control plane, node agent; not their children, the pods): their
    // CPU in each new-connection round goes to stderr, to see whether kubito works while it is measured.
    const kubitoPids = [cluster.process.pid!, Number(readFileSync(agentPidFile(cluster.dataDir), 'utf8'))];
    const kubitoCpu = () => kubitoPids.reduce((sum, pid) => sum + cpuMs(pid), 0);
    for (const close of [false, true]) {
      const figures = new Map<Target['label'], Figures[]>(targets.map((t) => [t.label, []]));
      for (const t of targets) await measure(t, close, 1); // warm-up
      for (let r = 0; r < ROUNDS; r++) {
        const order = targets.map((_, i) => targets[(i + r) % targets.length]);
        for (const t of order) {
          const watched = close ? (t.watch ?? []).map((ns) => kernelCounters(ns)) : [];
          const twBefore = close ? (t.watch ?? []).map((ns) => timeWaits(ns)) : [];
          const cpu0 = kubitoCpu();
          const f = await measure(t, close, SECONDS);
          const kubitoCpuMs = kubitoCpu() - cpu0;
          figures.get(t.label)!.push(f);
          if (!close) console.error(`dataplane: keep-alive round ${r} ${t.label} ${round(f.rps, 0)} req/s p99 ${round(f.p99, 3)} ms, ${round(f.cpuUs, 1)} µs CPU/req; kubito processes ${kubitoCpuMs} ms CPU`);
          else {
            const rw = t.natNetns ? rewrittenPorts(t.natNetns) : undefined;
            console.error(`dataplane: round ${r} ${t.label} ${round(f.rps, 0)} req/s p99 ${round(f.p99, 3)} ms, ${round(f.cpuUs, 1)} µs CPU/req; kubito processes ${kubitoCpuMs} ms CPU; ${(t.watch ?? []).map((ns, i) => `[${ns}] tw ${twBefore[i]}->${timeWaits(ns)} ${countersMoved(watched[i], kernelCounters(ns))}`).join(' ')}${rw ? ` [conntrack :80 entries ${rw.entries}, source port rewritten ${rw.rewritten}${rw.sample ? `: ${rw.sample}` : ''}]` : ''}`);
          }
        }
      }
      const conn = close ? 'new connection per request' : 'keep-alive';
      const list = (label: Target['label']) => figures.get(label) ?? [];
      for (const t of targets) {
        const errors = list(t.label).reduce((n, f) => n + f.errors, 0);
        console.error(`dataplane: ${mode} ${t.label} ${conn}: ${list(t.label).map((f) => `${round(f.rps, 0)} req/s p99 ${round(f.p99, 3)} ms`).join(', ')}${errors ? `; ${errors} wrk errors` : ''}`);
      }
      const kubito = list('kubito');
      const what = close ? `${mode}, ${BACKENDS} nginx backends, ${2 * CONNECTIONS_PER_WRK} connections` : `${mode}, 1 nginx backend, ${2 * CONNECTIONS_PER_WRK} connections`;
      // Values are medians over rounds; the ratio is the median of the per-round ratios (the
      // targets of a round run back to back, so each ratio compares like with like while the
      // machine's other load drifts).
      const rows = (baseline: Figures[], versus: string, describe: string, goal: string) => {
        report({ name: `VIP throughput from a pod, ${conn} (${what}) vs ${versus}`, value: round(median(kubito.map((f) => f.rps)), 0), unit: 'req/s', goal, baseline: describe, baseline_value: round(median(baseline.map((f) => f.rps)), 0), ratio: round(median(kubito.map((f, i) => f.rps / baseline[i].rps))) });
        report({ name: `VIP p99 from a pod, ${conn} (${what}) vs ${versus}`, value: round(median(kubito.map((f) => f.p99)), 3), unit: 'ms', goal, baseline: describe, baseline_value: round(median(baseline.map((f) => f.p99)), 3), ratio: round(median(kubito.map((f, i) => baseline[i].p99 / f.p99))) });
        // CPU of the wrk clients and the nginx backends per request (packet processing in the
        // node namespace included: it runs in their softirqs): steadier than throughput when
        // other work shares the cores. Ratio > 1: kubito's path costs less.
        report({ name: `VIP CPU per request (wrk clients + nginx backends) from a pod, ${conn} (${what}) vs ${versus}`, value: round(median(kubito.map((f) => f.cpuUs)), 1), unit: 'µs', goal: 'report', baseline: describe, baseline_value: round(median(baseline.map((f) => f.cpuUs)), 1), ratio: round(median(kubito.map((f, i) => baseline[i].cpuUs / f.cpuUs))) });
      };
      const hand = list('hand');
      if (loader && hand.length) rows(hand, 'same rules by hand', loader.describe, '>= 1.0x');
      const direct = list('direct');
      rows(direct, 'pod IPs', 'straight to the pod IPs', 'report (hand-loaded rules ~0.82x)');
      if (hand.length) console.error(`dataplane: ${mode} ${conn}: hand-loaded rules vs pod IPs: throughput ${round(median(hand.map((f, i) => f.rps / direct[i].rps)))}x, p99 ${round(median(hand.map((f, i) => direct[i].p99 / f.p99)))}x`);
    }
  } finally {
    await replica?.remove();
    api.close();
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const modes = benchModes();
  for (const [i, mode] of modes.entries()) await benchMode(mode, i);
}

await main();
