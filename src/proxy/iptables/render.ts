/**
 * @module DesiredState → `iptables-restore` input for the filter and nat tables, rule for rule as
 * kube-proxy's iptables proxier writes it (K/K pkg/proxy/iptables/proxier.go `syncProxyRules`):
 * the same chains, hashed names, comments, match order, 10-decimal probabilities, affinity via
 * `-m recent`, REJECT/DROP in the filter table for ports without (local) endpoints. Pure: it
 * never runs a command.
 *
 * A partial render (`only`: the changed keys) still rewrites the top-level chains (KUBE-SERVICES,
 * KUBE-NODEPORTS, ... — one rule per service port each), but declares and fills the per-service
 * chains (SVC/SVL/EXT/FW/SEP) only for the listed keys, so the others are left as they are under
 * `iptables-restore --noflush`. Chains in `existingNatChains` that no service port uses any more
 * are flushed and deleted (`-X`).
 */
import { endpointString, portPlan, servicePortKey, type DesiredState, type ProxyEndpoint, type ServicePortState } from '../types.js';
import {
  endpointChain,
  EXTERNAL_CHAIN,
  FIREWALL_CHAIN,
  isServiceChainName,
  KUBE_EXTERNAL_SERVICES,
  KUBE_FORWARD,
  KUBE_MARK_MASQ,
  KUBE_NODEPORTS,
  KUBE_POSTROUTING,
  KUBE_PROXY_FIREWALL,
  KUBE_SERVICES,
  LOCAL_CHAIN,
  portProtoHash,
  SERVICE_CHAIN,
} from './names.js';
import { jumpRuleText, type JumpRule } from './jump-rules.js';
import { probability } from './probability.js';

/** Above this many endpoints in all, SEP and SVC→SEP rules go without comments (upstream). */
export const LARGE_CLUSTER_ENDPOINTS_THRESHOLD = 1000;

export interface RenderOptions {
  /** The keys whose per-service chains to write; `'all'` (default) writes every one. */
  only?: ReadonlySet<string> | 'all';
  /** The nat chains the kernel holds now; unused service chains among them are deleted. */
  existingNatChains?: Iterable<string>;
  /**
   * Each port's own chains as the kernel holds them (`portChains` of the renders applied so far):
   * in a partial render, the chains of the changed ports that they no longer use are deleted
   * (a chain name belongs to one port). Cheaper than `existingNatChains`, which must check every
   * chain against every port.
   */
  previousPortChains?: ReadonlyMap<string, readonly string[]>;
  /**
   * The `topLevel` of the render the kernel holds now: when this render's is the same, a partial
   * render leaves the top-level chains (KUBE-SERVICES & co.) out, so that the restore touches
   * only the changed services' chains.
   */
  unchangedTopLevel?: readonly string[];
  /** Per-port pieces of earlier renders, reused for unchanged ports. */
  cache?: IptablesRenderCache;
  /** Jump rules to insert at the top of their built-in chains (`-I <chain> 1`), in this order. */
  insertJumps?: readonly JumpRule[];
}

export interface Rendered {
  /** The whole `iptables-restore --noflush` input: `*filter ... COMMIT` then `*nat ... COMMIT`. */
  text: string;
  /** Every per-service nat chain the state uses (written or left alone); built on first use. */
  readonly activeNatChains: Set<string>;
  /** The chains of each port this text writes (every port, in a full render). */
  portChains: Map<string, readonly string[]>;
  /** Stale chains this text deletes. */
  deletedChains: string[];
  /** The rules of the top-level chains, per port (compare with the next render's: `unchangedTopLevel`). */
  topLevel: readonly string[];
  /** Whether the text writes the top-level chains (always, unless `unchangedTopLevel` matched). */
  wroteTopLevel: boolean;
  /** Whether the text changes nothing (a partial render with no chain to write or delete). */
  empty: boolean;
}

/** Writes iptables-restore lines; comments with spaces are quoted, as upstream writes them. */
class Lines {
  readonly out: string[] = [];
  write(...words: string[]): void {
    this.out.push(words.join(' '));
  }
}

const q = (text: string): string => `"${text}"`;

function markText(bit: number): string {
  return `0x${(1 << bit).toString(16)}`;
}

/**
 * What one service port writes: its lines in the top-level chains, its own chains and their
 * rules. Each part is one text, its lines joined by newlines ('' when it has none): a cached
 * port holds a few flat strings rather than a dozen lines and their arrays (a full render
 * keeps every port's pieces; the young generation's collections copied each of them).
 */
export interface PortPieces {
  key: string;
  filterTop: string;
  natTop: string;
  chainDecls: string;
  chainRules: string;
  chains: string[];
  /** filterTop and natTop as one text (the port's share of `topLevel`). */
  top: string;
}

export interface RenderContext {
  clusterCIDR: string;
  nodeIPs: string[];
  large: boolean;
}

/**
 * Pieces of earlier renders by ServicePortState object: the change tracker hands the same object
 * for a port it did not recompute, so a sync renders only the ports that changed (a state is
 * never mutated once handed to a backend). Entries are checked against the render's node facts
 * and large-cluster mode; objects no state holds any more are dropped by the garbage collector.
 */
export class IptablesRenderCache {
  #byPort = new WeakMap<ServicePortState, { context: RenderContext; pieces: PortPieces }>();
  #context: RenderContext | undefined;

  /**
   * The render context of `state`, the same object as the last one while the node facts and
   * mode are equal: every cached port then matches it by reference (comparing the node IPs of
   * each of 10,000 ports took milliseconds of a one-Service partial sync).
   */
  context(state: DesiredState): RenderContext {
    const fresh = renderContextOf(state);
    if (this.#context && sameContext(this.#context, fresh)) return this.#context;
    return (this.#context = fresh);
  }

  pieces(sp: ServicePortState, context: RenderContext): PortPieces {
    const hit = this.#byPort.get(sp);
    if (hit && sameContext(hit.context, context)) return hit.pieces;
    const pieces = portPieces(sp, context);
    this.#byPort.set(sp, { context, pieces });
    return pieces;
  }
}

function sameContext(a: RenderContext, b: RenderContext): boolean {
  return a === b || (a.clusterCIDR === b.clusterCIDR && a.large === b.large && a.nodeIPs.join() === b.nodeIPs.join());
}

function portPieces(sp: ServicePortState, context: RenderContext): PortPieces {
  const filterTop = new Lines();
  const natTop = new Lines();
  const chainDecls = new Lines();
  const chainRules = new Lines();
  const active: string[] = [];
  const commentText = (text: string): string => (context.large ? '' : ` -m comment --comment ${text}`);
  renderServicePort(sp, { filterRules: filterTop, natRules: natTop, chains: chainDecls, chainRules, active, clusterCIDR: context.clusterCIDR, nodeIPs: context.nodeIPs, commentText });
  const filterText = filterTop.out.join('\n');
  const natText = natTop.out.join('\n');
  return {
    key: servicePortKey(sp),
    filterTop: filterText,
    natTop: natText,
    chainDecls: chainDecls.out.join('\n'),
    chainRules: chainRules.out.join('\n'),
    chains: active,
    top: `${filterText}\u0000${natText}`,
  };
}

/** The node facts and mode a state's ports render with. */
export function renderContextOf(state: DesiredState): RenderContext {
  // Counting stops past the threshold: only the side of it matters, and walking every port's
  // endpoints cost a one-Service partial sync milliseconds at 10,000 Services.
  let totalEndpoints = 0;
  for (const sp of state.servicePorts) {
    totalEndpoints += sp.endpoints.length;
    if (totalEndpoints > LARGE_CLUSTER_ENDPOINTS_THRESHOLD) break;
  }
  return { clusterCIDR: state.node.clusterCIDR, nodeIPs: state.node.nodeIPs, large: totalEndpoints > LARGE_CLUSTER_ENDPOINTS_THRESHOLD };
}

/** One port's pieces, from the cache when given. */
export function piecesOf(sp: ServicePortState, context: RenderContext, cache?: IptablesRenderCache): PortPieces {
  return cache ? cache.pieces(sp, context) : portPieces(sp, context);
}

/** The top-level chains kube-proxy declares (flushes) in each table when it writes them. */
export const TOP_LEVEL_CHAINS = {
  filter: [KUBE_NODEPORTS, KUBE_SERVICES, KUBE_EXTERNAL_SERVICES, KUBE_FORWARD, KUBE_PROXY_FIREWALL],
  nat: [KUBE_NODEPORTS, KUBE_SERVICES, KUBE_MARK_MASQ, KUBE_POSTROUTING],
} as const;

/** The masquerade mark text (`0x4000` for bit 14). */
export function masqueradeMark(state: DesiredState): string {
  return markText(state.node.masqueradeBit);
}

/** The nat rules before the ports' ones: KUBE-POSTROUTING's and KUBE-MARK-MASQ's. */
export function natHeadRules(mark: string): string[] {
  return [
    `-A ${KUBE_POSTROUTING} -m mark ! --mark ${mark}/${mark} -j RETURN`,
    `-A ${KUBE_POSTROUTING} -j MARK --xor-mark ${mark}`,
    `-A ${KUBE_POSTROUTING} -m comment --comment ${q('kubernetes service traffic requiring SNAT')} -j MASQUERADE --random-fully`,
    `-A ${KUBE_MARK_MASQ} -j MARK --or-mark ${mark}`,
  ];
}

/** KUBE-SERVICES' last nat rule, to the NodePorts. */
export function natTailRule(): string {
  return `-A ${KUBE_SERVICES} -m comment --comment ${q('kubernetes service nodeports; NOTE: this must be the last rule in this chain')} -m addrtype --dst-type LOCAL ! -d 127.0.0.0/8 -j ${KUBE_NODEPORTS}`;
}

/** KUBE-FORWARD's filter rules, after the ports' ones. */
export function filterTailRules(mark: string): string[] {
  return [
    `-A ${KUBE_FORWARD} -m conntrack --ctstate INVALID -j DROP`,
    `-A ${KUBE_FORWARD} -m comment --comment ${q('kubernetes forwarding rules')} -m mark --mark ${mark}/${mark} -j ACCEPT`,
    `-A ${KUBE_FORWARD} -m comment --comment ${q('kubernetes forwarding conntrack rule')} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
  ];
}

export function renderIptables(state: DesiredState, options: RenderOptions = {}): Rendered {
  const only = options.only ?? 'all';
  const mark = markText(state.node.masqueradeBit);
  const context = options.cache ? options.cache.context(state) : renderContextOf(state);

  const pieces = state.servicePorts.map((sp) => piecesOf(sp, context, options.cache));
  const topLevel = [mark, ...pieces.map((p) => p.top)];
  const writeTop = only === 'all' || !sameStrings(options.unchangedTopLevel, topLevel);

  const filterChains: string[] = [];
  const filterRules: string[] = [];
  const natChains: string[] = [];
  const natRules: string[] = [];

  if (writeTop) {
    for (const chain of TOP_LEVEL_CHAINS.filter) filterChains.push(`:${chain} - [0:0]`);
    for (const chain of TOP_LEVEL_CHAINS.nat) natChains.push(`:${chain} - [0:0]`);
    natRules.push(...natHeadRules(mark));
  }

  let wroteChains = false;
  const portChains = new Map<string, readonly string[]>();
  // Each piece is its lines joined (PortPieces): pushed whole, the joins below write the same text.
  for (const p of pieces) {
    if (writeTop) {
      if (p.filterTop) filterRules.push(p.filterTop);
      if (p.natTop) natRules.push(p.natTop);
    }
    if (only === 'all' || only.has(p.key)) {
      if (p.chainDecls) natChains.push(p.chainDecls);
      if (p.chainRules) natRules.push(p.chainRules);
      portChains.set(p.key, p.chains);
      wroteChains ||= p.chainDecls.length > 0;
    }
  }
  let active: Set<string> | undefined;
  const activeChains = (): Set<string> => {
    if (!active) {
      active = new Set();
      for (const p of pieces) for (const c of p.chains) active.add(c);
    }
    return active;
  };

  const doomed = new Set<string>();
  if (options.existingNatChains) for (const chain of unusedServiceChains(options.existingNatChains, activeChains())) doomed.add(chain);
  if (only !== 'all' && options.previousPortChains) {
    for (const key of only) {
      const now = portChains.get(key) ?? [];
      for (const chain of options.previousPortChains.get(key) ?? []) if (!now.includes(chain)) doomed.add(chain);
    }
  }
  const deletedChains = [...doomed];
  for (const chain of deletedChains) {
    natChains.push(`:${chain} - [0:0]`);
    natRules.push(`-X ${chain}`);
  }

  if (writeTop) {
    natRules.push(natTailRule());
    filterRules.push(...filterTailRules(mark));
  }

  const jumps = options.insertJumps ?? [];
  for (const rule of jumps) (rule.table === 'filter' ? filterRules : natRules).push(jumpRuleText(rule, '-I'));
  const filter = writeTop || jumps.some((r) => r.table === 'filter') ? ['*filter', ...filterChains, ...filterRules, 'COMMIT'] : [];
  const text = [...filter, '*nat', ...natChains, ...natRules, 'COMMIT', ''].join('\n');
  return {
    text,
    get activeNatChains() {
      return activeChains();
    },
    portChains,
    deletedChains,
    topLevel,
    wroteTopLevel: writeTop,
    empty: !writeTop && !wroteChains && deletedChains.length === 0 && jumps.length === 0,
  };
}

/** The service chains among `existing` that no port uses (`used`): a full sync deletes them. */
export function unusedServiceChains(existing: Iterable<string>, used: ReadonlySet<string>): string[] {
  const out: string[] = [];
  // The set first: nearly every chain a resync finds is in use, and one lookup beats the prefixes.
  for (const chain of existing) if (!used.has(chain) && isServiceChainName(chain)) out.push(chain);
  return out;
}

/** Element-wise equality; cached pieces share their strings, so most compare by reference. */
function sameStrings(a: readonly string[] | undefined, b: readonly string[]): boolean {
  if (!a || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

interface Sinks {
  filterRules: Lines;
  natRules: Lines;
  /** Where this port's own chains are declared and filled. */
  chains: Lines;
  chainRules: Lines;
  /** The port's chains, in the order declared (each once). */
  active: string[];
  clusterCIDR: string;
  nodeIPs: string[];
  /** ` -m comment --comment <text>`, or '' in large-cluster mode (upstream leaves them out). */
  commentText(text: string): string;
}

function renderServicePort(sp: ServicePortState, s: Sinks): void {
  const name = sp.servicePortName;
  const proto = sp.protocol.toLowerCase();
  const sets = portPlan(sp);
  const { hasEndpoints, usesClusterChain, usesLocalChain, hasInternalEndpoints, hasExternalEndpoints, usesExtChain } = sets;
  // One hash names all four port chains (serviceChain & co. each hashed the same text).
  const hash = portProtoHash(name, sp.protocol);
  const svcChain = `${SERVICE_CHAIN}${hash}`;
  const svlChain = `${LOCAL_CHAIN}${hash}`;
  const extChain = `${EXTERNAL_CHAIN}${hash}`;
  const fwChain = `${FIREWALL_CHAIN}${hash}`;

  const internalChain = sets.internalLocal ? svlChain : svcChain;
  const externalPolicyChain = sets.externalLocal ? svlChain : svcChain;
  const usesFwChain = hasEndpoints && sp.loadBalancerIPs.length > 0 && sp.loadBalancerSourceRanges.length > 0;
  const lbChain = usesFwChain ? fwChain : extChain;

  let internalTarget = '';
  let internalComment = '';
  let externalTarget = '';
  let externalComment = '';
  if (!hasEndpoints) {
    internalTarget = externalTarget = 'REJECT';
    internalComment = externalComment = q(`${name} has no endpoints`);
  } else {
    if (!hasInternalEndpoints) {
      internalTarget = 'DROP';
      internalComment = q(`${name} has no local endpoints`);
    }
    if (!hasExternalEndpoints) {
      externalTarget = 'DROP';
      externalComment = q(`${name} has no local endpoints`);
    }
  }
  const dport = ['-m', proto, '-p', proto];

  // Dispatch from the top-level chains (always written).
  // The two rules nearly every port has, as text (word arrays joined per line were a tenth of a render).
  const clusterIPMatch = `-m comment --comment "${name} cluster IP" -m ${proto} -p ${proto} -d ${sp.clusterIP} --dport ${sp.port}`;
  if (hasInternalEndpoints) {
    s.natRules.out.push(`-A ${KUBE_SERVICES} ${clusterIPMatch} -j ${internalChain}`);
  } else {
    s.filterRules.write('-A', KUBE_SERVICES, '-m', 'comment', '--comment', internalComment, ...dport, '-d', sp.clusterIP, '--dport', String(sp.port), '-j', internalTarget);
  }
  for (const ip of sp.externalIPs) {
    if (hasEndpoints) s.natRules.write('-A', KUBE_SERVICES, '-m', 'comment', '--comment', q(`${name} external IP`), ...dport, '-d', ip, '--dport', String(sp.port), '-j', extChain);
    if (!hasExternalEndpoints) s.filterRules.write('-A', KUBE_EXTERNAL_SERVICES, '-m', 'comment', '--comment', externalComment, ...dport, '-d', ip, '--dport', String(sp.port), '-j', externalTarget);
  }
  for (const ip of sp.loadBalancerIPs) {
    if (hasEndpoints) s.natRules.write('-A', KUBE_SERVICES, '-m', 'comment', '--comment', q(`${name} loadbalancer IP`), ...dport, '-d', ip, '--dport', String(sp.port), '-j', lbChain);
    if (usesFwChain) s.filterRules.write('-A', KUBE_PROXY_FIREWALL, '-m', 'comment', '--comment', q(`${name} traffic not accepted by ${fwChain}`), ...dport, '-d', ip, '--dport', String(sp.port), '-j', 'DROP');
  }
  if (!hasExternalEndpoints) {
    for (const ip of sp.loadBalancerIPs) s.filterRules.write('-A', KUBE_EXTERNAL_SERVICES, '-m', 'comment', '--comment', externalComment, ...dport, '-d', ip, '--dport', String(sp.port), '-j', externalTarget);
  }
  if (sp.nodePort !== 0) {
    if (hasEndpoints) s.natRules.write('-A', KUBE_NODEPORTS, '-m', 'comment', '--comment', name, ...dport, '--dport', String(sp.nodePort), '-j', extChain);
    if (!hasExternalEndpoints) s.filterRules.write('-A', KUBE_EXTERNAL_SERVICES, '-m', 'comment', '--comment', externalComment, '-m', 'addrtype', '--dst-type', 'LOCAL', ...dport, '--dport', String(sp.nodePort), '-j', externalTarget);
  }
  if (sp.healthCheckNodePort !== 0) {
    s.filterRules.write('-A', KUBE_NODEPORTS, '-m', 'comment', '--comment', q(`${name} health check node port`), '-m', 'tcp', '-p', 'tcp', '--dport', String(sp.healthCheckNodePort), '-j', 'ACCEPT');
  }

  // The per-service chains (only for changed ports in a partial render; always marked active).
  const chains = s.chains;
  const rules = s.chainRules;
  const declare = (chain: string): void => {
    chains.out.push(`:${chain} - [0:0]`);
    s.active.push(chain);
  };
  if (hasInternalEndpoints && s.clusterCIDR) {
    rules.out.push(`-A ${internalChain} ${clusterIPMatch} ! -s ${s.clusterCIDR} -j ${KUBE_MARK_MASQ}`);
  }
  if (usesExtChain) {
    declare(extChain);
    if (!sp.externalPolicyLocal) {
      rules.write('-A', extChain, '-m', 'comment', '--comment', q(`masquerade traffic for ${name} external destinations`), '-j', KUBE_MARK_MASQ);
    } else {
      // Pod and node traffic to external destinations ignores the Local policy (as if it went
      // out to a load balancer and came back); it needs the Cluster chain, which exists whenever
      // there are endpoints (derived fixtures aside: then the short-circuit is left out).
      if (s.clusterCIDR && usesClusterChain) rules.write('-A', extChain, '-m', 'comment', '--comment', q(`pod traffic for ${name} external destinations`), '-s', s.clusterCIDR, '-j', svcChain);
      rules.write('-A', extChain, '-m', 'comment', '--comment', q(`masquerade LOCAL traffic for ${name} external destinations`), '-m', 'addrtype', '--src-type', 'LOCAL', '-j', KUBE_MARK_MASQ);
      if (usesClusterChain) rules.write('-A', extChain, '-m', 'comment', '--comment', q(`route LOCAL traffic for ${name} external destinations`), '-m', 'addrtype', '--src-type', 'LOCAL', '-j', svcChain);
    }
    if (hasExternalEndpoints) rules.write('-A', extChain, '-j', externalPolicyChain);
  }
  if (usesFwChain) {
    declare(fwChain);
    const args = ['-A', fwChain, '-m', 'comment', '--comment', q(`${name} loadbalancer IP`)];
    let allowFromNode = false;
    for (const cidr of sp.loadBalancerSourceRanges) {
      rules.write(...args, '-s', cidr, '-j', extChain);
      if (s.nodeIPs.some((ip) => cidrContains(cidr, ip))) allowFromNode = true;
    }
    if (allowFromNode) for (const ip of sp.loadBalancerIPs) rules.write(...args, '-s', ip, '-j', extChain);
    rules.write('-A', fwChain, '-m', 'comment', '--comment', q(`other traffic to ${name} will be dropped by KUBE-PROXY-FIREWALL`));
  }
  // Each reachable endpoint's `ip:port` and SEP chain, hashed once (the SVC/SVL rules name them too).
  const targets = new Map<ProxyEndpoint, { target: string; chain: string }>();
  for (const ep of sets.reachable) {
    const target = endpointString(ep);
    targets.set(ep, { target, chain: endpointChain(name, sp.protocol, target) });
  }
  if (usesClusterChain) {
    declare(svcChain);
    writeServiceToEndpointRules(rules, sp, svcChain, sets.cluster, s.commentText, targets);
  }
  if (usesLocalChain) {
    declare(svlChain);
    writeServiceToEndpointRules(rules, sp, svlChain, sets.local, s.commentText, targets);
  }
  // The per-endpoint rules, most of a port's lines: written as text, without word arrays.
  const commentName = s.commentText(name);
  for (const ep of sets.reachable) {
    const { target, chain } = targets.get(ep)!;
    declare(chain);
    rules.out.push(`-A ${chain}${commentName} -s ${ep.ip} -j ${KUBE_MARK_MASQ}`);
    const affinity = sp.stickyMaxAgeSeconds > 0 ? ` -m recent --name ${chain} --set` : '';
    rules.out.push(`-A ${chain}${commentName}${affinity} -m ${proto} -p ${proto} -j DNAT --to-destination ${target}`);
  }
}

function writeServiceToEndpointRules(
  rules: Lines,
  sp: ServicePortState,
  chain: string,
  endpoints: ProxyEndpoint[],
  commentText: (t: string) => string,
  targets: ReadonlyMap<ProxyEndpoint, { target: string; chain: string }>,
): void {
  const name = sp.servicePortName;
  // An endpoint object not among the reachable ones (a same `ip:port` from the other set won): named afresh.
  const named = (ep: ProxyEndpoint): { target: string; chain: string } => {
    const known = targets.get(ep);
    if (known) return known;
    const target = endpointString(ep);
    return { target, chain: endpointChain(name, sp.protocol, target) };
  };
  if (sp.stickyMaxAgeSeconds > 0) {
    for (const ep of endpoints) {
      const { target, chain: sep } = named(ep);
      rules.out.push(`-A ${chain}${commentText(q(`${name} -> ${target}`))} -m recent --name ${sep} --rcheck --seconds ${sp.stickyMaxAgeSeconds} --reap -j ${sep}`);
    }
  }
  for (let i = 0; i < endpoints.length; i++) {
    const { target, chain: sep } = named(endpoints[i]);
    const stat = i < endpoints.length - 1 ? ` -m statistic --mode random --probability ${probability(endpoints.length - i)}` : '';
    rules.out.push(`-A ${chain}${commentText(q(`${name} -> ${target}`))}${stat} -j ${sep}`);
  }
}

function ipToNumber(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

/** Whether an IPv4 CIDR contains an IPv4 address. */
export function cidrContains(cidr: string, ip: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const bits = Number(bitsText ?? 32);
  if (ip.includes(':') || base.includes(':')) return false;
  const size = 2 ** (32 - bits);
  return Math.floor(ipToNumber(base) / size) === Math.floor(ipToNumber(ip) / size);
}
