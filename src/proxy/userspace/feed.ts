/**
 * @module TEMPORARY (for the lead to replace with the shared change tracker, src/proxy/tracker,
 * and the proxy loop of src/proxy/proxier.ts): a minimal feed that computes a DesiredState from
 * Service and EndpointSlice informers for the simple cases and syncs a backend with it, so the
 * userspace backend and host exposure can run end to end on this branch.
 *
 * Covered: ClusterIP/NodePort/LoadBalancer IPv4 Services, ports matched to slice ports by name
 * and protocol, ready endpoints with the serving-and-terminating fallback, internal and external
 * traffic policy Local, ClientIP affinity, externalIPs, LoadBalancer ingress IPs.
 * Not covered (the tracker's job): topology hints, trigger times, no-op filtering, metrics.
 */
import { findResource } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import type { InformerFactory } from '../../client/index.js';
import type { CommandRunner, DesiredState, ProxyBackend, ProxyEndpoint, ProxyNodeConfig, ServicePortState } from '../types.js';
import { createUserspaceBackend, type UserspaceBackend } from './index.js';

const SERVICES = findResource('', 'v1', 'services')!;
const SLICES = findResource('discovery.k8s.io', 'v1', 'endpointslices')!;

interface FeedService extends KubeObject {
  spec?: {
    type?: string;
    clusterIP?: string;
    ports?: Array<{ name?: string; protocol?: string; port: number; nodePort?: number }> | null;
    externalIPs?: string[] | null;
    sessionAffinity?: string;
    sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } } | null;
    externalTrafficPolicy?: string;
    internalTrafficPolicy?: string;
    loadBalancerSourceRanges?: string[] | null;
    healthCheckNodePort?: number;
  };
  status?: { loadBalancer?: { ingress?: Array<{ ip?: string; ipMode?: string }> | null } };
}

interface FeedSlice extends KubeObject {
  addressType?: string;
  endpoints?: Array<{ addresses: string[]; conditions?: { ready?: boolean | null; serving?: boolean | null; terminating?: boolean | null }; nodeName?: string | null; zone?: string | null }> | null;
  ports?: Array<{ name?: string | null; protocol?: string | null; port?: number | null }> | null;
}

function cmpEp(a: ProxyEndpoint, b: ProxyEndpoint): number {
  return a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : a.port - b.port;
}

/** Ready endpoints, else the serving-and-terminating ones (dataplane.md §1.4). */
function usable(eps: ProxyEndpoint[]): ProxyEndpoint[] {
  const ready = eps.filter((e) => e.ready);
  return ready.length ? ready : eps.filter((e) => e.serving && e.terminating);
}

/** The desired state for these Services and slices. Pure. */
export function desiredFromObjects(services: FeedService[], slices: FeedSlice[], node: ProxyNodeConfig): DesiredState {
  const bySvc = new Map<string, FeedSlice[]>();
  for (const s of slices) {
    const svc = s.metadata.labels?.['kubernetes.io/service-name'];
    if (!svc || s.addressType !== 'IPv4') continue;
    const key = `${s.metadata.namespace}/${svc}`;
    bySvc.set(key, [...(bySvc.get(key) ?? []), s]);
  }
  const out: ServicePortState[] = [];
  for (const svc of services) {
    const spec = svc.spec ?? {};
    const clusterIP = spec.clusterIP;
    if (spec.type === 'ExternalName' || !clusterIP || clusterIP === 'None') continue;
    const ns = svc.metadata.namespace ?? '';
    const name = svc.metadata.name ?? '';
    for (const p of spec.ports ?? []) {
      const protocol = (p.protocol ?? 'TCP') as ServicePortState['protocol'];
      const portName = p.name ?? '';
      const seen = new Set<string>();
      const endpoints: ProxyEndpoint[] = [];
      for (const slice of bySvc.get(`${ns}/${name}`) ?? []) {
        const sp = (slice.ports ?? []).find((x) => (x.name ?? '') === portName && (x.protocol ?? 'TCP') === protocol);
        if (!sp?.port) continue;
        for (const e of slice.endpoints ?? []) {
          const ip = e.addresses[0];
          if (!ip || seen.has(`${ip}:${sp.port}`)) continue;
          seen.add(`${ip}:${sp.port}`);
          const ready = e.conditions?.ready ?? true;
          endpoints.push({
            ip,
            port: sp.port,
            ready,
            serving: e.conditions?.serving ?? ready,
            terminating: e.conditions?.terminating ?? false,
            isLocal: e.nodeName === node.nodeName,
            ...(e.nodeName ? { nodeName: e.nodeName } : {}),
            ...(e.zone ? { zone: e.zone } : {}),
          });
        }
      }
      endpoints.sort(cmpEp);
      const internalLocal = spec.internalTrafficPolicy === 'Local';
      const externalLocal = spec.externalTrafficPolicy === 'Local' && (spec.type === 'NodePort' || spec.type === 'LoadBalancer');
      const sticky = spec.sessionAffinity === 'ClientIP' ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800) : 0;
      const all = usable(endpoints);
      const local = usable(endpoints.filter((e) => e.isLocal));
      const servicePortName = portName ? `${ns}/${name}:${portName}` : `${ns}/${name}`;
      out.push({
        namespace: ns,
        name,
        portName,
        protocol,
        servicePortName,
        clusterIP,
        port: p.port,
        nodePort: p.nodePort ?? 0,
        externalIPs: spec.externalIPs ?? [],
        loadBalancerIPs: (svc.status?.loadBalancer?.ingress ?? []).filter((i) => !!i.ip && (i.ipMode ?? 'VIP') === 'VIP').map((i) => i.ip!),
        loadBalancerSourceRanges: spec.loadBalancerSourceRanges ?? [],
        stickyMaxAgeSeconds: sticky,
        externalPolicyLocal: externalLocal,
        internalPolicyLocal: internalLocal,
        healthCheckNodePort: spec.healthCheckNodePort ?? 0,
        endpoints,
        clusterEndpoints: internalLocal ? local : all,
        externalEndpoints: externalLocal ? local : all,
      });
    }
  }
  out.sort((a, b) => (a.servicePortName < b.servicePortName ? -1 : a.servicePortName > b.servicePortName ? 1 : a.protocol < b.protocol ? -1 : 1));
  return { node, servicePorts: out };
}

export interface FeedOptions {
  informers: InformerFactory;
  backend: ProxyBackend;
  node: ProxyNodeConfig;
  log: (line: string) => void;
  /** Changes within this window are synced together. Default 10 ms. */
  batchMs?: number;
  /** Wait after a failed sync. Default 1 s. */
  retryMs?: number;
}

export interface RunningFeed {
  stop(): Promise<void>;
}

/** Syncs the backend after every Service or slice change (batched), retrying failures. */
export function startFeed(options: FeedOptions): RunningFeed {
  const services = options.informers.informer<FeedService>(SERVICES);
  const slices = options.informers.informer<FeedSlice>(SLICES);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const schedule = (ms: number): void => {
    if (stopped || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      running = running.then(async () => {
        if (stopped || !services.hasSynced() || !slices.hasSynced()) return schedule(ms);
        const state = desiredFromObjects(services.cache.list(), slices.cache.list(), options.node);
        try {
          await options.backend.sync(state, 'all');
        } catch (err) {
          options.log(`proxy sync: ${err instanceof Error ? err.message : String(err)}`);
          schedule(options.retryMs ?? 1000);
        }
      });
    }, ms);
  };
  const changed = (): void => schedule(options.batchMs ?? 10);
  services.addHandlers({ onAdd: changed, onUpdate: changed, onDelete: changed });
  slices.addHandlers({ onAdd: changed, onUpdate: changed, onDelete: changed });
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

export interface UserspaceProxyOptions {
  informers: InformerFactory;
  /** Runs `ip` in the node namespace; its failures are answered, not thrown. */
  runner: CommandRunner;
  nodeName: string;
  /** The node's address (NodePorts answer on it), e.g. 10.244.0.1. */
  nodeIP: string;
  clusterCIDR: string;
  log: (line: string) => void;
}

/** The node agent's userspace proxy: the backend fed by this temporary feed. */
export function startUserspaceProxy(options: UserspaceProxyOptions): RunningFeed & { backend: UserspaceBackend } {
  const backend = createUserspaceBackend({ runner: options.runner, log: (l) => options.log(`userspace proxy: ${l}`) });
  const feed = startFeed({
    informers: options.informers,
    backend,
    node: { nodeName: options.nodeName, nodeIPs: [options.nodeIP], clusterCIDR: options.clusterCIDR, serviceCIDRs: ['10.96.0.0/12'], masqueradeBit: 14 },
    log: options.log,
  });
  return {
    backend,
    async stop() {
      await feed.stop();
      await backend.cleanup().catch((err: unknown) => options.log(`userspace proxy cleanup: ${err instanceof Error ? err.message : String(err)}`));
    },
  };
}
