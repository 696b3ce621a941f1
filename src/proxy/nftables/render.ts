/**
 * @module DesiredState → `nft -f` scripts for the `ip kube-proxy` table, laid out as kube-proxy's
 * nftables proxier lays it out (K/K pkg/proxy/nftables/proxier.go `setupNFTables` +
 * `syncProxyRules`, the version with cluster-ips-check and filter-output-post-dnat). Pure.
 *
 * - `renderFull(state)`: `add table` + `delete table` + the whole table, so that `nft -f` replaces
 *   it in one atomic transaction (connections keep their conntrack entries; affinity sets restart).
 * - `renderPartial(previous, state, changed)`: one transaction touching only the changed ports:
 *   their map elements deleted/added, their chains flushed and refilled, affinity sets
 *   deleted/added, the cluster-ips set diffed. Chains a port no longer uses are flushed and
 *   returned as `staleChains`; the caller deletes them in a later sync (upstream waits because
 *   kernels before 6.2 notice a chain is unreferenced only some time after its map element goes).
 */
import { portIndexOf } from '../port-index.js';
import type { DesiredState, ProxyNodeConfig, ServicePortState } from '../types.js';
import {
  CLUSTER_IPS_CHECK_CHAIN,
  CLUSTER_IPS_SET,
  FIREWALL_CHECK_CHAIN,
  FIREWALL_IPS_MAP,
  MARK_MASQ_CHAIN,
  MASQUERADING_CHAIN,
  NO_ENDPOINT_NODEPORTS_MAP,
  NO_ENDPOINT_SERVICES_MAP,
  NODEPORT_ENDPOINTS_CHECK_CHAIN,
  REJECT_CHAIN,
  SERVICE_ENDPOINTS_CHECK_CHAIN,
  SERVICE_IPS_MAP,
  SERVICE_NODEPORTS_MAP,
  SERVICES_CHAIN,
  TABLE_REF,
} from './names.js';
import { elementText, LARGE_CLUSTER_SERVICE_PORTS, portRules, quote, type AffinitySet, type MapElement, type PortRules } from './port-rules.js';

/** What the kernel holds after a script applied: every port's rules; the cluster IPs, each with how many ports use it. */
export interface TableState {
  ports: Map<string, PortRules>;
  clusterIPs: Map<string, number>;
}

export interface RenderedFull {
  text: string;
  table: TableState;
}

export interface RenderedPartial extends RenderedFull {
  /** Chains flushed by this script that no port uses any more: delete them in a later sync. */
  staleChains: string[];
  /** Every chain the changed ports use now (declared by this script). */
  declaredChains: string[];
}

/**
 * Base chains: `${type}-${hook}`, filter ones before DNAT (dstnat-10 = -110), one filter chain after
 * it (dstnat+10 = -90), nat at dstnat (-100) and srcnat (100): numbers, since nft 1.0 accepts the
 * names dstnat/srcnat only on the prerouting/postrouting hooks.
 */
const BASE_CHAINS = [
  ['filter-prerouting', 'filter', 'prerouting', '-110'],
  ['filter-input', 'filter', 'input', '-110'],
  ['filter-forward', 'filter', 'forward', '-110'],
  ['filter-output', 'filter', 'output', '-110'],
  ['filter-output-post-dnat', 'filter', 'output', '-90'],
  ['nat-prerouting', 'nat', 'prerouting', '-100'],
  ['nat-output', 'nat', 'output', '-100'],
  ['nat-postrouting', 'nat', 'postrouting', '100'],
] as const;

/** The jumps from the base chains (upstream's nftablesJumpChains, in its order). */
const JUMPS = [
  ['filter-input', 'ct state new', NODEPORT_ENDPOINTS_CHECK_CHAIN],
  ['filter-input', 'ct state new', SERVICE_ENDPOINTS_CHECK_CHAIN],
  ['filter-forward', 'ct state new', SERVICE_ENDPOINTS_CHECK_CHAIN],
  ['filter-output', 'ct state new', SERVICE_ENDPOINTS_CHECK_CHAIN],
  ['filter-prerouting', 'ct state new', FIREWALL_CHECK_CHAIN],
  ['filter-output', 'ct state new', FIREWALL_CHECK_CHAIN],
  ['nat-output', '', SERVICES_CHAIN],
  ['nat-prerouting', '', SERVICES_CHAIN],
  ['nat-postrouting', '', MASQUERADING_CHAIN],
  ['filter-forward', 'ct state new', CLUSTER_IPS_CHECK_CHAIN],
  ['filter-output-post-dnat', 'ct state new', CLUSTER_IPS_CHECK_CHAIN],
] as const;

const MAPS = [
  [FIREWALL_IPS_MAP, 'ipv4_addr . inet_proto . inet_service : verdict', 'destinations that are subject to LoadBalancerSourceRanges'],
  [NO_ENDPOINT_SERVICES_MAP, 'ipv4_addr . inet_proto . inet_service : verdict', 'vmap to drop or reject packets to services with no endpoints'],
  [NO_ENDPOINT_NODEPORTS_MAP, 'inet_proto . inet_service : verdict', 'vmap to drop or reject packets to service nodeports with no endpoints'],
  [SERVICE_IPS_MAP, 'ipv4_addr . inet_proto . inet_service : verdict', 'ClusterIP, ExternalIP and LoadBalancer IP traffic'],
  [SERVICE_NODEPORTS_MAP, 'inet_proto . inet_service : verdict', 'NodePort traffic'],
] as const;

/** Upstream's `noLocalhost` (NodePorts are not served on 127/8 in nftables mode). */
const NO_LOCALHOST = 'ip daddr != 127.0.0.0/8';
/** The services chain runs on every packet: NodePorts only to the node's own addresses. */
const NODEPORT_MATCH = `fib daddr type local ${NO_LOCALHOST} meta l4proto . th dport`;

function maskText(bit: number): string {
  return `0x${(1 << bit).toString(16)}`;
}

/** The fixed part of the table: base chains, jumps, helper chains, sets and maps, their rules. */
export function renderSkeleton(node: ProxyNodeConfig): string[] {
  const t = TABLE_REF;
  const mark = maskText(node.masqueradeBit);
  const lines = [`add table ${t} { comment ${quote('rules for kube-proxy')} ; }`];
  for (const [name, type, hook, priority] of BASE_CHAINS) lines.push(`add chain ${t} ${name} { type ${type} hook ${hook} priority ${priority} ; policy accept ; }`);
  for (const chain of [NODEPORT_ENDPOINTS_CHECK_CHAIN, SERVICE_ENDPOINTS_CHECK_CHAIN, FIREWALL_CHECK_CHAIN, SERVICES_CHAIN, MASQUERADING_CHAIN, MARK_MASQ_CHAIN, CLUSTER_IPS_CHECK_CHAIN]) {
    lines.push(`add chain ${t} ${chain}`);
  }
  lines.push(`add chain ${t} ${REJECT_CHAIN} { comment ${quote('helper for @no-endpoint-services / @no-endpoint-nodeports')} ; }`);
  lines.push(`add set ${t} ${CLUSTER_IPS_SET} { type ipv4_addr ; comment ${quote('Active ClusterIPs')} ; }`);
  for (const [name, type, comment] of MAPS) lines.push(`add map ${t} ${name} { type ${type} ; comment ${quote(comment)} ; }`);
  for (const [from, match, to] of JUMPS) lines.push(`add rule ${t} ${from} ${match ? `${match} ` : ''}jump ${to}`);
  lines.push(
    `add rule ${t} ${MARK_MASQ_CHAIN} mark set mark or ${mark}`,
    `add rule ${t} ${MASQUERADING_CHAIN} mark and ${mark} == 0 return`,
    `add rule ${t} ${MASQUERADING_CHAIN} mark set mark xor ${mark}`,
    `add rule ${t} ${MASQUERADING_CHAIN} masquerade fully-random`,
    `add rule ${t} ${CLUSTER_IPS_CHECK_CHAIN} ip daddr @${CLUSTER_IPS_SET} reject comment ${quote('Reject traffic to invalid ports of ClusterIPs')}`,
  );
  if (node.serviceCIDRs.length) lines.push(`add rule ${t} ${CLUSTER_IPS_CHECK_CHAIN} ip daddr { ${node.serviceCIDRs.join(', ')} } drop comment ${quote('Drop traffic to unallocated ClusterIPs')}`);
  lines.push(
    `add rule ${t} ${REJECT_CHAIN} reject`,
    `add rule ${t} ${SERVICE_ENDPOINTS_CHECK_CHAIN} ip daddr . meta l4proto . th dport vmap @${NO_ENDPOINT_SERVICES_MAP}`,
    // Jumped to from filter-input only: the destination is local, upstream checks no fib here.
    `add rule ${t} ${NODEPORT_ENDPOINTS_CHECK_CHAIN} ${NO_LOCALHOST} meta l4proto . th dport vmap @${NO_ENDPOINT_NODEPORTS_MAP}`,
    `add rule ${t} ${FIREWALL_CHECK_CHAIN} ip daddr . meta l4proto . th dport vmap @${FIREWALL_IPS_MAP}`,
    `add rule ${t} ${SERVICES_CHAIN} ip daddr . meta l4proto . th dport vmap @${SERVICE_IPS_MAP}`,
    `add rule ${t} ${SERVICES_CHAIN} ${NODEPORT_MATCH} vmap @${SERVICE_NODEPORTS_MAP}`,
  );
  return lines;
}

const addChain = (chain: string): string => `add chain ${TABLE_REF} ${chain}`;
const flushChain = (chain: string): string => `flush chain ${TABLE_REF} ${chain}`;
const addSet = (s: AffinitySet): string => `add set ${TABLE_REF} ${s.name} { type ipv4_addr ; flags dynamic,timeout ; timeout ${s.timeoutSeconds}s ; }`;
const addElement = (e: MapElement): string => `add element ${TABLE_REF} ${e.map} { ${elementText(e)} }`;
const deleteElement = (e: MapElement): string => `delete element ${TABLE_REF} ${e.map} { ${e.key} }`;

/** One port's own lines: its chains and sets declared, then its rules, then its map elements. */
function portLines(p: PortRules): string[] {
  return [
    `# ${p.key}`,
    ...p.chains.map(addChain),
    ...p.sets.map(addSet),
    ...p.rules.map((r) => `add rule ${TABLE_REF} ${r.chain} ${r.rule}`),
    ...p.elements.map(addElement),
  ];
}

interface Rendering {
  node: ProxyNodeConfig;
  large: boolean;
}

/**
 * Ports rendered by earlier syncs, by ServicePortState object: the change tracker hands the same
 * object for a port it did not recompute (a state is never mutated once handed to a backend), so
 * a full resync renders only what changed. Entries are checked against the node facts and the
 * dispatch form; objects no state holds any more are dropped by the garbage collector.
 */
export class NftablesRenderCache {
  #byPort = new WeakMap<ServicePortState, { rendering: Rendering; rules: PortRules; text?: string }>();

  #entry(sp: ServicePortState, rendering: Rendering): { rules: PortRules; text?: string } {
    const hit = this.#byPort.get(sp);
    if (hit && (hit.rendering.node === rendering.node || JSON.stringify(hit.rendering.node) === JSON.stringify(rendering.node)) && hit.rendering.large === rendering.large) return hit;
    const entry = { rendering, rules: portRules(sp, rendering.node, { large: rendering.large }) };
    this.#byPort.set(sp, entry);
    return entry;
  }

  rules(sp: ServicePortState, node: ProxyNodeConfig, large: boolean): PortRules {
    return this.#entry(sp, { node, large }).rules;
  }

  /** The port's rules and its block of `renderFull` text. */
  block(sp: ServicePortState, node: ProxyNodeConfig, large: boolean): { rules: PortRules; text: string } {
    const entry = this.#entry(sp, { node, large });
    entry.text ??= portLines(entry.rules).join('\n');
    return entry as { rules: PortRules; text: string };
  }
}

export interface RenderOptions {
  /** Ports rendered before, reused when unchanged. */
  cache?: NftablesRenderCache;
  /**
   * renderPartial only: update `previous` in place and return it as the new table, instead of
   * copying its maps (the caller owns it and drops it when the script fails). Saves two copies
   * of per-cluster maps on every partial sync.
   */
  inPlace?: boolean;
}

/** The whole table, replacing whatever `ip kube-proxy` holds, in one transaction. */
export function renderFull(state: DesiredState, options: RenderOptions = {}): RenderedFull {
  const blocks = [`add table ${TABLE_REF}`, `delete table ${TABLE_REF}`, ...renderSkeleton(state.node)];
  const ports = new Map<string, PortRules>();
  const clusterIPs = new Map<string, number>();
  const large = state.servicePorts.length > LARGE_CLUSTER_SERVICE_PORTS;
  const cache = options.cache ?? new NftablesRenderCache();
  for (const sp of state.servicePorts) {
    const { rules, text } = cache.block(sp, state.node, large);
    ports.set(rules.key, rules);
    clusterIPs.set(sp.clusterIP, (clusterIPs.get(sp.clusterIP) ?? 0) + 1);
    blocks.push(text);
  }
  if (clusterIPs.size) blocks.push(`add element ${TABLE_REF} ${CLUSTER_IPS_SET} { ${[...clusterIPs.keys()].join(', ')} }`);
  return { text: `${blocks.join('\n')}\n`, table: { ports, clusterIPs } };
}

const elementId = (e: MapElement): string => `${e.map} ${e.key}`;
const sameElement = (a: MapElement, b: MapElement): boolean => a.verdict === b.verdict && a.comment === b.comment;

function samePort(a: PortRules, b: PortRules): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The changed ports only, against `previous` (what the kernel holds). Keys in `changed` that are
 * in neither `previous` nor `state` are ignored; `previous` is not modified unless `inPlace`.
 */
export function renderPartial(previous: TableState, state: DesiredState, changed: ReadonlySet<string>, options: RenderOptions = {}): RenderedPartial {
  const byKey = portIndexOf(state);
  const ports = options.inPlace ? previous.ports : new Map(previous.ports);
  const clusterIPs = options.inPlace ? previous.clusterIPs : new Map(previous.clusterIPs);
  const ipDelta = new Map<string, number>();
  const delElements: string[] = [];
  const addElements: string[] = [];
  const chainLines: string[] = [];
  const flushLines: string[] = [];
  const delSets: string[] = [];
  const addSets: string[] = [];
  const ruleLines: string[] = [];
  const staleChains: string[] = [];
  const declaredChains: string[] = [];
  // Ports rendered in the other dispatch form before the cluster crossed the threshold keep it
  // until they change or the next full sync: both forms are correct.
  const large = state.servicePorts.length > LARGE_CLUSTER_SERVICE_PORTS;

  for (const key of [...changed].sort()) {
    const old = previous.ports.get(key);
    const sp = byKey.get(key);
    const neu = sp ? (options.cache ? options.cache.rules(sp, state.node, large) : portRules(sp, state.node, { large })) : undefined;
    if (neu) ports.set(key, neu);
    else ports.delete(key);
    if (old) ipDelta.set(old.clusterIP, (ipDelta.get(old.clusterIP) ?? 0) - 1);
    if (neu) ipDelta.set(neu.clusterIP, (ipDelta.get(neu.clusterIP) ?? 0) + 1);
    if (neu) declaredChains.push(...neu.chains);
    if (old && neu && samePort(old, neu)) continue;

    const oldElements = new Map((old?.elements ?? []).map((e) => [elementId(e), e]));
    const newElements = new Map((neu?.elements ?? []).map((e) => [elementId(e), e]));
    for (const [id, e] of oldElements) {
      const n = newElements.get(id);
      if (!n || !sameElement(e, n)) delElements.push(deleteElement(e));
    }
    for (const [id, e] of newElements) {
      const o = oldElements.get(id);
      if (!o || !sameElement(e, o)) addElements.push(addElement(e));
    }

    const newChains = new Set(neu?.chains ?? []);
    for (const chain of old?.chains ?? []) {
      flushLines.push(flushChain(chain));
      if (!newChains.has(chain)) staleChains.push(chain);
    }
    for (const chain of newChains) {
      chainLines.push(addChain(chain));
      if (!old?.chains.includes(chain)) flushLines.push(flushChain(chain));
    }

    const newSets = new Map((neu?.sets ?? []).map((s) => [s.name, s]));
    const oldSets = new Map((old?.sets ?? []).map((s) => [s.name, s]));
    for (const [name, s] of oldSets) if (newSets.get(name)?.timeoutSeconds !== s.timeoutSeconds) delSets.push(`delete set ${TABLE_REF} ${name}`);
    for (const [name, s] of newSets) if (oldSets.get(name)?.timeoutSeconds !== s.timeoutSeconds) addSets.push(addSet(s));

    for (const r of neu?.rules ?? []) ruleLines.push(`add rule ${TABLE_REF} ${r.chain} ${r.rule}`);
  }

  const goneIPs: string[] = [];
  const newIPs: string[] = [];
  for (const [ip, delta] of ipDelta) {
    if (!delta) continue;
    const before = previous.clusterIPs.get(ip) ?? 0;
    const after = before + delta;
    if (after > 0) clusterIPs.set(ip, after);
    else clusterIPs.delete(ip);
    if (before > 0 && after <= 0) goneIPs.push(ip);
    if (before <= 0 && after > 0) newIPs.push(ip);
  }
  goneIPs.sort();
  newIPs.sort();
  const lines = [
    ...delElements,
    ...(goneIPs.length ? [`delete element ${TABLE_REF} ${CLUSTER_IPS_SET} { ${goneIPs.join(', ')} }`] : []),
    ...chainLines,
    ...flushLines,
    ...delSets,
    ...addSets,
    ...ruleLines,
    ...addElements,
    ...(newIPs.length ? [`add element ${TABLE_REF} ${CLUSTER_IPS_SET} { ${newIPs.join(', ')} }`] : []),
  ];
  return { text: lines.length ? `${lines.join('\n')}\n` : '', table: { ports, clusterIPs }, staleChains, declaredChains };
}
