/**
 * @module The proxy's contract: what the change tracker computes from Services and
 * EndpointSlices (the desired state, one entry per service port, as kube-proxy's
 * ServicePortMap + EndpointsMap after `CategorizeEndpoints`) and what every backend renders.
 *
 * Everything here is plain data: a backend never looks at a Service or an EndpointSlice, so the
 * three backends (nftables, iptables, userspace) cannot disagree about which endpoints serve.
 */

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

/** One endpoint of one service port (kube-proxy's BaseEndpointInfo). */
export interface ProxyEndpoint {
  ip: string;
  port: number;
  /** EndpointSlice conditions after kube-proxy's nil rules: nil ready = true, nil serving = true, nil terminating = false. */
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  /** Whether the endpoint's nodeName is this node (for the Local traffic policies). */
  isLocal: boolean;
  nodeName?: string;
  zone?: string;
}

/** kube-proxy's ServicePortName and the facts of one service port it proxies. */
export interface ServicePortState {
  namespace: string;
  /** The Service's name. */
  name: string;
  /** The port's name, `''` when unnamed. */
  portName: string;
  protocol: Protocol;
  /**
   * `<ns>/<name>` plus `:<portName>` when named: upstream's ServicePortName.String(), the text
   * of rule comments and the first part of every chain-name hash.
   */
  servicePortName: string;
  /** The IPv4 cluster IP (kubito's data plane is IPv4). */
  clusterIP: string;
  port: number;
  /** 0 when the port has none. */
  nodePort: number;
  externalIPs: string[];
  /** status.loadBalancer.ingress[].ip (ipMode VIP or unset). */
  loadBalancerIPs: string[];
  loadBalancerSourceRanges: string[];
  /** ClientIP affinity timeout in seconds; 0 = no affinity. */
  stickyMaxAgeSeconds: number;
  externalPolicyLocal: boolean;
  internalPolicyLocal: boolean;
  /** 0 unless type LoadBalancer with externalTrafficPolicy Local. */
  healthCheckNodePort: number;
  /** Every endpoint the slices list for this port (deduplicated), sorted by `ip:port` text (`sortEndpoints`). */
  endpoints: ProxyEndpoint[];
  /**
   * The endpoints traffic for the cluster IP uses (internalTrafficPolicy applied, then the ready,
   * else serving-and-terminating fallback), sorted by `ip:port` text.
   */
  clusterEndpoints: ProxyEndpoint[];
  /**
   * The endpoints external traffic (NodePort, externalIPs, LoadBalancer IPs) uses: the cluster
   * ones with externalTrafficPolicy Cluster, the local ones with Local.
   */
  externalEndpoints: ProxyEndpoint[];
  /**
   * The newest `endpoints.kubernetes.io/last-change-trigger-time` of its slices, in ms since the
   * epoch, for network_programming_duration_seconds; absent if unknown.
   */
  triggerTimeMs?: number;
  /**
   * Upstream's `CategorizeEndpoints` split, filled by the change tracker. Optional so that
   * hand-written fixtures may leave it out: read it through `endpointSets(sp)`, which derives it
   * from the fields above when absent.
   */
  policy?: EndpointSets;
}

/** The node-wide facts every backend needs besides the service ports. */
export interface ProxyNodeConfig {
  nodeName: string;
  /** The node's own addresses (NodePorts answer on them), e.g. `['10.244.0.1']`. */
  nodeIPs: string[];
  /** The cluster's pod CIDR (the local-traffic detector: `! -s <podCIDR> -j KUBE-MARK-MASQ`). */
  clusterCIDR: string;
  /** The Service CIDRs (nftables drops traffic to unallocated ClusterIPs inside them). */
  serviceCIDRs: string[];
  /** The masquerade bit (upstream default 14, mark 0x4000). */
  masqueradeBit: number;
}

/**
 * The whole desired state: one entry per (service, port, protocol), sorted by `servicePortName`
 * then protocol, so renderings are deterministic and golden files stable. Never mutated once
 * made: the change tracker hands the same ServicePortState object again for a port it did not
 * recompute, and the backends cache each port's rendering by that object.
 */
export interface DesiredState {
  node: ProxyNodeConfig;
  servicePorts: ServicePortState[];
}

/** Runs one program with stdin; how appliers touch the kernel (tests substitute a recorder). */
export interface CommandRunner {
  run(argv: string[], options?: { input?: string }): Promise<{ code: number; stdout: string; stderr: string }>;
  /**
   * Starts one program whose stdin the caller writes piece by piece while it runs (a big restore
   * parses what it has while the rest is rendered). Optional: appliers fall back to `run`.
   */
  start?(argv: string[]): StreamingCommand;
  /**
   * Starts one long-lived program that answers requests (ServingCommand): forked once, where
   * `run` forks a process per read. Optional: appliers fall back to `run`.
   */
  serve?(argv: string[]): ServingCommand;
  /** Ends what the runner keeps running for later commands (the spawner). Optional. */
  close?(): void;
}

/**
 * A long-lived program answering one request at a time: a line to its stdin, its answer on
 * stdout framed `exit <status> <o> <e>\n` + o bytes of output + e bytes of its stderr. It
 * does not hold the event loop open while idle, and ends with its stdin (at `close`, or when
 * this process exits).
 */
export interface ServingCommand {
  /** Answers one request; code -1 when the program is gone (or never started): start another. */
  ask(request: string): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Closes its stdin (it exits); pending asks end with code -1. */
  close(): void;
}

/** A running command fed through `write`; `end` closes its stdin and resolves when it exits. */
export interface StreamingCommand {
  /** Resolves once the piece is taken (at once while the pipe has room, else on drain). */
  write(text: string): Promise<void>;
  end(): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Kills it before it read everything (nothing committed: the restore never saw COMMIT). */
  abort(): void;
}

/**
 * A data-plane backend as the proxy loop drives it. `sync` gets the whole desired state and the
 * keys (`servicePortName` + '/' + protocol) that changed since the last successful sync, or
 * `'all'` when everything must be rewritten (the first sync, after a failure, periodically).
 */
export interface ProxyBackend {
  readonly mode: 'nftables' | 'iptables' | 'userspace';
  sync(state: DesiredState, changed: ReadonlySet<string> | 'all'): Promise<void>;
  /** The ruleset the node holds now, as `kubito proxy rules` prints it. */
  currentRules(): Promise<string>;
  /** Removes everything the backend installed (rules, listeners); idempotent. */
  cleanup(): Promise<void>;
  /** Ends the helper processes it keeps (the rules stay); optional. */
  close?(): void;
}

/** The key of one service port in `changed` sets and maps. */
export function servicePortKey(sp: Pick<ServicePortState, 'servicePortName' | 'protocol'>): string {
  return `${sp.servicePortName}/${sp.protocol}`;
}

/** Which endpoints each of a service port's policy chains uses (kube-proxy's CategorizeEndpoints). */
export interface EndpointSets {
  /**
   * Upstream's `hasEndpoints`: some endpoint anywhere is ready, or serving and terminating.
   * False means REJECT (filter table / no-endpoint maps); with endpoints but none for a Local
   * policy, that traffic is DROPped instead.
   */
  hasEndpoints: boolean;
  /** The Cluster-policy chain's endpoints (KUBE-SVC-, service-); [] when the chain is not used. */
  cluster: ProxyEndpoint[];
  /** The Local-policy chain's endpoints (KUBE-SVL-, local-); [] when the chain is not used. */
  local: ProxyEndpoint[];
  /** Every endpoint either chain uses (one KUBE-SEP- / endpoint- chain each), sorted by `ip:port` text. */
  reachable: ProxyEndpoint[];
}

/** True when NodePort, externalIPs or LoadBalancer IPs make the port reachable from outside. */
export function externallyAccessible(sp: Pick<ServicePortState, 'nodePort' | 'externalIPs' | 'loadBalancerIPs'>): boolean {
  return sp.nodePort !== 0 || sp.externalIPs.length > 0 || sp.loadBalancerIPs.length > 0;
}

/** `sp.policy`, or the same split derived from `endpoints`/`clusterEndpoints`/`externalEndpoints`. */
export function endpointSets(sp: ServicePortState): EndpointSets {
  if (sp.policy) return sp.policy;
  const hasEndpoints = sp.endpoints.some((e) => e.ready || (e.serving && e.terminating));
  const cluster = !sp.internalPolicyLocal ? sp.clusterEndpoints : !sp.externalPolicyLocal ? sp.externalEndpoints : [];
  const local = sp.internalPolicyLocal ? sp.clusterEndpoints : sp.externalPolicyLocal ? sp.externalEndpoints : [];
  const byKey = new Map<string, ProxyEndpoint>();
  for (const e of [...cluster, ...local]) byKey.set(endpointString(e), e);
  return { hasEndpoints, cluster, local, reachable: sortEndpoints([...byKey.values()]) };
}

/**
 * What both kernel backends decide alike for one service port (kube-proxy's syncProxyRules):
 * which policy chains carry endpoints, where internal and external traffic go, and whether
 * they reach any endpoint at all (else REJECT, or DROP for a Local policy without local ones).
 */
export interface PortPlan extends EndpointSets {
  usesClusterChain: boolean;
  usesLocalChain: boolean;
  /** Internal traffic goes to the Local chain (internalTrafficPolicy Local), else the Cluster one. */
  internalLocal: boolean;
  hasInternalEndpoints: boolean;
  /** External traffic goes to the Local chain (externalTrafficPolicy Local), else the Cluster one. */
  externalLocal: boolean;
  hasExternalEndpoints: boolean;
  /** NodePort / externalIPs / LB IPs with endpoints: the external chain is used. */
  usesExtChain: boolean;
}

export function portPlan(sp: ServicePortState): PortPlan {
  const sets = endpointSets(sp);
  const localOk = sets.local.length > 0;
  // Fields named, not spread: a spread of `sets` is a third of a port's render (10,000 ports per full sync).
  return {
    hasEndpoints: sets.hasEndpoints,
    cluster: sets.cluster,
    local: sets.local,
    reachable: sets.reachable,
    usesClusterChain: sets.cluster.length > 0,
    usesLocalChain: localOk,
    internalLocal: sp.internalPolicyLocal,
    hasInternalEndpoints: sets.hasEndpoints && (!sp.internalPolicyLocal || localOk),
    externalLocal: sp.externalPolicyLocal,
    hasExternalEndpoints: sets.hasEndpoints && (!sp.externalPolicyLocal || localOk),
    usesExtChain: sets.hasEndpoints && externallyAccessible(sp),
  };
}

/**
 * Sorts endpoints as upstream's EndpointSliceCache does (`byEndpoint`): by the `ip:port` text,
 * so `10.244.0.10:80` comes before `10.244.0.9:80`. Returns the array.
 */
export function sortEndpoints(endpoints: ProxyEndpoint[]): ProxyEndpoint[] {
  return endpoints.sort((a, b) => {
    const x = endpointString(a);
    const y = endpointString(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

/** `net.JoinHostPort(ip, port)`: `10.0.0.1:80`, `[fd00::1]:80` (the SEP hash input). */
export function endpointString(e: Pick<ProxyEndpoint, 'ip' | 'port'>): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}
