/**
 * @module The proxy inside the node agent: picks the backend for `--proxy-mode` (falling back
 * to iptables, with one log line, when this build lacks that backend), feeds the Proxier from
 * Service and EndpointSlice informers, runs the first full sync, and serves kube-proxy's
 * /metrics (10249) and /healthz (10256) on the node address, the health check node ports of
 * LoadBalancer Services with externalTrafficPolicy Local (healthcheck/), plus
 * `<data-dir>/run/proxy-rules.sock`.
 */
import { appendFileSync } from 'node:fs';
import { findResource, type ResourceInfo } from '../api/resources.js';
import type { Clock, InformerFactory } from '../client/index.js';
import type { EventRecorder } from '../controllers/controller.js';
import { BackendNotBuiltError, createBackend, type ProxyMode } from './backends.js';
import { UdpConntrackCleaner } from './conntrack.js';
import { HealthCheckTracker } from './healthcheck/plan.js';
import { ServiceHealthServer } from './healthcheck/server.js';
import { startProxyServers } from './metrics-server.js';
import { nodeNetworkSteps } from './node-network.js';
import { Proxier, type SyncPhases } from './proxier.js';
import { proxySocketPath, startRulesSocket } from './rules-socket.js';
import { execCommandRunner } from './runner.js';
import type { ProxyEndpointSlice, ProxyService } from './tracker/views.js';
import type { CommandRunner, DesiredState, ProxyBackend, ProxyNodeConfig } from './types.js';

export interface NodeProxyOptions {
  mode: ProxyMode;
  informers: InformerFactory;
  cluster: string;
  dataDir: string;
  node: ProxyNodeConfig;
  clock: Clock;
  log(line: string): void;
  /** Where upstream's kube-proxy events go (FailedToStartServiceHealthcheck); none if absent. */
  events?: EventRecorder;
  runner?: CommandRunner;
  /** Prepare the node namespace (Service CIDR route, ICMP rate limit); default true. */
  prepareNode?: boolean;
  /** Address for /metrics and /healthz; default the node's first IP; false: none. */
  serveOn?: string | false;
  minSyncPeriodMs?: number;
  /** The proxier's `burstSyncPeriodMs` (the agent's `--min-sync-period`). */
  burstSyncPeriodMs?: number;
}

export interface NodeProxy {
  /** The mode in effect (after any fallback). */
  mode: ProxyMode;
  backend: ProxyBackend;
  proxier: Proxier;
  stop(): Promise<void>;
}

/** The node facts the proxy needs, from the agent's: its address on the pod network is the node IP. */
export function nodeProxyConfig(nodeName: string, nodeIP: string, clusterCIDR = '10.244.0.0/16'): ProxyNodeConfig {
  return { nodeName, nodeIPs: [nodeIP], clusterCIDR, serviceCIDRs: ['10.96.0.0/12'], masqueradeBit: 14 };
}

function must(group: string, version: string, resource: string): ResourceInfo {
  const info = findResource(group, version, resource);
  if (!info) throw new Error(`proxy: the API table has no ${resource}.${group || 'core'}/${version}`);
  return info;
}

export async function startNodeProxy(options: NodeProxyOptions): Promise<NodeProxy> {
  const { log } = options;
  const context = { runner: options.runner ?? execCommandRunner(), node: options.node, cluster: options.cluster, dataDir: options.dataDir, log };
  if (options.prepareNode !== false) {
    for (const argv of nodeNetworkSteps(options.node)) {
      const r = await context.runner.run(argv);
      if (r.code !== 0) log(`proxy: ${argv.join(' ')}: ${r.stderr.trim() || `exit ${r.code}`}`);
    }
  }
  let mode = options.mode;
  let backend: ProxyBackend;
  try {
    backend = createBackend(mode, context);
  } catch (err) {
    if (!(err instanceof BackendNotBuiltError)) throw err;
    log(`proxy: ${err.message}; falling back to iptables`);
    mode = 'iptables';
    backend = createBackend(mode, context);
  }
  const host = options.serveOn === undefined ? options.node.nodeIPs[0] : options.serveOn;
  // The checks answer with the Proxier's health; it syncs them after each of its syncs.
  const healthChecks = host ? new ServiceHealthServer({ nodeName: options.node.nodeName, addresses: [host], proxyHealthy: () => proxier.healthy(), log, events: options.events }) : undefined;
  // Kernel NAT keeps UDP flows on their endpoint: remove the stale ones after each sync that
  // changed the UDP Services' endpoints.
  const cleaner = mode === 'userspace' ? undefined : new UdpConntrackCleaner(context.runner);
  // Both keep what they saw by key and read only the changed keys of a partial sync: each
  // takes every sync's keys first, whatever fails after.
  const checks = new HealthCheckTracker();
  const afterSync = async (state: DesiredState, changed: ReadonlySet<string> | 'all'): Promise<void> => {
    const wanted = checks.update(state, changed);
    await cleaner?.afterSync(state, changed);
    await healthChecks?.sync(wanted);
  };
  const traceFile = process.env.KUBITO_PROXY_TRACE;
  const trace = traceFile ? (p: SyncPhases) => appendFileSync(traceFile, `${JSON.stringify({ at: Date.now(), ...p, backend: 'lastSync' in backend ? backend.lastSync : undefined })}\n`) : undefined;
  const proxier = new Proxier({ backend, node: options.node, clock: options.clock, log, minSyncPeriodMs: options.minSyncPeriodMs, burstSyncPeriodMs: options.burstSyncPeriodMs, afterSync, trace });
  const services = options.informers.informer<ProxyService>(must('', 'v1', 'services'));
  const slices = options.informers.informer<ProxyEndpointSlice>(must('discovery.k8s.io', 'v1', 'endpointslices'));
  services.addHandlers({
    onAdd: (s) => proxier.onServiceUpdate(null, s),
    onUpdate: (old, s) => proxier.onServiceUpdate(old, s),
    onDelete: (s) => proxier.onServiceUpdate(s, null),
  });
  slices.addHandlers({
    onAdd: (s) => proxier.onEndpointSliceUpdate(null, s),
    onUpdate: (old, s) => proxier.onEndpointSliceUpdate(old, s),
    onDelete: (s) => proxier.onEndpointSliceUpdate(s, null),
  });
  options.informers.start();
  await options.informers.waitForSync();
  await proxier.setInitialized();
  const closers: Array<() => Promise<void>> = [];
  // Its helper processes (the iptables backend's kernel reader); the rules stay.
  closers.push(async () => backend.close?.());
  // The runner's own (the spawner of streamed restores).
  closers.push(async () => context.runner.close?.());
  if (healthChecks) closers.push(() => healthChecks.close());
  if (host) {
    try {
      const servers = await startProxyServers(
        { metricsText: () => proxier.metrics.render(), healthy: () => proxier.healthy(), lastUpdatedMs: () => (proxier.metrics.lastSync.value ? proxier.metrics.lastSync.value * 1000 : undefined), mode: () => backend.mode },
        { host },
      );
      closers.push(() => servers.close());
    } catch (err) {
      log(`proxy: cannot serve /metrics and /healthz on ${host}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  try {
    const socket = await startRulesSocket(proxySocketPath(options.dataDir), backend);
    closers.push(() => socket.close());
  } catch (err) {
    log(`proxy: cannot serve ${proxySocketPath(options.dataDir)}: ${err instanceof Error ? err.message : String(err)}`);
  }
  // Which applier the nftables backend uses (libnftables in this process, or the nft command).
  const applier = 'applier' in backend && backend.applier === 'libnftables' ? ' (rules applied by libnftables in process)' : '';
  log(`proxy: ${mode} mode${applier}, ${proxier.lastSynced()?.state.servicePorts.length ?? 0} service ports synced`);
  return {
    mode,
    backend,
    proxier,
    async stop() {
      proxier.stop();
      await Promise.all(closers.map((c) => c().catch(() => undefined)));
    },
  };
}
