/**
 * @module The port mappings as `iptables-restore --noflush` text for the nat table, in the CNI
 * portmap plugin's iptables layout (its chain names, comments, mark and rule order). Pure.
 *
 * ```
 * PREROUTING, OUTPUT   -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT        (jumps.ts: appended)
 * POSTROUTING          -m comment --comment "CNI portfwd requiring masquerade" -j CNI-HOSTPORT-MASQ  (first)
 * CNI-HOSTPORT-DNAT    -p tcp -m comment --comment "dnat name: ..." -m multiport --dports 8081 -j CNI-DN-<hash>
 * CNI-DN-<hash>        -s <pod subnet> ... --dport 8081 -j CNI-HOSTPORT-SETMARK   hairpin (any pod of the subnet, as upstream's -s <pod IP/prefix>)
 *                      -s 127.0.0.1/32 ... --dport 8081 -j CNI-HOSTPORT-SETMARK   the node's localhost
 *                      -p tcp -m tcp --dport 8081 -j DNAT --to-destination 10.244.0.5:80
 * CNI-HOSTPORT-SETMARK -j MARK --set-xmark 0x2000/0x2000   (portmap's bit 13; kube-proxy's is 14)
 * CNI-HOSTPORT-MASQ    -m mark --mark 0x2000/0x2000 -j MASQUERADE
 * ```
 *
 * One CNI-DN chain per pod, named as upstream names a container's (`CNI-DN-` + SHA-512 of network
 * name and container ID, 28 characters; the network is `kubito`, the ID the pod's uid). Every
 * restore rewrites the four shared chains and every pod's chain, and deletes the pod chains
 * given as stale (declared first, so a chain already gone is no error).
 */
import { createHash } from 'node:crypto';
import type { PortMapping } from './mappings.js';

export const CNI_NETWORK = 'kubito';
export const TOP_LEVEL_DNAT = 'CNI-HOSTPORT-DNAT';
export const SET_MARK = 'CNI-HOSTPORT-SETMARK';
export const MARK_MASQ = 'CNI-HOSTPORT-MASQ';
/** portmap's default masquerade bit (13); kube-proxy uses 14 and 15. */
export const MASQ_MARK = '0x2000/0x2000';

/** upstream's MustFormatChainNameWithPrefix(network, containerID, "DN-"). */
export function dnatChainName(uid: string, network = CNI_NETWORK): string {
  return `CNI-DN-${createHash('sha512').update(network + uid).digest('hex')}`.slice(0, 28);
}

/** The address/prefix a pod's hairpin rule matches: its subnet, as iptables prints `-s <IP>/<prefix>`. */
export function podSubnet(podIP: string, prefix: number): string {
  const n = podIP.split('.').reduce((acc, p) => (acc << 8) | Number(p), 0) >>> 0;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const net = (n & mask) >>> 0;
  return `${[24, 16, 8, 0].map((s) => (net >>> s) & 255).join('.')}/${prefix}`;
}

/** The rules from the built-in chains into portmap's (upstream's entry rules), as `-C`/`-A` args. */
export const IPTABLES_JUMPS: ReadonlyArray<{ chain: string; args: string[]; first: boolean }> = [
  { chain: 'PREROUTING', args: ['-m', 'addrtype', '--dst-type', 'LOCAL', '-j', TOP_LEVEL_DNAT], first: false },
  { chain: 'OUTPUT', args: ['-m', 'addrtype', '--dst-type', 'LOCAL', '-j', TOP_LEVEL_DNAT], first: false },
  { chain: 'POSTROUTING', args: ['-m', 'comment', '--comment', 'CNI portfwd requiring masquerade', '-j', MARK_MASQ], first: true },
];

export interface IptablesRenderOptions {
  /** The pod network's prefix length (the node's /24): hairpin rules match the pod's subnet. */
  podPrefix: number;
  /** CNI-DN chains in the kernel that no pod wants any more. */
  stale?: readonly string[];
}

/** The restore text, and the pod chains it leaves in the kernel. */
export function renderIptables(mappings: readonly PortMapping[], options: IptablesRenderOptions): { text: string; chains: string[] } {
  const byPod = new Map<string, PortMapping[]>();
  for (const m of mappings) {
    const list = byPod.get(m.uid);
    if (list) list.push(m);
    else byPod.set(m.uid, [m]);
  }
  const chains = [...byPod.keys()].map((uid) => dnatChainName(uid));
  const stale = (options.stale ?? []).filter((c) => !chains.includes(c));
  const out = ['*nat'];
  for (const c of [TOP_LEVEL_DNAT, SET_MARK, MARK_MASQ, ...chains, ...stale]) out.push(`:${c} - [0:0]`);
  out.push(`-A ${SET_MARK} -m comment --comment "CNI portfwd masquerade mark" -j MARK --set-xmark ${MASQ_MARK}`);
  out.push(`-A ${MARK_MASQ} -m mark --mark ${MASQ_MARK} -j MASQUERADE`);
  for (const [uid, list] of byPod) {
    const chain = dnatChainName(uid);
    const note = `"dnat name: \\"${CNI_NETWORK}\\" id: \\"${uid}\\""`;
    for (const proto of ['tcp', 'udp'] as const) {
      const ports = [...new Set(list.filter((m) => m.protocol === proto).map((m) => m.hostPort))];
      // multiport takes at most 15 ports per rule.
      for (let i = 0; i < ports.length; i += 15) out.push(`-A ${TOP_LEVEL_DNAT} -p ${proto} -m comment --comment ${note} -m multiport --dports ${ports.slice(i, i + 15).join(',')} -j ${chain}`);
    }
    for (const m of list) {
      const dst = m.hostIP ? ` -d ${m.hostIP}/32` : '';
      const match = `-p ${m.protocol} -m ${m.protocol} --dport ${m.hostPort}`;
      out.push(`-A ${chain} -s ${podSubnet(m.podIP, options.podPrefix)}${dst} ${match} -j ${SET_MARK}`);
      out.push(`-A ${chain} -s 127.0.0.1/32${dst} ${match} -j ${SET_MARK}`);
      out.push(`-A ${chain}${dst} ${match} -j DNAT --to-destination ${m.podIP}:${m.containerPort}`);
    }
  }
  for (const c of stale) out.push(`-X ${c}`);
  out.push('COMMIT');
  return { text: `${out.join('\n')}\n`, chains };
}
