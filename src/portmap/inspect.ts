/**
 * @module Reading the port mappings back from the kernel's own listing, for `kubito proxy rules`
 * and `kubito doctor`: `nft list table ip kubito-hostports` (nftables, userspace) or `iptables-save
 * -t nat` (iptables), each parsed into the mappings that traffic would follow, and compared
 * with what the pods ask for. Pure: text in, mappings and differences out.
 *
 * A mapping counts only when traffic reaches it: in nftables, a DNAT rule of the `hostports`
 * chain while `prerouting` and `output` jump there; in iptables, a DNAT rule of a `CNI-DN-`
 * chain for a protocol and port that `CNI-HOSTPORT-DNAT` sends to that chain. Missing entry
 * rules (the jumps from the hooks or built-in chains) are reported apart.
 */
import { MARK_MASQ, TOP_LEVEL_DNAT } from './iptables.js';
import type { MappingProtocol, PortMapping } from './mappings.js';

/** A mapping as the kernel holds it. */
export interface KernelMapping {
  protocol: MappingProtocol;
  /** `''`: any node address. */
  hostIP: string;
  hostPort: number;
  podIP: string;
  containerPort: number;
  /** nftables: the rule's comment, `<namespace>/<name>`; iptables: the pod's uid (`uid:<uid>`). */
  owner?: string;
}

export interface KernelHostPorts {
  mappings: KernelMapping[];
  /** Entry rules that should lead to the mappings and do not (e.g. `output -> hostports`). */
  missingEntries: string[];
}

/** The text a mapping is compared and shown by: `tcp *:8081 -> 10.244.0.5:80`. */
export function mappingText(m: Pick<KernelMapping, 'protocol' | 'hostIP' | 'hostPort' | 'podIP' | 'containerPort'>): string {
  return `${m.protocol} ${m.hostIP || '*'}:${m.hostPort} -> ${m.podIP}:${m.containerPort}`;
}

/** The chains of an `nft list table` listing, by name, each its lines. */
function nftChains(listing: string): Map<string, string[]> {
  const chains = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const raw of listing.split('\n')) {
    const line = raw.trim();
    const open = /^chain (\S+) \{$/.exec(line);
    if (open) chains.set(open[1], (current = []));
    else if (line === '}') current = undefined;
    else if (current && line) current.push(line);
  }
  return chains;
}

/**
 * The mappings of `nft list table ip kubito-hostports` (empty text: no table, no mapping).
 * Reads the listing's form (`tcp dport 8081 dnat to 10.244.0.5:80`) and the script's
 * (`ip protocol tcp th dport 8081 dnat ip addr . port to 10.244.0.5 . 80`).
 */
export function parseNftHostports(listing: string): KernelHostPorts {
  const chains = nftChains(listing);
  const mappings: KernelMapping[] = [];
  const rule = /^(?:ip daddr (\S+) )?(?:(tcp|udp) dport|ip protocol (tcp|udp) th dport) (\d+) dnat (?:ip )?(?:addr \. port )?to (\d+\.\d+\.\d+\.\d+)(?::| \. )(\d+)(?: comment "([^"]*)")?/;
  for (const line of chains.get('hostports') ?? []) {
    const m = rule.exec(line);
    if (!m) continue;
    mappings.push({ protocol: (m[2] ?? m[3]) as MappingProtocol, hostIP: m[1] ?? '', hostPort: Number(m[4]), podIP: m[5], containerPort: Number(m[6]), owner: m[7] });
  }
  const missingEntries: string[] = [];
  if (mappings.length) {
    for (const hook of ['prerouting', 'output']) if (!(chains.get(hook) ?? []).some((l) => /\bjump hostports\b/.test(l))) missingEntries.push(`${hook} -> hostports`);
  }
  return { mappings, missingEntries };
}

/** The mappings of `iptables-save -t nat` (or a whole save): portmap's chains, as traffic meets them. */
export function parseIptablesHostports(save: string): KernelHostPorts {
  // Which (protocol, port)s CNI-HOSTPORT-DNAT sends to each pod chain, and the pod's uid.
  const routes = new Map<string, { ports: Set<string>; uid?: string }>();
  const dnats: Array<KernelMapping & { chain: string }> = [];
  const jumps = { PREROUTING: false, OUTPUT: false, POSTROUTING: false };
  let inNat = !save.includes('*nat');
  for (const line of save.split('\n')) {
    if (line.startsWith('*')) inNat = line === '*nat';
    if (!inNat || !line.startsWith('-A ')) continue;
    const chain = line.split(' ')[1];
    if (chain === 'PREROUTING' || chain === 'OUTPUT') jumps[chain] ||= line.endsWith(` -j ${TOP_LEVEL_DNAT}`);
    else if (chain === 'POSTROUTING') jumps.POSTROUTING ||= line.endsWith(` -j ${MARK_MASQ}`);
    else if (chain === TOP_LEVEL_DNAT) {
      const to = / -j (CNI-DN-\S+)$/.exec(line)?.[1];
      const protocol = / -p (tcp|udp) /.exec(line)?.[1];
      const ports = / --dports ([\d,]+)/.exec(line)?.[1] ?? / --dport (\d+)/.exec(line)?.[1];
      if (!to || !protocol || !ports) continue;
      const route = routes.get(to) ?? routes.set(to, { ports: new Set() }).get(to)!;
      for (const p of ports.split(',')) route.ports.add(`${protocol}/${p}`);
      route.uid ??= /id: \\"([^"\\]+)\\"/.exec(line)?.[1];
    } else if (chain.startsWith('CNI-DN-')) {
      const m = / -j DNAT --to-destination (\d+\.\d+\.\d+\.\d+):(\d+)/.exec(line);
      const protocol = / -p (tcp|udp) /.exec(line)?.[1] as MappingProtocol | undefined;
      const port = / --dport (\d+)/.exec(line)?.[1];
      if (!m || !protocol || !port) continue;
      dnats.push({ chain, protocol, hostIP: / -d (\d+\.\d+\.\d+\.\d+)\/32 /.exec(line)?.[1] ?? '', hostPort: Number(port), podIP: m[1], containerPort: Number(m[2]) });
    }
  }
  const mappings: KernelMapping[] = [];
  for (const { chain, ...m } of dnats) {
    const route = routes.get(chain);
    if (!route?.ports.has(`${m.protocol}/${m.hostPort}`)) continue;
    mappings.push({ ...m, owner: route.uid ? `uid:${route.uid}` : undefined });
  }
  const missingEntries: string[] = [];
  if (mappings.length) {
    for (const c of ['PREROUTING', 'OUTPUT'] as const) if (!jumps[c]) missingEntries.push(`${c} -> ${TOP_LEVEL_DNAT}`);
    if (!jumps.POSTROUTING) missingEntries.push(`POSTROUTING -> ${MARK_MASQ}`);
  }
  return { mappings, missingEntries };
}

/** What the pods ask for and the kernel lacks, and what the kernel maps that no pod asks for. */
export function compareMappings(wanted: readonly PortMapping[], kernel: readonly KernelMapping[]): { missing: PortMapping[]; stale: KernelMapping[] } {
  const have = new Set(kernel.map(mappingText));
  const want = new Set(wanted.map(mappingText));
  return { missing: wanted.filter((m) => !have.has(mappingText(m))), stale: kernel.filter((m) => !want.has(mappingText(m))) };
}
