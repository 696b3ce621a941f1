/**
 * @module Stale UDP conntrack entries (kube-proxy's `conntrack.CleanStaleEntries`): a UDP flow
 * keeps its DNAT while packets keep coming, so when an endpoint goes away its clients would keep
 * sending into the void. After each sync, every UDP entry whose original destination is a
 * Service frontend (cluster IP, external IP or load-balancer IP with the port, or any address
 * with a NodePort) and whose reply source `ip:port` is not a serving endpoint of that Service is
 * deleted (also when only the endpoint's port changed: a new targetPort).
 * Services without serving endpoints are left alone (upstream: nothing to move the flows to).
 *
 * The parsing and the choice are pure; `cleanStaleUdpEntries` runs `conntrack -L` and
 * `conntrack -D` (conntrack-tools) through the proxy's runner, in the node namespace.
 */
import { portIndexOf } from './port-index.js';
import { endpointString, servicePortKey, type CommandRunner, type DesiredState, type ServicePortState } from './types.js';

/** One UDP flow as `conntrack -L` prints it: the original direction and the reply's source. */
export interface ConntrackEntry {
  origDst: string;
  origDport: number;
  replySrc: string;
  replySport: number;
}

/** What to delete: flows to `origDst:origDport` (any address when absent) answered from `replySrc:replySport`. */
export interface ConntrackFilter {
  origDst?: string;
  origDport: number;
  replySrc: string;
  replySport: number;
}

/**
 * Parses `conntrack -L -p udp` lines, e.g.
 * `udp 17 29 src=10.244.0.5 dst=10.96.0.20 sport=40000 dport=53 src=10.244.0.2 dst=10.244.0.5 sport=53 dport=40000 mark=0 use=1`
 * (the first src/dst/dport are the original direction, the second src the reply's).
 */
export function parseConntrackList(text: string): ConntrackEntry[] {
  const out: ConntrackEntry[] = [];
  for (const line of text.split('\n')) {
    if (!/^(ipv4\s+\d+\s+)?udp\s/.test(line)) continue;
    const src = [...line.matchAll(/\bsrc=(\S+)/g)].map((m) => m[1]);
    const dst = [...line.matchAll(/\bdst=(\S+)/g)].map((m) => m[1]);
    const dport = [...line.matchAll(/\bdport=(\d+)/g)].map((m) => Number(m[1]));
    const sport = [...line.matchAll(/\bsport=(\d+)/g)].map((m) => Number(m[1]));
    if (src.length < 2 || dst.length < 1 || dport.length < 1 || sport.length < 2) continue;
    out.push({ origDst: dst[0], origDport: dport[0], replySrc: src[1], replySport: sport[1] });
  }
  return out;
}

/** The entries to delete for a desired state (upstream's rules; see the module comment). */
export function staleConntrackFilters(entries: readonly ConntrackEntry[], state: DesiredState): ConntrackFilter[] {
  const byFrontend = new Map<string, Set<string>>();
  const byNodePort = new Map<number, Set<string>>();
  for (const sp of state.servicePorts) {
    if (sp.protocol !== 'UDP') continue;
    // Serving endpoints (`ip:port`, as upstream's sets), whatever the traffic policies: changing
    // a policy must not cut flows, but a flow answered from a port the endpoint no longer serves is stale.
    const serving = new Set(sp.endpoints.filter((e) => e.serving).map(endpointString));
    if (serving.size === 0) continue;
    for (const ip of [sp.clusterIP, ...sp.loadBalancerIPs, ...sp.externalIPs]) if (ip) byFrontend.set(`${ip}:${sp.port}`, serving);
    if (sp.nodePort) byNodePort.set(sp.nodePort, serving);
  }
  const filters = new Map<string, ConntrackFilter>();
  for (const e of entries) {
    const reply = endpointString({ ip: e.replySrc, port: e.replySport });
    const endpoints = byFrontend.get(`${e.origDst}:${e.origDport}`);
    if (endpoints && !endpoints.has(reply)) filters.set(`${e.origDst}:${e.origDport}>${reply}`, { origDst: e.origDst, origDport: e.origDport, replySrc: e.replySrc, replySport: e.replySport });
    const forNodePort = byNodePort.get(e.origDport);
    if (forNodePort && !forNodePort.has(reply)) filters.set(`*:${e.origDport}>${reply}`, { origDport: e.origDport, replySrc: e.replySrc, replySport: e.replySport });
  }
  return [...filters.values()];
}

/** The `conntrack -D` command of one filter. */
export function conntrackDeleteArgv(filter: ConntrackFilter): string[] {
  return ['conntrack', '-D', '-p', 'udp', ...(filter.origDst ? ['--orig-dst', filter.origDst] : []), '--orig-port-dst', String(filter.origDport), '--reply-src', filter.replySrc, '--reply-port-src', String(filter.replySport)];
}

/**
 * Lists the node's UDP flows and deletes the stale ones; returns how many filters ran. Does
 * nothing (no process) when the state has no UDP service port with endpoints.
 */
export async function cleanStaleUdpEntries(runner: CommandRunner, state: DesiredState): Promise<number> {
  if (!state.servicePorts.some((sp) => sp.protocol === 'UDP' && sp.endpoints.some((e) => e.serving))) return 0;
  const listed = await runner.run(['conntrack', '-L', '-p', 'udp']);
  if (listed.code !== 0) throw new Error(`conntrack -L -p udp: exit ${listed.code}: ${listed.stderr.trim()} (install the Debian package conntrack)`);
  const filters = staleConntrackFilters(parseConntrackList(listed.stdout), state);
  for (const filter of filters) {
    // Exit 1 with "0 flow entries have been deleted" when the flow ended meanwhile: not an error.
    await runner.run(conntrackDeleteArgv(filter));
  }
  return filters.length;
}

/**
 * What the cleanup depends on, for one service port: its UDP frontends (cluster, external and
 * LB IPs with the port; the NodePort) and its serving endpoints; undefined for a port that is
 * not UDP or has none serving. Flows can only turn stale when this changes for some port: after
 * a cleanup, new flows are DNATed by the rules of the same commit.
 */
export function udpPart(sp: ServicePortState): string | undefined {
  if (sp.protocol !== 'UDP') return undefined;
  const serving = sp.endpoints.filter((e) => e.serving).map(endpointString);
  if (!serving.length) return undefined;
  return `${[sp.clusterIP, ...sp.loadBalancerIPs, ...sp.externalIPs].join(',')}:${sp.port}|${sp.nodePort}>${serving.join(',')}`;
}

/** `udpPart` of every port that has one, in state order. */
export function udpFingerprint(state: DesiredState): string {
  const parts: string[] = [];
  for (const sp of state.servicePorts) {
    const part = udpPart(sp);
    if (part !== undefined) parts.push(part);
  }
  return parts.join(';');
}

function sameEntries(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, value] of a) if (b.get(key) !== value) return false;
  return true;
}

/**
 * `cleanStaleUdpEntries` after each sync, skipped while the UDP frontends and their serving
 * endpoints are the same as at the last cleanup that ran (no `conntrack` process on the
 * critical path of a sync that changed only TCP Services). Keeps each port's `udpPart` and
 * looks at the changed keys only (port-index.ts), so a partial sync costs what it changed.
 */
export class UdpConntrackCleaner {
  readonly #runner: CommandRunner;
  /** `udpPart` by service port key, for the ports that have one, as of the last call. */
  #parts = new Map<string, string>();
  /** Some part changed since the last cleanup that ran (true until one ran). */
  #due = true;

  constructor(runner: CommandRunner) {
    this.#runner = runner;
  }

  /**
   * After a sync of `state`; `changed` as the backend got it (the keys changed since the
   * previous call, or 'all'). Returns how many filters ran, or undefined when skipped.
   */
  async afterSync(state: DesiredState, changed: ReadonlySet<string> | 'all' = 'all'): Promise<number | undefined> {
    if (changed === 'all') {
      const parts = new Map<string, string>();
      for (const sp of state.servicePorts) {
        const part = udpPart(sp);
        if (part !== undefined) parts.set(servicePortKey(sp), part);
      }
      if (!sameEntries(parts, this.#parts)) this.#due = true;
      this.#parts = parts;
    } else {
      const index = portIndexOf(state);
      for (const key of changed) {
        const sp = index.get(key);
        const part = sp ? udpPart(sp) : undefined;
        if (part === this.#parts.get(key)) continue;
        this.#due = true;
        if (part === undefined) this.#parts.delete(key);
        else this.#parts.set(key, part);
      }
    }
    if (!this.#due) return undefined;
    const n = await cleanStaleUdpEntries(this.#runner, state);
    this.#due = false;
    return n;
  }
}
